"""Capacity targets (hours per day, week or month for a department or a machine) and utilisation:
scheduled working hours in a period against those targets and against the calendar.

Invariants:
- a target belongs to exactly one department or one machine of its plant; one target per
  department/machine and period; 0 < hours <= the period's length;
- writing needs PLAN, reading PLAN or VIEW_DASHBOARDS, at a plant the actor can see;
- periods are local to the plant: a day from midnight to midnight, a week Monday to Monday, a
  month from its first day; scheduled hours count only the working time (shift calendar) inside
  both the period and an operation's planned interval, for operations in machine queues;
- utilisation = scheduled / target hours (None without a target), load = scheduled / available
  calendar hours; a department adds up its machines, and without a target of its own its target is the
  sum of its machines' targets when every one of them has one.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, select

from models.base import pk
from models.orders import CapacityPeriod, CapacityTarget
from models.organization import Department, Plant
from models.resources import Machine
from services.core.access import Actor
from services.core.audit import audit, diff
from services.core.calendar_math import working_seconds
from services.core.errors import Conflict, Invalid
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.master.calendars import calendar_spec
from services.org.settings import settings_for
from services.production.events import CapacityTargetCreated, CapacityTargetDeleted, CapacityTargetUpdated
from services.production.scheduling.common import (
    UTC,
    get_plant,
    plant_machines,
    queued_operations,
    require_plan,
    require_read,
)

PERIOD_HOURS = {CapacityPeriod.DAY: 24, CapacityPeriod.WEEK: 168, CapacityPeriod.MONTH: 744}
HOURS = Decimal("0.01")
RATIO = Decimal("0.0001")
_EVENTS = {"create": CapacityTargetCreated, "update": CapacityTargetUpdated, "delete": CapacityTargetDeleted}


class CapacityTargetCreate(BaseModel):
    plant_id: int
    department_id: int | None = None
    machine_id: int | None = None
    period: CapacityPeriod
    target_hours: Decimal


class CapacityTargetUpdate(BaseModel):
    target_hours: Decimal


class CapacityTargetRead(BaseModel):
    id: int
    plant_id: int
    department_id: int | None
    machine_id: int | None
    scope: str                      # "department" | "machine"
    scope_code: str
    scope_name: str
    period: CapacityPeriod
    target_hours: Decimal


class UtilisationRow(BaseModel):
    scope: str                      # "machine" | "department"
    id: int
    code: str
    name: str
    department_id: int
    scheduled_hours: Decimal
    available_hours: Decimal
    target_hours: Decimal | None
    utilisation: Decimal | None     # scheduled / target
    load: Decimal | None            # scheduled / available


class Utilisation(BaseModel):
    plant_id: int
    timezone: str
    period: CapacityPeriod
    start: date
    period_start: datetime
    period_end: datetime
    calendar_hours: Decimal         # working hours of one machine in the period
    machines: list[UtilisationRow]
    departments: list[UtilisationRow]


# ---- targets --------------------------------------------------------------------------------

def list_targets(session: Session, actor: Actor, plant_id: int) -> list[CapacityTargetRead]:
    require_read(actor)
    plant = get_plant(session, actor, plant_id)
    rows = session.exec(select(CapacityTarget).where(CapacityTarget.organization_id == actor.organization_id,
                                                     CapacityTarget.plant_id == plant.id)).all()
    reads = [_read(session, row) for row in rows]
    return sorted(reads, key=lambda r: (r.scope, r.scope_code, list(PERIOD_HOURS).index(r.period)))


def create_target(session: Session, actor: Actor, data: CapacityTargetCreate, *, now: datetime) -> CapacityTargetRead:
    require_plan(actor)
    plant = get_plant(session, actor, data.plant_id, lock=True)
    _check_hours(data.period, data.target_hours)
    department_id, machine_id = _scope(session, actor, plant, data.department_id, data.machine_id)
    duplicate = session.exec(select(CapacityTarget.id).where(
        CapacityTarget.plant_id == plant.id, CapacityTarget.period == data.period,
        CapacityTarget.department_id == department_id if department_id else CapacityTarget.machine_id == machine_id)).first()
    if duplicate:
        message = (t("This department already has a target for this period ({period}): change that one.",
                     period=data.period.value) if department_id else
                   t("This machine already has a target for this period ({period}): change that one.",
                     period=data.period.value))
        raise Conflict(message, fields={"period": t("Already has a target.")})
    row = CapacityTarget(organization_id=actor.organization_id, plant_id=pk(plant), department_id=department_id,
                         machine_id=machine_id, period=data.period, target_hours=data.target_hours,
                         created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(row)
    session.flush()
    values = {"department_id": department_id, "machine_id": machine_id, "period": data.period.value,
              "target_hours": str(data.target_hours)}
    _announce(session, actor, row, "create", values, now)
    return _read(session, row)


def update_target(session: Session, actor: Actor, target_id: int, data: CapacityTargetUpdate, *,
                  now: datetime) -> CapacityTargetRead:
    require_plan(actor)
    row = get_scoped(session, actor, CapacityTarget, target_id, t("Capacity target"))
    _check_hours(row.period, data.target_hours)
    changes = diff({"target_hours": str(Decimal(row.target_hours).quantize(HOURS))},
                   {"target_hours": str(Decimal(data.target_hours).quantize(HOURS))})
    if changes:
        row.target_hours, row.updated_at, row.updated_by = data.target_hours, now, actor.user_id
        session.add(row)
        _announce(session, actor, row, "update", changes, now)
    return _read(session, row)


def delete_target(session: Session, actor: Actor, target_id: int, *, now: datetime) -> None:
    require_plan(actor)
    row = get_scoped(session, actor, CapacityTarget, target_id, t("Capacity target"))
    _announce(session, actor, row, "delete", {"period": row.period.value, "target_hours": str(row.target_hours),
                                              "department_id": row.department_id, "machine_id": row.machine_id}, now)
    session.delete(row)
    session.flush()


def _check_hours(period: CapacityPeriod, hours: Decimal) -> None:
    limit = PERIOD_HOURS[CapacityPeriod(period)]
    if hours is None or not Decimal(hours).is_finite() or not 0 < Decimal(hours) <= limit:
        raise Invalid(t("The target must be more than 0 hours and fit in the period."),
                      fields={"target_hours": t("Use more than 0 and at most {limit} hours a {period}.",
                                                limit=limit, period=CapacityPeriod(period).value)})
    if Decimal(hours) != Decimal(hours).quantize(HOURS):
        raise Invalid(t("Give the target in hours with at most two decimals."), fields={"target_hours": t("At most 2 decimals.")})


def _scope(session: Session, actor: Actor, plant: Plant, department_id: int | None,
           machine_id: int | None) -> tuple[int | None, int | None]:
    if (department_id is None) == (machine_id is None):
        raise Invalid(t("A target is for one department or one machine: pick exactly one."),
                      fields={"department_id": t("Pick a department or a machine."), "machine_id": t("Pick one of the two.")})
    if department_id is not None:
        dept = get_scoped(session, actor, Department, department_id, t("Department"))
        if dept.plant_id != plant.id:
            raise Invalid(t("Department {code} is in another plant.",
                            code=dept.code), fields={"department_id": t("Not in this plant.")})
        return dept.id, None
    machine = get_scoped(session, actor, Machine, machine_id, t("Machine"))
    if machine.plant_id != plant.id:
        raise Invalid(t("Machine {code} is in another plant.",
                        code=machine.code), fields={"machine_id": t("Not in this plant.")})
    return None, machine.id


def _read(session: Session, row: CapacityTarget) -> CapacityTargetRead:
    owner = session.get(Department, row.department_id) if row.department_id else session.get(Machine, row.machine_id)
    assert owner is not None                         # a target belongs to its department or machine (foreign keys)
    return CapacityTargetRead(id=row.id, plant_id=row.plant_id, department_id=row.department_id,
                              machine_id=row.machine_id, scope="department" if row.department_id else "machine",
                              scope_code=owner.code, scope_name=owner.name, period=CapacityPeriod(row.period),
                              target_hours=Decimal(row.target_hours).quantize(HOURS))


def _announce(session: Session, actor: Actor, row: CapacityTarget, action: str, changes: dict, now: datetime) -> None:
    audit(session, actor, "capacity_target", row.id, action, changes, plant_id=row.plant_id, at=now)
    record(session, _EVENTS[action](organization_id=actor.organization_id, capacity_target_id=pk(row),
                                    plant_id=row.plant_id, actor_user_id=actor.user_id, at=now))


# ---- utilisation ----------------------------------------------------------------------------

def period_window(period: CapacityPeriod, start: date, zone: str, *, week_start: int = 0) -> tuple[date, datetime, datetime]:
    """The period containing local day `start`: (first day, start UTC, end UTC); weeks begin on `week_start`
    (0 Monday ... 6 Sunday, the organization's setting)."""
    period = CapacityPeriod(period)
    if period == CapacityPeriod.DAY:
        first, last = start, start + timedelta(days=1)
    elif period == CapacityPeriod.WEEK:
        first = start - timedelta(days=(start.weekday() - week_start) % 7)
        last = first + timedelta(days=7)
    else:
        first = start.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
    tz = ZoneInfo(zone)
    return (first, datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC),
            datetime.combine(last, time(0), tzinfo=tz).astimezone(UTC))


