"""Backpressure for machine data ingest: the limits the server states and enforces.

`IngestLimits` are what one batch may hold (events, bytes) and how many batches may be in work at
once, per API token and per worker process. They come from the environment (read once):
TAKT_INGEST_MAX_EVENTS (default 2000 events per batch), TAKT_INGEST_MAX_BYTES (2 MiB per batch),
TAKT_INGEST_MAX_INFLIGHT_PER_TOKEN (4 batches), TAKT_INGEST_MAX_INFLIGHT_PER_WORKER (16 batches).

`InFlight` counts batches in work in this process (thread-safe: REST batches run in the thread pool,
websocket batches on the event loop). `acquire` either takes a slot or raises `RateLimited` with a
Retry-After; `TooLarge` is raised for a batch beyond the size limits (the API answers 413).
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from services.core.errors import DomainError, RateLimited
from services.core.messages import t

RETRY_AFTER_SECONDS = 1


class TooLarge(DomainError):
    code = "too_large"


@dataclass(frozen=True)
class IngestLimits:
    max_events_per_batch: int = 2000
    max_body_bytes: int = 2 * 1024 * 1024
    max_in_flight_per_token: int = 4
    max_in_flight_per_worker: int = 16
    retry_after_seconds: int = RETRY_AFTER_SECONDS

    @classmethod
    def from_env(cls) -> IngestLimits:
        def number(name: str, default: int) -> int:
            raw = os.environ.get(name, "").strip()
            return int(raw) if raw.isdigit() and int(raw) > 0 else default
        base = cls()
        return cls(max_events_per_batch=number("TAKT_INGEST_MAX_EVENTS", base.max_events_per_batch),
                   max_body_bytes=number("TAKT_INGEST_MAX_BYTES", base.max_body_bytes),
                   max_in_flight_per_token=number("TAKT_INGEST_MAX_INFLIGHT_PER_TOKEN", base.max_in_flight_per_token),
                   max_in_flight_per_worker=number("TAKT_INGEST_MAX_INFLIGHT_PER_WORKER",
                                                   base.max_in_flight_per_worker))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def check_bytes(self, size: int) -> None:
        if size > self.max_body_bytes:
            raise TooLarge(t("The batch is {size:,} bytes; at most {max_body_bytes:,} bytes are accepted. Send smaller "
                             "batches (see GET /api/v1/ingest/limits).",
                             size=size, max_body_bytes=self.max_body_bytes))

    def check_events(self, count: int) -> None:
        if count > self.max_events_per_batch:
            raise TooLarge(t("The batch holds {count:,} events; at most {max_events_per_batch:,} are accepted in one "
                             "batch. Split it (see GET /api/v1/ingest/limits).",
                             count=count, max_events_per_batch=self.max_events_per_batch))


class InFlight:
    """Batches in work in this process, per token and in all."""

    def __init__(self, limits: IngestLimits):
        self.limits = limits
        self._lock = threading.Lock()
        self._per_token: dict[int, int] = {}
        self._total = 0

    @property
    def total(self) -> int:
        return self._total

    def try_acquire(self, token_id: int) -> bool:
        with self._lock:
            if self._total >= self.limits.max_in_flight_per_worker:
                return False
            if self._per_token.get(token_id, 0) >= self.limits.max_in_flight_per_token:
                return False
            self._total += 1
            self._per_token[token_id] = self._per_token.get(token_id, 0) + 1
            return True

    def release(self, token_id: int) -> None:
        with self._lock:
            self._total -= 1
            left = self._per_token.get(token_id, 0) - 1
            if left > 0:
                self._per_token[token_id] = left
            else:
                self._per_token.pop(token_id, None)

    @contextmanager
    def slot(self, token_id: int) -> Iterator[None]:
        """Hold one in-flight slot for `token_id` while the batch is worked, or raise RateLimited."""
        if not self.try_acquire(token_id):
            raise RateLimited(t("Too many batches in work at once for this token or this server: wait for the answers "
                                "to earlier batches, then send again."),
                              retry_after_seconds=self.limits.retry_after_seconds)
        try:
            yield
        finally:
            self.release(token_id)
