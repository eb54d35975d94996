"""Preventive plans: per machine or per machine class (a work center: every active machine of it), every N
days/weeks/months (calendar), every N parts counted on the machine (good + scrap, from the operator portal
and machine ingest alike: both write the same production events), or every N run hours (working time of the
plant calendar minus the machine's stops).

    create_plan / update_plan / list_plans / set_plan_active
    next_due(session, actor, plan_id, *, now)   when the plan falls due next on one of its machines
    generate_due(session, *, now) -> int        the system job: tickets for every plan and machine that is due
    ticket_done(session, ticket)                a plan's ticket closed: count again from its resolution

Invariants: at most one open ticket per plan and machine; a plan counts on each machine from `since` (the
anchor, then the resolution of its last done ticket); a ticket is generated `lead_days` ahead of its due time
(usage plans: when the usage rate since `since` projects the due time inside the lead), with the due time
as its booked window start and the plan's checklist; generated tickets are raised by the system actor.
"""
from __future__ import annotations

import calendar as pycal
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.maintenance import MaintenancePlan, MaintenancePlanMachine, MaintenanceTicket
from models.resources import Machine, WorkCenter
from models.shopfloor import EventKind, ProductionEvent
from services.core.access import Actor, Permission, require
from services.core.errors import Invalid
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.maintenance.common import check_priority, require_maintain
from services.maintenance.tickets import create_ticket
from services.maintenance.uptime import operating_seconds
from services.master.common import announce, stamp, stamp_new, text_problem
from services.org.organizations import system_actor

TRIGGERS = ("calendar", "count", "run_hours")
UNITS = ("days", "weeks", "months")


class PlanCreate(BaseModel):
    name: str
    machine_id: int | None = None
    work_center_id: int | None = None
    trigger: str = "calendar"
    interval: int = 1
    unit: str = "weeks"
    lead_days: int = 3
    duration_minutes: int = 60
    priority: str = "medium"
    checklist: list[str] = []
    anchor_at: datetime | None = None


class PlanRead(BaseModel):
    id: int
    plant_id: int
    name: str
    machine_id: int | None
    work_center_id: int | None
    trigger: str
    interval: int
    unit: str
    lead_days: int
    duration_minutes: int
    priority: str
    checklist: list[str]
    anchor_at: datetime
    is_active: bool


def _checked(session: Session, actor: Actor, data: PlanCreate) -> tuple[int, dict[str, Any]]:
    """The plan's plant (MAINTAIN required there) and its validated column values."""
    target: Machine | WorkCenter
    if data.machine_id is not None and data.work_center_id is None:
        target = get_scoped(session, actor, Machine, data.machine_id, t("Machine"))
    elif data.work_center_id is not None and data.machine_id is None:
        target = get_scoped(session, actor, WorkCenter, data.work_center_id, t("Machine"))
    else:
        raise Invalid(fields={"machine_id": t("Choose a machine or a machine class (work center).")})
    require_maintain(actor, target.plant_id)
    problems: dict[str, str] = {}
    if p := text_problem(data.name, max_length=200):
        problems["name"] = p
    if data.trigger not in TRIGGERS:
        problems["trigger"] = t("Choose calendar, count or run_hours.")
    if data.trigger == "calendar" and data.unit not in UNITS:
        problems["unit"] = t("Choose days, weeks or months.")
    if not 1 <= data.interval <= 10_000_000:
        problems["interval"] = t("Use a whole number from 1.")
    if not 0 <= data.lead_days <= 365:
        problems["lead_days"] = t("Use 0 to 365 days.")
    if not 1 <= data.duration_minutes <= 7 * 24 * 60:
        problems["duration_minutes"] = t("Use 1 minute to 7 days.")
    items = [i.strip() for i in data.checklist if i and i.strip()]
    if any(len(i) > 200 for i in items) or len(items) > 100:
        problems["checklist"] = t("At most 100 items of 200 characters.")
    check(problems)
    check_priority(data.priority)
    unit = data.unit if data.trigger == "calendar" else ("parts" if data.trigger == "count" else "hours")
    return target.plant_id, {"machine_id": data.machine_id, "work_center_id": data.work_center_id,
                             "name": data.name.strip(), "trigger": data.trigger, "interval": data.interval,
                             "unit": unit, "lead_days": data.lead_days, "duration_minutes": data.duration_minutes,
                             "priority": data.priority, "checklist": items}


