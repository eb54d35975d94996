"""The schedule board: rows per machine, late and conflict flags, the time window, progress, and
the operations still waiting for a machine."""
from __future__ import annotations

from datetime import date

from models.orders import CustomerOrder, OrderLine, WorkOrder, WorkStatus
from models.resources import Machine, WorkCenter
from services.core.db import transaction
from services.production import scheduling
from tests.factories.db import committed
from tests.factories.org import make_user
from tests.factories.production import add
from tests.factories.scheduling import floor, local, update_operation, utc

T0 = utc(2026, 3, 2, 8, 0)
DAY = (utc(2026, 3, 2), utc(2026, 3, 3))
WEEK = (utc(2026, 3, 2), utc(2026, 3, 9))


def board(session, actor, plant_id, window=WEEK):
    return committed(session, scheduling.schedule_board, actor, plant_id, start=window[0], end=window[1])


def on_board(result):
    return {op.operation_id: op for row in result.machines for op in row.operations}


def assign(session, f, op, machine, now=T0, **kw):
    return committed(session, scheduling.assign_operation, f.planner, op, machine, now=now, **kw)


def test_rows_per_machine_with_their_queues(session, world):
    f = floor(session, world)
    wo, cut, drill = f.work_order(session, quantity=100)
    assign(session, f, cut, f.m1)
    assign(session, f, drill, f.m2)
    update_operation(session, cut, quantity_good=25, quantity_scrap=2)
    result = board(session, f.planner, f.plant_id)
    assert [row.machine_id for row in result.machines] == [f.m1, f.m2]
    assert result.timezone == "UTC" and result.plant_id == f.plant_id
    (first,) = result.machines[0].operations
    number = session.get(WorkOrder, wo).number
    assert (first.operation_id, first.work_order_number, first.name, first.sequence, first.status) == (
        cut, number, "Cut", 10, "released")
    assert (first.planned_start, first.planned_end) == (utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0))
    assert (first.quantity, first.quantity_good, first.quantity_scrap, first.progress) == (100, 25, 2, 0.25)
    assert first.product_code.startswith("FG-") and result.machines[0].work_center_code.startswith("WC")
    assert (first.late, first.conflict, result.late_count, result.conflict_count) == (False, False, 0, 0)


def test_only_operations_touching_the_window_are_shown(session, world):
    f = floor(session, world)
    today, tomorrow = (f.work_order(session, quantity=q)[1] for q in (100, 1400))  # 1400: 600 + 42000 s
    assign(session, f, today, f.m1)
    assign(session, f, tomorrow, f.m1)
    assert set(on_board(board(session, f.planner, f.plant_id, DAY))) == {today, tomorrow}
    later = (utc(2026, 3, 3, 6), utc(2026, 3, 4))                                 # it ends Tuesday 06:05
    assert set(on_board(board(session, f.planner, f.plant_id, later))) == {tomorrow}
    assert set(on_board(board(session, f.planner, f.plant_id, (utc(2026, 3, 5), utc(2026, 3, 6))))) == set()


def test_late_means_ending_after_the_due_day_in_the_plant_zone(session, world):
    f = floor(session, world, zone="Europe/Berlin")
    _a, late, _x = f.work_order(session, quantity=1700, due=date(2026, 3, 2))       # 860 min: into Tuesday
    _b, in_time, _y = f.work_order(session, quantity=10, due=date(2026, 3, 2))
    assign(session, f, late, f.m1)
    assign(session, f, in_time, f.m2)
    shown = on_board(board(session, f.planner, f.plant_id))
    assert shown[late].planned_end == local("Europe/Berlin", 2026, 3, 3, 8, 35)
    assert shown[late].due_at == utc(2026, 3, 2, 23, 0) and shown[late].late
    assert shown[in_time].due_date == date(2026, 3, 2) and not shown[in_time].late


def test_the_due_day_ends_at_local_midnight_not_utc_midnight(session, world):
    f = floor(session, world, zone="America/New_York")
    _wo, op, _drill = f.work_order(session, quantity=100, due=date(2026, 3, 2))
    assign(session, f, op, f.m1, now=local("America/New_York", 2026, 3, 2, 20, 0))   # Tuesday 01:00 UTC
    shown = on_board(board(session, f.planner, f.plant_id))[op]
    assert shown.planned_end == utc(2026, 3, 3, 2, 0)                                # 21:00 in New York
    assert shown.due_at == utc(2026, 3, 3, 5, 0) and not shown.late


