"""Pieces every scheduling module shares: who may read or change a plant's schedule, which
operations are in a machine's queue, how long an operation takes, and when it is due.

Invariants:
- changing a schedule needs PLAN; reading it needs PLAN or VIEW_DASHBOARDS. A plant (or a row of
  a plant) outside the actor's organization or plants is NotFound, never Forbidden;
- a machine's queue holds its planned, released, running and paused operations; started ones
  (running, paused) come first, the rest follow in queue order; done and cancelled ones leave it;
- an operation's duration is setup + ideal cycle time x remaining quantity, the cycle time being
  the machine's own rate for the product when it has one, in Decimal, rounded up to whole seconds;
  a started operation has done its setup, so only its remaining quantity is left to plan;
- an operation is due at the end of its due day (the work order's due date, else the order line's
  promised date) in the plant's time zone;
- the good quantity the plan expects by a moment (`expected_good`) lies between 0 and the quantity.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models.base import pk
from models.orders import Operation, OrderLine, WorkOrder, WorkStatus
from models.organization import Plant
from models.resources import Machine, MachineProductRate
from services.core.access import Actor, Permission, require
from services.core.calendar_math import CalendarSpec, working_seconds
from services.core.errors import Forbidden, NotFound
from services.core.messages import t

UTC = UTC
QUEUED = (WorkStatus.PLANNED, WorkStatus.RELEASED, WorkStatus.RUNNING, WorkStatus.PAUSED)
STARTED = (WorkStatus.RUNNING, WorkStatus.PAUSED)
NOT_STARTED = (WorkStatus.PLANNED, WorkStatus.RELEASED)


# ---- access ---------------------------------------------------------------------------------

def require_plan(actor: Actor) -> None:
    require(actor, Permission.PLAN)


def require_read(actor: Actor) -> None:
    if Permission.PLAN not in actor.permissions and Permission.VIEW_DASHBOARDS not in actor.permissions:
        raise Forbidden(t("You are not allowed to see schedules: it needs the 'plan' or 'view_dashboards' permission."))


def get_plant(session: Session, actor: Actor, plant_id: int | None, *, lock: bool = False) -> Plant:
    """The plant, if the actor may work in it (else NotFound). `lock` serialises schedule changes."""
    if plant_id is None or plant_id not in actor.plant_ids:
        raise NotFound(t("Plant not found."))
    plant = session.get(Plant, plant_id, with_for_update=lock or None)
    if plant is None or plant.organization_id != actor.organization_id:
        raise NotFound(t("Plant not found."))
    return plant


# ---- queues ---------------------------------------------------------------------------------

def queue_key(op: Operation) -> tuple:
    """Planning order on one machine: started work first, then queue position, then age."""
    return (op.status not in STARTED, op.queue_position is None, op.queue_position or 0, op.id)


def queued_operations(session: Session, plant: Plant, machine_ids: Iterable[int] | None = None) -> dict[int, list[Operation]]:
    """The plant's machine queues, each in planning order."""
    query = select(Operation).where(Operation.organization_id == plant.organization_id,
                                    Operation.plant_id == plant.id, col(Operation.machine_id).is_not(None),
                                    col(Operation.status).in_(QUEUED))
    if machine_ids is not None:
        query = query.where(col(Operation.machine_id).in_(list(machine_ids) or [-1]))
    queues: dict[int, list[Operation]] = {}
    for op in session.exec(query).all():
        assert op.machine_id is not None             # the query takes operations on a machine only
        queues.setdefault(op.machine_id, []).append(op)
    for ops in queues.values():
        ops.sort(key=queue_key)
    return queues


def plant_machines(session: Session, plant: Plant) -> list[Machine]:
    return list(session.exec(select(Machine).where(Machine.organization_id == plant.organization_id,
                                                   Machine.plant_id == plant.id).order_by(Machine.code)).all())


def steps_of(session: Session, work_order_ids: Iterable[int]) -> dict[int, list[Operation]]:
    """Every operation of these work orders, by work order, in sequence."""
    ids = list(work_order_ids)
    rows = session.exec(select(Operation).where(col(Operation.work_order_id).in_(ids or [-1]))).all()
    steps: dict[int, list[Operation]] = {}
    for op in rows:
        steps.setdefault(op.work_order_id, []).append(op)
    for ops in steps.values():
        ops.sort(key=lambda o: o.sequence)
    return steps


def predecessors(steps: dict[int, list[Operation]], op: Operation) -> list[Operation]:
    """The earlier steps (lower sequence) of `op`'s work order that are not cancelled."""
    return [p for p in steps.get(op.work_order_id, ()) if p.sequence < op.sequence and p.status != WorkStatus.CANCELLED]


