"""KPI reads from the rollups (services/kpi/reads.py) against hand-computed figures and against the raw-event reference.

The shift of tests/unit/test_kpi_service.py on machine 1 of a two-machine line (plant UTC, early shift 06:00-14:00,
breaks 09:00-09:15 and 12:00-12:30, Cut 30 s), hand-computed for [06:00, 14:00):
    shift 435 min, planned stop 45 min (PM 10:00-10:45), planned production 390 min,
    unplanned stop 15 min (BRK 08:50-09:20 less the 09:00-09:15 break), run 375 min;
    good 680, scrap 10; A = 25/26, P = 23/25, Q = 68/69, OEE = 34/39.
"""
from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from models.base import utcnow
from models.calendar import Shift
from models.orders import CustomerOrder, Operation, OrderLine, OrderStatus, StatusChange
from models.resources import LossCategory
from models.shopfloor import EventKind
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound
from services.kpi import reads as kpi
from services.kpi import rollup_rebuild, rollups
from services.master import work_centers
from tests.factories.db import committed
from tests.factories.kpi import CHRONOLOGICAL, END, SHUFFLED, START, at, drive, insert_events, rollup_state

SHIFT_FIGURES = (435.0, 45.0, 390.0, 15.0, 375.0, 680, 10, 690, "20700/1", "20400/1", "25/26", "23/25", "68/69",
                 "34/39", Decimal("96.2"), Decimal("92.0"), Decimal("98.6"), Decimal("87.2"))


def shift_figures(f) -> tuple:
    return (f.shift_minutes, f.planned_stop_minutes, f.planned_production_minutes, f.stop_minutes, f.run_minutes,
            f.good, f.scrap, f.total, f.ideal_seconds, f.fully_productive_seconds, f.availability, f.performance,
            f.quality, f.oee, f.availability_percent, f.performance_percent, f.quality_percent, f.oee_percent)


def test_the_summary_of_a_machine_gives_every_figure_of_the_shift_exactly(session, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL)
    summary = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=END,
                              machine_id=floor.machine_id, now=utcnow())
    assert summary.machine_count == 1
    assert shift_figures(summary.figures) == SHIFT_FIGURES
    assert (summary.figures.shift_seconds, summary.figures.planned_production_seconds,
            summary.figures.run_seconds) == ("26100/1", "23400/1", "22500/1")
    assert summary.figures.utilisation_percent == Decimal("86.2")          # 375 / 435
    assert summary.suspicious_rates == [] and summary.figures.performance_over_100 is False
    raw = kpi.machine_oee(session, viewer, floor.machine_id, start=START, end=END)
    assert (raw.availability, raw.performance, raw.quality, raw.oee) == ("25/26", "23/25", "68/69", "34/39")


def test_the_plant_summary_counts_the_machine_without_a_job_as_idle_not_running(session, world, floor, op, viewer):
    drive(session, op, floor, SHUFFLED)
    summary = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=END, now=utcnow())
    f = summary.figures
    # two machines x 435 min; the one without a job is idle for its 435 min (an availability loss), not running
    assert (summary.machine_count, f.shift_minutes, f.planned_production_minutes, f.run_minutes, f.idle_minutes) == (
        2, 870.0, 825.0, 375.0, 435.0)
    assert (f.availability, f.performance, f.quality, f.oee) == ("5/11", "23/25", "68/69", "68/165")
    assert [m.machine_id for m in summary.machines] == floor.line.machine_ids
    assert shift_figures(summary.machines[0].figures) == SHIFT_FIGURES
    assert summary.machines[1].figures.oee == "0/1"
    dept = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=END, department_id=world.dept1,
                           now=utcnow())
    assert dept.figures == f


def shift_specs(floor) -> list[tuple]:
    """The shift's counts and downtime as raw events (kind, at, good, scrap, reason), as a gateway sends them."""
    r = floor.line
    return [(EventKind.JOB_STARTED, at(6), 0, 0, None), (EventKind.JOB_COMPLETED, at(14), 0, 0, None),
            (EventKind.COUNT, at(7, 30), 100, 4, r.scrap_reason_id), (EventKind.DOWNTIME_STARTED, at(8, 50), 0, 0,
            r.downtime_reason_id), (EventKind.DOWNTIME_ENDED, at(9, 20), 0, 0, None),
            (EventKind.DOWNTIME_STARTED, at(10), 0, 0, r.planned_stop_reason_id),
            (EventKind.DOWNTIME_ENDED, at(10, 45), 0, 0, None), (EventKind.COUNT, at(11), 500, 6, r.scrap_reason_id),
            (EventKind.COUNT, at(13, 30), 80, 0, None)]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_same_events_in_random_order_and_batches_give_the_same_numbers(session, engine, world, floor, viewer,
                                                                            seed):
    specs = shift_specs(floor)
    rng = random.Random(seed)
    rng.shuffle(specs)
    while specs:
        batch = specs[:rng.randint(1, 3)]
        specs = specs[len(batch):]
        with transaction(session):
            rollups.apply(session, insert_events(session, floor, world, batch))
    summary = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=END,
                              machine_id=floor.machine_id, now=utcnow())
    assert shift_figures(summary.figures) == SHIFT_FIGURES
    state = rollup_state(engine)
    with transaction(session):
        rollup_rebuild.rebuild(session, plant_id=world.plant1)
    assert rollup_state(engine) == state


