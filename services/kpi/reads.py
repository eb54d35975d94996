"""KPI reads for dashboards, exports and the API (DESIGN.md section 6), all from the rollups (models/kpi_rollup.py),
never from a scan of the raw events:

    kpi_summary(session, actor, *, plant_id, start, end, department_id=None, machine_id=None, shift_id=None,
                now) -> KpiSummary                 A, P, Q, OEE with every intermediate figure, per machine too
    oee_trend(..., bucket="hour"|"shift"|"day"|"week") -> OeeTrend   buckets in the plant's time zone
    loss_pareto(...) -> LossPareto                 loss minutes (and stop counts) by reason, and as the six big losses
    fpy_by_product_step(...) -> YieldReport        FPY per product and routing step, RTY per product
    otd_trend(session, actor, *, plant_id, start: date, end: date, bucket=, by="line"|"order", now) -> OtdTrend
    wip_summary(session, actor, *, plant_id) -> WipSummary
    current_shift(session, actor, *, plant_id, now) -> ShiftWindow | None   the shift running at `now`
    events_behind(..., kind=None|"count"|"scrap"|"downtime", reason_code_id=None) -> EventsBehind
                                                   the raw events behind a figure (the one place that reads them)
    machine_oee / loss_pareto_for_machine          one machine straight from raw events (services/kpi/raw.py)

Definitions: a machine's working time = the plant calendar's (shifts minus breaks and holidays) minus its booked
planned downtime (preventive maintenance windows, services/kpi/planned_downtime.py); idle = working time with no
job running and no stop; planned production time = working time minus planned stops (minus idle when the plant
counts idle as not scheduled); run time = planned production time - unplanned stops (in working time) - idle
(when idle is an availability loss, the default; the loss Pareto shows it as its own row, kind "idle"); availability =
run / planned production time; performance = ideal cycle time x total count / run time, where a count's ideal
cycle time is its machine's own rate for the product when the machine has one, else the routing step's (over 100% is
flagged per machine with the products and ideal cycle times behind it, never capped); quality = good / total;
OEE = A x P x Q. Over several machines the times are summed (each machine has the calendar's working time).
Everything needs VIEW_DASHBOARDS at the plant; a DISPLAY token may read `kpi_summary` of its plant.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import table_of
from models.catalog import Product
from models.kpi_rollup import KpiCountSlice
from models.orders import Operation
from models.resources import LossCategory
from services.core.access import Actor, Permission, require
from services.core.display_names import display_name
from services.core.errors import Invalid
from services.core.messages import t
from services.kpi import formulas as kpi_math
from services.kpi import loss_splits
from services.kpi.delivery import otd_trend, wip_summary
from services.kpi.drill_down import EVENT_KINDS, MAX_EVENTS, events_behind
from services.kpi.machine_time import machine_times
from services.kpi.raw import (
    MachineLossPareto,
    MachineOee,
    loss_pareto_for_machine,
    machine_oee,
)
from services.kpi.read_models import (
    CategoryRow,
    KpiSummary,
    LossPareto,
    LossRow,
    MachineKpi,
    OeeRead,
    OeeTrend,
    ProductRate,
    StopRank,
    SuspiciousRate,
    TrendPoint,
    exact,
)
from services.kpi.rollup_slices import floor_hour
from services.kpi.scope import (
    Scope,
    Totals,
    count_sums,
    is_planned,
    open_stop_pieces,
    open_stops,
    reasons,
    resolve_scope,
    shift_occurrences,
    stop_counts,
    stop_sums,
    total_us,
)
from services.kpi.yields import fpy_by_product_step
from services.master.work_centers import cycle_overrides
from services.org.settings import settings_for

__all__ = ["BUCKETS", "EVENT_KINDS", "MAX_EVENTS",
           "KpiSummary", "ShiftWindow", "current_shift", "MachineLossPareto", "MachineOee", "events_behind",
           "fpy_by_product_step", "kpi_summary", "machine_figures",
           "loss_pareto", "loss_pareto_for_machine", "machine_oee", "oee_trend", "otd_trend",
           "wip_summary"]

BUCKETS = ("hour", "shift", "day", "week")


def figures_of(tot: Totals, shift_us: int, idle_is_loss: bool = True) -> kpi_math.OeeFigures:
    """The figures of summed totals; `shift_us` is the calendar's working time (booked downtime comes off it)."""
    return kpi_math.oee_from_totals(
        timedelta(microseconds=shift_us - tot.booked_us), timedelta(microseconds=tot.planned_stop_us),
        timedelta(microseconds=tot.stop_us), tot.good, tot.scrap, Fraction(tot.ideal_ms, 1000), Fraction(tot.good_ideal_ms, 1000),
        timedelta(microseconds=tot.idle_us), idle_is_loss)


