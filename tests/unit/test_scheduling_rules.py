"""Who may schedule where, what may be scheduled on which machine, and what every change leaves
behind: audit entries, domain events, reallocation exceptions; refusals change nothing."""
from __future__ import annotations

import threading
from itertools import pairwise

import pytest
from sqlmodel import Session, select

from models.audit import AuditEntry
from models.calendar import ShiftCalendar
from models.orders import ExceptionKind, ScheduleException, WorkStatus
from models.resources import Machine, WorkCenter
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.production import scheduling
from tests.factories.db import committed, count, fetch, snapshot
from tests.factories.production import add, make_line
from tests.factories.scheduling import floor, plans, update_operation, utc

T0 = utc(2026, 3, 2, 8, 0)


@pytest.fixture
def f(session, world):
    return floor(session, world)


@pytest.fixture
def plant2_line(session, world):
    return make_line(session, world.org_a, world.plant2, world.dept2)


def refused(engine, session, error, fn, *args, **kwargs):
    """`fn` raises `error` inside a unit of work and leaves every table as it was."""
    before = snapshot(engine)
    with pytest.raises(error) as caught:
        committed(session, fn, *args, **kwargs)
    assert snapshot(engine) == before
    return caught.value


# ---- isolation ------------------------------------------------------------------------------

def test_a_planner_of_plant_1_cannot_schedule_on_plant_2(session, engine, world, f, plant2_line):
    from tests.factories.production import make_work_order
    _wo, (op2, _drill2) = make_work_order(session, world.org_a, world.plant2, plant2_line)
    _wo, cut, _drill = f.work_order(session)
    refused(engine, session, NotFound, scheduling.assign_operation, f.planner, op2, plant2_line.machine_ids[0], now=T0)
    refused(engine, session, NotFound, scheduling.assign_operation, f.planner, cut, plant2_line.machine_ids[0], now=T0)
    refused(engine, session, NotFound, scheduling.replan_plant, f.planner, world.plant2, now=T0)
    refused(engine, session, NotFound, scheduling.plan_machine, f.planner, plant2_line.machine_ids[0], now=T0)
    refused(engine, session, NotFound, scheduling.move_operation, f.planner, op2, machine_id=f.m1, now=T0)
    with pytest.raises(NotFound):
        committed(session, scheduling.schedule_board, f.planner, world.plant2, start=T0, end=utc(2026, 3, 3))
    with pytest.raises(NotFound):
        committed(session, scheduling.unscheduled_operations, f.planner, world.plant2)


def test_an_operator_may_not_schedule(session, engine, world, f):
    operator = world.actor(world.operator1)
    _wo, cut, _drill = f.work_order(session)
    refused(engine, session, Forbidden, scheduling.assign_operation, operator, cut, f.m1, now=T0)
    refused(engine, session, Forbidden, scheduling.replan_plant, operator, world.plant1, now=T0)
    refused(engine, session, Forbidden, scheduling.plan_machine, operator, f.m1, now=T0)
    refused(engine, session, Forbidden, scheduling.move_operation, operator, cut, machine_id=f.m1, now=T0)
    with pytest.raises(Forbidden):
        committed(session, scheduling.schedule_board, operator, world.plant1, start=T0, end=utc(2026, 3, 3))


def test_another_organization_sees_nothing(session, engine, world, f):
    admin_b = world.actor(world.admin_b)
    _wo, cut, _drill = f.work_order(session)
    refused(engine, session, NotFound, scheduling.assign_operation, admin_b, cut, f.m1, now=T0)
    refused(engine, session, NotFound, scheduling.replan_plant, admin_b, world.plant1, now=T0)


def test_a_machine_of_another_plant_is_refused_even_for_an_admin(session, engine, world, f, plant2_line):
    admin = world.actor(world.admin_a)
    _wo, cut, _drill = f.work_order(session)
    error = refused(engine, session, Invalid, scheduling.assign_operation, admin, cut, plant2_line.machine_ids[0], now=T0)
    assert "another plant" in error.message and "machine_id" in error.fields


# ---- what fits where ------------------------------------------------------------------------

def test_a_machine_of_another_work_center_is_refused(session, engine, world, f):
    with transaction(session):
        wc = add(session, WorkCenter(organization_id=world.org_a, plant_id=world.plant1, department_id=world.dept1,
                                     code="PAINT", name="Paint shop"))
        painter = add(session, Machine(organization_id=world.org_a, plant_id=world.plant1, department_id=world.dept1,
                                       work_center_id=wc.id, code="PNT-1", name="Paint booth"))
    _wo, cut, _drill = f.work_order(session)
    error = refused(engine, session, Invalid, scheduling.assign_operation, f.planner, cut, painter.id, now=T0)
    assert "work center PAINT" in error.message and "Pick a machine of" in error.message
    assert "machine_id" in error.fields