def test_duplicates_are_counted_once(session, engine, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL)
    before = rollup_state(engine)
    # the operator app sends every count and downtime again with the same client ids: nothing changes
    from models.shopfloor import ProductionEvent
    from services.shopfloor import operator as shopfloor
    from services.shopfloor.action_rules import ActionType, ShopfloorAction
    kinds = {EventKind.COUNT: ActionType.REPORT_COUNTS, EventKind.DOWNTIME_STARTED: ActionType.START_DOWNTIME,
             EventKind.DOWNTIME_ENDED: ActionType.END_DOWNTIME}
    for e in session.exec(select(ProductionEvent)).all():
        if e.kind in kinds:
            with transaction(session):
                result = shopfloor.perform(session, op, e.machine_id, ShopfloorAction(
                    type=kinds[e.kind], client_id=e.client_id, good=e.quantity_good, scrap=e.quantity_scrap,
                    reason_code_id=e.reason_code_id, occurred_at=e.occurred_at), now=at(14))
            assert result.recorded is False
    assert rollup_state(engine) == before
    summary = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=END,
                              machine_id=floor.machine_id, now=utcnow())
    assert shift_figures(summary.figures) == SHIFT_FIGURES


def test_a_shift_filter_and_shift_buckets(session, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL)
    shifts = session.exec(select(Shift).where(Shift.calendar_id == floor.line.calendar_id)).all()
    early = next(s for s in shifts if s.start_minute == 6 * 60)
    day = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=at(0), end=at(24),
                          machine_id=floor.machine_id, shift_id=early.id, now=utcnow())
    assert shift_figures(day.figures) == SHIFT_FIGURES
    trend = kpi.oee_trend(session, viewer, plant_id=world.plant1, start=at(0), end=at(24), bucket="shift",
                          machine_id=floor.machine_id, now=utcnow())
    first = trend.points[0]
    assert (first.start, first.end, first.label) == (START, END, f"2026-03-02 {early.name}")
    assert shift_figures(first.figures) == SHIFT_FIGURES


def test_hour_day_and_week_buckets_add_up_to_the_window(session, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL)
    hours = kpi.oee_trend(session, viewer, plant_id=world.plant1, start=START, end=END, bucket="hour",
                          machine_id=floor.machine_id, now=utcnow())
    assert [p.start for p in hours.points] == [at(h) for h in range(6, 14)]
    by_hour = {p.start.hour: p.figures for p in hours.points}
    assert (by_hour[8].stop_minutes, by_hour[9].stop_minutes, by_hour[9].shift_minutes) == (10.0, 5.0, 45.0)
    assert (by_hour[10].planned_stop_minutes, by_hour[12].shift_minutes) == (45.0, 30.0)
    assert sum(p.figures.good for p in hours.points) == 680
    assert sum(p.figures.run_minutes for p in hours.points) == 375.0
    days = kpi.oee_trend(session, viewer, plant_id=world.plant1, start=at(0), end=at(24 * 7), bucket="day",
                         machine_id=floor.machine_id, now=utcnow())
    assert days.points[0].label == "2026-03-02" and shift_figures(days.points[0].figures)[5:8] == (680, 10, 690)
    week = kpi.oee_trend(session, viewer, plant_id=world.plant1, start=at(0), end=at(24 * 7), bucket="week",
                         machine_id=floor.machine_id, now=utcnow())
    assert [p.label for p in week.points] == ["2026-W10"] and week.points[0].figures.good == 680
    with pytest.raises(Invalid):
        kpi.oee_trend(session, viewer, plant_id=world.plant1, start=START, end=END, bucket="fortnight", now=utcnow())


