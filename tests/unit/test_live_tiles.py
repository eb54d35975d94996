"""services/kpi/live_tiles.py: the tiles the live channel pushes (dashboard KPI tiles, andon counters),
subscribed only after the view's own access check; another organization's or plant's view is NotFound.
Calendar and plan as in tests/unit/test_andon.py (early shift from 06:00, Cut 30 s a part)."""
from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from services.core.errors import Forbidden, Invalid, NotFound
from services.kpi import live_tiles
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import committed
from tests.factories.org import make_user
from tests.factories.shopfloor import make_floor, new_client_id

DAY = T0.replace(hour=0)


def at(hour: int, minute: int = 0):
    return DAY + timedelta(hours=hour, minutes=minute)


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000, planned_start=at(6))


def act(session, fn, actor, *args, now, **kwargs):
    return committed(session, fn, actor, *args, now=now, occurred_at=now, client_id=new_client_id(), **kwargs)


def scope(session, actor, kind, params, now):
    return committed(session, live_tiles.subscribe_scope, actor, kind, params, now=now)


def read(session, scope_, now):
    return committed(session, live_tiles.tiles, scope_, now=now)


def test_dashboard_tiles_follow_an_operator_report(session, world, floor):
    op, viewer = world.actor(world.operator1), world.actor(world.planner1)
    view = scope(session, viewer, "dashboard", {"plant_id": world.plant1, "period": "today"}, at(6))
    assert view.kind == "dashboard" and view.organization_id == world.org_a and view.plant_id == world.plant1
    act(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, now=at(6))
    before = read(session, view, at(7))
    assert (before["good"], before["scrap"], before["quality"]) == (0, 0, "–")

    act(session, shopfloor.report_counts, op, floor.machine_id, good=10, scrap=1,
        scrap_reason_code_id=floor.line.scrap_reason_id, now=at(7))
    after = read(session, view, at(7, 1))

    assert (after["good"], after["scrap"], after["total"], after["quality"]) == (10, 1, 11, "90.9 %")
    delta = live_tiles.changed(before, after)
    assert delta["good"] == 10 and delta["quality"] == "90.9 %"
    assert "oee" in after and set(delta) <= set(after)


def test_the_dashboard_delta_carries_the_trends_last_point_only(session, world, floor):
    """The "trend.*" tiles are the OEE trend's last point (the bucket the report changed), equal to the last point
    of the whole trend the chart is drawn from; a report in a new hour carries that new point alone."""
    from services.kpi import reads as kpi
    from services.kpi.live import reader_for
    op, viewer = world.actor(world.operator1), world.actor(world.planner1)
    view = scope(session, viewer, "dashboard", {"plant_id": world.plant1, "period": "today"}, at(6))
    act(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, now=at(6))
    act(session, shopfloor.report_counts, op, floor.machine_id, good=10, now=at(7, 10))
    seven = read(session, view, at(7, 30))

    def whole_trend(now):
        return committed(session, kpi.oee_trend, reader_for(view), plant_id=world.plant1, start=DAY, end=now,
                         bucket="hour", now=now).points

    points = whole_trend(at(7, 30))
    assert len(points) > 1                                    # the chart holds earlier hours too
    assert {k: v for k, v in seven.items() if k.startswith("trend.")} == live_tiles.trend_tiles(points[-1].label,
                                                                                                points[-1].figures)
    assert seven["trend.quality"] == 100.0 and isinstance(seven["trend.oee"], float)

    act(session, shopfloor.report_counts, op, floor.machine_id, good=5, scrap=5,
        scrap_reason_code_id=floor.line.scrap_reason_id, now=at(8, 5))
    eight = read(session, view, at(8, 10))
    delta = live_tiles.changed(seven, eight)
    points = whole_trend(at(8, 10))
    assert delta["trend.label"] == points[-1].label != seven["trend.label"]     # a new point, to append
    assert delta["trend.quality"] == 50.0
    trend_keys = {k for k in delta if k.startswith("trend.")}
    assert trend_keys <= {"trend.label", *(f"trend.{s}" for s in live_tiles.TREND_SERIES)}   # one point, no figure
    assert {k: eight[k] for k in trend_keys} | {k: v for k, v in seven.items()
                                              if k.startswith("trend.") and k not in trend_keys} == \
        live_tiles.trend_tiles(points[-1].label, points[-1].figures)


