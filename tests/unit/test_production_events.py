"""Production, scheduling, KPI, shop-floor and maintenance events are typed (services/production/events.py,
services/shopfloor/events.py, services/maintenance/events.py; maintenance's entity changes go through the
shared write step, services/core/changes.py): every class registered under its name, its payload the keys the wire has
always carried, rebuilt as itself on the far side of a fan-out; and no event built by hand in these packages."""
from __future__ import annotations

import dataclasses
import inspect
import re
import typing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.core import event_fanout as fanout
from services.core.events import EVENT_TYPES, DomainEvent
from services.maintenance import events as maintenance_events
from services.production import events as production_events
from services.shopfloor import events as shopfloor_events

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ENVELOPE = {"organization_id": 1, "plant_id": 2, "actor_user_id": 3, "at": AT}
ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("production", "kpi", "shopfloor", "maintenance")
REGISTERED = sorted((cls for module in (production_events, shopfloor_events, maintenance_events) for _, cls in inspect.getmembers(module)
                     if inspect.isclass(cls) and cls.__module__ == module.__name__ and cls.NAME),
                    key=lambda cls: cls.NAME)


def _sample(cls: type[DomainEvent]) -> DomainEvent:
    """An instance with a value of its type in every own field (the first type of a union)."""
    hints = typing.get_type_hints(cls)
    values: dict[str, object] = {}
    for f in dataclasses.fields(cls):
        if f.name in DomainEvent.__dataclass_fields__:
            continue
        hint = hints[f.name]
        kind = next((a for a in typing.get_args(hint) if a is not type(None)), hint)
        kind = typing.get_origin(kind) or kind
        values[f.name] = {int: 7, str: "x", datetime: AT, list: [4, 5], dict: {"k": "v"}}[kind]
    return cls(**ENVELOPE, **values)


RECORDED = {   # every name production (and scheduling), shopfloor and maintenance record by their own classes
    "order.created", "order.updated", "order.cancelled", "order.released", "order.completed", "orders.imported",
    "work_order.released", "work_order.unreleased", "work_order.cancelled", "work_order.completed",
    "work_order.started", "work_order.paused", "operation.scheduled", "operation.moved", "operation.unscheduled",
    "schedule.replanned", "schedule.late_detected", "schedule.exception_recorded", "capacity_target.created",
    "capacity_target.updated", "capacity_target.deleted", "job.started", "job.paused", "job.resumed",
    "job.completed", "count.reported", "downtime.started", "downtime.ended", "ingest.accepted",
    "maintenance_ticket.sla_warning", "maintenance_ticket.sla_breached", "maintenance_ticket.sla_escalated",
}


def test_every_recorded_name_has_its_own_registered_class():
    assert {cls.NAME for cls in REGISTERED} == RECORDED
    for cls in REGISTERED:
        assert EVENT_TYPES[cls.NAME] is cls


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.NAME)
def test_an_event_survives_the_wire_as_itself(cls):
    event = _sample(cls)
    origin, (received,) = fanout.decode(fanout.encode([event], origin="a"))
    assert type(received) is cls and received.to_dict() == event.to_dict()
    assert DomainEvent.from_dict(event.to_dict()).to_dict() == event.to_dict()


def test_payloads_keep_the_keys_the_hand_built_events_had():
    replanned = production_events.ScheduleReplanned(**ENVELOPE, machine_ids=[1], trigger="assign",
                                                    changed_operation_ids=[9])
    assert replanned.payload == {"plant_id": 2, "machine_ids": [1], "trigger": "assign", "changed_operation_ids": [9]}
    late = production_events.ScheduleLateDetected(**ENVELOPE, operation_ids=[3])
    assert late.payload == {"plant_id": 2, "operation_ids": [3]}
    moved = production_events.OperationMoved(**ENVELOPE, operation_id=1, work_order_id=2, machine_id=3,
                                             queue_position=1, planned_start=AT, planned_end=None,
                                             from_machine_id=4, from_position=2, reason="Broken spindle")
    assert moved.payload == {"operation_id": 1, "work_order_id": 2, "machine_id": 3, "queue_position": 1,
                             "planned_start": AT.isoformat(), "planned_end": None, "from_machine_id": 4,
                             "from_position": 2, "reason": "Broken spindle"}
    released = production_events.OrderReleased(**ENVELOPE, order_id=1, number="SO-000001", work_order_ids=[5, 6])
    assert released.payload == {"order_id": 1, "number": "SO-000001", "work_order_ids": [5, 6]}
    assert production_events.WorkOrderUnreleased(**ENVELOPE, work_order_id=5, number="WO-1").payload == \
        {"work_order_id": 5, "number": "WO-1"}
    assert production_events.CapacityTargetDeleted(**ENVELOPE, capacity_target_id=3).payload == \
        {"capacity_target_id": 3}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_event_is_built_by_hand(package):
    by_hand = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "services" / package).rglob("*.py"))
               for n, line in enumerate(path.read_text().splitlines(), 1) if re.search(r"\bDomainEvent\(", line)]
    assert by_hand == []
