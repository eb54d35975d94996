"""/admin/invitations: invite a person by email with roles (built-in or the organization's own) and plants (the link
goes out through the outbox and is shown once here too), and the invitations with their status, resend and
revoke."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import PHONE_TOUCH, field, field_error, list_states, page_header, scroll_x, text_input
from rxapp.i18n import LANGUAGE_NAMES, _
from rxapp.state.config.invitations import InvitationRow, InvitationsState
from rxapp.state.org.user_grants import Choice
from rxapp.state.org.users import ROLE_CHOICES, PlantChoice

_errors = InvitationsState.form_errors
_STATUS_COLORS = {"pending": "blue", "accepted": "green", "revoked": "gray", "expired": "amber"}


def _box(checked, on_change, label, testid: str = "") -> rx.Component:
    return rx.el.label(rx.flex(rx.checkbox(checked=checked, size="3", on_change=on_change, data_testid=testid, aria_label=label),
                               rx.text(label), align="center", spacing="2", min_height=PHONE_TOUCH))


def _role_box(value: str, label: str) -> rx.Component:
    return _box(InvitationsState.form_roles.contains(value),
                lambda checked: InvitationsState.toggle_role(value, checked), label, f"invite-role-{value}")


def _own_role_box(role: Choice) -> rx.Component:
    return _box(InvitationsState.form_roles.contains(role.value),
                lambda checked: InvitationsState.toggle_role(role.value, checked), role.label, "invite-own-role")


def _plant_box(plant: PlantChoice) -> rx.Component:
    return _box(InvitationsState.form_plants.contains(plant.id),
                lambda checked: InvitationsState.toggle_plant(plant.id, checked), plant.label)


def _group(legend: str, *children, error) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(rx.text(legend, size="2", weight="medium")),
        rx.grid(*children, columns=rx.breakpoints(initial="1", xs="2", sm="3"), spacing_x="3", width="100%"),
        field_error(error), border="none", padding="0", margin="0",
    )


def _form() -> rx.Component:
    return rx.card(rx.form(
        rx.flex(
            rx.heading(_("Invite a person"), size="4", as_="h2"),
            field(_("Email"), text_input("email", type="email", data_testid="invite-email"), _errors.get("email", ""),
                  html_for="email"),
            field(_("Full name"), text_input("full_name"), _errors.get("full_name", ""), html_for="full_name"),
            _group(_("Roles"), *[_role_box(v, label) for v, label in ROLE_CHOICES],
                   rx.foreach(InvitationsState.own_role_choices, _own_role_box), error=_errors.get("roles", "")),
            rx.cond(InvitationsState.own_role_choices.length() > 0,
                    rx.text(_("Roles of your own are granted at each plant chosen below."), size="1",
                            color_scheme="gray")),
            _group(_("Plant access"), rx.foreach(InvitationsState.plant_choices, _plant_box),
                   error=_errors.get("plant_ids", "")),
            field(_("Link valid for (days)"), text_input("valid_days", type="number", default_value="7"),
                  _errors.get("valid_days", ""), html_for="valid_days"),
            field(_("Language of the email and the account"),
                  select_control("language", [("", _("The organization's default")), *LANGUAGE_NAMES.items()],
                                 default_value="", data_testid="invite-language"),
                  _errors.get("language", ""), html_for="language"),
            rx.button(_("Send invitation"), type="submit", size="3", min_height=PHONE_TOUCH, width="fit-content",
                      data_testid="send-invitation"),
            rx.cond(InvitationsState.last_link != "",
                    rx.callout.root(rx.callout.text(_("Sent. The link, if you need to pass it on another way:")),
                                    rx.code(InvitationsState.last_link, word_break="break-all", data_testid="invitation-link"),
                                    color_scheme="green", role="status")),
            direction="column", spacing="3",
        ),
        on_submit=InvitationsState.invite, reset_on_submit=False,
    ), width="100%", max_width="720px")


def _row(row: InvitationRow) -> rx.Component:
    pending = row.status == "pending"
    return rx.table.row(
        rx.table.cell(rx.text(row.email, weight="medium"), rx.text(row.full_name, size="1", color_scheme="gray")),
        rx.table.cell(row.roles.join(", ")),
        rx.table.cell(rx.badge(row.status, color_scheme=rx.match(row.status, *_STATUS_COLORS.items(), "gray"))),
        rx.table.cell(rx.text(row.expires, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.sent, size="2", white_space="nowrap"), " (", row.send_count, ")"),
        rx.table.cell(rx.flex(
            rx.cond(row.status != "accepted",
                    rx.cond(row.status != "revoked",
                            rx.button(_("Resend"), size="2", variant="soft", min_height=PHONE_TOUCH,
                                      on_click=InvitationsState.resend(row.id)))),
            rx.cond(pending, rx.button(_("Revoke"), size="2", variant="soft", color_scheme="red", min_height=PHONE_TOUCH,
                                       on_click=InvitationsState.revoke(row.id))),
            spacing="2")),
        data_testid="invitation-row",
    )


def invitations_page() -> rx.Component:
    return shell(
        page_header(_("Invitations"), _("The invitee opens the link, chooses a username and password and is logged "
                                        "in. A link works once, until it expires; resending makes a new one.")),
        _form(),
        rx.box(list_states(
            InvitationsState.loading, InvitationsState.load_error, InvitationsState.rows.length() == 0,
            _("No invitations yet."), InvitationsState.load,
            scroll_x(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                    _("Email"), _("Roles"), _("Status"), _("Expires (UTC)"), _("Sent (UTC)"), "")])),
                rx.table.body(rx.foreach(InvitationsState.rows, _row)),
                variant="surface", width="100%",
            )),
        ), margin_top="16px"),
    )
