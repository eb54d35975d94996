"""Users admin: list with search and status filter (roles held organization-wide and at plants), create, edit
roles and plants (roles at plants and departments: state/org/user_grants.py), deactivate or activate, reset a
password. Every handler re-resolves the actor; services.org.users keeps the rules
(admins only, own organization only, no self-lock-out)."""
from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from models.base import utcnow
from models.user import Role
from rxapp.i18n import _, format_datetime
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.org.user_grants import UserGrantsState, grant_label
from rxapp.state.trace.labels import role_label
from services.core.access import Permission, require
from services.core.errors import DomainError
from services.org import plants as plant_service
from services.org import role_grants
from services.org import users as user_service

ROLE_CHOICES = [(r.value, role_label(r.value)) for r in Role]
LIST_LIMIT = 200


@dataclass
class UserRow:
    id: int = 0
    username: str = ""
    full_name: str = ""
    email: str = ""
    is_active: bool = True
    roles: list[str] = field(default_factory=list)
    plants: list[str] = field(default_factory=list)
    last_login: str = ""


@dataclass
class PlantChoice:
    id: int = 0
    label: str = ""


def _load(session, actor, search: str, status: str):
    require(actor, Permission.MANAGE_USERS)
    active = {"active": True, "inactive": False}.get(status)
    people = user_service.list_users(session, actor, search=search, active=active, limit=LIST_LIMIT)
    grants: dict[int, list[str]] = {}
    for g in role_grants.list_grants(session, actor):
        grants.setdefault(g.user_id, []).append(grant_label(g))
    return people, plant_service.list_plants(session, actor, include_inactive=True), grants


