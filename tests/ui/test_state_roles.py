"""The roles page (RolesState): an admin switches a matrix cell and the custom role's holder gains, then loses,
the action on their next event; another organization's admin sees none of it."""
from __future__ import annotations

from sqlmodel import Session

from models.user import User
from rxapp.state.org.auth import AuthState
from rxapp.state.org.roles import RolesState
from services.core.access import Permission
from services.org.auth import actor_for_user
from tests.ui.conftest import redirects, run, signed_in, toasts


def _holds(engine, user_id: int, permission: Permission, plant_id: int) -> bool:
    with Session(engine) as s:
        return actor_for_user(s, s.get(User, user_id)).can(permission, plant_id=plant_id)


def _cell(state, role_name: str, permission: str) -> bool:
    role_id = next(c.id for c in state.columns if c.name == role_name)
    row = next(r for r in state.matrix if r.key == permission)
    return next(c.allowed for c in row.cells if c.role_id == role_id)


async def test_an_admin_makes_a_role_grants_it_and_switches_an_action_on_and_off(engine, world):
    state = await signed_in(engine, RolesState, "admin.a")
    await run(state.load(), state)
    assert [c.name for c in state.columns][:2] == ["Admin", "Manager"] and all(r.sentence for r in state.matrix)
    state.new_name = "Line lead Berlin"
    events = await run(state.create_role(), state)
    assert toasts(events, "success") == ["Role created: Line lead Berlin"]
    role_id = next(c.id for c in state.columns if c.name == "Line lead Berlin")
    state.grant_user, state.grant_role, state.grant_plant = str(world.operator1), str(role_id), str(world.plant1)
    await run(state.grant(), state)
    assert [(g.username, g.role, g.place) for g in state.grants] == [("op.one", "Line lead Berlin", "P1")]

    assert not _holds(engine, world.operator1, Permission.SUPERVISE, world.plant1)
    await run(state.toggle(role_id, "supervise", True), state)
    assert _cell(state, "Line lead Berlin", "supervise")
    assert _holds(engine, world.operator1, Permission.SUPERVISE, world.plant1)
    assert not _holds(engine, world.operator1, Permission.SUPERVISE, world.plant2)
    await run(state.toggle(role_id, "supervise", False), state)
    assert not _cell(state, "Line lead Berlin", "supervise")
    assert not _holds(engine, world.operator1, Permission.SUPERVISE, world.plant1)


async def test_bad_input_shows_at_the_field_and_other_organizations_see_nothing(engine, world):
    state = await signed_in(engine, RolesState, "admin.a")
    await run(state.load(), state)
    state.new_name = " "
    await run(state.create_role(), state)
    assert state.new_errors == {"name": "Required."}
    await run(state.grant(), state)
    assert set(state.grant_errors) == {"user_id", "role_id", "plant_id"}
    state.new_name = "Fixer"
    await run(state.create_role(), state)
    role_id = next(c.id for c in state.columns if c.name == "Fixer")

    other = await signed_in(engine, RolesState, "admin.b")
    await run(other.load(), other)
    assert "Fixer" not in [c.name for c in other.columns]
    events = await run(other.toggle(role_id, "finance", True), other)
    assert toasts(events, "error") == ["Role not found."]
    planner = await signed_in(engine, RolesState, "planner.one")
    await run(planner.load(), planner)
    assert planner.columns == [] and planner.load_error != ""


async def test_a_refused_person_learns_the_organizations_roles_and_sees_their_own(engine, world):
    admin = await signed_in(engine, RolesState, "admin.a")
    await run(admin.load(), admin)
    admin.new_name = "Auditor"
    await run(admin.create_role(), admin)
    auditor = next(c.id for c in admin.columns if c.name == "Auditor")
    await run(admin.toggle(auditor, "view_audit", True), admin)
    admin.grant_user, admin.grant_role, admin.grant_plant = str(world.operator1), str(auditor), str(world.plant1)
    await run(admin.grant(), admin)

    person = await signed_in(engine, AuthState, "op.one")
    assert person.role_names == ["Operator", "Auditor"]
    assert redirects(await run(person.require("finance"), person)) == ["/not-allowed"]
    assert person.denied_roles == ["Admin", "Finance"]
    await run(admin.toggle(auditor, "finance", True), admin)
    await run(person.require("plan"), person)
    assert "Auditor" not in person.denied_roles
    assert redirects(await run(person.require("finance"), person)) == []      # the next event holds it
    assert "finance" in person.permissions
