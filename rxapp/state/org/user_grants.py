"""The roles a person holds at plants, edited in the user dialog of /admin/users: any role of the organization
(built-in or its own) granted at one plant, optionally for one department of it, and taken back. Each change is
one call of services.org.role_grants (MANAGE_USERS, own organization only), applied at once and audited there;
the person's next request carries it."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.trace.labels import role_label
from services.core.access import Permission, require
from services.core.errors import DomainError
from services.org import plants as plant_service
from services.org import role_grants, roles, users

NO_DEPARTMENT = "all"      # a select item cannot have the value ""


@dataclass
class GrantRow:
    id: int = 0
    role: str = ""
    plant: str = ""
    department: str = ""


@dataclass
class Choice:
    value: str = ""
    label: str = ""


def grant_role_name(grant: role_grants.GrantRead) -> str:
    """The granted role's name: a built-in role's in the viewer's language, an organization's own as it named it."""
    return _(role_label(grant.role_key)) if grant.role_builtin else grant.role_name


def grant_label(grant: role_grants.GrantRead) -> str:
    """"Line lead @ P1 / MACH": a grant in one short line (the users list shows it too)."""
    return f"{grant_role_name(grant)} @ {grant.plant_code}" + (f" / {grant.department_code}" if grant.department_code
                                                                else "")


def _choices(session, actor, user_id: int):
    require(actor, Permission.MANAGE_USERS)
    users.get_user(session, actor, user_id)
    return (role_grants.list_grants(session, actor, user_id=user_id), roles.list_roles(session, actor),
            plant_service.list_plants(session, actor), plant_service.list_departments(session, actor))


class UserGrantsState(AuthState):
    grants: list[GrantRow] = []
    role_choices: list[Choice] = []
    plant_choices: list[Choice] = []
    department_choices: list[Choice] = []       # of the chosen plant, "all departments" first
    role_id: str = ""
    plant_id: str = ""
    department_id: str = NO_DEPARTMENT
    errors: dict[str, str] = {}
    _user_id: int = 0
    _departments: list[tuple[int, int, str]] = []     # (id, plant id, label)

    @rx.event
    def load_for(self, user_id: int):
        self._user_id = as_id(user_id)
        self.role_id, self.plant_id, self.department_id, self.errors = "", "", NO_DEPARTMENT, {}
        return self._reload()

    def _reload(self):
        try:
            grants, all_roles, plants, departments = self._use_case(_choices, self._user_id)
        except DomainError as error:
            self.grants = []
            return self._refused(error)
        self.grants = [GrantRow(id=g.id, role=grant_role_name(g), plant=g.plant_code, department=g.department_code or "")
                       for g in grants]
        self.role_choices = [Choice(str(r.id), role_label(r.key) if r.builtin else r.name) for r in all_roles]
        self.plant_choices = [Choice(str(p.id), f"{p.code} · {p.name}") for p in plants]
        self._departments = [(d.id, d.plant_id, f"{d.code} · {d.name}") for d in departments]
        self._fill_departments()
        return None

    def _fill_departments(self) -> None:
        plant = as_id(self.plant_id)
        self.department_choices = [Choice(NO_DEPARTMENT, _("All departments"))] + [
            Choice(str(d), label) for d, p, label in self._departments if p == plant]
        if self.department_id not in {c.value for c in self.department_choices}:
            self.department_id = NO_DEPARTMENT

    @rx.event
    def set_role(self, value: str):
        self.role_id = str(value)

    @rx.event
    def set_plant(self, value: str):
        self.plant_id = str(value)
        self._fill_departments()

    @rx.event
    def set_department(self, value: str):
        self.department_id = str(value)

    @rx.event
    def grant(self):
        department = None if self.department_id == NO_DEPARTMENT else as_id(self.department_id)
        try:
            granted = self._use_case(role_grants.grant_role, role_grants.GrantCreate(
                user_id=self._user_id, role_id=as_id(self.role_id), plant_id=as_id(self.plant_id),
                department_id=department), now=utcnow())
        except DomainError as error:
            self.errors = {k: _(v) for k, v in error.fields.items()}
            return self._refused(error)
        self.errors, self.role_id = {}, ""
        self._reload()
        return rx.toast.success(_("Role granted") + ": "
                                + grant_label(granted))

    @rx.event
    def revoke(self, grant_id: int):
        try:
            self._use_case(role_grants.revoke_grant, as_id(grant_id), user_id=self._user_id, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self._reload()
        return rx.toast.success(_("Role taken back"))
