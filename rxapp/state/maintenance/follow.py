"""Per-tab live updates of the maintenance pages a person reads for themselves (a technician's "My tickets", the
dashboard's per-machine table), through the shared per-tab follower (rxapp/state/follow.py): when an event of
maintenance tickets, stock or stops arrives for one of the person's plants, the page's `refresh` reads again
(bursts coalesce: one read per COALESCE seconds at most)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from rxapp.state import follow
from services.core.access import Actor
from services.core.events import DomainEvent

PREFIXES = ("maintenance_ticket.", "stock.", "downtime.")
COALESCE = 0.25


def relevant(event: DomainEvent, actor: Actor) -> bool:
    return event.name.startswith(PREFIXES) and event.plant_id in actor.plant_ids


async def follow_tab(page: str, token: str, client: str, refresh: Callable[[], Awaitable[bool]]) -> None:
    """Call `refresh` (read and show; False: stop following) after relevant events until the tab disconnects."""
    async def read(_event: DomainEvent | None) -> bool:
        return await refresh()
    await follow.follow_tab(page, token, client, read, relevant=relevant, coalesce=COALESCE)
