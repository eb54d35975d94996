"""What a KPI read covers and the rollup sums behind it (services/kpi/reads.py builds its answers on these).

A `Scope` is a plant, optionally one department or machine and one shift of the plant calendar, over the
window [start, end). Its machines are the active machines in it plus any machine with rollup rows in the
window. Rollup rows belong to the window when their slice starts in it (slices never cross an hour, a shift or
a local day, so hour, shift, day and week windows are exact). The sums read the per-day rows for the whole
plant-local days inside the window and the slices only for its partial first and last day (one query: a
UNION ALL of both under one GROUP BY); grouped by `slice_start`, a day row stands at its day's start, so only
day and week buckets may ask for day rows. A shift-filtered scope reads slices only. Every sum here reads the
rollups, never the raw events; an open stop (no end yet) is clipped to working time up to the window's end or `now`.
The scope carries the plant's idle convention (services/kpi/settings.py); idle and booked planned downtime come
from services/kpi/machine_time.py. A live screen's reading, once per report, may take the plant's calendar and
conventions from per-worker caches (`cached=True`), dropped by the events that change them
(services/core/worker_cache.py).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.base import pk, table_of
from models.calendar import Shift, ShiftCalendar
from models.kpi_rollup import (
    KpiCountDay,
    KpiCountSlice,
    KpiStop,
    KpiStopDay,
    KpiStopSlice,
)
from models.organization import Department, Plant
from models.resources import LossCategory, Machine, ReasonCode
from services.core.access import Actor, Permission, require, require_plant_visible
from services.core.calendar_math import (
    CalendarSpec,
    Interval,
    shift_windows,
    working_intervals,
)
from services.core.errors import Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.worker_cache import WorkerCache
from services.kpi.plant_calendar import kpi_calendar
from services.kpi.rollup_slices import Slicer, day_start
from services.kpi.settings import conventions

# A plant's calendar (in its time zone) and its idle convention, per worker, for the live reads (`cached=True`).
CALENDARS: WorkerCache[CalendarSpec] = WorkerCache("KPI calendars", invalidated_by=(
    "calendar.*", "calendar_holiday.*", "shift.*", "shift_break.*", "plant.*"))
IDLE_IS_LOSS: WorkerCache[bool] = WorkerCache("KPI idle conventions", invalidated_by=("kpi_plant_setting.*", "plant.*"))

UTC = UTC
US = timedelta(microseconds=1)


@dataclass
class Scope:
    plant: Plant
    cal: CalendarSpec
    start: datetime
    end: datetime
    now: datetime
    department_id: int | None = None
    machine_id: int | None = None
    shift_id: int | None = None
    shift_name: str | None = None
    machines: dict[int, Machine] = field(default_factory=dict)
    idle_is_loss: bool = True                 # the plant's convention (services/kpi/settings.py)

    @cached_property
    def slicer(self) -> Slicer:
        """The calendar's slicer, made once per read (its slice boundaries are cached per hour)."""
        return Slicer(self.cal)

    @property
    def limit(self) -> datetime:
        """Open stops run up to here."""
        return min(self.end, self.now)

    def working(self, start: datetime | None = None, end: datetime | None = None) -> list[Interval]:
        """Working time of one machine in [start, end) (the whole window by default), inside the shift."""
        start, end = max(start or self.start, self.start), min(end or self.end, self.end)
        if end <= start:
            return []
        spans = working_intervals(self.cal, start, end)
        if self.shift_name is None:
            return spans
        return _intersect(spans, self.shift_spans(start, end))

    def shift_spans(self, start: datetime, end: datetime) -> list[Interval]:
        """Occurrences of the scope's shift (or of every shift) overlapping [start, end)."""
        return [(max(s, start), min(e, end)) for _name, s, e in shift_occurrences(self.cal, start, end)
                if (self.shift_name is None or _name == self.shift_name) and e > start and s < end]