# ----- summary -------------------------------------------------------------------------------

def machine_figures(session: Session, actor: Actor, *, plant_id: int, start: datetime, end: datetime,
                    department_id: int | None = None, machine_id: int | None = None, shift_id: int | None = None,
                    now: datetime) -> list[MachineKpi]:
    """The summary's figures per machine: VIEW_DASHBOARDS only (a display token reads the summary alone)."""
    result = kpi_summary(session, actor, plant_id=plant_id, start=start, end=end, department_id=department_id,
                         machine_id=machine_id, shift_id=shift_id, now=now)
    require(actor, Permission.VIEW_DASHBOARDS, plant_id=plant_id)
    return result.machines


def kpi_summary(session: Session, actor: Actor, *, plant_id: int, start: datetime, end: datetime,
                department_id: int | None = None, machine_id: int | None = None, shift_id: int | None = None,
                now: datetime) -> KpiSummary:
    """A, P, Q and OEE of the scope over [start, end), with every intermediate figure, per machine too."""
    scope = resolve_scope(session, actor, plant_id=plant_id, start=start, end=end, department_id=department_id,
                          machine_id=machine_id, shift_id=shift_id, now=now, display_ok=True)
    return _summary(session, actor, scope)


def _summary(session: Session, actor: Actor, scope: Scope) -> KpiSummary:
    department_id, machine_id, shift_id = scope.department_id, scope.machine_id, scope.shift_id
    per_machine: dict[int, Totals] = defaultdict(Totals)
    units: dict[tuple[int, int | None], int] = defaultdict(int)
    for mid, product_id, good, scrap, ideal, good_ideal, events in count_sums(session, scope, "machine_id",
                                                                               "product_id"):
        per_machine[mid].add_counts(good, scrap, ideal, good_ideal, events)
        units[(mid, product_id)] += int(good or 0) + int(scrap or 0)
    _add_stops(session, actor, scope, per_machine, lambda _at: None, by_machine=True)
    _add_machine_times(session, actor, scope, per_machine, None, by_machine=True)
    shift_us = total_us(scope.working())
    machines, whole = [], Totals()
    for mid, machine in scope.machines.items():
        tbl = per_machine[mid]
        for name in vars(whole):
            setattr(whole, name, getattr(whole, name) + getattr(tbl, name))
        machines.append(MachineKpi(machine_id=mid, machine_code=machine.code, machine_name=display_name(machine),
                                   department_id=machine.department_id,
                                   figures=OeeRead.of(figures_of(tbl, shift_us, scope.idle_is_loss))))
    figures = figures_of(whole, shift_us * len(machines), scope.idle_is_loss)
    return KpiSummary(plant_id=scope.plant.id, department_id=department_id, machine_id=machine_id, shift_id=shift_id,
                      start=scope.start, end=scope.end, machine_count=len(machines), figures=OeeRead.of(figures),
                      machines=machines, suspicious_rates=_suspicious(session, scope, machines, units))


