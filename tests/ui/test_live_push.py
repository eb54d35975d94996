"""The live push path without a browser (rxapp/live.py `refresh`, rxapp/reflex_adapter.py `local_sids`): one refresh of a scope is
applied once to the shared state Reflex keeps for the scope's token and gives one update, the same for
every tab linked to that scope; only those tabs are recipients (a tab of another organization's board, or
a tab whose token was refused and never linked, is not); a tab's later event reads the refreshed values;
a refresh that changes nothing sends nothing, and one that changes a part sends only that part.
The browser really receiving it is tests/e2e/test_live_e2e.py."""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from reflex.utils.token_manager import LocalTokenManager
from reflex_base.registry import RegistrationContext

from models.base import utcnow
from rxapp import live, reflex_adapter
from rxapp.state.kpi.andon import board_for_scope, scope_for
from rxapp.state.kpi.live_andon import LiveAndonState
from services.core.db import db_session
from services.org import api_tokens
from services.shopfloor import operator as shopfloor
from tests.factories.db import committed
from tests.factories.shopfloor import new_client_id
from tests.ui.conftest import linked, make_token, wall

BOARD = LiveAndonState.get_full_name()


@pytest.fixture
def no_sockets():
    """Reflex's own per-tab update after an event of a linked tab asks the registered App for its socket
    namespace and does nothing without one: a test has no sockets (and no running App) to send to."""
    context = RegistrationContext.get()
    before = context._app
    object.__setattr__(context, "_app", SimpleNamespace(event_namespace=None))
    yield
    object.__setattr__(context, "_app", before)


async def tab(client_token: str, display_token: str):
    """A wall screen whose browser tab has its own Reflex client token."""
    state = await wall(display_token)
    root = state._get_root_state()
    root.rx_router_session = dataclasses.replace(root.rx_router_session, client_token=client_token)
    _, board = await linked(state, lambda: state._show("", ""), LiveAndonState)
    return state, board


def board_now(scope, now):
    with db_session() as session:
        return board_for_scope(session, scope, now)


def field(delta: dict, name: str):
    """The value of `name` in a state's delta (Reflex suffixes the keys of plain fields)."""
    return next(value for key, value in delta.items() if key.split("_rx_state_")[0] == name)


async def test_one_refresh_one_update_for_the_linked_tabs_only(live_context, no_sockets, session, world, floor):
    plant1 = make_token(session, world, world.plant1)
    first, first_board = await tab("tab1", plant1)
    second, _ = await tab("tab2", plant1)
    foreign, foreign_board = await tab("tab3", make_token(session, world, world.plant_b, admin=world.admin_b))
    revoked = make_token(session, world, world.plant1)
    row = max(committed(session, api_tokens.list_api_tokens, world.actor(world.admin_a)), key=lambda r: r.id)
    committed(session, api_tokens.revoke_api_token, world.actor(world.admin_a), row.id, now=utcnow())
    refused, refused_board = await tab("tab4", revoked)
    assert first.ready and second.ready and foreign.ready and not refused.ready and refused_board._linked_to == ""
    assert foreign_board._linked_to != first_board._linked_to
    assert {c.state for c in first_board.cards} == {"idle"}

    committed(session, shopfloor.start_downtime, world.actor(world.operator1), floor.machine_id,
              floor.line.downtime_reason_id, client_id=new_client_id(), now=utcnow())
    scope, now = scope_for(plant1, None), utcnow()
    update, tokens = await live.refresh(live_context.state_manager, scope, LiveAndonState, board_now(scope, now))

    assert tokens == {"tab1", "tab2"}                       # not the foreign board's tab, not the refused one
    assert list(update.delta) == [BOARD]                    # this shared state only, computed once for both tabs
    sent = update.delta[BOARD]
    cards = {c.machine_id: c for c in field(sent, "cards")}
    assert cards[floor.machine_id].state == "down" and field(sent, "down_count") == 1
    assert not any(key.startswith(("plant", "loaded")) for key in sent), sorted(sent)   # unchanged parts are not sent again

    # a tab's later event (here the screen re-opening) reads the refreshed board from Reflex's store
    _, seen = await linked(second, lambda: second._show("", ""), LiveAndonState)
    assert {c.machine_id: c.state for c in seen.cards}[floor.machine_id] == "down" and seen.down_count == 1
    _, other = await linked(foreign, lambda: foreign._show("", ""), LiveAndonState)
    assert other.down_count == 0 and floor.machine_id not in {c.machine_id for c in other.cards}

    # the re-opening computed the board afresh (rxapp/live.py watch), at its own clock: refresh at one later
    # moment, then once more with the same figures
    later = utcnow()
    await live.refresh(live_context.state_manager, scope, LiveAndonState, board_now(scope, later))
    again, tokens = await live.refresh(live_context.state_manager, scope, LiveAndonState, board_now(scope, later))
    assert again is None and tokens == {"tab1", "tab2"}    # nothing changed: nothing to send


async def test_the_update_goes_to_this_workers_sockets_of_the_linked_tabs():
    manager = LocalTokenManager()
    await manager.link_token_to_sid("tab1", "sid-1")
    await manager.link_token_to_sid("tab2", "sid-2")
    await manager.link_token_to_sid("tab9", "sid-9")        # connected, not linked to the scope
    sids, others = reflex_adapter.local_sids(manager, {"tab1", "tab2", "gone"})
    assert sorted(sids) == ["sid-1", "sid-2"] and others == ["gone"]
    await manager.disconnect_token("tab2", "sid-2")
    assert reflex_adapter.local_sids(manager, {"tab1", "tab2"}) == (["sid-1"], ["tab2"])


def test_no_client_can_send_a_refresh_as_an_event():
    """A refresh is applied by the server only: the live states expose no handler taking display values."""
    from rxapp.state.kpi.live_dashboard import LiveDashboardState

    for cls in (LiveAndonState, LiveDashboardState):
        assert not {"apply", "_apply", "prepare"} & set(cls.event_handlers)
