"""The manager dashboard service (services/kpi/dashboard.py): periods in the plant's days, filters that must
belong to the plant, the view's live scope, every section composed from services/kpi/reads.py, the events
behind a figure, and the export rows. Plant UTC; calendar of tests/factories/production.py (early shift
06:00-14:00, breaks 09:00-09:15 and 12:00-12:30); Cut's ideal cycle time is 30 s."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.core.errors import Forbidden, Invalid, NotFound
from services.core.events import DomainEvent
from services.kpi import dashboard
from services.kpi.dashboard import DashboardFilters
from services.kpi.live import Scope
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import committed
from tests.factories.shopfloor import make_floor, new_client_id

DAY = T0.replace(hour=0)             # Monday 2026-03-02


def at(hour: int, minute: int = 0, day: int = 0) -> datetime:
    return DAY + timedelta(days=day, hours=hour, minutes=minute)


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000, planned_start=at(6))


@pytest.fixture
def viewer(world):
    return world.actor(world.planner1)           # planner: VIEW_DASHBOARDS at plant 1


def act(session, fn, actor, *args, when, **kwargs):
    return committed(session, fn, actor, *args, now=when, occurred_at=when, client_id=new_client_id(), **kwargs)


def work_a_morning(session, world, floor):
    op = world.actor(world.operator1)
    act(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, when=at(6))
    act(session, shopfloor.report_counts, op, floor.machine_id, good=100, scrap=4,
        scrap_reason_code_id=floor.line.scrap_reason_id, when=at(7))
    act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id, when=at(7, 30))
    act(session, shopfloor.end_downtime, op, floor.machine_id, when=at(7, 50))


def test_periods_are_plant_days_and_never_reach_past_now():
    now = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
    f = DashboardFilters(plant_id=1)
    today = dashboard.window(f, "Europe/Berlin", now)                         # CET: midnight is 23:00 UTC
    assert (today.start, today.end, today.bucket) == (datetime(2026, 3, 3, 23, tzinfo=UTC), now, "hour")
    yesterday = dashboard.window(f.model_copy(update={"period": "yesterday"}), "UTC", now)
    assert (yesterday.start, yesterday.end) == (datetime(2026, 3, 3, tzinfo=UTC),
                                                datetime(2026, 3, 4, tzinfo=UTC))
    week = dashboard.window(f.model_copy(update={"period": "7d"}), "UTC", now)
    assert (week.start, week.end, week.bucket) == (datetime(2026, 2, 26, tzinfo=UTC), now, "day")
    custom = dashboard.window(f.model_copy(update={"period": "custom", "start_day": date(2026, 3, 1),
                                                   "end_day": date(2026, 3, 10)}), "UTC", now)
    assert (custom.start, custom.end) == (datetime(2026, 3, 1, tzinfo=UTC), now)
    long = dashboard.window(f.model_copy(update={"period": "custom", "start_day": date(2025, 12, 1),
                                                 "end_day": date(2026, 2, 28)}), "UTC", now)
    assert long.bucket == "week"


@pytest.mark.parametrize("update, field", [
    ({"period": "decade"}, "period"),
    ({"period": "custom"}, "start_day"),
    ({"period": "custom", "start_day": date(2026, 3, 5), "end_day": date(2026, 3, 1)}, "end_day"),
    ({"period": "custom", "start_day": date(2024, 1, 1), "end_day": date(2026, 3, 1)}, "end_day"),
    ({"period": "custom", "start_day": date(2027, 1, 1), "end_day": date(2027, 1, 2)}, "start_day"),
])
def test_bad_periods_are_refused_with_the_field(update, field):
    with pytest.raises(Invalid) as refused:
        dashboard.window(DashboardFilters(plant_id=1, **update), "UTC", T0)
    assert field in refused.value.fields


def test_the_view_holds_every_section_for_the_filters(session, world, floor, viewer):
    work_a_morning(session, world, floor)
    f = DashboardFilters(plant_id=world.plant1, machine_id=floor.machine_id)
    view = committed(session, dashboard.dashboard, viewer, f, now=at(8))
    figures = view.summary.figures
    assert (view.window.start, view.window.end, view.window.bucket) == (DAY, at(8), "hour")
    assert (figures.good, figures.scrap, figures.total) == (100, 4, 104)
    assert figures.quality == "25/26" and figures.stop_minutes == 20.0
    assert [p.label for p in view.trend.points][:2] and len(view.trend.points) >= 2
    # run 100 min for 104 parts of 30 s (52 min): 48 min speed loss; the 20 min breakdown; 4 scrap x 30 s
    assert [(r.kind, r.minutes) for r in view.pareto.rows] == [("speed", 48.0), ("stop", 20.0), ("scrap", 2.0)]
    assert [s.units_in for p in view.yields.products for s in p.steps if s.units_in] == [104]
    assert view.wip.work_orders_running == 1
    assert view.utilisation is not None and [u.id for u in view.utilisation] == [floor.machine_id]
    rows = dashboard.export_rows(view)
    assert {"section": "OEE", "item": "selection", "measure": "Quality %", "value": figures.quality_percent} in rows
    assert {r["section"] for r in rows} >= {"OEE", "OEE trend", "Loss Pareto", "FPY", "RTY", "WIP", "Capacity"}


def test_the_events_behind_a_figure(session, world, floor, viewer):
    work_a_morning(session, world, floor)
    f = DashboardFilters(plant_id=world.plant1)
    quality = committed(session, dashboard.events_behind, viewer, f, "quality", now=at(8))
    assert [(e.kind, e.quantity_good, e.quantity_scrap) for e in quality.events] == [("count", 100, 4)]
    downtime = committed(session, dashboard.events_behind, viewer, f, "availability", now=at(8))
    assert [e.kind for e in downtime.events] == ["downtime_started", "downtime_ended"]
    early = committed(session, dashboard.events_behind, viewer, f, "trend", now=at(8), start=at(6), end=at(7, 15))
    assert [e.kind for e in early.events] == ["count"]
    with pytest.raises(Invalid):
        committed(session, dashboard.events_behind, viewer, f, "salary", now=at(8))


def test_filters_outside_the_plant_do_not_exist(session, world, floor, viewer):
    other = make_floor(session, world.org_a, world.plant2, world.dept2)
    for bad in (DashboardFilters(plant_id=world.plant2), DashboardFilters(plant_id=world.plant_b),
                DashboardFilters(plant_id=world.plant1, machine_id=other.machine_id),
                DashboardFilters(plant_id=world.plant1, department_id=world.dept2)):
        with pytest.raises(NotFound):
            committed(session, dashboard.dashboard_scope, viewer, bad, now=at(8))
    with pytest.raises(NotFound):                     # another organization's admin
        committed(session, dashboard.dashboard, world.actor(world.admin_b), DashboardFilters(plant_id=world.plant1),
                  now=at(8))
    with pytest.raises(Forbidden):                    # an operator has no VIEW_DASHBOARDS
        committed(session, dashboard.dashboard_scope, world.actor(world.operator1),
                  DashboardFilters(plant_id=world.plant1), now=at(8))


def test_the_scope_is_shared_by_equal_filters_and_narrowed_to_its_events(session, world, floor, viewer):
    f = DashboardFilters(plant_id=world.plant1, machine_id=floor.machine_id)
    scope = committed(session, dashboard.dashboard_scope, viewer, f, now=at(8))
    again = committed(session, dashboard.dashboard_scope, world.actor(world.admin_a), f, now=at(8))
    assert scope == again and scope.token == again.token and "_" not in scope.token
    assert dashboard.filters_of(scope) == f
    whole = committed(session, dashboard.dashboard_scope, viewer, DashboardFilters(plant_id=world.plant1), now=at(8))
    assert whole.token != scope.token

    def event(machine_id, when):
        return DomainEvent("count.reported", world.org_a, {"machine_id": machine_id, "occurred_at": when.isoformat()},
                           plant_id=world.plant1, at=when)
    assert dashboard.scope_affected(scope, event(floor.machine_id, at(8)))
    assert not dashboard.scope_affected(scope, event(floor.other_machine_id, at(8)))
    yesterday = Scope("dashboard", world.org_a, world.plant1, (
        ("department", None), ("machine", None), ("shift", None), ("period", "yesterday"), ("start_day", None),
        ("end_day", None), ("timezone", "UTC")))
    late_report = DomainEvent("count.reported", world.org_a, {"occurred_at": at(23, day=-1).isoformat()},
                              plant_id=world.plant1, at=at(8))         # happened yesterday, recorded today
    assert dashboard.scope_affected(yesterday, late_report)
    assert not dashboard.scope_affected(yesterday, event(floor.machine_id, at(8)))


def test_choices_list_the_actors_plants_and_what_is_in_them(session, world, floor, viewer):
    found = committed(session, dashboard.choices, viewer)
    assert [c.id for c in found.plants] == [world.plant1]
    assert {c.id for c in found.departments} == {world.dept1}
    assert set(floor.line.machine_ids) <= {c.id for c in found.machines}
    assert [c.label for c in found.shifts] == ["Early", "Late"]


def test_the_shift_period_needs_a_running_shift(session, world, floor, viewer):
    f = DashboardFilters(plant_id=world.plant1, period="shift")
    assert committed(session, dashboard.dashboard, viewer, f, now=at(8)).window.start == at(6)
    with pytest.raises(Invalid):
        committed(session, dashboard.dashboard_scope, viewer, f, now=at(23))
