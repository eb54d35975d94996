"""Plants and departments (services/org/plants.py)."""
from __future__ import annotations

import pytest

from models.audit import AuditEntry
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid
from services.org import plants
from services.org.plants import (
    DepartmentCreate,
    DepartmentUpdate,
    PlantCreate,
    PlantUpdate,
)
from tests.factories.db import fetch, snapshot

TZ_PROBLEM = "Unknown time zone '{}'. Use a name like Europe/Berlin or Asia/Tokyo."
CODE_PROBLEM = "Use 1 to 32 letters, digits, dot, dash or underscore."


def committed(session, fn, *args, **kwargs):
    with transaction(session):
        return fn(session, *args, **kwargs)


def refused(session, engine, error, fn, *args, **kwargs):
    before = snapshot(engine)
    with pytest.raises(error) as caught:
        committed(session, fn, *args, **kwargs)
    assert snapshot(engine) == before
    return caught.value


# --- plants -------------------------------------------------------------------------------

def test_create_plant_normalises_the_code_and_is_audited(session, engine, world, now, captured_events):
    admin = world.actor(world.admin_a)

    plant = committed(session, plants.create_plant, admin, PlantCreate(code=" lis ", name=" Lisbon ", timezone="Europe/Lisbon"), now=now)

    assert (plant.code, plant.name, plant.timezone, plant.is_active, plant.organization_id) == (
        "LIS", "Lisbon", "Europe/Lisbon", True, world.org_a)
    [entry] = fetch(engine, AuditEntry, AuditEntry.entity == "plant", AuditEntry.entity_id == str(plant.id))
    assert (entry.action, entry.user_id, entry.plant_id, entry.at) == ("create", world.admin_a, plant.id, now)
    assert entry.changes == {"code": "LIS", "name": "Lisbon", "timezone": "Europe/Lisbon"}
    assert [(e.name, e.plant_id) for e in captured_events] == [("plant.created", plant.id)]


def test_plant_codes_are_unique_per_organization(session, engine, world, now):
    conflict = refused(session, engine, Conflict, plants.create_plant, world.actor(world.admin_a),
                       PlantCreate(code="p1", name="Again"), now=now)
    assert conflict.message == "A plant with code P1 exists."
    assert conflict.fields == {"code": "Already used."}

    other_org = committed(session, plants.create_plant, world.actor(world.admin_b), PlantCreate(code="P1", name="B's P1"), now=now)
    assert other_org.organization_id == world.org_b


@pytest.mark.parametrize("data, fields", [
    (dict(code="", name="X"), {"code": CODE_PROBLEM}),
    (dict(code="A B", name="X"), {"code": CODE_PROBLEM}),
    (dict(code="X" * 33, name="X"), {"code": CODE_PROBLEM}),
    (dict(code="OK", name="  "), {"name": "Required."}),
    (dict(code="OK", name="N" * 201), {"name": "Use at most 200 characters."}),
    (dict(code="OK", name="X", timezone="Mars/Olympus"), {"timezone": TZ_PROBLEM.format("Mars/Olympus")}),
    (dict(code="OK", name="X", timezone="../../etc/passwd"), {"timezone": TZ_PROBLEM.format("../../etc/passwd")}),
])
def test_invalid_plant_is_refused_with_field_messages(session, engine, world, now, data, fields):
    error = refused(session, engine, Invalid, plants.create_plant, world.actor(world.admin_a), PlantCreate(**data), now=now)
    assert error.fields == fields


def test_update_plant_records_before_and_after(session, engine, world, now, captured_events):
    plant = committed(session, plants.update_plant, world.actor(world.admin_a), world.plant1,
                      PlantUpdate(name="Berlin Works", timezone="Europe/Berlin"), now=now)

    assert (plant.name, plant.timezone) == ("Berlin Works", "Europe/Berlin")
    [entry] = fetch(engine, AuditEntry, AuditEntry.entity == "plant", AuditEntry.action == "update")
    assert entry.changes == {"name": {"before": "Plant", "after": "Berlin Works"},
                             "timezone": {"before": "UTC", "after": "Europe/Berlin"}}
    assert [e.name for e in captured_events] == ["plant.updated"]


def test_update_plant_without_changes_writes_nothing(session, engine, world, now, captured_events):
    before = snapshot(engine)
    committed(session, plants.update_plant, world.actor(world.admin_a), world.plant1, PlantUpdate(name="Plant"), now=now)
    assert snapshot(engine) == before
    assert captured_events == []


