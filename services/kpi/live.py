"""Live views: domain events turned into coalesced, once-per-scope refreshes of shared screens.

A *scope* is one view that many screens watch with the same content: the andon board of a plant, or
the manager dashboard with one set of filters (plant, department, machine, shift, period). Each
scope has a link token derived here, on the server, from its organization and parameters, and only
after a service confirmed the actor's access (`services.kpi.andon.board_scope`,
`services.kpi.dashboard.dashboard_scope`); the UI links an `rx.SharedState` to that token and never
takes a token from the client.

`LiveHub` (one per backend process) holds the scopes watched in this process. `run(feed)` consumes
the event bus (`services.core.events.bus.subscribe()`; with a fan-out backend, events committed by other
processes arrive on it too) and, for each event of a plant (job/count/downtime/ingest...), marks the
watched scopes of that plant dirty. A dirty scope is refreshed by `push(scope)` (the Reflex side:
compute once off the event loop, write into the shared state, Reflex sends the delta to every linked
tab) with leading-edge coalescing: the first event after a quiet spell is refreshed at once (no
window to wait out), and while events keep coming at most one refresh starts per `interval` (250 ms):
a burst becomes one more refresh, an event arriving during a refresh gets one more refresh after it (the
last change is never dropped), refreshes of one scope never overlap, and nothing ever polls the database.
A kind in `trailing` (the dashboard's whole figures) waits its interval before each refresh instead. The
hub's clock and sleep are injectable (`clock`, `sleep`), so tests check the cadence without timing. `push`
returns False when nobody watches the scope any more; the hub then forgets it.

Invariants: a refresh is computed once per scope and process, never per client; a scope is watched
only after `register`; an event of another organization or plant never dirties a scope.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from services.core.access import Actor, Permission
from services.core.events import DomainEvent

log = logging.getLogger(__name__)

REFRESH_INTERVAL = 0.25          # seconds: at most one refresh per scope per interval
LIVE_EVENT_PREFIXES = ("job.", "count.", "downtime.", "ingest.", "machine.", "operation.", "work_order.",
                       "order.", "schedule.", "shipment.", "studio.",
                       "maintenance_ticket.", "stock.", "purchase_order.", "settlement.", "budget.")
# Organization-wide events (no plant): studio projects and their money (services/finance/budgets.spend_scope).
ORG_WIDE_PREFIXES = ("studio.", "purchase_order.", "settlement.", "budget.")
NO_PLANT = 0                     # the "plant" of organization-wide scopes (studio projects have no plant)


@dataclass(frozen=True)
class Scope:
    """One shared view: `kind` ("andon", "dashboard") of a plant, with the view's own parameters, in one
    `language` (a view's labels and figures' texts are computed in it: tabs in Japanese and in Korean watch
    two scopes; "" is the deployment's language)."""
    kind: str
    organization_id: int
    plant_id: int
    params: tuple = ()
    language: str = ""

    @property
    def token(self) -> str:
        """The link token of the shared state (letters and digits only: Reflex refuses "_")."""
        text = f"{self.kind}|{self.organization_id}|{self.plant_id}|{self.params!r}"
        if self.language:
            text += f"|{self.language}"
        return self.kind + hashlib.sha256(text.encode()).hexdigest()[:32]


def reader_for(scope: Scope) -> Actor:
    """The read-only actor a refresh computes with: the scope's organization and plant only, with
    the dashboard and display permissions. Used only for scopes registered after a real actor's
    access to them was confirmed."""
    return Actor(user_id=None, organization_id=scope.organization_id, plant_ids=frozenset({scope.plant_id}),
                 username=f"live:{scope.kind}", api_token_id=0,
                 token_permissions=frozenset({Permission.VIEW_DASHBOARDS, Permission.DISPLAY}))


def is_live_event(event: DomainEvent, prefixes: tuple[str, ...] = LIVE_EVENT_PREFIXES) -> bool:
    return (event.plant_id is not None or event.name.startswith(ORG_WIDE_PREFIXES)) and event.organization_id is not None \
        and event.name.startswith(prefixes)


def event_time(event: DomainEvent) -> datetime:
    """When it happened on the floor (a typed machine event's occurred_at; an untyped event's payload
    may carry it too), else when it was recorded."""
    occurred = getattr(event, "occurred_at", None)
    if isinstance(occurred, datetime):
        return occurred
    raw = event.payload.get("occurred_at") if event.payload else None
    if isinstance(raw, str):
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            pass
    return event.at


Push = Callable[[Scope], Awaitable[bool]]
Affects = Callable[[Scope, DomainEvent], bool]


@dataclass
class LiveHub:
    """The scopes watched in this process and their coalesced refreshes (see the module docstring).

    `affects(scope, event)` may narrow a kind's scopes further (e.g. a dashboard of a past period
    ignores today's events); the plant and organization always have to match. `intervals` may give a
    kind a calmer cadence than `interval`, and a kind in `trailing` waits its interval after the event
    before refreshing instead of refreshing at once (the dashboard's whole figures, every 30 s at most: its
    tiles and its trend's last point go out at once over the live channel, services/kpi/live_channel.py,
    so a report no longer recomputes and re-sends the whole view in its hot path)."""
    push: Push
    interval: float = REFRESH_INTERVAL
    affects: dict[str, Affects] = field(default_factory=dict)
    intervals: dict[str, float] = field(default_factory=dict)
    trailing: set[str] = field(default_factory=set)
    prefixes: tuple[str, ...] = LIVE_EVENT_PREFIXES  # the event names that may change a scope
    refreshes: int = 0                               # pushes done (for tests and the benchmark)
    clock: Callable[[], float] = time.monotonic      # seconds; injectable (tests)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    on_event: Callable[[Scope, DomainEvent], None] | None = None   # called with each scope an event changes
    _scopes: dict[tuple[int, int], set[Scope]] = field(default_factory=dict)
    _dirty: set[Scope] = field(default_factory=set)
    _last: dict[Scope, float] = field(default_factory=dict)
    _tasks: dict[Scope, asyncio.Task] = field(default_factory=dict)

    def register(self, scope: Scope) -> None:
        self._scopes.setdefault((scope.organization_id, scope.plant_id), set()).add(scope)

    def unregister(self, scope: Scope) -> None:
        watched = self._scopes.get((scope.organization_id, scope.plant_id))
        if watched is not None:
            watched.discard(scope)
            if not watched:
                del self._scopes[(scope.organization_id, scope.plant_id)]
        self._dirty.discard(scope)
        self._last.pop(scope, None)

    def watched(self) -> list[Scope]:
        return [scope for scopes in self._scopes.values() for scope in scopes]

    def scopes_for(self, event: DomainEvent) -> list[Scope]:
        if not is_live_event(event, self.prefixes):
            return []
        plant = event.plant_id if event.plant_id is not None else NO_PLANT
        candidates = self._scopes.get((event.organization_id or 0, plant), ())   # is_live_event: never None
        return [s for s in candidates if self._affected(s, event)]

    def _affected(self, scope: Scope, event: DomainEvent) -> bool:
        check = self.affects.get(scope.kind)
        if check is None:
            return True
        try:
            return check(scope, event)
        except Exception:                            # a doubtful case costs one refresh, never the hub
            log.exception("live: could not tell whether %s changes %s", event.name, scope)
            return True

    def notify(self, event: DomainEvent) -> None:
        """Mark the scopes this event changes dirty (call in the hub's event loop), after handing each to
        `on_event` (the live channel's changes at once, sent before the refresh)."""
        for scope in self.scopes_for(event):
            if self.on_event is not None:
                try:
                    self.on_event(scope, event)
                except Exception:                    # the refresh still comes
                    log.exception("live: %s could not be applied at once to %s", event.name, scope)
            self.mark_dirty(scope)

    def mark_dirty(self, scope: Scope) -> None:
        self._dirty.add(scope)
        if scope not in self._tasks:
            self._tasks[scope] = asyncio.create_task(self._drain(scope), name=f"takt-live-{scope.token}")

    async def run(self, feed: AsyncIterator[DomainEvent]) -> None:
        """Consume `feed` until it ends or this task is cancelled."""
        try:
            async for event in feed:
                self.notify(event)
        finally:
            for task in list(self._tasks.values()):
                task.cancel()

    async def idle(self) -> None:
        """Wait until no refresh is pending or running (tests; shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def _drain(self, scope: Scope) -> None:
        try:
            while scope in self._dirty:
                interval = self.intervals.get(scope.kind, self.interval)
                # leading edge: after a quiet spell (the last refresh began an interval ago or more) at once;
                # during a burst, the rest of the interval since the last refresh began (later events join it)
                wait = self._last.get(scope, float("-inf")) + interval - self.clock()
                if scope.kind in self.trailing:
                    wait = interval                    # a calm kind: events of the whole interval join one refresh
                if wait > 0:
                    await self.sleep(wait)
                self._dirty.discard(scope)
                self._last[scope] = self.clock()
                self.refreshes += 1
                try:
                    still_watched = await self.push(scope)
                except Exception:
                    log.exception("live refresh of %s failed", scope)
                    still_watched = True
                if not still_watched:
                    self.unregister(scope)
        finally:
            self._tasks.pop(scope, None)
