"""Maintenance tickets: raise (corrective from the operator portal, an andon tile or a supervisor; automatic and
preventive through `create_ticket`), list and read, with the SLA clock of each.

Invariants: a ticket belongs to its machine's plant and organization and is numbered per organization
(MT-000001); it runs on the workflow engine (entity type "maintenance_ticket"), whose state `status` mirrors;
a corrective ticket raised while its machine is down is linked to that stop; every change is audited and
announced as `maintenance_ticket.*`.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, or_, select

from models.base import pk
from models.maintenance import MaintenanceStopLink, MaintenanceTicket
from models.resources import Machine, MachineState, MachineStatus, ReasonCode, ReasonKind
from models.user import User
from models.workflow import WorkflowInstance, WorkflowState
from services.config import custom_fields, form_layouts, notifications, workflow, workflow_hooks
from services.config.form_layouts import BuiltinField
from services.config.workflow_hooks import Entered
from services.config.workflow_names import shipped_text
from services.core import numbering
from services.core.access import Actor, Permission, require
from services.core.display_names import display_name
from services.core.errors import Invalid, NotFound
from services.core.messages import Message, t
from services.core.paging import keyset_page
from services.kpi import planned_downtime
from services.maintenance import pauses, sla
from services.maintenance.common import (
    ENTITY,
    RAISE_PERMISSIONS,
    check_priority,
    department_machines,
    machine_of,
    readable_ticket,
    require_any,
)
from services.master.common import announce, like_pattern, stamp_new, text_problem

TICKET_PATH = sla.TICKET_PATH


# a ticket list's export: TicketRead field, header
TICKET_COLUMNS = [("number", t("Number")), ("machine_code", t("Machine")), ("kind", t("Kind")),
                  ("priority", t("Priority")), ("status_name", t("Status")), ("title", t("Title")),
                  ("assignee_name", t("Assignee")), ("created_at", t("Raised")), ("response_due_at", t("Response due")),
                  ("resolution_due_at", t("Resolution due")), ("resolved_at", t("Done")), ("sla_state", t("SLA"))]


class TicketCreate(BaseModel):
    machine_id: int
    title: str
    description: str = ""
    priority: str = "medium"
    reason_code_id: int | None = None
    source: str = "supervisor"                 # operator | andon | supervisor
    custom: dict[str, Any] | None = None


class TicketRead(BaseModel):
    id: int
    number: str
    plant_id: int
    machine_id: int
    machine_code: str = ""
    machine_name: str = ""
    kind: str
    source: str
    priority: str
    reason_code_id: int | None
    reason: str = ""
    title: str
    description: str
    status: str
    status_name: str = ""
    is_closed: bool
    is_cancelled: bool
    raised_by: int | None
    raised_by_name: str = ""
    assignee_id: int | None
    assignee_name: str = ""
    plan_id: int | None
    due_at: datetime | None
    planned_start: datetime | None
    planned_end: datetime | None
    created_at: datetime
    responded_at: datetime | None
    started_at: datetime | None
    resolved_at: datetime | None
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    paused_seconds: int
    escalation_level: int
    sla_state: str = "none"
    sla_due_at: datetime | None = None
    sla_remaining_seconds: int | None = None
    response_state: str = "pending"
    checklist: list[dict[str, Any]] = []
    custom: dict[str, Any] = {}


# ---- the engine's view of a ticket ---------------------------------------------------------------

def _fields(session: Session, ticket_id: int) -> dict[str, Any]:
    t = session.get(MaintenanceTicket, ticket_id)
    if t is None:
        return {}
    open_items = sum(1 for item in t.checklist or [] if not item.get("done"))
    values = {"title": t.title, "description": t.description, "priority": t.priority, "kind": t.kind,
              "assignee_id": t.assignee_id, "open_checklist_items": open_items}
    values.update({f"custom.{k}": v for k, v in (t.custom or {}).items()})
    return values


def _on_state(session: Session, ticket_id: int, entered: Entered) -> None:
    """Mirror the workflow state onto the ticket and its SLA clock, at the transition's own time (no wall clock
    is read here)."""
    t = session.get(MaintenanceTicket, ticket_id)
    if t is None:
        return
    t.status, t.is_closed, t.is_cancelled = entered.state, entered.closed, entered.rejected
    if entered.state == "in_progress" and t.started_at is None:
        t.started_at = entered.at
    sla.on_state(session, t, entered.state, entered.closed, entered.at)
    pauses.on_state(session, t, entered.state, entered.at)
    session.add(t)


def _watchers(session: Session, ticket_id: int) -> list[int]:
    t = session.get(MaintenanceTicket, ticket_id)
    return [u for u in (t.raised_by, t.assignee_id) if u] if t else []


def _label(session: Session, ticket_id: int) -> str:
    t = session.get(MaintenanceTicket, ticket_id)
    return t.number if t else f"MT #{ticket_id}"


workflow_hooks.register_entity(ENTITY, fields=_fields, on_state=_on_state, watchers=_watchers, label=_label,
                         link=lambda i: f"{TICKET_PATH}{i}")
custom_fields.register_entity(ENTITY, "Maintenance tickets", model=MaintenanceTicket, permission=Permission.MAINTAIN)
# The raise-a-ticket form's built-in fields for its layout (services/config/form_layouts.py).
form_layouts.register_form(ENTITY, "Maintenance tickets", [
    BuiltinField("machine_id", "Machine", True), BuiltinField("title", "Title", True),
    BuiltinField("description", "Description"), BuiltinField("priority", "Priority", True),
    BuiltinField("reason_code_id", "Reason")])


# ---- writes --------------------------------------------------------------------------------------

def raise_ticket(session: Session, actor: Actor, data: TicketCreate, *, now: datetime) -> TicketRead:
    """A corrective ticket from a person: an operator (portal), a supervisor, or an andon tile."""
    machine = machine_of(session, actor, data.machine_id)
    require_any(actor, RAISE_PERMISSIONS, machine.plant_id,
                t("Maintenance tickets are raised by operators, supervisors and maintenance staff of the plant."))
    if data.source not in ("operator", "andon", "supervisor"):
        raise Invalid(fields={"source": t("Choose operator, andon or supervisor.")})
    ticket = create_ticket(session, actor, machine, kind="corrective", source=data.source, title=data.title,
                           description=data.description, priority=data.priority,
                           reason_code_id=data.reason_code_id, custom=data.custom, now=now, laid_out=True)
    return get_ticket(session, actor, pk(ticket), now=now)


def create_ticket(session: Session, actor: Actor, machine: Machine, *, kind: str, source: str, title: str,
                  description: str = "", priority: str = "medium", reason_code_id: int | None = None,
                  custom: dict[str, Any] | None = None, plan_id: int | None = None, due_at: datetime | None = None,
                  planned_start: datetime | None = None, planned_end: datetime | None = None,
                  checklist: list[str] | None = None, now: datetime, laid_out: bool = False) -> MaintenanceTicket:
    """Create, number, start the workflow and the SLA clock, link the machine's open stop (corrective),
    notify the plant's maintenance people. The caller has checked the actor may raise it. `laid_out`: a
    person's form, so the organization's form layout's required fields apply (not to plan-made tickets)."""
    problems: dict[str, str] = {}
    # A Message (a ticket the system raises) stays one, so its notification reads in each reader's language.
    title = title if isinstance(title, Message) else (title or "").strip()
    description = description if isinstance(description, Message) else (description or "").strip()
    if p := text_problem(title, max_length=200):
        problems["title"] = p
    if p := text_problem(description, max_length=4000, required=False):
        problems["description"] = p
    builtin = {"machine_id": pk(machine), "title": title, "description": description, "priority": priority,
               "reason_code_id": reason_code_id} if laid_out else None
    custom = custom_fields.validate(session, actor, ENTITY, custom or {}, problems=problems, builtin=builtin)
    check_priority(priority)
    if reason_code_id is not None:
        reason = session.get(ReasonCode, reason_code_id)
        if reason is None or reason.organization_id != actor.organization_id or reason.kind != ReasonKind.DOWNTIME:
            raise Invalid(fields={"reason_code_id": t("Choose a downtime reason of your organization.")})
    ticket = MaintenanceTicket(
        organization_id=actor.organization_id, plant_id=machine.plant_id, machine_id=pk(machine),
        number=numbering.next_number(session, actor.organization_id, "MT"), kind=kind, source=source,
        priority=priority, reason_code_id=reason_code_id, title=str(title), description=str(description),
        raised_by=actor.user_id, plan_id=plan_id, due_at=due_at, planned_start=planned_start,
        planned_end=planned_end, checklist=[{"item": i, "done": False, "note": ""} for i in checklist or []],
        custom=custom)
    stamp_new(ticket, actor, now)
    sla.start_clock(session, ticket, now)
    session.add(ticket)
    session.flush()
    workflow.start(session, actor, ENTITY, pk(ticket), plant_id=ticket.plant_id, department_id=machine.department_id,
                   now=now)
    if kind == "corrective":
        _link_open_stop(session, ticket)
    if planned_start is not None and planned_end is not None:
        planned_downtime.book(session, organization_id=ticket.organization_id, plant_id=ticket.plant_id,
                              machine_id=ticket.machine_id, start=planned_start, end=planned_end, source=ENTITY,
                              source_id=pk(ticket), label=ticket.number)
    announce(session, actor, ENTITY, ticket.id, "create",
             {"number": ticket.number, "machine_id": machine.id, "kind": kind, "source": source, "priority": priority},
             now=now, plant_id=ticket.plant_id,
             payload={"machine_id": machine.id, "number": ticket.number, "kind": kind})
    notifications.notify_people(session, organization_id=actor.organization_id,
                           title=t("{number}: {machine} - {title}", number=ticket.number, machine=machine.code, title=title),
                           body=description,
                           link=f"{TICKET_PATH}{ticket.id}", kind="assignment", roles=("maintenance",),
                           plant_id=ticket.plant_id, entity_type=ENTITY, entity_id=ticket.id, now=now,
                           exclude_user_id=actor.user_id)
    return ticket


