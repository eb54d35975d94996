"""A live view opened on a quiet plant is computed when the tab opens it (issue 18): the shared state of a
scope keeps the figures of its last refresh, and the hub refreshes only when the plant's events arrive, so a
tab linking to it must not show those (once 16 minutes old) until the next event. Tabs opening one view at
the same moment share one computation, and a computation that started earlier never overwrites one that
started later (rxapp/live.py `watch`, `fresh`, `refresh`)."""
from __future__ import annotations

import asyncio
import time

from models.base import utcnow
from rxapp import live
from rxapp.state.kpi.andon import board_for_scope, scope_for
from rxapp.state.kpi.live_andon import LiveAndonState
from rxapp.state.kpi.live_dashboard import LiveDashboardState
from services.core.db import db_session
from services.shopfloor import operator as shopfloor
from tests.factories.db import committed
from tests.factories.shopfloor import new_client_id
from tests.ui.conftest import linked, make_token, wall
from tests.ui.test_state_live import dashboard_tab, report, worked  # noqa: F401 (fixture)


def quality(view: LiveDashboardState) -> str:
    return {t.key: t.value for t in view.tiles}["quality"]


async def test_a_dashboard_tab_opening_a_quiet_view_shows_it_computed_now(live_context, engine, session, world,
                                                                          worked):  # noqa: F811
    first = await dashboard_tab(engine)
    _, view = await linked(first, first.enter, LiveDashboardState)
    assert quality(view) == "93.8 %"                         # 30 good, 2 scrap
    report(session, world, worked, good=30, scrap=8, minutes_ago=20)   # no hub runs here: nothing refreshes the view

    second = await dashboard_tab(engine)                     # the same filters: the same shared view
    _, seen = await linked(second, second.enter, LiveDashboardState)
    assert seen._linked_to == view._linked_to
    assert quality(seen) == "85.7 %"                         # 60 good of 70, not the 93.8 % of the first opening


async def test_a_wall_screen_opening_a_quiet_board_shows_the_machines_now(live_context, session, world, floor):
    token = make_token(session, world, world.plant1)
    first = await wall(token)
    _, board = await linked(first, lambda: first._show("", ""), LiveAndonState)
    assert {c.machine_id: c.state for c in board.cards}[floor.machine_id] == "idle"
    committed(session, shopfloor.start_downtime, world.actor(world.operator1), floor.machine_id,
              floor.line.downtime_reason_id, client_id=new_client_id(), now=utcnow())

    second = await wall(token)
    _, seen = await linked(second, lambda: second._show("", ""), LiveAndonState)
    assert {c.machine_id: c.state for c in seen.cards}[floor.machine_id] == "down" and seen.down_count == 1


async def test_an_older_computation_never_overwrites_a_newer_one(live_context, session, world, floor):
    token = make_token(session, world, world.plant1)
    screen = await wall(token)
    before = time.monotonic()
    _, board = await linked(screen, lambda: screen._show("", ""), LiveAndonState)      # computed after `before`
    committed(session, shopfloor.start_downtime, world.actor(world.operator1), floor.machine_id,
              floor.line.downtime_reason_id, client_id=new_client_id(), now=utcnow())
    scope = scope_for(token, None)
    with db_session() as s:
        down = board_for_scope(s, scope, utcnow())

    stale, tokens = await live.refresh(live_context.state_manager, scope, LiveAndonState, down,
                                       started=before - 1)   # began before what the screens show: dropped
    assert stale is None and tokens
    _, shown = await linked(screen, lambda: asyncio.sleep(0), LiveAndonState)
    assert shown.down_count == 0
    update, _ = await live.refresh(live_context.state_manager, scope, LiveAndonState, down)
    assert update is not None


async def test_tabs_opening_one_view_at_once_share_one_computation(live_context, session, world, floor, monkeypatch):
    scope = scope_for(make_token(session, world, world.plant1), None)
    calls = []

    def counted(scope):
        calls.append(scope)
        time.sleep(0.05)                                     # still running when the other tabs ask
        return "figures"
    monkeypatch.setattr(live, "compute_now", counted)
    results = await asyncio.gather(*(live.fresh(scope) for _ in range(5)))
    assert len(calls) == 1 and {data for _, data in results} == {"figures"}
    await live.fresh(scope)                                  # a later opening computes again
    assert len(calls) == 2
