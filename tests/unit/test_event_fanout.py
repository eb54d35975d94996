"""Event fan-out across processes (services/core/event_fanout.py): Redis pub/sub and PostgreSQL
LISTEN/NOTIFY. A second process subscribes to its own bus; events published or committed here
reach it in order and exactly once, it never echoes them back, and a rollback sends nothing.

Servers: TEST_REDIS_URL (default redis://127.0.0.1:6379/0) and TEST_FANOUT_PG_URL, else
TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/test; a backend whose server is not
reachable is skipped. Every test uses a channel of its own, so parallel runs never cross.
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid

import pytest

from services.core import event_fanout as fanout
from services.core.db import transaction
from services.core.event_fanout import (
    FanoutConfigError,
    LocalFanout,
    PostgresBridge,
    RedisBridge,
    decode,
    encode,
    encode_chunks,
    start_fanout,
)
from services.core.events import DomainEvent, bus, record
from tests.factories.fanout import GUARD, ROOT


def wait_until(predicate, what: str):
    deadline = time.monotonic() + GUARD
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def ev(name: str, **payload) -> DomainEvent:
    return DomainEvent(name, None, payload)


# --- a raw listener: every message on the channel, as sent, with its origin ----------------------

class RawListener:
    """Sees the wire itself (not a bus): who sent what."""

    def __init__(self, backend: str, url: str, channel: str):
        self.messages: list[tuple[str, list[str]]] = []
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=getattr(self, f"_run_{backend}"), args=(url, channel), daemon=True)
        self._thread.start()
        assert self._ready.wait(GUARD)

    def _add(self, raw) -> None:
        origin, events = decode(raw)
        self.messages.append((origin, [e.name for e in events]))

    def _run_redis(self, url, channel):
        import redis
        client = redis.Redis.from_url(url)
        pubsub = client.pubsub()
        pubsub.subscribe(channel)
        while not self._stop.is_set():
            message = pubsub.get_message(timeout=0.2)
            if message and message["type"] == "subscribe":
                self._ready.set()
            elif message and message["type"] == "message":
                self._add(message["data"])
        pubsub.close()
        client.close()

    def _run_postgres(self, url, channel):
        import psycopg
        from psycopg import sql
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            self._ready.set()
            while not self._stop.is_set():
                for notify in conn.notifies(timeout=0.2):
                    self._add(notify.payload)

    def names_from(self, origin: str) -> list[str]:
        return [name for o, names in self.messages if o == origin for name in names]

    def origins(self) -> set[str]:
        return {o for o, _ in self.messages}

    def stop(self):
        self._stop.set()
        self._thread.join(GUARD)


def raw_publish(backend: str, url: str, channel: str, message: str) -> None:
    if backend == "redis":
        import redis
        client = redis.Redis.from_url(url)
        client.publish(channel, message)
        client.close()
    else:
        import psycopg
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SELECT pg_notify(%s, %s)", (channel, message))


# --- the second process ----------------------------------------------------------------------

CHILD = r"""
import asyncio, json, sys
from services.core.events import DomainEvent, bus
from services.core.event_fanout import process_origin, start_fanout

backend, url, channel = sys.argv[1:4]

def say(**line):
    print(json.dumps(line), flush=True)

async def main():
    feed = bus.subscribe("*")
    handle = start_fanout(bus, backend, url, channel=channel, ready_timeout=10)
    if not handle.wait_ready(10):
        say(error="not connected")
        return
    say(ready=process_origin())
    async for event in feed:
        say(name=event.name, payload=event.payload)
        if event.name == "test.end":
            bus.publish([DomainEvent("child.done", None, {})])    # through its bridge, after all else

