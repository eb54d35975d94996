"""Roles granted to a person at one plant, optionally bound to one of its departments, and the access a
person's roles add up to (read once per request when the actor is built).

Invariants: only MANAGE_USERS grants and revokes, within the actor's organization (user, role, plant and
department all of it; the department of the plant); a grant at a plant gives access to that plant with the
role's permissions there only; a person whose every role is bound to a department sees only those
departments' maintenance tickets and quality cases, while any role held without a department (a built-in
role assignment, or a grant without a department) lifts that limit; every change is audited and announced.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, and_, col, or_, select

from models.base import pk
from models.organization import Department, Plant
from models.roles import OrgRole, RoleGrant
from models.user import Role, RoleAssignment, User
from services.core.access import Actor, Permission, default_permissions, require
from services.core.changes import announce, stamp_new
from services.core.errors import Conflict, NotFound
from services.core.messages import t
from services.core.validation import check
from services.org.roles import role_holds


class GrantCreate(BaseModel):
    user_id: int
    role_id: int
    plant_id: int
    department_id: int | None = None


class GrantRead(BaseModel):
    id: int
    user_id: int
    username: str
    role_id: int
    role_name: str
    role_key: str = ""                      # a built-in role's key ("operator"): the doors show its name translated
    role_builtin: bool = False
    plant_id: int
    plant_code: str
    department_id: int | None
    department_code: str | None


@dataclass(frozen=True)
class RoleAccess:
    """What a person's roles add up to, for `services.org.auth.actor_for_user`."""
    roles: frozenset[Role]
    role_permissions: frozenset[Permission]
    plant_permissions: tuple[tuple[int, frozenset[Permission]], ...]
    department_ids: frozenset[int] | None
    role_names: tuple[str, ...]


def role_access(session: Session, user: User) -> RoleAccess:
    """Two queries: the person's built-in roles, then the organization's rows of those roles (its changes to
    the defaults) and of the roles granted to the person at a plant."""
    roles = {Role(r) for r in session.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)).all()}
    rows = session.exec(
        select(OrgRole, RoleGrant.plant_id, RoleGrant.department_id)
        .outerjoin(RoleGrant, and_(col(RoleGrant.role_id) == OrgRole.id, RoleGrant.user_id == user.id))
        .where(OrgRole.organization_id == user.organization_id,
               or_(col(RoleGrant.id).is_not(None),
                   and_(col(OrgRole.builtin).is_(True), col(OrgRole.key).in_([r.value for r in roles]))))
    ).all()
    return fold_access(roles, [(role, plant_id, department_id) for role, plant_id, department_id in rows])


_FIELD, _ROW = "\x1e", "\x1d"


def packed_role_rows(user_id, organization_id, assigned) -> sa.ScalarSelect:
    """A correlated scalar subquery for `services.org.auth`'s one-query session lookup: the rows `role_access`
    reads, packed into one string (`unpack_role_rows` reads it back). `assigned` selects the person's roles."""
    def text(column) -> sa.ColumnElement:
        return sa.func.coalesce(sa.cast(column, sa.String), "")
    packed = (col(OrgRole.key) + _FIELD + sa.case((col(OrgRole.builtin).is_(True), "1"), else_="0") + _FIELD
              + text(OrgRole.granted) + _FIELD + text(OrgRole.revoked) + _FIELD + text(RoleGrant.plant_id) + _FIELD
              + text(RoleGrant.department_id) + _FIELD + col(OrgRole.name))
    return (select(sa.func.aggregate_strings(packed, _ROW))
            .select_from(OrgRole)
            .outerjoin(RoleGrant, and_(col(RoleGrant.role_id) == OrgRole.id, col(RoleGrant.user_id) == user_id))
            .where(col(OrgRole.organization_id) == organization_id,
                   or_(col(RoleGrant.id).is_not(None), and_(col(OrgRole.builtin).is_(True), col(OrgRole.key).in_(assigned))))
            .scalar_subquery())


@functools.lru_cache(maxsize=4096)
def unpack_role_rows(roles: frozenset[Role], packed: str | None) -> RoleAccess:
    """The access `packed_role_rows` packed. A pure function of its text (which carries every field it reads),
    so each distinct text is unpacked once per worker: the token check of a request costs no role rows."""
    rows = []
    for part in (packed or "").split(_ROW):
        if not part:
            continue
        key, builtin, granted, revoked, plant, department, name = part.split(_FIELD, 6)
        role = OrgRole(key=key, builtin=builtin == "1", granted=json.loads(granted or "[]"),
                       revoked=json.loads(revoked or "[]"), name=name, organization_id=0)
        rows.append((role, int(plant) if plant else None, int(department) if department else None))
    return fold_access(roles, rows)


