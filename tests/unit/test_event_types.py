"""Typed domain events (services/core/events.py): one dataclass per name, one serializer, the same wire
format as untyped events, and the typed class rebuilt on the far side of a fan-out."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from services.config.events import EmailQueued, NotificationCreated, NotificationMarkedRead
from services.core import event_fanout as fanout
from services.core.events import EVENT_TYPES, DomainEvent, event_type
from services.org import users
from services.org.events import UserDeactivated
from services.quality.events import SpcAlertRaised
from services.shopfloor.events import ANNOUNCED, CountReported, IngestAccepted, MachineEvent
from tests.factories.db import committed

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ENVELOPE = {"organization_id": 1, "plant_id": 2, "actor_user_id": 3, "at": AT}
SAMPLES = [
    CountReported(**ENVELOPE, event_id=10, client_id="c-1", machine_id=4, machine_code="CNC-01",
                  machine_state="running", operation_id=5, work_order_id=6, quantity_good=7, quantity_scrap=1,
                  operation_quantity_good=70, operation_quantity_scrap=2, occurred_at=AT, events=3,
                  changes={"machine_state": {"before": "idle", "after": "running"}}),
    IngestAccepted(**ENVELOPE, machine_id=4, machine_code="CNC-01", machine_state="down", accepted=9, duplicates=1,
                   events=9, quantity_good=8, quantity_scrap=0),
    NotificationCreated(**ENVELOPE, notification_id=1, user_id=2, kind="alert", title="SPC alert"),
    NotificationMarkedRead(**ENVELOPE, user_id=2, notification_ids=[1, 2]),
    EmailQueued(**ENVELOPE),
    SpcAlertRaised(**ENVELOPE, alert_id=1, characteristic_id=2, rule=1, chart="primary"),
]


def test_every_production_event_kind_has_its_own_registered_class():
    assert len(set(ANNOUNCED.values())) == len(ANNOUNCED)
    for cls in ANNOUNCED.values():
        assert issubclass(cls, MachineEvent) and EVENT_TYPES[cls.NAME] is cls


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.NAME)
def test_a_typed_event_has_its_name_and_its_fields_as_a_json_payload(event):
    assert event.name == type(event).NAME and EVENT_TYPES[event.name] is type(event)
    assert json.loads(json.dumps(event.payload)) == event.payload            # JSON as it is: one serializer
    assert set(event.payload) == {f for f in type(event).__dataclass_fields__
                                  if f not in DomainEvent.__dataclass_fields__}


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.NAME)
def test_the_far_side_of_a_fan_out_gets_the_same_typed_event(event):
    origin, (received,) = fanout.decode(fanout.encode([event], origin="a"))
    assert origin == "a" and type(received) is type(event)
    assert received.to_dict() == event.to_dict()
    for name in event.payload:
        assert getattr(received, name) == getattr(event, name)


def test_the_wire_format_is_the_untyped_one():
    typed = SAMPLES[0]
    untyped = DomainEvent(typed.name, 1, dict(typed.payload), plant_id=2, actor_user_id=3, at=AT)
    assert typed.to_dict() == untyped.to_dict()
    assert isinstance(DomainEvent.from_dict(untyped.to_dict()), CountReported)       # an older sender's event
    assert DomainEvent.from_dict(untyped.to_dict()).occurred_at == AT


def test_unknown_names_and_payloads_that_do_not_fit_arrive_untyped():
    other = DomainEvent.from_dict({"name": "thing.happened", "organization_id": 1, "payload": {"a": 1}})
    assert type(other) is DomainEvent and other.payload == {"a": 1}
    odd = DomainEvent.from_dict({"name": "count.reported", "organization_id": 1, "payload": {"machine_id": 1}})
    assert type(odd) is DomainEvent and odd.payload == {"machine_id": 1}


def test_a_name_has_one_class():
    with pytest.raises(ValueError):
        event_type(type("Again", (CountReported,), {"NAME": "count.reported"}))


def test_account_events_keep_their_payloads(captured_events, session, world):
    admin = world.actor(world.admin_a)
    committed(session, users.set_active, admin, world.operator1, False, now=AT)
    (event,) = [e for e in captured_events if e.name == "user.deactivated"]
    assert isinstance(event, UserDeactivated) and event.payload == {"user_id": world.operator1}
