"""Time slices of the KPI rollups: pure functions, no database.

A slice is a UTC hour, cut further wherever a shift of the plant calendar starts or ends, or the plant's local
day begins, inside that hour. So every hour, every shift and every local day (hence week) is made of whole
slices, and a rollup row keyed by its slice start can be bucketed exactly. A plant without a calendar has
plain hours. Invariants: slice starts are tz-aware UTC; `slice_of(t)` is the largest slice start <= t;
`pieces(a, b)` cuts [a, b) at every slice boundary and clips it to working time when asked; `day_of(s)` is the
start of the local day holding slice s (the key of the per-day rollups).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise

from services.core.calendar_math import (
    CalendarSpec,
    Interval,
    shift_windows,
    working_intervals,
)

UTC = UTC
HOUR = timedelta(hours=1)


def floor_hour(at: datetime) -> datetime:
    at = at.astimezone(UTC)
    return at.replace(minute=0, second=0, microsecond=0)


def day_start(at: datetime, zone) -> datetime:
    """The UTC instant the local day (in `zone`) holding `at` begins."""
    return datetime.combine(at.astimezone(zone).date(), time(0), tzinfo=zone).astimezone(UTC)


class Slicer:
    """Slice boundaries of one plant calendar (or plain hours without one), cached per hour."""

    def __init__(self, cal: CalendarSpec | None):
        self.cal = cal
        self._bounds: dict[datetime, list[datetime]] = {}
        self._day_cuts: dict = {}
        self._days: dict[datetime, datetime] = {}

    def bounds(self, hour: datetime) -> list[datetime]:
        """The slice starts inside [hour, hour + 1 h), the hour itself first."""
        found = self._bounds.get(hour)
        if found is None:
            found = [hour] + sorted(c for c in self._cuts_near(hour) if hour < c < hour + HOUR)
            self._bounds[hour] = found
        return found

    def slice_of(self, at: datetime) -> datetime:
        hour = floor_hour(at)
        at = at.astimezone(UTC)
        return max(b for b in self.bounds(hour) if b <= at)

    def day_of(self, slice_start: datetime) -> datetime:
        """The start (UTC) of the plant-local day holding this slice (UTC days without a calendar); local day
        starts are slice boundaries, so a day is a whole number of slices."""
        found = self._days.get(slice_start)
        if found is None:
            found = self._days[slice_start] = day_start(slice_start, self.cal.zone if self.cal else UTC)
        return found

    def slices(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """Every slice [s, e) cut to [start, end)."""
        hour = floor_hour(start)
        while hour < end:
            starts = self.bounds(hour) + [hour + HOUR]
            for s, e in pairwise(starts):
                s, e = max(s, start), min(e, end)
                if s < e:
                    yield (s, e)
            hour += HOUR

    def pieces(self, start: datetime, end: datetime, *, working_only: bool) -> Iterator[tuple[datetime, timedelta]]:
        """(slice start, duration) of [start, end), only its working time when `working_only` (and a calendar)."""
        spans = working_intervals(self.cal, start, end) if working_only and self.cal else [(start, end)]
        for s, e in spans:
            for piece_start, piece_end in self.slices(s, e):
                yield self.slice_of(piece_start), piece_end - piece_start

    def _cuts_near(self, hour: datetime) -> list[datetime]:
        if self.cal is None:
            return []
        zone = self.cal.zone
        local_day = hour.astimezone(zone).date()
        cuts = []
        for day in (local_day - timedelta(days=1), local_day, local_day + timedelta(days=1)):
            cuts += self._day_cuts_of(day, zone)
        return cuts

    def _day_cuts_of(self, day, zone) -> list[datetime]:
        found = self._day_cuts.get(day)
        if found is None:
            found = [datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)]
            for _shift, s, e, _breaks in (shift_windows(self.cal, day) if self.cal is not None else []):
                found += [s, e]
            self._day_cuts[day] = found
        return found