def fold_access(roles: AbstractSet[Role], rows: list[tuple[OrgRole, int | None, int | None]]) -> RoleAccess:
    """What the person's built-in roles and grants add up to (see the module's invariants)."""
    everywhere: set[Permission] = set()
    templated: set[Role] = set()
    at_plant: dict[int, set[Permission]] = {}
    departments: set[int] = set()
    unbound = bool(roles)
    names: list[str] = []
    for role, plant_id, department_id in rows:
        holds = role_holds(role)
        if role.builtin and role.key in {r.value for r in roles}:
            templated.add(Role(role.key))
            everywhere |= holds
        if plant_id is not None:
            at_plant.setdefault(plant_id, set()).update(holds)
            unbound = unbound or department_id is None
            if department_id is not None:
                departments.add(department_id)
            if role.name not in names:
                names.append(role.name)
    everywhere |= default_permissions(set(roles) - templated)      # vendor and client: not editable, their defaults
    return RoleAccess(roles=frozenset(roles), role_permissions=frozenset(everywhere),
                      plant_permissions=tuple((p, frozenset(h)) for p, h in sorted(at_plant.items())),
                      department_ids=None if unbound or not departments else frozenset(departments),
                      role_names=tuple(names))


def list_grants(session: Session, actor: Actor, *, user_id: int | None = None) -> list[GrantRead]:
    require(actor, Permission.MANAGE_USERS)
    query = (select(RoleGrant, col(User.username), OrgRole, col(Plant.code))
             .join(User, col(User.id) == RoleGrant.user_id).join(OrgRole, col(OrgRole.id) == RoleGrant.role_id)
             .join(Plant, col(Plant.id) == RoleGrant.plant_id)
             .where(RoleGrant.organization_id == actor.organization_id))
    if user_id is not None:
        query = query.where(RoleGrant.user_id == user_id)
    rows = session.exec(query.order_by(User.username, OrgRole.name, Plant.code)).all()
    departments = dict(session.exec(select(Department.id, Department.code).where(
        Department.organization_id == actor.organization_id)).all())
    return [_grant_read(g, username, role, plant_code, departments.get(g.department_id))
            for g, username, role, plant_code in rows]


def grant_role(session: Session, actor: Actor, data: GrantCreate, *, now: datetime) -> GrantRead:
    """Give a person a role at a plant (and, when given, only for one department of it)."""
    require(actor, Permission.MANAGE_USERS)
    user, role, plant, department = _check_grant(session, actor, data)
    duplicate = session.exec(select(RoleGrant.id).where(
        RoleGrant.user_id == user.id, RoleGrant.role_id == role.id, RoleGrant.plant_id == plant.id,
        RoleGrant.department_id == data.department_id if data.department_id is not None
        else col(RoleGrant.department_id).is_(None))).first()
    if duplicate is not None:
        raise Conflict(t("{username} holds '{name}' there already.", username=user.username, name=role.name))
    grant = stamp_new(RoleGrant(organization_id=actor.organization_id, user_id=pk(user), role_id=pk(role),
                                plant_id=pk(plant), department_id=data.department_id), actor, now)
    session.add(grant)
    session.flush()
    announce(session, actor, "role_grant", pk(grant), "create",
             {"user": user.username, "role": role.name, "plant": plant.code,
              "department": department.code if department else None}, plant_id=plant.id, now=now)
    return _grant_read(grant, user.username, role, plant.code, department.code if department else None)


def revoke_grant(session: Session, actor: Actor, grant_id: int, *, now: datetime, user_id: int | None = None) -> None:
    """Take a grant back (with `user_id`: only a grant of that person)."""
    require(actor, Permission.MANAGE_USERS)
    grant = session.get(RoleGrant, grant_id)
    if grant is None or grant.organization_id != actor.organization_id or user_id not in (None, grant.user_id):
        raise NotFound(t("Role grant not found."))
    role = session.get(OrgRole, grant.role_id)
    session.delete(grant)
    announce(session, actor, "role_grant", grant_id, "delete",
             {"user_id": grant.user_id, "role": role.name if role else grant.role_id, "plant_id": grant.plant_id,
              "department_id": grant.department_id}, plant_id=grant.plant_id, now=now)


def _check_grant(session: Session, actor: Actor, data: GrantCreate) -> tuple[User, OrgRole, Plant, Department | None]:
    org = actor.organization_id
    user, role, plant = session.get(User, data.user_id), session.get(OrgRole, data.role_id), session.get(Plant, data.plant_id)
    problems: dict[str, str] = {}
    if user is None or user.organization_id != org:
        problems["user_id"] = t("Unknown user.")
    if role is None or role.organization_id != org:
        problems["role_id"] = t("Unknown role.")
    if plant is None or plant.organization_id != org:
        problems["plant_id"] = t("Unknown plant.")
    department = session.get(Department, data.department_id) if data.department_id is not None else None
    if data.department_id is not None and (department is None or plant is None or department.plant_id != plant.id):
        problems["department_id"] = t("Choose a department of this plant.")
    check(problems)
    assert user is not None and role is not None and plant is not None
    return user, role, plant, department


def _grant_read(grant: RoleGrant, username: str, role: OrgRole, plant_code: str, department_code: str | None) -> GrantRead:
    return GrantRead(id=pk(grant), user_id=grant.user_id, username=username, role_id=grant.role_id, role_name=role.name,
                     role_key=role.key, role_builtin=role.builtin, plant_id=grant.plant_id, plant_code=plant_code,
                     department_id=grant.department_id, department_code=department_code)
