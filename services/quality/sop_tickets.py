"""SOP tickets: one department charges another for a failure to follow a standard operating
procedure; the charged department responds, accepts or disputes. Runs on the workflow engine
(entity type "sop_ticket"); the shipped workflow escalates an unanswered, accepted-but-unresolved or
disputed ticket to the head of the charged department after the state's due time (admins set the
times on /admin/workflows).

Invariants:
- both departments belong to the actor's organization; the ticket lives in the charged
  department's plant and is numbered per organization (SOP-000001);
- raising, responding and moving a ticket need SUPERVISE or QUALITY at its plant (or being the
  head of one of its departments); reading needs VIEW there;
- a reassignment to another department of the same plant needs a justification (at least 10
  characters), is kept in `sop_reassignment`, and gives the new department a fresh due time;
- a closed (resolved or withdrawn) ticket cannot be changed.
Every change is audited and announced (`sop_ticket.*`; workflow moves as `workflow.*`).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, or_, select

from models.base import pk
from models.organization import Department, Plant
from models.sop_ticket import SopReassignment, SopTicket
from models.user import User
from models.workflow import WorkflowInstance, WorkflowState
from services.config import custom_fields, form_layouts, notifications, workflow, workflow_hooks
from services.config.form_layouts import BuiltinField
from services.config.workflow import InstanceRead, StepRead, TransitionOption
from services.config.workflow_hooks import Entered
from services.config.workflow_names import shipped_text
from services.core import numbering
from services.core.access import Actor, Permission, require
from services.core.display_names import display_name
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.master.common import (
    announce,
    like_pattern,
    stamp,
    stamp_new,
    text_problem,
)

ENTITY = "sop_ticket"
TICKET_PATH = "/quality/sop-ticket?id="   # the detail page (rxapp/routes.py SOP_TICKET)
MIN_JUSTIFICATION = 10


class SopCreate(BaseModel):
    charging_department_id: int
    charged_department_id: int
    title: str
    description: str = ""
    sop_reference: str = ""
    custom: dict[str, Any] | None = None


class SopRead(BaseModel):
    id: int
    number: str
    plant_id: int
    title: str
    description: str
    sop_reference: str
    charging_department_id: int
    charging_department: str = ""
    charged_department_id: int
    charged_department: str = ""
    raised_by: int | None
    raised_by_name: str | None = None
    response: str
    responded_at: datetime | None
    status: str
    status_name: str = ""
    is_closed: bool
    due_at: datetime | None = None
    escalated_at: datetime | None = None
    custom: dict[str, Any]
    created_at: datetime
    can_work: bool = False      # the actor may respond, move or reassign it now (`_open_ticket`)


class ReassignmentRead(BaseModel):
    id: int
    from_department: str
    to_department: str
    justification: str
    by_user_id: int | None
    at: datetime


class SopDetail(BaseModel):
    ticket: SopRead
    reassignments: list[ReassignmentRead]
    workflow: InstanceRead
    transitions: list[TransitionOption]
    history: list[StepRead]


# ---- the engine's view of a ticket ---------------------------------------------------------------

def _fields(session: Session, ticket_id: int) -> dict[str, Any]:
    t = session.get(SopTicket, ticket_id)
    if t is None:
        return {}
    values = {k: getattr(t, k) for k in ("title", "description", "sop_reference", "response",
                                         "charging_department_id", "charged_department_id")}
    values.update({f"custom.{k}": v for k, v in (t.custom or {}).items()})
    return values


def _on_state(session: Session, ticket_id: int, entered: Entered) -> None:
    t = session.get_one(SopTicket, ticket_id)
    t.status, t.is_closed = entered.state, entered.closed
    session.add(t)


def _watchers(session: Session, ticket_id: int) -> list[int]:
    t = session.get(SopTicket, ticket_id)
    if t is None:
        return []
    heads = [_head(session, t.charged_department_id), _head(session, t.charging_department_id)]
    return [u for u in (t.raised_by, *heads) if u]


def _head(session: Session, department_id: int) -> int | None:
    dept = session.get(Department, department_id)
    return dept.head_user_id if dept else None


workflow_hooks.register_entity(ENTITY, fields=_fields, on_state=_on_state, watchers=_watchers,
                         label=lambda s, i: (s.get(SopTicket, i).number if s.get(SopTicket, i) else f"SOP #{i}"),
                         link=lambda i: f"{TICKET_PATH}{i}")
custom_fields.register_entity(ENTITY, "SOP tickets", model=SopTicket, permission=Permission.SUPERVISE)
# The raise-a-ticket form's built-in fields for its layout (services/config/form_layouts.py).
form_layouts.register_form(ENTITY, "SOP tickets", [
    BuiltinField("charging_department_id", "Charging department", True),
    BuiltinField("charged_department_id", "Charged department", True), BuiltinField("title", "Title", True),
    BuiltinField("sop_reference", "SOP"), BuiltinField("description", "What happened")])


# ---- permissions ---------------------------------------------------------------------------------

def _may_work(actor: Actor, plant_id: int, *heads: int | None) -> bool:
    if actor.user_id is not None and actor.user_id in heads:
        return True
    return any(actor.can(p, plant_id=plant_id) for p in (Permission.SUPERVISE, Permission.QUALITY))


def _require_work(session: Session, actor: Actor, ticket: SopTicket) -> None:
    heads = (_head(session, ticket.charged_department_id), _head(session, ticket.charging_department_id))
    if not _may_work(actor, ticket.plant_id, *heads):
        raise Forbidden(t("SOP tickets are handled by supervisors, quality staff and the heads of the departments."))


def _department(session: Session, actor: Actor, department_id: int | None, field: str,
                problems: dict[str, str]) -> Department | None:
    dept = session.get(Department, department_id) if department_id else None
    if dept is None or dept.organization_id != actor.organization_id or not dept.is_active:
        problems[field] = t("Choose an active department of your organization.")
        return None
    return dept


# ---- reads ---------------------------------------------------------------------------------------

def _reads(session: Session, actor: Actor, rows: list[SopTicket]) -> list[SopRead]:
    dept_ids = {r.charging_department_id for r in rows} | {r.charged_department_id for r in rows}
    departments = session.exec(select(Department).where(col(Department.id).in_(dept_ids or {-1}))).all()
    depts = {d.id: display_name(d) for d in departments}
    heads = {d.id: d.head_user_id for d in departments}
    users = {u.id: u.full_name or u.username for u in session.exec(select(User).where(
        col(User.id).in_({r.raised_by for r in rows if r.raised_by} or {-1}))).all()}
    inst: dict[int, tuple[WorkflowInstance | None, str]] = {i.entity_id: (i, shipped_text(name)) for i, name in session.exec(
        select(WorkflowInstance, WorkflowState.name).join(
            WorkflowState, (col(WorkflowState.workflow_id) == WorkflowInstance.workflow_id)
            & (col(WorkflowState.key) == WorkflowInstance.state)).where(
            WorkflowInstance.organization_id == actor.organization_id, WorkflowInstance.entity_type == ENTITY,
            col(WorkflowInstance.entity_id).in_([r.id for r in rows] or [-1]))).all()}
    out = []
    for r in rows:
        i, name = inst.get(pk(r), (None, r.status))
        out.append(SopRead.model_validate({
            **r.model_dump(), "charging_department": depts.get(r.charging_department_id, ""),
            "charged_department": depts.get(r.charged_department_id, ""), "raised_by_name": users.get(r.raised_by),
            "status_name": name, "due_at": i.due_at if i else None, "escalated_at": i.escalated_at if i else None,
            "can_work": not r.is_closed and _may_work(actor, r.plant_id, heads.get(r.charged_department_id),
                                                      heads.get(r.charging_department_id))}))
    return out


def list_tickets(session: Session, actor: Actor, *, plant_id: int | None = None, department_id: int | None = None,
                 status: str | None = None, open_only: bool = False, search: str = "", limit: int = 500) -> list[SopRead]:
    require(actor, Permission.VIEW)
    plants = [plant_id] if plant_id is not None else list(actor.plant_ids)
    query = select(SopTicket).where(SopTicket.organization_id == actor.organization_id,
                                    col(SopTicket.plant_id).in_([p for p in plants if p in actor.plant_ids] or [-1]))
    if department_id:
        query = query.where(or_(SopTicket.charged_department_id == department_id,
                                SopTicket.charging_department_id == department_id))
    if status:
        query = query.where(SopTicket.status == status)
    if open_only:
        query = query.where(SopTicket.is_closed == False)  # noqa: E712
    if search.strip():
        pattern = like_pattern(search)
        query = query.where(or_(func.lower(SopTicket.number).like(pattern, escape="\\"),
                                func.lower(SopTicket.title).like(pattern, escape="\\"),
                                func.lower(SopTicket.sop_reference).like(pattern, escape="\\")))
    rows = session.exec(query.order_by(col(SopTicket.id).desc()).limit(max(1, min(limit, 5000)))).all()
    return _reads(session, actor, list(rows))


def get_ticket(session: Session, actor: Actor, ticket_id: int) -> SopRead:
    require(actor, Permission.VIEW)
    return _reads(session, actor, [get_scoped(session, actor, SopTicket, ticket_id, t("SOP ticket"))])[0]


def ticket_detail(session: Session, actor: Actor, ticket_id: int) -> SopDetail:
    ticket = get_ticket(session, actor, ticket_id)
    rows = session.exec(select(SopReassignment).where(SopReassignment.ticket_id == ticket_id)
                        .order_by(col(SopReassignment.at), col(SopReassignment.id))).all()
    depts = {d.id: display_name(d) for d in session.exec(select(Department).where(col(Department.id).in_(
        {r.from_department_id for r in rows} | {r.to_department_id for r in rows} or {-1}))).all()}
    return SopDetail(
        ticket=ticket,
        reassignments=[ReassignmentRead(id=r.id, from_department=depts.get(r.from_department_id, ""),
                                        to_department=depts.get(r.to_department_id, ""), justification=r.justification,
                                        by_user_id=r.by_user_id, at=r.at) for r in rows],
        workflow=workflow.instance(session, actor, ENTITY, ticket_id),
        transitions=workflow.available_transitions(session, actor, ENTITY, ticket_id),
        history=workflow.history(session, actor, ENTITY, ticket_id))


# ---- writes --------------------------------------------------------------------------------------

def raise_ticket(session: Session, actor: Actor, data: SopCreate, *, now: datetime) -> SopRead:
    require(actor, Permission.VIEW)
    problems: dict[str, str] = {}
    charging = _department(session, actor, data.charging_department_id, "charging_department_id", problems)
    charged = _department(session, actor, data.charged_department_id, "charged_department_id", problems)
    if charged is not None and charged.plant_id not in actor.plant_ids:
        raise NotFound(t("Department not found."))
    if charging and charged and charging.id == charged.id:
        problems["charged_department_id"] = t("A department cannot charge itself.")
    title, description, ref = (data.title or "").strip(), (data.description or "").strip(), (data.sop_reference or "").strip()
    for key, value, limit, required in (("title", title, 200, True), ("description", description, 4000, False),
                                        ("sop_reference", ref, 64, False)):
        if p := text_problem(value, max_length=limit, required=required):
            problems[key] = p
    custom = custom_fields.validate(session, actor, ENTITY, data.custom or {}, problems=problems, builtin={
        "charging_department_id": data.charging_department_id, "charged_department_id": data.charged_department_id,
        "title": title, "sop_reference": ref, "description": description})
    assert charging is not None and charged is not None         # else validate() raised
    if not _may_work(actor, charged.plant_id, charging.head_user_id):
        raise Forbidden(t("SOP tickets are raised by supervisors, quality staff and the heads of the departments."))
    ticket = SopTicket(organization_id=actor.organization_id, plant_id=charged.plant_id,
                       number=numbering.next_number(session, actor.organization_id, "SOP"), title=title,
                       description=description, sop_reference=ref, charging_department_id=pk(charging),
                       charged_department_id=pk(charged), raised_by=actor.user_id,
                       custom=custom)
    session.add(stamp_new(ticket, actor, now))
    session.flush()
    workflow.start(session, actor, ENTITY, pk(ticket), plant_id=ticket.plant_id, department_id=charged.id, now=now)
    announce(session, actor, ENTITY, ticket.id, "create", {"number": ticket.number, "charged": charged.name,
                                                            "charging": charging.name}, now=now, plant_id=ticket.plant_id)
    notifications.notify_people(session, organization_id=actor.organization_id,
                           title=t("{number}: {charging} charges {charged}",
                                   number=ticket.number, charging=charging.name, charged=charged.name), body=title,
                           link=f"{TICKET_PATH}{ticket.id}", kind="assignment",
                           user_ids=(charged.head_user_id,) if charged.head_user_id else (),
                           roles=() if charged.head_user_id else ("supervisor",), plant_id=ticket.plant_id,
                           entity_type=ENTITY, entity_id=ticket.id, now=now,
                           exclude_user_id=actor.user_id)
    return get_ticket(session, actor, pk(ticket))


def _open_ticket(session: Session, actor: Actor, ticket_id: int) -> SopTicket:
    ticket = get_scoped(session, actor, SopTicket, ticket_id, t("SOP ticket"), for_update=True)
    _require_work(session, actor, ticket)
    if ticket.is_closed:
        raise Conflict(t("{number} is closed.", number=ticket.number))
    return ticket


def respond(session: Session, actor: Actor, ticket_id: int, response: str, *, now: datetime) -> SopRead:
    """The charged department's answer (what happened, what they do about it)."""
    ticket = _open_ticket(session, actor, ticket_id)
    text = (response or "").strip()
    if p := text_problem(text, max_length=4000):
        raise Invalid(p, fields={"response": p})
    ticket.response, ticket.responded_at, ticket.responded_by = text, now, actor.user_id
    session.add(stamp(ticket, actor, now))
    announce(session, actor, ENTITY, ticket.id, "respond", {"response": text}, now=now, plant_id=ticket.plant_id,
             event="sop_ticket.responded")
    return get_ticket(session, actor, pk(ticket))


