"""The live pages' states without a browser: the andon wall screen with a display token (linked to its
plant's shared board; refused with a revoked, unknown, foreign or non-display token, and then never
linked), and the manager dashboard (filters re-link the shared view; a filter outside the plant is
refused; drill-down to the events behind a figure; CSV and Excel export of what is shown).

Linking a shared state needs Reflex's event context: `live_context` gives the tabs of a test one
in-memory state manager, as one backend worker would, and `linked()` runs a handler the way Reflex
runs an event of an app with shared states (inside `_modify_linked_states`)."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import openpyxl
import pytest

from models.base import utcnow
from models.shopfloor import EventKind
from models.user import User
from rxapp import routes
from rxapp.state.kpi.andon import AndonState
from rxapp.state.kpi.dashboard import DashboardState
from rxapp.state.kpi.live_andon import LiveAndonState
from rxapp.state.kpi.live_dashboard import LiveDashboardState
from rxapp.state.org.auth import AuthState
from services.core.db import transaction
from services.kpi import rollups
from services.org import api_tokens
from services.shopfloor import operator as shopfloor
from tests.factories.db import committed
from tests.factories.kpi import insert_events
from tests.factories.org import make_user
from tests.factories.shopfloor import make_floor, new_client_id
from tests.ui.conftest import (
    download_bytes,
    linked,
    make_token,
    new_tab,
    redirects,
    run,
    session_token,
    signed_in,
    wall,
)

# ----- andon ---------------------------------------------------------------------------------

async def test_a_display_token_links_the_wall_to_its_plants_board(live_context, session, world, floor):
    token = make_token(session, world, world.plant1)
    committed(session, shopfloor.start_downtime, world.actor(world.operator1), floor.machine_id,
              floor.line.downtime_reason_id, client_id=new_client_id(), now=utcnow())
    first, second = await wall(token), await wall(token)
    _, board = await linked(first, lambda: first._show("", ""), LiveAndonState)
    _, other = await linked(second, lambda: second._show("", ""), LiveAndonState)

    assert (first.ready, first.error) == (True, "")
    assert board.loaded and board._linked_to.startswith("andon")
    assert other is board                                   # one board, two screens
    cards = {c.machine_id: c for c in board.cards}
    assert set(cards) == set(floor.line.machine_ids)
    assert (cards[floor.machine_id].state, cards[floor.machine_id].state_label) == ("down", "Down")
    assert cards[floor.machine_id].reason == "BRK reason" and board.down_count == 1


async def test_a_token_in_the_address_is_kept_and_taken_out_of_it(live_context, session, world, floor):
    token = make_token(session, world, world.plant1)
    state = await wall("")
    events, board = await linked(state, lambda: state._show(token, ""), LiveAndonState)
    assert state.display_token == token and redirects(events) == ["/andon"]
    assert not state.ready and board._linked_to == ""


@pytest.mark.parametrize("case", ["revoked", "unknown", "machine", "foreign", "foreign plant"])
async def test_the_wall_is_refused_and_never_linked(live_context, session, world, floor, case):
    plant = ""
    if case == "revoked":
        token = make_token(session, world, world.plant1)
        row = committed(session, api_tokens.list_api_tokens, world.actor(world.admin_a))[0]
        committed(session, api_tokens.revoke_api_token, world.actor(world.admin_a), row.id, now=utcnow())
    elif case == "unknown":
        token = "tkt_nothing-like-this"
    elif case == "machine":
        token = make_token(session, world, world.plant1, kind="machine")
    else:                                   # a display token of another organization, asking for plant 1
        token = make_token(session, world, world.plant_b, admin=world.admin_b)
        plant = str(world.plant1) if case == "foreign plant" else ""
    state = await wall(token)
    _, board = await linked(state, lambda: state._show("", plant), LiveAndonState)
    if case == "foreign":                   # its own plant only: org B's board, nothing of org A
        assert state.ready and {c.machine_id for c in board.cards}.isdisjoint(floor.line.machine_ids)
        return
    assert not state.ready and state.error != "" and board._linked_to == "" and board.cards == []
    expected = {"revoked": "unknown or revoked", "unknown": "unknown or revoked", "machine": "not allowed",
                "foreign plant": "not found"}[case]
    assert expected in state.error.lower()


async def test_a_person_with_several_plants_chooses_the_board_and_a_technician_sees_theirs(
        live_context, engine, session, world, floor):
    """Issue 18: /andon from the navigation: several plants -> a list to choose from (no error, nothing linked); a
    technician (MAINTAIN, no VIEW_DASHBOARDS) with one plant gets that plant's board."""
    admin = await new_tab(AndonState)
    (await admin.get_state(AuthState)).token = session_token(engine, "admin.a")
    _, board = await linked(admin, lambda: admin._show("", ""), LiveAndonState)
    assert admin.error == "" and not admin.ready and board._linked_to == ""
    assert [c.href for c in admin.choices] == [routes.andon_url(p) for p in sorted((world.plant1, world.plant2))]
    _, board = await linked(admin, lambda: admin._show("", str(world.plant1)), LiveAndonState)
    assert admin.ready and admin.choices == [] and board.loaded
    make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.andon")
    tech = await new_tab(AndonState)
    (await tech.get_state(AuthState)).token = session_token(engine, "tech.andon")
    _, board = await linked(tech, lambda: tech._show("", ""), LiveAndonState)
    assert tech.ready and tech.error == "" and set(floor.line.machine_ids) <= {c.machine_id for c in board.cards}


