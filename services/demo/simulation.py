"""What the shop-floor simulator (`takt simulate`, rxapp/simulator.py) reads and does in the database
before and between the events it sends through the ingest API.

- `simulator_token(session, plant_id, *, known, now)`: the raw machine API token the simulator sends
  with: `known` when it is still a live machine token of that plant, else a new one named
  "Simulator" (created through services/org/api_tokens.py by the organization's system actor, audited);
- `gateway_actor(session, plant_id, *, now)`: that token's actor, for the history's in-process ingest;
- `plant_floor(session, actor, plant_id)`: the plant's active machines with their state now, current
  job and queue (work order number, operation sequence, ideal cycle time, setup time, what is left),
  its shift calendar, and the reason codes to use, grouped by six-big-loss category;
  `last_event_at(session, plant_id)`: its latest production event (where a simulation carries on);
- `release_more_work(session, actor, plant_id, *, work_center_id, seed, now)`: the planner's part
  when a machine runs dry: the oldest released job of its work center on no machine yet goes to it; else the
  last waiting job of the busiest machine of its work center (with two or more waiting, or one waiting behind a
  job of its own) moves to it; else one customer order for a product whose routing uses that work center
  (none: any finished product) and whose release loads no work center already queued BACKLOG_CAP_HOURS per
  machine (`backlog_hours`), sized so its longest job runs about RUN_HOURS, released, with its job at
  that work center queued on the dry machine and every other on the least loaded machine (hours) of its
  work center.
Everything runs as the given actor (the simulator uses the organization's system actor) through
the same services as people do (orders, release, scheduling), and is scoped to its organization.
"""
from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, func, select

from models.auth import ApiToken, ApiTokenKind
from models.base import pk, row_ids
from models.catalog import BomLine, Customer, Product, ProductType
from models.orders import Operation, WorkOrder, WorkStatus
from models.organization import Plant
from models.resources import (
    LossCategory,
    Machine,
    MachineState,
    MachineStatus,
    ReasonCode,
    ReasonKind,
)
from models.routing import Routing, RoutingStep
from models.shopfloor import ProductionEvent
from services.core.access import Actor, Permission, require
from services.core.calendar_math import CalendarSpec
from services.core.errors import DomainError, Invalid, NotFound
from services.master import calendars, work_centers
from services.org import api_tokens
from services.org.auth import token_actor
from services.org.organizations import system_actor
from services.org.tokens import hash_token
from services.production import orders, scheduling, work_orders

QUEUED = (WorkStatus.RELEASED, WorkStatus.RUNNING, WorkStatus.PAUSED)
BACKLOG_CAP_HOURS = 10.0      # no more work for a work center queued this long per machine
RUN_HOURS = (5.0, 10.0)       # a released order's longest job runs this long
TOKEN_NAME = "Simulator"


@dataclass(frozen=True)
class SimJob:
    operation_id: int
    work_order_number: str
    sequence: int
    ideal_cycle_seconds: float
    setup_seconds: int
    remaining: int                   # good parts still to make
    started: bool                    # running or paused on the machine now


@dataclass
class SimMachine:
    id: int
    code: str
    work_center_id: int
    state: MachineState
    down_reason: str | None
    current: SimJob | None
    queue: list[SimJob] = field(default_factory=list)
    down_since: datetime | None = None   # when the open stop began (down_reason set)


@dataclass
class SimFloor:
    plant_id: int
    plant_code: str
    calendar: CalendarSpec | None
    machines: list[SimMachine]
    reasons: dict[str, list[str]]    # LossCategory value (and "scrap") -> reason codes
    last_event_at: datetime | None   # the latest production event of the plant (a simulation starts after it)


def simulator_token(session: Session, plant_id: int, *, known: str | None, now: datetime) -> str:
    """A live machine token of the plant for the simulator: `known` if it still works, else a new one."""
    plant = session.get(Plant, plant_id)
    if plant is None:
        raise NotFound("Plant not found.")
    if known:
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(known))).first()
        if row is not None and row.revoked_at is None and row.plant_id == plant_id \
                and row.kind == ApiTokenKind.MACHINE:
            return known
    created = api_tokens.create_api_token(session, system_actor(session, plant.organization_id), api_tokens.ApiTokenCreate(
        plant_id=plant_id, name=TOKEN_NAME, kind=ApiTokenKind.MACHINE.value), now=now)
    return created.token


def gateway_actor(session: Session, plant_id: int, *, now: datetime) -> Actor:
    """The plant's simulator machine token as an actor (the newest live one; none: a new one), for ingest
    in-process (services/demo/history.py), as the HTTP door would resolve it."""
    row = session.exec(select(ApiToken).where(ApiToken.plant_id == plant_id, ApiToken.name == TOKEN_NAME,
                                              ApiToken.kind == ApiTokenKind.MACHINE, col(ApiToken.revoked_at).is_(None))
                       .order_by(col(ApiToken.id).desc())).first()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        token = simulator_token(session, plant_id, known=None, now=now)
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).one()
    return token_actor(row)