def _link_open_stop(session: Session, ticket: MaintenanceTicket) -> None:
    status = session.get(MachineStatus, ticket.machine_id)
    if status is not None and status.state == MachineState.DOWN and status.open_downtime_event_id:
        session.add(MaintenanceStopLink(organization_id=ticket.organization_id, ticket_id=pk(ticket),
                                        event_id=status.open_downtime_event_id))
        if ticket.reason_code_id is None:
            ticket.reason_code_id = status.reason_code_id
            session.add(ticket)


# ---- reads ---------------------------------------------------------------------------------------

def reads(session: Session, actor: Actor, rows: list[MaintenanceTicket], *, now: datetime) -> list[TicketRead]:
    machines = {m.id: m for m in session.exec(select(Machine).where(
        col(Machine.id).in_({r.machine_id for r in rows} or {-1}))).all()}
    user_ids = {r.raised_by for r in rows if r.raised_by} | {r.assignee_id for r in rows if r.assignee_id}
    users = {u.id: u.full_name or u.username for u in session.exec(select(User).where(
        col(User.id).in_(user_ids or {-1}))).all()}
    reasons = {r.id: r.name for r in session.exec(select(ReasonCode).where(
        col(ReasonCode.id).in_({r.reason_code_id for r in rows if r.reason_code_id} or {-1}))).all()}
    names = {entity_id: shipped_text(name) for entity_id, name in session.exec(
        select(WorkflowInstance.entity_id, WorkflowState.name).join(
        WorkflowState, (col(WorkflowState.workflow_id) == col(WorkflowInstance.workflow_id))
        & (WorkflowState.key == WorkflowInstance.state)).where(
        WorkflowInstance.organization_id == actor.organization_id, WorkflowInstance.entity_type == ENTITY,
        col(WorkflowInstance.entity_id).in_([r.id for r in rows] or [-1]))).all()}
    plants = sla.PlantSla(session)
    out = []
    for r in rows:
        c = sla.clock(session, r, now, plants)
        m = machines.get(r.machine_id)
        out.append(TicketRead.model_validate({
            **r.model_dump(), "machine_code": m.code if m else "", "machine_name": display_name(m) if m else "",
            "reason": reasons.get(r.reason_code_id, ""), "status_name": names.get(pk(r), r.status),
            "raised_by_name": users.get(r.raised_by, ""), "assignee_name": users.get(r.assignee_id, ""),
            "sla_state": c.state, "sla_due_at": c.due_at, "sla_remaining_seconds": c.remaining_seconds,
            "response_state": c.response_state}))
    return out


