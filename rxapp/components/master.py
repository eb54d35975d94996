"""Building blocks of the master-data pages: the list toolbar (search, status, export, new),
simple tables, selects and activate/deactivate buttons. Pure functions of vars."""
from __future__ import annotations

import reflex as rx

from rxapp.components.ui import PHONE_TOUCH, TOUCH, active_badge, field
from rxapp.i18n import _
from rxapp.state.master.common import STATUS_OPTIONS


def select_control(name: str, options: list[tuple[str, str]] | rx.Var, *, value=None, default_value=None,
                   on_change=None, placeholder: str = "", **props) -> rx.Component:
    """A native <select> (works in forms and with keyboards); `options` are (value, label) pairs, or a
    state list of `Option`s."""
    if isinstance(options, rx.Var):
        children = [rx.foreach(options, lambda o: rx.el.option(o.label, value=o.value))]
    else:
        children = [rx.el.option(label, value=val) for val, label in options]
    if placeholder:
        children.insert(0, rx.el.option(placeholder, value=""))
    extra = {"value": value} if value is not None else {"default_value": default_value}
    return rx.el.select(*children, name=name, id=props.pop("id", name), on_change=on_change,
                        style={"width": "100%", "min_height": "40px", "padding": "6px 8px", "border_radius": "6px",
                               "border": f"1px solid {rx.color('gray', 7)}", "background": rx.color("gray", 1)},
                        **extra, **props)


def list_toolbar(state, new_label: str = "", *filters: rx.Component, search_hint: str = "") -> rx.Component:
    """Search box, extra filters, status filter, CSV/Excel download and the "new" button."""
    return rx.flex(
        rx.input(placeholder=search_hint or _("Search code or name"), value=state.search, on_change=state.set_search,
                 debounce_timeout=300, size="3", min_width="220px", flex="1", aria_label=_("Search"),
                 data_testid="search"),
        *filters,
        rx.box(select_control("status", STATUS_OPTIONS, value=state.status, on_change=state.set_status,
                              aria_label=_("Status")), width="140px"),
        rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=state.export("csv"), min_height=TOUCH),
        rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", on_click=state.export("xlsx"), min_height=TOUCH),
        rx.button(rx.icon("plus"), new_label, on_click=state.open_new, size="3", min_height=TOUCH)
        if new_label else rx.fragment(),
        spacing="2", wrap="wrap", align="center", width="100%", margin_bottom="12px",
    )


def table(headers: list[str], body: rx.Component, **props) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(body),
            variant="surface", size="2", width="100%", **props,
        ),
        width="100%", overflow_x="auto", class_name="takt-scroll-x", tab_index=0,
    )


def active_toggle(is_active: rx.Var, on_deactivate, on_activate) -> rx.Component:
    return rx.cond(
        is_active,
        rx.button(_("Deactivate"), size="2", variant="ghost", color_scheme="red", min_height=PHONE_TOUCH,
                  on_click=on_deactivate),
        rx.button(_("Reactivate"), size="2", variant="ghost", color_scheme="green", min_height=PHONE_TOUCH,
                  on_click=on_activate),
    )


def row_actions(*buttons: rx.Component) -> rx.Component:
    return rx.table.cell(rx.flex(*buttons, spacing="1", wrap="wrap"))


def edit_button(on_click) -> rx.Component:
    return rx.button(_("Edit"), size="2", variant="ghost", min_height=PHONE_TOUCH, on_click=on_click)


def status_cell(is_active: rx.Var) -> rx.Component:
    return rx.table.cell(active_badge(is_active))


def form_field(label: str, control: rx.Component, errors: rx.Var, key: str, hint: str = "") -> rx.Component:
    return field(label, control, errors.get(key, ""), hint=hint, html_for=key)
