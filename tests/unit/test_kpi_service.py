"""Machine KPIs from a real shift driven through the operator actions (services/kpi/reads.py).

The plant is UTC; tests/factories/production.py' calendar: early shift 06:00-14:00, breaks 09:00-09:15 and
12:00-12:30, so the early shift of Monday 2026-03-02 has 480 - 15 - 30 = 435 working minutes.
Cut's ideal cycle time is 30 s.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from models.resources import LossCategory
from models.shopfloor import EventKind, ProductionEvent
from services.core.errors import Forbidden, NotFound
from services.kpi import reads as kpi
from tests.factories.db import fetch
from tests.factories.kpi import CHRONOLOGICAL, END, SHUFFLED, START, at, drive


def ids_of(engine, kind):
    return [e.id for e in fetch(engine, ProductionEvent, ProductionEvent.kind == kind,
                                order_by=ProductionEvent.occurred_at)]


def assert_the_shift(result: kpi.MachineOee, floor, world):
    assert (result.machine_id, result.plant_id, result.start, result.end) == (floor.machine_id, world.plant1,
                                                                              START, END)
    assert (result.shift_minutes, result.planned_stop_minutes, result.planned_production_minutes,
            result.stop_minutes, result.run_minutes) == (435.0, 45.0, 390.0, 15.0, 375.0)
    assert (result.shift_seconds, result.planned_stop_seconds, result.planned_production_seconds,
            result.stop_seconds, result.run_seconds) == ("26100/1", "2700/1", "23400/1", "900/1", "22500/1")
    assert (result.good, result.scrap, result.total) == (680, 10, 690)
    assert (result.ideal_seconds, result.fully_productive_seconds) == ("20700/1", "20400/1")
    assert (result.availability, result.performance, result.quality, result.oee) == ("25/26", "23/25", "68/69",
                                                                                     "34/39")
    assert (result.availability_percent, result.performance_percent, result.quality_percent,
            result.oee_percent) == (Decimal("96.2"), Decimal("92.0"), Decimal("98.6"), Decimal("87.2"))
    assert result.performance_over_100 is False
    assert [(s.start, s.end, s.open, s.planned, s.reason_code_id, s.loss_category) for s in result.stops] == [
        (at(8, 50), at(9, 20), False, False, floor.line.downtime_reason_id, LossCategory.BREAKDOWN),
        (at(10), at(10, 45), False, True, floor.line.planned_stop_reason_id, LossCategory.PLANNED_STOP)]


def test_a_shift_gives_every_oee_figure_exactly_with_the_events_behind_it(session, engine, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL)

    result = kpi.machine_oee(session, viewer, floor.machine_id, start=START, end=END)

    assert_the_shift(result, floor, world)
    started, ended = ids_of(engine, EventKind.DOWNTIME_STARTED), ids_of(engine, EventKind.DOWNTIME_ENDED)
    assert [(s.started_event_id, s.ended_event_id) for s in result.stops] == list(zip(started, ended, strict=True))
    assert result.stop_event_ids == sorted(started + ended)
    assert result.count_event_ids == ids_of(engine, EventKind.COUNT)


def test_the_order_of_recording_does_not_change_the_figures(session, engine, world, floor, op, viewer):
    drive(session, op, floor, SHUFFLED)
    counts = fetch(engine, ProductionEvent, ProductionEvent.kind == EventKind.COUNT, order_by=ProductionEvent.id)
    assert [c.quantity_good for c in counts] == [80, 500, 100]          # really recorded out of order

    result = kpi.machine_oee(session, viewer, floor.machine_id, start=START, end=END)

    assert_the_shift(result, floor, world)
    assert result.count_event_ids == ids_of(engine, EventKind.COUNT)     # in the order they happened


def test_loss_pareto_weighs_stops_in_working_time_and_scrap_as_ideal_time(session, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL)

    pareto = kpi.loss_pareto_for_machine(session, viewer, floor.machine_id, start=START, end=END)

    # BRK: 15 working minutes (the planned PM is no loss); DIM scrap: 10 units x 30 s = 5 min. Total 20 min.
    assert [(r.reason[:3], r.loss_category, r.minutes, r.minutes_exact, r.cumulative_share,
             r.cumulative_percent) for r in pareto.rows] == [
        ("BRK", LossCategory.BREAKDOWN, 15.0, "15/1", "3/4", Decimal("75.0")),
        ("DIM", LossCategory.PRODUCTION_REJECT, 5.0, "5/1", "1/1", Decimal("100.0"))]
    assert len(pareto.stop_event_ids) == 4 and len(pareto.count_event_ids) == 3


def test_a_downtime_open_at_the_start_of_the_window_counts_from_the_start(session, engine, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL)

    # [09:10, 14:00): the breakdown started 08:50 is still open at 09:10; it counts 09:15-09:20 = 5 min
    # (09:10-09:15 is the coffee break). Working: 09:15-12:00 (165) + 12:30-14:00 (90) = 255 min; PM 45 min.
    result = kpi.machine_oee(session, viewer, floor.machine_id, start=at(9, 10), end=END)

    assert (result.shift_minutes, result.planned_stop_minutes, result.stop_minutes, result.run_minutes) == (
        255.0, 45.0, 5.0, 205.0)
    assert [(s.start, s.end, s.planned) for s in result.stops] == [(at(8, 50), at(9, 20), False),
                                                                    (at(10), at(10, 45), True)]
    assert (result.good, result.scrap) == (580, 6)                      # the 07:30 count is outside


def test_a_downtime_still_open_runs_to_the_end_of_the_window(session, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL[:3])                        # down since 08:50, never ended

    # [06:00, 10:00): working 06:00-09:00 + 09:15-10:00 = 225 min; down 08:50-09:00 + 09:15-10:00 = 55 min.
    result = kpi.machine_oee(session, viewer, floor.machine_id, start=START, end=at(10))

    assert (result.shift_minutes, result.stop_minutes, result.run_minutes) == (225.0, 55.0, 170.0)
    assert [(s.start, s.end, s.open, s.ended_event_id) for s in result.stops] == [(at(8, 50), at(10), True, None)]


def test_an_operator_is_forbidden_and_another_organization_finds_nothing(session, world, floor, op):
    with pytest.raises(Forbidden):
        kpi.machine_oee(session, op, floor.machine_id, start=START, end=END)
    with pytest.raises(Forbidden):
        kpi.loss_pareto_for_machine(session, op, floor.machine_id, start=START, end=END)
    other = world.actor(world.admin_b)
    with pytest.raises(NotFound):
        kpi.machine_oee(session, other, floor.machine_id, start=START, end=END)
    with pytest.raises(NotFound):
        kpi.loss_pareto_for_machine(session, other, floor.machine_id, start=START, end=END)
