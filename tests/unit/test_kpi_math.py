"""KPI maths against hand-computed cases (services/kpi/formulas.py, DESIGN.md section 6)."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.resources import LossCategory
from services.core.calendar_math import BreakSpec, CalendarSpec, ShiftSpec
from services.kpi.formulas import (
    IDLE_REASON,
    Count,
    OrderLine,
    ScrapLoss,
    Stop,
    display,
    fpy,
    loss_pareto,
    oee,
    otd,
    rty,
)

BERLIN = ZoneInfo("Europe/Berlin")
# early shift 06:00-14:00 Berlin, breaks 09:00-09:15 and 12:00-12:30: 480 - 15 - 30 = 435 min of shift time
EARLY = CalendarSpec("Europe/Berlin", (
    ShiftSpec("Early", 360, 840, frozenset({1, 2, 3, 4, 5}), (BreakSpec(540, 555), BreakSpec(720, 750))),))
DAY, NEXT = datetime(2026, 3, 2, tzinfo=BERLIN), datetime(2026, 3, 3, tzinfo=BERLIN)   # a Monday
IDEAL = Decimal("25")


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


def minutes(n) -> timedelta:
    return timedelta(minutes=n)


PLANNED = Stop(at(10), at(10, 15), True, LossCategory.PLANNED_STOP, "MEETING", key="s1")          # 15 min
INTO_LUNCH = Stop(at(11, 45), at(12, 15), False, LossCategory.BREAKDOWN, "SPINDLE", key="s2")    # 30 min, 15 in the break
SHORT = Stop(at(13), at(13, 10), False, LossCategory.MINOR_STOP, "JAM", key="s3")                 # 10 min
STOPS = [PLANNED, INTO_LUNCH, SHORT]
# 800 good + 20 scrap in four reports
COUNTS = [Count(at(h, m), 200, 5, IDEAL, key=f"c{i}") for i, (h, m) in enumerate([(7, 0), (9, 30), (11, 0), (13, 30)])]


def test_a_full_early_shift_computed_by_hand():
    f = oee(EARLY, DAY, NEXT, STOPS, COUNTS)
    # shift time              = 480 - 15 - 30                     = 435 min
    assert f.shift_time == minutes(435)
    # planned stop time       = 10:00-10:15                       =  15 min
    assert f.planned_stop_time == minutes(15)
    # planned production time = 435 - 15                         = 420 min = 25200 s
    assert f.planned_production_time == minutes(420)
    # stop time               = 11:45-12:00 (12:00-12:15 is lunch) + 13:00-13:10 = 15 + 10 = 25 min
    assert f.stop_time == minutes(25)
    # run time                = 420 - 25                          = 395 min = 23700 s
    assert f.run_time == minutes(395)
    assert (f.good, f.scrap, f.total) == (800, 20, 820)
    # ideal time              = 25 s x 820                        = 20500 s
    assert f.ideal_time == 20500
    # availability            = 395 / 420                         = 79/84   (94.05 %)
    assert f.availability == Fraction(79, 84)
    # performance             = 20500 / 23700                     = 205/237 (86.50 %)
    assert f.performance == Fraction(205, 237)
    assert not f.performance_over_100
    # quality                 = 800 / 820                         = 40/41   (97.56 %)
    assert f.quality == Fraction(40, 41)
    # OEE = 79/84 x (5*41)/(3*79) x 40/41 = 200/252               = 50/63   (79.37 %)
    assert f.oee == Fraction(50, 63)
    assert [display(v) for v in (f.availability, f.performance, f.quality, f.oee)] == [
        Decimal("94.0"), Decimal("86.5"), Decimal("97.6"), Decimal("79.4")]


def test_oee_equals_good_count_times_ideal_cycle_over_planned_production_time():
    f = oee(EARLY, DAY, NEXT, STOPS, COUNTS)
    # 800 x 25 s / 25200 s = 20000 / 25200 = 50/63
    assert f.fully_productive_time == 20000
    assert f.oee == f.availability * f.performance * f.quality == Fraction(800 * 25, 420 * 60)


def test_a_window_clips_the_shift_and_counts_outside_it_are_left_out():
    f = oee(EARLY, at(8), at(10), [], COUNTS)
    # 08:00-10:00 less the 09:00-09:15 break = 105 min; only the 09:30 report (200 + 5) is inside
    assert (f.shift_time, f.run_time, f.total) == (minutes(105), minutes(105), 205)


def test_overlapping_stops_are_not_counted_twice():
    stops = [Stop(at(10, 30), at(10, 50), False, LossCategory.BREAKDOWN, "A"),
             Stop(at(10, 40), at(11), False, LossCategory.BREAKDOWN, "B"),
             Stop(at(10, 45), at(10, 55), False, LossCategory.MINOR_STOP, "C"),
             Stop(at(7), at(7, 20), True, LossCategory.PLANNED_STOP, "P"),
             Stop(at(7, 10), at(7, 30), False, LossCategory.BREAKDOWN, "D")]       # half inside the planned stop
    f = oee(EARLY, DAY, NEXT, stops, COUNTS)
    assert f.planned_stop_time == minutes(20)              # 07:00-07:20
    assert f.stop_time == minutes(30 + 10)                 # 10:30-11:00 once, 07:20-07:30 outside the planned stop
    assert f.run_time == minutes(435 - 20 - 40)


def test_stops_in_a_break_or_outside_the_shift_cost_nothing():
    stops = [Stop(at(9), at(9, 15), False, LossCategory.BREAKDOWN, "X"),
             Stop(at(15), at(16), False, LossCategory.BREAKDOWN, "Y"),
             Stop(at(12, 10), at(12, 20), True, LossCategory.PLANNED_STOP, "Z")]
    f = oee(EARLY, DAY, NEXT, stops, [])
    assert (f.planned_stop_time, f.stop_time, f.run_time) == (timedelta(0), timedelta(0), minutes(435))


@settings(max_examples=60, deadline=None)
@given(st.permutations(STOPS + COUNTS), st.lists(st.sampled_from(STOPS + COUNTS), max_size=10), st.randoms())
def test_order_and_duplicates_do_not_change_the_figures(items, duplicates, rnd):
    mixed = list(items) + duplicates
    rnd.shuffle(mixed)
    stops = [i for i in mixed if isinstance(i, Stop)]
    counts = [i for i in mixed if isinstance(i, Count)]
    assert oee(EARLY, DAY, NEXT, stops, counts) == oee(EARLY, DAY, NEXT, STOPS, COUNTS)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(300, 900), st.integers(1, 120), st.booleans()), max_size=8),
       st.integers(0, 1000), st.integers(0, 100), st.integers(1, 60))
def test_figures_stay_consistent_for_any_stops(raw, good, scrap, ideal):
    stops = [Stop(DAY + minutes(s), DAY + minutes(s + n), planned) for s, n, planned in raw]
    f = oee(EARLY, DAY, NEXT, stops, [Count(at(8), good, scrap, Decimal(ideal))])
    assert timedelta(0) <= f.run_time <= f.planned_production_time <= f.shift_time == minutes(435)
    assert f.planned_production_time == f.shift_time - f.planned_stop_time
    assert f.run_time == f.planned_production_time - f.stop_time
    if f.planned_production_time and (f.run_time or good + scrap == 0):      # else counts while down: no OEE
        assert f.oee == Fraction(good * ideal) / Fraction(f.planned_production_time.total_seconds())
    # a stop split into two overlapping halves gives the same figures
    halves = [Stop(s.start, s.start + (s.end - s.start) * 2 / 3, s.planned) for s in stops] + \
             [Stop(s.start + (s.end - s.start) / 3, s.end, s.planned) for s in stops]
    assert oee(EARLY, DAY, NEXT, halves, [Count(at(8), good, scrap, Decimal(ideal))]) == f


def test_no_working_time_gives_none_not_an_error():
    sunday = datetime(2026, 3, 1, tzinfo=BERLIN)
    f = oee(EARLY, sunday, sunday + timedelta(days=1), [], [Count(sunday + timedelta(hours=8), 5, 0, IDEAL)])
    assert f.shift_time == f.planned_production_time == f.run_time == timedelta(0)
    assert (f.availability, f.performance, f.oee) == (None, None, None)
    assert f.quality == 1


def test_a_shift_fully_planned_off_has_no_availability():
    f = oee(EARLY, DAY, NEXT, [Stop(at(6), at(14), True, LossCategory.PLANNED_STOP)], [])
    assert f.planned_production_time == timedelta(0)
    assert (f.availability, f.performance, f.quality, f.oee) == (None, None, None, None)


def test_a_shift_down_all_the_time_has_zero_availability_and_zero_oee():
    f = oee(EARLY, DAY, NEXT, [Stop(at(6), at(14), False, LossCategory.BREAKDOWN)], [])
    assert (f.run_time, f.availability, f.performance, f.quality, f.oee) == (timedelta(0), 0, None, None, 0)


def test_counts_reported_while_down_give_no_performance_and_no_oee():
    f = oee(EARLY, DAY, NEXT, [Stop(at(6), at(14), False, LossCategory.BREAKDOWN)], COUNTS)
    assert (f.availability, f.performance, f.quality, f.oee) == (0, None, Fraction(40, 41), None)
    assert not f.performance_over_100


def test_running_without_counts_is_zero_performance():
    f = oee(EARLY, DAY, NEXT, [], [])
    assert (f.availability, f.performance, f.quality, f.oee) == (1, 0, None, 0)


def test_performance_over_100_percent_is_flagged_not_capped():
    counts = [Count(c.at, c.good, c.scrap, Decimal("40"), key=c.key) for c in COUNTS]
    f = oee(EARLY, DAY, NEXT, STOPS, counts)
    # 40 s x 820 / 23700 s = 32800 / 23700 = 328/237 (138.4 %)
    assert f.performance == Fraction(328, 237)
    assert f.performance_over_100
    # OEE = 800 x 40 / 25200 = 80/63, shown as it is
    assert f.oee == Fraction(80, 63)


def test_mixed_ideal_cycle_times_weigh_each_count():
    counts = [Count(at(7), 100, 0, Decimal("30")), Count(at(8), 100, 20, Decimal("12.5"))]
    f = oee(EARLY, DAY, NEXT, [], counts)
    # 100 x 30 + 120 x 12.5 = 4500 s over 435 min = 26100 s
    assert f.performance == Fraction(4500, 26100)
    assert f.oee == f.availability * f.performance * f.quality


def test_naive_times_and_negative_counts_are_refused():
    with pytest.raises(ValueError):
        oee(EARLY, datetime(2026, 3, 2), NEXT, [], [])
    with pytest.raises(ValueError):
        oee(EARLY, DAY, NEXT, [], [Count(at(8), -1, 0, IDEAL)])
    with pytest.raises(ValueError):
        oee(EARLY, DAY, NEXT, [], [Count(at(8), 1, 0, IDEAL, key="k"), Count(at(8), 2, 0, IDEAL, key="k")])


def test_fpy_and_rty_exact():
    assert fpy(820, 800) == Fraction(40, 41)
    assert fpy(0, 0) is None
    with pytest.raises(ValueError):
        fpy(10, 11)
    assert rty([Fraction(9, 10), Fraction(19, 20), Fraction(1)]) == Fraction(171, 200)
    assert rty([fpy(100, 90), fpy(90, 81)]) == Fraction(81, 100)
    assert rty([Fraction(1, 2), None]) is None
    assert rty([]) is None


def test_otd_counts_complete_lines_on_or_before_the_promise():
    promised = date(2026, 3, 2)
    lines = [OrderLine(promised, date(2026, 3, 1), key=1), OrderLine(promised, promised, key=2),
             OrderLine(promised, date(2026, 3, 3), key=3), OrderLine(promised, None, key=4),
             OrderLine(date(2026, 4, 1), date(2026, 3, 1), key=5)]
    all_lines = otd(lines)
    assert (all_lines.due, all_lines.on_time, all_lines.ratio) == (5, 3, Fraction(3, 5))
    march = otd(lines + lines[:2], date(2026, 3, 1), date(2026, 4, 1))
    assert (march.due, march.on_time, march.ratio) == (4, 2, Fraction(1, 2))
    assert otd([]).ratio is None


def test_loss_pareto_orders_reasons_by_minutes_with_cumulative_share():
    stops = [Stop(at(7), at(7, 30), False, LossCategory.BREAKDOWN, "SPINDLE"),
             Stop(at(7, 20), at(7, 40), False, LossCategory.BREAKDOWN, "SPINDLE"),      # overlaps: 40 min in all
             Stop(at(8), at(8, 20), False, LossCategory.SETUP_ADJUSTMENT, "CHANGEOVER"),
             Stop(at(10), at(11), True, LossCategory.PLANNED_STOP, "MEETING")]          # planned: not a loss
    scraps = [ScrapLoss(24, IDEAL, "BURR", LossCategory.PRODUCTION_REJECT)]            # 24 x 25 s = 10 min
    rows = loss_pareto(stops, scraps)
    assert [(r.reason, r.minutes, r.cumulative_share) for r in rows] == [
        ("SPINDLE", 40, Fraction(4, 7)), ("CHANGEOVER", 20, Fraction(6, 7)), ("BURR", 10, 1)]
    assert rows[0].loss_category is LossCategory.BREAKDOWN
    assert loss_pareto([], []) == []


def test_loss_pareto_clips_to_working_time_when_given_a_calendar():
    rows = loss_pareto(STOPS, [], cal=EARLY, start=DAY, end=NEXT)
    # SPINDLE 11:45-12:15 counts 15 min (the rest is lunch), JAM 10 min; the planned MEETING is no loss
    assert [(r.reason, r.minutes) for r in rows] == [("SPINDLE", 15), ("JAM", 10)]
    assert rows[-1].cumulative_share == 1


# ----- idle time and booked planned downtime (issue 18, issue 10) ----------------------------
# EARLY shift (435 min), one machine:
#   booked maintenance window 12:45-13:15 (its work starts late: planned stop PM 13:00-13:30)
#       -> working time 06:00-09:00, 09:15-12:00, 12:30-12:45, 13:15-14:00 = 180 + 165 + 15 + 45 = 405 min
#   runs 06:30-09:30, 10:00-13:00, 13:30-14:00; breakdown 09:20-10:10 (50 min, no break inside)
#   planned stop = PM inside working time = 13:15-13:30 = 15 min (13:00-13:15 lies in the booked window)
#   idle = working - runs - stops = 06:00-06:30 = 30 min (09:30-10:00 is the breakdown's)
#   idle as a loss:     planned production 405 - 15 = 390, run 390 - 50 - 30 = 310 min
#                       A = 310/390 = 31/39, P = 600 x 25 s / 18600 s = 25/31, OEE = 15000/23400 = 25/39
#   idle not scheduled: planned production 405 - 15 - 30 = 360, run 360 - 50 = 310 min
#                       A = 310/360 = 31/36, OEE = 15000/21600 = 25/36
IDLE_RUNS = [(at(6, 30), at(9, 30)), (at(10), at(13)), (at(13, 30), at(14))]
IDLE_STOPS = [Stop(at(9, 20), at(10, 10), False, LossCategory.BREAKDOWN, "BRK"),
              Stop(at(13), at(13, 30), True, LossCategory.PLANNED_STOP, "PM")]
BOOKED = [(at(12, 45), at(13, 15))]
IDLE_COUNTS = [Count(at(11), 600, 0, IDEAL)]


def test_idle_is_an_availability_loss_and_a_booked_window_leaves_working_time():
    f = oee(EARLY, DAY, NEXT, IDLE_STOPS, IDLE_COUNTS, runs=IDLE_RUNS, booked=BOOKED)
    assert (f.shift_time, f.planned_stop_time, f.planned_production_time, f.stop_time, f.idle_time, f.run_time) == (
        minutes(405), minutes(15), minutes(390), minutes(50), minutes(30), minutes(310))
    assert (f.availability, f.performance, f.quality, f.oee) == (Fraction(31, 39), Fraction(25, 31), 1,
                                                                 Fraction(25, 39))
    rows = loss_pareto(IDLE_STOPS, cal=EARLY, start=DAY, end=NEXT, runs=IDLE_RUNS, booked=BOOKED)
    assert [(r.reason, r.minutes) for r in rows] == [("BRK", 50), (IDLE_REASON, 30)]


def test_idle_not_scheduled_leaves_planned_production_time():
    f = oee(EARLY, DAY, NEXT, IDLE_STOPS, IDLE_COUNTS, runs=IDLE_RUNS, booked=BOOKED, idle_is_loss=False)
    assert (f.planned_production_time, f.idle_time, f.run_time) == (minutes(360), minutes(30), minutes(310))
    assert (f.availability, f.oee) == (Fraction(31, 36), Fraction(25, 36))
    rows = loss_pareto(IDLE_STOPS, cal=EARLY, start=DAY, end=NEXT, runs=IDLE_RUNS, booked=BOOKED, idle_is_loss=False)
    assert [r.reason for r in rows] == ["BRK"]


def test_a_machine_without_any_job_is_idle_all_shift_not_running():
    f = oee(EARLY, DAY, NEXT, [], [], runs=[])
    assert (f.idle_time, f.run_time, f.availability, f.oee) == (minutes(435), timedelta(0), 0, 0)
    assert oee(EARLY, DAY, NEXT, [], []).run_time == minutes(435)      # without run intervals: no idle (as before)


_SPAN = st.tuples(st.integers(300, 900), st.integers(1, 180))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(300, 900), st.integers(1, 120), st.booleans()), max_size=6),
       st.lists(_SPAN, max_size=6), st.lists(_SPAN, max_size=2), st.integers(0, 1000), st.integers(1, 60),
       st.booleans())
def test_idle_run_and_stops_add_up_to_working_time_for_any_runs(raw, runs, booked, good, ideal, idle_is_loss):
    stops = [Stop(DAY + minutes(s), DAY + minutes(s + n), planned) for s, n, planned in raw]
    run_spans = [(DAY + minutes(s), DAY + minutes(s + n)) for s, n in runs]
    held = [(DAY + minutes(s), DAY + minutes(s + n)) for s, n in booked]
    counts = [Count(at(8), good, 0, Decimal(ideal))]
    f = oee(EARLY, DAY, NEXT, stops, counts, runs=run_spans, booked=held, idle_is_loss=idle_is_loss)
    no_idle = oee(EARLY, DAY, NEXT, stops, counts, booked=held)
    assert f.shift_time == no_idle.shift_time <= minutes(435)
    assert (f.planned_stop_time, f.stop_time) == (no_idle.planned_stop_time, no_idle.stop_time)
    assert f.planned_stop_time + f.stop_time + f.idle_time + f.run_time == f.shift_time
    assert f.planned_production_time == f.shift_time - f.planned_stop_time - (timedelta(0) if idle_is_loss
                                                                                else f.idle_time)
    assert f.run_time <= no_idle.run_time
    # the run time is working time covered by a run and no stop
    if not stops:
        covered = oee(EARLY, DAY, NEXT, [Stop(s, e, False) for s, e in run_spans], [], booked=held).stop_time
        assert f.run_time == covered
    # idle is a loss row of the Pareto exactly when it is a loss
    rows = {r.reason: r.minutes for r in loss_pareto(stops, cal=EARLY, start=DAY, end=NEXT, runs=run_spans,
                                                      booked=held, idle_is_loss=idle_is_loss)}
    assert rows.get(IDLE_REASON, 0) == (Fraction(int(f.idle_time.total_seconds()), 60) if idle_is_loss else 0)
