"""The account page's two-factor card: a person turns their authenticator on (QR code, first code, recovery
codes shown once), makes new recovery codes or turns it off with their password. services.org.two_factor keeps
the rules (own account only; not off while the organization's policy requires it)."""
from __future__ import annotations

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState
from services.core.errors import DomainError, Invalid
from services.org import two_factor as two_factor_service


class TwoFactorState(AuthState):
    enrolled: bool = False
    required: bool = False
    codes_left: int = 0
    setup_secret: str = ""              # a set-up in progress: the key and its QR code
    setup_qr: str = ""
    new_codes: list[str] = []           # recovery codes just made: shown this once
    errors: dict[str, str] = {}
    busy: bool = False

    @rx.event
    def load(self):
        try:
            status = self._use_case(two_factor_service.status)
        except DomainError as error:
            return self._refused(error, quiet=True)
        self.enrolled, self.required, self.codes_left = status.enrolled, status.required, status.recovery_codes_left
        self.setup_secret = self.setup_qr = ""
        self.new_codes, self.errors = [], {}

    @rx.event
    def begin(self):
        try:
            enrolment = self._use_case(lambda s, actor: two_factor_service.begin_enrolment(s, actor, now=utcnow()))
        except DomainError as error:
            return self._refused(error)
        self.setup_secret, self.setup_qr, self.errors, self.new_codes = enrolment.secret, enrolment.qr_svg_data_url, {}, []

    @rx.event
    def cancel(self):
        self.setup_secret = self.setup_qr = ""
        self.errors = {}

    @rx.event
    def confirm(self, form: dict):
        code = str(form.get("setup_code", ""))
        try:
            codes = self._use_case(lambda s, actor: two_factor_service.confirm_enrolment(s, actor, code, now=utcnow()))
        except Invalid as error:
            self.errors = {"setup_code": _(error.fields.get("code", error.message))}
            return
        except DomainError as error:
            return self._refused(error)
        self.enrolled, self.codes_left, self.new_codes = True, len(codes), codes
        self.setup_secret = self.setup_qr = ""
        self.errors = {}
        return rx.toast.success(_("Two-factor log-in is on."))

    @rx.event
    async def renew_codes(self, form: dict):
        password = str(form.get("renew_password", ""))
        self.busy = True
        yield
        try:
            codes = await self._use_case_slow(lambda s, actor: two_factor_service.regenerate_recovery_codes(
                s, actor, password, now=utcnow()))
        except Invalid as error:
            self.errors = {"renew_password": _(error.fields.get("password", error.message))}
            return
        except DomainError as error:
            for event in self._refused(error):
                yield event
            return
        finally:
            self.busy = False
        self.new_codes, self.codes_left, self.errors = codes, len(codes), {}
        yield rx.set_value("renew_password", "")

    @rx.event
    async def turn_off(self, form: dict):
        password = str(form.get("off_password", ""))
        self.busy = True
        yield
        try:
            await self._use_case_slow(lambda s, actor: two_factor_service.disable(s, actor, password, now=utcnow()))
        except Invalid as error:
            self.errors = {"off_password": _(error.fields.get("password", error.message))}
            return
        except DomainError as error:
            for event in self._refused(error):
                yield event
            return
        finally:
            self.busy = False
        self.enrolled, self.codes_left, self.new_codes, self.errors = False, 0, [], {}
        yield rx.set_value("off_password", "")
        yield rx.toast.success(_("Two-factor log-in is off."))