def plant_by_code(session: Session, actor: Actor, code: str) -> Plant:
    plant = session.exec(select(Plant).where(Plant.organization_id == actor.organization_id,
                                             Plant.code == code.strip().upper())).first()
    if plant is None or plant.id not in actor.plant_ids:
        raise NotFound(f"No plant {code} in this organization.")
    return plant


def plant_floor(session: Session, actor: Actor, plant_id: int) -> SimFloor:
    require(actor, Permission.PLAN, plant_id=plant_id)
    plant = session.get(Plant, plant_id)
    if plant is None:
        raise NotFound("Plant not found.")
    try:
        spec = calendars.calendar_spec(session, plant_id)
    except (Invalid, NotFound):
        spec = None
    rows = session.exec(select(Machine, MachineStatus).join(MachineStatus, col(MachineStatus.machine_id) == Machine.id,
                                                            isouter=True)
                        .where(Machine.plant_id == plant_id, Machine.is_active == True)  # noqa: E712
                        .order_by(Machine.code)).all()
    reason_codes = {r.id: r.code for r in session.exec(select(ReasonCode).where(
        ReasonCode.organization_id == actor.organization_id)).all()}
    queues = machines_jobs(session, [pk(machine) for machine, _ in rows])
    machines = []
    for machine, status in rows:
        jobs = queues.get(pk(machine), [])
        current = next((j for j in jobs if j.started), None)
        machines.append(SimMachine(
            id=pk(machine), code=machine.code, work_center_id=machine.work_center_id,
            state=status.state if status else MachineState.IDLE,
            down_reason=reason_codes.get(status.reason_code_id) if status and status.open_downtime_event_id else None,
            current=current, queue=[j for j in jobs if j is not current],
            down_since=status.since if status and status.open_downtime_event_id else None))
    return SimFloor(plant_id=plant_id, plant_code=plant.code, calendar=spec, machines=machines,
                    reasons=_reasons(session, actor), last_event_at=last_event_at(session, plant_id))


def last_event_at(session: Session, plant_id: int) -> datetime | None:
    """The plant's latest production event (None: its machines never reported); the caller checked access."""
    last = session.exec(select(func.max(ProductionEvent.occurred_at)).where(
        ProductionEvent.plant_id == plant_id)).one()
    if last is not None and last.tzinfo is None:          # SQLite's max() loses the column's type
        last = last.replace(tzinfo=UTC)
    return last


def machine_jobs(session: Session, machine_id: int) -> list[SimJob]:
    """The machine's released, running and paused jobs in queue order (ideal cycle: the machine's own rate
    for the product when it has one, as the KPIs count it, else the operation's)."""
    return machines_jobs(session, [machine_id]).get(machine_id, [])


def machines_jobs(session: Session, machine_ids: list[int]) -> dict[int, list[SimJob]]:
    """machine_jobs for several machines in two queries (a plant's floor)."""
    rates = work_centers.cycle_overrides(session, machine_ids)
    rows = session.exec(select(Operation, WorkOrder.number, WorkOrder.product_id)
                        .join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
                        .where(col(Operation.machine_id).in_(machine_ids or [-1]), col(Operation.status).in_(QUEUED))
                        .order_by(col(Operation.queue_position), col(Operation.planned_start), col(Operation.id))).all()
    jobs: dict[int, list[SimJob]] = {}
    for op, number, product_id in rows:
        assert op.machine_id is not None                  # the query takes operations on these machines only
        jobs.setdefault(op.machine_id, []).append(SimJob(
            operation_id=pk(op), work_order_number=number, sequence=op.sequence,
            ideal_cycle_seconds=float(rates.get((op.machine_id, product_id), op.ideal_cycle_seconds)),
            setup_seconds=op.setup_seconds, remaining=max(op.quantity - op.quantity_good, 0),
            started=op.status in (WorkStatus.RUNNING, WorkStatus.PAUSED)))
    return jobs


def _reasons(session: Session, actor: Actor) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for r in session.exec(select(ReasonCode).where(ReasonCode.organization_id == actor.organization_id,
                                                   ReasonCode.is_active == True)  # noqa: E712
                          .order_by(col(ReasonCode.position), col(ReasonCode.code))).all():
        if r.kind == ReasonKind.SCRAP:
            key = r.loss_category.value if r.loss_category == LossCategory.STARTUP_REJECT else "scrap"
        elif r.kind == ReasonKind.DOWNTIME:
            key = LossCategory.PLANNED_STOP.value if r.planned else (r.loss_category or LossCategory.BREAKDOWN).value
        else:
            continue
        grouped.setdefault(key, []).append(r.code)
    return grouped