def test_an_inactive_machine_is_refused(session, engine, world, f):
    with transaction(session):
        session.get(Machine, f.m2).is_active = False
    _wo, cut, _drill = f.work_order(session)
    error = refused(engine, session, Invalid, scheduling.assign_operation, f.planner, cut, f.m2, now=T0)
    assert "out of service" in error.message


@pytest.mark.parametrize("status", [WorkStatus.DONE, WorkStatus.CANCELLED])
def test_finished_operations_cannot_be_scheduled(session, engine, world, f, status):
    _wo, cut, _drill = f.work_order(session)
    update_operation(session, cut, status=status)
    error = refused(engine, session, Conflict, scheduling.assign_operation, f.planner, cut, f.m1, now=T0)
    assert status.value in error.message


def test_a_running_job_stays_on_its_machine_but_a_paused_one_may_move(session, engine, world, f):
    _wo, cut, _drill = f.work_order(session)
    committed(session, scheduling.assign_operation, f.planner, cut, f.m1, now=T0)
    update_operation(session, cut, status=WorkStatus.RUNNING, started_at=T0)
    error = refused(engine, session, Conflict, scheduling.move_operation, f.planner, cut, machine_id=f.m2,
                    reason="Breakdown", now=T0)
    assert "pause it" in error.message
    update_operation(session, cut, status=WorkStatus.PAUSED)
    moved = committed(session, scheduling.move_operation, f.planner, cut, machine_id=f.m2, reason="Breakdown", now=T0)
    assert (moved.machine_id, moved.planned_start) == (f.m2, T0)


def test_work_not_started_cannot_jump_ahead_of_a_running_job(session, engine, world, f):
    _a, running, _x = f.work_order(session)
    _b, waiting, _y = f.work_order(session)
    committed(session, scheduling.assign_operation, f.planner, running, f.m1, now=T0)
    update_operation(session, running, status=WorkStatus.RUNNING, started_at=T0)
    placed = committed(session, scheduling.assign_operation, f.planner, waiting, f.m1, position=1, now=T0)
    assert placed.queue_position == 2
    assert plans(engine, running)[running][1] == 1


def test_changing_machine_needs_a_reason(session, engine, world, f):
    _wo, cut, _drill = f.work_order(session)
    committed(session, scheduling.assign_operation, f.planner, cut, f.m1, now=T0)
    error = refused(engine, session, Invalid, scheduling.move_operation, f.planner, cut, machine_id=f.m2, reason="  ",
                    now=T0)
    assert "reason" in error.fields
    error = refused(engine, session, Invalid, scheduling.assign_operation, f.planner, cut, f.m2, now=T0)
    assert "reason" in error.fields


def test_bad_positions_and_moves_without_a_machine_are_refused(session, engine, world, f):
    _wo, cut, _drill = f.work_order(session)
    error = refused(engine, session, Invalid, scheduling.assign_operation, f.planner, cut, f.m1, position=0, now=T0)
    assert "position" in error.fields
    error = refused(engine, session, Invalid, scheduling.move_operation, f.planner, cut, position=1, now=T0)
    assert "machine_id" in error.fields


def test_a_plant_without_a_calendar_cannot_be_planned(session, engine, world, f):
    with transaction(session):
        session.get(ShiftCalendar, f.line.calendar_id).is_active = False
    _wo, cut, _drill = f.work_order(session)
    error = refused(engine, session, Invalid, scheduling.assign_operation, f.planner, cut, f.m1, now=T0)
    assert "calendar" in error.fields


# ---- what a change leaves behind ------------------------------------------------------------

def test_assigning_is_audited_and_announced_after_commit(session, engine, world, f, captured_events):
    _wo, cut, _drill = f.work_order(session)
    with transaction(session):
        scheduling.assign_operation(session, f.planner, cut, f.m1, now=T0)
        assert captured_events == []                    # nothing goes out before the commit
    names = [e.name for e in captured_events]
    assert names == ["operation.scheduled", "schedule.replanned"]
    scheduled = captured_events[0]
    assert scheduled.plant_id == world.plant1 and scheduled.actor_user_id == world.planner1
    assert scheduled.payload["operation_id"] == cut and scheduled.payload["machine_id"] == f.m1
    assert captured_events[1].payload["changed_operation_ids"] == [cut]
    entry = fetch(engine, AuditEntry, AuditEntry.entity == "operation", AuditEntry.entity_id == str(cut))[0]
    assert entry.action == "schedule" and entry.user_id == world.planner1
    assert entry.changes["machine_id"] == {"before": None, "after": f.m1}
    assert count(engine, ScheduleException) == 0


