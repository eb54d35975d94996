"""Working time from shift calendars, with exact expected instants (services/core/calendar_math.py)."""
from datetime import UTC, date, datetime, timedelta

import pytest

from services.core.calendar_math import (
    BreakSpec,
    CalendarSpec,
    ShiftSpec,
    add_working_time,
    next_working_instant,
    working_intervals,
    working_seconds,
)
from services.core.errors import Invalid

UTC = UTC
MON = datetime(2026, 3, 2, tzinfo=UTC)      # a Monday; Berlin is UTC+1 in March before the 29th

BERLIN = CalendarSpec("Europe/Berlin", (
    ShiftSpec("Early", 360, 840, frozenset({1, 2, 3, 4, 5}), (BreakSpec(540, 555), BreakSpec(720, 750))),
    ShiftSpec("Late", 840, 1320, frozenset({1, 2, 3, 4, 5}), (BreakSpec(1080, 1110),)),
    ShiftSpec("Night", 1320, 360, frozenset({1, 2, 3, 4}), (BreakSpec(120, 150),)),
), frozenset({date(2026, 3, 4)}))


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_a_monday_in_berlin_without_its_breaks():
    assert working_intervals(BERLIN, MON, MON + timedelta(days=1)) == [
        (utc(2, 5), utc(2, 8)), (utc(2, 8, 15), utc(2, 11)), (utc(2, 11, 30), utc(2, 17)), (utc(2, 17, 30), utc(3, 0))]


def test_a_week_holds_the_shifts_less_breaks_holiday_and_friday_night():
    # (7.25 h early + 7.5 h late) x 4 working days + 7.5 h nights on Mon, Tue, Thu (Wed is a holiday)
    assert working_seconds(BERLIN, MON, MON + timedelta(days=7)) == int((14.75 * 4 + 7.5 * 3) * 3600)


def test_work_crossing_a_break_ends_after_it():
    assert add_working_time(BERLIN, utc(2, 7, 30), 3600) == utc(2, 8, 45)


def test_work_crossing_the_weekend_continues_on_monday():
    friday_late_end = utc(6, 21)          # 22:00 Berlin, no night shift on Friday
    assert add_working_time(BERLIN, utc(6, 20, 30), 3600) == utc(9, 5, 30)
    assert next_working_instant(BERLIN, friday_late_end) == utc(9, 5)


def test_the_holiday_is_skipped():
    tuesday_night_end = utc(4, 5)         # the Tuesday night shift ends 06:00 Berlin on Wednesday, a holiday:
    assert next_working_instant(BERLIN, tuesday_night_end) == utc(5, 5)    # no shift starts until Thursday 06:00


def test_shifts_keep_their_local_time_across_the_daylight_saving_change():
    after = datetime(2026, 3, 30, tzinfo=UTC)                  # Monday after the change to UTC+2
    first = working_intervals(BERLIN, after, after + timedelta(hours=12))[0]
    assert first[0] == datetime(2026, 3, 30, 4, 0, tzinfo=UTC)   # 06:00 Berlin is now 04:00 UTC


def test_long_work_in_a_sparse_calendar_runs_past_a_year():
    sparse = CalendarSpec("UTC", (ShiftSpec("S", 0, 30, frozenset({1})),))   # 30 minutes every Monday
    end = add_working_time(sparse, MON, 29 * 3600)                            # 58 Mondays
    assert end == MON + timedelta(weeks=57, minutes=30)


def test_a_calendar_without_working_time_is_refused():
    with pytest.raises(Invalid, match="no working time"):
        add_working_time(CalendarSpec("UTC", ()), MON, 60)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        working_intervals(BERLIN, datetime(2026, 3, 2), datetime(2026, 3, 3))
