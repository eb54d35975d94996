"""Audit log, API tokens and account states."""
from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.auth import ApiToken
from models.base import utcnow
from rxapp.state.org.account import AccountState
from rxapp.state.org.api_tokens import ApiTokensState
from rxapp.state.org.audit import PAGE_SIZE, AuditState, change_lines
from rxapp.state.org.auth import AuthState
from rxapp.state.org.users import UsersState
from services.core.access import Actor
from services.core.audit import audit
from services.core.db import transaction
from services.core.errors import Unauthorized
from services.org import auth as auth_service
from tests.factories.org import PASSWORD, make_user
from tests.ui.conftest import (
    asks_to_log_in,
    new_tab,
    run,
    session_token,
    signed_in,
    toasts,
)

NEW_PASSWORD = "Another-secret-91"


def _download_text(events) -> str:
    spec = next(e for e in events if getattr(e.handler.fn, "__qualname__", "") == "_download")
    url = dict((k._js_expr, v) for k, v in spec.args)["url"]._var_value
    return base64.b64decode(url.split(",", 1)[1]).decode("utf-8")


# ----- audit log -----------------------------------------------------------------------------

async def test_audit_filters_pages_and_csv(engine, world, session):
    users = await signed_in(engine, UsersState, "admin.a")
    for i in range(PAGE_SIZE + 5):                 # plenty of entries, by admin.a, on entity "user"
        await run(users.set_active(world.planner1, i % 2 == 1))
    state = await signed_in(engine, AuditState, "admin.a")
    await run(state.load(), state)
    assert state.total > PAGE_SIZE and len(state.rows) == PAGE_SIZE and state.page_count >= 2
    assert {"user", "plant", "department", "organization"} <= set(state.entity_choices)
    assert "admin.a" in [c.label for c in state.user_choices]

    admin_choice = next(c.value for c in state.user_choices if c.label == "admin.a")
    await run(state.set_filter_user(admin_choice), state)
    await run(state.set_filter_entity("user"), state)
    await run(state.apply_filters(), state)
    shown = state.total
    assert {r.user for r in state.rows} == {"admin.a"} and {r.entity for r in state.rows} == {"user"}
    await run(state.next_page(), state)
    assert state.page == 1 and len(state.rows) == shown - PAGE_SIZE
    await run(state.next_page(), state)
    assert state.page == 1

    lines = _download_text(await run(state.export_csv(), state)).strip().splitlines()
    assert lines[0] == "at_utc,user,entity,entity_id,action,changes" and len(lines) == shown + 1

    today = utcnow().date()
    await run(state.set_date_from((today + timedelta(days=1)).isoformat()), state)
    await run(state.apply_filters(), state)
    assert state.total == 0 and state.rows == []
    await run(state.set_date_to(today.isoformat()), state)
    await run(state.apply_filters(), state)
    assert state.filter_errors == {"date_to": "The end is before the start."}
    await run(state.clear_filters(), state)
    assert state.filter_errors == {} and state.total == shown           # people's changes: admin.a's, on users
    await run(state.set_source("all"), state)
    assert state.total > shown                                          # and the system's set-up of the world


async def test_audit_is_for_managers_and_admins_of_the_organization(engine, world, session):
    make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1], username="max.a")
    manager = await signed_in(engine, AuditState, "max.a")
    await run(manager.load(), manager)
    assert manager.load_error == "" and manager.total > 0
    other = await signed_in(engine, AuditState, "admin.b")
    await run(other.load(), other)
    await run(other.set_source("all"), other)
    assert other.total > 0 and not any("max.a" in " ".join(r.changes) or "org-a" in " ".join(r.changes)
                                       for r in other.rows)
    assert {r.user for r in other.rows} <= {"system", "admin.b"}
    operator = await signed_in(engine, AuditState, "op.one")
    assert toasts(await run(operator.export_csv(), operator), "error") == [
        "You are not allowed to do this: it needs the 'view_audit' permission."]


async def test_people_first_machine_traffic_summarised_and_diffs_in_words(engine, world, session):
    users = await signed_in(engine, UsersState, "admin.a")
    await run(users.set_active(world.planner1, False))
    token = Actor(user_id=None, organization_id=world.org_a, api_token_id=1, plant_ids=frozenset({world.plant1}))
    with transaction(session):
        for i in range(30):                      # a machine's traffic: entries without a user
            audit(session, token, "api_token", 1, "ingest", {"events": i}, at=utcnow())
        audit(session, token, "machine", 7, "state", {"state": {"before": "idle", "after": "down"}}, at=utcnow())
    state = await signed_in(engine, AuditState, "admin.a")
    await run(state.load(), state)

    assert state.source == "people" and state.rows and all(r.user != "system" for r in state.rows)
    assert next(r.changes for r in state.rows if r.entity_id == str(world.planner1)) == ["is_active: true -> false"]
    traffic = [(t.entity, t.action, t.count) for t in state.traffic]
    assert traffic[0] == ("api_token", "ingest", "30") and ("machine", "state", "1") in traffic   # most first
    assert state.traffic_total >= 31

    await run(state.show_traffic("machine"), state)
    assert (state.source, state.filter_entity, state.total) == ("machines", "machine", 1)
    assert state.rows[0].changes == ["state: idle -> down"] and state.rows[0].user == "system"
    await run(state.set_source("all"), state)
    assert state.total == 1                                  # the entity filter stays
    await run(state.clear_filters(), state)
    assert state.total > 31 and state.source == "all"


