"""The andon wall and the live hub's refreshes on PostgreSQL as the app's non-superuser role, where row-level
security holds: a display token opens its plant's board, the scope check and every refresh of the board run
for the token's organization, and a query in them that forgets its organization filter finds nothing of
another organization. SQLite has no row-level security."""
from __future__ import annotations

from sqlmodel import select

from models.organization import Plant
from rxapp import live
from rxapp.state.kpi.andon import scope_for
from rxapp.state.kpi.live_andon import LiveAndonState
from services.kpi import andon
from tests.ui.conftest import linked, make_token, wall


async def test_the_wall_and_its_refreshes_run_for_the_display_tokens_organization(live_context, session, world,
                                                                                   floor, app_db, monkeypatch):
    seen: dict[str, list[set[int]]] = {"scope": [], "board": []}
    board_scope, board = andon.board_scope, andon.board

    def probe(name, call):
        def probing(s, *args, **kwargs):
            seen[name].append(set(s.exec(select(Plant.organization_id)).all()))   # forgets `organization_id`
            return call(s, *args, **kwargs)
        return probing
    monkeypatch.setattr(andon, "board_scope", probe("scope", board_scope))
    monkeypatch.setattr(andon, "board", probe("board", board))
    token = make_token(session, world, world.plant1)

    state = await wall(token)
    _, shared = await linked(state, lambda: state._show("", ""), LiveAndonState)
    assert (state.ready, state.error) == (True, "")
    assert {c.machine_id for c in shared.cards} == set(floor.line.machine_ids)
    assert seen["scope"] and all(orgs == {world.org_a} for orgs in seen["scope"])     # the token's access check
    assert seen["board"] == [{world.org_a}]                                           # the board's first fill

    refreshed = live.compute_now(scope_for(token, None))            # what the hub computes on each refresh
    assert {t.machine_id for t in refreshed.tiles} == set(floor.line.machine_ids)
    assert seen["board"] == [{world.org_a}, {world.org_a}]
