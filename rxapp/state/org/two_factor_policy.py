"""The two-factor policy admin page: which roles must log in with a code from an authenticator app. Their
people set it up at their next log-in. services.org.two_factor keeps the rules (MANAGE_USERS, own
organization, audited)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _, format_datetime
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.trace.labels import role_label
from services.core.errors import DomainError
from services.org import two_factor as two_factor_service


@dataclass
class RoleOption:
    key: str = ""
    label: str = ""


@dataclass
class PersonRow:
    user_id: int = 0
    username: str = ""
    full_name: str = ""
    enrolled: bool = False
    required: bool = False


def _load(session, actor):
    return two_factor_service.get_policy(session, actor), two_factor_service.list_people(session, actor)


class TwoFactorPolicyState(AuthState):
    people: list[PersonRow] = []
    role_options: list[RoleOption] = []     # the organization's roles, built-in and its own
    required_roles: list[str] = []
    updated: str = ""
    loading: bool = True
    load_error: str = ""
    error: str = ""

    @rx.event
    def load(self):
        try:
            policy, people = self._use_case(_load)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.required_roles = list(policy.required_roles)
        self.role_options = [RoleOption(key=r.key, label=role_label(r.key) if r.key == r.name.lower() else r.name)
                             for r in policy.known_roles]
        self.updated = format_datetime(policy.updated_at, "UTC", "short") if policy.updated_at else ""
        self.people = [PersonRow(user_id=p.user_id, username=p.username, full_name=p.full_name, enrolled=p.enrolled,
                                 required=p.required) for p in people]
        self.loading, self.load_error, self.error = False, "", ""

    @rx.event
    def toggle_role(self, role: str, checked: bool):
        roles = [r for r in self.required_roles if r != role]
        self.required_roles = roles + [str(role)] if checked else roles

    @rx.event
    def save(self):
        roles = list(self.required_roles)
        try:
            self._use_case(lambda s, actor: two_factor_service.set_policy(s, actor, roles, now=utcnow()))
        except DomainError as error:
            self.error = _(next(iter(error.fields.values()), error.message))
            return self._refused(error)
        return [rx.toast.success(_("Two-factor policy saved")), TwoFactorPolicyState.load]

    @rx.event
    def reset_person(self, user_id: int):
        """A lost phone: clear the person's second factor (a required one is set up again at their next log-in)."""
        try:
            self._use_case(lambda s, actor: two_factor_service.reset_for_user(s, actor, as_id(user_id), now=utcnow()))
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Two-factor log-in cleared")), TwoFactorPolicyState.load]