def test_a_move_to_another_machine_records_a_reallocation(session, engine, world, f, captured_events):
    _wo, cut, _drill = f.work_order(session)
    committed(session, scheduling.assign_operation, f.planner, cut, f.m1, now=T0)
    captured_events.clear()
    committed(session, scheduling.move_operation, f.planner, cut, machine_id=f.m2, reason="Tool broken", now=T0)
    assert [e.name for e in captured_events] == ["operation.moved", "schedule.replanned"]
    assert captured_events[0].payload["from_machine_id"] == f.m1
    assert captured_events[0].payload["reason"] == "Tool broken"
    (exc,) = fetch(engine, ScheduleException)
    assert (exc.kind, exc.reason, exc.operation_id, exc.user_id) == (ExceptionKind.REALLOCATED, "Tool broken", cut,
                                                                     world.planner1)
    m1, m2 = session.get(Machine, f.m1), session.get(Machine, f.m2)
    assert exc.details == {"from_machine_id": f.m1, "from_machine": m1.code, "to_machine_id": f.m2,
                           "to_machine": m2.code}
    moves = fetch(engine, AuditEntry, AuditEntry.entity == "operation", AuditEntry.action == "move")
    assert moves[0].changes["reason"] == "Tool broken"


def test_reordering_on_one_machine_records_no_exception(session, engine, world, f, captured_events):
    one, two = (f.work_order(session)[1] for _ in range(2))
    committed(session, scheduling.assign_operation, f.planner, one, f.m1, now=T0)
    committed(session, scheduling.assign_operation, f.planner, two, f.m1, now=T0)
    committed(session, scheduling.move_operation, f.planner, two, position=1, now=T0)
    assert count(engine, ScheduleException) == 0
    assert "operation.moved" in [e.name for e in captured_events]


def test_a_move_to_where_it_already_is_changes_nothing(session, engine, world, f, captured_events):
    _wo, cut, _drill = f.work_order(session)
    committed(session, scheduling.assign_operation, f.planner, cut, f.m1, now=T0)
    before, n = snapshot(engine), len(captured_events)
    committed(session, scheduling.move_operation, f.planner, cut, position=1, now=T0)
    assert snapshot(engine) == before and len(captured_events) == n


def test_replanning_is_audited_and_announced(session, engine, world, f, captured_events):
    _wo, cut, _drill = f.work_order(session)
    committed(session, scheduling.assign_operation, f.planner, cut, f.m1, now=T0)
    captured_events.clear()
    committed(session, scheduling.replan_plant, f.planner, world.plant1, now=utc(2026, 3, 2, 9, 30))
    (event,) = captured_events
    assert event.name == "schedule.replanned" and event.payload["changed_operation_ids"] == [cut]
    entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "schedule")).all()
    assert [(e.action, e.entity_id, e.changes["changed_operation_ids"]) for e in entries] == [
        ("replan", str(world.plant1), [cut])]


def test_concurrent_moves_in_one_plant_are_serialised(session, engine, world, f):
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks serialise planners on PostgreSQL; SQLite has one writer at a time anyway")
    ops = [f.work_order(session)[1] for _ in range(4)]
    for op in ops:
        committed(session, scheduling.assign_operation, f.planner, op, f.m1, now=T0)
    barrier, errors = threading.Barrier(2), []

    def move(op_id: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as s:
                barrier.wait()
                with transaction(s):
                    scheduling.move_operation(s, f.planner, op_id, position=1, now=T0)
        except Exception as error:          # collected and asserted below
            errors.append(error)
    threads = [threading.Thread(target=move, args=(op,)) for op in ops[2:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    got = plans(engine, *ops)
    assert sorted(position for _m, position, _s, _e in got.values()) == [1, 2, 3, 4]
    assert {got[ops[2]][1], got[ops[3]][1]} == {1, 2}
    windows = sorted((start, end) for _m, _p, start, end in got.values())
    assert all(a[1] <= b[0] for a, b in pairwise(windows))
