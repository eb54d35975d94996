"""Per-worker caches of slowly changing reference data that hot paths read on every event (a plant's
shift calendar, a machine's own cycle rates), so an operator action does not re-read them each time.

Invariants:
- An entry is dropped by the committed domain events that change what it holds (`invalidated_by`,
  fnmatch patterns on event names): an event with a plant drops that plant's entries, an event without
  one drops them all. Events committed in other processes arrive through the bus's bridge
  (services/core/event_fanout.py) as local events, so they drop entries here too.
- An entry lives at most `ttl` seconds whatever happens, so a change written without an event (a
  migration, SQL by hand) is seen within that time.
- Switching the database (`services.core.db.use_engine`: tests, benchmarks) drops every entry.
- Values must be safe to share between threads and requests: immutable, or caches of pure results.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from services.core.db import on_engine_change
from services.core.events import DomainEvent, bus

V = TypeVar("V")
_caches: list[WorkerCache] = []


class WorkerCache(Generic[V]):
    """Values by key, each tagged with the plant it belongs to (None: any plant's event drops it)."""

    def __init__(self, name: str, *, invalidated_by: tuple[str, ...], ttl: float = 60.0):
        self.name = name
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, int | None, V]] = {}
        self._generation = 0                # bumped by every drop: a load begun before it is not stored
        for pattern in invalidated_by:
            bus.on(pattern, self._on_event)
        _caches.append(self)

    def generation(self) -> int:
        return self._generation

    def lookup(self, key: Hashable) -> tuple[bool, V | None]:
        with self._lock:
            found = self._entries.get(key)
        if found is None or time.monotonic() - found[0] >= self.ttl:
            return False, None
        return True, found[2]

    def store(self, key: Hashable, value: V, *, plant_id: int | None, loaded_at_generation: int) -> None:
        """Keep `value` unless an event dropped entries since its load began (it may be stale already)."""
        with self._lock:
            if self._generation == loaded_at_generation:
                self._entries[key] = (time.monotonic(), plant_id, value)

    def get(self, key: Hashable, load: Callable[[], V], *, plant_id: int | None) -> V:
        hit, value = self.lookup(key)
        if hit:
            return value  # type: ignore[return-value]
        generation = self._generation
        value = load()
        self.store(key, value, plant_id=plant_id, loaded_at_generation=generation)
        return value

    def drop(self, plant_id: int | None = None) -> None:
        """Drop the entries of `plant_id` and those of no plant; all of them without a plant."""
        with self._lock:
            self._generation += 1
            if plant_id is None:
                self._entries.clear()
            else:
                self._entries = {k: v for k, v in self._entries.items() if v[1] is not None and v[1] != plant_id}

    def _on_event(self, event: DomainEvent) -> None:
        self.drop(event.plant_id)

    def __len__(self) -> int:
        return len(self._entries)


def clear_all() -> None:
    """Drop every entry of every worker cache (the database changed under them)."""
    for cache in _caches:
        cache.drop()


on_engine_change(clear_all)
