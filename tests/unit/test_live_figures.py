"""services/kpi/live_figures.py: the live tiles' figures in one pass over the rollups equal the KPI summary's figures
and the OEE trend's last point, in every view the dashboard offers (hour, day and week buckets, the "yesterday" view
whose last hour lies inside a day the day rows sum, department, machine and shift filters), with counts, scrap,
planned and unplanned stops (one still open), idle time and booked planned downtime; and it reads the rollups in
fewer statements than the two reads it replaces. Calendar of tests/factories/production.make_line (Early 06:00-14:00,
Late 14:00-22:00, Monday to Friday, UTC)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.calendar import Shift, ShiftCalendar
from services.kpi import dashboard, live_figures, planned_downtime
from services.kpi import reads as kpi
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import committed, statements
from tests.factories.shopfloor import make_floor, new_client_id

MONDAY = T0.replace(hour=0)
NOW = MONDAY + timedelta(days=1, hours=8, minutes=40)           # Tuesday 08:40


def at(day: int, hour: int, minute: int = 0):
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def act(session, fn, actor, *args, when, **kwargs):
    return committed(session, fn, actor, *args, now=when, occurred_at=when, client_id=new_client_id(), **kwargs)


@pytest.fixture
def plant(session, world):
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000, planned_start=at(0, 6))
    op, line = world.actor(world.operator1), floor.line
    act(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, when=at(0, 6))
    act(session, shopfloor.report_counts, op, floor.machine_id, good=20, scrap=2,
        scrap_reason_code_id=line.scrap_reason_id, when=at(0, 7))
    act(session, shopfloor.start_downtime, op, floor.machine_id, line.downtime_reason_id, when=at(0, 8))
    act(session, shopfloor.end_downtime, op, floor.machine_id, when=at(0, 8, 20))
    act(session, shopfloor.report_counts, op, floor.machine_id, good=5, when=at(0, 23, 30))   # yesterday's last hour
    act(session, shopfloor.report_counts, op, floor.machine_id, good=10, scrap=1,
        scrap_reason_code_id=line.scrap_reason_id, when=at(1, 6, 30))
    act(session, shopfloor.start_downtime, op, floor.machine_id, line.planned_stop_reason_id, when=at(1, 7))
    act(session, shopfloor.end_downtime, op, floor.machine_id, when=at(1, 7, 15))
    act(session, shopfloor.report_counts, op, floor.machine_id, good=7, when=at(1, 7, 50))
    act(session, shopfloor.start_downtime, op, floor.machine_id, line.downtime_reason_id, when=at(1, 8, 5))  # open
    committed(session, lambda s: planned_downtime.book(
        s, organization_id=world.org_a, plant_id=world.plant1, machine_id=floor.other_machine_id, start=at(1, 7, 30),
        end=at(1, 8), source="test", source_id=1))
    return floor


def views(session, world, floor) -> list[dashboard.DashboardFilters]:
    shift_id = session.exec(select(Shift.id).join(ShiftCalendar, ShiftCalendar.id == Shift.calendar_id)
                            .where(ShiftCalendar.plant_id == world.plant1, Shift.name == "Early")).first()
    base = {"plant_id": world.plant1}
    return [dashboard.DashboardFilters(**base, **p) for p in (
        {"period": "today"}, {"period": "yesterday"}, {"period": "7d"}, {"period": "30d"}, {"period": "shift"},
        {"period": "custom", "start_day": MONDAY.date() - timedelta(days=90), "end_day": NOW.date()},
        {"period": "today", "department_id": world.dept1}, {"period": "7d", "machine_id": floor.machine_id},
        {"period": "7d", "machine_id": floor.other_machine_id}, {"period": "today", "shift_id": shift_id},
        {"period": "yesterday", "shift_id": shift_id})]


def test_one_pass_equals_the_summary_and_the_trends_last_point_in_every_view(session, world, plant):
    viewer = world.actor(world.planner1)
    buckets = set()
    for filters in views(session, world, plant):
        win = committed(session, lambda s, f=filters: dashboard.period_window(s, f, s.get(dashboard.Plant, f.plant_id),
                                                                             NOW))
        where = dict(plant_id=filters.plant_id, start=win.start, end=win.end, department_id=filters.department_id,
                     machine_id=filters.machine_id, shift_id=filters.shift_id, now=NOW)
        summary = committed(session, kpi.kpi_summary, viewer, **where)
        trend = committed(session, kpi.oee_trend, viewer, **where, bucket=win.bucket)
        found = committed(session, live_figures.live_figures, viewer, **where, bucket=win.bucket)
        assert found.figures == summary.figures, filters
        assert found.point == trend.points[-1], filters
        assert found.machine_ids == [m.machine_id for m in summary.machines]
        buckets.add(win.bucket)
    assert buckets == {"hour", "day", "week"}
    today = committed(session, live_figures.live_figures, viewer, plant_id=world.plant1, start=at(1, 0), end=NOW,
                      bucket="hour", now=NOW)
    yesterday = committed(session, live_figures.live_figures, viewer, plant_id=world.plant1, start=at(0, 0),
                          end=at(1, 0), bucket="hour", now=NOW)
    assert (today.figures.good, today.figures.scrap) == (17, 1) and today.figures.stop_minutes > 0
    assert (yesterday.figures.good, yesterday.point and yesterday.point.figures.good) == (25, 5)


def test_one_pass_reads_fewer_statements_than_the_summary_and_the_trend(session, world, engine, plant):
    viewer = world.actor(world.planner1)
    where = dict(plant_id=world.plant1, start=at(1, 0), end=NOW, now=NOW)
    with statements(engine) as two_reads:
        committed(session, kpi.kpi_summary, viewer, **where)
        committed(session, kpi.oee_trend, viewer, **where, bucket="hour")
    committed(session, live_figures.live_figures, viewer, **where, bucket="hour")       # the worker's caches filled
    with statements(engine) as one_pass:
        committed(session, live_figures.live_figures, viewer, **where, bucket="hour")
    reads = [s for s in one_pass if s.split()[0].upper() == "SELECT"]
    # plant, machines (calendar and conventions cached); counts, closed stops, open stops, reasons; runs, stops,
    # bookings
    assert len(reads) <= 9, "\n".join(reads)
    assert len(reads) < len([s for s in two_reads if s.split()[0].upper() == "SELECT"]) - 12


def test_a_calendar_or_kpi_convention_change_reaches_the_next_live_reading(session, world, plant):
    """The calendar and the idle convention a live reading caches per worker are dropped by the events of their
    change: the next reading equals the summary again."""
    from services.kpi.settings import set_plant_settings
    from services.master.calendar_shifts import update_shift
    from services.master.calendars import ShiftUpdate
    viewer, admin = world.actor(world.planner1), world.actor(world.admin_a)
    where = dict(plant_id=world.plant1, start=at(1, 0), end=NOW, now=NOW)

    def live_and_summary():
        found = committed(session, live_figures.live_figures, viewer, **where, bucket="hour")
        assert found.figures == committed(session, kpi.kpi_summary, viewer, **where).figures
        return found.figures

    first = live_and_summary()
    committed(session, set_plant_settings, admin, world.plant1, idle_convention="not_scheduled",
              overproduction_tolerance_percent=10, now=NOW)
    second = live_and_summary()
    assert first.idle_is_loss and not second.idle_is_loss
    early = session.exec(select(Shift.id).join(ShiftCalendar, ShiftCalendar.id == Shift.calendar_id)
                         .where(ShiftCalendar.plant_id == world.plant1, Shift.name == "Early")).one()
    committed(session, update_shift, admin, early, ShiftUpdate(start_minute=300), now=NOW)      # from 05:00
    assert live_and_summary().shift_minutes == second.shift_minutes + 2 * 60     # an hour more on both machines
