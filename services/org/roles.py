"""Roles as data: the organization's built-in role templates and its own roles, and the permission matrix.

A role holds its built-in defaults (`ROLE_PERMISSIONS`, none for a custom role) plus `granted` minus
`revoked`. Only MANAGE_USERS reads or changes roles, inside the actor's organization (another
organization's role is NotFound). Built-in roles are edited, never deleted, and the admin role keeps
MANAGE_USERS (no organization locks itself out). Token-only and partner permissions (INGEST, DISPLAY,
STUDIO_PORTAL) are not given to roles. Every change is audited and announced; people's permissions are
read when their actor is built, so a change holds from their next request.
"""
from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from models.base import pk
from models.roles import OrgRole, RoleGrant
from models.user import Role
from services.core.access import ROLE_PERMISSIONS, Actor, Permission, require
from services.core.changes import announce, stamp, stamp_new
from services.core.errors import Conflict, NotFound
from services.core.messages import t
from services.core.validation import check

BUILTIN_ROLES = (Role.ADMIN, Role.MANAGER, Role.PLANNER, Role.SUPERVISOR, Role.OPERATOR, Role.QUALITY,
                 Role.MAINTENANCE, Role.FINANCE, Role.VIEWER)
NOT_FOR_ROLES = frozenset({Permission.INGEST, Permission.DISPLAY, Permission.STUDIO_PORTAL})
ASSIGNABLE = tuple(p for p in Permission if p not in NOT_FOR_ROLES)

PERMISSION_SENTENCES: dict[Permission, str] = {
    Permission.VIEW: "See the app and the data of one's plants: orders, machines, tickets, quality cases.",
    Permission.MANAGE_USERS: "Create and deactivate users, give them roles and plants, and edit roles.",
    Permission.MANAGE_PLANTS: "Create and change plants and their departments.",
    Permission.MANAGE_BRANDING: "Change the organization's name, colour and logo.",
    Permission.MANAGE_API_TOKENS: "Create and revoke tokens for machines, scanning stations and displays.",
    Permission.VIEW_AUDIT: "Read the audit log: who changed what, and when.",
    Permission.VIEW_DASHBOARDS: "See the KPI dashboards, the andon board and the reports.",
    Permission.PLAN: "Create and import orders and work orders, and schedule operations on machines.",
    Permission.SUPERVISE: "Reassign jobs, approve first-stage checks and answer alerts on the floor.",
    Permission.RUN_JOBS: "Start, pause and complete jobs at a machine and report counts and downtime.",
    Permission.QUALITY: "Manage inspection plans, rejects, returns and NCRs with their actions.",
    Permission.INSPECT: "Record inspection measurements.",
    Permission.MAINTAIN: "Work maintenance tickets, preventive plans and spare parts.",
    Permission.FINANCE: "Post and read the ledger, invoices, payments, costing and budgets.",
    Permission.INGEST: "Send machine data (machine gateway tokens only).",
    Permission.SCAN: "Receive, move, pick, pack and ship by scanning labels.",
    Permission.DISPLAY: "Show a read-only wall screen (display tokens only).",
    Permission.CONFIGURE: "Change type lists, custom fields, workflows and organization settings.",
    Permission.DOCUMENTS: "Write controlled documents (drawings, SOPs, work instructions), their revisions and change orders.",
    Permission.STUDIO_MANAGE: "Manage studio projects, their breakdown, members and assignments.",
    Permission.STUDIO_WORK: "Work on studio tasks: start them, submit versions and log time.",
    Permission.STUDIO_QC1: "Review studio work at the first stage (team lead).",
    Permission.STUDIO_QC2: "Review studio work at the second stage (production manager).",
    Permission.STUDIO_PORTAL: "See only what is shared with one's partner company (vendor and client accounts).",
}


class PermissionInfo(BaseModel):
    key: str
    sentence: str


class RoleRead(BaseModel):
    id: int
    key: str
    name: str
    description: str
    builtin: bool
    permissions: list[str]          # what the role holds now, in the order of `Permission`