# ----- dashboard -----------------------------------------------------------------------------

def report(session, world, floor, *, good, scrap, minutes_ago=30):
    op = world.actor(world.operator1)
    when = utcnow() - timedelta(minutes=minutes_ago)
    committed(session, shopfloor.report_counts, op, floor.machine_id, good=good, scrap=scrap,
              scrap_reason_code_id=floor.line.scrap_reason_id if scrap else None, client_id=new_client_id(),
              now=utcnow(), occurred_at=when)


@pytest.fixture
def worked(session, world, floor):
    committed(session, shopfloor.start_job, world.actor(world.operator1), floor.machine_id, floor.cut_id,
              client_id=new_client_id(), now=utcnow(), occurred_at=utcnow() - timedelta(minutes=60))
    report(session, world, floor, good=30, scrap=2)
    return floor


async def dashboard_tab(engine, username="planner.one"):
    state = await signed_in(engine, DashboardState, username)
    state.period = "7d"                     # the test's events lie in it whatever the time of day
    return state


async def test_the_dashboard_links_its_filters_and_shows_the_figures(live_context, engine, session, world, worked):
    state = await dashboard_tab(engine)
    _, view = await linked(state, state.enter, LiveDashboardState)
    assert state.plant_id == str(world.plant1) and state.filter_error == ""
    assert [c.id for c in state.plant_choices] == [str(world.plant1)]
    assert {c.id for c in state.machines} >= {str(m) for m in worked.line.machine_ids}
    assert view.loaded and view.error == "" and view._linked_to == state.linked_token
    tiles = {t.key: t for t in view.tiles}
    assert tiles["quality"].value == "93.8 %" and tiles["quality"].detail == "30 good, 2 scrap"
    assert [(r.step, r.units_in, r.right_first_time) for r in view.yields] == [("Cut", 32, 30)]

    whole_plant = state.linked_token
    _, machine_view = await linked(state, lambda: state.set_filter("machine_id", str(worked.other_machine_id)),
                                   LiveDashboardState)
    assert state.linked_token != whole_plant and machine_view is not view
    assert machine_view.tiles[3].value == "–"              # nothing made on that machine
    await linked(state, lambda: state.set_filter("machine_id", "all"))
    assert state.linked_token == whole_plant and state.machine_id == ""


async def test_filters_outside_the_persons_plants_are_refused(live_context, engine, session, world, worked):
    other = make_floor(session, world.org_a, world.plant2, world.dept2)
    state = await dashboard_tab(engine)
    await linked(state, state.enter)
    token = state.linked_token
    await linked(state, lambda: state.set_filter("machine_id", str(other.machine_id)))
    assert state.filter_error == "Machine not found." and state.linked_token == token
    await linked(state, lambda: state.set_filter("plant_id", str(world.plant_b)))
    assert state.filter_error == "Plant not found." and state.linked_token == token
    await linked(state, lambda: state.set_filter("colour", "red"))
    assert state.linked_token == token


