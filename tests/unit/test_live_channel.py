"""services/kpi/live_channel.Channel: an event of a watched plant leads to ONE reading of the scope's
tiles and one delta, the same text for every subscriber; nothing for another organization or plant,
nothing when nothing changed; a subscriber whose socket fails is dropped. The reading here is a
function over a dict the test changes (the database side is tests/unit/test_live_tiles.py). Waits
are guards against a hang, never timed assertions; the coalescing's cadence is checked on an injected clock."""
from __future__ import annotations

import asyncio
import json

import pytest

from services.core.events import DomainEvent, EventBus
from services.kpi.live import Scope
from services.kpi.live_channel import Channel
from services.kpi.live_tiles import Reading

ORG, PLANT = 1, 10
BOARD = Scope("andon", ORG, PLANT)
GUARD = 30


class Socket:
    """A subscriber's socket: `next()` gives the messages in the order they were sent, each once (two that arrive
    before the test looks are both read, the older first)."""

    def __init__(self, fail: bool = False):
        self.messages: list[str] = []
        self.read = 0
        self.arrived = asyncio.Event()
        self.fail = fail

    async def send(self, text: str) -> None:
        if self.fail:
            raise ConnectionError("gone")
        self.messages.append(text)
        self.arrived.set()

    async def next(self) -> dict:
        while self.read == len(self.messages):
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), GUARD)
        self.read += 1
        return json.loads(self.messages[self.read - 1])


def ev(org=ORG, plant=PLANT, name="count.reported") -> DomainEvent:
    return DomainEvent(name, org, {"machine_id": 5}, plant_id=plant)


async def test_one_reading_per_event_and_the_same_delta_to_every_subscriber():
    floor = {"m5.good": 0, "m5.state": "running"}
    bus = EventBus()
    channel = Channel(read=lambda scope: dict(floor), bus=bus, interval=0.01)
    sockets = [Socket() for _ in range(20)]
    for s in sockets:
        snapshot, seq = await channel.subscribe(BOARD, s)
        assert snapshot == {"m5.good": 0, "m5.state": "running"} and seq == 0
    assert channel.readings == 1                             # the first subscriber's snapshot; the others share it

    floor["m5.good"] = 7
    bus.publish([ev()])
    deltas = [await s.next() for s in sockets]

    assert deltas[0] == {"type": "delta", "scope": BOARD.token, "seq": 1, "tiles": {"m5.good": 7}}
    assert all(d == deltas[0] for d in deltas)
    assert len({s.messages[-1] for s in sockets}) == 1
    assert channel.readings == 2 and channel.deltas == 1
    await channel.stop()


async def test_events_of_another_organization_or_plant_read_nothing():
    floor = {"m5.good": 0}
    bus = EventBus()
    channel = Channel(read=lambda scope: dict(floor), bus=bus, interval=0.01)
    mine = Socket()
    await channel.subscribe(BOARD, mine)
    floor["m5.good"] = 3
    bus.publish([ev(org=2), ev(plant=11), ev(name="user.created")])
    bus.publish([ev()])                                       # the first that concerns the board
    message = await mine.next()
    await channel.hub.idle()
    assert message["tiles"] == {"m5.good": 3} and message["seq"] == 1
    assert channel.readings == 2 and len(mine.messages) == 1
    await channel.stop()


async def test_nothing_is_sent_when_nothing_changed():
    floor = {"m5.good": 0}
    bus = EventBus()
    channel = Channel(read=lambda scope: dict(floor), bus=bus, interval=0.01)
    sock = Socket()
    await channel.subscribe(BOARD, sock)
    bus.publish([ev()])
    while channel.readings < 2:
        await asyncio.sleep(0.01)
    await channel.hub.idle()
    assert sock.messages == [] and channel.deltas == 0
    floor["m5.good"] = 1
    bus.publish([ev()])
    assert (await sock.next())["tiles"] == {"m5.good": 1}
    await channel.stop()


async def test_a_failed_socket_is_dropped_and_an_empty_scope_forgotten():
    floor = {"m5.good": 0}
    bus = EventBus()
    channel = Channel(read=lambda scope: dict(floor), bus=bus, interval=0.01)
    good, broken = Socket(), Socket(fail=True)
    await channel.subscribe(BOARD, good)
    await channel.subscribe(BOARD, broken)
    floor["m5.good"] = 1
    bus.publish([ev()])
    await good.next()
    await channel.hub.idle()
    assert channel.subscriber_count(BOARD) == 1
    channel.drop(good)
    assert channel.scopes() == [] and channel.hub.watched() == []
    await channel.stop()


# ----- leading-edge coalescing, on an injected clock (no timing in the assertions) -----------------