def stored_end(op: Operation) -> datetime | None:
    """When a step is (planned to be) finished, as stored: done at completion, else its plan."""
    if op.status == WorkStatus.DONE:
        return op.completed_at
    if op.machine_id is not None and op.status in QUEUED:
        return op.planned_end
    return None


# ---- durations ------------------------------------------------------------------------------

def remaining_quantity(op: Operation) -> int:
    return max(op.quantity - op.quantity_good, 0)


def duration_seconds(setup_seconds: int, cycle_seconds: Decimal, quantity: int) -> int:
    """setup + cycle x quantity, in whole seconds, rounded up."""
    total = Decimal(setup_seconds) + Decimal(cycle_seconds) * quantity
    return int(total.to_integral_value(rounding=ROUND_CEILING))


class CycleTimes:
    """Ideal cycle time per (machine, product): the machine's own rate when it has one."""

    def __init__(self, session: Session, organization_id: int, machine_ids: Iterable[int]):
        rows = session.exec(select(MachineProductRate).where(
            MachineProductRate.organization_id == organization_id,
            col(MachineProductRate.machine_id).in_(list(machine_ids) or [-1]))).all()
        self._rates: dict[tuple[int | None, int], Decimal] = {
            (r.machine_id, r.product_id): Decimal(r.ideal_cycle_seconds) for r in rows}

    def cycle(self, op: Operation, machine_id: int | None, product_id: int) -> Decimal:
        return self._rates.get((machine_id, product_id), Decimal(op.ideal_cycle_seconds))

    def seconds_left(self, op: Operation, machine_id: int | None, product_id: int) -> int:
        """What is left to plan: setup and all units when not started, else the remaining units."""
        setup = 0 if op.status in STARTED else op.setup_seconds
        return duration_seconds(setup, self.cycle(op, machine_id, product_id), remaining_quantity(op))


def operation_duration(session: Session, op: Operation, machine_id: int | None = None) -> int:
    """The planned duration of `op` on `machine_id` (default: its own machine), in seconds."""
    machine_id = machine_id if machine_id is not None else op.machine_id
    wo = session.get(WorkOrder, op.work_order_id)
    assert wo is not None                            # an operation's work order (foreign key)
    product_id = wo.product_id
    return CycleTimes(session, op.organization_id, [machine_id] if machine_id else []).seconds_left(op, machine_id, product_id)


# ---- due dates ------------------------------------------------------------------------------

def end_of_day(day: date, zone: str) -> datetime:
    """The instant the local `day` ends in `zone`, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def due_dates(session: Session, work_orders: Iterable[WorkOrder]) -> dict[int, date | None]:
    """Work order id -> its due date, else its order line's promised date."""
    wos = list(work_orders)
    line_ids = {wo.order_line_id for wo in wos if wo.due_date is None and wo.order_line_id}
    promised = dict(session.exec(select(col(OrderLine.id), col(OrderLine.promised_date)).where(
        col(OrderLine.id).in_(line_ids))).all()) if line_ids else {}
    return {pk(wo): wo.due_date or promised.get(wo.order_line_id) for wo in wos}


def work_orders_by_id(session: Session, ids: Iterable[int]) -> dict[int, WorkOrder]:
    ids = set(ids)
    if not ids:
        return {}
    return {pk(wo): wo for wo in session.exec(select(WorkOrder).where(col(WorkOrder.id).in_(ids))).all()}


def ceil_second(at: datetime) -> datetime:
    """`at` rounded up to a whole second (plans are made in whole seconds)."""
    at = at.astimezone(UTC)
    return at if at.microsecond == 0 else at.replace(microsecond=0) + timedelta(seconds=1)


def expected_good(op: Operation, now: datetime, spec: CalendarSpec | None) -> int:
    """Good parts the plan expects by `now`: (working time since the planned start, breaks and non-working
    time of `spec` left out, minus setup) / ideal cycle time, between 0 and the quantity; wall-clock time
    without a calendar. The operator portal and the andon board show it."""
    if op.planned_start is None or now <= op.planned_start:
        return 0
    if op.planned_end is not None and now >= op.planned_end:
        return op.quantity
    worked = (working_seconds(spec, op.planned_start, now) if spec is not None
              else int((now - op.planned_start).total_seconds()))
    producing = worked - op.setup_seconds
    cycle = Decimal(op.ideal_cycle_seconds)
    if producing <= 0 or cycle <= 0:
        return 0 if producing <= 0 else op.quantity
    return min(op.quantity, int(Decimal(producing) / cycle))
