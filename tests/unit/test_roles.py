"""Roles as data: built-in templates per organization that change nothing until edited, custom roles from the
permission list, grants per plant and department, department visibility of tickets, NCRs and rejects, tenancy."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.roles import OrgRole
from services.config import type_lists
from services.core.access import ROLE_PERMISSIONS, Permission, require
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.maintenance import tickets as mt
from services.org import role_grants, roles
from services.org.role_grants import GrantCreate
from services.org.roles import RoleCreate, RoleUpdate
from services.quality import ncr as ncr_service
from services.quality import rejects
from tests.conftest import T0
from tests.factories.org import make_department, make_user
from tests.factories.production import make_line, make_work_order


def _role_id(session, org_id: int, key: str) -> int:
    return session.exec(select(OrgRole.id).where(OrgRole.organization_id == org_id, OrgRole.key == key)).one()


def _create(session, actor, name, permissions):
    with transaction(session):
        return roles.create_role(session, actor, RoleCreate(name=name, permissions=permissions), now=T0)


def _grant(session, actor, user_id, role_id, plant_id, department_id=None):
    with transaction(session):
        return role_grants.grant_role(session, actor, GrantCreate(user_id=user_id, role_id=role_id, plant_id=plant_id,
                                                                  department_id=department_id), now=T0)


def test_new_organization_has_the_nine_builtin_roles_with_todays_permissions(session, world):
    admin = world.actor(world.admin_a)
    listed = {r.key: r for r in roles.list_roles(session, admin)}
    assert set(listed) == {r.value for r in roles.BUILTIN_ROLES}
    for role in roles.BUILTIN_ROLES:
        assert set(listed[role.value].permissions) == {p.value for p in ROLE_PERMISSIONS[role]}
    operator = world.actor(world.operator1)
    assert operator.permissions == ROLE_PERMISSIONS[roles.Role.OPERATOR]


def test_every_permission_has_a_sentence():
    listed = roles.list_permissions()
    assert all(p.sentence.endswith(".") and len(p.sentence) > 20 for p in listed)
    assert "ingest" not in {p.key for p in listed}


def test_editing_a_builtin_role_changes_its_holders_on_their_next_actor(session, world):
    admin = world.actor(world.admin_a)
    operator_role = _role_id(session, world.org_a, "operator")
    assert not world.actor(world.operator1).can(Permission.PLAN, plant_id=world.plant1)
    with transaction(session):
        roles.set_role_permission(session, admin, operator_role, "plan", True, now=T0)
    assert world.actor(world.operator1).can(Permission.PLAN, plant_id=world.plant1)
    with transaction(session):
        roles.set_role_permission(session, admin, operator_role, "run_jobs", False, now=T0)
    after = world.actor(world.operator1)
    assert not after.can(Permission.RUN_JOBS, plant_id=world.plant1)
    entry = session.exec(select(AuditEntry).where(AuditEntry.entity == "role").order_by(AuditEntry.id.desc())).first()
    assert entry.changes["permissions"]["removed"] == ["run_jobs"]


def test_a_custom_role_granted_at_a_plant_holds_there_only(session, world):
    admin = world.actor(world.admin_a)
    lead = _create(session, admin, "Line lead Berlin", ["supervise", "plan"])
    assert lead.permissions == ["plan", "supervise"] and not lead.builtin
    person = make_user(session, world.org_a, roles=[], username="lead.berlin")
    assert world.actor(person).permissions == frozenset()
    _grant(session, admin, person, lead.id, world.plant1)
    actor = world.actor(person)
    assert world.plant1 in actor.plant_ids and world.plant2 not in actor.plant_ids
    assert actor.can(Permission.PLAN, plant_id=world.plant1)
    assert not actor.can(Permission.PLAN, plant_id=world.plant2)
    assert actor.role_names == ("Line lead Berlin",)


def test_a_role_loses_a_permission_and_its_holder_is_refused(session, world):
    admin = world.actor(world.admin_a)
    lead = _create(session, admin, "Line lead", ["plan"])
    person = make_user(session, world.org_a, roles=["viewer"], plant_ids=[world.plant1], username="lead.x")
    _grant(session, admin, person, lead.id, world.plant1)
    require(world.actor(person), Permission.PLAN, plant_id=world.plant1)
    with transaction(session):
        roles.update_role(session, admin, lead.id, RoleUpdate(permissions=["view"]), now=T0)
    with pytest.raises(Forbidden):
        require(world.actor(person), Permission.PLAN, plant_id=world.plant1)


def test_role_input_is_checked(session, world):
    admin = world.actor(world.admin_a)
    with pytest.raises(Invalid) as bad:
        _create(session, admin, "  ", ["view"])
    assert set(bad.value.fields) == {"name"}
    with pytest.raises(Invalid) as bad:
        _create(session, admin, "Flyer", ["fly", "ingest"])
    assert "fly" in bad.value.fields["permissions"] and "ingest" in bad.value.fields["permissions"]
    _create(session, admin, "Night shift", ["view"])
    with pytest.raises(Conflict):
        _create(session, admin, "Night Shift", ["view"])
    with pytest.raises(Invalid):
        roles.update_role(session, admin, _role_id(session, world.org_a, "admin"), RoleUpdate(permissions=["view"]), now=T0)
    with pytest.raises(Conflict):
        roles.delete_role(session, admin, _role_id(session, world.org_a, "viewer"), now=T0)


def test_deleting_a_custom_role_removes_its_grants(session, world):
    admin = world.actor(world.admin_a)
    role = _create(session, admin, "Temp", ["plan"])
    person = make_user(session, world.org_a, roles=[], username="temp.one")
    _grant(session, admin, person, role.id, world.plant1)
    with transaction(session):
        roles.delete_role(session, admin, role.id, now=T0)
    assert role_grants.list_grants(session, admin) == []
    assert world.actor(person).permissions == frozenset()


def test_only_user_managers_touch_roles(session, world):
    planner = world.actor(world.planner1)
    with pytest.raises(Forbidden):
        roles.list_roles(session, planner)
    with pytest.raises(Forbidden):
        _create(session, planner, "Mine", ["plan"])


def test_organizations_cannot_see_or_edit_each_others_roles(session, world):
    admin_a, admin_b = world.actor(world.admin_a), world.actor(world.admin_b)
    role_a = _create(session, admin_a, "Line lead", ["plan"])
    assert "line-lead" not in {r.key for r in roles.list_roles(session, admin_b)}
    with pytest.raises(NotFound):
        roles.get_role(session, admin_b, role_a.id)
    with pytest.raises(NotFound):
        roles.set_role_permission(session, admin_b, role_a.id, "finance", True, now=T0)
    with pytest.raises(NotFound):
        roles.delete_role(session, admin_b, role_a.id, now=T0)
    user_b = make_user(session, world.org_b, roles=[], username="b.person")
    with pytest.raises(Invalid) as bad:
        _grant(session, admin_b, user_b, role_a.id, world.plant_b)
    assert set(bad.value.fields) == {"role_id"}
    with pytest.raises(Invalid) as bad:
        _grant(session, admin_a, user_b, role_a.id, world.plant_b)
    assert set(bad.value.fields) == {"user_id", "plant_id"}
    grant = _grant(session, admin_a, world.operator1, role_a.id, world.plant1)
    with pytest.raises(NotFound):
        role_grants.revoke_grant(session, admin_b, grant.id, now=T0)


def test_a_grant_needs_a_department_of_its_plant(session, world):
    admin = world.actor(world.admin_a)
    role = _create(session, admin, "Fixer", ["maintain"])
    with pytest.raises(Invalid) as bad:
        _grant(session, admin, world.operator1, role.id, world.plant1, world.dept2)
    assert set(bad.value.fields) == {"department_id"}
    _grant(session, admin, world.operator1, role.id, world.plant1, world.dept1)
    with pytest.raises(Conflict):
        _grant(session, admin, world.operator1, role.id, world.plant1, world.dept1)


@pytest.fixture
def two_departments(session, world):
    other = make_department(session, world.org_a, world.plant1, "PAINT")
    return {"mach": make_line(session, world.org_a, world.plant1, world.dept1),
            "paint": make_line(session, world.org_a, world.plant1, other), "paint_dept": other}


def test_a_department_bound_person_sees_only_that_departments_tickets(session, world, two_departments):
    admin = world.actor(world.admin_a)
    with transaction(session):
        mine = mt.raise_ticket(session, admin, mt.TicketCreate(machine_id=two_departments["mach"].machine_ids[0],
                                                               title="Leak"), now=T0)
        theirs = mt.raise_ticket(session, admin, mt.TicketCreate(machine_id=two_departments["paint"].machine_ids[0],
                                                                 title="Nozzle"), now=T0)
    tech_role = _create(session, admin, "Machining technician", ["view", "maintain"])
    tech = make_user(session, world.org_a, roles=[], username="tech.mach")
    _grant(session, admin, tech, tech_role.id, world.plant1, world.dept1)
    actor = world.actor(tech)
    assert actor.department_ids == frozenset({world.dept1})
    assert [t.id for t in mt.list_tickets(session, actor, now=T0)] == [mine.id]
    assert mt.get_ticket(session, actor, mine.id, now=T0).id == mine.id
    with pytest.raises(NotFound):
        mt.get_ticket(session, actor, theirs.id, now=T0)
    # an unbound role lifts the limit
    _grant(session, admin, tech, _role_id(session, world.org_a, "viewer"), world.plant1)
    assert {t.id for t in mt.list_tickets(session, world.actor(tech), now=T0)} == {mine.id, theirs.id}


def test_a_department_bound_person_sees_only_that_departments_ncrs(session, world, two_departments):
    admin = world.actor(world.admin_a)
    with transaction(session):
        mine = ncr_service.create_ncr(session, admin, ncr_service.NcrCreate(
            plant_id=world.plant1, title="Burr", department_id=world.dept1), now=T0)
        theirs = ncr_service.create_ncr(session, admin, ncr_service.NcrCreate(
            plant_id=world.plant1, title="Runs", department_id=two_departments["paint_dept"]), now=T0)
    inspector_role = _create(session, admin, "Machining quality", ["view", "quality"])
    person = make_user(session, world.org_a, roles=[], username="q.mach")
    _grant(session, admin, person, inspector_role.id, world.plant1, world.dept1)
    actor = world.actor(person)
    assert [n.id for n in ncr_service.list_ncrs(session, actor)] == [mine.id]
    with pytest.raises(NotFound):
        ncr_service.get_ncr(session, actor, theirs.id)


def test_a_department_bound_person_sees_only_that_departments_rejects(session, world, two_departments):
    admin = world.actor(world.admin_a)
    dim = next(v.id for v in type_lists.values(session, admin, type_lists.DEFECT_CODES) if v.code == "DIM")
    cases = {}
    for name in ("mach", "paint"):
        line = two_departments[name]
        wo_id, op_ids = make_work_order(session, world.org_a, world.plant1, line, quantity=10)
        with transaction(session):
            cases[name] = rejects.create_reject(session, admin, rejects.CaseCreate(
                plant_id=world.plant1, product_id=line.product_id, quantity=1, defect_code_id=dim,
                work_order_id=wo_id, operation_id=op_ids[0]), now=T0)
    role = _create(session, admin, "Machining quality", ["view", "quality"])
    person = make_user(session, world.org_a, roles=[], username="q.rej")
    _grant(session, admin, person, role.id, world.plant1, world.dept1)
    actor = world.actor(person)
    assert [c.id for c in rejects.list_cases(session, actor, rejects.REJECT)] == [cases["mach"].id]
    assert rejects.get_case(session, actor, rejects.REJECT, cases["mach"].id).id == cases["mach"].id
    with pytest.raises(NotFound):
        rejects.get_case(session, actor, rejects.REJECT, cases["paint"].id)
    assert len(rejects.list_cases(session, admin, rejects.REJECT)) == 2
