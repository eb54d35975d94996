"""Putting operations on machines: assign, move (to another machine or position), take off, and
re-plan a machine or a whole plant.

Invariants:
- PLAN at the operation's plant; rows of plants the actor cannot see are NotFound;
- an operation runs only on an active machine of its own plant and work center;
- done and cancelled operations cannot be scheduled; a running operation stays on its machine
  (pause it first); a started operation stays ahead of work that has not started;
- every change re-plans the plant's queues in the same unit of work (so both queues of a move,
  and the later steps of the work orders involved, change at once), under a lock on the plant row;
- moving an operation to another machine needs a reason and records a `reallocated` exception;
- every change is audited and announced ("operation.scheduled", "operation.moved",
  "operation.unscheduled", "schedule.replanned").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session

from models.base import pk
from models.orders import (
    ExceptionKind,
    Operation,
    ScheduleException,
    WorkOrder,
    WorkStatus,
)
from models.organization import Plant
from models.resources import Machine, WorkCenter
from services.core.access import Actor
from services.core.audit import audit
from services.core.errors import Conflict, Invalid
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.production.events import OperationMoved, OperationScheduled, OperationUnscheduled, ScheduleReplanned
from services.production.scheduling.common import (
    NOT_STARTED,
    STARTED,
    get_plant,
    queued_operations,
    require_plan,
)
from services.production.scheduling.planner import PlanResult, plan_queues

REASON_MAX = 500


class ScheduledOperation(BaseModel):
    id: int
    work_order_id: int
    sequence: int
    name: str
    status: str
    machine_id: int | None
    queue_position: int | None
    planned_start: datetime | None
    planned_end: datetime | None


class ReplanResult(BaseModel):
    plant_id: int
    machine_ids: list[int]
    changed_operation_ids: list[int]
    planned_count: int


def scheduled(op: Operation) -> ScheduledOperation:
    return ScheduledOperation(id=op.id, work_order_id=op.work_order_id, sequence=op.sequence, name=op.name,
                              status=op.status.value if hasattr(op.status, "value") else str(op.status),
                              machine_id=op.machine_id, queue_position=op.queue_position,
                              planned_start=op.planned_start, planned_end=op.planned_end)


# ---- use cases ------------------------------------------------------------------------------

def assign_operation(session: Session, actor: Actor, operation_id: int, machine_id: int, *,
                     position: int | None = None, now: datetime, reason: str = "") -> ScheduledOperation:
    """Queue an operation on a machine (at `position`, 1-based; default: last) and re-plan."""
    require_plan(actor)
    op, plant = _operation_and_plant(session, actor, operation_id)
    machine = get_scoped(session, actor, Machine, machine_id, t("Machine"))
    return _place(session, actor, op, plant, machine, position=position, reason=reason, now=now)


def assign_operations(session: Session, actor: Actor, placements: list[tuple[int, int]], *,
                      now: datetime) -> list[ScheduledOperation]:
    """Queue several operations, each last on its machine ((operation id, machine id), in that order), and re-plan
    the plant once: the queues and plans are those of one assign_operation after the other, each audited and
    announced as such (a released order's steps go on their machines in one go)."""
    require_plan(actor)
    placed: list[tuple[Operation, Plant, _Placement]] = []
    for operation_id, machine_id in placements:
        op, plant = _operation_and_plant(session, actor, operation_id)
        machine = get_scoped(session, actor, Machine, machine_id, "Machine")
        placement = _enqueue(session, actor, op, plant, machine, position=None, reason="", now=now)
        if placement is not None:
            placed.append((op, plant, placement))
    results: dict[int, PlanResult] = {}
    for op, plant, placement in placed:
        if pk(plant) not in results:
            results[pk(plant)] = plan_queues(session, plant, now=now, user_id=actor.user_id)
        _record_placed(session, actor, plant, op, _machine_of(session, op), placement, results[pk(plant)], now)
    return [scheduled(op) for op, _, _ in placed]


def move_operation(session: Session, actor: Actor, operation_id: int, *, machine_id: int | None = None,
                   position: int | None = None, reason: str = "", now: datetime) -> ScheduledOperation:
    """Move an operation to another machine and/or position (default: same machine, last)."""
    require_plan(actor)
    op, plant = _operation_and_plant(session, actor, operation_id)
    target = machine_id if machine_id is not None else op.machine_id
    if target is None:
        raise Invalid(t("This operation is not on a machine yet: pick a machine for it."),
                      fields={"machine_id": t("Required.")})
    machine = get_scoped(session, actor, Machine, target, t("Machine"))
    return _place(session, actor, op, plant, machine, position=position, reason=reason, now=now)


def unassign_operation(session: Session, actor: Actor, operation_id: int, *, reason: str = "",
                       now: datetime) -> ScheduledOperation:
    """Take an operation that has not started off its machine; the rest of the queue closes up."""
    require_plan(actor)
    op, plant = _operation_and_plant(session, actor, operation_id)
    if op.machine_id is None:
        return scheduled(op)
    if op.status not in NOT_STARTED:
        raise Conflict(t("{job} has started: it stays on its machine.",
                         job=_label(session, op)), fields={"status": t("Started.")})
    before = {"machine_id": op.machine_id, "queue_position": op.queue_position}
    op.machine_id = op.queue_position = op.planned_start = op.planned_end = None
    _stamp(op, actor, now)
    session.flush()
    result = plan_queues(session, plant, now=now, user_id=actor.user_id)
    audit(session, actor, "operation", op.id, "unschedule",
          {"machine_id": {"before": before["machine_id"], "after": None}, "reason": _reason(reason)},
          plant_id=plant.id, at=now)
    record(session, OperationUnscheduled(organization_id=plant.organization_id, operation_id=pk(op),
                                         work_order_id=op.work_order_id, machine_id=before["machine_id"],
                                         plant_id=plant.id, actor_user_id=actor.user_id, at=now))
    _announce_replan(session, actor, plant, result, now, trigger="unassign")
    return scheduled(op)


def plan_machine(session: Session, actor: Actor, machine_id: int, *, now: datetime) -> list[ScheduledOperation]:
    """Re-plan one machine's queue from `now`; other machines keep their plans."""
    require_plan(actor)
    machine = get_scoped(session, actor, Machine, machine_id, t("Machine"))
    plant = get_plant(session, actor, machine.plant_id, lock=True)
    result = plan_queues(session, plant, now=now, user_id=actor.user_id, machine_ids={pk(machine)})
    _audit_replan(session, actor, plant, result, now)
    _announce_replan(session, actor, plant, result, now, trigger="plan_machine")
    return [scheduled(op) for op in queued_operations(session, plant, [pk(machine)]).get(pk(machine), [])]


def replan_plant(session: Session, actor: Actor, plant_id: int, *, now: datetime) -> ReplanResult:
    """Re-plan every machine queue of the plant from `now`."""
    require_plan(actor)
    plant = get_plant(session, actor, plant_id, lock=True)
    result = plan_queues(session, plant, now=now, user_id=actor.user_id)
    _audit_replan(session, actor, plant, result, now)
    _announce_replan(session, actor, plant, result, now, trigger="replan")
    return ReplanResult(plant_id=plant.id, machine_ids=result.machine_ids,
                        changed_operation_ids=result.changed_operation_ids, planned_count=result.planned_count)


# ---- placing --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Placement:
    old_machine: int | None
    old_position: int | None
    reason: str


def _place(session: Session, actor: Actor, op: Operation, plant: Plant, machine: Machine, *,
           position: int | None, reason: str, now: datetime) -> ScheduledOperation:
    placement = _enqueue(session, actor, op, plant, machine, position=position, reason=reason, now=now)
    if placement is None:
        return scheduled(op)
    result = plan_queues(session, plant, now=now, user_id=actor.user_id)
    _record_placed(session, actor, plant, op, machine, placement, result, now)
    return scheduled(op)


def _enqueue(session: Session, actor: Actor, op: Operation, plant: Plant, machine: Machine, *,
             position: int | None, reason: str, now: datetime) -> _Placement | None:
    """Put `op` into the machine's queue and number the queue 1..n (None: it is there already); no plan yet."""
    _check_position(position)
    _check_schedulable(session, op)
    _check_fits(session, op, plant, machine)
    old_machine, old_position = op.machine_id, op.queue_position
    changes_machine = old_machine is not None and old_machine != machine.id
    if changes_machine:
        _check_may_leave(session, op)
        if not reason.strip():
            raise Invalid(t("Say why this operation moves to another machine."),
                          fields={"reason": t("Required when the machine changes.")})
    reason = _reason(reason)
    queue = [o for o in queued_operations(session, plant, [pk(machine)]).get(pk(machine), []) if pk(o) != pk(op)]
    index = _index(queue, op, position)
    if old_machine == machine.id and old_position == index + 1:
        return None
    queue.insert(index, op)
    op.machine_id = machine.id
    for number, queued in enumerate(queue, 1):
        queued.queue_position = number
        session.add(queued)
    _stamp(op, actor, now)
    session.flush()
    return _Placement(old_machine, old_position, reason)


def _record_placed(session: Session, actor: Actor, plant: Plant, op: Operation, machine: Machine,
                   placement: _Placement, result: PlanResult, now: datetime) -> None:
    old_machine = placement.old_machine
    if old_machine is not None and old_machine != machine.id:
        _reallocated(session, actor, op, old_machine, machine, placement.reason, now)
    _record_placement(session, actor, plant, op, old_machine, placement.old_position, placement.reason, result, now)


def _machine_of(session: Session, op: Operation) -> Machine:
    machine = session.get(Machine, op.machine_id)
    assert machine is not None                       # just queued on it
    return machine


def _record_placement(session: Session, actor: Actor, plant: Plant, op: Operation, old_machine: int | None,
                      old_position: int | None, reason: str, result: PlanResult, now: datetime) -> None:
    moved = old_machine is not None
    changes = {"machine_id": {"before": old_machine, "after": op.machine_id},
               "queue_position": {"before": old_position, "after": op.queue_position},
               "planned_start": {"before": None, "after": op.planned_start},
               "planned_end": {"before": None, "after": op.planned_end}}
    if moved:
        changes = {k: v for k, v in changes.items() if k not in ("planned_start", "planned_end")}
        changes["reason"] = reason
    changes["replanned_operation_ids"] = result.changed_operation_ids
    audit(session, actor, "operation", op.id, "move" if moved else "schedule", changes, plant_id=plant.id, at=now)
    if moved:
        record(session, OperationMoved(
            organization_id=plant.organization_id, operation_id=pk(op), work_order_id=op.work_order_id,
            machine_id=op.machine_id, queue_position=op.queue_position, planned_start=op.planned_start,
            planned_end=op.planned_end, from_machine_id=old_machine, from_position=old_position, reason=reason,
            plant_id=plant.id, actor_user_id=actor.user_id, at=now))
    else:
        record(session, OperationScheduled(
            organization_id=plant.organization_id, operation_id=pk(op), work_order_id=op.work_order_id,
            machine_id=op.machine_id, queue_position=op.queue_position, planned_start=op.planned_start,
            planned_end=op.planned_end, plant_id=plant.id, actor_user_id=actor.user_id, at=now))
    _announce_replan(session, actor, plant, result, now, trigger="move" if moved else "assign")


def _index(queue: list[Operation], op: Operation, position: int | None) -> int:
    """Where `op` goes in `queue` (without it): started work stays ahead of work not started."""
    started = sum(1 for o in queue if o.status in STARTED)
    low, high = (0, started) if op.status in STARTED else (started, len(queue))
    return high if position is None else min(max(position - 1, low), high)


def _reallocated(session: Session, actor: Actor, op: Operation, old_machine_id: int, machine: Machine,
                 reason: str, now: datetime) -> None:
    old = session.get(Machine, old_machine_id)
    session.add(ScheduleException(
        organization_id=op.organization_id, plant_id=op.plant_id, operation_id=pk(op),
        kind=ExceptionKind.REALLOCATED, reason=reason, user_id=actor.user_id, at=now,
        details={"from_machine_id": old_machine_id, "from_machine": old.code if old else None,
                 "to_machine_id": machine.id, "to_machine": machine.code}))


# ---- checks ---------------------------------------------------------------------------------

def _operation_and_plant(session: Session, actor: Actor, operation_id: int) -> tuple[Operation, Plant]:
    op = get_scoped(session, actor, Operation, operation_id, t("Operation"))
    plant = get_plant(session, actor, op.plant_id, lock=True)
    session.refresh(op)               # read it again now that the plant's schedule is ours
    return op, plant


def _check_position(position: int | None) -> None:
    if position is not None and position < 1:
        raise Invalid(t("The queue position starts at 1."), fields={"position": t("Use 1 or more.")})


def _check_schedulable(session: Session, op: Operation) -> None:
    if op.status in (WorkStatus.DONE, WorkStatus.CANCELLED):
        raise Conflict(t("{job} is {status}: it cannot be scheduled.",
                         job=_label(session, op), status=op.status.value),
                       fields={"status": t("Status: {status}.", status=op.status.value)})


def _check_may_leave(session: Session, op: Operation) -> None:
    if op.status == WorkStatus.RUNNING:
        raise Conflict(t("{job} is running on its machine: pause it before moving it to another machine.",
                         job=_label(session, op)),
                       fields={"machine_id": t("The job is running.")})


def _check_fits(session: Session, op: Operation, plant: Plant, machine: Machine) -> None:
    if machine.plant_id != op.plant_id:
        raise Invalid(t("Machine {code} is in another plant: this operation is made in plant {code2}.",
                        code=machine.code, code2=plant.code),
                      fields={"machine_id": t("Pick a machine of plant {code}.", code=plant.code)})
    if machine.work_center_id != op.work_center_id:
        wanted, actual = session.get(WorkCenter, op.work_center_id), session.get(WorkCenter, machine.work_center_id)
        assert wanted is not None and actual is not None         # foreign keys
        raise Invalid(t("Machine {machine} belongs to work center {actual}, but {job} is done at work center {wanted}. "
                        "Pick a machine of {wanted}.", machine=machine.code, actual=actual.code, job=_label(session, op),
                        wanted=wanted.code),
                      fields={"machine_id": t("Not a machine of work center {code}.", code=wanted.code)})
    if not machine.is_active:
        raise Invalid(t("Machine {code} is out of service: pick an active machine.", code=machine.code),
                      fields={"machine_id": t("Inactive machine.")})


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise Invalid(t("The reason is too long."), fields={"reason": t("Use at most {reason_max} characters.",
                                                                     reason_max=REASON_MAX)})
    return reason


def _label(session: Session, op: Operation) -> str:
    wo = session.get(WorkOrder, op.work_order_id)
    assert wo is not None                            # an operation's work order (foreign key)
    return f"Step {op.sequence} ({op.name}) of {wo.number}"


def _stamp(op: Operation, actor: Actor, now: datetime) -> None:
    op.updated_at, op.updated_by = now, actor.user_id


# ---- audit and events -----------------------------------------------------------------------

def _audit_replan(session: Session, actor: Actor, plant: Plant, result: PlanResult, now: datetime) -> None:
    audit(session, actor, "schedule", plant.id, "replan",
          {"machine_ids": result.machine_ids, "changed_operation_ids": result.changed_operation_ids,
           "planned_count": result.planned_count}, plant_id=plant.id, at=now)


def _announce_replan(session: Session, actor: Actor, plant: Plant, result: PlanResult, now: datetime, *,
                     trigger: str) -> None:
    record(session, ScheduleReplanned(organization_id=plant.organization_id, machine_ids=result.machine_ids,
                                      trigger=trigger, changed_operation_ids=result.changed_operation_ids,
                                      plant_id=plant.id, actor_user_id=actor.user_id, at=now))