class UsersState(AuthState):
    rows: list[UserRow] = []
    plant_choices: list[PlantChoice] = []
    search: str = ""
    status: str = "active"
    loading: bool = True
    load_error: str = ""
    truncated: bool = False

    form_open: bool = False
    form_mode: str = "create"            # create | edit
    form_username: str = ""
    form_full_name: str = ""
    form_full_name2: str = ""
    form_full_name2_language: str = ""
    form_email: str = ""
    form_roles: list[str] = []
    form_plants: list[int] = []
    form_errors: dict[str, str] = {}
    form_busy: bool = False
    _form_user_id: int = 0

    reset_open: bool = False
    reset_username: str = ""
    reset_errors: dict[str, str] = {}
    _reset_user_id: int = 0

    @rx.event
    def enter(self):
        """on_load: dialogs left open on another visit start closed."""
        self.form_open = self.reset_open = False
        return UsersState.load

    @rx.event
    def load(self):
        try:
            people, plants, grants = self._use_case(_load, self.search, self.status)
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        codes = {p.id: p.code for p in plants}
        self.plant_choices = [PlantChoice(id=p.id, label=f"{p.code} · {p.name}") for p in plants if p.is_active]
        self.rows = [UserRow(id=u.id, username=u.username, full_name=u.display_name or u.full_name, email=u.email or "",
                             is_active=u.is_active, roles=[role_label(r) for r in u.roles] + grants.get(u.id, []),
                             plants=[_("all plants")] if "admin" in u.roles else [codes.get(p, "?") for p in u.plant_ids],
                             last_login=format_datetime(u.last_login_at, fmt="short") or _("never"))
                     for u in people]
        self.truncated = len(people) >= LIST_LIMIT
        self.loading, self.load_error = False, ""

    @rx.event
    def apply_search(self, form: dict):
        self.search = str(form.get("search", "")).strip()[:100]
        return UsersState.load

    @rx.event
    def set_status(self, status: str):
        self.status = status if status in ("active", "inactive", "all") else "active"
        return UsersState.load

    # ----- create and edit ---------------------------------------------------------------------

    @rx.event
    def open_create(self):
        self.form_mode, self._form_user_id = "create", 0
        self.form_username = self.form_full_name = self.form_email = ""
        self.form_full_name2 = self.form_full_name2_language = ""
        self.form_roles, self.form_plants, self.form_errors, self.form_open = [], [], {}, True

    @rx.event
    def open_edit(self, user_id: int):
        try:
            user = self._use_case(user_service.get_user, as_id(user_id))
        except DomainError as error:
            return self._refused(error)
        self.form_mode, self._form_user_id = "edit", user.id
        self.form_username, self.form_full_name, self.form_email = user.username, user.full_name, user.email or ""
        self.form_full_name2, self.form_full_name2_language = user.full_name2, user.full_name2_language or ""
        self.form_roles, self.form_plants, self.form_errors, self.form_open = list(user.roles), list(user.plant_ids), {}, True
        return UserGrantsState.load_for(user.id)

    @rx.event
    def set_form_open(self, is_open: bool):
        self.form_open = bool(is_open)

    @rx.event
    def toggle_role(self, role: str, checked: bool):
        roles = [r for r in self.form_roles if r != role]
        self.form_roles = roles + [role] if checked else roles

    @rx.event
    def toggle_plant(self, plant_id: int, checked: bool):
        plants = [p for p in self.form_plants if p != as_id(plant_id)]
        self.form_plants = plants + [as_id(plant_id)] if checked else plants

    @rx.event
    async def save_user(self, form: dict):
        self.form_busy = True
        yield
        try:
            if self.form_mode == "create":
                data = user_service.UserCreate(
                    username=str(form.get("username", "")), full_name=str(form.get("full_name", "")),
                    **_second_name(form),
                    email=str(form.get("email", "")) or None, password=str(form.get("password", "")),
                    roles=list(self.form_roles), plant_ids=list(self.form_plants))
                user = await self._use_case_slow(user_service.create_user, data, now=utcnow())
                message = _("User created") + f": {user.username}"
            else:
                data = user_service.UserUpdate(
                    full_name=str(form.get("full_name", "")), email=str(form.get("email", "")), **_second_name(form),
                    roles=list(self.form_roles), plant_ids=list(self.form_plants))
                user = self._use_case(user_service.update_user, self._form_user_id, data, now=utcnow())
                message = _("Changes saved") + f": {user.username}"
        except DomainError as error:
            self.form_errors = {k: _(v) for k, v in error.fields.items()}
            for event in self._refused(error):
                yield event
            return
        finally:
            self.form_busy = False
        self.form_open, self.form_errors = False, {}
        yield rx.toast.success(message)
        yield UsersState.load

    # ----- activate, deactivate, reset password ---------------------------------------------

    @rx.event
    def set_active(self, user_id: int, active: bool):
        try:
            user = self._use_case(user_service.set_active, as_id(user_id), bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = _("Activated") if user.is_active else _("Deactivated")
        return [rx.toast.success(f"{done}: {user.username}"), UsersState.load]

    @rx.event
    def open_reset(self, user_id: int, username: str):
        self._reset_user_id, self.reset_username = as_id(user_id), str(username)
        self.reset_errors, self.reset_open = {}, True

    @rx.event
    def set_reset_open(self, is_open: bool):
        self.reset_open = bool(is_open)

    @rx.event
    async def reset_password(self, form: dict):
        try:
            user = await self._use_case_slow(user_service.reset_password, self._reset_user_id,
                                             str(form.get("new_password", "")), now=utcnow())
        except DomainError as error:
            messages = list(error.fields.values())
            self.reset_errors = {"new_password": _(messages[-1])} if messages else {}
            for event in self._refused(error):
                yield event
            return
        self.reset_open, self.reset_errors = False, {}
        yield rx.toast.success(_("New password set; their sessions have ended") + f": {user.username}")


def _second_name(form: dict) -> dict:
    """The form's second name and its language ("" lets the service read the language from the script)."""
    return {"full_name2": str(form.get("full_name2", "")),
            "full_name2_language": str(form.get("full_name2_language", "")) or None}
