"""Per-tab live updates of what a page shows this person only (the unread badge, a control chart, a technician's
tickets, the maintenance dashboard's own analysis): a background task awaiting the event bus, never polling the
database (DESIGN.md section 5). Views many screens share go through the live hub instead (rxapp/live.py).

`follow_tab` resolves the person once from the session token, subscribes to the bus and, for each event
`relevant` to that person, calls the page's `refresh(event)` (read and show; False: stop, e.g. the session
ended). With `coalesce` it waits that long first and drops the events queued meanwhile, so a burst is one read.
It runs once per tab and key on this worker, and ends when the tab's socket is gone (checked whenever it wakes, at
least every `check_every` seconds).
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from rxapp import reflex_adapter
from rxapp.state.org.auth import _person_for_token
from services.core.access import Actor
from services.core.db import db_session, transaction
from services.core.errors import DomainError
from services.core.events import DomainEvent, bus

CHECK_EVERY = 30.0
Refresh = Callable[[DomainEvent | None], Awaitable[bool]]   # None: the first read (`first=True`)
Relevant = Callable[[DomainEvent, Actor], bool]

_app = None
_following: set[tuple[str, str]] = set()   # (key, tab) followed by this worker; not in state: a restart clears it


async def remember_app(app) -> None:
    """Lifespan task (rxapp/rxapp.py): the running app, whose socket namespace knows which tabs are connected."""
    global _app
    _app = app


async def tab_connected(client_token: str) -> bool:
    """Whether the tab's socket is still connected (on any worker); False when that cannot be known."""
    manager = reflex_adapter.token_manager(reflex_adapter.event_namespace(_app))
    return manager is not None and await reflex_adapter.is_connected(manager, client_token)


def _actor(token: str) -> Actor | None:
    try:
        with db_session() as session, transaction(session):
            return _person_for_token(session, token)
    except DomainError:
        return None


async def follow_tab(key: str, token: str, client: str, refresh: Refresh, *, relevant: Relevant,
                     pattern: str = "*", coalesce: float = 0.0, first: bool = False,
                     check_every: float = CHECK_EVERY) -> None:
    """Call `refresh` after each event `relevant` to the token's person until the tab disconnects; with `first`,
    once at the start too (after subscribing, so nothing is lost in between)."""
    if not token or not client or (key, client) in _following:
        return
    _following.add((key, client))
    try:
        actor = await asyncio.to_thread(_actor, token)
        if actor is not None:
            await _follow(client, actor, refresh, relevant, pattern, coalesce, first, check_every)
    finally:
        _following.discard((key, client))


async def _follow(client: str, actor: Actor, refresh: Refresh, relevant: Relevant, pattern: str, coalesce: float,
                  first: bool, check_every: float) -> None:
    feed = bus.subscribe(pattern, organization_id=actor.organization_id)
    waiting: asyncio.Future | None = None
    try:
        if first and not await refresh(None):
            return
        while await tab_connected(client):
            waiting = waiting or asyncio.ensure_future(feed.__anext__())
            done, _pending = await asyncio.wait({waiting}, timeout=check_every)
            if not done:
                continue
            event, waiting = waiting.result(), None
            if not relevant(event, actor):
                continue
            if coalesce:
                await asyncio.sleep(coalesce)              # the rest of a burst lands in the same read
                feed.drain()                               # the read shows those too
                if not await tab_connected(client):
                    return
            if not await refresh(event):
                return
    finally:
        if waiting is not None:
            waiting.cancel()
        feed.close()
