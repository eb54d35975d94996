"""services/live.LiveHub: events of a watched plant become coalesced refreshes of its scopes, one at a
time per scope, never for another organization or plant. The push here stands for the Reflex side
(rxapp/live.py): it records the scope and waits until the test lets it finish, so the counts below
do not depend on timing."""
from __future__ import annotations

import asyncio

import pytest

from services.core.access import Permission
from services.core.events import DomainEvent, EventBus
from services.kpi.live import LiveHub, Scope, reader_for

ORG, PLANT = 1, 10
BOARD = Scope("andon", ORG, PLANT)
OTHER_PLANT = Scope("andon", ORG, 11)
DASH = Scope("dashboard", ORG, PLANT, (("machine", 5),))


def ev(name="count.reported", org=ORG, plant=PLANT, **payload) -> DomainEvent:
    return DomainEvent(name, org, payload, plant_id=plant)


class Pushes:
    """Each push is recorded and then waits for `release()`."""

    def __init__(self, answer=True):
        self.scopes: list[Scope] = []
        self.gate = asyncio.Event()
        self.started = asyncio.Event()
        self.answer = answer

    async def __call__(self, scope: Scope) -> bool:
        self.scopes.append(scope)
        self.started.set()
        await self.gate.wait()
        return self.answer

    def release(self):
        self.gate.set()


async def test_a_burst_becomes_one_refresh_plus_one_for_what_came_during_it():
    pushes = Pushes()
    hub = LiveHub(push=pushes, interval=0.01)
    hub.register(BOARD)
    hub.notify(ev())
    await pushes.started.wait()
    for i in range(500):                         # arrive while the first refresh runs
        hub.notify(ev(n=i))
    pushes.release()
    await hub.idle()
    assert pushes.scopes == [BOARD, BOARD]
    assert hub.refreshes == 2


async def test_a_burst_before_the_refresh_starts_is_one_refresh():
    pushes = Pushes()
    pushes.release()
    hub = LiveHub(push=pushes, interval=0.01)
    hub.register(BOARD)
    for i in range(1000):
        hub.notify(ev(n=i))
    await hub.idle()
    assert pushes.scopes == [BOARD]


async def test_only_scopes_of_the_events_plant_and_organization_are_refreshed():
    pushes = Pushes()
    pushes.release()
    hub = LiveHub(push=pushes, interval=0.01)
    for scope in (BOARD, OTHER_PLANT, DASH):
        hub.register(scope)
    hub.notify(ev(org=2))                        # same plant id, other organization
    hub.notify(ev(plant=None))
    hub.notify(ev(name="user.created"))          # not a shop-floor event
    await hub.idle()
    assert pushes.scopes == []
    hub.notify(ev(name="downtime.started"))
    await hub.idle()
    assert sorted(pushes.scopes, key=lambda s: s.kind) == [BOARD, DASH]


async def test_a_kind_can_narrow_the_events_that_change_it():
    pushes = Pushes()
    pushes.release()
    hub = LiveHub(push=pushes, interval=0.01,
                  affects={"dashboard": lambda scope, event: event.payload.get("machine_id") == 5})
    hub.register(DASH)
    hub.notify(ev(machine_id=6))
    await hub.idle()
    assert pushes.scopes == []
    hub.notify(ev(machine_id=5))
    await hub.idle()
    assert pushes.scopes == [DASH]


async def test_a_scope_nobody_watches_any_more_is_forgotten():
    pushes = Pushes(answer=False)
    pushes.release()
    hub = LiveHub(push=pushes, interval=0.01)
    hub.register(BOARD)
    hub.notify(ev())
    await hub.idle()
    assert hub.watched() == []
    hub.notify(ev())
    await hub.idle()
    assert pushes.scopes == [BOARD]


async def test_a_failing_refresh_is_logged_and_the_next_event_refreshes_again(caplog):
    calls = []

    async def push(scope):
        calls.append(scope)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return True

    hub = LiveHub(push=push, interval=0.01)
    hub.register(BOARD)
    hub.notify(ev())
    await hub.idle()
    hub.notify(ev())
    await hub.idle()
    assert calls == [BOARD, BOARD] and "live refresh" in caplog.text


async def test_run_consumes_a_bus_subscription():
    bus = EventBus()
    pushes = Pushes()
    pushes.release()
    hub = LiveHub(push=pushes, interval=0.01)
    hub.register(BOARD)
    task = asyncio.create_task(hub.run(bus.subscribe("*")))
    bus.publish([ev()])
    while not pushes.scopes:
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert pushes.scopes == [BOARD]


def test_scope_tokens_are_stable_distinct_and_linkable():
    assert BOARD.token == Scope("andon", ORG, PLANT).token
    assert len({BOARD.token, OTHER_PLANT.token, DASH.token, Scope("andon", 2, PLANT).token}) == 4
    assert all("_" not in s.token for s in (BOARD, DASH))


def test_the_reader_of_a_scope_sees_its_plant_read_only():
    reader = reader_for(BOARD)
    assert reader.organization_id == ORG and reader.plant_ids == {PLANT} and reader.user_id is None
    assert reader.permissions == {Permission.VIEW_DASHBOARDS, Permission.DISPLAY}


async def test_a_failing_narrowing_refreshes_rather_than_stopping_the_hub(caplog):
    pushes = Pushes()
    pushes.release()

    def broken(scope, event):
        raise ValueError("bad period")

    hub = LiveHub(push=pushes, interval=0.01, affects={"dashboard": broken})
    hub.register(DASH)
    hub.notify(ev())
    await hub.idle()
    assert pushes.scopes == [DASH] and "could not tell" in caplog.text


async def test_a_kind_with_a_calmer_cadence_waits_its_own_interval_after_a_refresh():
    pushes = Pushes()
    pushes.release()
    hub = LiveHub(push=pushes, interval=0.01, intervals={"dashboard": 3600.0})
    for scope in (BOARD, DASH):
        hub.register(scope)
    hub.notify(ev(machine_id=5))                 # the first event of a quiet spell is refreshed at once
    await hub.idle()
    assert sorted(s.kind for s in pushes.scopes) == ["andon", "dashboard"]
    hub.notify(ev(machine_id=5))
    while len(pushes.scopes) < 3:                # the board again after its 10 ms ...
        await asyncio.sleep(0.01)
    assert pushes.scopes[2] == BOARD
    assert DASH in hub._tasks                    # ... the dashboard's figures wait for their hour
    for task in hub._tasks.values():
        task.cancel()


class Clock:
    def __init__(self):
        self.now, self.sleeps = 50.0, []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def test_leading_edge_at_once_after_quiet_and_a_trailing_kind_waits_its_interval():
    clock = Clock()
    pushes = Pushes()
    pushes.release()
    hub = LiveHub(push=pushes, interval=0.25, intervals={"dashboard": 30.0}, trailing={"dashboard"},
                  clock=clock, sleep=clock.sleep)
    hub.register(BOARD)
    hub.register(DASH)
    hub.notify(ev(machine_id=5))
    await hub.idle()
    assert pushes.scopes.count(BOARD) == 1 and pushes.scopes.count(DASH) == 1
    assert clock.sleeps == [30.0]              # the board at once (leading edge), the calm dashboard after 30 s
    clock.now += 100
    hub.notify(ev(machine_id=5, n=2))
    await hub.idle()
    assert pushes.scopes.count(BOARD) == 2 and clock.sleeps == [30.0, 30.0]
