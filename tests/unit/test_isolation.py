"""Tenancy and role matrix: who gets NotFound, who gets Forbidden, and that a refusal changes nothing.

Rows of another organization, or of a plant the actor cannot see, do not exist for the actor
(NotFound, never a hint that they exist); actions the actor's roles do not allow are Forbidden.
Every refused call is checked against a snapshot of the whole database.
"""
from __future__ import annotations

import pytest

from models.base import utcnow
from services.core import audit
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound
from services.org import api_tokens, branding, plants, users
from services.org.api_tokens import ApiTokenCreate
from services.org.plants import (
    DepartmentCreate,
    DepartmentUpdate,
    PlantCreate,
    PlantUpdate,
)
from services.org.users import UserCreate, UserUpdate
from tests.factories.db import snapshot
from tests.factories.org import PASSWORD, World


@pytest.fixture
def targets(session, world) -> World:
    """The world, plus an API token of org A at plant 1 (`targets.token_a`)."""
    with transaction(session):
        token = api_tokens.create_api_token(session, world.actor(world.admin_a), ApiTokenCreate(plant_id=world.plant1, name="M1"),
                                            now=utcnow())
    world.token_a = token.id
    return world


def perm(name: str) -> str:
    return f"You are not allowed to do this: it needs the '{name}' permission."


# (who, what they try, the call, expected error, expected message or fields)
MATRIX = [
    # another organization's admin: A's rows do not exist
    ("admin.b", "get A's user", lambda s, a, t: users.get_user(s, a, t.operator1), NotFound, "User not found."),
    ("admin.b", "update A's user",
     lambda s, a, t: users.update_user(s, a, t.operator1, UserUpdate(full_name="x"), now=utcnow()), NotFound, "User not found."),
    ("admin.b", "deactivate A's user", lambda s, a, t: users.set_active(s, a, t.operator1, False,
                                                                        now=utcnow()), NotFound, "User not found."),
    ("admin.b", "reset A's password",
     lambda s, a, t: users.reset_password(s, a, t.operator1, "Taken-over-2026", now=utcnow()), NotFound, "User not found."),
    ("admin.b", "get A's plant", lambda s, a, t: plants.get_plant(s, a, t.plant1), NotFound, "Plant not found."),
    ("admin.b", "update A's plant",
     lambda s, a, t: plants.update_plant(s, a, t.plant1, PlantUpdate(name="x"), now=utcnow()), NotFound, "Plant not found."),
    ("admin.b", "deactivate A's plant",
     lambda s, a, t: plants.update_plant(s, a, t.plant1, PlantUpdate(is_active=False), now=utcnow()), NotFound, "Plant not found."),
    ("admin.b", "list A's plant's departments", lambda s, a, t: plants.list_departments(s, a, t.plant1), NotFound, "Plant not found."),
    ("admin.b", "add a department to A's plant",
     lambda s, a, t: plants.create_department(s, a, DepartmentCreate(plant_id=t.plant1, code="X", name="x"),
                                              now=utcnow()), NotFound, "Plant not found."),
    ("admin.b", "update A's department",
     lambda s, a, t: plants.update_department(s, a, t.dept1, DepartmentUpdate(name="x"), now=utcnow()), NotFound, "Department not found."),
    ("admin.b", "deactivate A's department",
     lambda s, a, t: plants.update_department(s, a, t.dept1, DepartmentUpdate(is_active=False),
                                              now=utcnow()), NotFound, "Department not found."),
    ("admin.b", "get A's API token", lambda s, a, t: api_tokens.get_api_token(s, a, t.token_a), NotFound, "API token not found."),
    ("admin.b", "revoke A's API token", lambda s, a, t: api_tokens.revoke_api_token(s, a, t.token_a,
                                                                                    now=utcnow()), NotFound, "API token not found."),
    ("admin.b", "make a token for A's plant",
     lambda s, a, t: api_tokens.create_api_token(s, a, ApiTokenCreate(plant_id=t.plant1, name="x"), now=utcnow()),
     Invalid, {"plant_id": "Unknown plant."}),
    ("admin.b", "give a user A's plant",
     lambda s, a, t: users.create_user(s, a, UserCreate(username="spy", password=PASSWORD, plant_ids=[t.plant1]),
                                       now=utcnow()), Invalid, "PLANT1"),
    ("admin.b", "give B's user A's plant",
     lambda s, a, t: users.update_user(s, a, t.admin_b, UserUpdate(plant_ids=[t.plant1]), now=utcnow()), Invalid, "PLANT1"),
    # an operator at plant 1: plant 2 does not exist, admin actions are forbidden
    ("op.one", "get plant 2", lambda s, a, t: plants.get_plant(s, a, t.plant2), NotFound, "Plant not found."),
    ("op.one", "list plant 2's departments", lambda s, a, t: plants.list_departments(s, a, t.plant2), NotFound, "Plant not found."),
    ("op.one", "get B's plant", lambda s, a, t: plants.get_plant(s, a, t.plant_b), NotFound, "Plant not found."),
    ("op.one", "create a user",
     lambda s, a, t: users.create_user(s, a, UserCreate(username="friend", password=PASSWORD),
                                       now=utcnow()), Forbidden, perm("manage_users")),
    ("op.one", "list users", lambda s, a, t: users.list_users(s, a), Forbidden, perm("manage_users")),
    ("op.one", "read another user", lambda s, a, t: users.get_user(s, a, t.planner1), Forbidden, perm("manage_users")),
    ("op.one", "make themselves admin",
     lambda s, a, t: users.update_user(s, a, t.operator1, UserUpdate(roles=["admin"]), now=utcnow()), Forbidden, perm("manage_users")),
    ("op.one", "create a plant",
     lambda s, a, t: plants.create_plant(s, a, PlantCreate(code="X", name="x"), now=utcnow()), Forbidden, perm("manage_plants")),
    ("op.one", "rename their plant",
     lambda s, a, t: plants.update_plant(s, a, t.plant1, PlantUpdate(name="x"), now=utcnow()), Forbidden, perm("manage_plants")),
    ("op.one", "add a department",
     lambda s, a, t: plants.create_department(s, a, DepartmentCreate(plant_id=t.plant1, code="X", name="x"), now=utcnow()),
     Forbidden, perm("manage_plants")),
    ("op.one", "change branding",
     lambda s, a, t: branding.update_branding(s, a, branding.BrandingUpdate(primary_color="#000000"),
                                              now=utcnow()), Forbidden, perm("manage_branding")),
    ("op.one", "create an API token",
     lambda s, a, t: api_tokens.create_api_token(s, a, ApiTokenCreate(plant_id=t.plant1, name="x"),
                                                 now=utcnow()), Forbidden, perm("manage_api_tokens")),
    ("op.one", "list API tokens", lambda s, a, t: api_tokens.list_api_tokens(s, a), Forbidden, perm("manage_api_tokens")),
    ("op.one", "get an API token", lambda s, a, t: api_tokens.get_api_token(s, a, t.token_a), Forbidden, perm("manage_api_tokens")),
    ("op.one", "revoke an API token", lambda s, a, t: api_tokens.revoke_api_token(s, a, t.token_a,
                                                                                  now=utcnow()), Forbidden, perm("manage_api_tokens")),
    ("op.one", "read the audit trail", lambda s, a, t: audit.list_audit(s, a), Forbidden, perm("view_audit")),
    # a planner plans, but does not manage people
    ("planner.one", "create a user",
     lambda s, a, t: users.create_user(s, a, UserCreate(username="friend", password=PASSWORD),
                                       now=utcnow()), Forbidden, perm("manage_users")),
    ("planner.one", "deactivate a user", lambda s, a, t: users.set_active(s, a, t.operator1, False,
                                                                          now=utcnow()), Forbidden, perm("manage_users")),
    ("planner.one", "reset a password",
     lambda s, a, t: users.reset_password(s, a, t.operator1, "Taken-over-2026", now=utcnow()), Forbidden, perm("manage_users")),
    ("planner.one", "create an API token",
     lambda s, a, t: api_tokens.create_api_token(s, a, ApiTokenCreate(plant_id=t.plant1, name="x"),
                                                 now=utcnow()), Forbidden, perm("manage_api_tokens")),
]

