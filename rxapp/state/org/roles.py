"""Roles admin: the permission matrix (roles x permissions, each cell a switch), new custom roles, and roles
granted to a person at a plant (optionally one department). services.org.roles and services.org.role_grants
keep the rules (MANAGE_USERS, own organization only, audited); a change holds from the holders' next request."""
from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.org.user_grants import grant_role_name
from services.core.errors import DomainError, Invalid
from services.org import plants as plant_service
from services.org import role_grants, roles, users
from services.org.role_grants import GrantCreate
from services.org.roles import RoleCreate


@dataclass
class RoleColumn:
    id: int = 0
    name: str = ""
    builtin: bool = False


@dataclass
class MatrixCell:
    role_id: int = 0
    allowed: bool = False


@dataclass
class MatrixRow:
    key: str = ""
    sentence: str = ""
    cells: list[MatrixCell] = field(default_factory=list)


@dataclass
class GrantRow:
    id: int = 0
    username: str = ""
    role: str = ""
    place: str = ""          # "P1" or "P1 / MACH"


@dataclass
class Choice:
    value: str = ""
    label: str = ""


def _load(session, actor):
    return (roles.list_roles(session, actor), role_grants.list_grants(session, actor),
            users.list_users(session, actor, include_inactive=False), plant_service.list_plants(session, actor),
            plant_service.list_departments(session, actor))


class RolesState(AuthState):
    columns: list[RoleColumn] = []
    matrix: list[MatrixRow] = []
    grants: list[GrantRow] = []
    loading: bool = True
    load_error: str = ""

    new_name: str = ""
    new_description: str = ""
    new_errors: dict[str, str] = {}

    user_choices: list[Choice] = []
    role_choices: list[Choice] = []
    plant_choices: list[Choice] = []
    department_choices: list[Choice] = []    # value "plant_id:department_id"
    grant_user: str = ""
    grant_role: str = ""
    grant_plant: str = ""
    grant_department: str = ""
    grant_errors: dict[str, str] = {}

    @rx.event
    def load(self):
        try:
            listed, grants, people, plants, departments = self._use_case(_load)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.columns = [RoleColumn(id=r.id, name=_(r.name) if r.builtin else r.name, builtin=r.builtin) for r in listed]
        self.matrix = [MatrixRow(key=p.key, sentence=_(p.sentence), cells=[
            MatrixCell(role_id=r.id, allowed=p.key in r.permissions) for r in listed]) for p in roles.list_permissions()]
        self.grants = [GrantRow(id=g.id, username=g.username, role=grant_role_name(g),
                                place=g.plant_code + (f" / {g.department_code}" if g.department_code else ""))
                       for g in grants]
        self.user_choices = [Choice(str(u.id), u.full_name or u.username) for u in people]
        self.role_choices = [Choice(str(r.id), r.name) for r in listed]
        self.plant_choices = [Choice(str(p.id), p.code) for p in plants]
        codes = {p.id: p.code for p in plants}
        self.department_choices = [Choice(str(d.id), f"{codes.get(d.plant_id, '?')} / {d.code}") for d in departments]
        self.loading, self.load_error = False, ""

    @rx.event
    def toggle(self, role_id: int, permission: str, allowed: bool):
        try:
            self._use_case(lambda s, actor: roles.set_role_permission(s, actor, as_id(role_id), str(permission),
                                                                      bool(allowed), now=utcnow()))
        except DomainError as error:
            return [*self._refused(error), RolesState.load]
        return RolesState.load

    @rx.event
    def set_new_name(self, value: str):
        self.new_name = value

    @rx.event
    def set_new_description(self, value: str):
        self.new_description = value

    @rx.event
    def create_role(self):
        data = RoleCreate(name=self.new_name, description=self.new_description, permissions=["view"])
        try:
            created = self._use_case(lambda s, actor: roles.create_role(s, actor, data, now=utcnow()))
        except Invalid as error:
            self.new_errors = {k: _(v) for k, v in error.fields.items()}
            return None
        except DomainError as error:
            return self._refused(error)
        self.new_name, self.new_description, self.new_errors = "", "", {}
        return [rx.toast.success(_("Role created: {name}").format(name=created.name)), RolesState.load]

    @rx.event
    def delete_role(self, role_id: int):
        try:
            self._use_case(lambda s, actor: roles.delete_role(s, actor, as_id(role_id), now=utcnow()))
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Role deleted")), RolesState.load]

    @rx.event
    def set_grant_field(self, name: str, value: str):
        if name in ("grant_user", "grant_role", "grant_plant", "grant_department"):
            setattr(self, name, str(value))

    @rx.event
    def grant(self):
        department = as_id(self.grant_department) or None
        data = GrantCreate(user_id=as_id(self.grant_user), role_id=as_id(self.grant_role),
                           plant_id=as_id(self.grant_plant), department_id=department)
        try:
            self._use_case(lambda s, actor: role_grants.grant_role(s, actor, data, now=utcnow()))
        except Invalid as error:
            self.grant_errors = {k: _(v) for k, v in error.fields.items()}
            return None
        except DomainError as error:
            return self._refused(error)
        self.grant_errors, self.grant_department = {}, ""
        return [rx.toast.success(_("Role granted")), RolesState.load]

    @rx.event
    def revoke(self, grant_id: int):
        try:
            self._use_case(lambda s, actor: role_grants.revoke_grant(s, actor, as_id(grant_id), now=utcnow()))
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Role taken back")), RolesState.load]
