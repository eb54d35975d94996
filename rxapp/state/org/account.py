"""The account page: a person changes their own password (their other sessions end)."""
from __future__ import annotations

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState
from services.core.errors import DomainError, Invalid
from services.org import auth as auth_service


class AccountState(AuthState):
    password_errors: dict[str, str] = {}
    password_busy: bool = False
    password_done: bool = False

    @rx.event
    def open(self):
        self.password_errors, self.password_done = {}, False

    @rx.event
    async def change_password(self, form: dict):
        current, new, confirm = (str(form.get(k, "")) for k in ("current_password", "new_password", "confirm_password"))
        self.password_done = False
        if new != confirm:
            self.password_errors = {"confirm_password": _("The two new passwords differ.")}
            return
        keep = self.token
        self.password_busy = True
        yield
        try:
            await self._use_case_slow(lambda s, actor: auth_service.change_password(
                s, actor, current, new, now=utcnow(), keep_token=keep))
        except Invalid as error:
            self.password_errors = {k: _(v) for k, v in error.fields.items()} or {"new_password": _(error.message)}
            return
        except DomainError as error:
            for event in self._refused(error):
                yield event
            return
        finally:
            self.password_busy = False
        self.password_errors, self.password_done = {}, True
        self.password_change_required = False
        self.demo_users = [name for name in self.demo_users if name != self.username]
        for name in ("current_password", "new_password", "confirm_password"):
            yield rx.set_value(name, "")
        yield rx.toast.success(_("Password changed. Your other sessions have ended."))
