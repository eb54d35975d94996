"""AuthState: log-in (messages from the service), the page guard, log-out, and the resolver that
every handler goes through."""
from __future__ import annotations

import pytest
from sqlmodel import Session

from models.base import utcnow
from models.user import User
from rxapp.state.org.account import AccountState
from rxapp.state.org.auth import AuthState
from rxapp.state.org.users import UsersState
from services.core.db import transaction
from services.core.errors import Unauthorized
from services.org import api_tokens
from services.org import auth as auth_service
from services.org.demo_users import CHANGE_PASSWORD_FIRST, DEMO_MODE_ENV
from tests.factories.org import PASSWORD
from tests.ui.conftest import (
    asks_to_log_in,
    new_tab,
    redirects,
    run,
    session_token,
    signed_in,
    toasts,
)

WRONG = "Wrong username or password, or the account is deactivated."


async def test_wrong_password_shows_the_service_message(engine, world):
    auth = await new_tab()
    events = await run(auth.login({"username": "op.one", "password": "not-the-password"}), auth)
    assert auth.login_error == WRONG
    assert auth.token == "" and redirects(events) == []
    assert not auth.login_busy


async def test_unknown_user_gets_the_same_message(engine, world):
    auth = await new_tab()
    await run(auth.login({"username": "nobody.here", "password": PASSWORD}), auth)
    assert auth.login_error == WRONG


async def test_too_many_failures_are_rate_limited(engine, world):
    auth = await new_tab()
    for _ in range(auth_service.MAX_FAILURES):
        await run(auth.login({"username": "op.one", "password": "wrong-password-1"}), auth)
    await run(auth.login({"username": "op.one", "password": PASSWORD}), auth)
    assert auth.login_error.startswith("Too many failed log-in attempts for this account from your address.")
    assert auth.token == ""


async def test_login_stores_the_token_and_goes_home(engine, world):
    auth = await new_tab()
    events = await run(auth.login({"username": "OP.ONE ", "password": PASSWORD}), auth)
    assert redirects(events) == ["/"]
    assert auth.token.startswith("tks_") and auth.login_error == ""
    with Session(engine) as s:
        assert auth_service.actor_for_token(s, auth.token, now=utcnow()).user_id == world.operator1


async def test_require_loads_the_profile_as_plain_values(engine, world):
    auth = await signed_in(engine, AuthState, "op.one")
    assert auth.username == "op.one" and auth.organization_name == "Org A"
    assert auth.roles == ["operator"] and auth.role_names == ["Operator"]
    assert "run_jobs" in auth.permissions and "manage_users" not in auth.permissions
    assert [(p.code, [d.code for d in p.departments]) for p in auth.plants] == [("P1", ["MACH"])]
    assert auth.brand_name == "Org A" and auth.brand_color.startswith("#")
    assert auth.brand_color in auth.brand_css


async def test_require_without_the_permission_goes_to_not_allowed(engine, world):
    auth = await signed_in(engine, AuthState, "op.one")
    events = await run(auth.require("manage_users"), auth)
    assert redirects(events) == ["/not-allowed"]
    assert auth.denied_roles == ["Admin"]
    assert auth.denied_permission == "manage users"
    assert auth.username == "op.one"            # still signed in


async def test_require_with_an_unknown_permission_does_not_crash(engine, world):
    auth = await signed_in(engine, AuthState, "op.one")
    assert redirects(await run(auth.require("no_such_permission"), auth)) == ["/not-allowed"]
    assert auth.denied_roles == []


@pytest.mark.parametrize("token", ["", "tks_forged-token-value", "garbage"])
async def test_require_without_a_valid_session_asks_to_log_in(engine, world, token):
    auth = await new_tab()
    auth.token = token
    events = await run(auth.require("view"), auth)
    assert asks_to_log_in(events)
    assert auth.username == "" and auth.permissions == [] and auth.token == ""


