"""Schedule exceptions: an operation that is late, short (finished with fewer good parts than
ordered), reallocated (moved to another machine) or overproduced (more good parts than its quantity by
more than the plant's tolerance), each with a reason people can read.

Invariants:
- recording needs PLAN, reading PLAN or VIEW_DASHBOARDS, at the operation's plant (else NotFound);
- a reason is required; exceptions are never changed or deleted;
- `detect_late` records at most one LATE exception per operation, ever: for each operation in a
  machine queue whose planned end is after the end of its due day in the plant's time zone;
- `overproduced(good, quantity, tolerance)` is the one rule the andon, the schedule board and the work order
  flag by: good x 100 > quantity x (100 + tolerance percent) (the plant's `kpi_plant_setting`, default 10 %);
  `record_overproduction` records at most one OVERPRODUCED exception per operation, ever, when its count
  crosses that line (the shop floor calls it as counts are added, from the operator and machine paths alike).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.kpi_rollup import DEFAULT_OVERPRODUCTION_TOLERANCE, KpiPlantSetting
from models.orders import ExceptionKind, Operation, ScheduleException, WorkOrder
from models.resources import Machine
from models.user import User
from services.core.access import Actor
from services.core.audit import audit
from services.core.errors import Invalid
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.production.events import ScheduleExceptionRecorded, ScheduleLateDetected
from services.production.scheduling.common import (
    due_dates,
    end_of_day,
    get_plant,
    queued_operations,
    require_plan,
    require_read,
    work_orders_by_id,
)

REASON_MAX = 500


class ExceptionRead(BaseModel):
    id: int
    plant_id: int
    operation_id: int
    work_order_id: int
    work_order_number: str
    operation_name: str
    sequence: int
    machine_id: int | None
    machine_code: str
    kind: ExceptionKind
    reason: str
    details: dict[str, Any]
    user_id: int | None
    username: str
    at: datetime


def record_exception(session: Session, actor: Actor, operation_id: int, *, kind: ExceptionKind | str, reason: str,
                     details: dict[str, Any] | None = None, now: datetime) -> ExceptionRead:
    require_plan(actor)
    op = get_scoped(session, actor, Operation, operation_id, t("Operation"))
    try:
        kind = ExceptionKind(kind)
    except ValueError:
        raise Invalid(t("Pick the kind of exception: late, short, reallocated or overproduced."),
                      fields={"kind": t("Use late, short, reallocated or overproduced.")}) from None
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(t("Say what happened."), fields={"reason": t("Required.")})
    if len(reason) > REASON_MAX:
        raise Invalid(t("The reason is too long."), fields={"reason": t("Use at most {reason_max} characters.",
                                                                     reason_max=REASON_MAX)})
    row = _add(session, actor, op, kind, reason, details or {}, now)
    record(session, ScheduleExceptionRecorded(organization_id=actor.organization_id, exception_id=pk(row),
                                              operation_id=pk(op), kind=kind.value, plant_id=op.plant_id,
                                              actor_user_id=actor.user_id, at=now))
    return _reads(session, [row])[0]


def list_exceptions(session: Session, actor: Actor, plant_id: int, *, kind: ExceptionKind | str | None = None,
                    operation_id: int | None = None, since: datetime | None = None, until: datetime | None = None,
                    limit: int = 200) -> list[ExceptionRead]:
    """Newest first."""
    require_read(actor)
    plant = get_plant(session, actor, plant_id)
    query = select(ScheduleException).where(ScheduleException.organization_id == actor.organization_id,
                                            ScheduleException.plant_id == plant.id)
    if kind:
        query = query.where(ScheduleException.kind == ExceptionKind(kind))
    if operation_id is not None:
        query = query.where(ScheduleException.operation_id == operation_id)
    if since is not None:
        query = query.where(ScheduleException.at >= since)
    if until is not None:
        query = query.where(ScheduleException.at < until)
    rows = session.exec(query.order_by(col(ScheduleException.at).desc(), col(ScheduleException.id).desc())
                        .limit(max(1, min(limit, 1000)))).all()
    return _reads(session, list(rows))


def detect_late(session: Session, actor: Actor, plant_id: int, *, now: datetime) -> list[ExceptionRead]:
    """Record a LATE exception for each planned-late operation that has none yet; return the new ones."""
    require_plan(actor)
    plant = get_plant(session, actor, plant_id, lock=True)
    ops = [op for queue in queued_operations(session, plant).values() for op in queue if op.planned_end]
    wos = work_orders_by_id(session, {op.work_order_id for op in ops})
    dues = due_dates(session, wos.values())
    known = set(session.exec(select(ScheduleException.operation_id).where(
        ScheduleException.plant_id == plant.id, ScheduleException.kind == ExceptionKind.LATE)).all())
    zone = ZoneInfo(plant.timezone)
    created = []
    for op in sorted(ops, key=lambda o: (o.planned_end, o.id)):
        due, planned_end = dues[op.work_order_id], op.planned_end
        if due is None or planned_end is None or op.id in known or planned_end <= end_of_day(due, plant.timezone):
            continue
        local_end = planned_end.astimezone(zone)
        reason = (f"Planned to end {local_end:%Y-%m-%d %H:%M}, after its due date {due.isoformat()} "
                  f"({wos[op.work_order_id].number}).")
        created.append(_add(session, actor, op, ExceptionKind.LATE, reason,
                            {"planned_end": planned_end.isoformat(), "due_date": due.isoformat()}, now))
    if created:
        record(session, ScheduleLateDetected(organization_id=actor.organization_id,
                                             operation_ids=[r.operation_id for r in created], plant_id=plant.id,
                                             actor_user_id=actor.user_id, at=now))
    return _reads(session, created)


def overproduced(good: int, quantity: int, tolerance_percent: int) -> bool:
    """More good parts than the quantity allows with the tolerance (percent of the quantity)."""
    return quantity > 0 and good * 100 > quantity * (100 + tolerance_percent)


def overproduction_tolerance(session: Session, plant_id: int) -> int:
    """The plant's tolerance in percent (services/kpi/settings.py sets it; the default without a setting)."""
    value = session.exec(select(KpiPlantSetting.overproduction_tolerance_percent)
                         .where(KpiPlantSetting.plant_id == plant_id)).first()
    return DEFAULT_OVERPRODUCTION_TOLERANCE if value is None else value