def test_a_count_changes_the_counters_and_the_quality_at_once_as_the_reading_after_it_does(session, world, floor,
                                                                                             captured_events):
    """What the live channel sends from the event alone equals what the database reading after it gives, in every
    view; where the event cannot tell (another machine's view, a count outside the period) it sends nothing at
    once, and with a shift filter it leaves everything to the reading."""
    from sqlmodel import select

    from models.calendar import Shift, ShiftCalendar
    op, viewer = world.actor(world.operator1), world.actor(world.planner1)
    today = {"plant_id": world.plant1, "period": "today"}
    views = [scope(session, viewer, "dashboard", {**today, **p}, at(6)) for p in (
        {}, {"period": "yesterday"}, {"period": "7d"}, {"department_id": world.dept1},
        {"machine_id": floor.other_machine_id}, {"period": "custom", "start_day": "2026-01-01", "end_day": "2026-01-02"})]
    act(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, now=at(6))
    before = [committed(session, live_tiles.reading, v, now=at(7)) for v in views]
    shift_id = session.exec(select(Shift.id).join(ShiftCalendar, ShiftCalendar.id == Shift.calendar_id)
                            .where(ShiftCalendar.plant_id == world.plant1)).first()
    by_shift = committed(session, live_tiles.reading, scope(session, viewer, "dashboard", {**today, "shift_id": shift_id},
                                                            at(7)), now=at(7))

    act(session, shopfloor.report_counts, op, floor.machine_id, good=10, scrap=1,
        scrap_reason_code_id=floor.line.scrap_reason_id, now=at(7))
    event = next(e for e in captured_events if e.name == "count.reported")
    at_once = [b.at_once(b.tiles, event) if b.at_once else None for b in before]
    after = [read(session, v, at(7, 1)) for v in views]

    assert at_once[0] == {"good": 10, "scrap": 1, "total": 11, "quality": "90.9 %"}
    assert at_once[-2:] == [{}, {}]                          # another machine; a period long past
    for sent, found in zip(at_once, after, strict=True):
        assert sent == {key: found[key] for key in sent}
    assert by_shift.at_once is None and by_shift.tiles


def test_the_last_bucket_begins_where_the_trend_draws_it():
    from zoneinfo import ZoneInfo

    from services.kpi.reads import last_bucket_start
    berlin = ZoneInfo("Europe/Berlin")
    start = DAY.replace(hour=23) - timedelta(days=1)                 # a Berlin midnight in UTC (winter: 23:00 UTC)
    assert last_bucket_start(start, start + timedelta(hours=7, minutes=20), "hour", berlin) == start + timedelta(hours=7)
    assert last_bucket_start(start, start + timedelta(hours=7), "hour", berlin) == start + timedelta(hours=6)
    assert last_bucket_start(start, start + timedelta(minutes=5), "hour", berlin) == start
    week = start - timedelta(days=6)
    assert last_bucket_start(week, start + timedelta(hours=3), "day", berlin) == start
    monday = datetime(2026, 3, 1, 23, tzinfo=UTC)                    # Monday 2 March 2026, 00:00 in Berlin
    assert last_bucket_start(week - timedelta(days=30), monday + timedelta(days=2, hours=5), "week", berlin) == monday
    assert last_bucket_start(week - timedelta(days=30), monday + timedelta(days=2, hours=5), "week", berlin,
                             week_start=6) == monday - timedelta(days=1)
    with pytest.raises(Invalid):
        last_bucket_start(start, start + timedelta(hours=1), "shift", berlin)


def test_the_same_filters_give_the_same_scope_as_the_dashboard_page(session, world):
    from services.kpi import dashboard
    viewer = world.actor(world.planner1)
    channel_scope = scope(session, viewer, "dashboard", {"plant_id": str(world.plant1), "department_id": "",
                                                         "period": "today"}, at(8))
    page_scope = committed(session, dashboard.dashboard_scope, viewer,
                           dashboard.DashboardFilters(plant_id=world.plant1, period="today"), now=at(8))
    assert channel_scope.token == page_scope.token


def test_andon_tiles_per_machine(session, world, floor):
    op, viewer = world.actor(world.operator1), world.actor(world.planner1)
    board = scope(session, viewer, "andon", {"plant_id": world.plant1}, at(6))
    act(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, now=at(6))
    act(session, shopfloor.report_counts, op, floor.machine_id, good=100, scrap=4,
        scrap_reason_code_id=floor.line.scrap_reason_id, now=at(7))
    tiles = read(session, board, at(8))
    key = f"m{floor.machine_id}."
    assert tiles[key + "state"] == "running"
    assert (tiles[key + "good"], tiles[key + "scrap"], tiles[key + "progress"], tiles[key + "plan"]) == (100, 4, 10, 22)
    assert tiles["running"] == 1 and tiles["down"] == 0
    assert tiles[f"m{floor.other_machine_id}.state"] == "idle"


