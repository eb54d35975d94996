"""Type lists: admin-editable pick lists of an organization (defect codes, root-cause categories,
dispositions, scrap and downtime reasons ...), with ordering and retirement.

Interface for other modules (stable):
- `values(session, actor, list_key, *, include_retired=False) -> list[TypeListValueRead]`, in order;
- `require_value(session, actor, list_key, value_id, *, field=None) -> TypeListValueRead`: the value,
  or `Invalid` with `fields={field or list_key: message}` when it is unknown, of another
  organization, of another list or retired;
- `value_problem(session, actor, list_key, value_id) -> str | None`: the same check as a message;
- `register_default_list(key, name, values=[(code, label), ...])` (at import time): a list a module
  ships; every organization gets it, and what admins change is never overwritten;
- `register_usage(list_key, fn)` / `register_column(list_key, Model.column)`: tell this module where
  values are used; `fn(session, organization_id, value_id) -> int` counts the uses.

Invariants:
- list keys are unique per organization and never change; value codes are unique per list
  (upper-case, 1-32 letters, digits, dot, dash, underscore); positions order the pick list;
- a value in use (any registered usage, custom field values included) is never deleted, only
  retired (`is_active` False); retired values stay readable in history but are refused on new input;
- shipped lists (`is_system`) are never deleted; a custom list is deleted only while none of its
  values is in use and no custom field refers to it;
- the scrap and downtime reason lists are the organization's reason codes (services/master/reason_codes.py):
  their values *are* `reason_code` rows (ids are reason code ids) and edits go through that module
  (which registers itself here, `use_reason_codes`, so master data depends on configuration and not
  back), so the operator portal, KPI losses and the history keep working unchanged;
- usages registered by other modules count wherever they live: custom fields' choice usage is
  registered when the package is imported (services/config/__init__.py imports custom_fields);
- every organization has the shipped lists: inserted with the organization (models/config.py),
  by migration 0006 for older organizations, and on first use for lists registered later. Reading needs VIEW; writing needs CONFIGURE.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NoReturn, Protocol

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.config import (
    DEFAULT_TYPE_LISTS,
    CustomFieldDefinition,
    TypeList,
    TypeListValue,
    insert_default_type_lists,
)
from models.resources import ReasonCode, ReasonKind
from services.core.access import Actor, Permission, require
from services.core.changes import announce, apply_changes, stamp, stamp_new
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import render, t
from services.core.validation import CODE_RE, check, text_problem

DEFECT_CODES = "defect_codes"
SCRAP_REASONS = "scrap_reasons"
DOWNTIME_REASONS = "downtime_reasons"
ROOT_CAUSE_CATEGORIES = "root_cause_categories"
DISPOSITIONS = "dispositions"

LIST_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,47}$")

# Lists backed by reason codes: key -> reason kind.
REASON_LISTS: dict[str, ReasonKind] = {SCRAP_REASONS: ReasonKind.SCRAP, DOWNTIME_REASONS: ReasonKind.DOWNTIME}
REASON_LIST_NAMES = {SCRAP_REASONS: t("Scrap reasons"), DOWNTIME_REASONS: t("Downtime reasons")}


class ReasonCodeService(Protocol):
    """What the reason lists run through: services/master/reason_codes.py registers itself at import
    (`use_reason_codes`), so master data depends on configuration and never the other way round.
    Each call returns a reason code read (id, code, name, position, is_active) or nothing."""

    def values(self, session: Session, actor: Actor, kind: ReasonKind, *, include_retired: bool) -> list[Any]: ...
    def create(self, session: Session, actor: Actor, kind: ReasonKind, code: str, label: str, position: int, *,
               now: datetime) -> Any: ...
    def update(self, session: Session, actor: Actor, value_id: int, code: str | None, label: str | None,
               position: int | None, *, now: datetime) -> Any: ...
    def set_active(self, session: Session, actor: Actor, value_id: int, active: bool, *, now: datetime) -> Any: ...
    def delete(self, session: Session, actor: Actor, value_id: int, *, now: datetime) -> None: ...


_reason_codes: list[ReasonCodeService] = []


def use_reason_codes(service: ReasonCodeService) -> None:
    """Called once by services/master/reason_codes.py when it is imported."""
    _reason_codes[:] = [service]


def _reasons() -> ReasonCodeService:
    if not _reason_codes:
        raise RuntimeError("The scrap and downtime reason lists are reason codes, but services.master.reason_codes "
                           "was never imported (it registers itself with use_reason_codes).")
    return _reason_codes[0]


class TypeListRead(BaseModel):
    id: int | None              # None for the reason-code lists (they have no type_list row)
    key: str
    name: str
    description: str
    is_system: bool
    backed_by_reason_codes: bool = False
    value_count: int = 0


class TypeListValueRead(BaseModel):
    id: int
    list_key: str
    code: str
    label: str
    position: int
    is_active: bool


class TypeListCreate(BaseModel):
    key: str
    name: str
    description: str = ""


class TypeListUpdate(BaseModel):
    name: str | None = None
    description: str | None = None


class ValueCreate(BaseModel):
    code: str
    label: str
    position: int | None = None


class ValueUpdate(BaseModel):
    code: str | None = None
    label: str | None = None
    position: int | None = None


UsageFn = Callable[..., int]      # (session, organization_id, value_id[, list_key for "*"]) -> uses
_usages: dict[str, list[UsageFn]] = {}


def register_usage(list_key: str, fn: UsageFn) -> None:
    """`fn(session, organization_id, value_id)` counts where a value of `list_key` is used; a
    function registered for "*" is asked about every list, with the list key as a 4th argument."""
    if fn not in _usages.setdefault(list_key, []):
        _usages[list_key].append(fn)


def register_column(list_key: str, column) -> None:
    """A model column holding value ids of `list_key` (e.g. `Reject.defect_code_id`)."""
    def count(session: Session, organization_id: int, value_id: int) -> int:
        return session.exec(select(func.count()).where(column == value_id)).one()
    count.__qualname__ = f"column:{column}"
    register_usage(list_key, count)


def usage_count(session: Session, organization_id: int, list_key: str, value_id: int) -> int:
    own = sum(fn(session, organization_id, value_id) for fn in _usages.get(list_key, []))
    return own + sum(fn(session, organization_id, value_id, list_key) for fn in _usages.get("*", []))


# ---- reads ---------------------------------------------------------------------------------------

def lists(session: Session, actor: Actor) -> list[TypeListRead]:
    require(actor, Permission.VIEW)
    counts = dict(session.exec(select(TypeListValue.type_list_id, func.count()).where(
        TypeListValue.organization_id == actor.organization_id).group_by(col(TypeListValue.type_list_id))).all())
    rows = session.exec(select(TypeList).where(TypeList.organization_id == actor.organization_id)
                        .order_by(TypeList.name)).all()
    found = [TypeListRead(id=r.id, key=r.key, name=r.name, description=r.description, is_system=r.is_system,
                          value_count=counts.get(pk(r), 0)) for r in rows]
    for key, kind in REASON_LISTS.items():
        count = session.exec(select(func.count()).select_from(ReasonCode).where(
            ReasonCode.organization_id == actor.organization_id, ReasonCode.kind == kind)).one()
        found.append(TypeListRead(id=None, key=key, name=render(REASON_LIST_NAMES[key]), is_system=True,
                                  description=t("The reason codes operators pick (Master data > Reason codes)."),
                                  backed_by_reason_codes=True, value_count=count))
    return sorted(found, key=lambda r: r.name.lower())


def get_list(session: Session, actor: Actor, list_key: str) -> TypeListRead:
    return next((r for r in lists(session, actor) if r.key == list_key), None) or _no_list(list_key)


def values(session: Session, actor: Actor, list_key: str, *, include_retired: bool = False) -> list[TypeListValueRead]:
    """The list's values in pick-list order (position, code); retired ones only when asked."""
    require(actor, Permission.VIEW)
    if list_key in REASON_LISTS:
        return [_reason_value(list_key, r) for r in _reasons().values(
            session, actor, REASON_LISTS[list_key], include_retired=include_retired)]
    type_list = _list_row(session, actor.organization_id, list_key)
    query = select(TypeListValue).where(TypeListValue.type_list_id == type_list.id)
    if not include_retired:
        query = query.where(TypeListValue.is_active)
    rows = session.exec(query.order_by(col(TypeListValue.position), col(TypeListValue.code))).all()
    return [_read(list_key, r) for r in rows]


