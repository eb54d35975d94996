"""Every use of Reflex's private or internal API, in one place: the live push (rxapp/live.py) and the
unread-badge follower (rxapp/state/config/notifications.py) call these functions and nothing of Reflex
beyond its public `rx` namespace.

Verified on Reflex 0.10.1 (`VERIFIED_ON`). Reflex gives no public way to write one shared state for all
linked tabs and send its delta once, nor to ask whether a tab's socket is still connected, so these reach
into `SharedState` (`_link_to`, `_linked_from`), `BaseState` (`_clean`, `_get_resolved_delta`), the
`EventNamespace` (`_token_manager`, `emit`, `emit_update`) and its token manager (`token_to_socket`,
`instance_id`, `is_token_connected`), `reflex.state.StateUpdate` and `reflex_base.constants.SocketEvent`.

Invariants: no other module of rxapp/ touches a private (`_name`) attribute of a Reflex object or
imports from `reflex.state`, `reflex.istate`, `reflex.app`, `reflex.utils` or `reflex_base`;
tests/unit/test_reflex_adapter.py checks that each attribute used here still exists on the installed
Reflex with the call signature these functions rely on, and that nothing outside this module uses them.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import StateUpdate
from reflex.utils.token_manager import RedisTokenManager, TokenManager
from reflex_base import constants

VERIFIED_ON = "0.10.1"


def state_manager(app: Any) -> Any:
    """Where the app keeps every token's state tree (`App.state_manager`: memory, disk or Redis). Verified on
    Reflex 0.10.1; needed to write a shared state outside any tab's event."""
    return app.state_manager


def event_namespace(app: Any) -> Any:
    """The app's socket.io namespace (`App.event_namespace`), None before the app serves sockets or
    without an app. Verified on Reflex 0.10.1; needed to emit to sockets outside an event handler."""
    return getattr(app, "event_namespace", None)


def token_manager(namespace: Any) -> TokenManager | None:
    """The namespace's token manager (`EventNamespace._token_manager`, private), which maps client tokens to
    sockets; None without a namespace. Verified on Reflex 0.10.1; Reflex has no public accessor for it."""
    return getattr(namespace, "_token_manager", None)


async def is_connected(manager: TokenManager, client_token: str) -> bool:
    """Whether a tab's socket is connected to any worker (`TokenManager.is_token_connected`). Verified on
    Reflex 0.10.1; needed to stop work for tabs that are gone."""
    return await manager.is_token_connected(client_token)


def local_sids(manager: TokenManager, client_tokens: set[str]) -> tuple[list[str], list[str]]:
    """The socket ids of the tabs connected to this worker, and the other tokens (on another worker or
    gone), from `TokenManager.token_to_socket` (SocketRecord `sid`, `instance_id`) and the manager's
    `instance_id`. Verified on Reflex 0.10.1; needed to send one emit to all local sockets at once."""
    sids, others = [], []
    for token in client_tokens:
        record = manager.token_to_socket.get(token)
        if record is not None and record.instance_id == manager.instance_id:
            sids.append(record.sid)
        else:
            others.append(token)
    return sids, others


def state_update(delta: dict[str, Any]) -> StateUpdate:
    """A delta as the update Reflex sends to a tab (`reflex.state.StateUpdate(delta=...)`). Verified on
    Reflex 0.10.1; needed because the live push sends updates outside Reflex's event processing."""
    return StateUpdate(delta=delta)


async def emit_to_sids(namespace: Any, update: StateUpdate, sids: list[str]) -> None:
    """One socket.io emit of `update` to these sockets (the `SocketEvent.EVENT` channel Reflex's frontend
    listens on; python-socketio encodes the packet once), then one yield so the websocket writers flush,
    as Reflex's own `emit_update` does. Verified on Reflex 0.10.1; Reflex emits per tab only."""
    await namespace.emit(str(constants.SocketEvent.EVENT), update, to=sids)
    await asyncio.sleep(0)


async def relay(namespace: Any, update: StateUpdate, client_tokens: list[str]) -> None:
    """Send `update` to tabs connected to other workers, one by one through Reflex's Redis relay
    (`EventNamespace.emit_update`); nothing without the Redis token manager (a single worker has no
    other workers' tabs). Verified on Reflex 0.10.1."""
    manager = token_manager(namespace)
    if not isinstance(manager, RedisTokenManager):
        return
    for token in client_tokens:
        if await manager.is_token_connected(token):
            await namespace.emit_update(update, token)


async def link(shared: Any, token: str) -> Any:
    """Link this tab's `rx.SharedState` to the shared `token` (`SharedState._link_to`, private) and return
    the linked state. Verified on Reflex 0.10.1; Reflex's public linking takes the token from the client,
    while Takt derives it on the server from a scope the services have checked."""
    return await shared._link_to(token)


@asynccontextmanager
async def shared_root(state_manager: Any, token: str, state_cls: type) -> AsyncIterator[Any]:
    """The root state Reflex keeps for a shared token, locked for writing
    (`StateManager.modify_state(rx.BaseStateToken(ident, cls))`). Verified on Reflex 0.10.1; needed to
    write a shared state once, outside any tab's event."""
    async with state_manager.modify_state(rx.BaseStateToken(ident=token, cls=state_cls)) as root:
        yield root


def clean(root: Any) -> None:
    """Forget the state tree's dirty marks (`BaseState._clean`, private), so the next delta holds only
    what changed after. Verified on Reflex 0.10.1; needed so a refresh resends nothing a link already sent."""
    root._clean()


async def resolved_delta(root: Any) -> dict[str, Any]:
    """The delta of the tree's dirty states, computed vars resolved (`BaseState._get_resolved_delta`,
    private). Verified on Reflex 0.10.1; needed to compute a shared state's delta once for all its tabs."""
    return await root._get_resolved_delta()


def linked_tabs(shared: Any) -> set[str]:
    """The client tokens of the tabs linked to a shared state (`SharedState._linked_from`, private).
    Verified on Reflex 0.10.1; needed to know which tabs a refresh goes to."""
    return set(shared._linked_from)


def before_every_event(app: Any, prepare: Callable[[Any], Awaitable[None]]) -> None:
    """Run `await prepare(root_state)` before each event handler of every tab (a `reflex.middleware.Middleware`
    whose `preprocess` answers None, added with `App.add_middleware`). The handler then runs in the same task,
    so a context variable set by `prepare` holds for it. Verified on Reflex 0.10.1; needed to serve each
    event in its tab's language (rxapp/i18n_client.py)."""

    class _Prepare(Middleware):
        async def preprocess(self, app: Any, state: Any, event: Any) -> None:
            await prepare(state)

    app.add_middleware(_Prepare())
