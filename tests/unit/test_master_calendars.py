
"""Shift calendars: validation of shifts and breaks, one default per plant, calendar_spec, isolation."""
from datetime import UTC, date, datetime, timedelta

import pytest

from models.base import utcnow
from services.core.calendar_math import (
    BreakSpec,
    ShiftSpec,
    working_intervals,
    working_seconds,
)
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.master import calendar_shifts as shifts
from services.master import calendars as cals
from services.master.calendars import (
    BreakInput,
    CalendarCreate,
    CalendarUpdate,
    HolidayInput,
    ShiftInput,
    ShiftUpdate,
)
from tests.factories.db import committed
from tests.factories.org import make_plant

UTC = UTC


@pytest.fixture
def planner(world):
    return world.actor(world.planner1)


def _calendar(session, actor, plant_id, name="Two shifts", **kw):
    return committed(session, cals.create_calendar, actor, CalendarCreate(plant_id=plant_id, name=name, **kw), now=utcnow())


def _shift(session, actor, cal_id, name, start, end, weekdays="12345"):
    return committed(session, shifts.add_shift, actor, cal_id, ShiftInput(name=name, start_minute=start, end_minute=end,
                                                                         weekdays=weekdays), now=utcnow())


def _by_name(detail, name):
    return next(s for s in detail.shifts if s.name == name)


def test_calendar_spec_has_shifts_breaks_holidays_and_plant_zone(world, session):
    plant = make_plant(session, world.org_a, "BER", timezone="Europe/Berlin")
    admin = world.actor(world.admin_a)          # resolved after the plant exists: admins see every plant
    cal = _calendar(session, admin, plant).calendar
    early = _by_name(_shift(session, admin, cal.id, "Early", 360, 840), "Early")
    committed(session, shifts.add_break, admin, early.id, BreakInput(name="Lunch", start_minute=720, end_minute=750), now=utcnow())
    committed(session, cals.add_holiday, admin, cal.id, HolidayInput(day=date(2026, 3, 3), name="Plant day"), now=utcnow())
    spec = cals.calendar_spec(session, plant)
    assert spec.timezone == "Europe/Berlin"
    assert spec.shifts == (ShiftSpec("Early", 360, 840, frozenset({1, 2, 3, 4, 5}), (BreakSpec(720, 750),)),)
    assert spec.holidays == frozenset({date(2026, 3, 3)})
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    # Monday 06:00-14:00 Berlin (UTC+1) = 05:00-13:00 UTC, minus lunch 11:00-11:30 UTC; Tuesday is a holiday
    assert working_intervals(spec, monday, monday + timedelta(days=2)) == [
        (datetime(2026, 3, 2, 5, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC)),
        (datetime(2026, 3, 2, 11, 30, tzinfo=UTC), datetime(2026, 3, 2, 13, tzinfo=UTC))]


def test_calendar_spec_without_calendar_or_shifts_says_so(world, session):
    with pytest.raises(Invalid) as exc:
        cals.calendar_spec(session, world.plant1)
    assert "has no shift calendar" in exc.value.message and "calendar" in exc.value.fields
    _calendar(session, world.actor(world.admin_a), world.plant1)
    with pytest.raises(Invalid) as exc:
        cals.calendar_spec(session, world.plant1)
    assert "has no shifts" in exc.value.message


def test_one_default_calendar_per_plant(world, session, planner, captured_events):
    first = _calendar(session, planner, world.plant1, "Summer").calendar
    _shift(session, planner, first.id, "Day", 480, 960)
    second = _calendar(session, planner, world.plant1, "Winter").calendar
    _shift(session, planner, second.id, "Night", 1320, 360)
    assert [(c.name, c.is_default) for c in cals.list_calendars(session, planner)] == [("Summer", False), ("Winter", True)]
    assert cals.calendar_spec(session, world.plant1).shifts[0].name == "Night"
    committed(session, cals.update_calendar, planner, first.id, CalendarUpdate(is_default=True), now=utcnow())
    assert cals.calendar_spec(session, world.plant1).shifts[0].name == "Day"
    assert ("calendar.updated", second.id) in [(e.name, e.payload.get("calendar_id")) for e in captured_events]
    committed(session, cals.set_calendar_active, planner, first.id, False, now=utcnow())
    with pytest.raises(Invalid):
        cals.calendar_spec(session, world.plant1)
    with pytest.raises(Conflict):
        _calendar(session, planner, world.plant1, "Summer")