def labels(session: Session, actor: Actor, list_key: str) -> dict[int, str]:
    """Value id -> label, retired values included (for showing history)."""
    return {v.id: v.label for v in values(session, actor, list_key, include_retired=True)}


def value_problem(session: Session, actor: Actor, list_key: str, value_id) -> str | None:
    try:
        value_id = int(value_id)
    except (TypeError, ValueError):
        return t("Pick a value from the list.")
    value = _find_value(session, actor.organization_id, list_key, value_id)
    if value is None:
        return t("Pick a value from the list.")
    if not value.is_active:
        return t("{value} is retired: pick another value.", value=value.label)
    return None


def require_value(session: Session, actor: Actor, list_key: str, value_id, *,
                  field: str | None = None) -> TypeListValueRead:
    require(actor, Permission.VIEW)
    problem = value_problem(session, actor, list_key, value_id)
    if problem:
        raise Invalid(problem, fields={field or list_key: problem})
    found = _find_value(session, actor.organization_id, list_key, int(value_id))
    if found is None:
        raise NotFound(t("Value not found."))
    return found


# ---- lists ---------------------------------------------------------------------------------------

def create_list(session: Session, actor: Actor, data: TypeListCreate, *, now: datetime) -> TypeListRead:
    require(actor, Permission.CONFIGURE)
    key = (data.key or "").strip().lower()
    problems: dict[str, str] = {}
    if not LIST_KEY_RE.match(key):
        problems["key"] = t("Use 2 to 48 lower-case letters, digits or underscores, starting with a letter.")
    elif key in REASON_LISTS or _find_list(session, actor.organization_id, key):
        problems["key"] = t("A list with this key exists.")
    _name_problems(data.name, data.description, problems)
    check(problems)
    row = stamp_new(TypeList(organization_id=actor.organization_id, key=key, name=data.name.strip(),
                             description=(data.description or "").strip()), actor, now)
    session.add(row)
    session.flush()
    announce(session, actor, "type_list", row.id, "create", {"key": key, "name": row.name}, now=now)
    return get_list(session, actor, key)