def test_without_a_due_date_the_order_lines_promised_date_counts(session, world):
    f = floor(session, world)
    with transaction(session):
        order = add(session, CustomerOrder(organization_id=world.org_a, plant_id=f.plant_id, number="SO-T1",
                                           customer_id=f.line.customer_id))
        line = add(session, OrderLine(organization_id=world.org_a, order_id=order.id, line_no=1,
                                      product_id=f.line.product_id, quantity=1700, promised_date=date(2026, 3, 2)))
    wo, op, _drill = f.work_order(session, quantity=1700)
    with transaction(session):
        session.get(WorkOrder, wo).order_line_id = line.id
    assign(session, f, op, f.m1)
    shown = on_board(board(session, f.planner, f.plant_id))[op]
    assert (shown.due_date, shown.late) == (date(2026, 3, 2), True)


def test_two_jobs_running_at_once_on_one_machine_are_a_conflict(session, world):
    f = floor(session, world)
    one, two, three = (f.work_order(session, quantity=100)[1] for _ in range(3))
    for op in (one, two, three):
        assign(session, f, op, f.m1)
    update_operation(session, one, status=WorkStatus.RUNNING, started_at=utc(2026, 3, 2, 7, 0))
    update_operation(session, two, status=WorkStatus.RUNNING, started_at=utc(2026, 3, 2, 7, 30))
    committed(session, scheduling.replan_plant, f.planner, f.plant_id, now=T0)
    result = board(session, f.planner, f.plant_id)
    shown = on_board(result)
    assert shown[one].conflicts == ["overlap"] and shown[two].conflicts == ["overlap"]
    assert not shown[three].conflict and result.conflict_count == 2


def test_a_machine_moved_to_another_work_center_shows_its_queue_in_conflict(session, world):
    f = floor(session, world)
    _wo, op, _drill = f.work_order(session)
    assign(session, f, op, f.m1)
    with transaction(session):
        wc = add(session, WorkCenter(organization_id=world.org_a, plant_id=f.plant_id, department_id=f.dept_id,
                                     code="WELD", name="Welding"))
        session.get(Machine, f.m1).work_center_id = wc.id
    shown = on_board(board(session, f.planner, f.plant_id))[op]
    assert shown.conflicts == ["work_center"]


def test_inactive_machines_show_only_while_they_hold_work(session, world):
    f = floor(session, world)
    _wo, op, _drill = f.work_order(session)
    assign(session, f, op, f.m1)
    with transaction(session):
        session.get(Machine, f.m1).is_active = False
        session.get(Machine, f.m2).is_active = False
    rows = board(session, f.planner, f.plant_id).machines
    assert [(r.machine_id, r.is_active, len(r.operations)) for r in rows] == [(f.m1, False, 1)]


def test_dashboard_viewers_may_read_the_board(session, world):
    f = floor(session, world)
    viewer = world.actor(make_user(session, world.org_a, roles=["viewer"], plant_ids=[world.plant1]))
    assert board(session, viewer, f.plant_id).plant_id == f.plant_id


def test_unscheduled_operations_soonest_due_first_with_their_machines(session, world):
    f = floor(session, world)
    _a, a_cut, a_drill = f.work_order(session, quantity=10, due=date(2026, 3, 20))
    _b, b_cut, b_drill = f.work_order(session, quantity=100, due=date(2026, 3, 10))
    _c, c_cut, c_drill = f.work_order(session, quantity=10, status=WorkStatus.DONE)
    assign(session, f, b_cut, f.m1)
    rows = committed(session, scheduling.unscheduled_operations, f.planner, f.plant_id)
    assert [r.operation_id for r in rows] == [b_drill, a_cut, a_drill]
    assert rows[0].duration_seconds == 300 + 45 * 100 and rows[0].due_date == date(2026, 3, 10)
    assert [m.id for m in rows[0].machines] == [f.m1, f.m2]
