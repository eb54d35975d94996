"""Per-tab live updates of the maintenance pages a person reads for themselves (a technician's "My tickets", the
dashboard's per-machine table): a background task awaiting the event bus, never polling the database (DESIGN.md
section 5). When an event of maintenance tickets, stock or stops arrives for one of the person's plants, the
page's `refresh` reads again (bursts coalesce: one read per COALESCE seconds at most); the task ends when its tab
is gone or the person's session ends, and runs once per tab and page."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from rxapp.state.config.notifications import CHECK_EVERY, tab_connected
from rxapp.state.org.auth import _person_for_token
from services.core.db import db_session, transaction
from services.core.errors import DomainError
from services.core.events import DomainEvent, bus

PREFIXES = ("maintenance_ticket.", "stock.", "downtime.")
COALESCE = 0.25
_following: set[tuple[str, str]] = set()   # (page, tab) followed by this worker; a restart clears it


def _who(token: str) -> tuple[int, frozenset[int]] | None:
    try:
        with db_session() as session, transaction(session):
            actor = _person_for_token(session, token)
            return actor.organization_id, frozenset(actor.plant_ids)
    except DomainError:
        return None


def relevant(event: DomainEvent, plant_ids: frozenset[int]) -> bool:
    return event.name.startswith(PREFIXES) and event.plant_id in plant_ids


async def follow_tab(page: str, token: str, client: str, refresh: Callable[[], Awaitable[bool]]) -> None:
    """Call `refresh` (read and show; False: stop following) after relevant events until the tab disconnects."""
    if not token or not client or (page, client) in _following:
        return
    _following.add((page, client))
    try:
        who = await asyncio.to_thread(_who, token)
        if who is not None:
            await _follow(client, *who, refresh)
    finally:
        _following.discard((page, client))


async def _follow(client: str, organization_id: int, plant_ids: frozenset[int],
                  refresh: Callable[[], Awaitable[bool]]) -> None:
    feed = bus.subscribe("*", organization_id=organization_id)
    waiting: asyncio.Future | None = None
    try:
        while await tab_connected(client):
            waiting = waiting or asyncio.ensure_future(feed.__anext__())
            done, _pending = await asyncio.wait({waiting}, timeout=CHECK_EVERY)
            if not done:
                continue
            event, waiting = waiting.result(), None
            if not relevant(event, plant_ids):
                continue
            await asyncio.sleep(COALESCE)                  # the rest of a burst lands in the same read
            feed.drain()                                   # the read shows those too
            if not await tab_connected(client) or not await refresh():
                return
    finally:
        if waiting is not None:
            waiting.cancel()
        feed.close()