def create_plan(session: Session, actor: Actor, data: PlanCreate, *, now: datetime) -> PlanRead:
    plant_id, values = _checked(session, actor, data)
    plan = MaintenancePlan(organization_id=actor.organization_id, plant_id=plant_id, anchor_at=data.anchor_at or now,
                           **values)
    session.add(stamp_new(plan, actor, now))
    session.flush()
    announce(session, actor, "maintenance_plan", plan.id, "create", data.model_dump(mode="json"), now=now,
             plant_id=plan.plant_id)
    return PlanRead.model_validate(plan.model_dump())


def update_plan(session: Session, actor: Actor, plan_id: int, data: PlanCreate, *, now: datetime) -> PlanRead:
    """Change a plan in place (its machines keep counting from where they stand; `anchor_at` when given).
    The machine or class must stay in the plan's plant."""
    plan = get_scoped(session, actor, MaintenancePlan, plan_id, t("Plan"), for_update=True)
    require_maintain(actor, plan.plant_id)
    plant_id, values = _checked(session, actor, data)
    if plant_id != plan.plant_id:
        raise Invalid(fields={"machine_id": t("Choose a machine or class of the plan's plant.")})
    if data.anchor_at is not None:
        values["anchor_at"] = data.anchor_at
    changes = {k: {"before": getattr(plan, k), "after": v} for k, v in values.items() if getattr(plan, k) != v}
    for key, change in changes.items():
        setattr(plan, key, change["after"])
    if changes:
        session.add(stamp(plan, actor, now))
        shown = {k: {side: v.isoformat() if isinstance(v, datetime) else v for side, v in c.items()}
                 for k, c in changes.items()}
        announce(session, actor, "maintenance_plan", plan.id, "update", shown, now=now, plant_id=plan.plant_id)
    return PlanRead.model_validate(plan.model_dump())


def next_due(session: Session, actor: Actor, plan_id: int, *, now: datetime) -> datetime | None:
    """The earliest time the plan falls due on one of its machines that has no open ticket from it (usage plans:
    projected at the rate so far; None when nothing is counted yet or every machine has its ticket)."""
    plan = get_scoped(session, actor, MaintenancePlan, plan_id, t("Plan"))
    states = {r.machine_id: r for r in session.exec(select(MaintenancePlanMachine).where(
        MaintenancePlanMachine.plan_id == plan.id)).all()}
    dues = []
    for machine in _machines(session, plan):
        state = states.get(pk(machine))
        if state is not None and state.open_ticket_id is not None:
            continue
        due = due_time(session, plan, machine, state.since if state else plan.anchor_at, now)
        if due is not None:
            dues.append(due)
    return min(dues, default=None)


def list_plans(session: Session, actor: Actor, *, plant_id: int | None = None) -> list[PlanRead]:
    require(actor, Permission.VIEW)
    plants = [p for p in ([plant_id] if plant_id else actor.plant_ids) if p in actor.plant_ids]
    rows = session.exec(select(MaintenancePlan).where(MaintenancePlan.organization_id == actor.organization_id,
                                                      col(MaintenancePlan.plant_id).in_(plants or [-1]))
                        .order_by(col(MaintenancePlan.name), col(MaintenancePlan.id))).all()
    return [PlanRead.model_validate(r.model_dump()) for r in rows]


def set_plan_active(session: Session, actor: Actor, plan_id: int, active: bool, *,
                    now: datetime) -> PlanRead:
    plan = get_scoped(session, actor, MaintenancePlan, plan_id, t("Plan"), for_update=True)
    require_maintain(actor, plan.plant_id)
    plan.is_active = active
    session.add(stamp(plan, actor, now))
    announce(session, actor, "maintenance_plan", plan.id, "activate" if active else "deactivate",
             {"is_active": active}, now=now, plant_id=plan.plant_id)
    return PlanRead.model_validate(plan.model_dump())


# ---- generation ----------------------------------------------------------------------------------

def add_months(at: datetime, months: int) -> datetime:
    month = at.month - 1 + months
    year, month = at.year + month // 12, month % 12 + 1
    return at.replace(year=year, month=month, day=min(at.day, pycal.monthrange(year, month)[1]))


def _calendar_due(plan: MaintenancePlan, since: datetime) -> datetime:
    if plan.unit == "months":
        return add_months(since, plan.interval)
    return since + timedelta(days=plan.interval * (7 if plan.unit == "weeks" else 1))