def get_ticket(session: Session, actor: Actor, ticket_id: int, *, now: datetime) -> TicketRead:
    return reads(session, actor, [readable_ticket(session, actor, ticket_id)], now=now)[0]


def list_tickets(session: Session, actor: Actor, *, plant_id: int | None = None, machine_id: int | None = None,
                 kind: str | None = None, status: str | None = None, open_only: bool = False,
                 assignee_id: int | None = None, unassigned: bool = False, search: str = "",
                 since: datetime | None = None, until: datetime | None = None, limit: int = 500,
                 now: datetime) -> list[TicketRead]:
    return tickets_page(session, actor, plant_id=plant_id, machine_id=machine_id, kind=kind, status=status,
                        open_only=open_only, assignee_id=assignee_id, unassigned=unassigned, search=search,
                        since=since, until=until, limit=limit, now=now).items


class TicketPage(BaseModel):
    items: list[TicketRead]
    total: int | None                   # None unless counted
    next_after: int | None = None       # the cursor of the next page; None on the last one


def tickets_page(session: Session, actor: Actor, *, plant_id: int | None = None, machine_id: int | None = None,
                 kind: str | None = None, status: str | None = None, open_only: bool = False,
                 assignee_id: int | None = None, unassigned: bool = False, search: str = "",
                 since: datetime | None = None, until: datetime | None = None, limit: int = 500,
                 after: int | None = None, count: bool = False, now: datetime) -> TicketPage:
    """The tickets `list_tickets` lists, newest first, in keyset pages (services/core/paging.py)."""
    require(actor, Permission.VIEW)
    plants = [plant_id] if plant_id is not None else list(actor.plant_ids)
    query = select(MaintenanceTicket).where(
        MaintenanceTicket.organization_id == actor.organization_id,
        col(MaintenanceTicket.plant_id).in_([p for p in plants if p in actor.plant_ids] or [-1]))
    if (in_departments := department_machines(actor)) is not None:
        query = query.where(in_departments)
    if machine_id is not None:
        query = query.where(MaintenanceTicket.machine_id == machine_id)
    if kind:
        query = query.where(MaintenanceTicket.kind == kind)
    if status:
        query = query.where(MaintenanceTicket.status == status)
    if open_only:
        query = query.where(MaintenanceTicket.is_closed == False)  # noqa: E712
    if assignee_id is not None:
        query = query.where(MaintenanceTicket.assignee_id == assignee_id)
    if unassigned:
        query = query.where(col(MaintenanceTicket.assignee_id).is_(None))
    if since is not None:
        query = query.where(MaintenanceTicket.created_at >= since)
    if until is not None:
        query = query.where(MaintenanceTicket.created_at < until)
    if search.strip():
        pattern = like_pattern(search)
        query = query.where(or_(func.lower(MaintenanceTicket.number).like(pattern, escape="\\"),
                                func.lower(MaintenanceTicket.title).like(pattern, escape="\\")))
    rows, total, next_after = keyset_page(session, query, col(MaintenanceTicket.id), after=after, limit=limit,
                                          offset=0, count=count, max_page=5000)
    return TicketPage(items=reads(session, actor, rows, now=now), total=total, next_after=next_after)


