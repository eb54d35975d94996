"""What the shop-floor simulator (`takt simulate`, rxapp/simulator.py) reads and does in the database
before and between the events it sends through the ingest API.

- `simulator_token(session, plant_id, *, known, now)`: the raw machine API token the simulator sends
  with: `known` when it is still a live machine token of that plant, else a new one named
  "Simulator" (created through services/org/api_tokens.py by the organization's system actor, audited);
- `plant_floor(session, actor, plant_id)`: the plant's active machines with their state now, current
  job and queue (work order number, operation sequence, ideal cycle time, setup time, what is left),
  its shift calendar, and the reason codes to use, grouped by six-big-loss category;
- `release_more_work(session, actor, plant_id, *, work_center_id, seed, now)`: the planner's part
  when a machine runs dry: one customer order for a finished product whose routing uses that work
  center, released, with every operation queued on the least loaded machine of its work center.
Everything runs as the given actor (the simulator uses the organization's system actor) through
the same services as people do (orders, release, scheduling), and is scoped to its organization.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from models.auth import ApiToken, ApiTokenKind
from models.base import pk, row_ids
from models.catalog import Customer, Product, ProductType
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
from services.master import calendars
from services.org import api_tokens
from services.org.organizations import system_actor
from services.org.tokens import hash_token
from services.production import orders, scheduling, work_orders

QUEUED = (WorkStatus.RELEASED, WorkStatus.RUNNING, WorkStatus.PAUSED)
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
    machines = []
    for machine, status in rows:
        jobs = machine_jobs(session, pk(machine))
        current = next((j for j in jobs if j.started), None)
        machines.append(SimMachine(
            id=pk(machine), code=machine.code, work_center_id=machine.work_center_id,
            state=status.state if status else MachineState.IDLE,
            down_reason=reason_codes.get(status.reason_code_id) if status and status.open_downtime_event_id else None,
            current=current, queue=[j for j in jobs if j is not current]))
    last = session.exec(select(func.max(ProductionEvent.occurred_at)).where(
        ProductionEvent.plant_id == plant_id)).one()
    return SimFloor(plant_id=plant_id, plant_code=plant.code, calendar=spec, machines=machines,
                    reasons=_reasons(session, actor), last_event_at=last)


def machine_jobs(session: Session, machine_id: int) -> list[SimJob]:
    """The machine's released, running and paused jobs in queue order."""
    rows = session.exec(select(Operation, WorkOrder.number).join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
                        .where(Operation.machine_id == machine_id, col(Operation.status).in_(QUEUED))
                        .order_by(col(Operation.queue_position), col(Operation.planned_start), col(Operation.id))).all()
    return [SimJob(operation_id=pk(op), work_order_number=number, sequence=op.sequence,
                   ideal_cycle_seconds=float(op.ideal_cycle_seconds), setup_seconds=op.setup_seconds,
                   remaining=max(op.quantity - op.quantity_good, 0),
                   started=op.status in (WorkStatus.RUNNING, WorkStatus.PAUSED)) for op, number in rows]


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
                      now: datetime) -> int:
    """Release one order that needs `work_center_id`; returns how many operations were queued (0: none fits)."""
    require(actor, Permission.PLAN, plant_id=plant_id)
    rng = random.Random(seed)
    candidates = _products_using(session, actor, work_center_id)
    customers = session.exec(select(Customer.id).where(Customer.organization_id == actor.organization_id)
                             .order_by(col(Customer.id))).all()
    if not candidates or not customers:
        return 0
    product_id = rng.choice(candidates)
    order = orders.create_order(session, actor, orders.OrderCreate(
        plant_id=plant_id, customer_id=rng.choice(customers), customer_reference=f"SIM-{rng.randint(10000, 99999)}",
        note="Released by the shop-floor simulator.",
        lines=[orders.OrderLineInput(product_id=product_id, quantity=rng.randint(10, 40),
                                     promised_date=(now + timedelta(days=rng.randint(2, 7))).date())]), now=now)
    queued = 0
    try:
        released = work_orders.release_order(session, actor, order.id, now=now)
    except DomainError:
        return 0
    for wo in released:
        for op in session.exec(select(Operation).where(Operation.work_order_id == wo.id)
                               .order_by(col(Operation.sequence))).all():
            machine_id = _least_loaded(session, plant_id, op.work_center_id)
            if machine_id is not None:
                scheduling.assign_operation(session, actor, pk(op), machine_id, now=now)
                queued += 1
    return queued


def _products_using(session: Session, actor: Actor, work_center_id: int) -> list[int]:
    """Finished products whose active routing has a step at the work center (else any with a routing)."""
    base = (select(Product.id).join(Routing, col(Routing.product_id) == Product.id)
            .join(RoutingStep, col(RoutingStep.routing_id) == Routing.id)
            .where(Product.organization_id == actor.organization_id, Product.type == ProductType.FINISHED,
                   Product.is_active == True, Routing.is_active == True))  # noqa: E712
    direct = sorted(set(row_ids(session.exec(base.where(RoutingStep.work_center_id == work_center_id)).all())))
    if direct:
        return direct
    return sorted(set(row_ids(session.exec(base).all())))


def _least_loaded(session: Session, plant_id: int, work_center_id: int) -> int | None:
    load = func.count(col(Operation.id))
    row = session.exec(select(Machine.id, load).join(
        Operation, (col(Operation.machine_id) == Machine.id) & col(Operation.status).in_(QUEUED), isouter=True)
        .where(Machine.plant_id == plant_id, Machine.work_center_id == work_center_id,
               Machine.is_active == True)  # noqa: E712
        .group_by(col(Machine.id)).order_by(load, col(Machine.id))).first()
    return row[0] if row else None
