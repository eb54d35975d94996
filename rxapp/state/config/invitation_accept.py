"""/invitation?token=...: the invitee reads the invitation, chooses username, name and password, and is logged
in; when their role requires two-factor log-in, the log-in page takes them through its set-up first
(AuthState's second-factor steps). services.config.invitations checks the link (once, unexpired, not revoked)."""
from __future__ import annotations

import asyncio

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _, set_language
from rxapp.state.org.auth import AuthState
from services.config import invitations as invitation_service
from services.core import formats
from services.core.db import db_session, transaction
from services.core.errors import DomainError
from services.core.languages import choose as choose_language
from services.org import auth as auth_service


class InvitationAcceptState(AuthState):
    organization: str = ""
    email: str = ""
    full_name: str = ""
    suggested_username: str = ""
    expires: str = ""
    invalid: str = ""                   # why the link does not work ("" while it does)
    errors: dict[str, str] = {}
    busy: bool = False
    _invitation_token: str = ""

    @rx.event
    def open(self):
        """on_load: the invitation of the link's token."""
        token = self.router.url.query_parameters.get("token", "") if self.router and self.router.url else ""
        return self.show(str(token))

    def show(self, token: str) -> None:
        self._invitation_token, self.errors = str(token)[:200], {}
        try:
            with db_session() as session, transaction(session):
                preview = invitation_service.preview(session, self._invitation_token, now=utcnow())
        except DomainError as error:
            self.invalid = _(error.message)
            return
        self.invalid = ""
        if preview.language:                # the language chosen for them (else their organization's)
            self.lang = choose_language(preview.language, "", self._browser_language())
            set_language(self.lang)
        self.organization, self.email, self.full_name = preview.organization_name, preview.email, preview.full_name
        self.suggested_username, self.expires = preview.suggested_username, formats.moment(
            preview.expires_at, "UTC", fmt="short") + " UTC"

    @rx.event
    async def accept(self, form: dict):
        if str(form.get("password", "")) != str(form.get("confirm_password", "")):
            self.errors = {"confirm_password": _("The two passwords differ.")}
            return
        data = invitation_service.InvitationAccept(username=str(form.get("username", ""))[:64],
                                                   full_name=str(form.get("full_name", ""))[:200],
                                                   password=str(form.get("password", ""))[:256])
        token, ip = self._invitation_token, self._client_ip()

        def run():
            with db_session() as session, transaction(session):
                result = invitation_service.accept(session, token, data, now=utcnow(), ip=ip)
                if isinstance(result, auth_service.SecondFactorChallenge):
                    return result, auth_service.challenge_enrolment(session, result.challenge, now=utcnow())
                return result, None
        self.busy, self.errors = True, {}
        yield
        try:
            result, enrolment = await asyncio.to_thread(run)
        except DomainError as error:
            self.errors = {k: _(v) for k, v in error.fields.items()} or {"form": _(error.message)}
            return
        finally:
            self.busy = False
        if isinstance(result, auth_service.SecondFactorChallenge):
            self._ask_second_factor(result, enrolment)
            yield rx.redirect(routes.LOGIN)
            return
        yield self._signed_in(result.token)