def test_change_lines_read_as_field_before_after():
    assert change_lines({"status": {"before": "planned", "after": "released"}, "note": "",
                         "created": {"number": "WO-1", "quantity": 5}}) == [
        "created.number: WO-1", "created.quantity: 5", "note: –", "status: planned -> released"]
    many = change_lines({f"f{i:02}": i for i in range(20)})
    assert len(many) == 12 and many[-1] == "… and 9 more"


# ----- API tokens ----------------------------------------------------------------------------

async def test_create_shows_the_token_once_and_revoke(engine, world):
    state = await signed_in(engine, ApiTokensState, "admin.a")
    await run(state.enter(), state)
    assert state.rows == [] and [o.label.split(" · ")[0] for o in state.plant_options] == ["P1", "P2"]
    await run(state.open_create(), state)
    assert state.form_plant == str(world.plant1)
    await run(state.set_form_plant(str(world.plant2)), state)
    await run(state.set_form_kind("station"), state)
    await run(state.create({"name": ""}), state)
    assert set(state.form_errors) == {"name"} and state.new_token == ""
    await run(state.create({"name": "Dock scanner"}), state)
    raw = state.new_token
    assert raw.startswith("tkt_") and state.form_open
    assert [(r.name, r.kind, r.plant, r.revoked) for r in state.rows] == [("Dock scanner", "Scanning station", "P2", False)]
    with Session(engine) as s:
        assert auth_service.actor_for_token(s, raw, now=utcnow()).plant_ids == {world.plant2}
    await run(state.set_form_open(False), state)
    assert state.new_token == ""
    events = await run(state.revoke(state.rows[0].id), state)
    assert toasts(events, "success") == ["Revoked: Dock scanner"] and state.rows[0].revoked
    with Session(engine) as s, pytest.raises(Unauthorized):
        auth_service.actor_for_token(s, raw, now=utcnow())


async def test_a_token_made_to_expire_shows_its_expiry_and_then_expired(engine, world):
    state = await signed_in(engine, ApiTokensState, "admin.a")
    await run(state.enter(), state)
    await run(state.open_create(), state)
    assert state.form_expiry == "never"
    await run(state.set_form_expiry("30"), state)
    await run(state.create({"name": "Trial gateway"}), state)
    raw = state.new_token
    with Session(engine) as s:
        token = s.exec(select(ApiToken)).one()
        token_id = token.id
        assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
        assert auth_service.actor_for_token(s, raw, now=utcnow()).api_token_id == token_id
        s.commit()
    await run(state.load(), state)
    assert state.rows[0].expires != "never" and state.rows[0].last_used != "never" and not state.rows[0].expired
    with Session(engine) as s, pytest.raises(Unauthorized, match="expired"):
        auth_service.actor_for_token(s, raw, now=utcnow() + timedelta(days=31))
    with Session(engine) as s:
        s.get(ApiToken, token_id).expires_at = utcnow() - timedelta(minutes=1)
        s.commit()
    await run(state.load(), state)
    assert state.rows[0].expired


async def test_tokens_of_another_organization_are_out_of_reach(engine, world):
    mine = await signed_in(engine, ApiTokensState, "admin.a")
    await run(mine.enter(), mine)
    await run(mine.open_create(), mine)
    await run(mine.create({"name": "Lathe 1"}), mine)
    token_id = mine.rows[0].id
    other = await signed_in(engine, ApiTokensState, "admin.b")
    await run(other.enter(), other)
    assert other.rows == []
    assert toasts(await run(other.revoke(token_id), other), "error") == ["API token not found."]
    await run(other.open_create(), other)
    await run(other.set_form_plant(str(world.plant1)), other)           # a plant of org A
    await run(other.create({"name": "Sneaky"}), other)
    assert other.form_errors == {"plant_id": "Unknown plant."} and other.new_token == ""
    with Session(engine) as s:
        assert s.get(ApiToken, token_id).revoked_at is None
    stranger = await new_tab(ApiTokensState)
    assert asks_to_log_in(await run(stranger.revoke(token_id), stranger))


# ----- account -------------------------------------------------------------------------------

async def test_change_password_with_field_errors(engine, world):
    other_session = session_token(engine, "op.one")
    state = await signed_in(engine, AccountState, "op.one")
    await run(state.change_password({"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                     "confirm_password": "different-99"}), state)
    assert state.password_errors == {"confirm_password": "The two new passwords differ."}
    await run(state.change_password({"current_password": "wrong", "new_password": NEW_PASSWORD,
                                     "confirm_password": NEW_PASSWORD}), state)
    assert state.password_errors == {"current_password": "Wrong password."}
    await run(state.change_password({"current_password": PASSWORD, "new_password": "short",
                                     "confirm_password": "short"}), state)
    assert state.password_errors == {"new_password": "Use at least 10 characters."}
    events = await run(state.change_password({"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                              "confirm_password": NEW_PASSWORD}), state)
    assert toasts(events, "success") == ["Password changed. Your other sessions have ended."]
    assert state.password_errors == {} and state.password_done
    auth = await state.get_state(AuthState)
    with Session(engine) as s:
        assert auth_service.actor_for_token(s, auth.token, now=utcnow()).username == "op.one"
        with pytest.raises(Unauthorized):
            auth_service.actor_for_token(s, other_session, now=utcnow())


async def test_change_password_needs_a_session(engine, world):
    state = await new_tab(AccountState)
    events = await run(state.change_password({"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                              "confirm_password": NEW_PASSWORD}), state)
    assert asks_to_log_in(events)
    session_token(engine, "op.one")                     # the old password still works
