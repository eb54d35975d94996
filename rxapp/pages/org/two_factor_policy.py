"""/admin/two-factor: the roles whose people must log in with a code from an authenticator app (checkboxes), and
the organization's people with their second factor on or off, required or not, and clearing a lost phone's."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import PHONE_TOUCH, TOUCH, field_error, list_states, page_header, scroll_x
from rxapp.i18n import _
from rxapp.state.org.two_factor_policy import PersonRow, RoleOption, TwoFactorPolicyState


def _role_box(role: RoleOption) -> rx.Component:
    return rx.el.label(
        rx.flex(
            rx.checkbox(checked=TwoFactorPolicyState.required_roles.contains(role.key), size="3",
                        on_change=lambda checked: TwoFactorPolicyState.toggle_role(role.key, checked),
                        data_testid="require-" + role.key, aria_label=role.label),
            rx.text(role.label), align="center", spacing="2", min_height=PHONE_TOUCH,
        ),
    )


def _person(person: PersonRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(person.username, weight="medium"), rx.text(person.full_name, size="1", color_scheme="gray")),
        rx.table.cell(rx.cond(person.enrolled, rx.badge(_("On"), color_scheme="green"), rx.badge(_("Off"), color_scheme="gray"))),
        rx.table.cell(rx.cond(person.required, rx.badge(_("Required"), color_scheme="amber"), "")),
        rx.table.cell(rx.cond(person.enrolled, rx.button(
            _("Clear (lost phone)"), size="2", variant="soft", color_scheme="red", min_height=PHONE_TOUCH,
            on_click=TwoFactorPolicyState.reset_person(person.user_id)))),
        data_testid="two-factor-person",
    )


def two_factor_policy_page() -> rx.Component:
    return shell(
        page_header(_("Two-factor log-in"),
                    _("People of the roles ticked here log in with their password and a code from an authenticator "
                      "app; those without one set it up at their next log-in. API tokens are not affected.")),
        rx.card(
            rx.flex(
                rx.el.fieldset(
                    rx.el.legend(rx.text(_("Required for"), size="2", weight="medium")),
                    rx.grid(rx.foreach(TwoFactorPolicyState.role_options, _role_box),
                            columns=rx.breakpoints(initial="1", xs="2", sm="3"), spacing_x="3", width="100%"),
                    field_error(TwoFactorPolicyState.error),
                    border="none", padding="0", margin="0",
                ),
                rx.cond(TwoFactorPolicyState.updated != "",
                        rx.text(_("Last changed"), " ", TwoFactorPolicyState.updated, size="2", color_scheme="gray")),
                rx.button(_("Save"), size="3", min_height=TOUCH, width="fit-content", on_click=TwoFactorPolicyState.save,
                          data_testid="save-two-factor-policy"),
                direction="column", spacing="4",
            ),
            width="100%", max_width="720px",
        ),
        rx.box(list_states(
            TwoFactorPolicyState.loading, TwoFactorPolicyState.load_error, TwoFactorPolicyState.people.length() == 0,
            _("No active people."), TwoFactorPolicyState.load,
            scroll_x(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                    _("User"), _("Two-factor log-in"), _("Policy"), "")])),
                rx.table.body(rx.foreach(TwoFactorPolicyState.people, _person)),
                variant="surface", width="100%",
            )),
        ), margin_top="16px"),
    )
