"""The live channel: tiles of shared screens pushed as small JSON deltas to websocket subscribers
(the door is rxapp/api/kpi/live_stream.py; the browser side assets/takt_live.js).

`Channel` keeps, per scope, its subscribers (anything with `async send(text)`) and the tiles last sent.
It listens to the event bus itself (`bus.subscribe()` in the running loop, started with the first
subscriber; with a fan-out backend, events committed by other processes arrive there too) and feeds a
`LiveHub` of its own: an event of a watched plant marks the scope dirty, and the scope's tiles are read
at once on the first event after a quiet spell (leading edge: no window to wait out), then at most once
per `interval` (100 ms) while events keep coming (a burst becomes one more reading, the last change is
never dropped). Each reading reads the scope's tiles ONCE in a worker thread (`read(scope)`, given by the door: it opens the unit of
work), compared with the last reading, and the delta, encoded once, goes to every subscriber of the
scope: `{"type": "delta", "scope": <token>, "seq": n, "tiles": {key: value}}`. Nothing is sent when
nothing changed; a subscriber whose send fails is dropped; a scope without subscribers is forgotten.

Invariants: a scope is subscribed only through `subscribe` with a scope a service returned after its
access check (`live_tiles.subscribe_scope`); at most one reading per scope per interval, whatever the number
of subscribers; the snapshot a subscriber gets is the reading the next delta starts from.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from services.core.events import EventBus
from services.kpi.live import LiveHub, Scope
from services.kpi.live_tiles import Tiles, changed

log = logging.getLogger(__name__)
CHANNEL_INTERVAL = 0.1      # seconds between two readings of a scope while events keep coming (none after quiet)


class Subscriber(Protocol):
    async def send(self, text: str) -> None: ...


def encode(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


@dataclass(eq=False)
class Channel:
    read: Callable[[Scope], Tiles]                  # blocking: the scope's tiles now (run in a thread)
    bus: EventBus
    interval: float = CHANNEL_INTERVAL
    clock: Callable[[], float] = time.monotonic     # the hub's clock and sleep (injected by tests)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    readings: int = 0                               # tile readings done (tests, the benchmark)
    deltas: int = 0                                 # delta messages encoded (one per scope and reading)
    hub: LiveHub = field(init=False)
    _subscribers: dict[Scope, set[Subscriber]] = field(default_factory=dict)
    _last: dict[Scope, Tiles] = field(default_factory=dict)
    _seq: dict[Scope, int] = field(default_factory=dict)
    _feed: asyncio.Task | None = None

    def __post_init__(self) -> None:
        self.hub = LiveHub(push=self._push, interval=self.interval, clock=self.clock, sleep=self.sleep)

    # -- subscribers ---------------------------------------------------------------------------------
    async def subscribe(self, scope: Scope, subscriber: Subscriber) -> tuple[Tiles, int]:
        """Add a subscriber of an access-checked scope; returns the tiles it starts from and their seq."""
        self._listen()
        first = scope not in self._subscribers
        self._subscribers.setdefault(scope, set()).add(subscriber)
        self.hub.register(scope)                    # before reading: an event from now on reads again
        if first or scope not in self._last:
            tiles = await asyncio.to_thread(self._reading, scope)
            if scope not in self._last:
                self._last[scope] = tiles
        return dict(self._last[scope]), self._seq.get(scope, 0)

    def unsubscribe(self, scope: Scope, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(scope)
        if subscribers is None:
            return
        subscribers.discard(subscriber)
        if not subscribers:
            self._forget(scope)

    def drop(self, subscriber: Subscriber) -> None:
        """A subscriber gone (its socket closed): out of every scope."""
        for scope in [s for s, subs in self._subscribers.items() if subscriber in subs]:
            self.unsubscribe(scope, subscriber)

    def subscriber_count(self, scope: Scope | None = None) -> int:
        if scope is not None:
            return len(self._subscribers.get(scope, ()))
        return sum(len(subs) for subs in self._subscribers.values())

    def scopes(self) -> list[Scope]:
        return list(self._subscribers)

    def _forget(self, scope: Scope) -> None:
        self._subscribers.pop(scope, None)
        self._last.pop(scope, None)
        self._seq.pop(scope, None)
        self.hub.unregister(scope)

    # -- events and readings ----------------------------------------------------------------------
    def _listen(self) -> None:
        if self._feed is None or self._feed.done():
            feed = self.bus.subscribe("*")          # registered now: nothing after this call is missed
            self._feed = asyncio.get_running_loop().create_task(self.hub.run(feed), name="takt-live-channel")

    async def stop(self) -> None:
        if self._feed is not None:
            self._feed.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._feed
            self._feed = None

    def _reading(self, scope: Scope) -> Tiles:
        self.readings += 1
        return self.read(scope)

    async def _push(self, scope: Scope) -> bool:
        if not self._subscribers.get(scope):
            return False
        tiles = await asyncio.to_thread(self._reading, scope)
        subscribers = self._subscribers.get(scope)
        if not subscribers:                         # every subscriber left while it was read
            return False
        delta = changed(self._last.get(scope, {}), tiles)
        self._last[scope] = tiles
        if delta:
            seq = self._seq[scope] = self._seq.get(scope, 0) + 1
            text = encode({"type": "delta", "scope": scope.token, "seq": seq, "tiles": delta})
            self.deltas += 1
            await asyncio.gather(*(self._send(scope, sub, text) for sub in list(subscribers)))
        return bool(self._subscribers.get(scope))

    async def _send(self, scope: Scope, subscriber: Subscriber, text: str) -> None:
        try:
            await subscriber.send(text)
        except Exception:                           # a closed or broken socket: it gets nothing more
            log.debug("live channel: a subscriber of %s is gone", scope.token, exc_info=True)
            self.unsubscribe(scope, subscriber)