class RoleCreate(BaseModel):
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=500)
    permissions: list[str] = Field(default_factory=list)


class RoleUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=500)
    permissions: list[str] | None = None       # the whole set the role holds from now


def role_holds(row: OrgRole) -> frozenset[Permission]:
    """What a role row holds: its built-in defaults + granted - revoked (unknown values ignored)."""
    base = set(ROLE_PERMISSIONS[Role(row.key)]) if row.builtin else set()
    known = {p.value for p in Permission}
    base |= {Permission(p) for p in row.granted or [] if p in known}
    base -= {Permission(p) for p in row.revoked or [] if p in known}
    return frozenset(base)


def list_permissions() -> list[PermissionInfo]:
    """Every permission a role may hold, each with the sentence saying what it allows."""
    return [PermissionInfo(key=p.value, sentence=PERMISSION_SENTENCES[p]) for p in ASSIGNABLE]


def seed_role_templates(session: Session, organization_id: int, *, now: datetime) -> None:
    """The built-in roles as rows of a new organization, unchanged from their defaults."""
    have = set(session.exec(select(OrgRole.key).where(OrgRole.organization_id == organization_id)).all())
    for role in BUILTIN_ROLES:
        if role.value not in have:
            session.add(OrgRole(organization_id=organization_id, key=role.value, name=role.value.title(),
                                builtin=True, created_at=now, updated_at=now))
    session.flush()


def list_roles(session: Session, actor: Actor) -> list[RoleRead]:
    require(actor, Permission.MANAGE_USERS)
    rows = session.exec(select(OrgRole).where(OrgRole.organization_id == actor.organization_id)
                        .order_by(col(OrgRole.builtin).desc(), col(OrgRole.id))).all()
    return [role_read(row) for row in rows]


def get_role(session: Session, actor: Actor, role_id: int) -> RoleRead:
    require(actor, Permission.MANAGE_USERS)
    return role_read(_role(session, actor, role_id))


def create_role(session: Session, actor: Actor, data: RoleCreate, *, now: datetime) -> RoleRead:
    require(actor, Permission.MANAGE_USERS)
    name, problems = _name_problems(data.name)
    wanted = _parse_permissions(data.permissions, problems)
    check(problems)
    key = _key_for(name)
    if session.exec(select(OrgRole.id).where(OrgRole.organization_id == actor.organization_id,
                                             OrgRole.key == key)).first() is not None or key in {r.value for r in Role}:
        raise Conflict(t("A role named '{name}' exists.", name=name), fields={"name": t("Already used.")})
    row = stamp_new(OrgRole(organization_id=actor.organization_id, key=key, name=name,
                            description=data.description.strip(), granted=sorted(p.value for p in wanted)), actor, now)
    session.add(row)
    session.flush()
    announce(session, actor, "role", pk(row), "create",
             {"name": name, "permissions": sorted(p.value for p in wanted)}, now=now)
    return role_read(row)


def update_role(session: Session, actor: Actor, role_id: int, data: RoleUpdate, *, now: datetime) -> RoleRead:
    require(actor, Permission.MANAGE_USERS)
    row = _role(session, actor, role_id)
    problems: dict[str, str] = {}
    name = None
    if data.name is not None:
        name, problems = _name_problems(data.name)
    wanted = _parse_permissions(data.permissions, problems) if data.permissions is not None else None
    if wanted is not None and row.builtin and row.key == Role.ADMIN.value and Permission.MANAGE_USERS not in wanted:
        problems["permissions"] = t("The admin role keeps 'manage_users', or nobody could change roles any more.")
    check(problems)
    changes: dict[str, dict] = {}
    for key, value in (("name", name), ("description", data.description.strip() if data.description is not None else None)):
        if value is not None and getattr(row, key) != value:
            changes[key] = {"before": getattr(row, key), "after": value}
            setattr(row, key, value)
    if wanted is not None:
        _set_holds(row, wanted, changes)
    if changes:
        session.add(stamp(row, actor, now))
        announce(session, actor, "role", pk(row), "update", changes, now=now)
    return role_read(row)


