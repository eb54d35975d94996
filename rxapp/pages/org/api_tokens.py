"""/admin/api-tokens: tokens for machine gateways, scanning stations and wall displays, each for one
plant, optionally expiring. A new token is shown once, with a copy button; revoked and expired tokens stop
working at once. The list shows when each was last used."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    dialog,
    field,
    form_buttons,
    list_states,
    page_header,
    scroll_x,
    text_input,
)
from rxapp.i18n import _
from rxapp.state.org.api_tokens import EXPIRY_CHOICES, KIND_CHOICES, ApiTokensState, TokenRow


def _row(token: TokenRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(token.name, weight="medium")),
        rx.table.cell(token.kind),
        rx.table.cell(rx.badge(token.plant, color_scheme="gray")),
        rx.table.cell(rx.code(token.prefix, variant="ghost")),
        rx.table.cell(rx.text(token.created, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(token.last_used, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(token.expires, size="2", white_space="nowrap")),
        rx.table.cell(rx.cond(
            token.revoked,
            rx.badge(_("Revoked"), " ", token.revoked_at, color_scheme="gray"),
            rx.cond(
                token.expired,
                rx.badge(_("Expired"), color_scheme="gray", data_testid="token-expired"),
                rx.button(_("Revoke"), size="2", variant="soft", min_height=PHONE_TOUCH, color_scheme="red",
                          on_click=ApiTokensState.revoke(token.id)),
            ),
        )),
        data_testid="token-row",
    )


def _dropdown(value, on_change, options, test_id: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", min_height=TOUCH, data_testid=test_id),
        rx.select.content(options),
        value=value, on_change=on_change, size="3",
    )


def _create_form() -> rx.Component:
    errors = ApiTokensState.form_errors
    return rx.form(
        rx.flex(
            field(_("Plant"), _dropdown(ApiTokensState.form_plant, ApiTokensState.set_form_plant,
                                      rx.foreach(ApiTokensState.plant_options,
                                                 lambda p: rx.select.item(p.label, value=p.value)), "token-plant"),
                  errors.get("plant_id", "")),
            field(_("Name"), text_input("name", placeholder=_("e.g. Lathe 3 gateway")), errors.get("name", ""),
                  html_for="name"),
            field(_("Kind"), _dropdown(ApiTokensState.form_kind, ApiTokensState.set_form_kind,
                                     [rx.select.item(label, value=value) for value, label in KIND_CHOICES],
                                     "token-kind"),
                  errors.get("kind", "")),
            field(_("Expires"), _dropdown(ApiTokensState.form_expiry, ApiTokensState.set_form_expiry,
                                        [rx.select.item(label, value=value) for value, label in EXPIRY_CHOICES],
                                        "token-expiry"),
                  errors.get("expires_at", "")),
            form_buttons(_("Create token"), ApiTokensState.set_form_open(False)),
            direction="column", spacing="3",
        ),
        on_submit=ApiTokensState.create, reset_on_submit=False,
    )


def _created() -> rx.Component:
    return rx.flex(
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.callout.text(_("Copy this token now. It is shown only once; Takt keeps only a fingerprint of it.")),
            color_scheme="amber", width="100%",
        ),
        rx.text(ApiTokensState.new_token_name, weight="bold"),
        rx.code(ApiTokensState.new_token, size="3", word_break="break-all", data_testid="new-token"),
        rx.flex(
            rx.button(rx.icon("copy", size=16), _("Copy"), on_click=ApiTokensState.copy_token, size="3",
                      min_height=TOUCH),
            rx.button(_("Done"), variant="soft", color_scheme="gray", size="3", min_height=TOUCH,
                      on_click=ApiTokensState.set_form_open(False)),
            spacing="3", justify="end",
        ),
        direction="column", spacing="3",
    )


def api_tokens_page() -> rx.Component:
    return shell(
        page_header(
            _("API tokens"), _("Tokens let machines, scanning stations and wall displays talk to Takt."),
            rx.button(rx.icon("plus"), _("New token"), on_click=ApiTokensState.open_create, size="3",
                      min_height=TOUCH),
        ),
        list_states(
            ApiTokensState.loading, ApiTokensState.load_error, ApiTokensState.rows.length() == 0,
            _("No API tokens yet."), ApiTokensState.load,
            scroll_x(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                    _("Name"), _("Kind"), _("Plant"), _("Token"), _("Created"), _("Last used"), _("Expires"), _("Status"))])),
                rx.table.body(rx.foreach(ApiTokensState.rows, _row)),
                variant="surface", width="100%",
            )),
        ),
        dialog(rx.cond(ApiTokensState.new_token != "", _("Your new token"), _("New API token")),
               rx.cond(ApiTokensState.new_token != "", _created(), _create_form()),
               open=ApiTokensState.form_open, on_open_change=ApiTokensState.set_form_open),
    )
