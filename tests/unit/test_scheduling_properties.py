"""Property tests: whatever the queues, quantities, setup and cycle times, time zone, holidays and
moment of planning, the operations of one machine never overlap, every plan starts in working
time and holds exactly its duration of working time (so it never starts or ends inside a break
or outside a shift), queue positions are 1..n, and a later step never starts before the earlier
step of its work order ends unless the board shows that conflict."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from models.calendar import CalendarHoliday
from models.orders import Operation
from services.core.calendar_math import next_working_instant, working_seconds
from services.core.db import transaction
from services.master.calendars import calendar_spec
from services.production import scheduling
from tests.factories.db import committed
from tests.factories.org import actor_of, make_department, make_plant
from tests.factories.production import make_line, make_work_order
from tests.factories.scheduling import update_operation, utc

T0 = utc(2026, 3, 2, 0, 0)
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]
_codes = itertools.count(1)

cycles = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("90"), places=3)
steps = st.tuples(st.integers(0, 3600), cycles)                       # setup seconds, cycle seconds
orders = st.tuples(st.integers(1, 400), steps, steps)                 # quantity, cut, drill
placements = st.tuples(st.integers(0, 2), st.one_of(st.none(), st.integers(1, 8)))   # machine index, position


@st.composite
def scenarios(draw):
    wos = draw(st.lists(orders, min_size=1, max_size=5))
    ops = [(w, s) for w in range(len(wos)) for s in range(2) if draw(st.booleans()) or s == 0]
    return {
        "zone": draw(st.sampled_from(ZONES)),
        "machines": draw(st.integers(1, 3)),
        "orders": wos,
        "placements": [(op, draw(placements)) for op in draw(st.permutations(ops))],
        "moves": draw(st.lists(st.tuples(st.integers(0, 9), placements), max_size=2)),
        "now": T0 + timedelta(minutes=draw(st.integers(0, 14 * 1440)), seconds=draw(st.integers(0, 59))),
        "holidays": draw(st.lists(st.integers(0, 20), max_size=3, unique=True)),
    }


def build(session: Session, world, sc) -> tuple:
    plant_id = make_plant(session, world.org_a, f"PX{next(_codes)}", timezone=sc["zone"])
    dept_id = make_department(session, world.org_a, plant_id)
    line = make_line(session, world.org_a, plant_id, dept_id, machines=sc["machines"])
    with transaction(session):
        for offset in sc["holidays"]:
            session.add(CalendarHoliday(calendar_id=line.calendar_id, day=date(2026, 3, 2) + timedelta(days=offset)))
    op_ids = []
    for quantity, cut, drill in sc["orders"]:
        _wo, ids = make_work_order(session, world.org_a, plant_id, line, quantity=quantity)
        for op_id, (setup, cycle) in zip(ids, (cut, drill), strict=True):
            update_operation(session, op_id, setup_seconds=setup, ideal_cycle_seconds=cycle)
        op_ids.append(ids)
    return plant_id, line, op_ids, actor_of(session, world.admin_a)


def expected_seconds(op: Operation) -> int:
    total = Decimal(op.setup_seconds) + Decimal(op.ideal_cycle_seconds) * op.quantity
    return int(total) + (1 if total != int(total) else 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(sc=scenarios())
def test_plans_never_overlap_and_hold_exactly_their_working_time(session, world, sc):
    plant_id, line, op_ids, actor = build(session, world, sc)
    now = sc["now"]
    placed = []
    for (w, s), (m, position) in sc["placements"]:
        machine = line.machine_ids[m % len(line.machine_ids)]
        committed(session, scheduling.assign_operation, actor, op_ids[w][s], machine, position=position, now=now)
        placed.append(op_ids[w][s])
    for pick, (m, position) in sc["moves"]:
        op_id = placed[pick % len(placed)]
        machine = line.machine_ids[m % len(line.machine_ids)]
        committed(session, scheduling.move_operation, actor, op_id, machine_id=machine, position=position,
                  reason="Rebalance", now=now)

    cal = calendar_spec(session, plant_id)
    session.expire_all()
    ops = session.exec(select(Operation).where(Operation.plant_id == plant_id)).all()
    by_id = {op.id: op for op in ops}
    queued = [op for op in ops if op.machine_id is not None]
    assert sorted(op.id for op in queued) == sorted(placed)
    earliest = now.replace(microsecond=0)
    for machine in line.machine_ids:
        queue = sorted((op for op in queued if op.machine_id == machine), key=lambda o: o.queue_position)
        assert [op.queue_position for op in queue] == list(range(1, len(queue) + 1))
        for before, after in pairwise(queue):
            assert before.planned_end <= after.planned_start
        for op in queue:
            seconds = expected_seconds(op)
            assert op.planned_start >= earliest
            assert next_working_instant(cal, op.planned_start) == op.planned_start
            assert working_seconds(cal, op.planned_start, op.planned_end) == seconds
            if seconds:
                assert working_seconds(cal, op.planned_end - timedelta(seconds=1), op.planned_end) == 1
            else:
                assert op.planned_end == op.planned_start

    board = committed(session, scheduling.schedule_board, actor, plant_id, start=now - timedelta(days=1),
                      end=now + timedelta(days=400))
    shown = {op.operation_id: op for row in board.machines for op in row.operations}
    assert set(shown) == {op.id for op in queued}
    for cut_id, drill_id in op_ids:
        cut, drill = by_id[cut_id], by_id[drill_id]
        if cut.machine_id and drill.machine_id and drill.planned_start < cut.planned_end:
            assert "precedence" in shown[drill.id].conflicts
    assert not any("overlap" in op.conflicts for op in shown.values())
