"""The planner's WorkingClock answers exactly what calendar_math.add_working_time answers, for
any calendar (night shifts, breaks, holidays, time zones with DST) and any sequence of calls."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.core.calendar_math import (
    BreakSpec,
    CalendarSpec,
    ShiftSpec,
    add_working_time,
)
from services.production.scheduling.clock import WorkingClock
from tests.factories.scheduling import utc

ORIGIN = utc(2026, 3, 1, 0, 0)


@st.composite
def shifts(draw):
    start = draw(st.integers(0, 1439))
    length = draw(st.integers(30, 720))
    breaks = ()
    if draw(st.booleans()) and length > 60:
        offset = draw(st.integers(1, length - 31))
        brk_len = draw(st.integers(5, min(45, length - offset - 1)))
        breaks = (BreakSpec((start + offset) % 1440, (start + offset + brk_len) % 1440),)
    weekdays = draw(st.sets(st.integers(1, 7), min_size=1))
    return ShiftSpec(name="S", start_minute=start, end_minute=(start + length) % 1440, weekdays=frozenset(weekdays),
                     breaks=breaks)


calendars = st.builds(
    CalendarSpec,
    timezone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]),
    shifts=st.lists(shifts(), min_size=1, max_size=3).map(tuple),
    holidays=st.sets(st.integers(0, 60).map(lambda d: date(2026, 3, 1) + timedelta(days=d)), max_size=5).map(frozenset),
)
calls = st.lists(st.tuples(st.integers(0, 90 * 86400), st.integers(0, 30 * 3600)), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(cal=calendars, steps=calls)
def test_the_clock_agrees_with_add_working_time(cal, steps):
    clock = WorkingClock(cal, ORIGIN)
    for offset, seconds in steps:
        start = ORIGIN + timedelta(seconds=offset)
        assert clock.add(start, seconds) == add_working_time(cal, start, seconds)


def test_before_its_origin_the_clock_asks_add_working_time():
    cal = CalendarSpec("UTC", (ShiftSpec("Day", 360, 840),))
    clock = WorkingClock(cal, ORIGIN)
    earlier = ORIGIN - timedelta(days=3)
    assert clock.add(earlier, 3600) == add_working_time(cal, earlier, 3600) == utc(2026, 2, 26, 7, 0)