USERS = {"admin.b": "admin_b", "op.one": "operator1", "planner.one": "planner1"}


@pytest.mark.parametrize("who, what, call, error, expected", MATRIX, ids=[f"{w}: {what}" for w, what, *_ in MATRIX])
def test_matrix(session, engine, targets, who, what, call, error, expected):
    actor = targets.actor(getattr(targets, USERS[who]))
    before = snapshot(engine)

    with pytest.raises(error) as refused, transaction(session):
        call(session, actor, targets)

    if expected == "PLANT1":
        expected = {"plant_ids": f"Unknown plant id(s): {targets.plant1}."}
    if isinstance(expected, dict):
        assert refused.value.fields == expected
    else:
        assert str(refused.value) == expected
    assert snapshot(engine) == before


# --- lists hold only what the actor may see ---------------------------------------------------

def test_another_organizations_admin_lists_only_their_own_rows(session, targets):
    admin_b = targets.actor(targets.admin_b)
    with transaction(session):
        token_b = api_tokens.create_api_token(session, admin_b, ApiTokenCreate(plant_id=targets.plant_b, name="B1"), now=utcnow())

    assert [u.username for u in users.list_users(session, admin_b)] == ["admin.b"]
    assert users.list_users(session, admin_b, search="op.one") == []
    assert [p.id for p in plants.list_plants(session, admin_b, include_inactive=True)] == [targets.plant_b]
    assert [d.id for d in plants.list_departments(session, admin_b, include_inactive=True)] == [targets.dept_b]
    assert [t.id for t in api_tokens.list_api_tokens(session, admin_b)] == [token_b.id]
    entries, _ = audit.list_audit(session, admin_b)
    assert entries and {e.entity_id for e in entries if e.entity == "plant"} == {str(targets.plant_b)}
    assert branding.get_branding(session, admin_b).display_name == "Org B"


def test_an_operator_lists_only_their_plant(session, targets):
    operator = targets.actor(targets.operator1)

    assert [p.id for p in plants.list_plants(session, operator, include_inactive=True)] == [targets.plant1]
    assert [d.id for d in plants.list_departments(session, operator, include_inactive=True)] == [targets.dept1]
    assert plants.get_plant(session, operator, targets.plant1).code == "P1"
    assert users.get_user(session, operator, targets.operator1).username == "op.one"


def test_an_admin_reaches_every_plant_of_their_organization_only(session, targets):
    admin_a = targets.actor(targets.admin_a)

    assert admin_a.plant_ids == {targets.plant1, targets.plant2}
    assert [p.id for p in plants.list_plants(session, admin_a)] == [targets.plant1, targets.plant2]
    assert {u.organization_id for u in users.list_users(session, admin_a)} == {targets.org_a}