def transition_ticket(session: Session, actor: Actor, ticket_id: int, transition_key: str, *, comment: str = "",
                      now: datetime) -> SopRead:
    ticket = get_scoped(session, actor, SopTicket, ticket_id, t("SOP ticket"), for_update=True)
    _require_work(session, actor, ticket)
    workflow.transition(session, actor, ENTITY, ticket_id, transition_key, comment=comment, now=now)
    return get_ticket(session, actor, ticket_id)


def reassign(session: Session, actor: Actor, ticket_id: int, to_department_id: int, justification: str, *,
             now: datetime) -> SopRead:
    ticket = _open_ticket(session, actor, ticket_id)
    problems: dict[str, str] = {}
    target = _department(session, actor, to_department_id, "to_department_id", problems)
    text = (justification or "").strip()
    if len(text) < MIN_JUSTIFICATION:
        problems["justification"] = t("Say why, in at least {min_justification} characters.",
                                      min_justification=MIN_JUSTIFICATION)
    elif len(text) > 2000:
        problems["justification"] = t("Use at most 2000 characters.")
    if target is not None and target.plant_id != ticket.plant_id:
        problems["to_department_id"] = t("Choose a department of the ticket's plant.")
    if target is not None and target.id in (ticket.charged_department_id, ticket.charging_department_id):
        problems["to_department_id"] = t("Choose another department than the two on the ticket.")
    check(problems)
    assert target is not None                                   # else check() raised
    session.add(SopReassignment(organization_id=actor.organization_id, ticket_id=pk(ticket),
                                from_department_id=ticket.charged_department_id, to_department_id=pk(target),
                                justification=text, by_user_id=actor.user_id, at=now))
    before = ticket.charged_department_id
    ticket.charged_department_id = pk(target)
    session.add(stamp(ticket, actor, now))
    workflow.set_department(session, actor, ENTITY, pk(ticket), pk(target), restart_due_at=now)
    announce(session, actor, ENTITY, ticket.id, "reassign",
             {"charged_department_id": {"before": before, "after": target.id}, "justification": text},
             now=now, plant_id=ticket.plant_id, event="sop_ticket.reassigned")
    notifications.notify_people(session, organization_id=actor.organization_id,
                           title=t("{number} reassigned to {name}",
                                   number=ticket.number, name=target.name), body=text,
                           link=f"{TICKET_PATH}{ticket.id}", kind="assignment",
                           user_ids=(target.head_user_id,) if target.head_user_id else (),
                           roles=() if target.head_user_id else ("supervisor",), plant_id=ticket.plant_id,
                           entity_type=ENTITY, entity_id=ticket.id, now=now,
                           exclude_user_id=actor.user_id)
    return get_ticket(session, actor, pk(ticket))


