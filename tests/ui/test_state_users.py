"""Users admin state: list, filters, create/edit with field errors, activate, reset password, and
isolation: another organization's ids are refused and nothing changes."""
from __future__ import annotations

import pytest
from sqlmodel import Session

from models.user import User
from rxapp.state.org.auth import AuthState
from rxapp.state.org.users import UsersState
from services.org import passwords
from services.org.users import user_read
from tests.factories.org import PASSWORD
from tests.ui.conftest import asks_to_log_in, new_tab, run, signed_in, toasts

NEW_PASSWORD = "Brand-new-pass-77"


def _user(engine, user_id: int):
    with Session(engine) as s:
        user = s.get(User, user_id)
        return user, user_read(s, user)


async def test_admin_lists_only_their_organization(engine, world):
    state = await signed_in(engine, UsersState, "admin.a")
    await run(state.enter(), state)
    assert not state.loading and state.load_error == ""
    assert [r.username for r in state.rows] == ["admin.a", "op.one", "planner.one"]
    assert [c.label.split(" · ")[0] for c in state.plant_choices] == ["P1", "P2"]
    operator = next(r for r in state.rows if r.username == "op.one")
    assert operator.roles == ["Operator"] and operator.plants == ["P1"] and operator.last_login == "never"


async def test_search_and_status_filters(engine, world):
    state = await signed_in(engine, UsersState, "admin.a")
    await run(state.apply_search({"search": "PLANNER"}), state)
    assert [r.username for r in state.rows] == ["planner.one"]
    await run(state.apply_search({"search": ""}), state)
    await run(state.set_active(world.operator1, False), state)
    assert "op.one" not in [r.username for r in state.rows]
    await run(state.set_status("inactive"), state)
    assert [r.username for r in state.rows] == ["op.one"]
    await run(state.set_status("all"), state)
    assert len(state.rows) == 3


async def test_create_user_shows_field_errors_from_the_service(engine, world):
    state = await signed_in(engine, UsersState, "admin.a")
    await run(state.open_create(), state)
    events = await run(state.save_user({"username": "X", "full_name": "", "email": "nope", "password": "short"}), state)
    assert set(state.form_errors) == {"username", "email", "password"}
    assert state.form_errors["email"] == "This is not an email address."
    assert state.form_open and toasts(events, "error") == ["Some fields are not valid."]


async def test_create_user_with_roles_and_plants(engine, world):
    state = await signed_in(engine, UsersState, "admin.a")
    await run(state.enter(), state)
    await run(state.open_create(), state)
    await run(state.toggle_role("supervisor", True), state)
    await run(state.toggle_role("viewer", True), state)
    await run(state.toggle_role("viewer", False), state)
    await run(state.toggle_plant(world.plant2, True), state)
    events = await run(state.save_user({"username": "sam.new", "full_name": "Sam New", "email": "sam@a.example",
                                        "password": NEW_PASSWORD}), state)
    assert toasts(events, "success") == ["User created: sam.new"]
    assert not state.form_open and state.form_errors == {}
    await run(state.load(), state)
    row = next(r for r in state.rows if r.username == "sam.new")
    assert row.roles == ["Supervisor"] and row.plants == ["P2"] and row.full_name == "Sam New"


async def test_a_taken_username_is_a_field_error(engine, world):
    state = await signed_in(engine, UsersState, "admin.a")
    await run(state.open_create(), state)
    await run(state.save_user({"username": "op.one", "password": NEW_PASSWORD}), state)
    assert state.form_errors == {"username": "Already taken."}


async def test_edit_roles_and_plants(engine, world):
    state = await signed_in(engine, UsersState, "admin.a")
    await run(state.open_edit(world.operator1), state)
    assert state.form_mode == "edit" and state.form_username == "op.one"
    assert state.form_roles == ["operator"] and state.form_plants == [world.plant1]
    await run(state.toggle_role("supervisor", True), state)
    await run(state.toggle_plant(world.plant2, True), state)
    events = await run(state.save_user({"full_name": "Olga One", "email": ""}), state)
    assert toasts(events, "success") == ["Changes saved: op.one"]
    _, read = _user(engine, world.operator1)
    assert read.roles == ["operator", "supervisor"] and read.plant_ids == sorted([world.plant1, world.plant2])
    assert read.full_name == "Olga One"