def test_loss_pareto_from_rollups(session, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL)
    pareto = kpi.loss_pareto(session, viewer, plant_id=world.plant1, start=START, end=END,
                             machine_id=floor.machine_id, now=utcnow())
    # speed loss: run 375 min - ideal 345 min = 30 min; BRK 15 min; DIM scrap 10 x 30 s = 5 min. Total 50 min.
    assert [(r.kind, r.reason_code_id, r.loss_category, r.minutes_exact, r.cumulative_percent) for r in pareto.rows] == [
        ("speed", None, LossCategory.REDUCED_SPEED, "30/1", Decimal("60.0")),
        ("stop", floor.line.downtime_reason_id, LossCategory.BREAKDOWN, "15/1", Decimal("90.0")),
        ("scrap", floor.line.scrap_reason_id, LossCategory.PRODUCTION_REJECT, "5/1", Decimal("100.0"))]
    assert [(c.loss_category, c.minutes) for c in pareto.six_big_losses] == [
        (LossCategory.REDUCED_SPEED, 30.0), (LossCategory.BREAKDOWN, 15.0), (LossCategory.PRODUCTION_REJECT, 5.0)]


def test_an_open_stop_runs_to_now_inside_working_time(session, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL[:3])                  # down since 08:50, never ended
    summary = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=END,
                              machine_id=floor.machine_id, now=at(10))
    # 08:50-09:00 + 09:15-10:00 = 55 min down so far
    assert summary.figures.stop_minutes == 55.0
    later = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=at(10),
                            machine_id=floor.machine_id, now=at(13))
    raw = kpi.machine_oee(session, viewer, floor.machine_id, start=START, end=at(10))
    assert (later.figures.shift_minutes, later.figures.stop_minutes, later.figures.run_minutes) == (
        raw.shift_minutes, raw.stop_minutes, raw.run_minutes) == (225.0, 55.0, 170.0)


def test_performance_over_100_is_flagged_with_the_product_never_capped(session, world, floor, viewer):
    with transaction(session):
        op_row = session.get(Operation, floor.cut_id)
        op_row.ideal_cycle_seconds = Decimal("600")             # 10 minutes a piece: far too long
        session.add(op_row)
    with transaction(session):
        rollups.apply(session, insert_events(session, floor, world, [(EventKind.JOB_STARTED, at(6), 0, 0, None),
                                                                     (EventKind.COUNT, at(7), 60, 0, None)]))
    summary = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=at(6), end=at(8),
                              machine_id=floor.machine_id, now=utcnow())
    assert summary.figures.performance == "5/1" and summary.figures.performance_percent == Decimal("500.0")
    assert summary.figures.performance_over_100 is True
    [flag] = summary.suspicious_rates
    assert (flag.machine_id, [(p.product_id, p.ideal_cycle_seconds, p.units) for p in flag.products]) == (
        floor.machine_id, [(floor.line.product_id, [Decimal("600")], 60)])


def test_fpy_per_step_and_rty_per_product(session, world, floor, viewer):
    with transaction(session):
        rollups.apply(session, insert_events(session, floor, world, [
            (EventKind.COUNT, at(7), 90, 10, floor.line.scrap_reason_id), (EventKind.COUNT, at(8), 8, 2, None)]))
        drill = insert_events(session, floor, world, [(EventKind.COUNT, at(9), 95, 5, None)])
        drill[0].operation_id = floor.drill_id
        session.flush()
        rollups.apply(session, drill)
    report = kpi.fpy_by_product_step(session, viewer, plant_id=world.plant1, start=START, end=END, now=utcnow())
    [product] = report.products
    assert [(s.step, s.units_in, s.right_first_time, s.fpy) for s in product.steps] == [
        (10, 110, 98, "49/55"), (20, 100, 95, "19/20")]
    assert product.rty == "931/1100" and product.rty_percent == Decimal("84.6")


