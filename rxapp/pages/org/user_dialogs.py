"""The dialogs of /admin/users: create or edit a user (organization-wide roles and plants as checkboxes; when
editing, any role at a plant or department: pages/org/user_grants.py), and reset a password. Field errors come
from services.org.users and services.org.role_grants."""
from __future__ import annotations

import reflex as rx

from rxapp.components.second_name import second_name_fields
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    dialog,
    field,
    field_error,
    form_buttons,
    text_input,
)
from rxapp.i18n import _
from rxapp.pages.org.user_grants import grants_section
from rxapp.state.org.users import ROLE_CHOICES, PlantChoice, UsersState

_errors = UsersState.form_errors


def _role_box(value: str, label: str) -> rx.Component:
    return rx.el.label(
        rx.flex(
            rx.checkbox(checked=UsersState.form_roles.contains(value), size="3",
                        on_change=lambda checked: UsersState.toggle_role(value, checked),
                        data_testid=f"role-{value}"),
            rx.text(label), align="center", spacing="2", min_height=PHONE_TOUCH,
        ),
    )


def _plant_box(plant: PlantChoice) -> rx.Component:
    return rx.el.label(
        rx.flex(
            rx.checkbox(checked=UsersState.form_plants.contains(plant.id), size="3",
                        on_change=lambda checked: UsersState.toggle_plant(plant.id, checked)),
            rx.text(plant.label), align="center", spacing="2", min_height=PHONE_TOUCH,
        ),
    )


def _fieldset(legend: str, *children: rx.Component, error: rx.Var) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(rx.text(legend, size="2", weight="medium")),
        rx.grid(*children, columns=rx.breakpoints(initial="1", xs="2", sm="3"), spacing_x="3", width="100%"),
        field_error(error),
        border="none", padding="0", margin="0",
    )


def _user_form() -> rx.Component:
    creating = UsersState.form_mode == "create"
    return rx.form(
        rx.flex(
            rx.cond(
                creating,
                field(_("Username"), text_input("username", autocomplete="off", data_testid="new-username"),
                      _errors.get("username", ""), hint=_("Lower-case letters, digits, dot, dash or underscore."),
                      html_for="username"),
                rx.text(_("Username"), ": ", rx.text.strong(UsersState.form_username)),
            ),
            field(_("Full name"), text_input("full_name", default_value=UsersState.form_full_name),
                  _errors.get("full_name", ""), html_for="full_name"),
            second_name_fields(_errors, UsersState.form_full_name2, UsersState.form_full_name2_language,
                               name_key="full_name2", language_key="full_name2_language"),
            field(_("Email"), text_input("email", type="email", default_value=UsersState.form_email),
                  _errors.get("email", ""), html_for="email"),
            rx.cond(
                creating,
                field(_("Password"), text_input("password", type="password", autocomplete="new-password"),
                      _errors.get("password", ""), hint=_("At least 10 characters, letters with digits or symbols."),
                      html_for="password"),
            ),
            _fieldset(_("Roles"), *[_role_box(v, label) for v, label in ROLE_CHOICES], error=_errors.get("roles", "")),
            _fieldset(_("Plant access"), rx.foreach(UsersState.plant_choices, _plant_box),
                      error=_errors.get("plant_ids", "")),
            rx.cond(~creating, grants_section()),
            form_buttons(rx.cond(creating, _("Create user"), _("Save changes")),
                         UsersState.set_form_open(False), UsersState.form_busy),
            direction="column", spacing="3",
        ),
        on_submit=UsersState.save_user, reset_on_submit=False,
    )


def user_dialog() -> rx.Component:
    return dialog(
        rx.cond(UsersState.form_mode == "create", _("New user"), _("Edit user")),
        _user_form(), open=UsersState.form_open, on_open_change=UsersState.set_form_open,
    )


def reset_dialog() -> rx.Component:
    return dialog(
        _("Reset password"),
        rx.form(
            rx.flex(
                rx.text(_("Set a new password for"), " ", rx.text.strong(UsersState.reset_username), ". ",
                        _("Their sessions end; tell them the new password in person.")),
                field(_("New password"), text_input("new_password", type="password", autocomplete="new-password",
                                                    min_height=TOUCH),
                      UsersState.reset_errors.get("new_password", ""), html_for="new_password"),
                form_buttons(_("Set password"), UsersState.set_reset_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=UsersState.reset_password, reset_on_submit=False,
        ),
        open=UsersState.reset_open, on_open_change=UsersState.set_reset_open,
    )