async def test_admin_cannot_deactivate_themselves(engine, world):
    state = await signed_in(engine, UsersState, "admin.a")
    events = await run(state.set_active(world.admin_a, False), state)
    assert toasts(events, "error") == ["You cannot deactivate yourself."]
    assert _user(engine, world.admin_a)[0].is_active


async def test_reset_password(engine, world):
    state = await signed_in(engine, UsersState, "admin.a")
    await run(state.open_reset(world.operator1, "op.one"), state)
    await run(state.reset_password({"new_password": "short"}), state)
    assert state.reset_errors == {"new_password": "Use at least 10 characters."} and state.reset_open
    events = await run(state.reset_password({"new_password": NEW_PASSWORD}), state)
    assert toasts(events, "success") == ["New password set; their sessions have ended: op.one"]
    assert passwords.verify_password(NEW_PASSWORD, _user(engine, world.operator1)[0].password_hash)


async def test_another_organization_cannot_touch_these_users(engine, world):
    """Admin of org B sends org A's user ids to every users-admin handler: refused, nothing changes."""
    state = await signed_in(engine, UsersState, "admin.b")
    target = world.operator1
    before_user, before = _user(engine, target)

    assert toasts(await run(state.open_edit(target), state), "error") == ["User not found."]
    assert not state.form_open and state.form_username == ""
    assert toasts(await run(state.set_active(target, False), state), "error") == ["User not found."]
    await run(state.open_reset(target, "op.one"), state)
    assert toasts(await run(state.reset_password({"new_password": NEW_PASSWORD}), state), "error") == ["User not found."]
    state.form_mode, state._form_user_id = "edit", target          # as if a forged edit were under way
    state.form_roles, state.form_plants = ["admin"], [world.plant_b]
    assert toasts(await run(state.save_user({"full_name": "Pwned"}), state), "error") == ["User not found."]

    after_user, after = _user(engine, target)
    assert after == before
    assert after_user.password_hash == before_user.password_hash and after_user.is_active
    await run(state.load(), state)
    assert [r.username for r in state.rows] == ["admin.b"]


async def test_an_operator_cannot_use_the_users_admin(engine, world):
    state = await signed_in(engine, UsersState, "op.one")
    events = await run(state.enter(), state)
    assert state.rows == [] and state.load_error.startswith("You are not allowed to do this")
    assert toasts(events) == []                      # the guard already showed the not-allowed page
    events = await run(state.set_active(world.planner1, False), state)
    assert toasts(events, "error") == ["You are not allowed to do this: it needs the 'manage_users' permission."]
    assert _user(engine, world.planner1)[0].is_active


@pytest.mark.parametrize("token", ["", "tks_not-a-real-session"])
async def test_without_a_session_nothing_happens_and_it_asks_to_log_in(engine, world, token):
    state = await new_tab(UsersState)
    (await state.get_state(AuthState)).token = token
    before = _user(engine, world.operator1)[1]
    for events in (await run(state.set_active(world.operator1, False), state),
                   await run(state.open_edit(world.operator1), state),
                   await run(state.load(), state)):
        assert asks_to_log_in(events)
    await run(state.open_reset(world.operator1, "op.one"), state)
    assert asks_to_log_in(await run(state.reset_password({"new_password": NEW_PASSWORD}), state))
    await run(state.open_create(), state)
    assert asks_to_log_in(await run(state.save_user({"username": "ghost", "password": NEW_PASSWORD}), state))
    assert _user(engine, world.operator1)[1] == before
    assert state.rows == [] and state.form_username == ""
    with Session(engine) as s:
        assert not passwords.verify_password(NEW_PASSWORD, s.get(User, world.operator1).password_hash)
        assert passwords.verify_password(PASSWORD, s.get(User, world.operator1).password_hash)
