"""Domain events: dispatched only after commit, in order, dropped on rollback (services/core/events.py)."""
from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from models.base import utcnow
from models.organization import Plant
from services.core.db import transaction
from services.core.events import DomainEvent, EventBus, bus, record
from services.org import plants
from services.org.plants import PlantCreate, PlantUpdate
from tests.factories.db import count

GUARD = 10  # seconds; only stops a broken test from hanging, never measures anything


def rename(session, actor, plant_id, name):
    plants.update_plant(session, actor, plant_id, PlantUpdate(name=name), now=utcnow())


# --- after commit, in order, never after rollback -------------------------------------------

def test_events_go_out_only_after_commit_in_the_order_recorded(session, world, captured_events):
    admin = world.actor(world.admin_a)
    captured_events.clear()

    with transaction(session):
        plants.create_plant(session, admin, PlantCreate(code="P3", name="Third"), now=utcnow())
        rename(session, admin, world.plant1, "First")
        rename(session, admin, world.plant2, "Second")
        assert captured_events == []                    # recorded, not yet dispatched

    assert [e.name for e in captured_events] == ["plant.created", "plant.updated", "plant.updated"]
    assert [e.plant_id for e in captured_events][1:] == [world.plant1, world.plant2]
    assert [e.seq for e in captured_events] == sorted(e.seq for e in captured_events)


def test_a_rolled_back_transaction_announces_nothing(session, engine, world, captured_events):
    admin = world.actor(world.admin_a)
    captured_events.clear()

    with pytest.raises(RuntimeError), transaction(session):
        rename(session, admin, world.plant1, "Never")
        raise RuntimeError("the use case failed after the service call")

    assert captured_events == []
    assert count(engine, Plant, Plant.name == "Never") == 0
    with transaction(session):                          # the dropped events do not leak into the next commit
        rename(session, admin, world.plant2, "Next")
    assert [e.plant_id for e in captured_events] == [world.plant2]


def test_events_recorded_before_any_query_and_rolled_back_do_not_leak_into_the_next_commit(session, world, captured_events):
    captured_events.clear()
    with pytest.raises(RuntimeError), transaction(session):
        record(session, DomainEvent("user.created", world.org_a, {"user_id": 1}))
        raise RuntimeError("rolled back before touching the database")

    with transaction(session):
        record(session, DomainEvent("marker", world.org_a))

    assert [e.name for e in captured_events] == ["marker"]


def test_a_commit_that_fails_announces_nothing(session, world, captured_events):
    admin = world.actor(world.admin_a)
    captured_events.clear()

    with pytest.raises(Exception, match="(?i)unique"), transaction(session):
        rename(session, admin, world.plant1, "Renamed")
        session.add(Plant(organization_id=world.org_a, code="P2", name="Duplicate code"))

    assert captured_events == []


def test_events_of_a_rolled_back_savepoint_are_dropped_and_earlier_ones_kept(session, engine, world, captured_events):
    admin = world.actor(world.admin_a)
    captured_events.clear()

    with transaction(session):
        rename(session, admin, world.plant1, "Kept")
        with pytest.raises(RuntimeError), session.begin_nested():
            rename(session, admin, world.plant2, "Dropped")
            raise RuntimeError("one row of an import failed")
        record(session, DomainEvent("import.finished", world.org_a))

    assert [(e.name, e.plant_id) for e in captured_events] == [("plant.updated", world.plant1), ("import.finished", None)]
    assert count(engine, Plant, Plant.name == "Dropped") == 0


def test_a_failing_handler_neither_fails_the_commit_nor_starves_other_handlers(session, engine, world, captured_events):
    def broken(event):
        raise ValueError("a subscriber bug")

    unsubscribe = bus.on("plant.*", broken)
    try:
        captured_events.clear()
        with transaction(session):
            rename(session, world.actor(world.admin_a), world.plant1, "Saved")
    finally:
        unsubscribe()

    assert count(engine, Plant, Plant.name == "Saved") == 1
    assert [e.name for e in captured_events] == ["plant.updated"]


