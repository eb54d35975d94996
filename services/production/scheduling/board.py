"""What the schedule board shows: per machine of a plant, the operations in its queue with their
plans, flagged late or in conflict, and the operations still waiting for a machine.

Invariants:
- reading needs PLAN or VIEW_DASHBOARDS at a plant the actor can see (else NotFound);
- `late`: the planned end is after the end of the due day (work order due date, else the order
  line's promised date) in the plant's time zone;
- `conflicts` lists why an operation cannot run as planned: "overlap" (another operation of the
  same machine is planned at the same time), "work_center" (the machine is not of the
  operation's work center), "plant" (the machine is in another plant), "precedence" (it starts
  before an earlier step of its work order ends). Conflicts are found over whole queues, then the
  board keeps the operations whose plan touches [start, end) (and any not yet planned);
- `maintenance`: the planned maintenance windows (a maintenance ticket's booked planned_start..planned_end, booked
  by a preventive plan or on the ticket; cancelled tickets left out) that touch [start, end), per machine. The board
  reads them from models/maintenance.py (production sits below the maintenance services and never imports them).
"""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Product
from models.maintenance import MaintenanceTicket
from models.orders import Operation, WorkOrder
from models.organization import Plant
from models.resources import Machine, WorkCenter
from services.core.access import Actor, Permission
from services.core.display_names import display_name
from services.core.errors import Invalid
from services.core.messages import t
from services.production.scheduling.common import (
    NOT_STARTED,
    STARTED,
    CycleTimes,
    due_dates,
    end_of_day,
    get_plant,
    plant_machines,
    predecessors,
    queued_operations,
    require_read,
    steps_of,
    stored_end,
    work_orders_by_id,
)
from services.production.scheduling.exceptions import overproduced, overproduction_tolerance


class BoardOperation(BaseModel):
    operation_id: int
    work_order_id: int
    work_order_number: str
    product_code: str
    product_name: str
    name: str
    sequence: int
    status: str
    machine_id: int
    work_center_id: int
    queue_position: int | None
    planned_start: datetime | None
    planned_end: datetime | None
    due_date: date | None
    due_at: datetime | None
    late: bool
    conflict: bool
    conflicts: list[str]
    quantity: int
    quantity_good: int
    quantity_scrap: int
    progress: float                    # good / quantity, 0..1
    overproduced: bool = False         # good beyond quantity by more than the plant's tolerance (exceptions.overproduced)


class BoardWindow(BaseModel):
    """A planned maintenance window on a machine: time the machine is booked for maintenance, not production."""
    ticket_id: int
    number: str
    title: str
    kind: str                       # preventive | corrective
    status: str
    start: datetime
    end: datetime


class BoardMachine(BaseModel):
    machine_id: int
    code: str
    name: str
    work_center_id: int
    work_center_code: str
    department_id: int
    is_active: bool
    operations: list[BoardOperation]
    maintenance: list[BoardWindow] = []


class ScheduleBoard(BaseModel):
    plant_id: int
    plant_code: str
    plant_name: str
    timezone: str
    start: datetime
    end: datetime
    machines: list[BoardMachine]
    late_count: int
    conflict_count: int
    can_plan: bool = False              # PLAN at the plant: re-plan, check late, assign and move operations


class MachineChoice(BaseModel):
    id: int
    code: str
    name: str


class UnscheduledOperation(BaseModel):
    operation_id: int
    work_order_id: int
    work_order_number: str
    product_code: str
    product_name: str
    name: str
    sequence: int
    status: str
    quantity: int
    work_center_id: int
    work_center_code: str
    due_date: date | None
    duration_seconds: int
    machines: list[MachineChoice]     # active machines of its work center


