"""Roles at plants on /admin/users without a browser: opening a person for editing loads their grants and the
choices (built-in and own roles, plants, the chosen plant's departments); a grant applies at once and shows in the
list; taking it back removes it; field errors come from the service; another organization's person is refused.
Invitations offer the organization's own roles."""
from __future__ import annotations

from sqlmodel import Session

from models.base import utcnow
from models.user import User
from rxapp.i18n import _, pgettext
from rxapp.state.config.invitations import InvitationsState
from rxapp.state.org.user_grants import NO_DEPARTMENT, UserGrantsState
from rxapp.state.org.users import UsersState
from services.core.catalogs import translate
from services.core.db import transaction
from services.core.languages import use_language
from services.org import roles
from services.org.auth import actor_for_user
from services.org.roles import RoleCreate
from tests.ui.conftest import run, signed_in, toasts


def _own_role(session, world) -> int:
    with transaction(session):
        return roles.create_role(session, world.actor(world.admin_a), RoleCreate(name="Line lead Berlin",
                                                                                 permissions=["view_audit"]),
                                 now=utcnow()).id


def _holds(engine, user_id: int):
    with Session(engine) as s:
        actor = actor_for_user(s, s.get(User, user_id))
    return actor


async def test_edit_grants_any_role_at_a_plant_and_department_and_takes_it_back(engine, session, world):
    lead = _own_role(session, world)
    users = await signed_in(engine, UsersState, "admin.a")
    await run(users.open_edit(world.operator1), users)
    grants = await users.get_state(UserGrantsState)
    assert grants.grants == []
    labels = {c.label for c in grants.role_choices}
    assert {"Line lead Berlin", "Planner", "Operator"} <= labels
    assert {c.value for c in grants.plant_choices} == {str(world.plant1), str(world.plant2)}

    await run(grants.set_role(str(lead)), grants)
    await run(grants.set_plant(str(world.plant1)), grants)
    assert [c.value for c in grants.department_choices] == [NO_DEPARTMENT, str(world.dept1)]
    await run(grants.set_department(str(world.dept1)), grants)
    events = await run(grants.grant(), grants)
    assert toasts(events, "success") == ["Role granted: Line lead Berlin @ P1 / MACH"]
    assert [(g.role, g.plant, g.department) for g in grants.grants] == [("Line lead Berlin", "P1", "MACH")]
    actor = _holds(engine, world.operator1)
    assert actor.department_ids is None and "Line lead Berlin" in actor.role_names

    await run(users.load(), users)
    row = next(r for r in users.rows if r.username == "op.one")
    assert "Line lead Berlin @ P1 / MACH" in row.roles

    await run(grants.revoke(grants.grants[0].id), grants)
    assert grants.grants == [] and "Line lead Berlin" not in _holds(engine, world.operator1).role_names


async def test_a_grant_without_a_plant_is_a_field_error_and_another_organization_is_refused(engine, world):
    users = await signed_in(engine, UsersState, "admin.a")
    await run(users.open_edit(world.operator1), users)
    grants = await users.get_state(UserGrantsState)
    await run(grants.set_role(grants.role_choices[0].value), grants)
    await run(grants.grant(), grants)
    assert set(grants.errors) == {"plant_id"} and grants.grants == []

    other = await signed_in(engine, UsersState, "admin.b")
    their = await other.get_state(UserGrantsState)
    events = await run(their.load_for(world.operator1), their)
    assert their.grants == [] and toasts(events, "error")


async def test_invitations_offer_the_organizations_own_roles(engine, session, world):
    _own_role(session, world)
    state = await signed_in(engine, InvitationsState, "admin.a")
    await run(state.load(), state)
    assert [(c.value, c.label) for c in state.own_role_choices] == [("line-lead-berlin", "Line lead Berlin")]


async def test_a_built_in_role_granted_at_a_plant_is_named_in_the_viewers_language(engine, session, world):
    operator = next(r.id for r in roles.list_roles(session, world.actor(world.admin_a)) if r.key == "operator")
    users = await signed_in(engine, UsersState, "admin.a")
    await run(users.open_edit(world.planner1), users)
    grants = await users.get_state(UserGrantsState)
    await run(grants.set_role(str(operator)), grants)
    await run(grants.set_plant(str(world.plant2)), grants)
    with use_language("ja"):
        events = await run(grants.grant(), grants)
    assert toasts(events, "success") == ["ロールを付与しました: 作業者 @ P2"]
    assert [g.role for g in grants.grants] == ["作業者"]
    with use_language("ko"):
        await run(users.load(), users)
    assert "작업자 @ P2" in next(r for r in users.rows if r.username == "planner.one").roles
    with use_language("en"):
        await run(users.load(), users)
    assert "Operator @ P2" in next(r for r in users.rows if r.username == "planner.one").roles


def test_the_button_taking_a_role_back_reads_as_taking_the_role_back():
    with use_language("ko"):
        assert pgettext("role grant", "Take back") == "회수"
        assert _("Take back") == "기록 취소"                 # a time entry's undo keeps its own words
    with use_language("en"):
        assert pgettext("role grant", "Take back") == "Take back"
    assert translate("Take back", "ja", "role grant") == "取り消す"
