"""The events of services/core, org, config and master are typed: the workflow engine's and the
organization's each have a registered class that survives the wire; the shared `announce` step
records one typed `EntityChanged` whose payload is the untyped one; and no event is built by hand
in these packages."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.config import custom_fields, workflow
from services.config import events as config_events
from services.config.custom_fields import CustomFieldCreate
from services.core import event_fanout as fanout
from services.core.changes import EntityChanged, announce
from services.core.db import transaction
from services.core.events import EVENT_TYPES, DomainEvent
from services.org import events as org_events
from services.org import plants
from services.org.plants import DepartmentCreate
from tests.conftest import T0
from tests.factories.db import committed

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ENVELOPE = {"organization_id": 1, "plant_id": 2, "actor_user_id": 3, "at": AT}
INSTANCE = {**ENVELOPE, "entity_type": "ncr", "entity_id": 5, "instance_id": 6}
SAMPLES = [
    config_events.NotificationCreated(**ENVELOPE, notification_id=1, user_id=2, kind="alert", title="SPC alert"),
    config_events.NotificationMarkedRead(**ENVELOPE, user_id=2, notification_ids=[1, 2]),
    config_events.EmailQueued(**ENVELOPE),
    config_events.WorkflowStarted(**INSTANCE, transition=None, from_state=None, to_state="open", done=False,
                                  rejected=False),
    config_events.WorkflowTransitioned(**INSTANCE, transition="close", from_state="open", to_state="closed",
                                       done=True, rejected=False),
    config_events.WorkflowApprovalRequested(**INSTANCE, transition="close", approval="any"),
    config_events.WorkflowApproved(**INSTANCE, transition="close"),
    config_events.WorkflowDeclined(**INSTANCE, transition="close"),
    config_events.WorkflowEscalated(**INSTANCE, state="open", due_at=AT, to="role quality"),
    config_events.WorkflowVersionSaved(**ENVELOPE, entity_type="ncr", workflow_id=4, version=2),
    org_events.OrganizationCreated(**ENVELOPE),
    org_events.OrganizationUpdated(**ENVELOPE, fields=["name2", "name2_language"]),
    org_events.PlantCreated(**ENVELOPE),
    org_events.PlantUpdated(**ENVELOPE),
    org_events.DepartmentCreated(**ENVELOPE, department_id=7),
    org_events.DepartmentUpdated(**ENVELOPE, department_id=7),
    org_events.UserCreated(**ENVELOPE, user_id=8),
    org_events.UserUpdated(**ENVELOPE, user_id=8, fields=["email"]),
    org_events.UserActivated(**ENVELOPE, user_id=8),
    org_events.UserDeactivated(**ENVELOPE, user_id=8),
    org_events.UserPasswordReset(**ENVELOPE, user_id=8),
    org_events.UserPasswordChanged(**ENVELOPE, user_id=8),
    org_events.UserLoggedIn(**ENVELOPE, user_id=8),
    org_events.ApiTokenCreated(**ENVELOPE, api_token_id=9),
    org_events.ApiTokenRevoked(**ENVELOPE, api_token_id=9),
    org_events.BrandingUpdated(**ENVELOPE),
    org_events.UserLanguageChanged(**ENVELOPE, user_id=8, language="ja"),
]
MODULES = {config_events.__name__, org_events.__name__}
SERVICES = Path(workflow.__file__).parent.parent
PACKAGES = [SERVICES / name for name in ("core", "org", "config", "master")]


def test_every_registered_class_of_org_and_config_has_a_sample():
    registered = {cls for cls in EVENT_TYPES.values() if cls.__module__ in MODULES}
    assert registered == {type(e) for e in SAMPLES}


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.NAME)
def test_each_class_survives_the_wire_as_itself(event):
    assert EVENT_TYPES[event.name] is type(event)
    assert DomainEvent.from_dict(event.to_dict()).to_dict() == event.to_dict()
    _, (received,) = fanout.decode(fanout.encode([event], origin="a"))
    assert type(received) is type(event) and received.payload == event.payload


def test_the_escalation_payload_keeps_its_iso_due_time():
    escalated = next(e for e in SAMPLES if isinstance(e, config_events.WorkflowEscalated))
    assert escalated.payload == {"entity_type": "ncr", "entity_id": 5, "instance_id": 6, "state": "open",
                                 "due_at": AT.isoformat(), "to": "role quality"}


def test_announce_records_an_entity_change_with_the_untyped_payload(session, world, captured_events):
    admin = world.actor(world.admin_a)
    with transaction(session):
        announce(session, admin, "shift", 12, "create", {"name": "Early"}, now=T0, plant_id=world.plant1,
                 payload={"calendar_id": 3})
    (event,) = [e for e in captured_events if e.name == "shift.created"]
    assert isinstance(event, EntityChanged) and (event.entity, event.entity_id) == ("shift", 12)
    assert event.payload == {"shift_id": 12, "calendar_id": 3}
    untyped = DomainEvent("shift.created", admin.organization_id, {"shift_id": 12, "calendar_id": 3},
                          plant_id=world.plant1, actor_user_id=admin.user_id, at=T0)
    assert event.to_dict() == untyped.to_dict()
    rebuilt = DomainEvent.from_dict(event.to_dict())
    assert isinstance(rebuilt, EntityChanged) and rebuilt.to_dict() == event.to_dict()
    assert (rebuilt.entity, rebuilt.entity_id, rebuilt.refs) == ("shift", 12, {"calendar_id": 3})


def test_a_name_no_class_claims_decodes_as_an_entity_change_only_when_it_carries_its_id():
    wire = {"name": "gauge.calibrated", "organization_id": 1, "plant_id": None, "actor_user_id": 2,
            "at": T0.isoformat(), "payload": {"gauge_id": 4, "by": "lab"}}
    rebuilt = DomainEvent.from_dict(wire)
    assert isinstance(rebuilt, EntityChanged) and (rebuilt.entity_id, rebuilt.refs) == (4, {"by": "lab"})
    plain = DomainEvent.from_dict({**wire, "payload": {"by": "lab"}})
    assert type(plain) is DomainEvent and plain.payload == {"by": "lab"}


def test_config_services_record_typed_events(session, world, captured_events):
    admin = world.actor(world.admin_a)
    committed(session, custom_fields.create_definition, admin,
              CustomFieldCreate(entity_type="product", key="colour", label="Colour", field_type="text"), now=T0)
    committed(session, plants.create_department, admin, DepartmentCreate(plant_id=world.plant1, code="PAINT", name="Paint"),
              now=T0)
    with transaction(session):
        workflow.start(session, admin, "events_thing", 99, plant_id=world.plant1, now=T0)
    by_name = {e.name: e for e in captured_events}
    assert isinstance(by_name["custom_field.created"], EntityChanged)
    assert isinstance(by_name["department.created"], org_events.DepartmentCreated)
    assert isinstance(by_name["workflow.started"], config_events.WorkflowStarted)
    assert by_name["workflow.started"].payload["to_state"] == by_name["workflow.started"].to_state


def test_no_event_is_built_by_hand_in_core_org_config_or_master():
    built = re.compile(r"\bDomainEvent\(")
    offenders = [f"{path.relative_to(SERVICES)}:{n}" for package in PACKAGES for path in sorted(package.glob("*.py"))
                 if path.name != "events.py" or package.name != "core"
                 for n, line in enumerate(path.read_text().splitlines(), 1) if built.search(line)]
    assert offenders == []


def test_every_event_these_packages_record_is_a_typed_class():
    recorded = re.compile(r"\brecord\(session, \(?(?:\w+\.)?(\w+)\b")
    names = {m.group(1) for package in PACKAGES for path in package.glob("*.py")
             for m in recorded.finditer(path.read_text())}
    names.discard("event")                  # a typed event built just above the call
    classes = {cls.__name__ for cls in EVENT_TYPES.values() if cls.__module__ in MODULES} | {"EntityChanged"}
    assert names and names <= classes, names - classes
