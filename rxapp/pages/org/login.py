"""/login: username and password; then, for a person with two-factor log-in, the code of their authenticator
app (or a recovery code), or, when their role requires it and they have none yet, its set-up (QR code, secret,
first code) and the recovery codes shown once. Branding-neutral (no organization is known yet), big inputs,
one column that fits a 390 px phone."""
from __future__ import annotations

import reflex as rx

from rxapp.components.ui import TOUCH
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState


def _code_input() -> rx.Component:
    return rx.box(
        rx.el.label(rx.text(_("Code"), weight="medium"), html_for="code"),
        rx.input(id="code", name="code", auto_complete="one-time-code", input_mode="numeric", auto_capitalize="none",
                 spell_check=False, size="3", width="100%", min_height=TOUCH, auto_focus=True, margin_top="4px",
                 required=True, data_testid="code-input"),
        rx.cond(AuthState.code_error != "",
                rx.text(AuthState.code_error, color_scheme="red", size="2", role="alert", data_testid="code-error")),
        width="100%",
    )


def _submit(label: str) -> rx.Component:
    return rx.button(label, type="submit", size="3", width="100%", min_height=TOUCH, loading=AuthState.login_busy,
                     disabled=~AuthState.is_hydrated, color_scheme="gray", high_contrast=True)


def _back() -> rx.Component:
    return rx.button(_("Back"), type="button", variant="ghost", size="3", min_height=TOUCH,
                     on_click=AuthState.restart_login)


def _code_step() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.heading(_("Two-factor log-in"), size="5", as_="h1"),
            rx.text(_("Enter the 6-digit code your authenticator app shows for Takt, or one of your recovery codes."),
                    color_scheme="gray"),
            _code_input(), _submit(_("Log in")), _back(),
            direction="column", spacing="4", width="100%",
        ),
        on_submit=AuthState.submit_code, reset_on_submit=False, width="100%",
    )


def _enrol_step() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.heading(_("Set up two-factor log-in"), size="5", as_="h1"),
            rx.text(_("Your organization requires a second factor for your role. Scan this QR code with an "
                      "authenticator app, or type the key, then enter the code it shows."), color_scheme="gray"),
            rx.center(rx.image(src=AuthState.enrol_qr, alt=_("QR code for your authenticator app"), width="200px",
                               height="200px"), width="100%"),
            rx.text(_("Key"), size="2", weight="medium"),
            rx.code(AuthState.enrol_secret, size="3", data_testid="totp-secret", word_break="break-all"),
            _code_input(), _submit(_("Turn on and log in")), _back(),
            direction="column", spacing="4", width="100%",
        ),
        on_submit=AuthState.confirm_enrolment, reset_on_submit=False, width="100%",
    )


def _codes_step() -> rx.Component:
    return rx.flex(
        rx.heading(_("Your recovery codes"), size="5", as_="h1"),
        rx.text(_("Each code logs you in once when your phone is not at hand. Keep them somewhere safe: "
                  "they are shown only now."), color_scheme="gray"),
        rx.grid(rx.foreach(AuthState.recovery_codes, lambda code: rx.code(code, size="3")), columns="2", spacing="2",
                data_testid="recovery-codes"),
        rx.button(_("I have kept them: continue"), size="3", width="100%", min_height=TOUCH,
                  on_click=AuthState.leave_recovery_codes, data_testid="recovery-codes-done"),
        direction="column", spacing="4", width="100%",
    )


def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.match(
                AuthState.login_step,
                ("code", _code_step()),
                ("enrol", _enrol_step()),
                ("codes", _codes_step()),
                _password_step(),
            ),
            width="100%", max_width="420px", size="4",
        ),
        min_height="100vh", padding="16px", background=rx.color("gray", 2),
    )


def _password_step() -> rx.Component:
    return rx.form(
                rx.flex(
                    rx.flex(
                        rx.icon("factory", size=28),
                        rx.heading("Takt", size="7", as_="h1"),
                        align="center", spacing="2",
                    ),
                    rx.text(_("Log in to continue."), color_scheme="gray"),
                    rx.box(
                        rx.el.label(rx.text(_("Username"), weight="medium"), html_for="username"),
                        rx.input(id="username", name="username", auto_complete="username", auto_capitalize="none",
                                 spell_check=False, size="3", width="100%", min_height=TOUCH, auto_focus=True,
                                 margin_top="4px", required=True),
                        width="100%",
                    ),
                    rx.box(
                        rx.el.label(rx.text(_("Password"), weight="medium"), html_for="password"),
                        rx.input(id="password", name="password", type="password", auto_complete="current-password",
                                 size="3", width="100%", min_height=TOUCH, margin_top="4px", required=True),
                        width="100%",
                    ),
                    rx.cond(
                        AuthState.login_error != "",
                        rx.callout.root(
                            rx.callout.icon(rx.icon("circle-alert")),
                            rx.callout.text(AuthState.login_error),
                            color_scheme="red", role="alert", width="100%", data_testid="login-error",
                        ),
                    ),
                    # Disabled until the page is connected: a form sent before that would go to the
                    # server as a plain HTML form, with the password in the address.
                    rx.button(_("Log in"), type="submit", size="3", width="100%", min_height=TOUCH,
                              loading=AuthState.login_busy, disabled=~AuthState.is_hydrated,
                              color_scheme="gray", high_contrast=True),
                    direction="column", spacing="4", width="100%",
                ),
                on_submit=AuthState.login,
                reset_on_submit=False,
                method="post",
                width="100%",
            )