@dataclass
class Totals:
    """Additive figures of a set of slices (and machines)."""
    good: int = 0
    scrap: int = 0
    ideal_ms: int = 0
    good_ideal_ms: int = 0
    events: int = 0
    planned_stop_us: int = 0
    stop_us: int = 0
    idle_us: int = 0
    booked_us: int = 0                        # booked planned downtime: not working time of the machine

    def add_counts(self, good, scrap, ideal_ms, good_ideal_ms, events) -> None:
        self.good += int(good or 0)
        self.scrap += int(scrap or 0)
        self.ideal_ms += int(ideal_ms or 0)
        self.good_ideal_ms += int(good_ideal_ms or 0)
        self.events += int(events or 0)

    def add_stop(self, planned: bool, us: int) -> None:
        if planned:
            self.planned_stop_us += us
        else:
            self.stop_us += us


def resolve_scope(session: Session, actor: Actor, *, plant_id: int, start: datetime, end: datetime,
                  department_id: int | None = None, machine_id: int | None = None, shift_id: int | None = None,
                  now: datetime, display_ok: bool = False, cached: bool = False) -> Scope:
    """The scope, after checking the actor may read the plant's KPIs (VIEW_DASHBOARDS; DISPLAY too if allowed);
    `cached`: the calendar and the idle convention from the per-worker caches."""
    plant = get_scoped(session, actor, Plant, plant_id, t("Plant"))
    require_plant_visible(actor, plant.id, t("Plant"))
    if not (display_ok and actor.can(Permission.DISPLAY, plant_id=plant.id)):
        require(actor, Permission.VIEW_DASHBOARDS, plant_id=plant.id)
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None:
            raise Invalid(t("Give the period with its time zone."), fields={name: t("Needs a time zone.")})
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        raise Invalid(t("The end of the period must be after its start."), fields={"end": t("Before the start.")})
    if end - start > timedelta(days=400):
        raise Invalid(t("Ask for at most 400 days at a time."), fields={"end": t("Period too long.")})
    if department_id is not None:
        dept = session.get(Department, department_id)
        if dept is None or dept.plant_id != plant.id:
            raise NotFound(t("Department not found."))
    if machine_id is not None:
        machine = session.get(Machine, machine_id)
        if machine is None or machine.plant_id != plant.id:
            raise NotFound(t("Machine not found."))
    cal = CALENDARS.get(pk(plant), lambda: kpi_calendar(session, plant), plant_id=pk(plant)) if cached \
        else kpi_calendar(session, plant)
    scope = Scope(plant=plant, cal=cal, start=start, end=end,
                  now=now.astimezone(UTC), department_id=department_id, machine_id=machine_id)
    if shift_id is not None:
        scope.shift_id, scope.shift_name = shift_id, _shift_name(session, plant, shift_id)
    scope.machines = _machines(session, scope)
    scope.idle_is_loss = IDLE_IS_LOSS.get(pk(plant), lambda: _idle_is_loss(session, pk(plant)), plant_id=pk(plant)) \
        if cached else _idle_is_loss(session, pk(plant))
    return scope


def _idle_is_loss(session: Session, plant_id: int) -> bool:
    return conventions(session, plant_id).idle_is_loss


def _shift_name(session: Session, plant: Plant, shift_id: int) -> str:
    shift = session.get(Shift, shift_id)
    cal = session.get(ShiftCalendar, shift.calendar_id) if shift is not None else None
    if shift is None or cal is None or cal.plant_id != plant.id or not cal.is_default or not cal.is_active:
        raise NotFound(t("Shift not found in the plant's calendar."))
    return shift.name


def _machine_filter(scope: Scope, table) -> list:
    where = [table.c.plant_id == scope.plant.id]
    if scope.machine_id is not None:
        where.append(table.c.machine_id == scope.machine_id)
    elif scope.department_id is not None:
        where.append(table.c.machine_id.in_(
            sa.select(table_of(Machine).c.id).where(table_of(Machine).c.department_id == scope.department_id)))
    return where


