"""/notifications: my notifications, newest first (open one to go where it points, mark read, mark
all read), and my choices per kind: in the app, by email."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, list_states, page_header
from rxapp.i18n import _
from rxapp.state.config.notifications import NoteRow, NotificationsState, PrefRow

S = NotificationsState


def _note(n: NoteRow) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.cond(n.is_read, rx.icon("bell", size=20, color=rx.color("gray", 9)),
                    rx.icon("bell-dot", size=20, color=rx.color("accent", 10))),
            rx.box(
                rx.flex(rx.text(n.title, weight=rx.cond(n.is_read, "regular", "bold")),
                        rx.badge(n.kind, variant="soft", size="1"), spacing="2", align="center", wrap="wrap"),
                rx.cond(n.body != "", rx.text(n.body, size="2", color_scheme="gray", white_space="pre-wrap")),
                rx.text(n.at, size="1", color_scheme="gray"),
                flex="1", min_width="0",
            ),
            rx.flex(
                rx.cond(n.link != "", rx.button(_("Open"), size="2", variant="soft", on_click=S.open_item(n.id),
                                                min_height=TOUCH)),
                rx.cond(~n.is_read, rx.button(_("Mark read"), size="2", variant="ghost", on_click=S.mark_read(n.id),
                                              min_height=TOUCH)),
                direction="column", spacing="1",
            ),
            spacing="3", align="start",
        ),
        width="100%", data_testid="notification",
    )


def _pref(p: PrefRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(p.label),
        rx.table.cell(rx.switch(checked=p.in_app, on_change=lambda v: S.set_preference(p.kind, "in_app", v),
                                aria_label=_("In the app"))),
        rx.table.cell(rx.switch(checked=p.email, on_change=lambda v: S.set_preference(p.kind, "email", v),
                                aria_label=_("By email"))),
    )


def notifications_page() -> rx.Component:
    return shell(
        page_header(_("Notifications"), _("What needs your attention, newest first."),
                    rx.button(rx.icon("check-check", size=16), _("Mark all read"), variant="soft",
                              on_click=S.mark_all_read, min_height=TOUCH, data_testid="mark-all-read")),
        rx.el.label(rx.flex(rx.checkbox(checked=S.unread_only, on_change=S.set_unread_only, aria_label=_("Unread only")),
                            rx.text(_("Unread only"), size="2"), spacing="2", align="center"), margin_bottom="12px"),
        list_states(S.loading, S.load_error, S.items.length() == 0, _("Nothing here. You are up to date."), S.load,
                    rx.flex(rx.foreach(S.items, _note), direction="column", spacing="2", width="100%")),
        rx.heading(_("How you are told"), size="4", margin_top="32px", margin_bottom="8px"),
        rx.table.root(
            rx.table.header(rx.table.row(rx.table.column_header_cell(_("Kind")),
                                         rx.table.column_header_cell(_("In the app")),
                                         rx.table.column_header_cell(_("By email")))),
            rx.table.body(rx.foreach(S.prefs, _pref)),
            variant="surface", size="2",
        ),
    )
