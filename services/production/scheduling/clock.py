"""`WorkingClock`: services.core.calendar_math.add_working_time for many operations at once.

Planning a plant adds working time hundreds of times from nearby instants; recomputing the shift
windows every time is what costs. The clock asks calendar_math for the working intervals once, in
four-week chunks from its origin onwards, and walks them. Invariant: for every start at or after
the origin it returns exactly what add_working_time returns (a property test holds it to that);
before the origin, and beyond the search horizon, it simply calls add_working_time.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta

from services.core.calendar_math import (
    SEARCH_HORIZON_DAYS,
    CalendarSpec,
    add_working_time,
    working_intervals,
)

CHUNK = timedelta(days=28)


class WorkingClock:
    def __init__(self, cal: CalendarSpec, origin: datetime):
        self.cal, self.origin = cal, origin
        self.horizon = origin
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []

    def add(self, start: datetime, seconds: int | float) -> datetime:
        """The instant at which `seconds` of working time from `start` have passed."""
        if start < self.origin or seconds < 0:
            return add_working_time(self.cal, start, seconds)
        limit = start + timedelta(days=SEARCH_HORIZON_DAYS)
        remaining = timedelta(seconds=seconds)
        while self.horizon <= start and self.horizon < limit:
            self._extend()
        index = bisect_right(self.ends, start)          # the first interval ending after `start`
        while self._complete(index, limit):
            cursor = max(start, self.starts[index])
            available = self.ends[index] - cursor
            if remaining < available or (remaining == available and remaining > timedelta(0)):
                return cursor + remaining
            if remaining == timedelta(0):
                return cursor
            remaining -= available
            index += 1
        return add_working_time(self.cal, start, seconds)     # no working time ahead: its answer (an error)

    def _complete(self, index: int, limit: datetime) -> bool:
        """Interval `index` is known and whole (not cut at the horizon), extending as needed."""
        while (index >= len(self.ends) or self.ends[index] >= self.horizon) and self.horizon < limit:
            self._extend()
        return index < len(self.ends)

    def _extend(self) -> None:
        for s, e in working_intervals(self.cal, self.horizon, self.horizon + CHUNK):
            if self.ends and self.ends[-1] == s:       # an interval cut at the chunk's edge: join it
                self.ends[-1] = e
            else:
                self.starts.append(s)
                self.ends.append(e)
        self.horizon += CHUNK