def release_more_work(session: Session, actor: Actor, plant_id: int, *, work_center_id: int, seed: int,
                      now: datetime, machine_id: int | None = None, done: Collection[int] = ()) -> int:
    """Release one order that needs `work_center_id`; returns how many operations were queued (0: none fits).
    Its operation there goes to `machine_id` (the machine that ran dry) when given; `done` are operations
    the caller knows are complete or running though not yet recorded (they are neither load nor moved)."""
    require(actor, Permission.PLAN, plant_id=plant_id)
    rng = random.Random(seed)
    queued_ops, occupied = _floor_work(session, plant_id, done)
    if machine_id is not None and (_schedule_waiting(session, actor, plant_id, machine_id, work_center_id, now)
                                   or _take_over(session, actor, machine_id, work_center_id, queued_ops, occupied, now)):
        return 1
    backlog = backlog_hours(session, plant_id, queued_ops)
    loads = _UnitLoads(session, actor.organization_id)
    candidates = [p for p in _products_using(session, actor, work_center_id)
                  if all(backlog.get(wc, 0.0) < BACKLOG_CAP_HOURS for wc in loads.of(p))]
    customers = session.exec(select(Customer.id).where(Customer.organization_id == actor.organization_id)
                             .order_by(col(Customer.id))).all()
    if not candidates or not customers:
        return 0
    product_id = rng.choice(candidates)
    quantity = max(5, round(rng.uniform(*RUN_HOURS) * 3600 / max(loads.of(product_id).values(), default=60.0)))
    order = orders.create_order_lean(session, actor, orders.OrderCreate(
        plant_id=plant_id, customer_id=rng.choice(customers), customer_reference=f"SIM-{rng.randint(10000, 99999)}",
        note="Released by the shop-floor simulator.",
        lines=[orders.OrderLineInput(product_id=product_id, quantity=quantity,
                                     promised_date=(now + timedelta(days=rng.randint(3, 8))).date())]), now=now)
    try:
        released = work_orders.release_order_lean(session, actor, order.id, now=now).work_order_ids
    except DomainError:
        return 0
    placements = []
    for op in session.exec(select(Operation).join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
                           .where(col(Operation.work_order_id).in_(released or [-1]))
                           .order_by(col(WorkOrder.number), col(Operation.sequence))).all():   # work orders by number
        target = machine_id if machine_id is not None and op.work_center_id == work_center_id else \
            _least_loaded(session, plant_id, op.work_center_id, queued_ops)
        if target is not None:
            placements.append((pk(op), target))
            queued_ops.append(op)
    scheduling.assign_operations(session, actor, placements, now=now)     # one re-plan for the order's jobs
    return len(placements)


def _queued(session: Session, plant_id: int, done: Collection[int]) -> list[Operation]:
    done = set(done)
    return [op for op in session.exec(select(Operation).where(
        Operation.plant_id == plant_id, col(Operation.machine_id).is_not(None),
        col(Operation.status).in_(QUEUED))).all() if op.id not in done]


def _floor_work(session: Session, plant_id: int, done: Collection[int]) -> tuple[list[Operation], set[int]]:
    """The plant's queued operations (less `done`), and the machines occupied with a job: one running or paused,
    or one the caller knows it is running or has just completed (in `done`)."""
    done = set(done)
    rows = session.exec(select(Operation).where(Operation.plant_id == plant_id, col(Operation.machine_id).is_not(None),
                                                col(Operation.status).in_(QUEUED))).all()
    occupied = {op.machine_id for op in rows if op.machine_id is not None
                and (op.id in done or op.status in (WorkStatus.RUNNING, WorkStatus.PAUSED))}
    return [op for op in rows if op.id not in done], occupied


def backlog_hours(session: Session, plant_id: int, queued: list[Operation] | None = None) -> dict[int, float]:
    """Per work center of the plant: hours of queued work (setups and parts still to make) per active machine."""
    machines = dict(session.exec(select(Machine.work_center_id, func.count(col(Machine.id)))
                                 .where(Machine.plant_id == plant_id, Machine.is_active == True)  # noqa: E712
                                 .group_by(col(Machine.work_center_id))).all())
    seconds: dict[int, float] = {}
    for op in queued if queued is not None else _queued(session, plant_id, ()):
        left = max(op.quantity - op.quantity_good, 0) * float(op.ideal_cycle_seconds)
        setup = op.setup_seconds if op.status == WorkStatus.RELEASED else 0
        seconds[op.work_center_id] = seconds.get(op.work_center_id, 0.0) + left + setup
    return {wc: s / 3600 / max(machines.get(wc, 1), 1) for wc, s in seconds.items()}