@pytest.mark.parametrize("data, fields", [
    (dict(name=" "), {"name": "Required."}),
    (dict(name="N" * 201), {"name": "Use at most 200 characters."}),
    (dict(timezone="Nowhere/City"), {"timezone": TZ_PROBLEM.format("Nowhere/City")}),
])
def test_invalid_plant_update_changes_nothing(session, engine, world, now, data, fields):
    error = refused(session, engine, Invalid, plants.update_plant, world.actor(world.admin_a), world.plant1,
                    PlantUpdate(**data), now=now)
    assert error.fields == fields


def test_deactivated_plants_leave_the_default_list(session, world, now):
    admin = world.actor(world.admin_a)
    committed(session, plants.update_plant, admin, world.plant2, PlantUpdate(is_active=False), now=now)

    assert [p.code for p in plants.list_plants(session, admin)] == ["P1"]
    assert [p.code for p in plants.list_plants(session, admin, include_inactive=True)] == ["P1", "P2"]
    assert plants.get_plant(session, admin, world.plant2).is_active is False


def test_people_list_only_the_plants_they_may_work_in(session, world):
    assert [p.id for p in plants.list_plants(session, world.actor(world.operator1))] == [world.plant1]
    assert [p.id for p in plants.list_plants(session, world.actor(world.admin_a))] == [world.plant1, world.plant2]


@pytest.mark.parametrize("who", ["operator1", "planner1"])
def test_only_admins_create_or_change_plants(session, engine, world, now, who):
    actor = world.actor(getattr(world, who))
    message = "You are not allowed to do this: it needs the 'manage_plants' permission."

    assert str(refused(session, engine, Forbidden, plants.create_plant, actor, PlantCreate(code="X", name="X"), now=now)) == message
    assert str(refused(session, engine, Forbidden, plants.update_plant, actor, world.plant1, PlantUpdate(name="X"), now=now)) == message


# --- departments --------------------------------------------------------------------------

def test_create_department_in_a_plant(session, engine, world, now, captured_events):
    dept = committed(session, plants.create_department, world.actor(world.admin_a),
                     DepartmentCreate(plant_id=world.plant1, code="qa", name="Quality lab"), now=now)

    assert (dept.plant_id, dept.code, dept.name, dept.is_active) == (world.plant1, "QA", "Quality lab", True)
    [entry] = fetch(engine, AuditEntry, AuditEntry.entity == "department", AuditEntry.entity_id == str(dept.id))
    assert entry.changes == {"plant_id": world.plant1, "code": "QA", "name": "Quality lab"}
    assert [(e.name, e.payload) for e in captured_events] == [("department.created", {"department_id": dept.id})]


def test_department_codes_are_unique_per_plant_only(session, engine, world, now):
    admin = world.actor(world.admin_a)
    conflict = refused(session, engine, Conflict, plants.create_department, admin,
                       DepartmentCreate(plant_id=world.plant1, code="mach", name="Again"), now=now)
    assert conflict.message == "Plant P1 already has a department MACH."
    assert conflict.fields == {"code": "Already used."}

    assert committed(session, plants.create_department, admin,
                     DepartmentCreate(plant_id=world.plant2, code="MACH", name="Machining"), now=now).plant_id == world.plant2


def test_update_and_deactivate_a_department(session, engine, world, now):
    admin = world.actor(world.admin_a)

    dept = committed(session, plants.update_department, admin, world.dept1,
                     DepartmentUpdate(name="Machining", is_active=False), now=now)

    assert (dept.name, dept.is_active) == ("Machining", False)
    [entry] = fetch(engine, AuditEntry, AuditEntry.entity == "department", AuditEntry.action == "update")
    assert entry.changes == {"name": {"before": "Dept", "after": "Machining"}, "is_active": {"before": True, "after": False}}
    assert [d.code for d in plants.list_departments(session, admin, world.plant1)] == []
    assert [d.code for d in plants.list_departments(session, admin, world.plant1, include_inactive=True)] == ["MACH"]


@pytest.mark.parametrize("data, fields", [
    (dict(name=" "), {"name": "Required."}),
    (dict(name="N" * 201), {"name": "Use at most 200 characters."}),
])
def test_invalid_department_update_changes_nothing(session, engine, world, now, data, fields):
    error = refused(session, engine, Invalid, plants.update_department, world.actor(world.admin_a), world.dept1,
                    DepartmentUpdate(**data), now=now)
    assert error.fields == fields


def test_departments_are_listed_per_plant_and_only_where_visible(session, world):
    admin = world.actor(world.admin_a)

    assert [(d.plant_id, d.code) for d in plants.list_departments(session, admin)] == [
        (world.plant1, "MACH"), (world.plant2, "ASSY")]
    assert [d.code for d in plants.list_departments(session, admin, world.plant2)] == ["ASSY"]
    assert [d.code for d in plants.list_departments(session, world.actor(world.operator1))] == ["MACH"]