def utilisation(session: Session, actor: Actor, plant_id: int, *, period: CapacityPeriod | str,
                start: date | datetime) -> Utilisation:
    require_read(actor)
    plant = get_plant(session, actor, plant_id)
    try:
        period = CapacityPeriod(period)
    except ValueError:
        raise Invalid(t("Pick a period: day, week or month."), fields={"period": t("Use day, week or month.")}) from None
    if isinstance(start, datetime):
        start = start.astimezone(ZoneInfo(plant.timezone)).date()
    first, w_start, w_end = period_window(period, start, plant.timezone,
                                          week_start=settings_for(session, plant.organization_id).week_start)
    cal = calendar_spec(session, pk(plant))
    available = working_seconds(cal, w_start, w_end)
    scheduled = {machine_id: sum(working_seconds(cal, max(op.planned_start, w_start), min(op.planned_end, w_end))
                                 for op in queue if op.planned_start and op.planned_end
                                 and op.planned_start < w_end and op.planned_end > w_start)
                 for machine_id, queue in queued_operations(session, plant).items()}
    targets = {(target.department_id, target.machine_id): Decimal(target.target_hours)
               for target in session.exec(select(CapacityTarget).where(
                   CapacityTarget.plant_id == plant.id, CapacityTarget.period == period)).all()}
    machines = [m for m in plant_machines(session, plant) if m.is_active or scheduled.get(pk(m))]
    machine_rows = [_row("machine", m, scheduled.get(pk(m), 0), available, targets.get((None, pk(m))))
                    for m in machines]
    departments = session.exec(select(Department).where(Department.plant_id == plant.id).order_by(Department.code)).all()
    dept_rows = []
    for dept in departments:
        members = [m for m in machines if m.department_id == dept.id]
        if not members and not dept.is_active:
            continue
        dept_rows.append(_row("department", dept, sum(scheduled.get(pk(m), 0) for m in members),
                              available * len(members), _department_target(targets, dept.id, members),
                              department_id=dept.id))
    return Utilisation(plant_id=plant.id, timezone=plant.timezone, period=period, start=first, period_start=w_start,
                       period_end=w_end, calendar_hours=_hours(available), machines=machine_rows,
                       departments=dept_rows)