def _schedule_waiting(session: Session, actor: Actor, plant_id: int, machine_id: int, work_center_id: int,
                      now: datetime) -> bool:
    """The planner's first answer to a dry machine: the oldest released job of its work center that is on no
    machine yet (the board's unscheduled list) goes to it (True: scheduled)."""
    op = session.exec(select(Operation).where(
        Operation.plant_id == plant_id, Operation.work_center_id == work_center_id, col(Operation.machine_id).is_(None),
        Operation.status == WorkStatus.RELEASED).order_by(col(Operation.id))).first()
    if op is None:
        return False
    scheduling.assign_operation(session, actor, pk(op), machine_id, now=now)
    return True


def _take_over(session: Session, actor: Actor, machine_id: int, work_center_id: int, queued: list[Operation],
               occupied: set[int], now: datetime) -> bool:
    """The supervisor's part: a dry machine takes the last waiting job of the machine of its work center with the
    most jobs waiting, from a machine with two or more waiting or one busy with a job of its own (running, paused
    or down with it): that job would wait there, and starts here now (True: moved)."""
    waiting: dict[int, list[Operation]] = {}
    for op in queued:
        if op.work_center_id == work_center_id and op.machine_id != machine_id and op.status == WorkStatus.RELEASED:
            waiting.setdefault(op.machine_id or 0, []).append(op)
    donors = [ops for donor, ops in waiting.items() if len(ops) >= 2 or donor in occupied]
    busiest = max(donors, key=len, default=[])
    if not busiest:
        return False
    op = max(busiest, key=lambda o: (o.queue_position or 0, pk(o)))
    scheduling.assign_operation(session, actor, pk(op), machine_id, reason="Moved to a free machine of the work center.",
                                now=now)
    return True


class _UnitLoads:
    """Seconds of work per unit of a product at each work center its release loads: its routing's steps and,
    down its BOM, its components' (times the quantity per unit); the organization's active routing steps and
    BOM lines are read once (two queries), the sums made in memory."""

    def __init__(self, session: Session, organization_id: int):
        self.steps: dict[int, list[tuple[int, float]]] = {}
        for product_id, work_center_id, cycle in session.exec(
                select(col(Routing.product_id), col(RoutingStep.work_center_id), col(RoutingStep.ideal_cycle_seconds))
                .join(Routing, col(Routing.id) == RoutingStep.routing_id)
                .where(Routing.organization_id == organization_id, Routing.is_active == True)  # noqa: E712
                .order_by(col(RoutingStep.id))).all():
            self.steps.setdefault(product_id, []).append((work_center_id, float(cycle)))
        self.lines: dict[int, list[tuple[int, float]]] = {}
        for parent, component, per in session.exec(
                select(col(BomLine.parent_product_id), col(BomLine.component_product_id), col(BomLine.quantity_per))
                .where(BomLine.organization_id == organization_id).order_by(col(BomLine.id))).all():
            self.lines.setdefault(parent, []).append((component, float(per)))
        self.known: dict[int, dict[int, float]] = {}

    def of(self, product_id: int, depth: int = 0) -> dict[int, float]:
        if product_id not in self.known:
            load: dict[int, float] = {}
            for work_center_id, cycle in self.steps.get(product_id, []):
                load[work_center_id] = load.get(work_center_id, 0.0) + cycle
            if depth < 8:
                for component, per in self.lines.get(product_id, []):
                    for wc, seconds in self.of(component, depth + 1).items():
                        load[wc] = load.get(wc, 0.0) + seconds * per
            self.known[product_id] = load
        return self.known[product_id]


def _products_using(session: Session, actor: Actor, work_center_id: int) -> list[int]:
    """Products whose active routing has a step at the work center (else any finished one with a routing)."""
    base = (select(Product.id).join(Routing, col(Routing.product_id) == Product.id)
            .join(RoutingStep, col(RoutingStep.routing_id) == Routing.id)
            .where(Product.organization_id == actor.organization_id,
                   Product.is_active == True, Routing.is_active == True))  # noqa: E712
    direct = sorted(set(row_ids(session.exec(base.where(RoutingStep.work_center_id == work_center_id)).all())))
    if direct:
        return direct
    return sorted(set(row_ids(session.exec(base.where(Product.type == ProductType.FINISHED)).all())))


def _least_loaded(session: Session, plant_id: int, work_center_id: int, queued: list[Operation]) -> int | None:
    """The active machine of the work center with the fewest hours queued."""
    machines = session.exec(select(Machine.id).where(Machine.plant_id == plant_id, Machine.work_center_id == work_center_id,
                                                     Machine.is_active == True).order_by(col(Machine.id))).all()  # noqa: E712
    load = {m: 0.0 for m in machines}
    for op in queued:
        if op.machine_id in load:
            load[op.machine_id] += max(op.quantity - op.quantity_good, 0) * float(op.ideal_cycle_seconds) + op.setup_seconds
    return min(load, key=lambda m: (load[m], m)) if load else None