def test_a_report_changes_its_machines_andon_tile_at_once_as_the_reading_after_it_does(session, world, floor,
                                                                                       captured_events):
    """State, the running and down counts, and the job's good, scrap and progress, from the event alone, equal the
    reading after it; an event of a machine with no job on the board changes its state and the counts only."""
    op, viewer = world.actor(world.operator1), world.actor(world.planner1)
    board = scope(session, viewer, "andon", {"plant_id": world.plant1}, at(6))
    key = f"m{floor.machine_id}."
    act(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, now=at(6))
    steps = [lambda: act(session, shopfloor.report_counts, op, floor.machine_id, good=100, scrap=4,
                         scrap_reason_code_id=floor.line.scrap_reason_id, now=at(7)),
             lambda: act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id,
                         now=at(7, 30)),
             lambda: act(session, shopfloor.end_downtime, op, floor.machine_id, now=at(7, 40))]
    sent = []
    for step in steps:
        before = committed(session, live_tiles.reading, board, now=at(8))
        captured_events.clear()
        step()
        event = next(e for e in captured_events if e.name.startswith(("count.", "downtime.")))
        assert before.at_once is not None
        at_once = before.at_once(before.tiles, event)
        after = read(session, board, at(8))
        assert at_once == {k: after[k] for k in at_once}
        sent.append(at_once)
    assert sent[0] == {key + "state": "running", key + "good": 100, key + "scrap": 4, key + "progress": 10,
                       "running": 1, "down": 0}
    assert sent[1] == {key + "state": "down", "running": 0, "down": 1}
    assert sent[2][key + "state"] == "running"

    idle = committed(session, live_tiles.reading, board, now=at(8))
    other = next(e for e in captured_events if e.name.startswith("downtime."))
    assert idle.at_once is not None
    unknown = idle.at_once(idle.tiles, dataclasses.replace(other, machine_id=floor.other_machine_id, machine_state="down"))
    assert unknown == {f"m{floor.other_machine_id}.state": "down", "running": 1, "down": 1}


def test_another_organizations_or_plants_view_is_not_found(session, world):
    viewer = world.actor(world.planner1)                     # plant 1 only
    for kind in ("dashboard", "andon"):
        with pytest.raises(NotFound):
            scope(session, viewer, kind, {"plant_id": world.plant_b}, at(8))
        with pytest.raises(NotFound):
            scope(session, viewer, kind, {"plant_id": world.plant2}, at(8))
        with pytest.raises(NotFound):
            scope(session, world.actor(world.admin_b), kind, {"plant_id": world.plant1}, at(8))


def test_a_person_without_dashboards_is_refused(session, world):
    nobody = make_user(session, world.org_a, roles=["operator"], plant_ids=[world.plant1], username="op.two")
    with pytest.raises(Forbidden):
        scope(session, world.actor(nobody), "andon", {"plant_id": world.plant1}, at(8))


def test_unknown_kinds_and_bad_params_are_invalid(session, world):
    viewer = world.actor(world.planner1)
    with pytest.raises(Invalid):
        scope(session, viewer, "payroll", {}, at(8))
    with pytest.raises(Invalid):
        scope(session, viewer, "dashboard", {"plant_id": "x"}, at(8))
    with pytest.raises(Invalid):
        scope(session, viewer, "dashboard", {}, at(8))
    with pytest.raises(Invalid):
        scope(session, viewer, "dashboard", ["not", "an", "object"], at(8))


def test_changed_sends_only_what_changed_and_drops_what_went():
    assert live_tiles.changed({"a": 1, "b": "x", "c": 3}, {"a": 1, "b": "y", "d": 0}) == {"b": "y", "d": 0, "c": None}
    assert live_tiles.changed({"a": 1}, {"a": 1}) == {}


# ----- SPC (registered by services/quality/spc_tiles.py) -------------------------------------------

def test_spc_tiles_follow_a_recorded_inspection_and_stay_in_their_organization(session, world):
    from services.core.events import DomainEvent
    from tests.factories.production import make_line
    from tests.factories.quality import baseline, make_plan, measure
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    quality = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username="q.q"))
    _plan, cid = make_plan(session, quality, world.plant1, line.product_id)
    for minute, value in enumerate([10, 12, 11, 13, 14]):
        measure(session, quality, cid, minute, [value])
    baseline(session, quality, cid, 0, 10)
    chart = scope(session, quality, "spc", {"characteristic_id": cid}, at(8))
    assert (chart.kind, chart.plant_id) == ("spc", world.plant1)
    before = read(session, chart, at(8))
    assert (before["points"], before["center"], before["ucl"], before["last"]) == (5, "12", "15.99", "14")

    measure(session, quality, cid, 20, [15])
    after = read(session, chart, at(8))
    assert live_tiles.changed(before, after)["points"] == 6 and after["last"] == "15"

    check = live_tiles.affects("spc")
    mine = DomainEvent("inspection.recorded", world.org_a, {"characteristic_id": cid}, plant_id=world.plant1)
    other = DomainEvent("inspection.recorded", world.org_a, {"characteristic_id": cid + 1}, plant_id=world.plant1)
    assert check(chart, mine) and not check(chart, other)
    board = scope(session, world.actor(world.planner1), "andon", {"plant_id": world.plant1}, at(8))
    assert not live_tiles.affects("andon")(board, mine)          # an inspection leaves the andon board alone
    assert "inspection." in live_tiles.event_prefixes()
    with pytest.raises(NotFound):
        scope(session, world.actor(world.admin_b), "spc", {"characteristic_id": cid}, at(8))
    with pytest.raises(Invalid):
        scope(session, quality, "spc", {"characteristic_id": "x"}, at(8))