def update_list(session: Session, actor: Actor, list_key: str, data: TypeListUpdate, *,
                now: datetime) -> TypeListRead:
    require(actor, Permission.CONFIGURE)
    row = _writable_list(session, actor, list_key)
    name = row.name if data.name is None else data.name
    description = row.description if data.description is None else data.description
    problems: dict[str, str] = {}
    _name_problems(name, description, problems)
    check(problems)
    changes = apply_changes(row, {"name": name.strip(), "description": description.strip()})
    if changes:
        session.add(stamp(row, actor, now))
        announce(session, actor, "type_list", row.id, "update", changes, now=now)
    return get_list(session, actor, list_key)


def delete_list(session: Session, actor: Actor, list_key: str, *, now: datetime) -> None:
    require(actor, Permission.CONFIGURE)
    row = _writable_list(session, actor, list_key)
    if row.is_system:
        raise Conflict(t("{list} ships with Takt and is kept: retire its values instead.", list=row.name))
    fields = session.exec(select(CustomFieldDefinition.label).where(
        CustomFieldDefinition.organization_id == actor.organization_id,
        CustomFieldDefinition.type_list_key == row.key)).all()
    if fields:
        raise Conflict(t("Custom fields use {list}: {fields}.", list=row.name, fields=", ".join(fields)))
    for value in session.exec(select(TypeListValue).where(TypeListValue.type_list_id == row.id)).all():
        if usage_count(session, actor.organization_id, row.key, pk(value)):
            raise Conflict(t("{value} of {list} is in use, so the list stays: retire its values instead.",
                             value=value.label, list=row.name))
        session.delete(value)
    session.flush()                     # the values go before their list (no ORM relationship orders them)
    session.delete(row)
    session.flush()
    announce(session, actor, "type_list", row.id, "delete", {"key": row.key, "name": row.name}, now=now)


# ---- values --------------------------------------------------------------------------------------

def create_value(session: Session, actor: Actor, list_key: str, data: ValueCreate, *,
                 now: datetime) -> TypeListValueRead:
    require(actor, Permission.CONFIGURE)
    if list_key in REASON_LISTS:
        reason = _reasons().create(session, actor, REASON_LISTS[list_key], data.code, data.label,
                                   100 if data.position is None else data.position, now=now)
        return _reason_value(list_key, reason)
    type_list = _list_row(session, actor.organization_id, list_key)
    position = data.position if data.position is not None else _next_position(session, pk(type_list))
    clean = _value_fields(data.code, data.label, position)
    _unique_code(session, pk(type_list), clean["code"])
    row = stamp_new(TypeListValue(organization_id=actor.organization_id, type_list_id=pk(type_list), **clean), actor, now)
    session.add(row)
    session.flush()
    announce(session, actor, "type_list_value", row.id, "create", {"list": list_key, **clean}, now=now)
    return _read(list_key, row)