def set_role_permission(session: Session, actor: Actor, role_id: int, permission: str, allowed: bool, *,
                        now: datetime) -> RoleRead:
    """One cell of the permission matrix: the role holds `permission` from now, or no longer."""
    require(actor, Permission.MANAGE_USERS)
    row = _role(session, actor, role_id)
    holds = set(role_holds(row))
    problems: dict[str, str] = {}
    wanted = _parse_permissions([permission], problems)
    check(problems)
    holds = holds | wanted if allowed else holds - wanted
    return update_role(session, actor, role_id, RoleUpdate(permissions=[p.value for p in holds]), now=now)


def delete_role(session: Session, actor: Actor, role_id: int, *, now: datetime) -> None:
    """Delete a custom role and every grant of it (built-in roles stay: edit them instead)."""
    require(actor, Permission.MANAGE_USERS)
    row = _role(session, actor, role_id)
    if row.builtin:
        raise Conflict(t("A built-in role cannot be deleted; take its permissions away instead."))
    grants = session.exec(select(RoleGrant).where(RoleGrant.role_id == row.id)).all()
    for grant in grants:
        session.delete(grant)
    session.flush()
    session.delete(row)
    announce(session, actor, "role", pk(row), "delete", {"name": row.name, "grants_removed": len(grants)}, now=now)


def roles_holding(session: Session, actor: Actor, permission: str) -> list[RoleRead]:
    """The actor's organization's roles that hold `permission` (to tell a refused person whom to ask; anyone of
    the organization may know it, as the built-in roles were always known). Unknown permission: none."""
    try:
        wanted = Permission(permission)
    except ValueError:
        return []
    rows = session.exec(select(OrgRole).where(OrgRole.organization_id == actor.organization_id)
                        .order_by(col(OrgRole.builtin).desc(), col(OrgRole.id))).all()
    return [role_read(row) for row in rows if wanted in role_holds(row)]


def role_read(row: OrgRole) -> RoleRead:
    holds = role_holds(row)
    return RoleRead(id=pk(row), key=row.key, name=row.name, description=row.description, builtin=row.builtin,
                    permissions=[p.value for p in Permission if p in holds])


def _role(session: Session, actor: Actor, role_id: int) -> OrgRole:
    row = session.get(OrgRole, role_id)
    if row is None or row.organization_id != actor.organization_id:
        raise NotFound(t("Role not found."))
    return row


def _set_holds(row: OrgRole, wanted: frozenset[Permission], changes: dict[str, dict]) -> None:
    before = role_holds(row)
    if before == wanted:
        return
    base = ROLE_PERMISSIONS[Role(row.key)] if row.builtin else frozenset()
    row.granted = sorted(p.value for p in wanted - base)
    row.revoked = sorted(p.value for p in base - wanted)
    changes["permissions"] = {"before": sorted(p.value for p in before), "after": sorted(p.value for p in wanted),
                              "added": sorted(p.value for p in wanted - before),
                              "removed": sorted(p.value for p in before - wanted)}


def _name_problems(value: str) -> tuple[str, dict[str, str]]:
    name = (value or "").strip()
    if not name:
        return name, {"name": "Required."}
    if not re.search(r"[A-Za-z0-9]", name):
        return name, {"name": "Use at least one letter or digit."}
    return name, {}


def _parse_permissions(values: list[str], problems: dict[str, str]) -> frozenset[Permission]:
    wanted: set[Permission] = set()
    unknown = []
    for value in values:
        try:
            permission = Permission(str(value).strip().lower())
        except ValueError:
            unknown.append(str(value))
            continue
        if permission in NOT_FOR_ROLES:
            unknown.append(str(value))
        wanted.add(permission)
    if unknown:
        problems["permissions"] = (t("Unknown permission {value}. Known: {known}.",
                                     value=", ".join(repr(u) for u in unknown), known=", ".join(p.value for p in ASSIGNABLE)))
    return frozenset(wanted)


def _key_for(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64]

