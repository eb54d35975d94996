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

Before that reading, the event itself changes what it changes for certain: a reading may come with an
`at_once(tiles, event)` (services/kpi/live_tiles.Reading: the dashboard's counters and quality after a count),
and its delta goes out as soon as the event arrives, without a database round trip; the reading that follows
sends the rest (OEE, availability, performance, the trend's point) and corrects anything derived. A reading
that was already running when such an event arrived may not have seen it: it leaves the keys that event
changed as they are, and the reading the event asked for (the hub always reads again after an event that
came during a reading) settles them.

Invariants: a scope is subscribed only through `subscribe` with a scope a service returned after its
access check (`live_tiles.subscribe_scope`); at most one reading per scope per interval, whatever the number
of subscribers; the snapshot a subscriber gets is the reading the next delta starts from; deltas of a scope go
to each subscriber in seq order; after the last event's reading, every subscriber holds that reading's tiles
(the changes at once never outlive it).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

import orjson

from services.core.events import DomainEvent, EventBus
from services.kpi.live import LiveHub, Scope
from services.kpi.live_tiles import AtOnce, Reading, Tiles, changed

log = logging.getLogger(__name__)
CHANNEL_INTERVAL = 0.1      # seconds between two readings of a scope while events keep coming (none after quiet)


class Subscriber(Protocol):
    async def send(self, text: str) -> None: ...


def encode(message: dict) -> str:
    """Compact JSON text (orjson: no spaces, UTF-8 as is), once per delta for every subscriber."""
    return orjson.dumps(message).decode()


@dataclass(eq=False)
class Channel:
    read: Callable[[Scope], Tiles | Reading]        # blocking: the scope's tiles now (run in a thread)
    bus: EventBus
    interval: float = CHANNEL_INTERVAL
    clock: Callable[[], float] = time.monotonic     # the hub's clock and sleep (injected by tests)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    readings: int = 0                               # tile readings done (tests, the benchmark)
    deltas: int = 0                                 # delta messages encoded (one per scope and reading or event)
    at_once: int = 0                                # of which worked out from an event, before a reading
    hub: LiveHub = field(init=False)
    _subscribers: dict[Scope, set[Subscriber]] = field(default_factory=dict)
    _last: dict[Scope, Tiles] = field(default_factory=dict)
    _seq: dict[Scope, int] = field(default_factory=dict)
    _at_once: dict[Scope, AtOnce] = field(default_factory=dict)
    _held: dict[Scope, set[str]] = field(default_factory=dict)     # keys changed at once during a running reading
    _sending: set[asyncio.Task] = field(default_factory=set)
    _feed: asyncio.Task | None = None

    def __post_init__(self) -> None:
        self.hub = LiveHub(push=self._push, interval=self.interval, clock=self.clock, sleep=self.sleep,
                           on_event=self._apply_at_once)

    # -- subscribers ---------------------------------------------------------------------------------
    async def subscribe(self, scope: Scope, subscriber: Subscriber) -> tuple[Tiles, int]:
        """Add a subscriber of an access-checked scope; returns the tiles it starts from and their seq."""
        self._listen()
        first = scope not in self._subscribers
        self._subscribers.setdefault(scope, set()).add(subscriber)
        self.hub.register(scope)                    # before reading: an event from now on reads again
        if first or scope not in self._last:
            reading = await asyncio.to_thread(self._reading, scope)
            if scope not in self._last:
                self._last[scope] = dict(reading.tiles)
                self._keep_at_once(scope, reading)
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
        self._at_once.pop(scope, None)
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

    def _reading(self, scope: Scope) -> Reading:
        self.readings += 1
        found = self.read(scope)
        return found if isinstance(found, Reading) else Reading(found)

    def _keep_at_once(self, scope: Scope, reading: Reading) -> None:
        if reading.at_once is None:
            self._at_once.pop(scope, None)
        else:
            self._at_once[scope] = reading.at_once

    def _apply_at_once(self, scope: Scope, event: DomainEvent) -> None:
        """What `event` changes for certain, sent now (the hub calls this before it marks the scope dirty)."""
        at_once, last = self._at_once.get(scope), self._last.get(scope)
        if at_once is None or last is None or not self._subscribers.get(scope):
            return
        delta = changed(last, {**last, **at_once(last, event)})
        if not delta:
            return
        last.update(delta)
        if scope in self._held:                     # a reading is running: it may not have seen this event
            self._held[scope].update(delta)
        self.at_once += 1
        for task in self._fan_out(scope, delta):
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _push(self, scope: Scope) -> bool:
        if not self._subscribers.get(scope):
            return False
        self._held[scope] = set()
        try:
            reading = await asyncio.to_thread(self._reading, scope)
        finally:
            held = self._held.pop(scope, set())
        subscribers = self._subscribers.get(scope)
        if not subscribers:                         # every subscriber left while it was read
            return False
        last = self._last.get(scope, {})
        tiles = dict(reading.tiles)
        tiles.update({key: last[key] for key in held if key in last})    # the next reading settles them
        delta = changed(last, tiles)
        self._last[scope] = tiles
        self._keep_at_once(scope, reading)
        if delta:
            await asyncio.gather(*self._fan_out(scope, delta))
        return bool(self._subscribers.get(scope))

    def _fan_out(self, scope: Scope, delta: Tiles) -> list[asyncio.Task]:
        """The delta, encoded once, on its way to every subscriber of the scope (tasks started in seq order: each
        socket sends one message at a time, in the order asked)."""
        seq = self._seq[scope] = self._seq.get(scope, 0) + 1
        text = encode({"type": "delta", "scope": scope.token, "seq": seq, "tiles": delta})
        self.deltas += 1
        return [asyncio.ensure_future(self._send(scope, sub, text)) for sub in list(self._subscribers.get(scope, ()))]

    async def _send(self, scope: Scope, subscriber: Subscriber, text: str) -> None:
        try:
            await subscriber.send(text)
        except Exception:                           # a closed or broken socket: it gets nothing more
            log.debug("live channel: a subscriber of %s is gone", scope.token, exc_info=True)
            self.unsubscribe(scope, subscriber)

