"""Event fan-out across processes: the in-process bus (services/core/events.py) bridged through Redis
pub/sub or PostgreSQL LISTEN/NOTIFY, so an event committed on worker A reaches `bus.subscribe()`
consumers on worker B.

`start_fanout(bus)` reads `TAKT_EVENT_BACKEND` (unset: "redis" when Reflex's state is in Redis,
REFLEX_REDIS_URL, else "local"; services/core/workers.py):
- "local": nothing (one process; the bus alone is enough);
- "redis": `TAKT_REDIS_URL`, else `REFLEX_REDIS_URL`, else redis://127.0.0.1:6379/0;
- "postgres": `DATABASE_URL`, which must then be a PostgreSQL URL.

The channel is `TAKT_EVENT_CHANNEL` (default takt.events on Redis, takt_events on PostgreSQL): installations
that share one Redis server (pub/sub channels are server-wide, not per database number) need one each.

Each bridge registers itself with `bus.add_bridge`: after a commit, the committed events are sent
synchronously as one JSON message `{"origin": ..., "events": [DomainEvent.to_dict(), ...]}`
(PostgreSQL: on a separate autocommit connection, split into notifications under the 8000-byte
payload limit). A listener thread receives the messages of other processes and hands them to
`bus.publish(events, local_only=True)`, so they are never forwarded again; messages carrying this
process's own origin id are skipped before they are decoded (local consumers already had them). Payloads travel as JSON
(values JSON cannot hold arrive as strings).

A bridge never fails a commit: a send that fails is logged and its events are lost for the other
processes (pub/sub is at most once); a dropped listener connection is re-opened with backoff.
Events published elsewhere while this process's listener is disconnected are not replayed.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from services.core.events import DomainEvent, EventBus
from services.core.workers import event_backend

log = logging.getLogger(__name__)

BACKENDS = ("local", "redis", "postgres")
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
PG_PAYLOAD_LIMIT = 8000          # bytes; PostgreSQL refuses a NOTIFY payload of this size or more
_BACKOFF_FIRST, _BACKOFF_MAX = 0.2, 30.0
_POLL = 0.5                      # seconds a listener waits for a message before checking for stop()


class FanoutConfigError(ValueError):
    """TAKT_EVENT_BACKEND (or the URL it needs) is not usable."""


_origin: tuple[int, str] | None = None


def process_origin() -> str:
    """This process's id on the wire (re-made after a fork)."""
    global _origin
    pid = os.getpid()
    if _origin is None or _origin[0] != pid:
        _origin = (pid, f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:12]}")
    return _origin[1]


def _event_json(event: DomainEvent) -> str:
    return json.dumps(event.to_dict(), default=str, separators=(",", ":"), ensure_ascii=False)


def _envelope(origin: str, event_jsons: list[str]) -> str:
    return '{"origin":' + json.dumps(origin) + ',"events":[' + ",".join(event_jsons) + "]}"


def encode(events: list[DomainEvent], origin: str | None = None) -> str:
    """One message for a batch (Redis)."""
    return _envelope(origin or process_origin(), [_event_json(e) for e in events])


def encode_chunks(events: list[DomainEvent], origin: str | None = None,
                  limit: int = PG_PAYLOAD_LIMIT) -> list[str]:
    """Messages of fewer than `limit` UTF-8 bytes each, together holding the batch in order. An event
    too large for a message of its own is logged and left out."""
    origin = origin or process_origin()
    overhead = len(_envelope(origin, []).encode())
    chunks: list[str] = []
    current: list[str] = []
    size = overhead
    for event in events:
        text = _event_json(event)
        n = len(text.encode())
        if overhead + n >= limit:
            log.error("event %s (%d bytes) exceeds the %d-byte NOTIFY payload limit; not sent to other "
                      "processes", event.name, n, limit)
            continue
        extra = n + (1 if current else 0)
        if current and size + extra >= limit:
            chunks.append(_envelope(origin, current))
            current, size, extra = [], overhead, n
        current.append(text)
        size += extra
    if current:
        chunks.append(_envelope(origin, current))
    return chunks


def decode(message: str | bytes) -> tuple[str, list[DomainEvent]]:
    data = json.loads(message)
    return data["origin"], [DomainEvent.from_dict(d) for d in data["events"]]


