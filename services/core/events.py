"""Domain events: recorded by services inside a transaction, dispatched only after it commits.

`record(session, event)` keeps the event on the session; SQLAlchemy's after_commit hook hands the
events to the process-wide `bus`; a rollback drops them (a rolled-back savepoint drops only the
events recorded inside it). Subscribers are asyncio consumers (Reflex background tasks) that
`async for event in bus.subscribe(...)`; synchronous handlers can be registered with `bus.on(...)`.
A failing handler, bridge or departed subscriber is logged and skipped: the commit has happened
and is never reported as failed because of them. A PostgreSQL or Redis bridge
(services/core/event_fanout.py) publishes to and from other processes behind this same interface
(`EventBus.add_bridge`; events received from elsewhere are published with `local_only=True`).

Typed events: one frozen dataclass per event name, subclassing DomainEvent and registered with
`@event_type` (a family of names with one shape is one class whose decoder is registered with
`register_generic_decoder`: services/core/changes.py's EntityChanged); each domain package keeps its
own in an `events.py` module (services/shopfloor/events.py: job.*, count.reported, downtime.*,
ingest.accepted), so a domain's events live beside the code that records them and core imports no domain.
The wire format across processes is `to_dict()`, the same for typed and plain events
({name, organization_id, plant_id, actor_user_id, at, payload}).
"""
from __future__ import annotations

import asyncio
import dataclasses
import fnmatch
import functools
import itertools
import logging
import threading
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession

from models.base import utcnow
from services.core.writers import check_writer

_SESSION_KEY = "takt.pending_events"
_SAVEPOINTS_KEY = "takt.pending_events_at_savepoint"
_ids = itertools.count(1)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DomainEvent:
    """An event as the bus carries it: its name, tenant, plant, who and when, and its payload (JSON-ready).

    Typed events subclass it (`@event_type`): one frozen dataclass per event name whose own fields are
    the payload, so no payload is built by hand; `payload` is then derived from the fields by one
    serializer (`jsonable`), and `from_dict` rebuilds the typed class on the far side of a fan-out.
    A plain DomainEvent remains for names without a class, and is what an unknown name decodes to."""
    name: str = ""                   # e.g. "user.created", "job.started"
    organization_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    plant_id: int | None = None
    actor_user_id: int | None = None
    at: datetime = field(default_factory=utcnow)
    seq: int = field(default_factory=lambda: next(_ids))

    NAME: ClassVar[str] = ""

    def __post_init__(self) -> None:
        if self.NAME:                # a typed event: its name is its class's, its payload its own fields
            object.__setattr__(self, "name", self.NAME)
            object.__setattr__(self, "payload", {f.name: jsonable(getattr(self, f.name)) for f in _own_fields(type(self))})

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "organization_id": self.organization_id, "plant_id": self.plant_id,
            "actor_user_id": self.actor_user_id, "at": self.at.isoformat(), "payload": self.payload,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DomainEvent:
        """The inverse of `to_dict` (an event received from another process): the typed class of its
        name when this process knows one, else a plain DomainEvent; `seq` is local, so the event gets a
        fresh one in the receiving process."""
        at = data.get("at")
        envelope: dict[str, Any] = {"organization_id": data.get("organization_id"), "plant_id": data.get("plant_id"),
                    "actor_user_id": data.get("actor_user_id"),
                    "at": datetime.fromisoformat(at) if isinstance(at, str) else utcnow()}
        payload = dict(data.get("payload") or {})
        typed = EVENT_TYPES.get(data["name"])
        if typed is not None:
            try:
                return typed(**envelope, **_fields_from(typed, payload))
            except (TypeError, ValueError):
                log.warning("event %s: payload does not fit %s; delivered untyped", data["name"], typed.__name__)
        for decode in GENERIC_DECODERS:
            rebuilt = decode(data["name"], payload, envelope)
            if rebuilt is not None:
                return rebuilt
        return DomainEvent(name=data["name"], payload=payload, **envelope)


EVENT_TYPES: dict[str, type[DomainEvent]] = {}
_BASE_FIELDS = frozenset(("name", "organization_id", "payload", "plant_id", "actor_user_id", "at", "seq"))
E = TypeVar("E", bound=type[DomainEvent])