async def test_an_api_token_does_not_log_in_to_the_ui(engine, world, session):
    with transaction(session):
        raw = api_tokens.create_api_token(session, world.actor(world.admin_a), api_tokens.ApiTokenCreate(
            plant_id=world.plant1, name="Display 1", kind="display"), now=utcnow()).token
    auth = await new_tab()
    auth.token = raw
    assert asks_to_log_in(await run(auth.require("view"), auth))
    users = await new_tab(UsersState)
    (await users.get_state(AuthState)).token = raw
    assert asks_to_log_in(await run(users.load(), users))


async def test_logout_ends_the_session(engine, world):
    auth = await signed_in(engine, AuthState, "op.one")
    token = auth.token
    events = await run(auth.logout(), auth)
    assert redirects(events) == ["/login"]
    assert auth.token == "" and auth.username == "" and auth.plants == []
    with Session(engine) as s, pytest.raises(Unauthorized):
        auth_service.actor_for_token(s, token, now=utcnow())


async def test_a_revoked_session_is_refused_on_the_next_event(engine, world):
    users = await signed_in(engine, UsersState, "admin.a")
    auth = await users.get_state(AuthState)
    with Session(engine) as s, transaction(s):
        auth_service.logout(s, auth.token, now=utcnow())
    events = await run(users.set_active(world.operator1, False), users)
    assert asks_to_log_in(events)
    assert toasts(events, "info") == ["Your session has ended. Log in again."]


async def test_the_login_page_sends_a_signed_in_person_home(engine, world):
    auth = await new_tab()
    auth.token = session_token(engine, "op.one")
    assert redirects(await run(auth.open_login(), auth)) == ["/"]
    auth.token = "tks_stale"
    assert redirects(await run(auth.open_login(), auth)) == [] and auth.token == ""


async def test_outside_demo_mode_a_demo_password_leads_to_the_account_page_until_changed(engine, world, monkeypatch):
    monkeypatch.delenv(DEMO_MODE_ENV, raising=False)
    with Session(engine) as s:
        s.get(User, world.operator1).demo_password = True
        s.commit()
    auth = await new_tab(AccountState)
    auth.token = session_token(engine, "op.one")
    events = await run(auth.require("view"), auth)
    assert redirects(events) == ["/account"] and toasts(events, "warning") == [CHANGE_PASSWORD_FIRST]
    assert auth.password_change_required and auth.demo_users == ["op.one"]
    await run(auth.change_password({"current_password": PASSWORD, "new_password": "My-own-choice-77",
                                    "confirm_password": "My-own-choice-77"}), auth)
    assert auth.password_done and not auth.password_change_required and auth.demo_users == []
    assert redirects(await run(auth.require("view"), auth)) == []


async def test_in_demo_mode_the_banner_names_the_demo_users_and_nobody_is_sent_away(engine, world, monkeypatch):
    monkeypatch.setenv(DEMO_MODE_ENV, "1")
    with Session(engine) as s:
        s.get(User, world.planner1).demo_password = True
        s.commit()
    auth = await signed_in(engine, AuthState, "op.one")
    assert auth.demo_users == ["planner.one"] and not auth.password_change_required


async def test_vendor_and_client_accounts_land_on_their_portal(engine, session, world):
    from tests.factories.org import make_user
    make_user(session, world.org_a, roles=["vendor"], username="vendor.login")
    make_user(session, world.org_a, roles=["client"], username="client.login")
    for username in ("vendor.login", "client.login"):
        auth = await new_tab()
        events = await run(auth.login({"username": username, "password": PASSWORD}), auth)
        assert redirects(events) == ["/studio/portal"], username
        assert redirects(await run(auth.require("view"), auth)) == ["/studio/portal"]     # opening "/"
        assert redirects(await run(auth.open_login(), auth)) == ["/studio/portal"]
        assert redirects(await run(auth.require("studio_portal"), auth)) == []


async def test_internal_people_still_go_home(engine, world):
    auth = await new_tab()
    assert redirects(await run(auth.login({"username": "op.one", "password": PASSWORD}), auth)) == ["/"]
    assert redirects(await run(auth.open_login(), auth)) == ["/"]
