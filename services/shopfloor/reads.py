"""What the operator portal shows: the machines of the operator's plants with their state now, a
machine's queue with each job's progress against plan, a machine found by its scanned code, and
the reason codes to choose from.

Invariants: everything needs RUN_JOBS and is limited to the actor's organization and plants (a
machine elsewhere is NotFound, also by code). The queue holds the machine's released, running
and paused jobs in queue order (queue position, then planned start). Progress against plan: the
good quantity a job should have by now = (working time since its planned start, breaks and
non-working time of the plant's calendar left out, minus its setup time) / ideal cycle time,
between 0 and its quantity; without a calendar, wall-clock time is used
(`expected_good`, services/production/scheduling/common.py, which the andon board uses too). Each queued
job carries the actions the operator may take on it now (start, resume, pause, complete, report), from the
rules the actions enforce (action_rules.job_actions), so the portal restates none of them.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.catalog import Product
from models.orders import Operation, WorkOrder, WorkStatus
from models.organization import Plant
from models.resources import (
    Machine,
    MachineState,
    MachineStatus,
    ReasonCode,
    ReasonKind,
)
from services.core.access import Actor, Permission, require
from services.core.calendar_math import CalendarSpec
from services.core.display_names import display_name
from services.core.errors import Invalid, NotFound
from services.core.messages import t
from services.master import calendars
from services.production.scheduling.common import expected_good, queue_key
from services.shopfloor.action_rules import ActionType, job_actions
from services.shopfloor.machine_state import DOWN_STATES
from services.shopfloor.operator import machine_or_not_found
from services.trace import labels

QUEUED = (WorkStatus.RELEASED, WorkStatus.RUNNING, WorkStatus.PAUSED)
QR_PREFIX = "TAKT:MACHINE:"


class MachineTile(BaseModel):
    id: int
    code: str
    name: str
    plant_id: int
    plant_code: str
    timezone: str
    state: MachineState = MachineState.IDLE
    since: datetime | None = None
    reason_code_id: int | None = None
    reason_name: str = ""
    operation_id: int | None = None
    job_label: str = ""              # "WO-000123 Cut" of the current job
    queue_length: int = 0


class QueuedJob(BaseModel):
    operation_id: int
    work_order_id: int
    work_order_number: str
    product_code: str
    product_name: str
    name: str
    sequence: int
    status: WorkStatus
    queue_position: int | None
    quantity: int
    quantity_good: int
    quantity_scrap: int
    planned_start: datetime | None
    planned_end: datetime | None
    started_at: datetime | None
    expected_good: int               # what the plan says should be good by now
    progress_percent: int            # good / quantity, 0..100
    plan_percent: int                # expected / quantity, 0..100
    ahead_by: int                    # good - expected (negative: behind plan)
    can_start: bool = False          # the actions the operator may take on it now (action_rules.job_actions)
    can_resume: bool = False
    can_pause: bool = False
    can_complete: bool = False
    can_report: bool = False


class MachineQueue(BaseModel):
    machine: MachineTile
    current: QueuedJob | None        # the job running or paused on the machine now
    queue: list[QueuedJob]           # the other jobs, in queue order


class ReasonChoice(BaseModel):
    id: int
    code: str
    name: str
    planned: bool


def machines_for_operator(session: Session, actor: Actor) -> list[MachineTile]:
    """Active machines of the actor's plants, with their state now."""
    require(actor, Permission.RUN_JOBS)
    query = (select(Machine, Plant, MachineStatus).join(Plant, col(Plant.id) == col(Machine.plant_id))
             .join(MachineStatus, col(MachineStatus.machine_id) == col(Machine.id), isouter=True)
             .where(Machine.organization_id == actor.organization_id, col(Machine.plant_id).in_(actor.plant_ids or {-1}),
                    Machine.is_active == True)  # noqa: E712
             .order_by(Plant.code, Machine.code))
    return _tiles(session, session.exec(query).all())


def machine_tile(session: Session, actor: Actor, machine_id: int) -> MachineTile:
    machine = machine_or_not_found(session, actor, machine_id)
    status = session.get(MachineStatus, machine.id)
    return _tiles(session, [(machine, session.get(Plant, machine.plant_id), status)])[0]


def machine_by_code(session: Session, actor: Actor, scanned: str) -> MachineTile:
    """The machine whose code was typed or scanned: plain, a printed machine label
    (`TAKT1|MAC|<org>|<plant>/<code>`, see services/trace/labels.py) or a legacy `TAKT:MACHINE:<code>` QR payload."""
    require(actor, Permission.RUN_JOBS)
    code = unicodedata.normalize("NFKC", scanned or "").strip()   # a scanner or IME typing full-width finds it too
    if code.upper().startswith(labels.PREFIX + labels.SEPARATOR):
        target = labels.resolve(session, actor, code, kinds=(labels.LabelKind.MAC,))
        return machine_tile(session, actor, target.id)
    if code.upper().startswith(QR_PREFIX):
        code = code[len(QR_PREFIX):].strip()
    if not code:
        raise Invalid(t("Type or scan a machine code."), fields={"code": t("Required.")})
    found = session.exec(select(Machine).where(
        Machine.organization_id == actor.organization_id, col(Machine.plant_id).in_(actor.plant_ids or {-1}),
        Machine.is_active == True, func.upper(Machine.code) == code.upper())).all()  # noqa: E712
    if not found:
        raise NotFound(t("No machine with code {code} in your plants.",
                         code=code), fields={"code": t("Unknown machine.")})
    if len(found) > 1:
        raise Invalid(t("Machine code {code} is used in several of your plants: pick the machine from the list.",
                        code=code),
                      fields={"code": t("Ambiguous.")})
    return machine_tile(session, actor, pk(found[0]))


