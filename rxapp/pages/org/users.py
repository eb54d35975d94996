"""/admin/users: the organization's people, with search and an active/inactive filter; create,
edit roles and plants, deactivate or activate, reset a password (dialogs in admin_user_dialogs)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    active_badge,
    list_states,
    page_header,
    scroll_x,
)
from rxapp.i18n import _
from rxapp.pages.org.user_dialogs import reset_dialog, user_dialog
from rxapp.state.org.users import LIST_LIMIT, UserRow, UsersState


def _filters() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.flex(
                rx.input(rx.input.slot(rx.icon("search", size=16)), name="search", id="user-search",
                         placeholder=_("Search name, username or email"), default_value=UsersState.search,
                         size="3", flex="1", min_width="0", min_height=PHONE_TOUCH,
                         aria_label=_("Search users")),
                rx.button(_("Search"), type="submit", variant="soft", size="3", min_height=TOUCH),
                spacing="2", width="100%",
            ),
            on_submit=UsersState.apply_search, reset_on_submit=False, flex="1", min_width="min(100%, 280px)",
        ),
        rx.select.root(
            rx.select.trigger(aria_label=_("Status"), min_height=TOUCH),
            rx.select.content(
                rx.select.item(_("Active"), value="active"),
                rx.select.item(_("Inactive"), value="inactive"),
                rx.select.item(_("All"), value="all"),
            ),
            value=UsersState.status, on_change=UsersState.set_status, size="3",
        ),
        spacing="3", wrap="wrap", width="100%", margin_bottom="16px",
    )


def _actions(user: UserRow) -> rx.Component:
    return rx.flex(
        rx.button(_("Edit"), size="2", variant="soft", min_height=PHONE_TOUCH, on_click=UsersState.open_edit(user.id),
                  data_testid="edit-user"),
        rx.button(_("Reset password"), size="2", variant="soft", min_height=PHONE_TOUCH, color_scheme="gray",
                  on_click=UsersState.open_reset(user.id, user.username)),
        rx.cond(
            user.is_active,
            rx.button(_("Deactivate"), size="2", variant="soft", min_height=PHONE_TOUCH, color_scheme="red",
                      on_click=UsersState.set_active(user.id, False)),
            rx.button(_("Activate"), size="2", variant="soft", min_height=PHONE_TOUCH, color_scheme="green",
                      on_click=UsersState.set_active(user.id, True)),
        ),
        spacing="2", wrap="wrap",
    )


def _row(user: UserRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(user.username, weight="medium"), rx.text(user.email, size="1", color_scheme="gray")),
        rx.table.cell(user.full_name),
        rx.table.cell(rx.flex(rx.foreach(user.roles, lambda r: rx.badge(r, variant="soft")), spacing="1", wrap="wrap")),
        rx.table.cell(rx.flex(rx.foreach(user.plants, lambda p: rx.badge(p, color_scheme="gray")), spacing="1",
                              wrap="wrap")),
        rx.table.cell(active_badge(user.is_active)),
        rx.table.cell(rx.text(user.last_login, size="2", white_space="nowrap")),
        rx.table.cell(_actions(user)),
        data_testid="user-row",
    )


def _card(user: UserRow) -> rx.Component:
    """A user on a phone: the same facts as a table row, stacked."""
    return rx.card(
        rx.flex(rx.text(user.username, weight="bold"), active_badge(user.is_active), justify="between",
                align="center", spacing="2"),
        rx.text(user.full_name, " ", rx.text(user.email, as_="span", size="1", color_scheme="gray")),
        rx.flex(rx.foreach(user.roles, lambda r: rx.badge(r, variant="soft")),
                rx.foreach(user.plants, lambda p: rx.badge(p, color_scheme="gray")), spacing="1", wrap="wrap",
                margin_y="8px"),
        rx.text(_("Last log-in"), ": ", user.last_login, size="1", color_scheme="gray", margin_bottom="8px"),
        _actions(user),
        width="100%", data_testid="user-card",
    )


def _table() -> rx.Component:
    return rx.box(
        rx.flex(rx.foreach(UsersState.rows, _card), direction="column", spacing="3", display=["flex", "flex", "none"]),
        rx.box(scroll_x(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                    _("Username"), _("Name"), _("Roles"), _("Plants"), _("Status"), _("Last log-in"), _("Actions"))])),
                rx.table.body(rx.foreach(UsersState.rows, _row)),
                variant="surface", width="100%", data_testid="users-table",
            ),
        ), display=["none", "none", "block"]),
        rx.cond(UsersState.truncated,
                rx.text(_("Showing the first {n} users. Search to narrow the list.").format(n=LIST_LIMIT),
                        size="2", color_scheme="gray", margin_top="8px")),
    )


def users_page() -> rx.Component:
    return shell(
        page_header(
            _("Users"), _("People of your organization, their roles and plants."),
            rx.button(rx.icon("user-plus"), _("New user"), on_click=UsersState.open_create, size="3",
                      min_height=TOUCH, data_testid="new-user"),
        ),
        _filters(),
        list_states(UsersState.loading, UsersState.load_error, UsersState.rows.length() == 0,
                    _("No users match this filter."), UsersState.load, _table()),
        user_dialog(),
        reset_dialog(),
    )
