"""Per-worker caches (services/core/worker_cache.py): dropped by the committed events that change what they
hold, per plant; a load that raced a drop is not kept; the rollups' calendar and machine-rate caches follow
calendar and rate changes made through the services."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.base import utcnow
from services.core.db import transaction
from services.core.events import DomainEvent, bus
from services.core.worker_cache import WorkerCache
from services.kpi import rollups
from services.master.calendars import HolidayInput, add_holiday
from services.master.work_centers import MachineRateInput, set_machine_rate


def publish(name: str, plant_id: int | None) -> None:
    bus.publish([DomainEvent(name=name, organization_id=1, plant_id=plant_id)])


def test_an_event_drops_its_plants_entries_and_a_plantless_event_drops_all():
    cache: WorkerCache[str] = WorkerCache("test", invalidated_by=("thing.*",))
    cache.get("a", lambda: "A", plant_id=1)
    cache.get("b", lambda: "B", plant_id=2)
    cache.get("any", lambda: "N", plant_id=None)

    publish("thing.updated", 1)
    assert [cache.lookup(k)[0] for k in ("a", "b", "any")] == [False, True, False]
    publish("other.updated", None)
    assert cache.lookup("b") == (True, "B")
    publish("thing.deleted", None)
    assert len(cache) == 0


def test_a_load_overtaken_by_a_drop_is_not_kept():
    cache: WorkerCache[str] = WorkerCache("test", invalidated_by=("thing.*",))

    def load_while_it_changes() -> str:
        publish("thing.updated", 1)
        return "stale"
    assert cache.get("a", load_while_it_changes, plant_id=1) == "stale"
    assert cache.lookup("a") == (False, None)
    assert cache.get("a", lambda: "fresh", plant_id=1) == "fresh"
    assert cache.lookup("a") == (True, "fresh")


def test_a_calendar_change_drops_the_plants_slicer(session, world, floor):
    admin = world.actor(world.admin_a)
    first = rollups.RollupContext(session).slicer(world.plant1)
    assert rollups.RollupContext(session).slicer(world.plant1) is first      # kept across units of work

    with transaction(session):
        add_holiday(session, admin, floor.line.calendar_id, HolidayInput(day=date(2026, 3, 4)), now=utcnow())

    after = rollups.RollupContext(session).slicer(world.plant1)
    assert after is not first
    assert after.cal is not None and date(2026, 3, 4) in after.cal.holidays


def test_a_rolled_back_calendar_change_keeps_the_slicer(session, world, floor):
    admin = world.actor(world.admin_a)
    first = rollups.RollupContext(session).slicer(world.plant1)
    try:
        with transaction(session):
            add_holiday(session, admin, floor.line.calendar_id, HolidayInput(day=date(2026, 3, 4)), now=utcnow())
            raise RuntimeError("abandoned")
    except RuntimeError:
        pass
    assert rollups.RollupContext(session).slicer(world.plant1) is first


def test_a_machine_rate_change_is_read_by_the_next_unit_of_work(session, world, floor):
    admin = world.actor(world.admin_a)
    assert rollups.RollupContext(session).machine_rates([floor.machine_id]) == {floor.machine_id: {}}

    with transaction(session):
        set_machine_rate(session, admin, floor.machine_id,
                         MachineRateInput(product_id=floor.line.product_id, ideal_cycle_seconds=Decimal("2.5")),
                         now=utcnow())

    rates = rollups.RollupContext(session).machine_rates([floor.machine_id])
    assert rates == {floor.machine_id: {floor.line.product_id: 2500}}