def event_type(cls: E) -> E:
    """Register a typed event class (a frozen, keyword-only dataclass subclassing DomainEvent with a NAME):
    one class per name, so the far side of a fan-out rebuilds it."""
    if not cls.NAME or cls.NAME in EVENT_TYPES:
        raise ValueError(f"{cls.__name__}: an event type needs its own NAME (got {cls.NAME!r})")
    EVENT_TYPES[cls.NAME] = cls
    return cls


# A decoder of a family of names with one shape (name, payload, envelope) -> the typed event, or None.
GenericDecoder = Callable[[str, dict[str, Any], dict[str, Any]], "DomainEvent | None"]
GENERIC_DECODERS: list[GenericDecoder] = []


def register_generic_decoder(decode: GenericDecoder) -> None:
    """Register the decoder of a typed class that carries many names (e.g. every `<entity>.<action>` of a
    plain row change): the far side of a fan-out asks it about names no `event_type` class claims."""
    if decode not in GENERIC_DECODERS:
        GENERIC_DECODERS.append(decode)


def jsonable(value: Any) -> Any:
    """The one serializer of event payloads: times as ISO 8601, enums by value, Decimals as strings."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _own_fields(cls: type) -> tuple[dataclasses.Field, ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.name not in _BASE_FIELDS)


@functools.cache
def _payload_fields(cls: type) -> tuple[tuple[str, bool], ...]:
    """(name, holds a datetime) of each of the typed class's own fields (resolved once per class:
    `get_type_hints` evaluates every annotation, ~3 ms a call)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, datetime in typing.get_args(hints[f.name]) + (hints[f.name],)) for f in _own_fields(cls))


def _fields_from(cls: type, payload: dict[str, Any]) -> dict[str, Any]:
    """A payload back into the typed class's field values (times parsed; unknown keys ignored)."""
    values = {}
    for name, is_time in _payload_fields(cls):
        if name in payload:
            value = payload[name]
            if is_time and isinstance(value, str):
                value = datetime.fromisoformat(value)
            values[name] = value
    return values


def record(session: OrmSession, event: DomainEvent) -> None:
    check_writer(session, event.actor_user_id, event.name)
    if not session.in_transaction():
        session.begin()      # else a rollback before any query is a no-op and the event would leak into the next commit
    session.info.setdefault(_SESSION_KEY, []).append(event)


def pending(session: OrmSession) -> list[DomainEvent]:
    return list(session.info.get(_SESSION_KEY, []))


@dataclass(eq=False)
class _Subscriber:
    pattern: str
    organization_id: int | None
    queue: asyncio.Queue
    loop: asyncio.AbstractEventLoop
    closed: bool = False

    def wants(self, event: DomainEvent) -> bool:
        if self.organization_id is not None and self.organization_id != event.organization_id:
            return False
        return fnmatch.fnmatchcase(event.name, self.pattern)


class Subscription:
    """One consumer's feed (from `EventBus.subscribe`): an async iterator that ends with `aclose()`,
    an `async with` block, cancellation of its consumer, or when it is garbage-collected."""

    def __init__(self, bus: EventBus, subscriber: _Subscriber):
        self._bus = bus
        self._sub = subscriber

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> DomainEvent:
        if self._sub.closed:
            raise StopAsyncIteration
        try:
            return await self._sub.queue.get()
        except asyncio.CancelledError:
            self.close()
            raise

    def drain(self) -> int:
        """Drop the events already waiting (a consumer about to re-read everything needs none of them); how many."""
        dropped = 0
        while not self._sub.queue.empty():
            self._sub.queue.get_nowait()
            dropped += 1
        return dropped

    def close(self) -> None:
        self._sub.closed = True
        self._bus._remove_subscriber(self._sub)

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        self._sub.closed = True          # no lock here: the next publish drops it


