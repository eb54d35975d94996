"""CAPA actions of an NCR: add one (with an owner and a due date) and mark it done.

Invariants: an action belongs to one NCR and is added only while the NCR is open, by quality staff at its
plant (services/quality/ncr.py `writable_ncr`); its owner is an active user of the organization and is
notified; the owner or quality staff mark it done, once, while the NCR is open; every change is audited
and announced (`capa_action.created`, `capa_action.completed`).
"""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session

from models.base import pk
from models.ncr import CapaAction, CapaKind, Ncr
from services.config import notifications
from services.core.access import Actor, Permission, require
from services.core.errors import Conflict, Invalid
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.master.common import announce, stamp, stamp_new, text_problem
from services.quality.ncr import ENTITY, NCR_PATH, CapaRead, active_user, capa_reads, may_complete_action, writable_ncr


class CapaCreate(BaseModel):
    description: str
    owner_user_id: int | None = None
    due_date: date | None = None
    kind: CapaKind | str = CapaKind.CORRECTIVE


def add_action(session: Session, actor: Actor, ncr_id: int, data: CapaCreate, *, now: datetime) -> CapaRead:
    require(actor, Permission.VIEW)
    ncr = writable_ncr(session, actor, ncr_id)
    problems: dict[str, str] = {}
    description = (data.description or "").strip()
    if p := text_problem(description, max_length=2000):
        problems["description"] = p
    if not data.owner_user_id or not active_user(session, actor, data.owner_user_id):
        problems["owner_user_id"] = t("Choose an active user of your organization.")
    if data.due_date is None:
        problems["due_date"] = t("Required.")
    try:
        kind = CapaKind(data.kind)
    except ValueError:
        problems["kind"] = t("Choose corrective or preventive.")
    check(problems)
    assert data.owner_user_id is not None and data.due_date is not None      # else check() raised
    action = CapaAction(organization_id=actor.organization_id, ncr_id=pk(ncr), kind=kind, description=description,
                        owner_user_id=data.owner_user_id, due_date=data.due_date)
    session.add(stamp_new(action, actor, now))
    session.flush()
    announce(session, actor, "capa_action", action.id, "create",
             {"ncr": ncr.number, "owner_user_id": action.owner_user_id, "due_date": action.due_date.isoformat()},
             now=now, plant_id=ncr.plant_id, payload={"ncr_id": ncr.id})
    notifications.notify_people(session, organization_id=actor.organization_id,
                                title=t("CAPA action for {number}, due {due_date}",
                                        number=ncr.number, due_date=action.due_date.isoformat()),
                                body=description, link=f"{NCR_PATH}{ncr.id}", kind="assignment",
                                user_ids=(action.owner_user_id,), plant_id=ncr.plant_id, entity_type=ENTITY, entity_id=ncr.id,
                                now=now, exclude_user_id=actor.user_id)
    return capa_reads(session, [action], today=now.date())[0]


def complete_action(session: Session, actor: Actor, action_id: int, *, note: str = "",
                    now: datetime) -> CapaRead:
    """The action's owner or quality staff mark it done."""
    require(actor, Permission.VIEW)
    action = get_scoped(session, actor, CapaAction, action_id, t("CAPA action"), for_update=True)
    ncr = get_scoped(session, actor, Ncr, action.ncr_id, t("CAPA action"))
    if not may_complete_action(actor, action.owner_user_id, ncr.plant_id):
        require(actor, Permission.QUALITY, plant_id=ncr.plant_id)      # refuses, with the permission's words
    if ncr.is_closed:
        raise Conflict(t("{number} is closed; reopen it to change its actions.", number=ncr.number))
    if action.is_done:
        raise Conflict(t("This action is already done."))
    if p := text_problem(note, max_length=2000, required=False):
        raise Invalid(p, fields={"note": p})
    action.is_done, action.done_at, action.done_by, action.done_note = True, now, actor.user_id, (note or "").strip()
    session.add(stamp(action, actor, now))
    announce(session, actor, "capa_action", action.id, "complete", {"ncr": ncr.number, "note": action.done_note},
             now=now, plant_id=ncr.plant_id, event="capa_action.completed", payload={"ncr_id": ncr.id})
    return capa_reads(session, [action], today=now.date())[0]