def my_tickets(session: Session, actor: Actor, *, now: datetime) -> list[TicketRead]:
    """The technician's phone list: open tickets assigned to them, the most urgent deadline first."""
    if actor.user_id is None:
        raise NotFound(t("No user."))
    rows = list_tickets(session, actor, open_only=True, assignee_id=actor.user_id, now=now)
    return _most_urgent_first(rows)


def tickets_to_take(session: Session, actor: Actor, *, now: datetime) -> list[TicketRead]:
    """The open tickets nobody is assigned to at the plants where the actor works tickets (MAINTAIN), the most
    urgent deadline first: what a technician may accept or start, which assigns it to them."""
    rows = [t for plant_id in sorted(actor.plant_ids) if actor.can(Permission.MAINTAIN, plant_id=plant_id)
            for t in list_tickets(session, actor, plant_id=plant_id, open_only=True, unassigned=True, now=now)]
    return _most_urgent_first(rows)


def urgency(t: TicketRead) -> tuple[bool, int, int]:
    """The sort key of the home and the live board: working seconds left on the running SLA deadline, overdue
    first; tickets without a running clock last."""
    return t.sla_remaining_seconds is None, t.sla_remaining_seconds or 0, t.id


def _most_urgent_first(rows: list[TicketRead]) -> list[TicketRead]:
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(rows, key=lambda t: (t.sla_due_at or far, t.id))