async def test_people_without_dashboards_get_nothing(live_context, engine, session, world, worked):
    state = await signed_in(engine, DashboardState, "op.one")
    _, view = await linked(state, state.enter, LiveDashboardState)
    assert state.plant_choices == [] and state.linked_token == "" and view._linked_to == ""


async def test_a_figure_drills_down_to_its_events(live_context, engine, session, world, worked):
    state = await dashboard_tab(engine)
    _, view = await linked(state, state.enter, LiveDashboardState)
    await run(state.drill("quality"), state)   # read through the services with this tab's filters
    assert state.drill_open and state.drill_title == "Quality"
    assert [(r.kind, r.good, r.scrap, r.machine) for r in state.drill_rows] == [
        ("count", 30, 2, state.drill_rows[0].machine)]
    await run(state.drill("availability"), state)
    assert state.drill_rows == []                           # no downtime recorded
    reported = utcnow() - timedelta(minutes=30)
    bounds = [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in view.trend_bounds]
    holding = next(i for i, (a, b) in enumerate(bounds) if a <= reported < b)
    await linked(state, lambda: state.drill_trend([{"pointIndex": holding}]))
    assert [r.scrap for r in state.drill_rows] == [2] and state.drill_title.startswith("OEE trend · ")
    await linked(state, lambda: state.drill_trend([{"pointIndex": (holding + 1) % len(bounds)}]))
    assert state.drill_rows == []
    state.drill_rows = []
    await linked(state, lambda: state.drill_trend([{"pointIndex": 999}]))     # not a point: nothing happens
    assert state.drill_rows == []
    await run(state.close_drill(), state)
    assert not state.drill_open


async def test_the_export_holds_what_is_shown(live_context, engine, session, world, worked):
    state = await dashboard_tab(engine)
    await linked(state, state.enter)
    rows = list(csv.DictReader(io.StringIO(download_bytes(await run(state.export("csv"), state)).decode("utf-8-sig"))))
    assert {"Section": "OEE", "Item": "selection", "Measure": "Quality %", "Value": "93.8"} in rows
    assert {"Section": "OEE", "Item": "selection", "Measure": "Scrap", "Value": "2"} in rows
    book = openpyxl.load_workbook(io.BytesIO(download_bytes(await run(state.export("xlsx"), state))))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["Section", "Item", "Measure", "Value"]
    assert sheet.max_row == len(rows) + 1
    with transaction(session):
        session.get(User, world.planner1).language = "ja"
    japanese = await dashboard_tab(engine)
    await linked(japanese, japanese.enter)
    header = download_bytes(await run(japanese.export("csv"), japanese)).decode("utf-8-sig").splitlines()[0]
    assert header == "区分,項目,指標,値"


async def test_the_loss_pareto_ranks_by_minutes_or_by_stops(live_context, engine, session, world, worked):
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    day = next(today - timedelta(days=n) for n in range(1, 7) if (today - timedelta(days=n)).weekday() < 5)
    brk = worked.line.downtime_reason_id
    with transaction(session):                  # two breakdowns in the early and late shifts of a past weekday
        rollups.apply(session, insert_events(session, worked, world, [
            (EventKind.DOWNTIME_STARTED, day + timedelta(hours=7), 0, 0, brk),
            (EventKind.DOWNTIME_ENDED, day + timedelta(hours=7, minutes=10), 0, 0, None),
            (EventKind.DOWNTIME_STARTED, day + timedelta(hours=15), 0, 0, brk),
            (EventKind.DOWNTIME_ENDED, day + timedelta(hours=15, minutes=5), 0, 0, None)]))
    state = await dashboard_tab(engine)
    _, view = await linked(state, state.enter, LiveDashboardState)
    assert view.has_stops and view.stop_reasons == [brk]
    assert list(view.stop_pareto.data[0].y) == [2]                  # the bars count stops, not minutes
    assert state.pareto_by == "minutes" and len(view.loss_reasons) > 1      # scrap and speed rank by minutes too
    await run(state.set_pareto_by("stops"), state)
    await linked(state, lambda: state.drill_loss([{"pointIndex": 0}]))
    assert [r.kind for r in state.drill_rows] == ["downtime_started", "downtime_ended"] * 2
    await run(state.set_pareto_by("anything"), state)
    assert state.pareto_by == "minutes"
