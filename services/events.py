"""Domain events: recorded by services inside a transaction, dispatched only after it commits.

`record(session, event)` keeps the event on the session; SQLAlchemy's after_commit hook hands the
events to the process-wide `bus`; a rollback drops them. Subscribers are asyncio consumers
(Reflex background tasks) that `async for event in bus.subscribe(...)`; synchronous handlers can
be registered with `bus.on(...)`. Later, a PostgreSQL or Redis bridge publishes to and from other
processes behind this same interface (`EventBus.add_bridge`).
"""
from __future__ import annotations

import asyncio
import fnmatch
import itertools
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession

from models.base import utcnow

_SESSION_KEY = "takt.pending_events"
_ids = itertools.count(1)


@dataclass(frozen=True)
class DomainEvent:
    name: str                       # e.g. "user.created", "job.started"
    organization_id: int | None
    payload: dict[str, Any] = field(default_factory=dict)
    plant_id: int | None = None
    actor_user_id: int | None = None
    at: datetime = field(default_factory=utcnow)
    seq: int = field(default_factory=lambda: next(_ids))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "organization_id": self.organization_id, "plant_id": self.plant_id,
            "actor_user_id": self.actor_user_id, "at": self.at.isoformat(), "payload": self.payload,
        }


def record(session: OrmSession, event: DomainEvent) -> None:
    session.info.setdefault(_SESSION_KEY, []).append(event)


def pending(session: OrmSession) -> list[DomainEvent]:
    return list(session.info.get(_SESSION_KEY, []))


@dataclass
class _Subscriber:
    pattern: str
    organization_id: int | None
    queue: asyncio.Queue
    loop: asyncio.AbstractEventLoop


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

    def add_bridge(self, forward: Callable[[list[DomainEvent]], None]) -> None:
        """A bridge forwards locally committed events to other processes."""
        with self._lock:
            self._bridges.append(forward)

    async def subscribe(self, pattern: str = "*", *, organization_id: int | None = None) -> AsyncIterator[DomainEvent]:
        """Yield matching events until the consumer stops iterating (or is cancelled).

        `organization_id` limits the feed to one tenant; a slow consumer loses its oldest events
        rather than stalling publishers.
        """
        sub = _Subscriber(pattern, organization_id, asyncio.Queue(self._queue_size), asyncio.get_running_loop())
        with self._lock:
            self._subscribers.append(sub)
        try:
            while True:
                yield await sub.queue.get()
        finally:
            with self._lock:
                if sub in self._subscribers:
                    self._subscribers.remove(sub)

    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)

    def publish(self, events: list[DomainEvent], *, local_only: bool = False) -> None:
        if not events:
            return
        with self._lock:
            subscribers = list(self._subscribers)
            handlers = list(self._handlers)
            bridges = [] if local_only else list(self._bridges)
        for event in events:
            for pattern, handler in handlers:
                if fnmatch.fnmatchcase(event.name, pattern):
                    handler(event)
            for sub in subscribers:
                if sub.organization_id is not None and sub.organization_id != event.organization_id:
                    continue
                if fnmatch.fnmatchcase(event.name, sub.pattern):
                    sub.loop.call_soon_threadsafe(_put_dropping_oldest, sub.queue, event)
        for forward in bridges:
            forward(events)


def _put_dropping_oldest(queue: asyncio.Queue, event: DomainEvent) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(event)


bus = EventBus()


@sa.event.listens_for(OrmSession, "after_commit")
def _dispatch_after_commit(session: OrmSession) -> None:
    events = session.info.pop(_SESSION_KEY, [])
    bus.publish(events)


@sa.event.listens_for(OrmSession, "after_soft_rollback")
def _drop_after_rollback(session: OrmSession, previous_transaction) -> None:
    session.info.pop(_SESSION_KEY, None)
