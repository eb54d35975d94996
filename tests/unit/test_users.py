"""Users of an organization: create, edit, deactivate, reset password (services/org/users.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.audit import AuditEntry
from models.auth import AuthSession
from models.user import Role, RoleAssignment, User, UserPlantAccess
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, Unauthorized
from services.org import users
from services.org.users import UserCreate, UserUpdate
from tests.factories.db import actor_for, count, fetch, log_in, snapshot
from tests.factories.org import PASSWORD

KNOWN_ROLES = "admin, manager, planner, supervisor, operator, quality, maintenance, finance, viewer, vendor, client"


def create(session, actor, *, now, **fields):
    data = {"username": "new.user", "password": PASSWORD, **fields}
    with transaction(session):
        return users.create_user(session, actor, UserCreate(**data), now=now)


def refused_create(session, engine, actor, error, *, now, **fields):
    """Creating must fail with `error` and leave every table as it was."""
    before = snapshot(engine)
    with pytest.raises(error) as refused:
        create(session, actor, now=now, **fields)
    assert snapshot(engine) == before
    return refused.value


# --- create -------------------------------------------------------------------------------

def test_create_user_with_roles_and_plants(session, engine, world, now, captured_events):
    admin = world.actor(world.admin_a)

    user = create(session, admin, now=now, username="  Olga.Ops ", full_name=" Olga Ops ", email="olga@a.example",
                  roles=["Operator", "quality"], plant_ids=[world.plant1, world.plant2])

    assert (user.username, user.full_name, user.email, user.is_active) == ("olga.ops", "Olga Ops", "olga@a.example", True)
    assert (user.organization_id, user.roles, user.plant_ids) == (world.org_a, ["operator", "quality"],
                                                                  sorted([world.plant1, world.plant2]))
    assert user.created_at == now
    assert {r.role for r in fetch(engine, RoleAssignment, RoleAssignment.user_id == user.id)} == {Role.OPERATOR, Role.QUALITY}
    assert count(engine, UserPlantAccess, UserPlantAccess.user_id == user.id) == 2
    [entry] = fetch(engine, AuditEntry, AuditEntry.entity == "user", AuditEntry.action == "create",
                    AuditEntry.entity_id == str(user.id))
    assert (entry.user_id, entry.organization_id, entry.at) == (world.admin_a, world.org_a, now)
    assert entry.changes == {"username": "olga.ops", "full_name": "Olga Ops", "email": "olga@a.example",
                             "roles": ["operator", "quality"], "plant_ids": sorted([world.plant1, world.plant2])}
    assert [(e.name, e.payload, e.organization_id) for e in captured_events] == [
        ("user.created", {"user_id": user.id}, world.org_a)]


def test_a_new_user_can_log_in_and_acts_with_the_given_roles_and_plants(session, world, now):
    create(session, world.actor(world.admin_a), now=now, roles=["supervisor"], plant_ids=[world.plant2])

    actor = actor_for(session, log_in(session, "new.user", now=now).token, now=now)

    assert actor.roles == {Role.SUPERVISOR}
    assert actor.plant_ids == {world.plant2}


def test_the_password_is_stored_only_as_an_argon2_hash(session, engine, world, now):
    user = create(session, world.actor(world.admin_a), now=now)

    [row] = fetch(engine, User, User.id == user.id)
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash


def test_duplicate_username_is_a_conflict_on_username(session, engine, world, now):
    refused = refused_create(session, engine, world.actor(world.admin_a), Conflict, now=now, username="OP.ONE")

    assert refused.message == "The username 'op.one' is taken."
    assert refused.fields == {"username": "Already taken."}


def test_usernames_are_unique_across_organizations(session, engine, world, now):
    refused = refused_create(session, engine, world.actor(world.admin_b), Conflict, now=now, username="op.one")

    assert refused.fields == {"username": "Already taken."}


@pytest.mark.parametrize("password, problem", [
    ("short-1", "Use at least 10 characters."),
    ("password123", "This password is too common."),
    ("my-new.user-pw1", "The password must not contain the username."),
    ("aaaaaaaaaaaaaa1", "Use more different characters."),
    ("onlylettersinhere", "Mix letters with digits or symbols."),
])
def test_weak_password_is_invalid_on_password(session, engine, world, now, password, problem):
    refused = refused_create(session, engine, world.actor(world.admin_a), Invalid, now=now, password=password)

    assert refused.fields == {"password": problem}


def test_unknown_role_is_invalid_on_roles(session, engine, world, now):
    refused = refused_create(session, engine, world.actor(world.admin_a), Invalid, now=now, roles=["operator", "wizard"])

    assert refused.fields == {"roles": f"Unknown role 'wizard'. Known roles: {KNOWN_ROLES}."}


def test_plant_of_another_organization_is_invalid_on_plant_ids(session, engine, world, now):
    refused = refused_create(session, engine, world.actor(world.admin_a), Invalid, now=now,
                             plant_ids=[world.plant1, world.plant_b])

    assert refused.fields == {"plant_ids": f"Unknown plant id(s): {world.plant_b}."}


def test_every_problem_is_reported_at_once(session, engine, world, now):
    refused = refused_create(session, engine, world.actor(world.admin_a), Invalid, now=now,
                             username="x", email="not-an-email", password="short", roles=["wizard"])

    assert refused.message == "Some fields are not valid."
    assert set(refused.fields) == {"username", "email", "password", "roles"}
    assert refused.fields["username"] == "Use 3 to 64 characters: lower-case letters, digits, dot, dash or underscore."
    assert refused.fields["email"] == "This is not an email address."


@pytest.mark.parametrize("field, value, problem", [
    ("full_name", "N" * 201, "Use at most 200 characters."),
    ("email", "a" * 250 + "@b.example", "Use at most 254 characters."),
])
def test_overlong_names_and_emails_are_invalid(session, engine, world, now, field, value, problem):
    refused = refused_create(session, engine, world.actor(world.admin_a), Invalid, now=now, **{field: value})

    assert refused.fields == {field: problem}


def test_only_user_managers_create_users(session, engine, world, now):
    refused = refused_create(session, engine, world.actor(world.planner1), Forbidden, now=now)

    assert str(refused) == "You are not allowed to do this: it needs the 'manage_users' permission."


# --- update -------------------------------------------------------------------------------

def update(session, actor, user_id, *, now, **fields):
    with transaction(session):
        return users.update_user(session, actor, user_id, UserUpdate(**fields), now=now)


def test_update_writes_before_and_after_to_the_audit_trail(session, engine, world, now, captured_events):
    admin = world.actor(world.admin_a)

    user = update(session, admin, world.operator1, now=now, full_name="Olga Operator", roles=["operator", "supervisor"],
                  plant_ids=[world.plant1, world.plant2])

    assert (user.full_name, user.roles, user.plant_ids) == ("Olga Operator", ["operator", "supervisor"],
                                                            sorted([world.plant1, world.plant2]))
    [entry] = fetch(engine, AuditEntry, AuditEntry.action == "update", AuditEntry.entity == "user")
    assert (entry.entity_id, entry.user_id, entry.at) == (str(world.operator1), world.admin_a, now)
    assert entry.changes == {
        "full_name": {"before": "", "after": "Olga Operator"},
        "roles": {"before": ["operator"], "after": ["operator", "supervisor"]},
        "plant_ids": {"before": [world.plant1], "after": sorted([world.plant1, world.plant2])},
    }
    assert [(e.name, e.payload) for e in captured_events] == [
        ("user.updated", {"user_id": world.operator1, "fields": ["full_name", "plant_ids", "roles"]})]
    assert world.actor(world.operator1).plant_ids == {world.plant1, world.plant2}


def test_update_that_changes_nothing_is_neither_audited_nor_announced(session, engine, world, now, captured_events):
    before = snapshot(engine)

    user = update(session, world.actor(world.admin_a), world.operator1, now=now, full_name="", roles=["operator"],
                  plant_ids=[world.plant1])

    assert user.roles == ["operator"]
    assert snapshot(engine) == before
    assert captured_events == []


def test_update_can_clear_the_email_and_take_every_plant_away(session, world, now):
    admin = world.actor(world.admin_a)
    update(session, admin, world.operator1, now=now, email="op@a.example")

    user = update(session, admin, world.operator1, now=now, email="", plant_ids=[])

    assert (user.email, user.plant_ids) == (None, [])
    assert world.actor(world.operator1).plant_ids == set()


@pytest.mark.parametrize("fields, error_fields", [
    ({"roles": ["wizard"]}, {"roles": f"Unknown role 'wizard'. Known roles: {KNOWN_ROLES}."}),
    ({"plant_ids": ["PLANT_B"]}, {"plant_ids": "Unknown plant id(s): PLANT_B."}),
    ({"email": "nope"}, {"email": "This is not an email address."}),
    ({"full_name": "N" * 201}, {"full_name": "Use at most 200 characters."}),
])
def test_invalid_update_changes_nothing(session, engine, world, now, fields, error_fields):
    fields = {k: [world.plant_b] if v == ["PLANT_B"] else v for k, v in fields.items()}
    error_fields = {k: v.replace("PLANT_B", str(world.plant_b)) for k, v in error_fields.items()}
    before = snapshot(engine)

    with pytest.raises(Invalid) as refused:
        update(session, world.actor(world.admin_a), world.operator1, now=now, **fields)

    assert refused.value.fields == error_fields
    assert snapshot(engine) == before


def test_admin_cannot_drop_their_own_admin_role(session, engine, world, now):
    before = snapshot(engine)

    with pytest.raises(Invalid) as refused:
        update(session, world.actor(world.admin_a), world.admin_a, now=now, roles=["manager"])

    assert refused.value.fields == {"roles": "You cannot remove your own admin role."}
    assert snapshot(engine) == before


def test_admin_may_drop_another_admins_role(session, world, now):
    other = create(session, world.actor(world.admin_a), now=now, roles=["admin"])

    assert update(session, world.actor(world.admin_a), other.id, now=now, roles=["manager"]).roles == ["manager"]


# --- deactivate / reactivate --------------------------------------------------------------

def set_active(session, actor, user_id, active, *, now):
    with transaction(session):
        return users.set_active(session, actor, user_id, active, now=now)


def test_admin_cannot_deactivate_themselves(session, engine, world, now):
    before = snapshot(engine)

    with pytest.raises(Invalid) as refused:
        set_active(session, world.actor(world.admin_a), world.admin_a, False, now=now)

    assert refused.value.message == "You cannot deactivate yourself."
    assert refused.value.fields == {"is_active": "This is your own account."}
    assert snapshot(engine) == before


def test_deactivation_ends_every_session_and_is_audited(session, engine, world, now, captured_events):
    tokens = [log_in(session, "op.one", now=now).token for _ in range(2)]
    captured_events.clear()
    later = now + timedelta(minutes=10)

    user = set_active(session, world.actor(world.admin_a), world.operator1, False, now=later)

    assert user.is_active is False
    assert [s.revoked_at for s in fetch(engine, AuthSession)] == [later, later]
    for token in tokens:
        with pytest.raises(Unauthorized):
            actor_for(session, token, now=later)
    [entry] = fetch(engine, AuditEntry, AuditEntry.action == "deactivate")
    assert entry.changes == {"is_active": {"before": True, "after": False}}
    assert [e.name for e in captured_events] == ["user.deactivated"]


def test_reactivated_user_can_log_in_again(session, world, now, captured_events):
    admin = world.actor(world.admin_a)
    set_active(session, admin, world.operator1, False, now=now)

    assert set_active(session, admin, world.operator1, True, now=now).is_active is True

    assert log_in(session, "op.one", now=now).user_id == world.operator1
    assert [e.name for e in captured_events][:2] == ["user.deactivated", "user.activated"]


def test_deactivating_an_inactive_user_changes_nothing(session, engine, world, now):
    admin = world.actor(world.admin_a)
    set_active(session, admin, world.operator1, False, now=now)
    before = snapshot(engine)

    set_active(session, admin, world.operator1, False, now=now + timedelta(hours=1))

    assert snapshot(engine) == before


def test_inactive_users_can_be_left_out_of_the_list(session, world, now):
    admin = world.actor(world.admin_a)
    set_active(session, admin, world.operator1, False, now=now)

    assert [u.username for u in users.list_users(session, admin)] == ["admin.a", "op.one", "planner.one"]
    assert [u.username for u in users.list_users(session, admin, include_inactive=False)] == ["admin.a", "planner.one"]
    assert [u.username for u in users.list_users(session, admin, search="PLAN")] == ["planner.one"]


# --- reset password -----------------------------------------------------------------------

def test_reset_password_ends_sessions_and_sets_the_new_password(session, engine, world, now, captured_events):
    token = log_in(session, "op.one", now=now).token
    captured_events.clear()

    with transaction(session):
        users.reset_password(session, world.actor(world.admin_a), world.operator1, "Fresh-start-2026", now=now)

    with pytest.raises(Unauthorized):
        actor_for(session, token, now=now)
    assert log_in(session, "op.one", password="Fresh-start-2026", now=now).user_id == world.operator1
    [entry] = fetch(engine, AuditEntry, AuditEntry.action == "reset_password")
    assert (entry.entity_id, entry.user_id, entry.changes) == (str(world.operator1), world.admin_a, {})
    assert [e.name for e in captured_events][:1] == ["user.password_reset"]


def test_reset_to_a_weak_password_changes_nothing(session, engine, world, now):
    token = log_in(session, "op.one", now=now).token
    before = snapshot(engine)

    with pytest.raises(Invalid) as refused, transaction(session):
        users.reset_password(session, world.actor(world.admin_a), world.operator1, "weak", now=now)

    assert refused.value.message == "The password is too weak."
    assert refused.value.fields == {"password": "Use at least 10 characters."}
    assert snapshot(engine) == before
    assert actor_for(session, token, now=now).user_id == world.operator1


# --- reading ------------------------------------------------------------------------------

def test_anyone_may_read_themselves_but_only_user_managers_read_others(session, world):
    operator = world.actor(world.operator1)

    assert users.get_user(session, operator, world.operator1).username == "op.one"
    with pytest.raises(Forbidden):
        users.get_user(session, operator, world.planner1)
    assert users.get_user(session, world.actor(world.admin_a), world.planner1).username == "planner.one"
