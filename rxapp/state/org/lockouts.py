"""Log-in lockouts admin: who is held up by failed log-ins from which address, and clearing a pair.
services.org.lockouts keeps the rules (MANAGE_USERS, own organization only, clearing audited)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _, format_datetime
from rxapp.state.org.auth import AuthState
from services.core.errors import DomainError
from services.org import lockouts as lockout_service


@dataclass
class LockoutRow:
    username: str = ""
    ip: str = ""                 # "" when the address is unknown
    address: str = ""            # what the page shows for it
    failures: int = 0
    last_failure: str = ""
    blocked_until: str = ""      # "" when counted but not held up (yet)


class LockoutsState(AuthState):
    rows: list[LockoutRow] = []
    loading: bool = True
    load_error: str = ""

    @rx.event
    def load(self):
        try:
            lockouts = self._use_case(lambda s, actor: lockout_service.list_lockouts(s, actor, now=utcnow()))
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        self.rows = [LockoutRow(
            username=lockout.username, ip=lockout.ip or "", address=lockout.ip or _("unknown address"),
            failures=lockout.failures, last_failure=format_datetime(lockout.last_failure_at, "UTC", "short"),
            blocked_until=format_datetime(lockout.blocked_until, "UTC", "short") if lockout.blocked_until else "",
        ) for lockout in lockouts]
        self.loading, self.load_error = False, ""

    @rx.event
    def clear(self, username: str, ip: str):
        try:
            self._use_case(lambda s, actor: lockout_service.clear_lockout(
                s, actor, str(username), str(ip) or None, now=utcnow()))
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Cleared: {username}").format(username=username)), LockoutsState.load]
