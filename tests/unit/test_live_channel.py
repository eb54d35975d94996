"""services/kpi/live_channel.Channel: an event of a watched plant leads to ONE reading of the scope's
tiles and one delta, the same text for every subscriber; nothing for another organization or plant,
nothing when nothing changed; a subscriber whose socket fails is dropped. The reading here is a
function over a dict the test changes (the database side is tests/unit/test_live_tiles.py). Waits
are guards against a hang, never timed assertions."""
from __future__ import annotations

import asyncio
import json

from services.core.events import DomainEvent, EventBus
from services.kpi.live import Scope
from services.kpi.live_channel import Channel

ORG, PLANT = 1, 10
BOARD = Scope("andon", ORG, PLANT)
GUARD = 30


class Socket:
    def __init__(self, fail: bool = False):
        self.messages: list[str] = []
        self.arrived = asyncio.Event()
        self.fail = fail

    async def send(self, text: str) -> None:
        if self.fail:
            raise ConnectionError("gone")
        self.messages.append(text)
        self.arrived.set()

    async def next(self) -> dict:
        await asyncio.wait_for(self.arrived.wait(), GUARD)
        self.arrived.clear()
        return json.loads(self.messages[-1])


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