def test_handlers_see_only_the_names_they_asked_for(session, world):
    seen = []
    unsubscribe = bus.on("user.*", seen.append)
    try:
        with transaction(session):
            rename(session, world.actor(world.admin_a), world.plant1, "Renamed")
    finally:
        unsubscribe()
    assert seen == []


# --- asyncio subscribers ------------------------------------------------------------------

async def next_event(feed):
    return await asyncio.wait_for(anext(feed), GUARD)


async def test_a_subscriber_receives_events_committed_after_it_subscribed_for_its_organization_only(session, world):
    feed = bus.subscribe("user.*", organization_id=world.org_a)
    try:
        with transaction(session):                       # another tenant's event, then ours
            record(session, DomainEvent("user.created", world.org_b, {"user_id": 1}))
            record(session, DomainEvent("plant.created", world.org_a, {"plant_id": 1}))
            record(session, DomainEvent("user.created", world.org_a, {"user_id": 2}))
        with transaction(session):
            record(session, DomainEvent("user.updated", world.org_a, {"user_id": 2}))

        first, second = await next_event(feed), await next_event(feed)
    finally:
        await feed.aclose()

    assert [(e.name, e.organization_id, e.payload) for e in (first, second)] == [
        ("user.created", world.org_a, {"user_id": 2}), ("user.updated", world.org_a, {"user_id": 2})]


async def test_events_committed_in_a_worker_thread_reach_the_subscriber(session, world):
    def use_case():
        with transaction(session):
            rename(session, world.actor(world.admin_a), world.plant1, "From a thread")

    async with _subscription(bus.subscribe("plant.updated")) as feed:
        await asyncio.to_thread(use_case)
        event = await next_event(feed)

    assert (event.name, event.plant_id) == ("plant.updated", world.plant1)


async def test_a_rolled_back_transaction_reaches_no_subscriber(session, world):
    async with _subscription(bus.subscribe("*", organization_id=world.org_a)) as feed:
        with pytest.raises(RuntimeError), transaction(session):
            record(session, DomainEvent("user.created", world.org_a, {"user_id": 1}))
            raise RuntimeError("rolled back")
        with transaction(session):
            record(session, DomainEvent("marker", world.org_a))

        assert (await next_event(feed)).name == "marker"


async def test_a_slow_subscriber_loses_its_oldest_events_and_never_blocks_publishers():
    small = EventBus(queue_size=3)
    async with _subscription(small.subscribe("tick")) as feed:
        small.publish([DomainEvent("tick", 1, {"n": n}) for n in range(1, 6)])   # returns without waiting for us
        received = [(await next_event(feed)).payload["n"] for _ in range(3)]
        small.publish([DomainEvent("tick", 1, {"n": 6})])
        received.append((await next_event(feed)).payload["n"])

    assert received == [3, 4, 5, 6]


async def test_a_subscription_ends_when_closed_or_cancelled():
    own = EventBus()
    feed = own.subscribe("*")
    assert own.subscriber_count() == 1
    await feed.aclose()
    assert own.subscriber_count() == 0

    async def consume():
        async for _ in own.subscribe("*"):
            pass

    task = asyncio.create_task(consume())
    while own.subscriber_count() == 0:
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert own.subscriber_count() == 0


def test_a_subscriber_whose_event_loop_has_closed_does_not_break_publishing():
    own = EventBus()
    loop = asyncio.new_event_loop()

    async def subscribe():
        return own.subscribe("*")

    feed = loop.run_until_complete(subscribe())
    loop.close()                                     # its consumer went away without closing the feed
    assert own.subscriber_count() == 1

    own.publish([DomainEvent("after", 1)])
    assert own.subscriber_count() == 0
    del feed


class _subscription:
    """`async with` for a feed, closing it however the block ends."""

    def __init__(self, feed):
        self.feed = feed

    async def __aenter__(self):
        return self.feed

    async def __aexit__(self, *exc):
        await self.feed.aclose()


def test_record_keeps_events_on_the_session_until_commit(session, world):
    with transaction(session):
        record(session, DomainEvent("x", world.org_a))
        assert [e.name for e in session.info["takt.pending_events"]] == ["x"]
    assert "takt.pending_events" not in session.info
    assert session.exec(select(Plant.id)).first() is not None
