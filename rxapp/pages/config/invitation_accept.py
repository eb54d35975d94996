"""/invitation?token=...: accept an invitation (username, name, password twice). Branding-neutral like the log-in
page; a link that does not work says why."""
from __future__ import annotations

import reflex as rx

from rxapp.components.ui import TOUCH, field, field_error, text_input
from rxapp.i18n import _
from rxapp.state.config.invitation_accept import InvitationAcceptState as S


def _form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.heading(_("Join"), " ", S.organization, size="6", as_="h1"),
            rx.text(_("You were invited as"), " ", rx.text.strong(S.email), ". ", _("The link works until"), " ",
                    S.expires, "."),
            field(_("Username"), text_input("username", default_value=S.suggested_username, autocomplete="username",
                                            min_height=TOUCH), S.errors.get("username", ""), html_for="username",
                  hint=_("Lower-case letters, digits, dot, dash or underscore.")),
            field(_("Full name"), text_input("full_name", default_value=S.full_name, autocomplete="name", min_height=TOUCH),
                  S.errors.get("full_name", ""), html_for="full_name"),
            field(_("Password"), text_input("password", type="password", autocomplete="new-password", min_height=TOUCH),
                  S.errors.get("password", ""), html_for="password",
                  hint=_("At least 10 characters, letters with digits or symbols.")),
            field(_("Password again"), text_input("confirm_password", type="password", autocomplete="new-password",
                                                  min_height=TOUCH), S.errors.get("confirm_password", ""),
                  html_for="confirm_password"),
            field_error(S.errors.get("form", "")),
            rx.button(_("Create my account"), type="submit", size="3", width="100%", min_height=TOUCH, loading=S.busy,
                      disabled=~S.is_hydrated, data_testid="accept-invitation"),
            direction="column", spacing="4", width="100%",
        ),
        on_submit=S.accept, reset_on_submit=False, width="100%",
    )


def invitation_accept_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.cond(S.invalid != "",
                    rx.callout.root(rx.callout.icon(rx.icon("circle-alert")), rx.callout.text(S.invalid),
                                    color_scheme="red", role="alert", data_testid="invitation-invalid"),
                    _form()),
            width="100%", max_width="460px", size="4",
        ),
        min_height="100vh", padding="16px", background=rx.color("gray", 2),
    )