def _machines(session: Session, scope: Scope) -> dict[int, Machine]:
    query = select(Machine).where(Machine.plant_id == scope.plant.id)
    if scope.machine_id is not None:
        query = query.where(Machine.id == scope.machine_id)
    elif scope.department_id is not None:
        query = query.where(Machine.department_id == scope.department_id)
    machines = {pk(mc): mc for mc in session.exec(query).all()}
    active = {i for i, mc in machines.items() if mc.is_active}
    inactive = set(machines) - active
    if inactive:
        tbl = table_of(KpiCountSlice)
        used = set(session.execute(sa.select(sa.distinct(tbl.c.machine_id)).where(
            tbl.c.machine_id.in_(inactive), tbl.c.slice_start >= scope.start, tbl.c.slice_start < scope.end)).scalars())
        active |= used
    return {i: machines[i] for i in sorted(active)}


def whole_days(scope: Scope) -> tuple[datetime, datetime] | None:
    """[first, last) local-day starts of the whole plant-local days inside the window, or None if there are none
    (or the scope is one shift, which day rows cannot tell apart)."""
    if scope.shift_name is not None:
        return None
    zone = scope.cal.zone
    first = day_start(scope.start, zone)
    if first < scope.start:
        first = day_start(first + timedelta(hours=36), zone)
    last = day_start(scope.end, zone)
    return (first, last) if first < last else None


def _slice_filter(scope: Scope, table, start: datetime | None = None, end: datetime | None = None) -> list:
    """Rows of the slice table in the window (or in [start, end), a part of it), inside the scope's shift."""
    where = _machine_filter(scope, table) + [table.c.slice_start >= (start or scope.start),
                                             table.c.slice_start < (end or scope.end)]
    if scope.shift_name is not None:
        spans = scope.shift_spans(scope.start, scope.end)
        if not spans:
            return [sa.false()]
        where.append(sa.or_(*[sa.and_(table.c.slice_start >= s, table.c.slice_start < e) for s, e in spans]))
    return where