class Clock:
    """A clock that moves only when the hub sleeps (or the test moves it); every sleep is recorded."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def test_the_first_event_after_a_quiet_spell_is_read_and_sent_without_waiting():
    floor = {"m5.good": 0}
    bus, clock = EventBus(), Clock()
    channel = Channel(read=lambda scope: dict(floor), bus=bus, interval=0.1, clock=clock, sleep=clock.sleep)
    sock = Socket()
    await channel.subscribe(BOARD, sock)
    floor["m5.good"] = 1
    bus.publish([ev()])
    assert (await sock.next())["tiles"] == {"m5.good": 1}
    assert clock.sleeps == []                                  # a trailing window would have slept 0.1 s first

    clock.now += 5                                             # quiet again: the next report goes out at once too
    floor["m5.good"] = 2
    bus.publish([ev()])
    assert (await sock.next())["tiles"] == {"m5.good": 2}
    assert clock.sleeps == [] and channel.readings == 3
    await channel.stop()


async def test_a_burst_is_one_more_reading_after_the_interval_and_keeps_the_last_change():
    import threading
    floor = {"m5.good": 0}
    reading, gate = threading.Event(), threading.Event()

    def read(scope):
        now = dict(floor)
        if now["m5.good"] == 1:                                 # the first report's reading: held until released
            reading.set()
            gate.wait(GUARD)
        return now

    bus, clock = EventBus(), Clock()
    channel = Channel(read=read, bus=bus, interval=0.1, clock=clock, sleep=clock.sleep)
    sock = Socket()
    await channel.subscribe(BOARD, sock)
    floor["m5.good"] = 1
    bus.publish([ev()])
    assert await asyncio.to_thread(reading.wait, GUARD)
    for n in range(2, 12):                                      # ten more reports while the first is read
        floor["m5.good"] = n
        bus.publish([ev()])
    await asyncio.sleep(0)
    gate.set()
    first = await sock.next()
    second = await sock.next()
    await channel.hub.idle()
    assert first["tiles"] == {"m5.good": 1} and second["tiles"] == {"m5.good": 11}     # the last change arrives
    assert (first["seq"], second["seq"]) == (1, 2)
    assert channel.readings == 3                                # snapshot, the leading reading, one for the burst
    assert clock.sleeps == [pytest.approx(0.1)]                 # the burst waited out the rest of one interval
    await channel.stop()


# ----- what an event changes at once, before the reading ---------------------------------------------

def counted(tiles, event):
    """The test's at_once: a count adds its parts to "good" of machine 5's view (another machine tells nothing)."""
    if event.payload.get("machine_id") != 5:
        return {}
    return {"good": tiles["good"] + event.payload["good"]}


def count(good: int, machine: int = 5) -> DomainEvent:
    return DomainEvent("count.reported", ORG, {"machine_id": machine, "good": good}, plant_id=PLANT)


async def test_an_event_sends_what_it_changes_at_once_and_the_reading_the_rest():
    floor = {"good": 0, "oee": "0 %"}
    bus = EventBus()
    channel = Channel(read=lambda scope: Reading(dict(floor), at_once=counted), bus=bus, interval=0.01)
    sockets = [Socket() for _ in range(3)]
    for s in sockets:
        await channel.subscribe(BOARD, s)

    floor.update(good=4, oee="12 %")
    bus.publish([count(4)])
    at_once = [await s.next() for s in sockets]
    reading = [await s.next() for s in sockets]
    await channel.hub.idle()

    assert at_once[0] == {"type": "delta", "scope": BOARD.token, "seq": 1, "tiles": {"good": 4}}
    assert reading[0] == {"type": "delta", "scope": BOARD.token, "seq": 2, "tiles": {"oee": "12 %"}}
    assert all(m == at_once[0] for m in at_once) and all(m == reading[0] for m in reading)
    assert channel.at_once == 1 and channel.deltas == 2 and channel.readings == 2

    floor.update(oee="13 %")                                    # another machine's count: the reading alone
    bus.publish([count(2, machine=6)])
    assert (await sockets[0].next())["tiles"] == {"oee": "13 %"}
    await channel.hub.idle()
    assert channel.at_once == 1
    assert (await channel.subscribe(BOARD, Socket()))[0] == floor      # where the next subscriber starts
    await channel.stop()


async def test_a_reading_that_missed_an_event_never_takes_back_what_it_changed_at_once():
    """A reading already running when a count arrives may not see it: the count's good parts are kept as sent, and
    the reading after it (always one) gives every tile as the database has it."""
    import threading
    floor = {"good": 0, "oee": "0 %"}
    reading, gate = threading.Event(), threading.Event()

    def read(scope):
        seen = dict(floor)                                      # what this reading's transaction sees
        if seen["good"] == 1:                                   # the first report's reading: held until released
            reading.set()
            gate.wait(GUARD)
        return Reading(seen, at_once=counted)

    bus, clock = EventBus(), Clock()
    channel = Channel(read=read, bus=bus, interval=0.1, clock=clock, sleep=clock.sleep)
    sock = Socket()
    await channel.subscribe(BOARD, sock)
    floor.update(good=1, oee="5 %")
    bus.publish([count(1)])
    assert await asyncio.to_thread(reading.wait, GUARD)
    floor.update(good=3, oee="9 %")                             # committed after the running reading began
    bus.publish([count(2)])
    while len(sock.messages) < 2:
        await sock.next()
    gate.set()
    await channel.hub.idle()
    for task in list(channel._sending):
        await task

    sent = [json.loads(m) for m in sock.messages]
    goods = [m["tiles"]["good"] for m in sent if "good" in m["tiles"]]
    assert goods == [1, 3]                                      # never back to 1
    assert [m["seq"] for m in sent] == list(range(1, len(sent) + 1))
    assert sent[2]["tiles"] == {"oee": "5 %"} and sent[-1]["tiles"] == {"oee": "9 %"}
    assert (await channel.subscribe(BOARD, Socket()))[0] == floor      # the last reading's tiles, all of them
    await channel.stop()
