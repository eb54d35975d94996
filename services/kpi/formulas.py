"""KPI maths: pure functions over plain values, no database (DESIGN.md section 6).

    shift time              = working time of the calendar inside the window (breaks already excluded), minus
                              booked planned downtime of the machine (a preventive maintenance window), whether
                              its work starts or not
    planned stop time       = planned stops clipped to working time, overlaps merged
    stop time               = unplanned stops clipped to working time, outside planned stops, overlaps merged
    idle time               = working time with no job running and no stop (given the machine's run intervals)
    planned production time = shift time - planned stop time (- idle time when idle is "not scheduled")
    run time                = planned production time - stop time (- idle time when idle is a loss, the default)
    availability            = run time / planned production time
    performance             = ideal cycle time x total count / run time   (over 1 is flagged, never capped)
                              ideal cycle time: the machine's own rate for the product where it has one
                              (master data, machine rates), else the routing step's
    quality                 = good count / total count
    OEE                     = availability x performance x quality (= good x ideal cycle time / planned production time)

Ratios are exact `Fraction`s (availability 395/420 has no finite decimal expansion, and A x P x Q must equal
the identity exactly); `display` rounds one for a screen. Durations are `timedelta`s, exact to the microsecond.
A zero denominator gives None, never an exception. Inputs may arrive in any order and more than once: stops
are merged as intervals, and counts, scraps and order lines carrying the same `key` are taken once.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from models.resources import LossCategory
from services.core.calendar_math import CalendarSpec, Interval, merge_intervals, working_intervals

UTC = UTC
ZERO = timedelta(0)


@dataclass(frozen=True)
class Stop:
    """A downtime interval [start, end); `planned` comes from its reason code."""
    start: datetime
    end: datetime
    planned: bool
    loss_category: LossCategory | None = None
    reason: str | None = None
    key: Hashable | None = None


@dataclass(frozen=True)
class Count:
    """Good and scrap units reported at `at`, made at `ideal_cycle_seconds` per unit."""
    at: datetime
    good: int
    scrap: int
    ideal_cycle_seconds: Decimal
    key: Hashable | None = None


@dataclass(frozen=True)
class ScrapLoss:
    """Scrapped units for the loss Pareto, weighed as the ideal time spent making them."""
    quantity: int
    ideal_cycle_seconds: Decimal
    reason: str | None = None
    loss_category: LossCategory | None = None
    key: Hashable | None = None


@dataclass(frozen=True)
class OrderLine:
    promised: date
    delivered_complete_on: date | None = None
    key: Hashable | None = None


@dataclass(frozen=True)
class OeeFigures:
    shift_time: timedelta
    planned_stop_time: timedelta
    planned_production_time: timedelta
    stop_time: timedelta
    run_time: timedelta
    good: int
    scrap: int
    ideal_time: Fraction                   # seconds: sum of ideal cycle time x total count
    fully_productive_time: Fraction        # seconds: sum of ideal cycle time x good count
    availability: Fraction | None
    performance: Fraction | None
    quality: Fraction | None
    oee: Fraction | None
    idle_time: timedelta = ZERO
    idle_is_loss: bool = True              # idle is an availability loss ("idle - no job"), else not scheduled

    @property
    def total(self) -> int:
        return self.good + self.scrap

    @property
    def performance_over_100(self) -> bool:
        """Faster than ideal is a master-data problem (ideal cycle time too long): shown, not hidden."""
        return self.performance is not None and self.performance > 1


@dataclass(frozen=True)
class OtdFigures:
    due: int
    on_time: int
    ratio: Fraction | None


@dataclass(frozen=True)
class ParetoRow:
    reason: str | None
    loss_category: LossCategory | None
    minutes: Fraction
    cumulative_share: Fraction              # of all loss minutes, up to and including this row


def display(value: Fraction | Decimal | None, places: int = 1, *, percent: bool = True) -> Decimal | None:
    """A ratio rounded (half up) for a screen: 79/84 -> Decimal('94.0') as a percentage."""
    if value is None:
        return None
    exact = Fraction(value) * (100 if percent else 1)
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def machine_working(cal: CalendarSpec, start: datetime, end: datetime, booked: Iterable[Interval] = ()) -> list[Interval]:
    """Working time of one machine in [start, end): the calendar's, minus its booked planned downtime."""
    working = working_intervals(cal, _aware(start), _aware(end))
    return _subtract(working, merge_intervals([(_aware(s), _aware(e)) for s, e in booked if e > s]))