def record_overproduction(session: Session, actor: Actor, operation_ids: list[int], *,
                          now: datetime) -> list[ScheduleException]:
    """An OVERPRODUCED exception for each of these operations that is now beyond its plant's tolerance and has
    none yet. The caller (counts being added) has checked the actor's rights to report them."""
    if not operation_ids:
        return []
    ops = session.exec(select(Operation).where(col(Operation.id).in_(operation_ids))).all()
    tolerances: dict[int, int] = {}
    flagged = []
    for op in ops:
        if op.plant_id not in tolerances:
            tolerances[op.plant_id] = overproduction_tolerance(session, op.plant_id)
        if overproduced(op.quantity_good, op.quantity, tolerances[op.plant_id]):
            flagged.append(op)
    if not flagged:
        return []
    known = set(session.exec(select(ScheduleException.operation_id).where(
        col(ScheduleException.operation_id).in_([pk(op) for op in flagged]),
        ScheduleException.kind == ExceptionKind.OVERPRODUCED)).all())
    out = []
    for op in flagged:
        if pk(op) in known:
            continue
        tolerance = tolerances[op.plant_id]
        reason = f"{op.quantity_good} good of {op.quantity}: more than {tolerance} % over the quantity."
        row = _add(session, actor, op, ExceptionKind.OVERPRODUCED, reason,
                   {"good": op.quantity_good, "quantity": op.quantity, "tolerance_percent": tolerance}, now)
        record(session, ScheduleExceptionRecorded(organization_id=op.organization_id, exception_id=pk(row),
                                                  operation_id=pk(op), kind=ExceptionKind.OVERPRODUCED.value,
                                                  plant_id=op.plant_id, actor_user_id=actor.user_id, at=now))
        out.append(row)
    return out


def _add(session: Session, actor: Actor, op: Operation, kind: ExceptionKind, reason: str, details: dict[str, Any],
         now: datetime) -> ScheduleException:
    row = ScheduleException(organization_id=op.organization_id, plant_id=op.plant_id, operation_id=pk(op), kind=kind,
                            reason=reason, details=details, user_id=actor.user_id, at=now)
    session.add(row)
    session.flush()
    audit(session, actor, "schedule_exception", row.id, "create",
          {"operation_id": op.id, "kind": kind.value, "reason": reason}, plant_id=op.plant_id, at=now)
    return row


def _reads(session: Session, rows: list[ScheduleException]) -> list[ExceptionRead]:
    if not rows:
        return []
    ops = {o.id: o for o in session.exec(select(Operation).where(
        col(Operation.id).in_({r.operation_id for r in rows}))).all()}
    wos = {w.id: w for w in session.exec(select(WorkOrder).where(
        col(WorkOrder.id).in_({o.work_order_id for o in ops.values()}))).all()}
    machine_ids = {o.machine_id for o in ops.values() if o.machine_id}
    machines = dict(session.exec(select(Machine.id, Machine.code).where(col(Machine.id).in_(machine_ids or {-1}))).all())
    user_ids = {r.user_id for r in rows if r.user_id}
    users = dict(session.exec(select(User.id, User.username).where(col(User.id).in_(user_ids or {-1}))).all())
    out = []
    for r in rows:
        op = ops[r.operation_id]
        out.append(ExceptionRead(
            id=r.id, plant_id=r.plant_id, operation_id=op.id, work_order_id=op.work_order_id,
            work_order_number=wos[op.work_order_id].number, operation_name=op.name, sequence=op.sequence,
            machine_id=op.machine_id, machine_code=machines.get(op.machine_id, ""), kind=ExceptionKind(r.kind),
            reason=r.reason, details=r.details or {}, user_id=r.user_id, username=users.get(r.user_id, ""), at=r.at))
    return out