asyncio.run(main())
"""


class Child:
    def __init__(self, backend: str, url: str, channel: str):
        env = dict(os.environ, PYTHONPATH=str(ROOT), TAKT_EVENT_BACKEND="local")
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, backend, url, channel], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        first = self.next_line()
        assert "ready" in first, first
        self.origin = first["ready"]

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def next_line(self) -> dict:
        try:
            line = self.lines.get(timeout=GUARD)
        except queue.Empty:
            raise AssertionError("the second process said nothing") from None
        if line is None:
            raise AssertionError(f"the second process ended: {self.proc.stderr.read()}")
        return line

    def received_until(self, last: str) -> list[str]:
        names = []
        while not names or names[-1] != last:
            names.append(self.next_line()["name"])
        return names

    def stop(self):
        self.proc.kill()
        self.proc.wait(GUARD)
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def link(server):
    """This process bridged on a fresh channel, a raw listener on it, and the second process."""
    backend, url, channel = server
    handle = start_fanout(bus, backend, url, channel=channel, ready_timeout=GUARD)
    assert handle.wait_ready(GUARD)
    raw = RawListener(backend, url, channel)
    seen_here: list[str] = []
    unsubscribe = bus.on("*", lambda e: seen_here.append(e.name))
    child = Child(backend, url, channel)
    yield handle, raw, child, seen_here
    child.stop()
    unsubscribe()
    raw.stop()
    handle.stop()


# --- across processes ------------------------------------------------------------------------

def test_published_and_committed_events_reach_the_other_process_in_order_exactly_once(link, session):
    handle, raw, child, seen_here = link
    bus.publish([ev("a.one", n=1), ev("a.two", n=2)])
    with transaction(session):
        record(session, ev("tx.first", text="ünïcode ✓"))
        record(session, ev("tx.second"))
    big = [ev(f"big.{i}", filler="x" * 600) for i in range(30)]     # ~20 kB: several NOTIFYs on PostgreSQL
    bus.publish(big)
    bus.publish([ev("test.end")])

    sent = ["a.one", "a.two", "tx.first", "tx.second"] + [e.name for e in big] + ["test.end"]
    assert child.received_until("test.end") == sent

    # the second process answers only after all that; nothing of ours came back before its answer
    wait_until(lambda: "child.done" in raw.names_from(child.origin), "the second process's answer")
    assert raw.names_from(child.origin) == ["child.done"]
    assert raw.names_from(handle.origin) == sent
    assert raw.origins() == {handle.origin, child.origin}
    # here: our own events once (locally, never again from the wire), theirs once
    wait_until(lambda: "child.done" in seen_here, "the answer to reach this process's bus")
    assert seen_here == sent + ["child.done"]


def test_payload_and_fields_survive_the_trip(link):
    handle, raw, child, seen_here = link
    bus.publish([DomainEvent("job.started", 7, {"job_id": 42, "qty": 1.5, "tags": ["a", "b"]}, plant_id=3),
                 ev("test.end")])
    first = child.next_line()
    assert first == {"name": "job.started", "payload": {"job_id": 42, "qty": 1.5, "tags": ["a", "b"]}}


def test_a_rolled_back_transaction_sends_nothing(link, session):
    handle, raw, child, seen_here = link
    with pytest.raises(RuntimeError), transaction(session):
        record(session, ev("never.sent"))
        raise RuntimeError("the use case failed")
    bus.publish([ev("test.end")])
    assert child.received_until("test.end") == ["test.end"]
    wait_until(lambda: "child.done" in raw.names_from(child.origin), "the second process's answer")
    assert raw.names_from(handle.origin) == ["test.end"]


# --- in this process: foreign messages, reconnects, failures -----------------------------------

def test_a_message_from_another_origin_is_published_locally_and_not_forwarded(server):
    backend, url, channel = server
    handle = start_fanout(bus, backend, url, channel=channel, ready_timeout=GUARD)
    raw = RawListener(backend, url, channel)
    seen: list[str] = []
    unsubscribe = bus.on("*", lambda e: seen.append(e.name))
    try:
        raw_publish(backend, url, channel, encode([ev("remote.one"), ev("remote.two")], origin="elsewhere"))
        raw_publish(backend, url, channel, encode([ev("remote.end")], origin="elsewhere"))
        wait_until(lambda: seen[-1:] == ["remote.end"], "the foreign events")
        assert seen == ["remote.one", "remote.two", "remote.end"]
        # the listener handles one message at a time: once the next one is here, anything it
        # would have forwarded for the earlier ones is on the wire, ahead of the final fence
        raw_publish(backend, url, channel, encode([ev("remote.next")], origin="elsewhere"))
        wait_until(lambda: seen[-1:] == ["remote.next"], "the next foreign event")
        raw_publish(backend, url, channel, encode([ev("fence")], origin="fence"))
        wait_until(lambda: "fence" in raw.origins(), "the fence")
        before_fence = raw.messages[:[o for o, _ in raw.messages].index("fence")]
        assert {o for o, _ in before_fence} == {"elsewhere"}   # nothing forwarded back onto the channel
    finally:
        unsubscribe()
        raw.stop()
        handle.stop()


def _kill_listener(backend: str, url: str, handle) -> None:
    if backend == "redis":
        import redis
        client = redis.Redis.from_url(url)
        ids = [c["id"] for c in client.client_list() if c.get("name") == handle.listener_name]
        assert ids
        for client_id in ids:
            client.client_kill_filter(_id=client_id)
        client.close()
    else:
        import psycopg
        pid = handle.listener_pid()
        assert pid
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_the_listener_reconnects_when_its_connection_drops(server):
    backend, url, channel = server
    handle = start_fanout(bus, backend, url, channel=channel, ready_timeout=GUARD)
    seen: list[str] = []
    unsubscribe = bus.on("*", lambda e: seen.append(e.name))
    try:
        _kill_listener(backend, url, handle)
        deadline = time.monotonic() + GUARD                  # messages sent while it is away are lost: probe
        while "remote.probe" not in seen:
            assert time.monotonic() < deadline, "the listener never came back"
            raw_publish(backend, url, channel, encode([ev("remote.probe")], origin="elsewhere"))
            time.sleep(0.2)
    finally:
        unsubscribe()
        handle.stop()


@pytest.mark.parametrize("backend, url", [("redis", "redis://127.0.0.1:1/0"),
                                          ("postgres", "postgresql://postgres@127.0.0.1:1/none")])
def test_an_unreachable_server_never_fails_a_commit(backend, url, session, captured_events):
    handle = start_fanout(bus, backend, url, channel=f"takt_test_{uuid.uuid4().hex}", ready_timeout=0)
    try:
        with transaction(session):
            record(session, ev("still.committed"))
        bus.publish([ev("and.published")])                  # within the send backoff: dropped, logged
        assert [e.name for e in captured_events] == ["still.committed", "and.published"]
        assert not handle.wait_ready(0)
    finally:
        handle.stop()


def test_stop_removes_the_bridge_from_the_bus(server):
    backend, url, channel = server
    handle = start_fanout(bus, backend, url, channel=channel, ready_timeout=GUARD)
    handle.stop()
    raw = RawListener(backend, url, channel)
    try:
        bus.publish([ev("after.stop")])
        raw_publish(backend, url, channel, encode([ev("fence")], origin="elsewhere"))
        wait_until(lambda: raw.messages, "the fence")
        assert raw.origins() == {"elsewhere"}
    finally:
        raw.stop()


# --- wire format and configuration ---------------------------------------------------------------

def test_from_dict_reverses_to_dict():
    event = DomainEvent("job.started", 7, {"job_id": 42}, plant_id=3, actor_user_id=9)
    back = DomainEvent.from_dict(json.loads(json.dumps(event.to_dict())))
    assert back.to_dict() == event.to_dict()
    assert back.at == event.at


def test_chunks_stay_under_the_notify_limit_and_keep_the_order(caplog):
    events = [ev(f"e.{i}", filler="é" * 300) for i in range(60)]        # multi-byte: the limit is in bytes
    huge = ev("too.big", filler="x" * 9000)
    chunks = encode_chunks(events[:30] + [huge] + events[30:], origin="me")
    assert len(chunks) > 1
    assert all(len(c.encode()) < fanout.PG_PAYLOAD_LIMIT for c in chunks)
    names = [e.name for c in chunks for e in decode(c)[1]]
    assert names == [e.name for e in events]
    assert "too.big" in caplog.text
    assert {decode(c)[0] for c in chunks} == {"me"}


def test_configuration(monkeypatch):
    monkeypatch.delenv("TAKT_EVENT_BACKEND", raising=False)
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    assert isinstance(start_fanout(bus), LocalFanout)
    assert isinstance(start_fanout(bus, "local"), LocalFanout)
    with pytest.raises(FanoutConfigError, match="not one of"):
        start_fanout(bus, "kafka")
    monkeypatch.setenv("TAKT_EVENT_BACKEND", "postgres")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(FanoutConfigError, match="DATABASE_URL"):
        start_fanout(bus)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///data/takt.db")
    with pytest.raises(FanoutConfigError, match="PostgreSQL"):
        start_fanout(bus)
    with pytest.raises(FanoutConfigError, match="redis://"):
        start_fanout(bus, "redis", "http://localhost:6379")

    monkeypatch.delenv("TAKT_REDIS_URL", raising=False)
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    assert fanout.redis_url_from_env() == "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis-host:6380")
    assert fanout.redis_url_from_env() == "redis://redis-host:6380"
    monkeypatch.setenv("TAKT_REDIS_URL", "redis://other:6379/2")
    assert fanout.redis_url_from_env() == "redis://other:6379/2"
    assert fanout._psycopg_url("postgresql+psycopg://u@h/db") == "postgresql://u@h/db"
    assert isinstance(PostgresBridge("postgres://u@h/db"), PostgresBridge)
    assert PostgresBridge("postgres://u@h/db").url == "postgresql://u@h/db"
    assert RedisBridge().channel == "takt.events"
    with pytest.raises(FanoutConfigError, match="63 bytes"):
        PostgresBridge("postgresql://u@h/db", channel="c" * 64)


class _Collect:
    def __init__(self):
        self.published: list[list[str]] = []

    def publish(self, events, *, local_only=False):
        assert local_only
        self.published.append([e.name for e in events])


@pytest.mark.parametrize("as_bytes", [True, False])
def test_own_messages_are_skipped_before_they_are_decoded(monkeypatch, as_bytes):
    bridge = RedisBridge("redis://127.0.0.1:1/0", "c")
    bridge._bus = collect = _Collect()
    decoded: list[str] = []

    def counting_decode(message):
        decoded.append(message)
        return decode(message)

    monkeypatch.setattr(fanout, "decode", counting_decode)

    def wire(text: str):
        return text.encode() if as_bytes else text

    bridge._receive(wire(encode([ev("mine")], origin=bridge.origin)))
    bridge._receive(wire(encode([ev("look.alike")], origin=bridge.origin + "x")))   # another origin sharing a prefix
    bridge._receive(wire(encode([ev("theirs")], origin="elsewhere")))
    assert len(decoded) == 2                      # this process's own message never reached the decoder
    assert collect.published == [["look.alike"], ["theirs"]]


def test_typed_events_from_the_wire_parse_their_times_with_hints_resolved_once_per_class():
    import services.production.events  # noqa: F401  (registers typed events with datetime | None fields)
    from services.core.events import EVENT_TYPES, _fields_from, _payload_fields
    typed = [cls for cls in EVENT_TYPES.values() if any(is_time for _, is_time in _payload_fields(cls))]
    assert typed, "no typed event with a datetime field to check"
    cls = typed[0]
    name = next(n for n, is_time in _payload_fields(cls) if is_time)
    _payload_fields.cache_clear()
    values = _fields_from(cls, {name: "2026-01-02T03:04:05+00:00", "unknown": 1})
    values2 = _fields_from(cls, {name: "2026-01-02T03:04:06+00:00"})
    assert values[name].isoformat() == "2026-01-02T03:04:05+00:00" and values2[name].second == 6
    assert "unknown" not in values
    assert (_payload_fields.cache_info().misses, _payload_fields.cache_info().hits) == (1, 1)
