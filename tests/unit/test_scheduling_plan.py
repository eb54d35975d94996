"""Planned start and end times, exactly: breaks, the end of the day, weekends, holidays, the
plant's time zone, precedence across machines, moves, started work, machine rates."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.orders import Operation, WorkStatus
from models.resources import MachineProductRate
from services.core.db import transaction
from services.production import scheduling
from tests.factories.db import committed, statements
from tests.factories.scheduling import (
    add_holiday,
    floor,
    local,
    plans,
    update_operation,
    utc,
    window,
)

T0 = utc(2026, 3, 2, 8, 0)          # Monday 08:00 UTC


def assign(session, f, op_id, machine_id, *, now=T0, **kw):
    return committed(session, scheduling.assign_operation, f.planner, op_id, machine_id, now=now, **kw)


def test_duration_is_setup_plus_cycle_times_quantity_rounded_up():
    assert scheduling.duration_seconds(600, Decimal("30"), 100) == 3600
    assert scheduling.duration_seconds(0, Decimal("0.333"), 10) == 4          # 3.33 s -> 4 s
    assert scheduling.duration_seconds(5, Decimal("0.5"), 3) == 7             # 6.5 s -> 7 s
    assert scheduling.duration_seconds(0, Decimal("1.25"), 4) == 5            # exact stays exact


def test_operation_spanning_a_break_ends_after_it(session, engine, world):
    f = floor(session, world)
    _wo, cut, _drill = f.work_order(session, quantity=110)                   # 600 + 3300 = 65 min
    result = assign(session, f, cut, f.m1)
    assert (result.planned_start, result.planned_end) == (utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 20))
    assert plans(engine, cut)[cut] == (f.m1, 1, utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 20))


def test_operation_ending_exactly_at_a_break_ends_at_the_break(session, engine, world):
    f = floor(session, world)
    _wo, cut, _drill = f.work_order(session, quantity=100)                   # 60 min
    assign(session, f, cut, f.m1)
    assert window(engine, cut) == (utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0))


def test_operation_planned_in_a_break_starts_when_it_ends(session, engine, world):
    f = floor(session, world)
    _wo, cut, _drill = f.work_order(session, quantity=100)
    assign(session, f, cut, f.m1, now=utc(2026, 3, 2, 12, 10))              # lunch 12:00-12:30
    assert window(engine, cut) == (utc(2026, 3, 2, 12, 30), utc(2026, 3, 2, 13, 30))


def test_operation_spanning_the_end_of_the_day_continues_next_morning(session, engine, world):
    f = floor(session, world)
    _wo, cut, _drill = f.work_order(session, quantity=110)                   # 65 min
    assign(session, f, cut, f.m1, now=utc(2026, 3, 2, 21, 0))
    assert window(engine, cut) == (utc(2026, 3, 2, 21, 0), utc(2026, 3, 3, 6, 5))


def test_operation_spanning_a_weekend_continues_on_monday(session, engine, world):
    f = floor(session, world)
    _wo, cut, _drill = f.work_order(session, quantity=110)
    assign(session, f, cut, f.m1, now=utc(2026, 3, 6, 21, 30))              # Friday
    assert window(engine, cut) == (utc(2026, 3, 6, 21, 30), utc(2026, 3, 9, 6, 35))


def test_work_planned_on_a_saturday_waits_for_monday(session, engine, world):
    f = floor(session, world)
    _wo, cut, _drill = f.work_order(session, quantity=100)
    assign(session, f, cut, f.m1, now=utc(2026, 3, 7, 10, 0))
    assert window(engine, cut) == (utc(2026, 3, 9, 6, 0), utc(2026, 3, 9, 7, 0))


def test_a_holiday_is_skipped(session, engine, world):
    f = floor(session, world)
    add_holiday(session, f.line.calendar_id, date(2026, 3, 3))               # Tuesday
    _wo, cut, _drill = f.work_order(session, quantity=110)
    assign(session, f, cut, f.m1, now=utc(2026, 3, 2, 21, 30))
    assert window(engine, cut) == (utc(2026, 3, 2, 21, 30), utc(2026, 3, 4, 6, 35))


def test_the_plants_time_zone_is_honoured(session, engine, world):
    f = floor(session, world, zone="Europe/Berlin")                          # UTC+1 in early March
    _wo, cut, _drill = f.work_order(session, quantity=110)
    assign(session, f, cut, f.m1)                                            # 09:00 in Berlin: coffee break
    start, end = window(engine, cut)
    assert (start, end) == (local("Europe/Berlin", 2026, 3, 2, 9, 15), local("Europe/Berlin", 2026, 3, 2, 10, 20))
    assert (start, end) == (utc(2026, 3, 2, 8, 15), utc(2026, 3, 2, 9, 20))


def test_the_zone_moves_the_evening_into_the_next_morning(session, engine, world):
    f = floor(session, world, zone="Europe/Berlin")
    _wo, cut, _drill = f.work_order(session, quantity=110)
    assign(session, f, cut, f.m1, now=utc(2026, 3, 2, 20, 0))                # 21:00 in Berlin
    assert window(engine, cut) == (local("Europe/Berlin", 2026, 3, 2, 21, 0), local("Europe/Berlin", 2026, 3, 3, 6, 5))


def test_across_the_spring_dst_change_local_shift_times_hold(session, engine, world):
    f = floor(session, world, zone="Europe/Berlin")                          # clocks go forward on 29 March
    _wo, cut, _drill = f.work_order(session, quantity=110)
    assign(session, f, cut, f.m1, now=local("Europe/Berlin", 2026, 3, 27, 21, 30))   # Friday
    start, end = window(engine, cut)
    assert end == local("Europe/Berlin", 2026, 3, 30, 6, 35) == utc(2026, 3, 30, 4, 35)
    assert start == utc(2026, 3, 27, 20, 30)


def test_a_later_step_waits_for_the_earlier_step_on_another_machine(session, engine, world):
    f = floor(session, world)
    _wo, cut, drill = f.work_order(session, quantity=100)                    # cut 60 min, drill 80 min
    assign(session, f, drill, f.m2)                                          # alone: from now
    assert window(engine, drill) == (utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 35))
    assign(session, f, cut, f.m1)                                            # the drill now waits for the cut
    assert window(engine, cut) == (utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0))
    assert window(engine, drill) == (utc(2026, 3, 2, 9, 15), utc(2026, 3, 2, 10, 35))   # 09:00 is the break


def test_a_later_step_waits_for_both_its_machine_and_its_earlier_step(session, engine, world):
    f = floor(session, world)
    _a, a_cut, a_drill = f.work_order(session, quantity=100)
    _b, b_cut, _b_drill = f.work_order(session, quantity=200)                # cut 600 + 6000 s = 110 min
    assign(session, f, a_cut, f.m1)                                          # 08:00-09:00
    assign(session, f, b_cut, f.m2)                                          # 08:00-10:05
    assign(session, f, a_drill, f.m2)                                        # after b's cut on m2
    assert window(engine, b_cut) == (utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 10, 5))
    assert window(engine, a_drill) == (utc(2026, 3, 2, 10, 5), utc(2026, 3, 2, 11, 25))


def test_queued_operations_follow_each_other_in_order(session, engine, world):
    f = floor(session, world)
    ops = [f.work_order(session, quantity=q)[1] for q in (100, 100, 50)]     # 60, 60, 35 min
    for op in ops:
        assign(session, f, op, f.m1)
    assert plans(engine, *ops) == {
        ops[0]: (f.m1, 1, utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0)),
        ops[1]: (f.m1, 2, utc(2026, 3, 2, 9, 15), utc(2026, 3, 2, 10, 15)),
        ops[2]: (f.m1, 3, utc(2026, 3, 2, 10, 15), utc(2026, 3, 2, 10, 50)),
    }


def test_insert_at_a_position_pushes_the_rest_back(session, engine, world):
    f = floor(session, world)
    first, second = (f.work_order(session, quantity=100)[1] for _ in range(2))
    assign(session, f, first, f.m1)
    assign(session, f, second, f.m1, position=1)
    assert plans(engine, first, second) == {
        second: (f.m1, 1, utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0)),
        first: (f.m1, 2, utc(2026, 3, 2, 9, 15), utc(2026, 3, 2, 10, 15)),
    }


def test_moving_to_another_machine_replans_both_queues_exactly(session, engine, world):
    f = floor(session, world)
    one, two, three, four = (f.work_order(session, quantity=q)[1] for q in (100, 100, 50, 100))
    for op in (one, two, three):
        assign(session, f, op, f.m1)
    assign(session, f, four, f.m2)
    assert window(engine, three) == (utc(2026, 3, 2, 10, 15), utc(2026, 3, 2, 10, 50))
    moved = committed(session, scheduling.move_operation, f.planner, two, machine_id=f.m2, position=1,
                      reason="M1 needs its tool changed", now=T0)
    assert (moved.machine_id, moved.queue_position) == (f.m2, 1)
    assert plans(engine, one, two, three, four) == {
        one: (f.m1, 1, utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0)),
        three: (f.m1, 2, utc(2026, 3, 2, 9, 15), utc(2026, 3, 2, 9, 50)),
        two: (f.m2, 1, utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0)),
        four: (f.m2, 2, utc(2026, 3, 2, 9, 15), utc(2026, 3, 2, 10, 15)),
    }


def test_moving_earlier_and_later_on_the_same_machine(session, engine, world):
    f = floor(session, world)
    one, two = (f.work_order(session, quantity=100)[1] for _ in range(2))
    assign(session, f, one, f.m1)
    assign(session, f, two, f.m1)
    committed(session, scheduling.move_operation, f.planner, two, position=1, now=T0)
    assert plans(engine, one, two)[two] == (f.m1, 1, utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0))
    assert plans(engine, one, two)[one] == (f.m1, 2, utc(2026, 3, 2, 9, 15), utc(2026, 3, 2, 10, 15))
    committed(session, scheduling.move_operation, f.planner, two, position=2, now=T0)
    assert plans(engine, one, two)[one] == (f.m1, 1, utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0))
    committed(session, scheduling.move_operation, f.planner, one, position=99, now=T0)   # past the end: last
    assert plans(engine, one, two)[one][1] == 2


def test_a_running_operation_keeps_its_start_and_plans_its_remainder_from_now(session, engine, world):
    f = floor(session, world)
    _wo, running, _drill = f.work_order(session, quantity=100)
    _wo2, waiting, _drill2 = f.work_order(session, quantity=100)
    assign(session, f, waiting, f.m1)
    assign(session, f, running, f.m1, now=utc(2026, 3, 2, 6, 0))
    update_operation(session, running, status=WorkStatus.RUNNING, started_at=utc(2026, 3, 2, 7, 0), quantity_good=40)
    committed(session, scheduling.replan_plant, f.planner, f.plant_id, now=T0)
    # 60 units left x 30 s = 30 min from 08:00, no setup again; it goes first although queued second
    assert plans(engine, running, waiting) == {
        running: (f.m1, 1, utc(2026, 3, 2, 7, 0), utc(2026, 3, 2, 8, 30)),
        waiting: (f.m1, 2, utc(2026, 3, 2, 8, 30), utc(2026, 3, 2, 9, 45)),
    }


def test_a_paused_operation_plans_its_remainder_after_a_break(session, engine, world):
    f = floor(session, world)
    _wo, op, _drill = f.work_order(session, quantity=100)
    assign(session, f, op, f.m1, now=utc(2026, 3, 2, 6, 0))
    update_operation(session, op, status=WorkStatus.PAUSED, started_at=utc(2026, 3, 2, 6, 0), quantity_good=88)
    committed(session, scheduling.replan_plant, f.planner, f.plant_id, now=utc(2026, 3, 2, 8, 55))
    assert window(engine, op) == (utc(2026, 3, 2, 6, 0), utc(2026, 3, 2, 9, 16))    # 360 s: 5 min, break, 1 min


def test_a_machines_own_rate_overrides_the_routing(session, engine, world):
    f = floor(session, world)
    with transaction(session):
        session.add(MachineProductRate(organization_id=world.org_a, machine_id=f.m2, product_id=f.line.product_id,
                                       ideal_cycle_seconds=Decimal("20.5")))
    _a, on_m1, _x = f.work_order(session, quantity=100)
    _b, on_m2, _y = f.work_order(session, quantity=100)
    assign(session, f, on_m1, f.m1)
    assign(session, f, on_m2, f.m2)                                          # 600 + 2050 s
    assert window(engine, on_m1) == (utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0))
    assert window(engine, on_m2) == (utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 8, 44, 10))


def test_fractional_seconds_are_rounded_up(session, engine, world):
    f = floor(session, world)
    _wo, op, _drill = f.work_order(session, quantity=7)
    update_operation(session, op, setup_seconds=0, ideal_cycle_seconds=Decimal("0.333"))    # 2.331 s
    assign(session, f, op, f.m1)
    assert window(engine, op) == (utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 8, 0, 3))


def test_now_with_microseconds_starts_on_the_next_whole_second(session, engine, world):
    f = floor(session, world)
    _wo, op, _drill = f.work_order(session, quantity=100)
    assign(session, f, op, f.m1, now=utc(2026, 3, 2, 8, 0, 0, 250_000))
    assert window(engine, op) == (utc(2026, 3, 2, 8, 0, 1), utc(2026, 3, 2, 9, 15, 1))


def test_replanning_later_moves_work_not_started_to_now(session, engine, world):
    f = floor(session, world)
    one, two = (f.work_order(session, quantity=100)[1] for _ in range(2))
    assign(session, f, one, f.m1)
    assign(session, f, two, f.m1)
    result = committed(session, scheduling.replan_plant, f.planner, f.plant_id, now=utc(2026, 3, 2, 10, 0))
    assert sorted(result.changed_operation_ids) == sorted([one, two])
    assert result.planned_count == 2
    assert window(engine, one) == (utc(2026, 3, 2, 10, 0), utc(2026, 3, 2, 11, 0))
    assert window(engine, two) == (utc(2026, 3, 2, 11, 0), utc(2026, 3, 2, 12, 0))
    again = committed(session, scheduling.replan_plant, f.planner, f.plant_id, now=utc(2026, 3, 2, 10, 0))
    assert again.changed_operation_ids == []


def test_done_and_cancelled_operations_leave_the_queue(session, engine, world):
    f = floor(session, world)
    one, two, three = (f.work_order(session, quantity=100)[1] for _ in range(3))
    for op in (one, two, three):
        assign(session, f, op, f.m1)
    update_operation(session, one, status=WorkStatus.DONE, completed_at=utc(2026, 3, 2, 8, 50))
    update_operation(session, two, status=WorkStatus.CANCELLED)
    result = committed(session, scheduling.replan_plant, f.planner, f.plant_id, now=utc(2026, 3, 2, 8, 50))
    assert sorted(result.changed_operation_ids) == sorted([one, two, three])
    got = plans(engine, one, two, three)
    assert got[one][:2] == (f.m1, None) and got[two][:2] == (f.m1, None)
    assert got[three] == (f.m1, 1, utc(2026, 3, 2, 8, 50), utc(2026, 3, 2, 10, 5))


def test_a_done_earlier_step_binds_from_its_completion(session, engine, world):
    f = floor(session, world)
    _wo, cut, drill = f.work_order(session, quantity=100)
    update_operation(session, cut, status=WorkStatus.DONE, started_at=utc(2026, 3, 2, 7, 0),
                     completed_at=utc(2026, 3, 2, 10, 30), machine_id=f.m1)
    assign(session, f, drill, f.m2)
    assert window(engine, drill) == (utc(2026, 3, 2, 10, 30), utc(2026, 3, 2, 11, 50))


def test_plan_machine_keeps_other_machines_as_they_are(session, engine, world):
    f = floor(session, world)
    a, b = (f.work_order(session, quantity=100)[1] for _ in range(2))
    assign(session, f, a, f.m1)
    assign(session, f, b, f.m2)
    plan = committed(session, scheduling.plan_machine, f.planner, f.m1, now=utc(2026, 3, 2, 10, 0))
    assert [(p.id, p.planned_start, p.planned_end) for p in plan] == [(a, utc(2026, 3, 2, 10, 0), utc(2026, 3, 2, 11, 0))]
    assert window(engine, b) == (utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0))


def test_taking_an_operation_off_its_machine_closes_the_gap(session, engine, world):
    f = floor(session, world)
    one, two = (f.work_order(session, quantity=100)[1] for _ in range(2))
    assign(session, f, one, f.m1)
    assign(session, f, two, f.m1)
    committed(session, scheduling.unassign_operation, f.planner, one, reason="Material missing", now=T0)
    assert plans(engine, one, two) == {one: (None, None, None, None),
                                       two: (f.m1, 1, utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0))}


def test_queues_waiting_on_each_other_are_planned_and_the_broken_wait_shows(session, engine, world):
    f = floor(session, world)
    _a, a_cut, a_drill = f.work_order(session, quantity=100)
    _b, b_cut, b_drill = f.work_order(session, quantity=100)
    assign(session, f, a_drill, f.m1)
    assign(session, f, b_cut, f.m1)
    assign(session, f, b_drill, f.m2)
    assign(session, f, a_cut, f.m2)
    # m1: a.drill waits for a.cut (m2, 2nd) and m2: b.drill waits for b.cut (m1, 2nd): a circle,
    # broken at m1, whose first operation is planned without waiting
    assert plans(engine, a_drill, b_cut, b_drill, a_cut) == {
        a_drill: (f.m1, 1, utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 35)),
        b_cut: (f.m1, 2, utc(2026, 3, 2, 9, 35), utc(2026, 3, 2, 10, 35)),
        b_drill: (f.m2, 1, utc(2026, 3, 2, 10, 35), utc(2026, 3, 2, 11, 55)),
        a_cut: (f.m2, 2, utc(2026, 3, 2, 11, 55), utc(2026, 3, 2, 13, 25)),
    }
    board = committed(session, scheduling.schedule_board, f.planner, f.plant_id, start=utc(2026, 3, 2), end=utc(2026, 3, 3))
    flagged = {op.operation_id: op.conflicts for row in board.machines for op in row.operations if op.conflict}
    assert flagged == {a_drill: ["precedence"]}


@pytest.mark.parametrize("quantity, expected_end", [(1, utc(2026, 3, 2, 8, 10, 30)), (2, utc(2026, 3, 2, 8, 11))])
def test_a_small_quantity_is_setup_plus_its_units(session, engine, world, quantity, expected_end):
    f = floor(session, world)
    _wo, op, _drill = f.work_order(session, quantity=quantity)
    assign(session, f, op, f.m1)
    assert window(engine, op) == (T0, expected_end)
    assert session.get(Operation, op).queue_position == 1


def test_assigning_several_at_once_plans_as_one_after_the_other_with_one_replan(session, engine, world):
    f = floor(session, world)
    (_a, a_cut, a_drill), (_b, b_cut, b_drill) = f.work_order(session, quantity=100), f.work_order(session, quantity=200)
    placements = [(a_cut, f.m1), (b_cut, f.m2), (a_drill, f.m2), (b_drill, f.m1)]
    with statements(engine) as seen:
        done = committed(session, scheduling.assign_operations, f.planner, placements, now=T0)
    together = plans(engine, a_cut, a_drill, b_cut, b_drill)
    assert [op.id for op in done] == [a_cut, b_cut, a_drill, b_drill]
    assert sum("FROM shift_calendar" in s for s in seen) == 1            # the plant is planned once, not four times
    g = floor(session, world)
    (_c, c_cut, c_drill), (_d, d_cut, d_drill) = g.work_order(session, quantity=100), g.work_order(session, quantity=200)
    for op_id, machine_id in [(c_cut, g.m1), (d_cut, g.m2), (c_drill, g.m2), (d_drill, g.m1)]:
        assign(session, g, op_id, machine_id)
    one_by_one = plans(engine, c_cut, c_drill, d_cut, d_drill)
    rename = {g.m1: f.m1, g.m2: f.m2}
    assert list(together.values()) == [(rename[m], *rest) for m, *rest in one_by_one.values()]
    assert together[a_drill] == (f.m2, 2, utc(2026, 3, 2, 10, 5), utc(2026, 3, 2, 11, 25))   # after b's cut on m2