def set_department_head(session: Session, actor: Actor, department_id: int, user_id: int | None, *,
                        now: datetime) -> int | None:
    """Name the head of a department (who receives its escalations); None clears it. Admins only."""
    require(actor, Permission.MANAGE_PLANTS)
    dept = get_scoped(session, actor, Department, department_id, t("Department"), for_update=True)
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or user.organization_id != actor.organization_id or not user.is_active:
            raise Invalid(fields={"user_id": t("Choose an active user of your organization.")})
    before, dept.head_user_id = dept.head_user_id, user_id
    session.add(stamp(dept, actor, now))
    announce(session, actor, "department", dept.id, "update", {"head_user_id": {"before": before, "after": user_id}},
             now=now, plant_id=dept.plant_id)
    return user_id


class DepartmentHead(BaseModel):
    department_id: int
    plant_code: str
    department: str
    head_user_id: int | None


def department_heads(session: Session, actor: Actor) -> list[DepartmentHead]:
    """The active departments of the actor's plants with their heads (who receive escalations)."""
    require(actor, Permission.VIEW)
    rows = session.exec(select(Department, Plant.code).join(Plant, col(Plant.id) == Department.plant_id).where(
        Department.organization_id == actor.organization_id, col(Department.plant_id).in_(actor.plant_ids or {-1}),
        Department.is_active == True).order_by(Plant.code, Department.code)).all()  # noqa: E712
    return [DepartmentHead(department_id=d.id, plant_code=code, department=display_name(d), head_user_id=d.head_user_id)
            for d, code in rows]