class _Bridge:
    """Common part: the forward hook with send backoff, and the listener thread with reconnects."""

    backend = "?"

    def __init__(self, url: str, channel: str):
        self.url = url
        self.channel = channel
        self.origin = process_origin()
        self._own_prefix = _envelope(self.origin, []).removesuffix("]}").encode()
        self.connections = 0                     # successful listener (re)connections
        self._bus: EventBus | None = None
        self._remove: Callable[[], None] | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._send_lock = threading.Lock()
        self._send_failures = 0
        self._send_retry_at = 0.0

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self, bus: EventBus, ready_timeout: float | None = 5.0) -> _Bridge:
        """Listen and forward. Waits up to `ready_timeout` s for the listener; if it is not connected
        by then, a warning is logged and it keeps trying in the background."""
        if self._thread is not None:
            raise RuntimeError("bridge already started")
        self._bus = bus
        self._thread = threading.Thread(target=self._listen_forever, daemon=True,
                                        name=f"takt-fanout-{self.backend}-{self.channel}")
        self._thread.start()
        self._remove = bus.add_bridge(self.forward)
        if ready_timeout and not self._ready.wait(ready_timeout):
            log.warning("%s event fan-out on %r not connected yet; retrying in the background",
                        self.backend, self.channel)
        return self

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        if self._remove is not None:
            self._remove()
            self._remove = None
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        with self._send_lock:
            self._close_sender()

    # -- sending (called from the after-commit hook) ---------------------------------------------
    def forward(self, events: list[DomainEvent]) -> None:
        if not events or self._stop.is_set():
            return
        with self._send_lock:
            if time.monotonic() < self._send_retry_at:
                log.warning("%s event fan-out is down; %d event(s) not sent to other processes",
                            self.backend, len(events))
                return
            try:
                self._send(events)
            except Exception:
                self._send_failures += 1
                delay = min(_BACKOFF_MAX, _BACKOFF_FIRST * 2 ** (self._send_failures - 1))
                self._send_retry_at = time.monotonic() + delay
                log.exception("%s event fan-out could not send %d event(s); next attempt in %.1f s",
                              self.backend, len(events), delay)
                self._close_sender()
            else:
                self._send_failures = 0
                self._send_retry_at = 0.0

    def _send(self, events: list[DomainEvent]) -> None:
        raise NotImplementedError

    def _close_sender(self) -> None:
        raise NotImplementedError

    # -- receiving -----------------------------------------------------------------------------
    def _listen_forever(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen(self._connected)
                failures = 0
            except Exception as exc:
                failures += 1
                self._ready.clear()
                delay = min(_BACKOFF_MAX, _BACKOFF_FIRST * 2 ** (failures - 1))
                log.warning("%s event fan-out listener on %r lost its connection (%s); reconnecting in "
                            "%.1f s", self.backend, self.channel, exc, delay)
                self._stop.wait(delay)

    def _connected(self) -> None:
        self.connections += 1
        self._ready.set()

    def _listen(self, connected: Callable[[], None]) -> None:
        """Connect, subscribe, call `connected()`, then hand messages to `_receive` until stopped;
        raises when the connection fails."""
        raise NotImplementedError

    def _receive(self, message: str | bytes) -> None:
        if self._is_own(message):                # every message this process sends comes back to it: skipped
            return                               # before decoding (json + typed events, ~2 ms a message)
        try:
            origin, events = decode(message)
        except Exception:
            log.exception("%s event fan-out: unreadable message on %r skipped", self.backend, self.channel)
            return
        if origin == self.origin or not events or self._bus is None:
            return
        self._bus.publish(events, local_only=True)


    def _is_own(self, message: str | bytes) -> bool:
        """The message starts with this process's origin (`_envelope` writes it first)."""
        prefix = self._own_prefix
        if isinstance(message, bytes):
            return message.startswith(prefix)
        return message.startswith(prefix.decode())


class RedisBridge(_Bridge):
    backend = "redis"

    def __init__(self, url: str = DEFAULT_REDIS_URL, channel: str = "takt.events"):
        super().__init__(url, channel)
        self._client = None

    def _redis(self, **kwargs):
        import redis
        return redis.Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=5,
                                    health_check_interval=30, **kwargs)

    @property
    def listener_name(self) -> str:
        """CLIENT SETNAME of the listener's connection (so an operator can find it in CLIENT LIST)."""
        return f"takt-fanout-{os.getpid()}-{id(self):x}"

    def _send(self, events: list[DomainEvent]) -> None:
        client = self._client
        if client is None:
            client = self._client = self._redis()
        client.publish(self.channel, encode(events, self.origin))

    def _close_sender(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
            self._client = None

    def _listen(self, connected: Callable[[], None]) -> None:
        client = self._redis(client_name=self.listener_name)
        pubsub = client.pubsub()
        try:
            pubsub.subscribe(self.channel)
            deadline = time.monotonic() + 10
            while True:                          # subscribed once the server confirms it
                message = pubsub.get_message(timeout=_POLL)
                if message and message.get("type") == "subscribe":
                    break
                if self._stop.is_set():
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no confirmation of SUBSCRIBE {self.channel}")
            connected()
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=_POLL)
                if message and message.get("type") == "message":
                    self._receive(message["data"])
        finally:
            try:
                pubsub.close()
                client.close()
            except Exception:
                pass


