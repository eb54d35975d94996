"""/not-allowed: shown instead of a page the person's roles do not open; says which roles would."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState


def not_allowed_page() -> rx.Component:
    return shell(
        rx.flex(
            rx.icon("shield-x", size=48, color=rx.color("red", 9)),
            rx.heading(_("You are not allowed to open this page"), size="6", as_="h1", align="center",
                       data_testid="not-allowed"),
            rx.cond(
                AuthState.denied_permission != "",
                rx.text(_("It is for people who may"), " ", rx.text.strong(AuthState.denied_permission), ".",
                        align="center"),
            ),
            rx.cond(
                AuthState.denied_roles.length() > 0,
                rx.flex(
                    rx.text(_("Roles that may"), ":"),
                    rx.foreach(AuthState.denied_roles, lambda role: rx.badge(role, size="2")),
                    spacing="2", align="center", wrap="wrap", justify="center",
                ),
            ),
            rx.text(_("If you need it for your work, ask an admin of your organization to give you one of these roles."),
                    color_scheme="gray", align="center"),
            rx.link(rx.button(rx.icon("house"), _("Go to the home page"), size="3", min_height=TOUCH),
                    href=routes.HOME, underline="none"),
            direction="column", align="center", spacing="4", padding_y="48px", max_width="560px", margin_x="auto",
        ),
    )