def _add_stops(session: Session, actor: Actor, scope: Scope, into: dict, bucket_of, *, by_machine: bool,
               group: str = "machine_id", by_day: bool | None = None) -> None:
    """Closed-stop slices and open stops, planned or not by their reason, into Totals keyed by machine or bucket."""
    rows = stop_sums(session, scope, group, by_day=by_day)
    opened = open_stops(session, scope)
    info = reasons(session, actor, [r[1] for r in rows] + [s.reason_key for s in opened])
    for key, reason_key, us in rows:
        target = key if by_machine else bucket_of(_aware(key))
        if target is not None or by_machine:
            into[target].add_stop(is_planned(info, reason_key), int(us))
    for stop in opened:
        for bucket, us in open_stop_pieces(scope, stop, None if by_machine else bucket_of):
            target = stop.machine_id if by_machine else bucket
            if target is not None:
                into[target].add_stop(is_planned(info, stop.reason_key), us)


def _add_machine_times(session: Session, actor: Actor, scope: Scope, into: dict, bucket_of, *,
                       by_machine: bool) -> None:
    """Idle time and booked planned downtime into Totals keyed by machine or bucket; stop time inside booked
    downtime comes off the stops (services/kpi/machine_time.py)."""
    times = machine_times(session, scope, bucket_of)
    info = reasons(session, actor, {r for mt in times.values() for r in mt.stop_in_booked})
    for (mid, bucket), mt in times.items():
        target = mid if by_machine else bucket
        if target is None:
            continue
        into[target].idle_us += mt.idle_us
        into[target].booked_us += mt.booked_us
        for reason_key, us in mt.stop_in_booked.items():
            into[target].add_stop(is_planned(info, reason_key), -us)


def _suspicious(session: Session, scope: Scope, machines: list[MachineKpi],
                units: dict[tuple[int, int | None], int]) -> list[SuspiciousRate]:
    flagged = [m for m in machines if m.figures.performance_over_100]
    if not flagged:
        return []
    tbl = table_of(KpiCountSlice)
    pairs = session.execute(sa.select(tbl.c.machine_id, tbl.c.product_id, tbl.c.operation_key).distinct().where(
        tbl.c.machine_id.in_([m.machine_id for m in flagged]), tbl.c.slice_start >= scope.start,
        tbl.c.slice_start < scope.end)).all()
    cycles = {o.id: o.ideal_cycle_seconds for o in session.exec(select(Operation).where(
        col(Operation.id).in_({p[2] for p in pairs if p[2]}))).all()}
    own = cycle_overrides(session, [m.machine_id for m in flagged])
    codes = {p.id: p.code for p in session.exec(select(Product).where(
        col(Product.id).in_({p[1] for p in pairs if p[1]}))).all()}
    out = []
    for m in flagged:
        seen: dict[int | None, set] = defaultdict(set)
        for mid, product_id, op_key in pairs:
            if mid == m.machine_id:
                seen[product_id].add(own.get((mid, product_id), cycles.get(op_key, 0)))
        products = [ProductRate(product_id=p, product_code=codes.get(p, "-"), ideal_cycle_seconds=sorted(c),
                                units=units.get((m.machine_id, p), 0)) for p, c in sorted(seen.items(), key=str)]
        out.append(SuspiciousRate(machine_id=m.machine_id, machine_code=m.machine_code,
                                  performance_percent=m.figures.performance_percent, products=products))
    return out


