"""The "Roles at plants" part of the edit-user dialog (/admin/users): the person's grants, each with a button
to take it back, and a row to grant any role (built-in or custom) at a plant, optionally for one department.
Changes apply at once (rxapp/state/org/user_grants.py)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.ui import PHONE_TOUCH, TOUCH, field_error
from rxapp.i18n import _, pgettext
from rxapp.state.org.user_grants import GrantRow, UserGrantsState

_errors = UserGrantsState.errors


def _grant(row: GrantRow) -> rx.Component:
    return rx.flex(
        rx.text(rx.text.strong(row.role), " @ ", row.plant, rx.cond(row.department != "", " / " + row.department, "")),
        rx.button(pgettext("role grant", "Take back"), size="2", variant="soft", color_scheme="red", min_height=PHONE_TOUCH,
                  on_click=UserGrantsState.revoke(row.id), data_testid="revoke-grant"),
        justify="between", align="center", spacing="2", wrap="wrap", data_testid="user-grant",
    )


def _select(label: str, value, choices, on_change, testid: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=label, aria_label=label, min_height=TOUCH, data_testid=testid),
        rx.select.content(rx.foreach(choices, lambda c: rx.select.item(c.label, value=c.value))),
        value=value, on_change=on_change, size="3",
    )


def grants_section() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(rx.text(_("Roles at plants"), size="2", weight="medium")),
        rx.text(_("Any role, built-in or your own, for one plant and optionally one department. Applies at once."),
                size="1", color_scheme="gray"),
        rx.flex(
            rx.foreach(UserGrantsState.grants, _grant),
            rx.cond(UserGrantsState.grants.length() == 0,
                    rx.text(_("No roles at plants yet."), size="2", color_scheme="gray")),
            direction="column", spacing="2", margin_y="8px",
        ),
        rx.flex(
            _select(_("Role"), UserGrantsState.role_id, UserGrantsState.role_choices, UserGrantsState.set_role,
                    "grant-role"),
            _select(_("Plant"), UserGrantsState.plant_id, UserGrantsState.plant_choices, UserGrantsState.set_plant,
                    "grant-plant"),
            _select(_("Department"), UserGrantsState.department_id, UserGrantsState.department_choices,
                    UserGrantsState.set_department, "grant-department"),
            rx.button(_("Grant"), type="button", size="3", variant="soft", min_height=TOUCH,
                      on_click=UserGrantsState.grant, data_testid="grant-role-button"),
            spacing="2", wrap="wrap", align="center",
        ),
        field_error(_errors.get("role_id", "")),
        field_error(_errors.get("plant_id", "")),
        field_error(_errors.get("department_id", "")),
        border="none", padding="0", margin="0",
    )