def machine_queue(session: Session, actor: Actor, machine_id: int, *, now: datetime) -> MachineQueue:
    """The machine, its current job and its queue, each job with progress against plan."""
    tile = machine_tile(session, actor, machine_id)
    rows = session.exec(
        select(Operation, WorkOrder, Product).join(WorkOrder, col(WorkOrder.id) == col(Operation.work_order_id))
        .join(Product, col(Product.id) == col(WorkOrder.product_id))
        .where(Operation.machine_id == tile.id, col(Operation.status).in_(QUEUED))).all()
    spec = _calendar(session, tile.plant_id)
    jobs = [_job(op, wo, product, now, spec) for op, wo, product in sorted(rows, key=lambda r: queue_key(r[0]))]
    running = {j.operation_id for j in jobs if j.status == WorkStatus.RUNNING}
    runs_jobs = actor.can(Permission.RUN_JOBS, plant_id=tile.plant_id)
    jobs = [_offer(j, machine_down=tile.state in DOWN_STATES, other_running=bool(running - {j.operation_id}),
                   runs_jobs=runs_jobs) for j in jobs]
    current = next((j for j in jobs if j.operation_id == tile.operation_id and j.status != WorkStatus.RELEASED), None)
    current = current or next((j for j in jobs if j.status == WorkStatus.RUNNING), None)
    return MachineQueue(machine=tile, current=current,
                        queue=[j for j in jobs if current is None or j.operation_id != current.operation_id])


def reason_choices(session: Session, actor: Actor, kind: ReasonKind | str) -> list[ReasonChoice]:
    """Active reason codes of one kind (downtime, scrap, pause), in their list order."""
    require(actor, Permission.RUN_JOBS)
    rows = session.exec(select(ReasonCode).where(
        ReasonCode.organization_id == actor.organization_id, ReasonCode.kind == ReasonKind(kind),
        col(ReasonCode.is_active) == True).order_by(col(ReasonCode.position), col(ReasonCode.code))).all()  # noqa: E712
    return [ReasonChoice(id=r.id, code=r.code, name=r.name, planned=r.planned) for r in rows]


def _job(op: Operation, wo: WorkOrder, product: Product, now: datetime, spec: CalendarSpec | None) -> QueuedJob:
    expected = expected_good(op, now, spec)
    return QueuedJob(
        operation_id=op.id, work_order_id=wo.id, work_order_number=wo.number, product_code=product.code,
        product_name=display_name(product), name=op.name, sequence=op.sequence, status=op.status,
        queue_position=op.queue_position, quantity=op.quantity, quantity_good=op.quantity_good,
        quantity_scrap=op.quantity_scrap, planned_start=op.planned_start, planned_end=op.planned_end,
        started_at=op.started_at, expected_good=expected, progress_percent=_percent(op.quantity_good, op.quantity),
        plan_percent=_percent(expected, op.quantity), ahead_by=op.quantity_good - expected)


def _offer(job: QueuedJob, *, machine_down: bool, other_running: bool, runs_jobs: bool) -> QueuedJob:
    """The job with the actions allowed on it now: the rules of services/shopfloor/action_rules.py, for an
    actor who runs jobs at the machine's plant."""
    allowed = job_actions(job.status, machine_down=machine_down, other_running=other_running) if runs_jobs \
        else frozenset()
    return job.model_copy(update={
        "can_start": ActionType.START_JOB in allowed, "can_resume": ActionType.RESUME_JOB in allowed,
        "can_pause": ActionType.PAUSE_JOB in allowed, "can_complete": ActionType.COMPLETE_JOB in allowed,
        "can_report": ActionType.REPORT_COUNTS in allowed})


def _percent(part: int, whole: int) -> int:
    return max(0, min(100, part * 100 // whole)) if whole > 0 else 0


def _calendar(session: Session, plant_id: int) -> CalendarSpec | None:
    try:
        return calendars.calendar_spec(session, plant_id)
    except Invalid:
        return None


def _tiles(session: Session, rows) -> list[MachineTile]:
    op_ids = {s.operation_id for _, _, s in rows if s is not None and s.operation_id}
    reason_ids = {s.reason_code_id for _, _, s in rows if s is not None and s.reason_code_id}
    labels = {op_id: f"{number} {name}" for op_id, number, name in session.exec(
        select(col(Operation.id), col(WorkOrder.number), col(Operation.name))
        .join(WorkOrder, col(WorkOrder.id) == col(Operation.work_order_id))
        .where(col(Operation.id).in_(op_ids or {-1}))).all()}
    reasons = dict(session.exec(select(ReasonCode.id, ReasonCode.name)
                                .where(col(ReasonCode.id).in_(reason_ids or {-1}))).all())
    machine_ids = [m.id for m, _, _ in rows]
    queued = dict(session.exec(select(Operation.machine_id, func.count()).where(
        col(Operation.machine_id).in_(machine_ids or [-1]), col(Operation.status).in_(QUEUED))
        .group_by(col(Operation.machine_id))).all())
    tiles = []
    for machine, plant, status in rows:
        tile = MachineTile(id=machine.id, code=machine.code, name=display_name(machine), plant_id=plant.id,
                           plant_code=plant.code, timezone=plant.timezone, queue_length=queued.get(machine.id, 0))
        if status is not None:
            tile.state, tile.since, tile.operation_id = status.state, status.since, status.operation_id
            tile.reason_code_id = status.reason_code_id
            tile.reason_name = reasons.get(status.reason_code_id, "")
            tile.job_label = labels.get(status.operation_id, "")
        tiles.append(tile)
    return tiles
