"""Forward scheduling of a plant's machine queues inside its shift calendar.

Every queue is planned in its order; an operation that has not started begins no earlier than
`now`, the end of the operation before it on the same machine, and the end of every earlier step
(lower sequence) of its work order, wherever that step runs; it then takes its duration of
working time (services/calendar_math.add_working_time, walked for many operations at once by
scheduling/clock.WorkingClock: breaks, non-working days and holidays skipped). A started
(running or paused) operation keeps its actual start and plans the remaining quantity from `now`.

Steps of one work order on different machines make the queues depend on each other, so queues
are planned together: a machine's next operation is planned once every earlier step of its
work order is planned. Queues that wait on each other in a circle (step 20 of A before step 10
of B on one machine, step 20 of B before step 10 of A on another) cannot all be honoured: the
circle is broken at the first waiting machine (by machine id), whose operation is planned
without its unplanned predecessor; the board then shows it as a conflict.

Invariants: plans are whole seconds, in UTC; one machine's planned intervals never overlap;
queue positions are 1..n without gaps; only rows whose plan changed are written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from models.base import pk
from models.orders import Operation, WorkStatus
from models.organization import Plant
from services.core.calendar_math import CalendarSpec
from services.master.calendars import calendar_spec
from services.production.scheduling.clock import WorkingClock
from services.production.scheduling.common import (
    STARTED,
    CycleTimes,
    ceil_second,
    predecessors,
    queued_operations,
    steps_of,
    stored_end,
    work_orders_by_id,
)


@dataclass
class PlanResult:
    machine_ids: list[int]
    changed_operation_ids: list[int] = field(default_factory=list)
    planned_count: int = 0


def plan_queues(session: Session, plant: Plant, *, now: datetime, user_id: int | None,
                machine_ids: set[int] | None = None) -> PlanResult:
    """Plan the queues of `machine_ids` (default: every machine of the plant) and write the plans.

    Operations on other machines keep their stored plans and bind their successors through them.
    """
    queues = queued_operations(session, plant, machine_ids)
    cleared = _clear_finished(session, plant, machine_ids, now=now, user_id=user_id)
    if not queues:
        session.flush()
        return PlanResult(machine_ids=sorted(machine_ids or []), changed_operation_ids=cleared)
    cal = calendar_spec(session, pk(plant))
    ops = [op for q in queues.values() for op in q]
    wos = work_orders_by_id(session, {op.work_order_id for op in ops})
    planner = _Planner(cal, ceil_second(now), queues, steps_of(session, wos.keys()),
                       {wo_id: wo.product_id for wo_id, wo in wos.items()},
                       CycleTimes(session, plant.organization_id, queues.keys()))
    plans = planner.run()
    changed = list(cleared)
    for _machine_id, queue in sorted(queues.items()):
        for position, op in enumerate(queue, 1):
            start, end = plans[pk(op)]
            if (op.queue_position, op.planned_start, op.planned_end) != (position, start, end):
                op.queue_position, op.planned_start, op.planned_end = position, start, end
                op.updated_at, op.updated_by = now, user_id
                session.add(op)
                changed.append(pk(op))
    session.flush()
    return PlanResult(machine_ids=sorted(set(queues) | set(machine_ids or [])), changed_operation_ids=changed,
                      planned_count=len(ops))


def _clear_finished(session: Session, plant: Plant, machine_ids: set[int] | None, *, now: datetime,
                    user_id: int | None) -> list[int]:
    """Done and cancelled operations leave their machine's queue (their machine stays, as history)."""
    query = select(Operation).where(Operation.plant_id == plant.id, col(Operation.queue_position).is_not(None),
                                    col(Operation.status).in_((WorkStatus.DONE, WorkStatus.CANCELLED)))
    if machine_ids is not None:
        query = query.where(col(Operation.machine_id).in_(list(machine_ids) or [-1]))
    cleared = []
    for op in session.exec(query).all():
        op.queue_position, op.updated_at, op.updated_by = None, now, user_id
        session.add(op)
        cleared.append(pk(op))
    return cleared


class _Planner:
    def __init__(self, cal: CalendarSpec, now: datetime, queues: dict[int, list[Operation]],
                 steps: dict[int, list[Operation]], products: dict[int, int], cycles: CycleTimes):
        self.clock, self.now, self.queues, self.steps = WorkingClock(cal, now), now, queues, steps
        self.products, self.cycles = products, cycles
        self.pending = {op.id for q in queues.values() for op in q}
        self.plans: dict[int, tuple[datetime, datetime]] = {}
        self.cursor = {machine_id: now for machine_id in queues}

    def run(self) -> dict[int, tuple[datetime, datetime]]:
        heads = {machine_id: 0 for machine_id in self.queues}
        machines = sorted(self.queues)
        while self.pending:
            progressed = False
            for m in machines:
                queue = self.queues[m]
                while heads[m] < len(queue) and self._ready(queue[heads[m]]):
                    self._plan(queue[heads[m]], m)
                    heads[m] += 1
                    progressed = True
            if not progressed:          # queues wait on each other in a circle: break it
                m = next(m for m in machines if heads[m] < len(self.queues[m]))
                self._plan(self.queues[m][heads[m]], m)
                heads[m] += 1
        return self.plans

    def _predecessors(self, op: Operation) -> list[Operation]:
        return predecessors(self.steps, op)

    def _ready(self, op: Operation) -> bool:
        return op.status in STARTED or all(p.id not in self.pending for p in self._predecessors(op))

    def _end_of(self, pred: Operation) -> datetime | None:
        if pred.id in self.plans:
            return self.plans[pred.id][1]
        if pred.id in self.pending:
            return None
        return stored_end(pred)

    def _plan(self, op: Operation, machine_id: int) -> None:
        seconds = self.cycles.seconds_left(op, machine_id, self.products[op.work_order_id])
        ready_at = self.cursor[machine_id]
        if op.status in STARTED:
            end = self.clock.add(ready_at, seconds) if seconds else ready_at
            start = op.started_at or min(self.clock.add(ready_at, 0), end)
        else:
            bounds = [ready_at] + [ceil_second(e) for e in map(self._end_of, self._predecessors(op)) if e is not None]
            start = self.clock.add(max(bounds), 0)
            end = self.clock.add(start, seconds)
        self.plans[pk(op)] = (start, end)
        self.cursor[machine_id] = max(end, ready_at)
        self.pending.discard(op.id)
