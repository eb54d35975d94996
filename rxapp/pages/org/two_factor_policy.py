"""/admin/two-factor: the roles whose people must log in with a code from an authenticator app (checkboxes)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import PHONE_TOUCH, TOUCH, field_error, page_header
from rxapp.i18n import _
from rxapp.state.org.two_factor_policy import RoleOption, TwoFactorPolicyState


def _role_box(role: RoleOption) -> rx.Component:
    return rx.el.label(
        rx.flex(
            rx.checkbox(checked=TwoFactorPolicyState.required_roles.contains(role.key), size="3",
                        on_change=lambda checked: TwoFactorPolicyState.toggle_role(role.key, checked),
                        data_testid="require-" + role.key),
            rx.text(role.label), align="center", spacing="2", min_height=PHONE_TOUCH,
        ),
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
    )
