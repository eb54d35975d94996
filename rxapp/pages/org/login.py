"""/login: username and password, nothing else. Branding-neutral (no organization is known yet),
big inputs, one column that fits a 390 px phone."""
from __future__ import annotations

import reflex as rx

from rxapp.components.ui import TOUCH
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState


def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
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
            ),
            width="100%", max_width="420px", size="4",
        ),
        min_height="100vh", padding="16px", background=rx.color("gray", 2),
    )