def _psycopg_url(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://...) as libpq takes it (postgresql://...)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    base = scheme.split("+", 1)[0]
    if base == "postgres":
        base = "postgresql"
    return f"{base}://{rest}"


class PostgresBridge(_Bridge):
    backend = "postgres"

    def __init__(self, url: str, channel: str = "takt_events"):
        if not channel or len(channel.encode()) > 63:
            raise FanoutConfigError(f"PostgreSQL channel names have 1 to 63 bytes, got {channel!r}")
        super().__init__(_psycopg_url(url), channel)
        self._conn = None

    def _connect(self):
        import psycopg
        return psycopg.connect(self.url, autocommit=True, connect_timeout=5, keepalives=1,
                               keepalives_idle=30, keepalives_interval=10, keepalives_count=3,
                               application_name="takt-fanout")

    def _send(self, events: list[DomainEvent]) -> None:
        chunks = encode_chunks(events, self.origin)
        if not chunks:
            return
        conn = self._conn
        if conn is None or conn.closed:
            conn = self._conn = self._connect()
        with conn.transaction():                 # one transaction: all chunks delivered together, in order
            for chunk in chunks:
                conn.execute("SELECT pg_notify(%s, %s)", (self.channel, chunk))

    def _close_sender(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def listener_pid(self) -> int | None:
        conn = getattr(self, "_listen_conn", None)
        return None if conn is None or conn.closed else conn.info.backend_pid

    def _listen(self, connected: Callable[[], None]) -> None:
        from psycopg import sql
        conn = self._connect()
        self._listen_conn = conn
        try:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            connected()
            while not self._stop.is_set():
                for notify in conn.notifies(timeout=_POLL):
                    self._receive(notify.payload)
                    if self._stop.is_set():
                        break
        finally:
            with contextlib.suppress(Exception):
                conn.close()


class LocalFanout:
    """TAKT_EVENT_BACKEND "local" (the default without Redis): one process, nothing to bridge."""

    backend = "local"
    channel = None

    def wait_ready(self, timeout: float | None = None) -> bool:
        return True

    def stop(self, timeout: float = 5.0) -> None:
        pass


def redis_url_from_env() -> str:
    url = (os.environ.get("TAKT_REDIS_URL") or os.environ.get("REFLEX_REDIS_URL") or "").strip()
    if not url:
        return DEFAULT_REDIS_URL
    if "://" not in url:                 # Reflex also accepts host:port
        url = "redis://" + url
    return url


def postgres_url_from_env() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        raise FanoutConfigError("TAKT_EVENT_BACKEND=postgres needs DATABASE_URL set to a PostgreSQL "
                                "database (e.g. postgresql://user@host/db)")
    return url


def start_fanout(bus: EventBus, backend: str | None = None, url: str | None = None, *,
                 channel: str | None = None, ready_timeout: float | None = 5.0) -> Any:
    """Bridge `bus` to other processes as configured; returns a handle with `stop()`.
    `backend` defaults to TAKT_EVENT_BACKEND (else redis when REFLEX_REDIS_URL is set), `url` to the
    backend's environment variable."""
    if backend is None:
        backend = event_backend()
    name = (backend or "local").strip().lower()
    if name in ("", "local"):
        return LocalFanout()
    if name == "redis":
        url = url or redis_url_from_env()
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise FanoutConfigError(f"TAKT_EVENT_BACKEND=redis needs a redis:// URL, got {url!r}")
        bridge: _Bridge = RedisBridge(url, channel or os.environ.get("TAKT_EVENT_CHANNEL") or "takt.events")
    elif name in ("postgres", "postgresql"):
        url = url or postgres_url_from_env()
        if url.split("://", 1)[0].split("+", 1)[0] not in ("postgres", "postgresql"):
            raise FanoutConfigError("TAKT_EVENT_BACKEND=postgres needs DATABASE_URL to be a PostgreSQL URL "
                                    f"(postgresql://...), got {url.split('://', 1)[0]}://...")
        bridge = PostgresBridge(url, channel or os.environ.get("TAKT_EVENT_CHANNEL") or "takt_events")
    else:
        raise FanoutConfigError(f"TAKT_EVENT_BACKEND={backend!r} is not one of {', '.join(BACKENDS)}")
    return bridge.start(bus, ready_timeout)