def parts_since(session: Session, machine_id: int, since: datetime, until: datetime) -> int:
    total = session.exec(select(func.coalesce(func.sum(ProductionEvent.quantity_good + ProductionEvent.quantity_scrap), 0))
                         .where(ProductionEvent.machine_id == machine_id, ProductionEvent.kind == EventKind.COUNT,
                                ProductionEvent.occurred_at >= since, ProductionEvent.occurred_at < until)).one()
    return int(total or 0)


def usage(session: Session, plan: MaintenancePlan, machine: Machine, since: datetime, now: datetime) -> float:
    """Parts (count plans) or run hours (run_hours plans) on the machine since `since`."""
    if plan.trigger == "count":
        return float(parts_since(session, pk(machine), since, now))
    return operating_seconds(session, machine, since, now) / 3600


def due_time(session: Session, plan: MaintenancePlan, machine: Machine, since: datetime, now: datetime) -> datetime | None:
    """When the plan falls due on this machine (usage plans: projected at the rate since `since`)."""
    if plan.trigger == "calendar":
        return _calendar_due(plan, since)
    used = usage(session, plan, machine, since, now)
    if used >= plan.interval:
        return now
    elapsed = (now - since).total_seconds()
    if used <= 0 or elapsed <= 0:
        return None
    return now + timedelta(seconds=(plan.interval - used) * elapsed / used)


def _machines(session: Session, plan: MaintenancePlan) -> list[Machine]:
    query = select(Machine).where(Machine.is_active == True)  # noqa: E712
    query = query.where(Machine.id == plan.machine_id) if plan.machine_id else query.where(
        Machine.work_center_id == plan.work_center_id)
    return list(session.exec(query.order_by(col(Machine.id))).all())


def generate_due(session: Session, *, now: datetime, organization_id: int | None = None) -> int:
    """Raise the preventive tickets that are due within their plan's lead time; returns how many."""
    query = select(MaintenancePlan).where(MaintenancePlan.is_active == True)  # noqa: E712
    if organization_id is not None:
        query = query.where(MaintenancePlan.organization_id == organization_id)
    made = 0
    actors: dict[int, Actor] = {}
    for plan in session.exec(query.order_by(col(MaintenancePlan.id)).with_for_update()).all():
        for machine in _machines(session, plan):
            state = _state(session, plan, machine)
            if state.open_ticket_id is not None:
                continue
            due = due_time(session, plan, machine, state.since, now)
            if due is None or due - timedelta(days=plan.lead_days) > now:
                continue
            actor = actors.setdefault(plan.organization_id, system_actor(session, plan.organization_id))
            ticket = create_ticket(session, actor, machine, kind="preventive", source="plan", title=plan.name,
                                   description=_describe(plan), priority=plan.priority, plan_id=plan.id, due_at=due,
                                   planned_start=due, planned_end=due + timedelta(minutes=plan.duration_minutes),
                                   checklist=plan.checklist, now=now)
            state.open_ticket_id = ticket.id
            session.add(state)
            made += 1
    return made


def _describe(plan: MaintenancePlan) -> str:
    every = {"days": t("Preventive plan: every {interval} days."), "weeks": t("Preventive plan: every {interval} weeks."),
             "months": t("Preventive plan: every {interval} months."), "count": t("Preventive plan: every {interval} parts."),
             "run_hours": t("Preventive plan: every {interval} run hours.")}
    template = every[plan.unit if plan.trigger == "calendar" else plan.trigger]
    return t(template.template, interval=plan.interval)


def _state(session: Session, plan: MaintenancePlan, machine: Machine) -> MaintenancePlanMachine:
    row = session.exec(select(MaintenancePlanMachine).where(MaintenancePlanMachine.plan_id == plan.id,
                                                            MaintenancePlanMachine.machine_id == machine.id)).first()
    if row is None:
        row = MaintenancePlanMachine(organization_id=plan.organization_id, plan_id=pk(plan), machine_id=pk(machine),
                                     since=plan.anchor_at)
        session.add(row)
        session.flush()
    return row


def ticket_done(session: Session, ticket: MaintenanceTicket) -> None:
    """A plan's ticket is closed: done restarts the count from its resolution; cancelled lets it come again."""
    row = session.exec(select(MaintenancePlanMachine).where(MaintenancePlanMachine.plan_id == ticket.plan_id,
                                                            MaintenancePlanMachine.machine_id == ticket.machine_id)).first()
    if row is None or row.open_ticket_id != ticket.id:
        return
    row.open_ticket_id = None
    if not ticket.is_cancelled and ticket.resolved_at is not None:
        row.since = ticket.resolved_at
    session.add(row)
