"""/account: who you are, changing your password (current, new, confirm) with field errors, and two-factor log-in."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, field, page_header, text_input
from rxapp.i18n import _
from rxapp.pages.org.two_factor_card import two_factor_card
from rxapp.state.org.account import AccountState
from rxapp.state.org.auth import AuthState


def _password(name: str, label: str, autocomplete: str) -> rx.Component:
    return field(label, text_input(name, type="password", autocomplete=autocomplete, min_height=TOUCH),
                 AccountState.password_errors.get(name, ""), html_for=name)


def account_page() -> rx.Component:
    return shell(
        page_header(_("Account"), _("Your log-in, password and two-factor log-in.")),
        rx.card(
            rx.data_list.root(
                rx.data_list.item(rx.data_list.label(_("Username")), rx.data_list.value(AuthState.username)),
                rx.data_list.item(rx.data_list.label(_("Name")), rx.data_list.value(AuthState.full_name)),
                rx.data_list.item(rx.data_list.label(_("Organization")), rx.data_list.value(AuthState.organization_name)),
                rx.data_list.item(rx.data_list.label(_("Roles")),
                                  rx.data_list.value(AuthState.role_names.join(", "))),
                orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
            ),
            width="100%", max_width="560px",
        ),
        rx.card(
            rx.form(
                rx.flex(
                    rx.heading(_("Change password"), size="4", as_="h2"),
                    rx.text(_("Use at least 10 characters, mixing letters with digits or symbols. "
                              "Your other sessions end when you change it."), size="2", color_scheme="gray"),
                    rx.el.input(type="text", name="username", value=AuthState.username, auto_complete="username",
                                read_only=True, hidden=True),
                    _password("current_password", _("Current password"), "current-password"),
                    _password("new_password", _("New password"), "new-password"),
                    _password("confirm_password", _("New password again"), "new-password"),
                    rx.cond(AccountState.password_done,
                            rx.callout.root(rx.callout.text(_("Your password has been changed.")),
                                            color_scheme="green", role="status")),
                    rx.button(_("Change password"), type="submit", size="3", min_height=TOUCH,
                              loading=AccountState.password_busy),
                    direction="column", spacing="4",
                ),
                on_submit=AccountState.change_password, reset_on_submit=False,
            ),
            width="100%", max_width="560px", margin_top="16px",
        ),
        two_factor_card(),
    )
