"""The account page's two-factor card (rxapp/state/org/two_factor.py): off -> set up with a QR code and a first
code; on -> recovery codes left, new ones or turning it off with the password; new recovery codes shown once."""
from __future__ import annotations

import reflex as rx

from rxapp.components.ui import TOUCH, field, text_input
from rxapp.i18n import _
from rxapp.state.org.two_factor import TwoFactorState


def _password_form(name: str, label: str, on_submit, color: str = "gray") -> rx.Component:
    return rx.form(
        rx.flex(
            field(_("Password"), text_input(name, type="password", autocomplete="current-password",
                                            min_height=TOUCH), TwoFactorState.errors.get(name, ""),
                  html_for=name),
            rx.button(label, type="submit", size="3", min_height=TOUCH, variant="soft", color_scheme=color,
                      loading=TwoFactorState.busy),
            direction="column", spacing="3",
        ),
        on_submit=on_submit, reset_on_submit=False,
    )


def _setup() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.text(_("Scan the QR code with an authenticator app (or type the key), then enter the code it shows."),
                    size="2"),
            rx.image(src=TwoFactorState.setup_qr, alt=_("QR code for your authenticator app"), width="200px",
                     height="200px"),
            rx.code(TwoFactorState.setup_secret, size="3", data_testid="account-totp-secret", word_break="break-all"),
            field(_("Code"), text_input("setup_code", autocomplete="one-time-code", min_height=TOUCH),
                  TwoFactorState.errors.get("setup_code", ""), html_for="setup_code"),
            rx.flex(
                rx.button(_("Turn on"), type="submit", size="3", min_height=TOUCH),
                rx.button(_("Cancel"), type="button", variant="soft", color_scheme="gray", size="3", min_height=TOUCH,
                          on_click=TwoFactorState.cancel),
                spacing="3",
            ),
            direction="column", spacing="3",
        ),
        on_submit=TwoFactorState.confirm, reset_on_submit=True,
    )


def _new_codes() -> rx.Component:
    return rx.callout.root(
        rx.callout.text(_("Your recovery codes: each logs you in once when your phone is not at hand. Keep them "
                          "somewhere safe: they are shown only now.")),
        rx.grid(rx.foreach(TwoFactorState.new_codes, lambda code: rx.code(code, size="3")), columns="2", spacing="2",
                data_testid="account-recovery-codes"),
        color_scheme="amber", role="status",
    )


def two_factor_card() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.heading(_("Two-factor log-in"), size="4", as_="h2"),
            rx.cond(
                TwoFactorState.enrolled,
                rx.flex(
                    rx.badge(_("On"), color_scheme="green", size="2", width="fit-content"),
                    rx.text(_("Recovery codes left:"), " ", TwoFactorState.codes_left, size="2"),
                    rx.cond(TwoFactorState.new_codes.length() > 0, _new_codes()),
                    _password_form("renew_password", _("Make new recovery codes"), TwoFactorState.renew_codes),
                    rx.cond(TwoFactorState.required,
                            rx.text(_("Your organization requires it for your role: it stays on."), size="2",
                                    color_scheme="gray"),
                            _password_form("off_password", _("Turn off"), TwoFactorState.turn_off, "red")),
                    direction="column", spacing="3",
                ),
                rx.cond(
                    TwoFactorState.setup_secret != "",
                    _setup(),
                    rx.flex(
                        rx.text(_("After your password, Takt asks for a code from an app on your phone."), size="2",
                                color_scheme="gray"),
                        rx.button(_("Set up two-factor log-in"), size="3", min_height=TOUCH, width="fit-content",
                                  on_click=TwoFactorState.begin, data_testid="two-factor-setup"),
                        direction="column", spacing="3",
                    ),
                ),
            ),
            direction="column", spacing="3",
        ),
        width="100%", max_width="560px", margin_top="16px",
    )