def update_value(session: Session, actor: Actor, list_key: str, value_id: int, data: ValueUpdate, *,
                 now: datetime) -> TypeListValueRead:
    require(actor, Permission.CONFIGURE)
    if list_key in REASON_LISTS:
        _reason_row(session, actor, list_key, value_id)
        reason = _reasons().update(session, actor, value_id, data.code, data.label, data.position, now=now)
        return _reason_value(list_key, reason)
    row = _value_row(session, actor, list_key, value_id)
    clean = _value_fields(row.code if data.code is None else data.code, row.label if data.label is None else data.label,
                          row.position if data.position is None else data.position)
    if clean["code"] != row.code:
        _unique_code(session, row.type_list_id, clean["code"])
    changes = apply_changes(row, clean)
    if changes:
        session.add(stamp(row, actor, now))
        announce(session, actor, "type_list_value", row.id, "update", {"list": list_key, **changes}, now=now)
    return _read(list_key, row)


def set_value_active(session: Session, actor: Actor, list_key: str, value_id: int, active: bool, *,
                     now: datetime) -> TypeListValueRead:
    """Retire (False) or bring back (True) a value; retired values are refused on new input."""
    require(actor, Permission.CONFIGURE)
    if list_key in REASON_LISTS:
        _reason_row(session, actor, list_key, value_id)
        return _reason_value(list_key, _reasons().set_active(session, actor, value_id, active, now=now))
    row = _value_row(session, actor, list_key, value_id)
    if row.is_active != active:
        row.is_active = active
        session.add(stamp(row, actor, now))
        announce(session, actor, "type_list_value", row.id, "reactivate" if active else "retire",
                 {"list": list_key, "is_active": {"before": not active, "after": active}}, now=now,
                 event="type_list_value.reactivated" if active else "type_list_value.retired")
    return _read(list_key, row)


def delete_value(session: Session, actor: Actor, list_key: str, value_id: int, *, now: datetime) -> None:
    """Delete a value nobody has used; a value in use is refused with Conflict (retire it instead)."""
    require(actor, Permission.CONFIGURE)
    if list_key in REASON_LISTS:
        _reason_row(session, actor, list_key, value_id)
        if usage_count(session, actor.organization_id, list_key, value_id):
            raise Conflict(t("This reason is in use, so it stays in the history: retire it instead."))
        _reasons().delete(session, actor, value_id, now=now)
        return
    row = _value_row(session, actor, list_key, value_id)
    uses = usage_count(session, actor.organization_id, list_key, pk(row))
    if uses:
        raise Conflict(t("{value} is in use ({count} time), so it stays in the history: retire it instead.",
                         value=row.label, count=uses) if uses == 1 else
                       t("{value} is in use ({count} times), so it stays in the history: retire it instead.",
                         value=row.label, count=uses))
    snapshot = {"list": list_key, "code": row.code, "label": row.label}
    session.delete(row)
    session.flush()
    announce(session, actor, "type_list_value", value_id, "delete", snapshot, now=now)


def move_value(session: Session, actor: Actor, list_key: str, value_id: int, step: int, *,
               now: datetime) -> list[TypeListValueRead]:
    """Move a value one place up (step -1) or down (+1) in the pick list; positions are renumbered."""
    require(actor, Permission.CONFIGURE)
    ordered = values(session, actor, list_key, include_retired=True)
    index = next((i for i, v in enumerate(ordered) if v.id == value_id), None)
    if index is None:
        raise NotFound(t("Value not found."))
    target = max(0, min(len(ordered) - 1, index + (1 if step > 0 else -1)))
    ordered.insert(target, ordered.pop(index))
    for position, value in enumerate(ordered, start=1):
        if value.position != position * 10:
            update_value(session, actor, list_key, value.id, ValueUpdate(position=position * 10), now=now)
    return values(session, actor, list_key, include_retired=True)


# ---- defaults ------------------------------------------------------------------------------------

def register_default_list(key: str, name: str, values: Sequence[tuple[str, str]] = (), *, description: str = "") -> None:
    """A list a module ships: every new organization is born with it (models/config.py), and an
    organization created before the module registered it gets it on first use."""
    if not LIST_KEY_RE.match(key) or key in REASON_LISTS:
        raise ValueError(f"bad type list key {key!r}")
    DEFAULT_TYPE_LISTS.setdefault(key, (name, description, list(values)))


def ensure_defaults(session: Session, organization_id: int) -> None:
    """Create the shipped lists the organization does not have yet (idempotent)."""
    have = set(session.exec(select(TypeList.key).where(TypeList.organization_id == organization_id)).all())
    missing = set(DEFAULT_TYPE_LISTS) - have
    if missing:
        insert_default_type_lists(session.connection(), organization_id, only=missing)


