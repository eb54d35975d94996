"""Reason codes operators pick for downtime, scrap, pauses and schedule exceptions.

Invariants:
- codes are unique per organization and kind (upper-case, 1-32 letters, digits, dot, dash,
  underscore);
- the six-big-loss category fits the kind: downtime and pause reasons take an availability or
  performance loss (breakdown, setup/adjustment, minor stop, reduced speed) or planned stop;
  scrap reasons take a quality loss (start-up or production reject); exception reasons take none;
- `planned` and the planned-stop category go together: a planned reason is a planned stop (it
  does not count against availability) and a planned stop is planned; scrap is never planned;
- a reason code in use (production events, machine status) is never deleted, only deactivated;
  one that was never used may be deleted.
Reading needs VIEW; writing needs MANAGE_PLANTS or PLAN.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, func, or_, select

from models.base import pk
from models.resources import LossCategory, MachineStatus, ReasonCode, ReasonKind
from models.shopfloor import ProductionEvent
from services.config import type_lists
from services.core.access import Actor, Permission
from services.core.errors import Conflict, Forbidden, Invalid
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import CODE_RE, check
from services.master.common import (
    announce,
    apply_changes,
    like_pattern,
    require_view,
    stamp,
    stamp_new,
    text_problem,
)

L = LossCategory
AVAILABILITY_OR_PERFORMANCE = frozenset({L.BREAKDOWN, L.SETUP_ADJUSTMENT, L.MINOR_STOP, L.REDUCED_SPEED, L.PLANNED_STOP})
ALLOWED_CATEGORIES: dict[ReasonKind, frozenset[LossCategory]] = {
    ReasonKind.DOWNTIME: AVAILABILITY_OR_PERFORMANCE,
    ReasonKind.PAUSE: AVAILABILITY_OR_PERFORMANCE,
    ReasonKind.SCRAP: frozenset({L.STARTUP_REJECT, L.PRODUCTION_REJECT}),
    ReasonKind.EXCEPTION: frozenset(),
}


class ReasonCodeCreate(BaseModel):
    kind: str
    code: str
    name: str
    planned: bool = False
    loss_category: str | None = None
    position: int = 100


class ReasonCodeUpdate(BaseModel):
    code: str | None = None
    name: str | None = None
    planned: bool | None = None
    loss_category: str | None = None
    clear_loss_category: bool = False
    position: int | None = None


class ReasonCodeRead(BaseModel):
    id: int
    organization_id: int
    kind: ReasonKind
    code: str
    name: str
    planned: bool
    loss_category: LossCategory | None
    position: int
    is_active: bool


REASON_CODE_COLUMNS = [("kind", t("Kind")), ("code", t("Code")), ("name", t("Name")), ("planned", t("Planned")),
                       ("loss_category", t("Loss category")), ("is_active", t("Active"))]


def list_reason_codes(session: Session, actor: Actor, *, kind: str | None = None, search: str | None = None,
                      active: bool | None = True) -> list[ReasonCodeRead]:
    """Reason codes of the organization in pick-list order (kind, position, code)."""
    require_view(actor)
    query = select(ReasonCode).where(ReasonCode.organization_id == actor.organization_id)
    if kind:
        query = query.where(ReasonCode.kind == _kind(kind))
    if search and search.strip():
        pattern = like_pattern(search)
        query = query.where(or_(func.lower(ReasonCode.code).like(pattern, escape="\\"),
                                func.lower(ReasonCode.name).like(pattern, escape="\\")))
    if active is not None:
        query = query.where(ReasonCode.is_active == active)
    rows = session.exec(query.order_by(col(ReasonCode.kind), col(ReasonCode.position), col(ReasonCode.code))).all()
    return [_read(r) for r in rows]


def get_reason_code(session: Session, actor: Actor, reason_code_id: int) -> ReasonCodeRead:
    require_view(actor)
    return _read(get_scoped(session, actor, ReasonCode, reason_code_id, t("Reason code")))


def create_reason_code(session: Session, actor: Actor, data: ReasonCodeCreate, *,
                       now: datetime) -> ReasonCodeRead:
    _require_write(actor)
    kind = _kind(data.kind)
    values = _values(kind, data.code, data.name, data.planned, data.loss_category, data.position)
    _unique(session, actor, kind, values["code"])
    reason = stamp_new(ReasonCode(organization_id=actor.organization_id, kind=kind, **values), actor, now)
    session.add(reason)
    session.flush()
    announce(session, actor, "reason_code", reason.id, "create", {"kind": kind.value, **values}, now=now)
    return _read(reason)


def update_reason_code(session: Session, actor: Actor, reason_code_id: int, data: ReasonCodeUpdate, *,
                       now: datetime) -> ReasonCodeRead:
    """Change the given fields (the kind never changes); `clear_loss_category=True` (or an
    empty `loss_category`) empties the category."""
    _require_write(actor)
    reason = get_scoped(session, actor, ReasonCode, reason_code_id, t("Reason code"))
    clear = data.clear_loss_category or data.loss_category == ""
    category = None if clear else (data.loss_category or reason.loss_category)
    values = _values(ReasonKind(reason.kind), reason.code if data.code is None else data.code,
                     reason.name if data.name is None else data.name,
                     reason.planned if data.planned is None else data.planned, category,
                     reason.position if data.position is None else data.position)
    if values["code"] != reason.code:
        _unique(session, actor, ReasonKind(reason.kind), values["code"])
    category = values.pop("loss_category")
    changes = apply_changes(reason, values)
    if category != reason.loss_category:
        changes["loss_category"] = {"before": reason.loss_category, "after": category}
        reason.loss_category = category
    if changes:
        session.add(stamp(reason, actor, now))
        announce(session, actor, "reason_code", reason.id, "update", changes, now=now)
    return _read(reason)


def set_reason_code_active(session: Session, actor: Actor, reason_code_id: int, active: bool, *,
                           now: datetime) -> ReasonCodeRead:
    _require_write(actor)
    reason = get_scoped(session, actor, ReasonCode, reason_code_id, t("Reason code"))
    if reason.is_active != active:
        reason.is_active = active
        session.add(stamp(reason, actor, now))
        announce(session, actor, "reason_code", reason.id, "reactivate" if active else "deactivate",
                 {"is_active": {"before": not active, "after": active}}, now=now)
    return _read(reason)


def delete_reason_code(session: Session, actor: Actor, reason_code_id: int, *, now: datetime) -> None:
    """Delete a reason code nobody has used yet; one in use is refused (deactivate it instead)."""
    _require_write(actor)
    reason = get_scoped(session, actor, ReasonCode, reason_code_id, t("Reason code"))
    if reason_code_in_use(session, pk(reason)):
        raise Conflict(t("Reason {code} has been used, so it stays in the history: deactivate it instead.",
                         code=reason.code))
    snapshot = {"kind": reason.kind, "code": reason.code, "name": reason.name}
    session.delete(reason)
    session.flush()
    announce(session, actor, "reason_code", reason_code_id, "delete", snapshot, now=now)


def reason_code_in_use(session: Session, reason_code_id: int) -> bool:
    for model in (ProductionEvent, MachineStatus):
        if session.exec(select(func.count()).select_from(model).where(model.reason_code_id == reason_code_id)).one():
            return True
    return False


def _require_write(actor: Actor) -> None:
    if not (Permission.MANAGE_PLANTS in actor.permissions or Permission.PLAN in actor.permissions):
        raise Forbidden(t("You are not allowed to do this: it needs the 'manage_plants' or 'plan' permission."))


def _kind(value: str | ReasonKind) -> ReasonKind:
    try:
        return ReasonKind(value)
    except ValueError:
        raise Invalid(fields={"kind": t("Pick downtime, scrap, pause or exception.")}) from None


def _values(kind: ReasonKind, code, name, planned: bool, category, position) -> dict:
    problems: dict[str, str] = {}
    code, name = (code or "").strip().upper(), (name or "").strip()
    if not CODE_RE.match(code):
        problems["code"] = t("Use 1 to 32 letters, digits, dot, dash or underscore.")
    if problem := text_problem(name, max_length=200):
        problems["name"] = problem
    if position is None or not 0 <= int(position) < 100_000:
        problems["position"] = t("Use a whole number from 0 to 99999.")
    loss = None
    if category not in (None, ""):
        try:
            loss = LossCategory(category)
        except ValueError:
            problems["loss_category"] = t("Pick one of the six big losses or planned stop.")
    allowed = ALLOWED_CATEGORIES[kind]
    if loss is not None and loss not in allowed:
        problems["loss_category"] = (t("A {kind} reason takes no loss category.", kind=kind.value) if not allowed else
                                     t("A {kind} reason takes one of: {categories}.",
                                       kind=kind.value, categories=", ".join(sorted(c.value for c in allowed))))
    if planned and kind in (ReasonKind.SCRAP, ReasonKind.EXCEPTION):
        problems["planned"] = t("A {kind} reason cannot be planned.", kind=kind.value)
    elif planned and loss not in (None, L.PLANNED_STOP) and "loss_category" not in problems:
        problems["loss_category"] = t("A planned reason is a planned stop: pick 'planned_stop' or none.")
    elif not planned and loss == L.PLANNED_STOP:
        problems["planned"] = t("A planned stop must be marked as planned.")
    check(problems)
    if planned and loss is None and kind in (ReasonKind.DOWNTIME, ReasonKind.PAUSE):
        loss = L.PLANNED_STOP
    return {"code": code, "name": name, "planned": bool(planned), "loss_category": loss, "position": int(position)}


def _unique(session: Session, actor: Actor, kind: ReasonKind, code: str) -> None:
    taken = session.exec(select(ReasonCode.id).where(ReasonCode.organization_id == actor.organization_id,
                                                     ReasonCode.kind == kind, ReasonCode.code == code)).first()
    if taken is not None:
        raise Conflict(t("A {kind} reason with code {code} exists.",
                         kind=kind.value, code=code), fields={"code": t("Already used.")})


def _read(reason: ReasonCode) -> ReasonCodeRead:
    return ReasonCodeRead(id=reason.id, organization_id=reason.organization_id, kind=ReasonKind(reason.kind),
                          code=reason.code, name=reason.name, planned=reason.planned,
                          loss_category=LossCategory(reason.loss_category) if reason.loss_category else None,
                          position=reason.position, is_active=reason.is_active)


class _ReasonLists:
    """The scrap and downtime type lists are reason codes: services/config/type_lists.py runs them
    through these (registered below), with this module's checks, audit and events."""

    def values(self, session: Session, actor: Actor, kind: ReasonKind, *, include_retired: bool):
        return list_reason_codes(session, actor, kind=kind.value, active=None if include_retired else True)

    def create(self, session: Session, actor: Actor, kind: ReasonKind, code: str, label: str, position: int, *,
               now: datetime):
        return create_reason_code(session, actor, ReasonCodeCreate(kind=kind.value, code=code, name=label,
                                                                   position=position), now=now)

    def update(self, session: Session, actor: Actor, value_id: int, code: str | None, label: str | None,
               position: int | None, *, now: datetime):
        return update_reason_code(session, actor, value_id, ReasonCodeUpdate(code=code, name=label, position=position),
                                  now=now)

    def set_active(self, session: Session, actor: Actor, value_id: int, active: bool, *, now: datetime):
        return set_reason_code_active(session, actor, value_id, active, now=now)

    def delete(self, session: Session, actor: Actor, value_id: int, *, now: datetime) -> None:
        delete_reason_code(session, actor, value_id, now=now)


type_lists.use_reason_codes(_ReasonLists())