def _department_target(targets: dict, department_id: int | None, members: list[Machine]) -> Decimal | None:
    """The department's own target, else the sum of its machines' when each of them has one."""
    own = targets.get((department_id, None))
    if own is not None or not members:
        return own
    machine_targets = [targets.get((None, pk(m))) for m in members]
    return None if None in machine_targets else sum((t for t in machine_targets if t is not None), Decimal(0))


def _row(scope: str, owner, scheduled_seconds: int, available_seconds: int, target: Decimal | None, *,
         department_id: int | None = None) -> UtilisationRow:
    scheduled = Decimal(scheduled_seconds) / 3600
    return UtilisationRow(
        scope=scope, id=owner.id, code=owner.code, name=owner.name,
        department_id=department_id if department_id is not None else owner.department_id,
        scheduled_hours=scheduled.quantize(HOURS, ROUND_HALF_UP), available_hours=_hours(available_seconds),
        target_hours=target.quantize(HOURS) if target is not None else None,
        utilisation=(scheduled / target).quantize(RATIO, ROUND_HALF_UP) if target else None,
        load=(scheduled * 3600 / available_seconds).quantize(RATIO, ROUND_HALF_UP) if available_seconds else None)


def _hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / 3600).quantize(HOURS, ROUND_HALF_UP)