# ---- helpers -------------------------------------------------------------------------------------

def _no_list(list_key: str) -> NoReturn:
    raise NotFound(t("Type list '{list_key}' not found.", list_key=list_key))


def _find_list(session: Session, organization_id: int, list_key: str) -> TypeList | None:
    return session.exec(select(TypeList).where(TypeList.organization_id == organization_id,
                                               TypeList.key == list_key)).first()


def _list_row(session: Session, organization_id: int, list_key: str) -> TypeList:
    """The organization's list, a shipped one created on first use; NotFound otherwise."""
    row = _find_list(session, organization_id, list_key)
    if row is None and list_key in DEFAULT_TYPE_LISTS:
        ensure_defaults(session, organization_id)
        row = _find_list(session, organization_id, list_key)
    if row is None:
        _no_list(list_key)
    return row


def _writable_list(session: Session, actor: Actor, list_key: str) -> TypeList:
    if list_key in REASON_LISTS:
        raise Conflict(t("Reason code lists are shaped in Master data > Reason codes."))
    return _list_row(session, actor.organization_id, list_key)


def _value_row(session: Session, actor: Actor, list_key: str, value_id: int) -> TypeListValue:
    type_list = _list_row(session, actor.organization_id, list_key)
    row = session.get(TypeListValue, value_id)
    if row is None or row.organization_id != actor.organization_id or row.type_list_id != type_list.id:
        raise NotFound(t("Value not found."))
    return row


def _reason_row(session: Session, actor: Actor, list_key: str, value_id: int) -> ReasonCode:
    row = session.get(ReasonCode, value_id)
    if row is None or row.organization_id != actor.organization_id or row.kind != REASON_LISTS[list_key]:
        raise NotFound(t("Value not found."))
    return row


def _find_value(session: Session, organization_id: int, list_key: str, value_id: int) -> TypeListValueRead | None:
    if list_key in REASON_LISTS:
        reason = session.get(ReasonCode, value_id)
        if reason is None or reason.organization_id != organization_id or reason.kind != REASON_LISTS[list_key]:
            return None
        return TypeListValueRead(id=pk(reason), list_key=list_key, code=reason.code, label=reason.name,
                                 position=reason.position, is_active=reason.is_active)
    row = session.exec(select(TypeListValue).join(TypeList, col(TypeList.id) == TypeListValue.type_list_id).where(
        TypeListValue.id == value_id, TypeList.organization_id == organization_id, TypeList.key == list_key)).first()
    return _read(list_key, row) if row is not None else None


def _value_fields(code, label, position) -> dict:
    code, label = (code or "").strip().upper(), (label or "").strip()
    problems: dict[str, str] = {}
    if not CODE_RE.match(code):
        problems["code"] = t("Use 1 to 32 letters, digits, dot, dash or underscore.")
    if problem := text_problem(label, max_length=200):
        problems["label"] = problem
    try:
        position = int(position)
        if not 0 <= position < 100_000:
            raise ValueError
    except (TypeError, ValueError):
        problems["position"] = t("Use a whole number from {low} to {high}.", low=0, high=99999)
    check(problems)
    return {"code": code, "label": label, "position": position}


def _name_problems(name, description, problems: dict[str, str]) -> None:
    if problem := text_problem(name, max_length=200):
        problems["name"] = problem
    if problem := text_problem(description, max_length=1000, required=False):
        problems["description"] = problem


def _unique_code(session: Session, type_list_id: int, code: str) -> None:
    taken = session.exec(select(TypeListValue.id).where(TypeListValue.type_list_id == type_list_id,
                                                        TypeListValue.code == code)).first()
    if taken is not None:
        raise Conflict(t("The list has a value with code {code}.", code=code), fields={"code": t("Already used.")})


def _next_position(session: Session, type_list_id: int) -> int:
    last = session.exec(select(func.max(TypeListValue.position)).where(TypeListValue.type_list_id == type_list_id)).one()
    return (last or 0) + 10


def _read(list_key: str, row: TypeListValue) -> TypeListValueRead:
    return TypeListValueRead(id=row.id, list_key=list_key, code=row.code, label=row.label, position=row.position,
                             is_active=row.is_active)


def _reason_value(list_key: str, reason) -> TypeListValueRead:
    return TypeListValueRead(id=reason.id, list_key=list_key, code=reason.code, label=reason.name,
                             position=reason.position, is_active=reason.is_active)
