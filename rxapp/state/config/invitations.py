"""Invitations admin: invite a person by email with roles (built-in, or the organization's own, granted at the
invited plants) and plants, see pending and past invitations, resend
(a new link) or revoke. services.config.invitations keeps the rules (MANAGE_USERS, own organization only)."""
from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _, format_datetime
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.org.user_grants import Choice
from rxapp.state.org.users import PlantChoice
from rxapp.state.trace.labels import role_label
from services.config import invitations as invitation_service
from services.core.access import Permission, require
from services.core.errors import DomainError
from services.org import plants as plant_service
from services.org import roles


@dataclass
class InvitationRow:
    id: int = 0
    email: str = ""
    full_name: str = ""
    roles: list[str] = field(default_factory=list)
    status: str = ""
    expires: str = ""
    sent: str = ""
    send_count: int = 0


def _load(session, actor):
    require(actor, Permission.MANAGE_USERS)
    return (invitation_service.list_invitations(session, actor, now=utcnow()),
            plant_service.list_plants(session, actor, include_inactive=False), roles.list_roles(session, actor))


class InvitationsState(AuthState):
    rows: list[InvitationRow] = []
    plant_choices: list[PlantChoice] = []
    own_role_choices: list[Choice] = []     # the organization's own roles (granted at the invited plants)
    loading: bool = True
    load_error: str = ""
    form_roles: list[str] = []
    form_plants: list[int] = []
    form_errors: dict[str, str] = {}
    form_busy: bool = False
    last_link: str = ""                 # the link just mailed, for the admin to pass on another way

    @rx.event
    def load(self):
        try:
            rows, plants, all_roles = self._use_case(_load)
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        self.plant_choices = [PlantChoice(id=p.id, label=f"{p.code} · {p.name}") for p in plants]
        self.own_role_choices = [Choice(r.key, r.name) for r in all_roles if not r.builtin]
        names = {r.key: r.name for r in all_roles if not r.builtin}
        self.rows = [InvitationRow(id=r.id, email=r.email, full_name=r.full_name,
                                   roles=[names.get(x) or role_label(x) for x in r.roles],
                                   status=r.status, expires=format_datetime(r.expires_at, "UTC", "short"),
                                   sent=format_datetime(r.sent_at, "UTC", "short"), send_count=r.send_count)
                     for r in rows]
        self.loading, self.load_error = False, ""

    @rx.event
    def toggle_role(self, role: str, checked: bool):
        roles = [r for r in self.form_roles if r != role]
        self.form_roles = roles + [str(role)] if checked else roles

    @rx.event
    def toggle_plant(self, plant_id: int, checked: bool):
        plants = [p for p in self.form_plants if p != as_id(plant_id)]
        self.form_plants = plants + [as_id(plant_id)] if checked else plants

    @rx.event
    def invite(self, form: dict):
        days = str(form.get("valid_days", "")).strip()
        try:
            data = invitation_service.InvitationCreate(
                email=str(form.get("email", ""))[:254], full_name=str(form.get("full_name", ""))[:200],
                roles=list(self.form_roles), plant_ids=list(self.form_plants),
                valid_days=int(days) if days.isdigit() else invitation_service.DEFAULT_VALID_DAYS,
                language=str(form.get("language", "") or "").strip() or None)
            sent = self._use_case(invitation_service.invite, data, now=utcnow())
        except DomainError as error:
            self.form_errors = {k: _(v) for k, v in error.fields.items()}
            return self._refused(error)
        self.form_errors, self.form_roles, self.form_plants, self.last_link = {}, [], [], sent.link
        return [rx.set_value("email", ""), rx.set_value("full_name", ""),
                rx.toast.success(_("Invitation sent to {email}").format(email=sent.invitation.email)),
                InvitationsState.load]

    @rx.event
    def resend(self, invitation_id: int):
        try:
            sent = self._use_case(invitation_service.resend, as_id(invitation_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self.last_link = sent.link
        return [rx.toast.success(_("Invitation sent to {email}").format(email=sent.invitation.email)),
                InvitationsState.load]

    @rx.event
    def revoke(self, invitation_id: int):
        try:
            self._use_case(invitation_service.revoke, as_id(invitation_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Invitation revoked")), InvitationsState.load]