def _summed(session: Session, scope: Scope, slices, day_rows, group: tuple[str, ...], figures: tuple[str, ...],
            by_day: bool) -> Sequence[sa.Row]:
    """(group values..., sum of each figure) over the slices of the window, whole days from the day rows."""
    days = whole_days(scope) if by_day else None
    if days is None:
        keys = [slices.c[g] for g in group]
        return session.execute(sa.select(*keys, *[sa.func.sum(slices.c[f]) for f in figures])
                               .where(*_slice_filter(scope, slices)).group_by(*keys)).all()
    # each part a plain index range (an OR of ranges would scan the slices of the whole window)
    edges = [(s, e) for s, e in ((scope.start, days[0]), (days[1], scope.end)) if s < e]
    parts = [sa.select(*[(day_rows.c.day_start if g == "slice_start" else day_rows.c[g]).label(g) for g in group],
                       *[day_rows.c[f].label(f) for f in figures])
             .where(*_machine_filter(scope, day_rows), day_rows.c.day_start >= days[0], day_rows.c.day_start < days[1])]
    parts += [sa.select(*[slices.c[g].label(g) for g in group], *[slices.c[f].label(f) for f in figures])
              .where(*_slice_filter(scope, slices, s, e)) for s, e in edges]
    both = (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery()
    keys = [both.c[g] for g in group]
    return session.execute(sa.select(*keys, *[sa.func.sum(both.c[f]) for f in figures]).group_by(*keys)).all()


def count_sums(session: Session, scope: Scope, *group: str, by_day: bool | None = None) -> Sequence[sa.Row]:
    """(group values..., good, scrap, ideal_ms, good_ideal_ms, events) per group of count slices. `by_day`
    (default: unless grouped by slice_start) reads whole days from the day rows."""
    return _summed(session, scope, table_of(KpiCountSlice), table_of(KpiCountDay), group,
                   ("good", "scrap", "ideal_ms", "good_ideal_ms", "events"),
                   "slice_start" not in group if by_day is None else by_day)


def stop_sums(session: Session, scope: Scope, *group: str, by_day: bool | None = None) -> Sequence[sa.Row]:
    """(group values..., reason_key, stop_us) per group of closed-stop slices (`by_day` as in count_sums)."""
    return _summed(session, scope, table_of(KpiStopSlice), table_of(KpiStopDay), (*group, "reason_key"),
                   ("stop_us",), "slice_start" not in group if by_day is None else by_day)


def open_stops(session: Session, scope: Scope) -> list[KpiStop]:
    tbl = table_of(KpiStop)
    return list(session.exec(select(KpiStop).where(*_machine_filter(scope, tbl), col(KpiStop.end_at).is_(None),
                                                   KpiStop.start_at < scope.limit)).all())


def stop_counts(session: Session, scope: Scope) -> dict[int, int]:
    """reason key -> how many stops (closed or open) have working time of the scope inside its window: the stops
    whose minutes `stop_sums` and `open_stop_pieces` add up."""
    tbl = table_of(KpiStop)
    rows = session.execute(sa.select(tbl.c.reason_key, tbl.c.start_at, tbl.c.end_at).where(
        *_machine_filter(scope, tbl), tbl.c.start_at < scope.limit,
        sa.or_(tbl.c.end_at.is_(None), tbl.c.end_at > scope.start))).all()
    counts: dict[int, int] = defaultdict(int)
    for reason_key, start_at, end_at in rows:
        if scope.working(start_at, scope.limit if end_at is None else end_at):
            counts[reason_key] += 1
    return dict(counts)


def open_stop_pieces(scope: Scope, stop: KpiStop, bucket_of: Callable[[datetime], Hashable] | None = None
                     ) -> list[tuple[Hashable, int]]:
    """(bucket, working microseconds) of an open stop up to the window's end or now, inside the scope."""
    out = []
    for s, e in scope.working(stop.start_at, scope.limit):
        for piece_s, piece_e in scope.slicer.slices(s, e):
            out.append((bucket_of(piece_s) if bucket_of else None, (piece_e - piece_s) // US))
    return out


@dataclass(frozen=True)
class ReasonInfo:
    id: int
    code: str
    name: str
    planned: bool
    loss_category: LossCategory | None


def reasons(session: Session, actor: Actor, keys) -> dict[int, ReasonInfo]:
    ids = {k for k in keys if k}
    if not ids:
        return {}
    rows = session.exec(select(ReasonCode).where(col(ReasonCode.id).in_(ids),
                                                 ReasonCode.organization_id == actor.organization_id)).all()
    return {pk(r): ReasonInfo(pk(r), r.code, r.name, r.planned, r.loss_category) for r in rows}


def is_planned(info: dict[int, ReasonInfo], reason_key: int) -> bool:
    reason = info.get(reason_key)
    return bool(reason and reason.planned)


def shift_occurrences(cal: CalendarSpec, start: datetime, end: datetime) -> list[tuple[str, datetime, datetime]]:
    """(shift name, start, end) of every shift overlapping [start, end), in time order."""
    zone = cal.zone
    day, last = start.astimezone(zone).date() - timedelta(days=1), end.astimezone(zone).date()
    out = []
    while day <= last:
        out += [(shift.name, s, e) for shift, s, e, _b in shift_windows(cal, day) if e > start and s < end]
        day += timedelta(days=1)
    return sorted(out, key=lambda o: o[1])


def total_us(spans: list[Interval]) -> int:
    return sum((e - s) // US for s, e in spans)


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out, i, j = [], 0, 0
    a, b = sorted(a), sorted(b)
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out

