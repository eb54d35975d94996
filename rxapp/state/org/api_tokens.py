"""API tokens admin: list (last use, expiry), create (plant, name, kind, expiry) showing the raw token once, revoke.
services.org.api_tokens keeps the rules (admins only, plants of the organization, hash-only storage)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import reflex as rx

from models.auth import ApiTokenKind
from models.base import utcnow
from rxapp.i18n import _, format_datetime
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.trace.labels import TOKEN_KIND_LABELS
from services.core.access import Permission, require
from services.core.errors import DomainError
from services.org import api_tokens as token_service
from services.org import plants as plant_service

KIND_CHOICES = [(k.value, TOKEN_KIND_LABELS.get(k.value, k.value)) for k in ApiTokenKind]
NEVER = "never"
EXPIRY_CHOICES = [(NEVER, _("Never (until revoked)")), ("30", _("In 30 days")), ("90", _("In 90 days")),
                  ("365", _("In a year"))]


@dataclass
class TokenRow:
    id: int = 0
    name: str = ""
    kind: str = ""
    plant: str = ""
    prefix: str = ""
    created: str = ""
    last_used: str = ""
    expires: str = ""
    expired: bool = False
    revoked: bool = False
    revoked_at: str = ""


@dataclass
class PlantOption:
    value: str = ""
    label: str = ""


def _load(session, actor):
    require(actor, Permission.MANAGE_API_TOKENS)
    return (token_service.list_api_tokens(session, actor),
            plant_service.list_plants(session, actor, include_inactive=True))


class ApiTokensState(AuthState):
    rows: list[TokenRow] = []
    plant_options: list[PlantOption] = []
    loading: bool = True
    load_error: str = ""

    form_open: bool = False
    form_plant: str = ""
    form_kind: str = ApiTokenKind.MACHINE.value
    form_expiry: str = NEVER              # days from now, or never
    form_errors: dict[str, str] = {}
    new_token: str = ""                 # the raw token, shown once right after creation
    new_token_name: str = ""

    @rx.event
    def enter(self):
        """on_load: a token shown earlier is not shown again."""
        self.form_open, self.new_token, self.new_token_name = False, "", ""
        return ApiTokensState.load

    @rx.event
    def load(self):
        try:
            tokens, plants = self._use_case(_load)
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        zones = {p.id: p.timezone for p in plants}
        codes = {p.id: p.code for p in plants}
        self.plant_options = [PlantOption(value=str(p.id), label=f"{p.code} · {p.name}") for p in plants if p.is_active]
        now = utcnow()
        self.rows = [TokenRow(
            id=t.id, name=t.name, kind=TOKEN_KIND_LABELS.get(t.kind, t.kind), plant=codes.get(t.plant_id, "?"),
            prefix=t.token_prefix + "…", created=format_datetime(t.created_at, zones.get(t.plant_id, "UTC"), "short"),
            last_used=format_datetime(t.last_used_at, zones.get(t.plant_id, "UTC"), "short") or _("never"),
            expires=format_datetime(t.expires_at, zones.get(t.plant_id, "UTC"), "short") or _("never"),
            expired=t.expires_at is not None and t.expires_at <= now, revoked=t.revoked_at is not None,
            revoked_at=format_datetime(t.revoked_at, zones.get(t.plant_id, "UTC"), "short")) for t in tokens]
        self.loading, self.load_error = False, ""

    @rx.event
    def open_create(self):
        self.form_plant = self.plant_options[0].value if self.plant_options else ""
        self.form_kind, self.form_errors, self.new_token, self.new_token_name = ApiTokenKind.MACHINE.value, {}, "", ""
        self.form_expiry = NEVER
        self.form_open = True

    @rx.event
    def set_form_open(self, is_open: bool):
        self.form_open = bool(is_open)
        if not is_open:
            self.new_token = ""             # once the dialog closes, the raw token is gone for good

    @rx.event
    def set_form_plant(self, value: str):
        self.form_plant = str(value)

    @rx.event
    def set_form_kind(self, value: str):
        self.form_kind = str(value)

    @rx.event
    def set_form_expiry(self, value: str):
        self.form_expiry = str(value) if str(value) in dict(EXPIRY_CHOICES) else NEVER

    @rx.event
    def create(self, form: dict):
        days = 0 if self.form_expiry == NEVER else as_id(self.form_expiry)
        data = token_service.ApiTokenCreate(plant_id=as_id(self.form_plant), name=str(form.get("name", "")),
                                            kind=self.form_kind,
                                            expires_at=utcnow() + timedelta(days=days) if days > 0 else None)
        try:
            created = self._use_case(token_service.create_api_token, data, now=utcnow())
        except DomainError as error:
            self.form_errors = {k: _(v) for k, v in error.fields.items()}
            return self._refused(error)
        self.form_errors, self.new_token, self.new_token_name = {}, created.token, created.name
        return ApiTokensState.load

    @rx.event
    def copy_token(self):
        return [rx.set_clipboard(self.new_token), rx.toast.success(_("Token copied."))]

    @rx.event
    def revoke(self, token_id: int):
        try:
            token = self._use_case(token_service.revoke_api_token, as_id(token_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Revoked") + f": {token.name}"), ApiTokensState.load]
