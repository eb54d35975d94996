"""Timesheets: durations people type, one's week per task and day, taking an entry back (time spent goes
down by exactly its minutes), and a lead's week of the project by member with totals."""
from __future__ import annotations

from datetime import date

import pytest

from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound
from services.studio import tasks, timesheets
from tests.conftest import T0
from tests.factories.studio import actor, make_studio

MONDAY = date(2026, 3, 2)


@pytest.fixture
def studio(session, world):
    return make_studio(session, world)


def _log(session, user, task_id, day, minutes):
    with transaction(session):
        return tasks.log_time(session, actor(session, user), task_id, day, minutes, now=T0)


@pytest.mark.parametrize(("typed", "minutes"), [("1:30", 90), ("1.5", 90), ("1,25 h", 75), ("2h", 120), ("45m", 45),
                                                ("45 min", 45), ("0:05", 5)])
def test_durations_people_type(typed, minutes):
    assert timesheets.parse_duration(typed) == minutes


@pytest.mark.parametrize("typed", ["", "0", "25:00", "abc", "1:75", "-1"])
def test_bad_durations_are_refused(typed):
    with pytest.raises(Invalid):
        timesheets.parse_duration(typed)


def test_my_week_rows_per_task_and_day_with_totals(session, studio):
    _log(session, studio.artist, studio.task_id, MONDAY, 90)
    _log(session, studio.artist, studio.task_id, date(2026, 3, 4), 30)
    _log(session, studio.artist, studio.task_id, date(2026, 3, 4), 15)
    _log(session, studio.artist, studio.task_id, date(2026, 3, 9), 60)             # next week
    week = timesheets.my_week(session, actor(session, studio.artist), date(2026, 3, 5))
    assert week.week_start == MONDAY and len(week.days) == 7
    assert [(r.label, r.detail, r.minutes, r.total) for r in week.rows] == [
        ("EP01 C001", "Key animation", [90, 0, 45, 0, 0, 0, 0], 135)]
    assert week.day_totals == [90, 0, 45, 0, 0, 0, 0] and week.total == 135 and len(week.entries) == 3
    assert timesheets.my_week(session, actor(session, studio.lead), MONDAY).rows == []


def test_taking_an_entry_back_lowers_time_spent(session, studio, captured_events):
    _log(session, studio.artist, studio.task_id, MONDAY, 90)
    _log(session, studio.artist, studio.task_id, MONDAY, 30)
    entry = timesheets.my_week(session, actor(session, studio.artist), MONDAY).entries[0]
    with pytest.raises(Forbidden), transaction(session):
        timesheets.remove_entry(session, actor(session, studio.lead), entry.id, now=T0)
    with pytest.raises(NotFound), transaction(session):
        timesheets.remove_entry(session, actor(session, studio.world.admin_b), entry.id, now=T0)
    with transaction(session):
        task = timesheets.remove_entry(session, actor(session, studio.artist), entry.id, now=T0)
    assert task.spent_minutes == 30
    assert timesheets.my_week(session, actor(session, studio.artist), MONDAY).total == 30
    assert "studio.task.time_removed" in [e.name for e in captured_events]


def test_team_week_by_member_for_leads_only(session, studio):
    _log(session, studio.artist, studio.task_id, MONDAY, 120)
    _log(session, studio.artist, studio.task_id, date(2026, 3, 8), 60)
    _log(session, studio.vendor_user, studio.vendor_task_id, MONDAY, 45)        # a vendor holds no slot
    week = timesheets.team_week(session, actor(session, studio.lead), studio.project_id, MONDAY)
    rows = {r.label: (r.detail, r.minutes[0], r.minutes[6], r.total) for r in week.rows}
    assert rows["artist"] == ("Key Animator", 120, 60, 180)
    assert rows["vendor.user"] == ("", 45, 0, 45)
    assert week.day_totals[0] == 165 and week.total == 225
    with pytest.raises(Forbidden):
        timesheets.team_week(session, actor(session, studio.artist), studio.project_id, MONDAY)
    with pytest.raises(NotFound):
        timesheets.team_week(session, actor(session, studio.world.admin_b), studio.project_id, MONDAY)
