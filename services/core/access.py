"""Who may do what, where.

An `Actor` is the acting user (or machine token) of one organization, with roles and the plants
they may work in. Admins reach every plant of their organization. The built-in roles' default
permissions are `ROLE_PERMISSIONS`; an organization changes them and adds roles of its own as data
(services/org/roles.py), and the actor built per request carries the result: `role_permissions`
(held at every plant of the actor), `plant_permissions` (held at one plant only, from a role granted
there) and `department_ids` (None, or the departments whose maintenance tickets and quality cases a
person whose every role is bound to a department may see). Every service calls `require`
(a permission, optionally at a plant) and scopes queries with `visible_plant_ids`. Nothing here
trusts an id from a client: a row outside the actor's organization or plants is `NotFound`.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum

from models.user import Role
from services.core.errors import Forbidden, NotFound
from services.core.messages import as_message, t


class Permission(StrEnum):
    VIEW = "view"                          # see the app and one's plants' data
    MANAGE_USERS = "manage_users"
    MANAGE_PLANTS = "manage_plants"
    MANAGE_BRANDING = "manage_branding"
    MANAGE_API_TOKENS = "manage_api_tokens"
    VIEW_AUDIT = "view_audit"
    VIEW_DASHBOARDS = "view_dashboards"
    PLAN = "plan"                          # orders, work orders, schedules
    SUPERVISE = "supervise"                # reassign jobs, first-stage approvals
    RUN_JOBS = "run_jobs"                  # operator actions at a machine
    QUALITY = "quality"
    INSPECT = "inspect"                    # record inspection measurements (quality, self-inspection)
    MAINTAIN = "maintain"
    FINANCE = "finance"
    INGEST = "ingest"                      # machine gateways
    SCAN = "scan"                          # scanning stations
    DISPLAY = "display"                    # read-only wall screens
    CONFIGURE = "configure"                # type lists, custom fields, workflows (admins)
    DOCUMENTS = "documents"                # write controlled documents, revisions, change orders (engineering)
    STUDIO_MANAGE = "studio_manage"        # projects, breakdown, members, assignments (studios)
    STUDIO_WORK = "studio_work"            # work on studio tasks: start, submit versions, log time
    STUDIO_QC1 = "studio_qc1"              # first review stage (team lead)
    STUDIO_QC2 = "studio_qc2"              # second review stage (production manager)
    STUDIO_PORTAL = "studio_portal"        # vendor/client accounts: only what is shared with their partner


_EVERYONE = {Permission.VIEW}
_STUDIO_LEAD = {Permission.STUDIO_WORK, Permission.STUDIO_QC1}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission) - {Permission.INGEST, Permission.DISPLAY, Permission.STUDIO_PORTAL},
    Role.MANAGER: frozenset(_EVERYONE | _STUDIO_LEAD | {
        Permission.VIEW_DASHBOARDS, Permission.VIEW_AUDIT, Permission.PLAN, Permission.SUPERVISE,
        Permission.STUDIO_MANAGE, Permission.STUDIO_QC2, Permission.DOCUMENTS}),
    Role.PLANNER: frozenset(_EVERYONE | {Permission.PLAN, Permission.VIEW_DASHBOARDS, Permission.STUDIO_MANAGE,
                                         Permission.STUDIO_WORK, Permission.DOCUMENTS}),
    Role.SUPERVISOR: frozenset(_EVERYONE | _STUDIO_LEAD | {Permission.SUPERVISE, Permission.RUN_JOBS,
                                                            Permission.INSPECT, Permission.VIEW_DASHBOARDS,
                                                            Permission.SCAN}),
    Role.OPERATOR: frozenset(_EVERYONE | {Permission.RUN_JOBS, Permission.INSPECT, Permission.SCAN,
                                         Permission.STUDIO_WORK}),
    Role.QUALITY: frozenset(_EVERYONE | {Permission.QUALITY, Permission.INSPECT, Permission.VIEW_DASHBOARDS,
                                        Permission.DOCUMENTS}),
    Role.MAINTENANCE: frozenset(_EVERYONE | {Permission.MAINTAIN}),
    Role.FINANCE: frozenset(_EVERYONE | {Permission.FINANCE, Permission.VIEW_DASHBOARDS}),
    Role.VIEWER: frozenset(_EVERYONE | {Permission.VIEW_DASHBOARDS}),
    # Partner accounts hold no VIEW: nothing of the factory side, only what services/studio shares.
    Role.VENDOR: frozenset({Permission.STUDIO_PORTAL}),
    Role.CLIENT: frozenset({Permission.STUDIO_PORTAL}),
}

TOKEN_PERMISSIONS = {
    "machine": frozenset({Permission.INGEST}),
    "station": frozenset({Permission.SCAN}),
    "display": frozenset({Permission.DISPLAY}),
}


@dataclass(frozen=True)
class Actor:
    user_id: int | None                    # None for a machine/station/display token
    organization_id: int
    roles: frozenset[Role] = field(default_factory=frozenset)
    plant_ids: frozenset[int] = field(default_factory=frozenset)
    username: str = ""
    api_token_id: int | None = None
    token_permissions: frozenset[Permission] = field(default_factory=frozenset)
    role_permissions: frozenset[Permission] | None = None    # None: the built-in defaults of `roles`
    plant_permissions: tuple[tuple[int, frozenset[Permission]], ...] = ()
    department_ids: frozenset[int] | None = None             # None: every department
    role_names: tuple[str, ...] = ()                          # the custom roles held, for display

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def everywhere(self) -> frozenset[Permission]:
        """The permissions held at every plant of the actor."""
        if self.api_token_id is not None:
            return self.token_permissions
        if self.role_permissions is not None:
            return self.role_permissions
        return default_permissions(self.roles)

    @property
    def permissions(self) -> frozenset[Permission]:
        """Every permission the actor holds somewhere."""
        perms = set(self.everywhere)
        for _plant, held in self.plant_permissions:
            perms |= held
        return frozenset(perms)

    def can(self, permission: Permission, *, plant_id: int | None = None) -> bool:
        if plant_id is None:
            return permission in self.permissions
        if plant_id not in self.plant_ids:
            return False
        return permission in self.everywhere or any(
            plant == plant_id and permission in held for plant, held in self.plant_permissions)

    def sees_department(self, department_id: int | None) -> bool:
        """Whether a maintenance ticket or quality case of `department_id` is visible to the actor."""
        return self.department_ids is None or department_id in self.department_ids

    def acting_as(self, role: Role) -> Actor:
        """The same person acting through `role`'s code path with that role's built-in permissions only, at the
        same plants (a technician stopping a machine through the operator's path): what the organization made of
        the person's own roles and plant grants does not come along; the department scope stays."""
        return dataclasses.replace(self, roles=frozenset({role}), role_permissions=None, plant_permissions=(),
                                   role_names=())

    def label(self) -> str:
        return self.username or (f"token #{self.api_token_id}" if self.api_token_id else f"user #{self.user_id}")


def default_permissions(roles: frozenset[Role] | set[Role]) -> frozenset[Permission]:
    """The built-in roles' permissions as shipped, before an organization changes them."""
    perms: set[Permission] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS[role]
    return frozenset(perms)


def can_any(actor: Actor, *permissions: Permission, plant_id: int | None = None) -> bool:
    """Whether the actor holds one of `permissions` at `plant_id`, or, with no plant given, at one of their
    plants (a button that starts a change at a plant chosen later). The read models' `can_*` flags come from
    here and from the same permissions the changes `require`, so a page shows only what will be accepted."""
    plants = (plant_id,) if plant_id is not None else tuple(actor.plant_ids)
    return any(actor.can(p, plant_id=plant) for p in permissions for plant in plants)


def require(actor: Actor, permission: Permission, *, plant_id: int | None = None) -> None:
    """Raise Forbidden unless the actor holds `permission` (at `plant_id`, when given)."""
    if permission not in actor.permissions:
        raise Forbidden(t("You are not allowed to do this: it needs the '{permission}' permission.",
                          permission=permission.value))
    if plant_id is not None and plant_id not in actor.plant_ids:
        raise Forbidden(t("You have no access to this plant."))
    if plant_id is not None and not actor.can(permission, plant_id=plant_id):
        raise Forbidden(t("You are not allowed to do this at this plant: it needs the '{permission}' permission.",
                          permission=permission.value))


def require_same_org(actor: Actor, organization_id: int | None, what: str) -> None:
    """Rows of another organization do not exist for this actor."""
    if organization_id != actor.organization_id:
        raise NotFound(t("{what} not found.", what=as_message(what)))


def require_plant_visible(actor: Actor, plant_id: int | None, what: str) -> None:
    if plant_id is not None and plant_id not in actor.plant_ids:
        raise NotFound(t("{what} not found.", what=as_message(what)))


def roles_granting(permission: Permission | str) -> list[Role]:
    """The roles that hold `permission`, in the order of `Role` (to tell people whom to ask)."""
    wanted = Permission(permission)
    return [role for role in Role if wanted in ROLE_PERMISSIONS[role]]
