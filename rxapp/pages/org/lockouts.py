"""/admin/lockouts: accounts held up by failed log-ins, per (username, address), and a button to clear one.
The owner logging in from another address is never held up (services/org/auth.py); times in UTC."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import PHONE_TOUCH, list_states, page_header, scroll_x
from rxapp.i18n import _
from rxapp.state.org.lockouts import LockoutRow, LockoutsState


def _row(lockout: LockoutRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(lockout.username, weight="medium")),
        rx.table.cell(rx.code(lockout.address, variant="ghost")),
        rx.table.cell(lockout.failures),
        rx.table.cell(rx.text(lockout.last_failure, size="2", white_space="nowrap")),
        rx.table.cell(rx.cond(
            lockout.blocked_until != "",
            rx.badge(_("Held up until"), " ", lockout.blocked_until, color_scheme="red"),
            rx.badge(_("Counting"), color_scheme="gray"),
        )),
        rx.table.cell(rx.button(_("Clear"), size="2", variant="soft", min_height=PHONE_TOUCH,
                                on_click=LockoutsState.clear(lockout.username, lockout.ip))),
        data_testid="lockout-row",
    )


def lockouts_page() -> rx.Component:
    return shell(
        page_header(_("Log-in lockouts"),
                    _("Failed log-ins per person and address in the last 15 minutes (UTC). Clearing lets them "
                      "try again at once."),
                    rx.button(rx.icon("refresh-cw", size=16), _("Refresh"), on_click=LockoutsState.load,
                              variant="soft", size="3", min_height=PHONE_TOUCH)),
        list_states(
            LockoutsState.loading, LockoutsState.load_error, LockoutsState.rows.length() == 0,
            _("Nobody is held up by failed log-ins."), LockoutsState.load,
            scroll_x(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                    _("User"), _("Address"), _("Failures"), _("Last failure"), _("Status"), "")])),
                rx.table.body(rx.foreach(LockoutsState.rows, _row)),
                variant="surface", width="100%",
            )),
        ),
    )