def test_otd_by_line_and_by_order(session, world, floor, viewer):
    with transaction(session):
        for n, promised in enumerate((date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 10)), start=1):
            order = CustomerOrder(organization_id=world.org_a, plant_id=world.plant1, number=f"SO-OTD{n}",
                                  customer_id=floor.line.customer_id, status=OrderStatus.RELEASED)
            session.add(order)
            session.flush()
            session.add(OrderLine(organization_id=world.org_a, order_id=order.id, line_no=1,
                                  product_id=floor.line.product_id, quantity=10, promised_date=promised))
    with transaction(session):
        lines = session.exec(select(OrderLine).order_by(OrderLine.promised_date)).all()
        lines[0].quantity_delivered, lines[0].delivered_at = lines[0].quantity, datetime(2026, 3, 2, 15, tzinfo=UTC)
        lines[1].quantity_delivered, lines[1].delivered_at = lines[1].quantity, datetime(2026, 3, 4, 8, tzinfo=UTC)
        third = session.get(CustomerOrder, lines[2].order_id)
        third.status = OrderStatus.DONE
        session.add(StatusChange(organization_id=world.org_a, entity="customer_order", entity_id=third.id,
                                 from_status="released", to_status="done", at=datetime(2026, 3, 9, tzinfo=UTC)))
        session.add_all([lines[0], lines[1], third])
    trend = kpi.otd_trend(session, viewer, plant_id=world.plant1, start=date(2026, 3, 2), end=date(2026, 3, 16),
                          bucket="week", now=datetime(2026, 3, 20, tzinfo=UTC))
    assert [(p.label, p.due, p.on_time, p.ratio) for p in trend.points] == [("2026-W10", 2, 1, "1/2"),
                                                                           ("2026-W11", 1, 1, "1/1")]
    assert [(line.promised_date, line.delivered_on, line.on_time) for line in trend.lines] == [
        (date(2026, 3, 2), date(2026, 3, 2), True), (date(2026, 3, 3), date(2026, 3, 4), False),
        (date(2026, 3, 10), date(2026, 3, 9), True)]
    orders = kpi.otd_trend(session, viewer, plant_id=world.plant1, start=date(2026, 3, 2), end=date(2026, 3, 16),
                           bucket="week", now=datetime(2026, 3, 20, tzinfo=UTC), by="order")
    assert (orders.due, orders.on_time, orders.percent) == (3, 2, Decimal("66.7"))
    with transaction(session):
        third.status = OrderStatus.RELEASED                  # not done after all: the 10th has not come yet
        session.add(third)
    early = kpi.otd_trend(session, viewer, plant_id=world.plant1, start=date(2026, 3, 2), end=date(2026, 3, 16),
                          bucket="week", now=datetime(2026, 3, 5, tzinfo=UTC))
    assert (early.due, early.on_time) == (2, 1)


def test_events_behind_a_figure(session, engine, world, floor, op, viewer):
    drive(session, op, floor, CHRONOLOGICAL)
    counts = kpi.events_behind(session, viewer, plant_id=world.plant1, start=START, end=END, kind="scrap", now=utcnow())
    assert [(e.kind, e.quantity_scrap) for e in counts.events] == [("count", 4), ("count", 6)]
    stops = kpi.events_behind(session, viewer, plant_id=world.plant1, start=at(9, 10), end=at(9, 30),
                              machine_id=floor.machine_id, kind="downtime", now=utcnow())
    assert [(e.kind, e.occurred_at) for e in stops.events] == [("downtime_started", at(8, 50)),
                                                               ("downtime_ended", at(9, 20))]
    everything = kpi.events_behind(session, viewer, plant_id=world.plant1, start=START, end=END, limit=3, now=utcnow())
    assert len(everything.events) == 3 and everything.truncated is True


def test_wip_counts_open_work(session, world, floor, viewer):
    wip = kpi.wip_summary(session, viewer, plant_id=world.plant1)
    assert (wip.work_orders_released, wip.operations_queued, wip.units_open) == (1, 2, 1000)


def test_tenancy_and_roles(session, world, floor, op, viewer):
    other = world.actor(world.admin_b)
    for read in (kpi.kpi_summary, kpi.oee_trend, kpi.loss_pareto, kpi.fpy_by_product_step, kpi.events_behind):
        with pytest.raises(NotFound):
            read(session, other, plant_id=world.plant1, start=START, end=END, now=utcnow())
        with pytest.raises(Forbidden):
            read(session, op, plant_id=world.plant1, start=START, end=END, now=utcnow())
    with pytest.raises(NotFound):
        kpi.otd_trend(session, other, plant_id=world.plant1, start=date(2026, 3, 2), end=date(2026, 3, 9), now=utcnow())
    with pytest.raises(NotFound):
        kpi.wip_summary(session, other, plant_id=world.plant1)
    with pytest.raises(NotFound):                              # a machine of plant 1 asked through plant 2
        kpi.kpi_summary(session, world.actor(world.admin_a), plant_id=world.plant2, start=START, end=END,
                        machine_id=floor.machine_id, now=utcnow())
    with pytest.raises(Invalid):
        kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=END, end=START, now=utcnow())


def test_the_current_shift_for_current_shift_oee(session, world, floor, viewer):
    window = kpi.current_shift(session, viewer, plant_id=world.plant1, now=at(9, 5))
    assert (window.start, window.end) == (START, END)
    assert (window.name, kpi.current_shift(session, viewer, plant_id=world.plant1, now=at(23))) == ("Early", None)