def idle_intervals(working: Sequence[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """Working time (sorted, disjoint) with no job running and no stop: `busy` is the machine's run intervals and
    its stops of any kind, in any order (services/kpi/machine_time.py reads idle from the rollups by this too)."""
    return _subtract(list(working), merge_intervals([(_aware(s), _aware(e)) for s, e in busy if e > s]))


def oee(cal: CalendarSpec, start: datetime, end: datetime, stops: Iterable[Stop], counts: Iterable[Count], *,
        runs: Iterable[Interval] | None = None, booked: Iterable[Interval] = (), idle_is_loss: bool = True) -> OeeFigures:
    """Every OEE figure for the window [start, end) of the calendar `cal`. With the machine's run intervals
    (`runs`), working time with no run and no stop is idle; without them there is no idle time."""
    start, end = _aware(start), _aware(end)
    working = machine_working(cal, start, end, booked)
    stops, counts = _once(stops), _once(counts)
    planned = _intersect(merge_intervals([_utc(s) for s in stops if s.planned and s.end > s.start]), working)
    unplanned = _subtract(_intersect(merge_intervals([_utc(s) for s in stops if not s.planned and s.end > s.start]), working),
                          planned)
    shift_time, planned_stop_time, stop_time = _length(working), _length(planned), _length(unplanned)
    idle_time = _length(idle_intervals(working, [*runs, *map(_utc, stops)])) if runs is not None else ZERO
    ppt = shift_time - planned_stop_time - (ZERO if idle_is_loss else idle_time)
    run = ppt - stop_time - (idle_time if idle_is_loss else ZERO)
    inside = [c for c in counts if start <= _aware(c.at) < end]
    for c in inside:
        if c.good < 0 or c.scrap < 0 or c.ideal_cycle_seconds < 0:
            raise ValueError("counts and ideal cycle times must not be negative")
    good, scrap = sum(c.good for c in inside), sum(c.scrap for c in inside)
    total = good + scrap
    ideal = sum((Fraction(c.ideal_cycle_seconds) * (c.good + c.scrap) for c in inside), Fraction(0))
    productive = sum((Fraction(c.ideal_cycle_seconds) * c.good for c in inside), Fraction(0))
    ppt_s, run_s = _seconds(ppt), _seconds(run)

    availability = run_s / ppt_s if ppt_s else None
    performance = ideal / run_s if run_s else None
    quality = Fraction(good, total) if total else None
    if availability is not None and performance is not None and quality is not None:
        value = availability * performance * quality
        if len({c.ideal_cycle_seconds for c in inside}) == 1:    # one ideal cycle time: the identity is exact
            assert value == productive / ppt_s, "OEE identity broken"
    elif ppt_s and total == 0:
        value = Fraction(0)              # planned to produce, produced nothing
    else:
        value = None
    return OeeFigures(shift_time, planned_stop_time, ppt, stop_time, run, good, scrap, ideal, productive,
                      availability, performance, quality, value, idle_time, idle_is_loss)


def oee_from_totals(shift_time: timedelta, planned_stop_time: timedelta, stop_time: timedelta, good: int, scrap: int,
                    ideal_time: Fraction, fully_productive_time: Fraction, idle_time: timedelta = ZERO,
                    idle_is_loss: bool = True) -> OeeFigures:
    """Every OEE figure from additive totals (rollups summed over machines and slices).

    Stop and idle times must already be clipped to working time and disjoint (one machine's stops never overlap);
    times of several machines are summed, so A, P and Q are time-weighted over the machines.
    """
    if min(good, scrap) < 0 or ideal_time < 0 or fully_productive_time < 0:
        raise ValueError("counts and ideal times must not be negative")
    ppt = shift_time - planned_stop_time - (ZERO if idle_is_loss else idle_time)
    run = ppt - stop_time - (idle_time if idle_is_loss else ZERO)
    ppt_s, run_s = _seconds(ppt), _seconds(run)
    total = good + scrap
    availability = run_s / ppt_s if ppt_s > 0 else None
    performance = Fraction(ideal_time) / run_s if run_s > 0 else None
    quality = Fraction(good, total) if total else None
    if availability is not None and performance is not None and quality is not None:
        value = availability * performance * quality
    elif ppt_s > 0 and total == 0:
        value = Fraction(0)
    else:
        value = None
    return OeeFigures(shift_time, planned_stop_time, ppt, stop_time, run, good, scrap, Fraction(ideal_time),
                      Fraction(fully_productive_time), availability, performance, quality, value, idle_time, idle_is_loss)


def fpy(units_in: int, units_right_first_time: int) -> Fraction | None:
    """First-pass yield of one step: units through it right first time / units entering it."""
    if units_in < 0 or units_right_first_time < 0 or units_right_first_time > units_in:
        raise ValueError("need 0 <= units right first time <= units in")
    return Fraction(units_right_first_time, units_in) if units_in else None


def rty(fpys: Iterable[Fraction | None]) -> Fraction | None:
    """Rolled throughput yield: the product of the FPYs along a route; None when a step has none or there are none."""
    values = list(fpys)
    if not values or any(v is None for v in values):
        return None
    out = Fraction(1)
    for v in values:
        out *= Fraction(v or 0)                      # none is None here (checked above)
    return out


def otd(lines: Iterable[OrderLine], period_start: date | None = None, period_end: date | None = None) -> OtdFigures:
    """On-time delivery: lines delivered complete on or before the promised date / lines due.

    With a period, only lines promised in [period_start, period_end) are due.
    """
    due = [line for line in _once(lines)
           if (period_start is None or line.promised >= period_start) and (period_end is None or line.promised < period_end)]
    on_time = sum(1 for line in due if line.delivered_complete_on is not None and line.delivered_complete_on <= line.promised)
    return OtdFigures(len(due), on_time, Fraction(on_time, len(due)) if due else None)


IDLE_REASON = "idle"                         # the loss Pareto's reason for idle time ("idle - no job")


def loss_pareto(stops: Iterable[Stop], scraps: Iterable[ScrapLoss] = (), *, cal: CalendarSpec | None = None,
                start: datetime | None = None, end: datetime | None = None, runs: Iterable[Interval] | None = None,
                booked: Iterable[Interval] = (), idle_is_loss: bool = True) -> list[ParetoRow]:
    """Loss minutes per reason, largest first, with the cumulative share.

    Unplanned stops count their (merged, per reason) minutes, clipped to the machine's working time when a calendar
    and window are given; planned stops are not losses. Scrap counts as the ideal time spent making the scrapped
    units. With run intervals, idle time is a loss row of its own (reason IDLE_REASON) unless it is not scheduled.
    """
    stops, scraps = _once(stops), _once(scraps)
    working: list[Interval] | None = None
    if cal is not None:
        if start is None or end is None:
            raise ValueError("a calendar needs a window")
        working = machine_working(cal, start, end, booked)
        if runs is not None and idle_is_loss:
            idle = idle_intervals(working, [*runs, *map(_utc, stops)])
            stops = [*stops, *[Stop(s, e, False, None, IDLE_REASON) for s, e in idle]]
    by_reason: dict[tuple[str | None, LossCategory | None], list[Interval]] = {}
    for s in stops:
        if not s.planned and s.end > s.start:
            by_reason.setdefault((s.reason, s.loss_category), []).append(_utc(s))
    minutes: dict[tuple[str | None, LossCategory | None], Fraction] = {}
    for group, intervals in by_reason.items():
        merged = merge_intervals(intervals)
        if working is not None:
            merged = _intersect(merged, working)
        minutes[group] = _seconds(_length(merged)) / 60
    for sc in scraps:
        if sc.quantity < 0 or sc.ideal_cycle_seconds < 0:
            raise ValueError("scrap quantities and ideal cycle times must not be negative")
        group = (sc.reason, sc.loss_category)
        minutes[group] = minutes.get(group, Fraction(0)) + Fraction(sc.ideal_cycle_seconds) * sc.quantity / 60
    rows = sorted(((g, m) for g, m in minutes.items() if m > 0),
                  key=lambda item: (-item[1], item[0][0] or "", str(item[0][1] or "")))
    total = sum((m for _g, m in rows), Fraction(0))
    out, running = [], Fraction(0)
    for (reason, category), m in rows:
        running += m
        out.append(ParetoRow(reason, category, m, running / total))
    return out


def _once(items: Iterable) -> list:
    """Items in input order, those sharing a non-None key taken once (a duplicate must be identical)."""
    seen: dict[Hashable, object] = {}
    out = []
    for item in items:
        if item.key is None:
            out.append(item)
        elif item.key in seen:
            if seen[item.key] != item:
                raise ValueError(f"two different items share the key {item.key!r}")
        else:
            seen[item.key] = item
            out.append(item)
    return out


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime refused: pass a timezone-aware datetime")
    return value.astimezone(UTC)


def _utc(stop: Stop) -> Interval:
    return (_aware(stop.start), _aware(stop.end))


def _intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Both lists sorted and disjoint."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _subtract(a: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    out = []
    for s, e in a:
        cursor = s
        for h_s, h_e in holes:
            if h_e <= cursor or h_s >= e:
                continue
            if h_s > cursor:
                out.append((cursor, h_s))
            cursor = max(cursor, h_e)
        if cursor < e:
            out.append((cursor, e))
    return out


def _length(intervals: Iterable[Interval]) -> timedelta:
    return sum((e - s for s, e in intervals), ZERO)


def _seconds(value: timedelta) -> Fraction:
    return Fraction(value // timedelta(microseconds=1), 1_000_000)


def seconds(value: timedelta) -> Fraction:
    """A duration in exact seconds."""
    return _seconds(value)


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The common part of two sorted lists of disjoint intervals."""
    return _intersect(a, b)


def subtract(a: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    """`a` (sorted, disjoint) without the sorted, disjoint `holes`."""
    return _subtract(a, holes)


def clip(intervals: Sequence[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The intervals cut to [start, end)."""
    return [(max(s, start), min(e, end)) for s, e in intervals if min(e, end) > max(s, start)]