def _aware(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class ShiftWindow(BaseModel):
    name: str
    start: datetime
    end: datetime


def current_shift(session: Session, actor: Actor, *, plant_id: int, now: datetime) -> ShiftWindow | None:
    """The plant calendar's shift running at `now` (for "current-shift OEE": kpi_summary(start=, end=, now=))."""
    scope = resolve_scope(session, actor, plant_id=plant_id, start=now, end=now + timedelta(seconds=1), now=now,
                          display_ok=True)
    for name, s, e in shift_occurrences(scope.cal, scope.start, scope.end):
        if s <= scope.start < e:
            return ShiftWindow(name=name, start=s, end=e)
    return None


# ----- trend ---------------------------------------------------------------------------------

def oee_trend(session: Session, actor: Actor, *, plant_id: int, start: datetime, end: datetime, bucket: str = "day",
              department_id: int | None = None, machine_id: int | None = None, shift_id: int | None = None,
              now: datetime) -> OeeTrend:
    """OEE figures per hour, shift, local day or week (ISO week from Monday, or from the organization's
    week start) of the plant's time zone."""
    if bucket not in BUCKETS:
        raise Invalid(t("Choose the bucket among {choices}.", choices=", ".join(BUCKETS)), fields={"bucket": t("Unknown bucket.")})
    scope = resolve_scope(session, actor, plant_id=plant_id, start=start, end=end, department_id=department_id,
                          machine_id=machine_id, shift_id=shift_id, now=now)
    return _trend(session, actor, scope, bucket, week_start=settings_for(session, actor.organization_id).week_start)


def _trend(session: Session, actor: Actor, scope: Scope, bucket: str, *, week_start: int) -> OeeTrend:
    spans = _buckets(scope, bucket, week_start=week_start)
    starts = [s for s, _e, _label in spans]

    def bucket_of(at: datetime):
        i = bisect.bisect_right(starts, at) - 1
        return starts[i] if i >= 0 and at < spans[i][1] else None

    totals: dict[datetime, Totals] = defaultdict(Totals)
    by_day = bucket in ("day", "week")          # whole local days lie inside one bucket: day rows serve them
    for slice_start, good, scrap, ideal, good_ideal, events in count_sums(session, scope, "slice_start",
                                                                           by_day=by_day):
        key = bucket_of(_aware(slice_start))
        if key is not None:
            totals[key].add_counts(good, scrap, ideal, good_ideal, events)
    _add_stops(session, actor, scope, totals, bucket_of, by_machine=False, group="slice_start", by_day=by_day)
    _add_machine_times(session, actor, scope, totals, bucket_of, by_machine=False)
    n = len(scope.machines)
    working = _working_us(scope.working())
    points = [TrendPoint(start=s, end=e, label=label,
                         figures=OeeRead.of(figures_of(totals[s], n * working(s, e), scope.idle_is_loss)))
              for s, e, label in spans]
    return OeeTrend(plant_id=scope.plant.id, bucket=bucket, start=scope.start, end=scope.end, points=points)


def last_bucket_start(start: datetime, end: datetime, bucket: str, zone: ZoneInfo, *, week_start: int = 0) -> datetime:
    """Where the last bucket of `oee_trend` over [start, end) begins (the bucket `end` falls in), from the same
    boundaries the trend draws (`_time_buckets`), so the trend over [that, end) has one point, equal to the
    whole trend's last one."""
    return last_bucket(start, end, bucket, zone, week_start=week_start)[0]


def last_bucket(start: datetime, end: datetime, bucket: str, zone: ZoneInfo, *,
                week_start: int = 0) -> tuple[datetime, datetime, str]:
    """The last bucket of `oee_trend` over [start, end): its start, end and label (services/kpi/live_figures.py)."""
    if bucket not in ("hour", "day", "week"):
        raise Invalid(t("Only hour, day and week trends have a last bucket here."), fields={"bucket": t("Unsupported.")})
    return _time_buckets(start, end, bucket, zone, week_start=week_start)[-1]


def _working_us(spans: list[tuple[datetime, datetime]]):
    """Working microseconds in [s, e) from the window's working intervals, computed once (not per bucket)."""
    ends = [e for _s, e in spans]

    def within(start: datetime, end: datetime) -> int:
        us, i = 0, bisect.bisect_right(ends, start)
        while i < len(spans) and spans[i][0] < end:
            us += total_us([(max(spans[i][0], start), min(spans[i][1], end))])
            i += 1
        return us
    return within


def _buckets(scope: Scope, bucket: str, *, week_start: int = 0) -> list[tuple[datetime, datetime, str]]:
    """Weeks begin on `week_start` (0 Monday ... 6 Sunday): an ISO week label from Monday, else the first day's date."""
    if bucket == "shift":
        zone = scope.cal.zone
        return [(max(s, scope.start), min(e, scope.end), f"{s.astimezone(zone):%Y-%m-%d} {name}")
                for name, s, e in shift_occurrences(scope.cal, scope.start, scope.end)
                if scope.shift_name is None or name == scope.shift_name]
    return _time_buckets(scope.start, scope.end, bucket, scope.cal.zone, week_start=week_start)


def _time_buckets(start: datetime, end: datetime, bucket: str, zone: ZoneInfo, *,
                  week_start: int = 0) -> list[tuple[datetime, datetime, str]]:
    """The hour (from the UTC hour of `start`), plant-local day or week buckets of [start, end), cut to it."""
    out = []
    if bucket == "hour":
        cursor = floor_hour(start)
        while cursor < end:
            nxt = cursor + timedelta(hours=1)
            out.append((max(cursor, start), min(nxt, end), f"{cursor.astimezone(zone):%Y-%m-%d %H:%M}"))
            cursor = nxt
        return out
    day = start.astimezone(zone).date()
    if bucket == "week":
        day -= timedelta(days=(day.weekday() - week_start) % 7)
    step = timedelta(days=7 if bucket == "week" else 1)
    while True:
        s = datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(start.tzinfo)
        e = datetime.combine(day + step, datetime.min.time(), tzinfo=zone).astimezone(start.tzinfo)
        if s >= end:
            return out
        iso_week = bucket == "week" and week_start == 0
        label = f"{day.isocalendar().year}-W{day.isocalendar().week:02d}" if iso_week else day.isoformat()
        out.append((max(s, start), min(e, end), label))
        day += step


# ----- loss Pareto ---------------------------------------------------------------------------

def loss_pareto(session: Session, actor: Actor, *, plant_id: int, start: datetime, end: datetime,
                department_id: int | None = None, machine_id: int | None = None, shift_id: int | None = None,
                now: datetime) -> LossPareto:
    """Loss minutes by reason (unplanned stops in working time; scrap as the ideal time spent on it; the speed
    loss as run time minus ideal time), largest first, and grouped as the six big losses. A stop reason's row
    also counts its stops (those with working time in the window), so the Pareto can rank by either."""
    scope = resolve_scope(session, actor, plant_id=plant_id, start=start, end=end, department_id=department_id,
                          machine_id=machine_id, shift_id=shift_id, now=now)
    stops: dict[int, int] = defaultdict(int)
    for reason_key, us in stop_sums(session, scope):
        stops[reason_key] += int(us)
    for stop in open_stops(session, scope):
        stops[stop.reason_key] += sum(us for _b, us in open_stop_pieces(scope, stop))
    scraps: dict[int, int] = defaultdict(int)
    whole = Totals()
    for reason_key, good, scrap, ideal, good_ideal, events in count_sums(session, scope, "reason_key"):
        whole.add_counts(good, scrap, ideal, good_ideal, events)
        if scrap:
            scraps[reason_key] += int(ideal) - int(good_ideal)
    for mt in machine_times(session, scope).values():
        whole.idle_us += mt.idle_us
        whole.booked_us += mt.booked_us
        for reason_key, us in mt.stop_in_booked.items():
            stops[reason_key] -= us
    info = reasons(session, actor, list(stops) + list(scraps))
    counts = stop_counts(session, scope)
    for reason_key, us in stops.items():
        whole.add_stop(is_planned(info, reason_key), us)
    losses: list[Loss] = _split_losses(session, scope, stops, info)
    for reason_key, us in stops.items():
        if not is_planned(info, reason_key) and us:
            losses.append(("stop", reason_key or None, Fraction(us, 60_000_000), counts.get(reason_key, 0), None))
    if scope.idle_is_loss and whole.idle_us:
        losses.append(("idle", None, Fraction(whole.idle_us, 60_000_000), None, None))
    losses += [("scrap", k or None, Fraction(ms, 60_000), None, None) for k, ms in scraps.items() if ms]
    figures = figures_of(whole, len(scope.machines) * total_us(scope.working()), scope.idle_is_loss)
    speed = kpi_math.seconds(figures.run_time) - figures.ideal_time
    if speed > 0:
        losses.append(("speed", None, speed / 60, None, None))
    return _pareto(scope, losses, info)


# a Pareto row before ranking: kind, reason id, minutes, stops, and for a loss split's row (its name, its category)
Loss = tuple[str, int | None, Fraction, int | None, tuple[str, LossCategory | None] | None]


def _split_losses(session: Session, scope: Scope, stops: dict[int, int], info: dict) -> list[Loss]:
    """Rows of the registered loss splits (services/kpi/loss_splits.py), one per kind and loss category; their
    microseconds leave the unplanned stop reasons they came from (`stops`, changed here), never more than a reason
    has."""
    carved: dict[tuple[str, str, LossCategory | None], int] = defaultdict(int)
    for split in loss_splits.splits_for(session, scope):
        if is_planned(info, split.reason_key):
            continue
        us = min(split.us, stops.get(split.reason_key, 0))
        if us > 0:
            stops[split.reason_key] -= us
            reason = info.get(split.reason_key)
            carved[(split.kind, split.label, reason.loss_category if reason else None)] += us
    return [(kind, None, Fraction(us, 60_000_000), None, (label, category))
            for (kind, label, category), us in carved.items()]


def _pareto(scope: Scope, losses: list[Loss], info: dict) -> LossPareto:
    losses.sort(key=lambda r: (-r[2], r[0], r[1] or 0))
    total = sum((m for _k, _r, m, _n, _s in losses), Fraction(0))
    rows, running = [], Fraction(0)
    by_category: defaultdict[LossCategory | None, Fraction] = defaultdict(Fraction)
    for kind, reason_id, minutes, stop_count, split in losses:
        running += minutes
        reason = info.get(reason_id)
        category = (LossCategory.REDUCED_SPEED if kind == "speed" else reason.loss_category if reason else None)
        name = reason.name if reason else None
        if split is not None:
            name, category = split
        by_category[category] += minutes
        label = reason.code if reason else kpi_math.IDLE_REASON if kind == "idle" else None
        rows.append(LossRow(kind=kind, reason_code_id=reason_id, reason=label,
                            reason_name=name, loss_category=category,
                            minutes=float(minutes), minutes_exact=exact(minutes), stops=stop_count,
                            cumulative_percent=kpi_math.display(running / total)))
    categories = [CategoryRow(loss_category=c, minutes=float(m), minutes_exact=exact(m),
                              percent=kpi_math.display(m / total))
                  for c, m in sorted(by_category.items(), key=lambda i: (-i[1], str(i[0])))]
    return LossPareto(plant_id=scope.plant.id, start=scope.start, end=scope.end, rows=rows,
                      six_big_losses=categories, total_minutes=float(total), by_stops=_by_stops(rows))


def _by_stops(rows: list[LossRow]) -> list[StopRank]:
    """Stop reasons ranked by their number of stops (ties keep the minutes order), with the cumulative share."""
    ranked = sorted((r for r in rows if r.stops), key=lambda r: -(r.stops or 0))
    total, running, out = sum(r.stops or 0 for r in ranked), 0, []
    for r in ranked:
        running += r.stops or 0
        out.append(StopRank(reason_code_id=r.reason_code_id, reason=r.reason, reason_name=r.reason_name,
                            stops=r.stops or 0, cumulative_percent=kpi_math.display(Fraction(running, total))))
    return out