def test_performance_uses_the_machine_s_own_rate_for_the_product(session, world, floor, op, viewer):
    # Machine 1 makes Cut's product at its own 25 s (the routing says 30 s); machine 2's own 40 s makes nothing.
    admin = world.actor(world.admin_a)
    with transaction(session):
        for machine_id, seconds in ((floor.machine_id, "25"), (floor.other_machine_id, "40")):
            work_centers.set_machine_rate(session, admin, machine_id, work_centers.MachineRateInput(
                product_id=floor.line.product_id, ideal_cycle_seconds=seconds), now=utcnow())
    drive(session, op, floor, CHRONOLOGICAL)
    # ideal 25 s x 690 = 17250 s over run 22500 s: P = 23/30; fully productive 25 s x 680 = 17000 s over
    # planned production 23400 s: OEE = 85/117 (= 25/26 x 23/30 x 68/69)
    summary = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=END,
                              machine_id=floor.machine_id, now=utcnow())
    f = summary.figures
    assert (f.ideal_seconds, f.fully_productive_seconds, f.availability, f.performance, f.quality, f.oee) == (
        "17250/1", "17000/1", "25/26", "23/30", "68/69", "85/117")
    assert (f.performance_percent, f.oee_percent) == (Decimal("76.7"), Decimal("72.6"))
    raw = kpi.machine_oee(session, viewer, floor.machine_id, start=START, end=END)
    assert (raw.ideal_seconds, raw.performance, raw.oee) == ("17250/1", "23/30", "85/117")
    with transaction(session):
        rollup_rebuild.rebuild(session, plant_id=world.plant1)
    rebuilt = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=END,
                              machine_id=floor.machine_id, now=utcnow())
    assert rebuilt.figures.performance == "23/30"


def test_idle_shows_in_the_pareto_the_trend_and_per_machine_and_a_plant_may_count_it_as_not_scheduled(
        session, world, floor, op, viewer):
    """Machine 1 runs its job the whole shift; machine 2 has no job: its 435 working minutes are idle.
    Idle as a loss (default): the plant Pareto has an idle row of 435 min; each working hour of the trend holds
    machine 2's working minutes as idle (06:00-07:00: 60 min, 09:00-10:00: 45 min). Not scheduled: planned
    production 825 - 435 = 390 min, run 375, A = 375/390 = 25/26, OEE = 20400 s / 23400 s = 34/39, no idle row."""
    from services.kpi import settings as kpi_settings
    drive(session, op, floor, CHRONOLOGICAL)
    other = floor.line.machine_ids[1]
    pareto = kpi.loss_pareto(session, viewer, plant_id=world.plant1, start=START, end=END, now=utcnow())
    assert [(r.kind, r.reason, r.minutes_exact) for r in pareto.rows if r.kind == "idle"] == [("idle", "idle", "435/1")]
    assert pareto.rows[0].kind == "idle"                                   # the largest loss of the plant
    hours = kpi.oee_trend(session, viewer, plant_id=world.plant1, start=START, end=END, bucket="hour", now=utcnow())
    assert [p.figures.idle_minutes for p in hours.points] == [60.0, 60.0, 60.0, 45.0, 60.0, 60.0, 30.0, 60.0]
    summary = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=END, now=utcnow())
    assert [m.figures.idle_minutes for m in summary.machines] == [0.0, 435.0]
    raw = kpi.machine_oee(session, viewer, other, start=START, end=END)
    assert (raw.idle_seconds, raw.run_seconds, raw.availability) == ("26100/1", "0/1", "0/1")

    with pytest.raises(Forbidden):
        committed(session, kpi_settings.set_plant_settings, viewer, world.plant1, idle_convention="not_scheduled",
                  overproduction_tolerance_percent=10, now=utcnow())
    with pytest.raises(Invalid):
        committed(session, kpi_settings.set_plant_settings, world.actor(world.admin_a), world.plant1,
                  idle_convention="sometimes", overproduction_tolerance_percent=10, now=utcnow())
    committed(session, kpi_settings.set_plant_settings, world.actor(world.admin_a), world.plant1,
              idle_convention="not_scheduled", overproduction_tolerance_percent=10, now=utcnow())
    f = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=START, end=END, now=utcnow()).figures
    assert (f.planned_production_minutes, f.run_minutes, f.idle_minutes, f.idle_is_loss) == (390.0, 375.0, 435.0,
                                                                                             False)
    assert (f.availability, f.oee) == ("25/26", "34/39")
    pareto = kpi.loss_pareto(session, viewer, plant_id=world.plant1, start=START, end=END, now=utcnow())
    assert [r.kind for r in pareto.rows if r.kind == "idle"] == []
    assert kpi.machine_oee(session, viewer, other, start=START, end=END).availability is None  # nothing planned
