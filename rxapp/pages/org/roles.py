"""/admin/roles: the permission matrix (a row per permission with the sentence saying what it allows, a
column per role, a switch per cell), a form for a new role, and the roles granted per plant and department."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import PHONE_TOUCH, list_states, page_header, scroll_x
from rxapp.i18n import _, pgettext
from rxapp.state.org.roles import GrantRow, MatrixCell, MatrixRow, RoleColumn, RolesState


def _column(role: RoleColumn) -> rx.Component:
    return rx.table.column_header_cell(rx.flex(
        rx.text(role.name, size="2", weight="medium"),
        rx.cond(role.builtin, rx.badge(_("built-in"), variant="soft", size="1"),
                rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red",
                               aria_label=_("Delete role"), on_click=RolesState.delete_role(role.id))),
        direction="column", align="center", spacing="1"))


def _cell(permission: str, cell: MatrixCell) -> rx.Component:
    return rx.table.cell(rx.switch(checked=cell.allowed, aria_label=permission,
                                   on_change=lambda on: RolesState.toggle(cell.role_id, permission, on)),
                         text_align="center")


def _row(row: MatrixRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.flex(rx.code(row.key, variant="ghost"), rx.text(row.sentence, size="1", color_scheme="gray"),
                                         direction="column", max_width="320px")),
        rx.foreach(row.cells, lambda cell: _cell(row.key, cell)),
        data_testid="permission-row",
    )


def _new_role() -> rx.Component:
    return rx.flex(
        rx.flex(rx.input(placeholder=_("New role, e.g. Line lead Berlin"), value=RolesState.new_name,
                         on_change=RolesState.set_new_name, aria_label=_("Role name"), min_height=PHONE_TOUCH),
                rx.cond(RolesState.new_errors.contains("name"), rx.text(RolesState.new_errors["name"], color_scheme="red",
                                                                        size="1")),
                direction="column"),
        rx.input(placeholder=_("What it is for"), value=RolesState.new_description,
                 on_change=RolesState.set_new_description, aria_label=_("Description"), min_height=PHONE_TOUCH),
        rx.button(rx.icon("plus", size=16), _("Add role"), on_click=RolesState.create_role, min_height=PHONE_TOUCH),
        spacing="2", wrap="wrap", align="start",
    )


def _pick(name: str, choices, label: str, value) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=label, aria_label=label, min_height=PHONE_TOUCH),
        rx.select.content(rx.foreach(choices, lambda c: rx.select.item(c.label, value=c.value))),
        value=value, on_change=lambda v: RolesState.set_grant_field(name, v))


def _grant_row(grant: GrantRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(grant.username), rx.table.cell(grant.role), rx.table.cell(rx.code(grant.place, variant="ghost")),
        rx.table.cell(rx.button(pgettext("role grant", "Take back"), size="1", variant="soft", color_scheme="red",
                                on_click=RolesState.revoke(grant.id))),
        data_testid="grant-row",
    )


def _grants() -> rx.Component:
    errors = rx.foreach(RolesState.grant_errors.values(), lambda e: rx.text(e, color_scheme="red", size="1"))
    return rx.flex(
        rx.heading(_("Roles per plant and department"), size="4"),
        rx.text(_("A role granted at a plant holds there only. Bound to a department, its holder sees only that "
                  "department's maintenance tickets, rejects and NCRs (unless another role of theirs is not bound)."),
                size="2", color_scheme="gray"),
        rx.flex(_pick("grant_user", RolesState.user_choices, _("Person"), RolesState.grant_user),
                _pick("grant_role", RolesState.role_choices, _("Role"), RolesState.grant_role),
                _pick("grant_plant", RolesState.plant_choices, _("Plant"), RolesState.grant_plant),
                _pick("grant_department", RolesState.department_choices, _("Department (optional)"),
                      RolesState.grant_department),
                rx.button(_("Grant"), on_click=RolesState.grant, min_height=PHONE_TOUCH), spacing="2", wrap="wrap"),
        errors,
        scroll_x(rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                _("Person"), _("Role"), _("Plant / department"), "")])),
            rx.table.body(rx.foreach(RolesState.grants, _grant_row)), variant="surface", width="100%")),
        direction="column", spacing="3",
    )


def roles_page() -> rx.Component:
    return shell(
        page_header(_("Roles and permissions"),
                    _("Which role may do what. A change holds from each holder's next action; every change is in the "
                      "audit log.")),
        list_states(
            RolesState.loading, RolesState.load_error, RolesState.columns.length() == 0,
            _("No roles yet."), RolesState.load,
            rx.flex(
                _new_role(),
                scroll_x(rx.table.root(
                    rx.table.header(rx.table.row(rx.table.column_header_cell(_("Permission")),
                                                 rx.foreach(RolesState.columns, _column))),
                    rx.table.body(rx.foreach(RolesState.matrix, _row)), variant="surface", size="1")),
                _grants(),
                direction="column", spacing="5",
            ),
        ),
    )