def schedule_board(session: Session, actor: Actor, plant_id: int, *, start: datetime, end: datetime) -> ScheduleBoard:
    require_read(actor)
    plant = get_plant(session, actor, plant_id)
    naive = {name: t("Give a time zone, e.g. 2026-03-02T06:00:00Z.") for name, value in (("start", start), ("end", end))
             if value.tzinfo is None}
    if naive:
        raise Invalid(t("Give the window's times with a time zone."), fields=naive)
    if end <= start:
        raise Invalid(t("Pick a time window whose end is after its start."), fields={"end": t("Must be after the start.")})
    queues = queued_operations(session, plant)
    machines = {m.id: m for m in plant_machines(session, plant)}
    machines.update({m.id: m for m in session.exec(select(Machine).where(
        col(Machine.id).in_([m for m in queues if m not in machines] or [-1]))).all()})
    wos = work_orders_by_id(session, {op.work_order_id for q in queues.values() for op in q})
    context = _Context(session, plant, wos, list(machines.values()))
    windows = _maintenance_windows(session, [pk(m) for m in machines.values()], start, end)
    rows = []
    for machine in sorted(machines.values(), key=lambda m: m.code):
        queue = queues.get(pk(machine), [])
        if not machine.is_active and not queue:
            continue
        overlapping = _overlapping(queue)
        ops = [context.read(op, machine, overlap=op.id in overlapping) for op in queue if _touches(op, start, end)]
        rows.append(BoardMachine(machine_id=machine.id, code=machine.code, name=display_name(machine),
                                 work_center_id=machine.work_center_id,
                                 work_center_code=context.work_center_code(machine.work_center_id),
                                 department_id=machine.department_id, is_active=machine.is_active, operations=ops,
                                 maintenance=windows.get(pk(machine), [])))
    every = [op for row in rows for op in row.operations]
    return ScheduleBoard(plant_id=plant.id, plant_code=plant.code, plant_name=display_name(plant), timezone=plant.timezone,
                         start=start, end=end, machines=rows, late_count=sum(op.late for op in every),
                         conflict_count=sum(op.conflict for op in every),
                         can_plan=actor.can(Permission.PLAN, plant_id=plant.id))


def unscheduled_operations(session: Session, actor: Actor, plant_id: int, *, limit: int = 500) -> list[UnscheduledOperation]:
    """Operations not started and on no machine yet, soonest due first."""
    require_read(actor)
    plant = get_plant(session, actor, plant_id)
    ops = session.exec(select(Operation).where(
        Operation.organization_id == plant.organization_id, Operation.plant_id == plant.id,
        col(Operation.machine_id).is_(None), col(Operation.status).in_(NOT_STARTED))).all()
    wos = work_orders_by_id(session, {op.work_order_id for op in ops})
    dues = due_dates(session, wos.values())
    ops = sorted(ops, key=lambda o: (dues[o.work_order_id] is None, dues[o.work_order_id] or date.max,
                                     wos[o.work_order_id].number, o.sequence))[:limit]
    machines = [m for m in plant_machines(session, plant) if m.is_active]
    context = _Context(session, plant, wos, machines)
    cycles = CycleTimes(session, plant.organization_id, [])
    out = []
    for op in ops:
        wo = wos[op.work_order_id]
        product = context.products[wo.product_id]
        out.append(UnscheduledOperation(
            operation_id=op.id, work_order_id=wo.id, work_order_number=wo.number, product_code=product.code,
            product_name=display_name(product), name=op.name, sequence=op.sequence, status=op.status.value,
            quantity=op.quantity, work_center_id=op.work_center_id,
            work_center_code=context.work_center_code(op.work_center_id), due_date=dues[pk(wo)],
            duration_seconds=cycles.seconds_left(op, None, wo.product_id),
            machines=[MachineChoice(id=m.id, code=m.code, name=display_name(m)) for m in machines
                      if m.work_center_id == op.work_center_id]))
    return out


def _maintenance_windows(session: Session, machine_ids: list[int], start: datetime, end: datetime
                         ) -> dict[int, list[BoardWindow]]:
    """machine id -> its booked maintenance windows touching [start, end), earliest first."""
    rows = session.exec(select(MaintenanceTicket).where(
        col(MaintenanceTicket.machine_id).in_(machine_ids or [-1]), col(MaintenanceTicket.is_cancelled).is_(False),
        col(MaintenanceTicket.planned_start).is_not(None), col(MaintenanceTicket.planned_end).is_not(None),
        col(MaintenanceTicket.planned_start) < end, col(MaintenanceTicket.planned_end) > start)
        .order_by(col(MaintenanceTicket.planned_start), col(MaintenanceTicket.id))).all()
    out: dict[int, list[BoardWindow]] = {}
    for ticket in rows:
        assert ticket.planned_start is not None and ticket.planned_end is not None          # filtered above
        out.setdefault(ticket.machine_id, []).append(BoardWindow(
            ticket_id=pk(ticket), number=ticket.number, title=ticket.title, kind=ticket.kind, status=ticket.status,
            start=ticket.planned_start, end=ticket.planned_end))
    return out


