"""The simulator's planner keeps a plant busy (issue 18: "an hour in, six of ten machines sat down for 20-35
minutes with their jobs waiting"). The machine model and the planner run in-process on a real database through
history.record_history: the model's own clock steps through simulated time (no wall clock), exactly the code
`takt simulate` runs between its HTTP calls. A machine without a job while a job of its work center waits,
not started (on another machine, or on none yet), must get work within IDLE_LIMIT of working time."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import func, select

from models.orders import CustomerOrder, Operation, WorkStatus
from models.shopfloor import EventKind, ProductionEvent
from services.core.calendar_math import working_seconds
from services.core.db import transaction
from services.demo import history
from services.master.calendars import calendar_spec
from services.org.organizations import system_actor
from tests.conftest import T0
from tests.factories.production import make_line, make_work_order

IDLE_LIMIT = timedelta(minutes=10)      # the model looks at its queue every 5 min; a changeover is a stop, not idle


def _queue(session, ops_by_machine: dict[int, list[int]]) -> None:
    with transaction(session):
        for machine_id, op_ids in ops_by_machine.items():
            for position, op_id in enumerate(op_ids, 1):
                op = session.get(Operation, op_id)
                op.machine_id, op.queue_position = machine_id, position
                session.add(op)


def _long_jobs(session, world, line, count: int) -> list[int]:
    """`count` work orders whose only live step is a cut of about 20 hours (their drills are cancelled)."""
    cuts = []
    for _ in range(count):
        _wo, (cut, drill) = make_work_order(session, world.org_a, world.plant1, line, quantity=2400)
        with transaction(session):
            op = session.get(Operation, drill)
            op.status = WorkStatus.CANCELLED
            session.add(op)
        cuts.append(cut)
    return cuts


def idle_with_work_waiting(events: list[ProductionEvent], ops: dict[int, Operation], machine_ids: list[int],
                           spec, start: datetime, end: datetime) -> dict[int, list[tuple[datetime, datetime]]]:
    """Per machine: the spans with no job (working time longer than IDLE_LIMIT) during which a released job of
    the same work center (`ops`: the work center's), on a machine or on none yet, had not started."""
    started_at = {e.operation_id: e.occurred_at for e in events if e.kind == EventKind.JOB_STARTED}
    found: dict[int, list[tuple[datetime, datetime]]] = {}
    for machine_id in machine_ids:
        mine = [e for e in events if e.machine_id == machine_id and e.kind in (EventKind.JOB_STARTED,
                                                                                 EventKind.JOB_COMPLETED)]
        spans, free_since = [], start
        for e in mine:
            if e.kind == EventKind.JOB_STARTED:
                if free_since is not None:
                    spans.append((free_since, e.occurred_at))
                free_since = None
            else:
                free_since = e.occurred_at
        if free_since is not None:
            spans.append((free_since, end))
        for a, b in spans:
            if working_seconds(spec, a, b) <= IDLE_LIMIT.total_seconds():
                continue
            waiting = [op for op in ops.values() if op.status != WorkStatus.CANCELLED
                       and started_at.get(op.id, end) > a + IDLE_LIMIT]
            if waiting:
                found.setdefault(machine_id, []).append((a, b))
    return found


def test_a_dry_machine_takes_a_job_waiting_behind_a_running_one_at_once(session, world):
    """Three machines, two busy with a 20-hour job and one more waiting each, the third with nothing; the work
    center is queued far beyond the backlog cap, so no new order is released: the dry machine must take one of
    the waiting jobs (a supervisor would), not sit idle for hours beside them."""
    line = make_line(session, world.org_a, world.plant1, world.dept1, machines=3)
    m1, m2, m3 = line.machine_ids
    a, b, c, d = _long_jobs(session, world, line, 4)
    _queue(session, {m1: [a, b], m2: [c, d]})
    actor = system_actor(session, world.org_a)
    end = T0 + timedelta(hours=3)
    orders_before = session.exec(select(func.count()).select_from(CustomerOrder)).one()
    with transaction(session):
        history.record_history(session, actor, world.plant1, start=T0, end=end, seed=4)
    assert session.exec(select(func.count()).select_from(CustomerOrder)).one() == orders_before   # no new order

    events = session.exec(select(ProductionEvent).where(ProductionEvent.plant_id == world.plant1)
                          .order_by(ProductionEvent.occurred_at, ProductionEvent.id)).all()
    ops = {op.id: op for op in session.exec(select(Operation).where(Operation.plant_id == world.plant1)).all()}
    spec = calendar_spec(session, world.plant1)
    assert idle_with_work_waiting(events, ops, line.machine_ids, spec, T0, end) == {}
    first_start = {}
    for e in events:
        if e.kind == EventKind.JOB_STARTED:
            first_start.setdefault(e.machine_id, (e.operation_id, e.occurred_at))
    assert {machine: op for machine, (op, _) in first_start.items()} == {m1: a, m2: c, m3: b}
    assert first_start[m3][1] - T0 <= IDLE_LIMIT
    assert (ops[b].machine_id, ops[d].machine_id) == (m3, m2)          # one job moved, the other still waits


def test_a_dry_machine_gets_a_released_job_that_is_on_no_machine_yet(session, world):
    """A released job on the board's unscheduled list and a machine of its work center with nothing to do: the
    planner puts the job on that machine (before moving other machines' work or releasing new orders)."""
    line = make_line(session, world.org_a, world.plant1, world.dept1, machines=2)
    m1, m2 = line.machine_ids
    a, b, c = _long_jobs(session, world, line, 3)
    _queue(session, {m1: [a, b]})                        # c is released and on no machine
    actor = system_actor(session, world.org_a)
    end = T0 + timedelta(hours=2)
    with transaction(session):
        history.record_history(session, actor, world.plant1, start=T0, end=end, seed=6)
    events = session.exec(select(ProductionEvent).where(ProductionEvent.plant_id == world.plant1)
                          .order_by(ProductionEvent.occurred_at, ProductionEvent.id)).all()
    ops = {op.id: op for op in session.exec(select(Operation).where(Operation.plant_id == world.plant1)).all()}
    assert idle_with_work_waiting(events, ops, line.machine_ids, calendar_spec(session, world.plant1), T0, end) == {}
    assert (ops[c].machine_id, ops[c].status, ops[b].machine_id) == (m2, WorkStatus.RUNNING, m1)


def test_the_checker_finds_a_machine_left_idle_beside_waiting_work(session, world):
    """The check above is not empty by construction: a span without a job while a job waits is reported."""
    line = make_line(session, world.org_a, world.plant1, world.dept1, machines=2)
    m1, m2 = line.machine_ids
    (a,) = _long_jobs(session, world, line, 1)
    _queue(session, {m1: [a]})
    ops = {op.id: op for op in session.exec(select(Operation).where(Operation.id == a)).all()}
    spec = calendar_spec(session, world.plant1)
    start = [ProductionEvent(organization_id=world.org_a, plant_id=world.plant1, machine_id=m1, operation_id=a,
                             kind=EventKind.JOB_STARTED, client_id="x", occurred_at=T0 + timedelta(hours=1))]
    found = idle_with_work_waiting(start, ops, [m1, m2], spec, T0, T0 + timedelta(hours=2))
    assert found == {m1: [(T0, T0 + timedelta(hours=1))],      # m1 idled an hour with its own job waiting,
                     m2: [(T0, T0 + timedelta(hours=2))]}      # m2 beside it
