"""API tokens for machines, scanning stations and wall displays (services/org/api_tokens.py)."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import Session

from models.audit import AuditEntry
from models.auth import ApiToken
from models.organization import Organization
from services.core.access import Permission
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound, Unauthorized
from services.org import api_tokens, plants, users
from services.org.api_tokens import ApiTokenCreate
from services.org.users import UserCreate
from tests.factories.db import actor_for, fetch, snapshot, stored_text
from tests.factories.org import PASSWORD

REVOKED = "This API token is unknown or revoked."


def create(session, actor, *, now=None, **fields):
    data = {"plant_id": None, "name": "Press 4 gateway", **fields}
    with transaction(session):
        return api_tokens.create_api_token(session, actor, ApiTokenCreate(**data), now=now)


def test_the_raw_token_is_returned_once_and_only_its_hash_is_stored(session, engine, world, now, captured_events):
    created = create(session, world.actor(world.admin_a), now=now, plant_id=world.plant1)

    assert created.token.startswith("tkt_")
    assert (created.plant_id, created.name, created.kind, created.token_prefix) == (
        world.plant1, "Press 4 gateway", "machine", created.token[:12])
    [row] = fetch(engine, ApiToken)
    assert row.token_hash == hashlib.sha256(created.token.encode()).hexdigest()
    assert created.token not in stored_text(engine)
    assert created.token[12:] not in stored_text(engine)
    listed = api_tokens.list_api_tokens(session, world.actor(world.admin_a))
    assert [t.id for t in listed] == [created.id]
    assert "token" not in listed[0].model_dump()
    [entry] = fetch(engine, AuditEntry, AuditEntry.entity == "api_token")
    assert (entry.action, entry.plant_id, entry.changes) == (
        "create", world.plant1, {"name": "Press 4 gateway", "kind": "machine", "plant_id": world.plant1,
                                  "expires_at": None})
    assert [(e.name, e.plant_id) for e in captured_events] == [("api_token.created", world.plant1)]


@pytest.mark.parametrize("kind, permission", [
    ("machine", Permission.INGEST), ("station", Permission.SCAN), ("display", Permission.DISPLAY)])
def test_a_token_acts_with_its_kinds_permission_at_its_plant_only(session, world, now, kind, permission):
    created = create(session, world.actor(world.admin_a), plant_id=world.plant1, kind=kind, name=f"{kind} 1")

    actor = actor_for(session, created.token, now=now)

    assert (actor.user_id, actor.api_token_id, actor.organization_id) == (None, created.id, world.org_a)
    assert actor.permissions == {permission}
    assert actor.plant_ids == {world.plant1}
    assert actor.can(permission, plant_id=world.plant1)
    assert not actor.can(permission, plant_id=world.plant2)
    assert not actor.can(Permission.VIEW)


def test_a_token_cannot_act_as_an_admin_or_see_other_plants(session, engine, world, now):
    actor = actor_for(session, create(session, world.actor(world.admin_a), plant_id=world.plant1).token, now=now)
    before = snapshot(engine)

    with pytest.raises(Forbidden), transaction(session):
        users.create_user(session, actor, UserCreate(username="sneaky", password=PASSWORD, roles=["admin"]), now=now)
    with pytest.raises(Forbidden):
        api_tokens.list_api_tokens(session, actor)
    with pytest.raises(NotFound):
        plants.get_plant(session, actor, world.plant2)
    assert [p.id for p in plants.list_plants(session, actor)] == [world.plant1]
    assert snapshot(engine) == before


def test_using_a_token_records_when_it_was_last_used(session, engine, world, now):
    created = create(session, world.actor(world.admin_a), plant_id=world.plant1)

    actor_for(session, created.token, now=now)
    actor_for(session, created.token, now=now + timedelta(seconds=30))      # not rewritten within a minute

    [row] = fetch(engine, ApiToken)
    assert row.last_used_at == now
    actor_for(session, created.token, now=now + timedelta(minutes=5))
    assert fetch(engine, ApiToken)[0].last_used_at == now + timedelta(minutes=5)


def test_a_revoked_token_stops_working_at_once(session, engine, world, now, captured_events):
    admin = world.actor(world.admin_a)
    created = create(session, admin, plant_id=world.plant1)
    actor_for(session, created.token, now=now)

    with transaction(session):
        revoked = api_tokens.revoke_api_token(session, admin, created.id, now=now + timedelta(minutes=1))

    assert revoked.revoked_at == now + timedelta(minutes=1)
    with pytest.raises(Unauthorized) as refused:
        actor_for(session, created.token, now=now + timedelta(minutes=2))
    assert str(refused.value) == REVOKED
    assert [e.name for e in captured_events] == ["api_token.created", "api_token.revoked"]
    assert api_tokens.list_api_tokens(session, admin, include_revoked=False) == []
    assert [t.id for t in api_tokens.list_api_tokens(session, admin)] == [created.id]


def test_revoking_twice_changes_nothing_the_second_time(session, engine, world, now):
    admin = world.actor(world.admin_a)
    created = create(session, admin, plant_id=world.plant1)
    with transaction(session):
        api_tokens.revoke_api_token(session, admin, created.id, now=now)
    before = snapshot(engine)

    with transaction(session):
        again = api_tokens.revoke_api_token(session, admin, created.id, now=now + timedelta(hours=1))

    assert again.revoked_at == now
    assert snapshot(engine) == before


@pytest.mark.parametrize("token", ["tkt_unknown", "tkt_"])
def test_unknown_api_tokens_are_refused(session, world, now, token):
    with pytest.raises(Unauthorized) as refused:
        actor_for(session, token, now=now)
    assert str(refused.value) == REVOKED


def test_tokens_of_a_deactivated_organization_stop_working(session, world, now):
    created = create(session, world.actor(world.admin_a), plant_id=world.plant1)
    with transaction(session):
        session.get(Organization, world.org_a).is_active = False

    with pytest.raises(Unauthorized) as refused:
        actor_for(session, created.token, now=now)
    assert str(refused.value) == REVOKED


@pytest.mark.parametrize("fields, problems", [
    ({"kind": "robot"}, {"kind": "Unknown kind 'robot'. Use one of: machine, station, display."}),
    ({"name": "  "}, {"name": "Give the token a name of 1 to 100 characters (e.g. the machine or station)."}),
    ({"name": "N" * 101}, {"name": "Give the token a name of 1 to 100 characters (e.g. the machine or station)."}),
    ({"plant_id": "PLANT_B"}, {"plant_id": "Unknown plant."}),
    ({"plant_id": 999_999}, {"plant_id": "Unknown plant."}),
    ({"kind": "robot", "name": ""}, {"kind": "Unknown kind 'robot'. Use one of: machine, station, display.",
                                     "name": "Give the token a name of 1 to 100 characters (e.g. the machine or station)."}),
], ids=["kind", "blank-name", "long-name", "other-org-plant", "no-such-plant", "two-problems"])
def test_invalid_tokens_are_refused_with_field_messages(session, engine, world, fields, problems):
    fields = {"plant_id": world.plant1, **fields}
    if fields["plant_id"] == "PLANT_B":
        fields["plant_id"] = world.plant_b
    before = snapshot(engine)

    with pytest.raises(Invalid) as refused:
        create(session, world.actor(world.admin_a), **fields)

    assert refused.value.fields == problems
    assert snapshot(engine) == before


@pytest.mark.parametrize("who", ["operator1", "planner1"])
def test_only_admins_manage_tokens(session, engine, world, who):
    actor = world.actor(getattr(world, who))
    before = snapshot(engine)

    with pytest.raises(Forbidden) as refused:
        create(session, actor, plant_id=world.plant1)

    assert str(refused.value) == "You are not allowed to do this: it needs the 'manage_api_tokens' permission."
    assert snapshot(engine) == before


def test_token_rows_read_back_through_a_fresh_session(engine, session, world, now):
    created = create(session, world.actor(world.admin_a), now=now, plant_id=world.plant2, kind="display")
    with Session(engine) as fresh:
        row = fresh.get(ApiToken, created.id)
        assert (row.kind, row.created_at, row.organization_id) == ("display", now, world.org_a)


def test_an_admin_reads_one_token_without_its_secret(session, world, now):
    created = create(session, world.actor(world.admin_a), now=now, plant_id=world.plant1)

    read = api_tokens.get_api_token(session, world.actor(world.admin_a), created.id)

    assert read.model_dump() == {k: v for k, v in created.model_dump().items() if k != "token"}
    with pytest.raises(NotFound) as missing:
        api_tokens.get_api_token(session, world.actor(world.admin_a), created.id + 1000)
    assert str(missing.value) == "API token not found."