class _Context:
    """Rows the board reads once: products, work centers, due dates, every step of the work orders."""

    def __init__(self, session: Session, plant: Plant, wos: dict[int, WorkOrder], machines: list[Machine]):
        self.plant, self.wos = plant, wos
        product_ids = {wo.product_id for wo in wos.values()}
        self.products = {p.id: p for p in session.exec(select(Product).where(
            col(Product.id).in_(product_ids or {-1}))).all()}
        wc_ids = {m.work_center_id for m in machines}
        self.work_centers = {w.id: w for w in session.exec(select(WorkCenter).where(
            WorkCenter.plant_id == plant.id)).all()}
        missing = wc_ids - set(self.work_centers)
        if missing:
            self.work_centers.update({w.id: w for w in session.exec(select(WorkCenter).where(
                col(WorkCenter.id).in_(missing))).all()})
        self.dues = due_dates(session, wos.values())
        self.tolerance = overproduction_tolerance(session, pk(plant))
        self.steps = steps_of(session, wos.keys())

    def work_center_code(self, work_center_id: int) -> str:
        wc = self.work_centers.get(work_center_id)
        return wc.code if wc else ""

    def read(self, op: Operation, machine: Machine, *, overlap: bool) -> BoardOperation:
        wo = self.wos[op.work_order_id]
        product = self.products[wo.product_id]
        due = self.dues[pk(wo)]
        due_at = end_of_day(due, self.plant.timezone) if due else None
        conflicts = ["overlap"] if overlap else []
        if machine.work_center_id != op.work_center_id:
            conflicts.append("work_center")
        if machine.plant_id != op.plant_id:
            conflicts.append("plant")
        if self._before_predecessor(op):
            conflicts.append("precedence")
        return BoardOperation(
            operation_id=op.id, work_order_id=wo.id, work_order_number=wo.number, product_code=product.code,
            product_name=display_name(product), name=op.name, sequence=op.sequence, status=op.status.value,
            machine_id=machine.id, work_center_id=op.work_center_id, queue_position=op.queue_position,
            planned_start=op.planned_start, planned_end=op.planned_end, due_date=due, due_at=due_at,
            late=bool(due_at and op.planned_end and op.planned_end > due_at), conflict=bool(conflicts),
            conflicts=conflicts, quantity=op.quantity, quantity_good=op.quantity_good,
            quantity_scrap=op.quantity_scrap, progress=min(op.quantity_good / op.quantity, 1.0) if op.quantity else 0.0,
            overproduced=overproduced(op.quantity_good, op.quantity, self.tolerance))

    def _before_predecessor(self, op: Operation) -> bool:
        if op.status in STARTED or op.planned_start is None:
            return False
        ends = [stored_end(p) for p in predecessors(self.steps, op)]
        return any(e is not None and e > op.planned_start for e in ends)


def _overlapping(queue: list[Operation]) -> set[int]:
    """Ids of the operations whose plan overlaps another's on the same machine."""
    planned = sorted(((op, start, end) for op in queue
                      if (start := op.planned_start) is not None and (end := op.planned_end) is not None
                      and end > start),
                     key=lambda w: (w[1], w[2]))
    found: set[int] = set()
    longest: tuple[Operation, datetime] | None = None            # the plan reaching furthest so far, and its end
    for op, start, end in planned:
        if longest is not None and start < longest[1]:
            found.update({pk(op), pk(longest[0])})
        if longest is None or end > longest[1]:
            longest = (op, end)
    return found


def _touches(op: Operation, start: datetime, end: datetime) -> bool:
    if op.planned_start is None or op.planned_end is None:
        return True
    if op.planned_end == op.planned_start:
        return start <= op.planned_start < end
    return op.planned_start < end and op.planned_end > start