def test_break_must_lie_inside_its_shift(world, session, planner):
    cal = _calendar(session, planner, world.plant1).calendar
    night = _by_name(_shift(session, planner, cal.id, "Night", 1320, 360), "Night")   # 22:00-06:00
    for start, end in [(1260, 1290), (300, 420), (350, 400), (600, 630), (120, 120)]:
        with pytest.raises(Invalid) as exc:
            shifts.add_break(session, planner, night.id, BreakInput(start_minute=start, end_minute=end), now=utcnow())
        assert "inside" in exc.value.message
    detail = committed(session, shifts.add_break, planner, night.id, BreakInput(name="Meal", start_minute=1410, end_minute=30),
                       now=utcnow())
    assert [(b.name, b.start_minute, b.end_minute) for b in _by_name(detail, "Night").breaks] == [("Meal", 1410, 30)]
    with pytest.raises(Invalid) as exc:
        shifts.add_break(session, planner, night.id, BreakInput(start_minute=0, end_minute=60), now=utcnow())
    assert "overlaps the break 'Meal'" in exc.value.message
    with pytest.raises(Invalid) as exc:
        shifts.update_shift(session, planner, night.id, ShiftUpdate(start_minute=0), now=utcnow())
    assert "Meal" in exc.value.message
    # the break as worked time: the night from Monday 22:00 to Tuesday 06:00 UTC is 8 h minus 1 h
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    spec = cals.calendar_spec(session, world.plant1)
    assert working_seconds(spec, monday, monday + timedelta(days=1, hours=12)) == 7 * 3600


def test_shifts_of_one_calendar_never_overlap(world, session, planner):
    cal = _calendar(session, planner, world.plant1).calendar
    _shift(session, planner, cal.id, "Early", 360, 840)
    _shift(session, planner, cal.id, "Late", 840, 1320)                    # touching is fine
    with pytest.raises(Invalid) as exc:
        _shift(session, planner, cal.id, "Middle", 600, 900)
    assert "overlaps the shift 'Early'" in exc.value.message
    _shift(session, planner, cal.id, "Weekend", 360, 840, weekdays="67")   # other days: fine
    # Sunday night runs into Monday morning's early shift
    with pytest.raises(Invalid) as exc:
        _shift(session, planner, cal.id, "Sunday night", 1320, 420, weekdays="7")
    assert "Early" in exc.value.message
    _shift(session, planner, cal.id, "Sunday night", 1320, 360, weekdays="7")
    with pytest.raises(Invalid):
        _shift(session, planner, cal.id, "Day", 0, 1440, weekdays="6")


def test_shift_field_validation(world, session, planner):
    cal = _calendar(session, planner, world.plant1).calendar
    with pytest.raises(Invalid) as exc:
        shifts.add_shift(session, planner, cal.id, ShiftInput(name="", start_minute=1440, end_minute=1500, weekdays="89"), now=utcnow())
    assert set(exc.value.fields) == {"name", "start_minute", "end_minute", "weekdays"}
    detail = _shift(session, planner, cal.id, "Early", 360, 840, weekdays="5, 1,3")
    assert detail.shifts[0].weekdays == "135"
    shift = detail.shifts[0]
    moved = committed(session, shifts.update_shift, planner, shift.id, ShiftUpdate(end_minute=900, weekdays="12345"), now=utcnow())
    assert (moved.shifts[0].end_minute, moved.shifts[0].weekdays) == (900, "12345")
    assert committed(session, shifts.remove_shift, planner, shift.id, now=utcnow()).shifts == []


def test_holidays_are_unique_and_removable(world, session, planner):
    cal = _calendar(session, planner, world.plant1).calendar
    detail = committed(session, cals.add_holiday, planner, cal.id, HolidayInput(day=date(2026, 12, 25), name="Christmas"), now=utcnow())
    with pytest.raises(Conflict):
        cals.add_holiday(session, planner, cal.id, HolidayInput(day=date(2026, 12, 25)), now=utcnow())
    session.rollback()
    assert committed(session, cals.remove_holiday, planner, detail.holidays[0].id, now=utcnow()).holidays == []


def test_isolation_plant_two_other_org_and_operators(world, session, planner):
    admin = world.actor(world.admin_a)
    cal2 = _calendar(session, admin, world.plant2).calendar
    shift2 = _shift(session, admin, cal2.id, "Day", 480, 960).shifts[0]
    assert cals.list_calendars(session, planner) == []
    for call in (lambda: cals.get_calendar(session, planner, cal2.id),
                 lambda: shifts.add_shift(session, planner, cal2.id, ShiftInput(name="X", start_minute=0, end_minute=60), now=utcnow()),
                 lambda: shifts.remove_shift(session, planner, shift2.id, now=utcnow()),
                 lambda: cals.calendar_spec_of(session, planner, cal2.id),
                 lambda: _calendar(session, planner, world.plant2, "Mine"),
                 lambda: cals.get_calendar(session, world.actor(world.admin_b), cal2.id)):
        with pytest.raises(NotFound):
            call()
    operator = world.actor(world.operator1)
    cal1 = _calendar(session, planner, world.plant1).calendar
    assert cals.get_calendar(session, operator, cal1.id).calendar.name == "Two shifts"
    with pytest.raises(Forbidden):
        shifts.add_shift(session, operator, cal1.id, ShiftInput(name="X", start_minute=0, end_minute=60), now=utcnow())