class EventBus:
    """In-process fan-out. Thread-safe publish; asyncio subscribers; sync handlers."""

    def __init__(self, *, queue_size: int = 1000):
        self._lock = threading.Lock()
        self._subscribers: list[_Subscriber] = []
        self._handlers: list[tuple[str, Callable[[DomainEvent], None]]] = []
        self._bridges: list[Callable[[list[DomainEvent]], None]] = []
        self._queue_size = queue_size

    def on(self, pattern: str, handler: Callable[[DomainEvent], None]) -> Callable[[], None]:
        """Call `handler` synchronously for each matching event; returns an unsubscribe function."""
        entry = (pattern, handler)
        with self._lock:
            self._handlers.append(entry)
        return lambda: self._remove_handler(entry)

    def _remove_handler(self, entry) -> None:
        with self._lock:
            if entry in self._handlers:
                self._handlers.remove(entry)

    def add_bridge(self, forward: Callable[[list[DomainEvent]], None]) -> Callable[[], None]:
        """A bridge forwards locally committed events to other processes (services/core/event_fanout.py);
        returns a function that removes it."""
        with self._lock:
            self._bridges.append(forward)
        return lambda: self._remove_bridge(forward)

    def _remove_bridge(self, forward) -> None:
        with self._lock:
            if forward in self._bridges:
                self._bridges.remove(forward)

    def subscribe(self, pattern: str = "*", *, organization_id: int | None = None) -> Subscription:
        """A feed of matching events, registered at once: every event published after this call
        returns is delivered, even before the first `async for` step (subscribe, then load the
        current state, then apply events, and nothing falls in between). Call it in the consumer's
        running event loop. `organization_id` limits the feed to one tenant; a slow consumer loses
        its oldest events rather than stalling publishers."""
        sub = _Subscriber(pattern, organization_id, asyncio.Queue(self._queue_size), asyncio.get_running_loop())
        with self._lock:
            self._subscribers.append(sub)
        return Subscription(self, sub)

    def _remove_subscriber(self, sub: _Subscriber) -> None:
        with self._lock:
            if sub in self._subscribers:
                self._subscribers.remove(sub)

    def subscriber_count(self) -> int:
        with self._lock:
            return sum(1 for sub in self._subscribers if not sub.closed)

    def publish(self, events: list[DomainEvent], *, local_only: bool = False) -> None:
        if not events:
            return
        with self._lock:
            self._subscribers = [sub for sub in self._subscribers if not (sub.closed or sub.loop.is_closed())]
            subscribers = list(self._subscribers)
            handlers = list(self._handlers)
            bridges = [] if local_only else list(self._bridges)
        for event in events:
            for pattern, handler in handlers:
                if fnmatch.fnmatchcase(event.name, pattern):
                    _call_safely(handler, event)
            for sub in subscribers:
                if sub.wants(event):
                    _deliver(sub, event)
        for forward in bridges:
            _call_safely(forward, events)


def _call_safely(fn: Callable, arg) -> None:
    try:
        fn(arg)
    except Exception:
        log.exception("event handler %r failed", fn)


def _deliver(sub: _Subscriber, event: DomainEvent) -> None:
    try:
        sub.loop.call_soon_threadsafe(_put_dropping_oldest, sub.queue, event)
    except RuntimeError:                 # its event loop has closed: the consumer is gone
        sub.closed = True


def _put_dropping_oldest(queue: asyncio.Queue, event: DomainEvent) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(event)


bus = EventBus()


@sa.event.listens_for(OrmSession, "after_commit")
def _dispatch_after_commit(session: OrmSession) -> None:
    session.info.pop(_SAVEPOINTS_KEY, None)
    events = session.info.pop(_SESSION_KEY, [])
    bus.publish(events)


@sa.event.listens_for(OrmSession, "after_transaction_create")
def _remember_savepoint(session: OrmSession, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_SAVEPOINTS_KEY, {})[transaction] = len(session.info.get(_SESSION_KEY, []))


@sa.event.listens_for(OrmSession, "after_soft_rollback")
def _drop_after_rollback(session: OrmSession, previous_transaction) -> None:
    recorded_before = session.info.get(_SAVEPOINTS_KEY, {}).pop(previous_transaction, None)
    if previous_transaction.nested and recorded_before is not None:
        del session.info.get(_SESSION_KEY, [])[recorded_before:]
        return
    session.info.pop(_SESSION_KEY, None)
    session.info.pop(_SAVEPOINTS_KEY, None)
