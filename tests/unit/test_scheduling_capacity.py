"""Capacity targets per department or machine, and utilisation: scheduled working hours in a
local day, week or month against the targets and the calendar.

The line's calendar works 14.75 h a weekday (early 8 h - 45 min of breaks, late 8 h - 30 min)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.audit import AuditEntry
from models.orders import CapacityPeriod
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.production import scheduling
from services.production.scheduling import CapacityTargetCreate, CapacityTargetUpdate
from tests.factories.db import committed, fetch
from tests.factories.scheduling import floor, utc

T0 = utc(2026, 3, 2, 8, 0)
D = Decimal


def target(session, actor, plant_id, period="day", hours="7", **scope):
    return committed(session, scheduling.create_target, actor,
                     CapacityTargetCreate(plant_id=plant_id, period=period, target_hours=D(hours), **scope), now=T0)


def test_utilisation_of_a_day_against_targets_and_the_calendar(session, world):
    f = floor(session, world)
    _wo, cut, _drill = f.work_order(session, quantity=190)                  # 600 + 5700 s = 1.75 h
    committed(session, scheduling.assign_operation, f.planner, cut, f.m1, now=T0)
    target(session, f.planner, f.plant_id, hours="7", machine_id=f.m1)
    target(session, f.planner, f.plant_id, hours="14", department_id=f.dept_id)
    target(session, f.planner, f.plant_id, period="week", hours="60", machine_id=f.m2)    # another period: unused
    u = committed(session, scheduling.utilisation, f.planner, f.plant_id, period="day", start=date(2026, 3, 2))
    assert (u.start, u.period_start, u.period_end, u.calendar_hours) == (
        date(2026, 3, 2), utc(2026, 3, 2), utc(2026, 3, 3), D("14.75"))
    m1, m2 = u.machines
    assert (m1.id, m1.scheduled_hours, m1.available_hours, m1.target_hours, m1.utilisation, m1.load) == (
        f.m1, D("1.75"), D("14.75"), D("7.00"), D("0.2500"), D("0.1186"))
    assert (m2.id, m2.scheduled_hours, m2.target_hours, m2.utilisation, m2.load) == (
        f.m2, D("0.00"), None, None, D("0.0000"))
    (dept,) = u.departments
    assert (dept.id, dept.scheduled_hours, dept.available_hours, dept.target_hours, dept.utilisation, dept.load) == (
        f.dept_id, D("1.75"), D("29.50"), D("14.00"), D("0.1250"), D("0.0593"))


def test_only_working_time_inside_the_period_counts(session, world):
    f = floor(session, world)
    _wo, cut, _drill = f.work_order(session, quantity=110)                  # Fri 21:30-22:00, Mon 06:00-06:35
    committed(session, scheduling.assign_operation, f.planner, cut, f.m1, now=utc(2026, 3, 6, 21, 30))
    this_week = committed(session, scheduling.utilisation, f.planner, f.plant_id, period="week", start=date(2026, 3, 4))
    next_week = committed(session, scheduling.utilisation, f.planner, f.plant_id, period=CapacityPeriod.WEEK,
                          start=utc(2026, 3, 10, 12))
    assert (this_week.start, this_week.calendar_hours, this_week.machines[0].scheduled_hours) == (
        date(2026, 3, 2), D("73.75"), D("0.50"))
    assert (next_week.start, next_week.machines[0].scheduled_hours) == (date(2026, 3, 9), D("0.58"))
    month = committed(session, scheduling.utilisation, f.planner, f.plant_id, period="month", start=date(2026, 3, 17))
    assert (month.start, month.calendar_hours, month.machines[0].scheduled_hours) == (
        date(2026, 3, 1), D("324.50"), D("1.08"))                          # 22 weekdays; 65 min


def test_periods_are_local_to_the_plant():
    berlin = "Europe/Berlin"
    assert scheduling.period_window(CapacityPeriod.DAY, date(2026, 3, 2), berlin) == (
        date(2026, 3, 2), utc(2026, 3, 1, 23), utc(2026, 3, 2, 23))
    assert scheduling.period_window(CapacityPeriod.WEEK, date(2026, 3, 8), berlin) == (
        date(2026, 3, 2), utc(2026, 3, 1, 23), utc(2026, 3, 8, 23))
    assert scheduling.period_window(CapacityPeriod.MONTH, date(2026, 3, 31), berlin) == (
        date(2026, 3, 1), utc(2026, 2, 28, 23), utc(2026, 3, 31, 22))          # summer time from 29 March
    assert scheduling.period_window(CapacityPeriod.MONTH, date(2026, 12, 5), "UTC") == (
        date(2026, 12, 1), utc(2026, 12, 1), utc(2027, 1, 1))


def test_utilisation_in_a_plant_of_another_zone(session, world):
    f = floor(session, world, zone="Europe/Berlin")
    _wo, cut, _drill = f.work_order(session, quantity=190)
    committed(session, scheduling.assign_operation, f.planner, cut, f.m1, now=T0)    # 09:15-11:00 in Berlin
    u = committed(session, scheduling.utilisation, f.planner, f.plant_id, period="day", start=date(2026, 3, 2))
    assert (u.period_start, u.calendar_hours, u.machines[0].scheduled_hours) == (utc(2026, 3, 1, 23), D("14.75"),
                                                                                  D("1.75"))


def test_targets_are_listed_changed_and_removed(session, engine, world):
    f = floor(session, world)
    made = target(session, f.planner, f.plant_id, period="week", hours="60.5", machine_id=f.m1)
    target(session, f.planner, f.plant_id, period="month", hours="500", department_id=f.dept_id)
    assert (made.scope, made.machine_id, made.period, made.target_hours) == ("machine", f.m1, CapacityPeriod.WEEK,
                                                                            D("60.50"))
    listed = committed(session, scheduling.list_targets, f.planner, f.plant_id)
    assert [(t.scope, t.period.value) for t in listed] == [("department", "month"), ("machine", "week")]
    changed = committed(session, scheduling.update_target, f.planner, made.id,
                        CapacityTargetUpdate(target_hours=D("70")), now=T0)
    assert changed.target_hours == D("70.00")
    committed(session, scheduling.delete_target, f.planner, made.id, now=T0)
    assert [t.scope for t in committed(session, scheduling.list_targets, f.planner, f.plant_id)] == ["department"]
    actions = [e.action for e in fetch(engine, AuditEntry, AuditEntry.entity == "capacity_target", order_by=AuditEntry.id)]
    assert actions == ["create", "create", "update", "delete"]


@pytest.mark.parametrize("period, hours, scope_keys, field", [
    ("day", "0", ("machine_id",), "target_hours"),
    ("day", "24.01", ("machine_id",), "target_hours"),
    ("week", "168.5", ("machine_id",), "target_hours"),
    ("day", "1.005", ("machine_id",), "target_hours"),
    ("day", "8", (), "department_id"),
    ("day", "8", ("machine_id", "department_id"), "department_id"),
])
def test_bad_targets_are_refused(session, world, period, hours, scope_keys, field):
    f = floor(session, world)
    scope = {"machine_id": f.m1, "department_id": f.dept_id}
    with pytest.raises(Invalid) as caught:
        target(session, f.planner, f.plant_id, period=period, hours=hours, **{k: scope[k] for k in scope_keys})
    assert field in caught.value.fields


def test_one_target_per_machine_and_period(session, world):
    f = floor(session, world)
    target(session, f.planner, f.plant_id, hours="7", machine_id=f.m1)
    with pytest.raises(Conflict):
        target(session, f.planner, f.plant_id, hours="8", machine_id=f.m1)
    target(session, f.planner, f.plant_id, period="week", hours="35", machine_id=f.m1)


def test_targets_stay_in_their_plant(session, world):
    f = floor(session, world)
    admin = world.actor(world.admin_a)
    with pytest.raises(Invalid) as caught:
        target(session, admin, f.plant_id, department_id=world.dept2)
    assert "department_id" in caught.value.fields
    with pytest.raises(NotFound):
        target(session, f.planner, f.plant_id, department_id=world.dept2)
    with pytest.raises(NotFound):
        target(session, f.planner, world.plant2, department_id=world.dept2)
    with pytest.raises(NotFound):
        committed(session, scheduling.utilisation, f.planner, world.plant2, period="day", start=date(2026, 3, 2))
    with pytest.raises(Forbidden):
        target(session, world.actor(world.operator1), f.plant_id, machine_id=f.m1)
    with pytest.raises(Invalid) as caught:
        committed(session, scheduling.utilisation, f.planner, f.plant_id, period="year", start=date(2026, 3, 2))
    assert "period" in caught.value.fields
