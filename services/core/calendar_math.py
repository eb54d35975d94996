"""Working time from shift calendars: pure functions, no database.

A `CalendarSpec` holds a plant's time zone, its shifts (minutes after local midnight, ISO
weekdays on which a shift starts, breaks) and its holidays. `working_intervals` turns it into
UTC intervals [start, end) with breaks and non-working days removed; `add_working_time` walks
forward through those intervals, which is how planned end times are computed.

Invariants: returned intervals are sorted, disjoint, tz-aware UTC and never contain a break or
a holiday; local wall-clock times are converted through the plant's zone, so a DST change moves
a shift's UTC time, not its local time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.core.errors import Invalid
from services.core.messages import t

UTC = UTC
MINUTES_PER_DAY = 1440
SEARCH_HORIZON_DAYS = 400


@dataclass(frozen=True)
class BreakSpec:
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class ShiftSpec:
    name: str
    start_minute: int
    end_minute: int                       # <= start_minute: the shift ends the next day
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    breaks: tuple[BreakSpec, ...] = ()

    @property
    def length_minutes(self) -> int:
        return (self.end_minute - self.start_minute) % MINUTES_PER_DAY or MINUTES_PER_DAY


@dataclass(frozen=True)
class CalendarSpec:
    timezone: str
    shifts: tuple[ShiftSpec, ...]
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


Interval = tuple[datetime, datetime]


def shift_windows(cal: CalendarSpec, day: date) -> list[tuple[ShiftSpec, datetime, datetime, list[Interval]]]:
    """The shifts starting on local `day`: (shift, start, end, breaks) in UTC."""
    if day in cal.holidays:
        return []
    zone = cal.zone
    out = []
    for shift in cal.shifts:
        if day.isoweekday() not in shift.weekdays:
            continue
        start = _local(zone, day, shift.start_minute)
        end = _local(zone, day, shift.start_minute + shift.length_minutes)
        breaks = []
        for brk in shift.breaks:
            offset = (brk.start_minute - shift.start_minute) % MINUTES_PER_DAY
            length = (brk.end_minute - brk.start_minute) % MINUTES_PER_DAY
            b_start = _local(zone, day, shift.start_minute + offset)
            b_end = _local(zone, day, shift.start_minute + offset + length)
            breaks.append((max(b_start, start), min(b_end, end)))
        out.append((shift, start, end, sorted(breaks)))
    return out


def working_intervals(cal: CalendarSpec, start: datetime, end: datetime) -> list[Interval]:
    """Working time between `start` and `end` (aware datetimes) as sorted, disjoint UTC intervals."""
    _require_aware(start, end)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return []
    zone = cal.zone
    first = start.astimezone(zone).date() - timedelta(days=1)   # a night shift from the day before
    last = end.astimezone(zone).date()
    pieces: list[Interval] = []
    day = first
    while day <= last:
        for _shift, s, e, breaks in shift_windows(cal, day):
            pieces.extend(_subtract(s, e, breaks))
        day += timedelta(days=1)
    clipped = [(max(s, start), min(e, end)) for s, e in pieces if e > start and s < end]
    return merge_intervals([(s, e) for s, e in clipped if e > s])


def working_seconds(cal: CalendarSpec, start: datetime, end: datetime) -> int:
    return int(sum((e - s).total_seconds() for s, e in working_intervals(cal, start, end)))


def next_working_instant(cal: CalendarSpec, at: datetime) -> datetime:
    """`at` itself when it is working time, else the start of the next working interval."""
    return add_working_time(cal, at, 0)


def add_working_time(cal: CalendarSpec, start: datetime, seconds: int | float) -> datetime:
    """The instant at which `seconds` of working time, counted from `start`, have passed.

    With seconds == 0 this is the first working instant at or after `start`.
    """
    _require_aware(start)
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    remaining = timedelta(seconds=seconds)
    cursor = start.astimezone(UTC)
    last_working = cursor          # a whole horizon without working time means there is none
    window = timedelta(days=7)
    while cursor - last_working < timedelta(days=SEARCH_HORIZON_DAYS):
        for s, e in working_intervals(cal, cursor, cursor + window):
            available = e - s
            if remaining < available or (remaining == available and remaining > timedelta(0)):
                return s + remaining
            if remaining == timedelta(0):
                return s
            remaining -= available
            last_working = e
        cursor += window
    raise Invalid(t("The shift calendar has no working time in the next year: add shifts or remove holidays."),
                  fields={"calendar": t("No working time.")})


def _local(zone: ZoneInfo, day: date, minutes: int) -> datetime:
    local = datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minutes)
    # wall-clock arithmetic: re-attach the zone so the offset is the one valid at that local time
    return local.replace(tzinfo=zone).astimezone(UTC)


def _subtract(start: datetime, end: datetime, holes: list[Interval]) -> list[Interval]:
    out, cursor = [], start
    for h_start, h_end in holes:
        if h_end <= cursor or h_start >= end:
            continue
        if h_start > cursor:
            out.append((cursor, h_start))
        cursor = max(cursor, h_end)
    if cursor < end:
        out.append((cursor, end))
    return out


def merge_intervals(intervals: list[Interval]) -> list[Interval]:
    """The union of `intervals` as sorted, disjoint intervals (touching ones joined)."""
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _require_aware(*values: datetime) -> None:
    for value in values:
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass a timezone-aware datetime")
