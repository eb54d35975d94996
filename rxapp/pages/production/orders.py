"""/orders: customer orders of the person's plants with search, status, customer, plant and
promised-date filters; a new order with its lines; the detail with release (dialogs in
order_dialogs)."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.shell import shell
from rxapp.components.status import STATUS_LABELS, status_badge
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    date_cell,
    list_card,
    list_states,
    page_header,
    phone_or_table,
    scroll_x,
    setup_needed,
)
from rxapp.i18n import _
from rxapp.pages.production.order_dialogs import detail_dialog, order_dialog
from rxapp.state.production.order_form import OrderFormState
from rxapp.state.production.orders import OrderDetailState, OrderRow, OrdersState

ORDER_STATUSES = ("open", "released", "done", "cancelled")


def _select(name: str, value: rx.Var, items: list[rx.Component], label: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=label, min_height=TOUCH, min_width="140px"),
        rx.select.content(*items),
        value=value, on_change=lambda v: OrdersState.set_filter(name, v), size="3",
    )


def _option_items(options: rx.Var, all_label: str) -> list[rx.Component]:
    return [rx.select.item(all_label, value="all"),
            rx.foreach(options, lambda o: rx.select.item(o.label, value=o.id))]


def _filters() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.flex(
                rx.input(rx.input.slot(rx.icon("search", size=16)), name="search", id="order-search",
                         placeholder=_("Number, reference or customer"), default_value=OrdersState.search,
                         size="3", flex="1", min_width="200px", aria_label=_("Search orders")),
                rx.input(name="promised_from", type="date", default_value=OrdersState.promised_from, size="3",
                         aria_label=_("Promised from")),
                rx.input(name="promised_to", type="date", default_value=OrdersState.promised_to, size="3",
                         aria_label=_("Promised until")),
                rx.button(_("Search"), type="submit", variant="soft", size="3", min_height=TOUCH),
                spacing="2", wrap="wrap", width="100%",
            ),
            on_submit=OrdersState.apply_filters, reset_on_submit=False, flex="1", min_width="min(100%, 320px)",
        ),
        _select("status_filter", OrdersState.status_filter,
                [rx.select.item(_("All statuses"), value="all"),
                 *[rx.select.item(STATUS_LABELS[s], value=s) for s in ORDER_STATUSES]], _("Status")),
        _select("customer_filter", OrdersState.customer_filter,
                _option_items(OrdersState.customer_options, _("All customers")), _("Customer")),
        _select("plant_filter", OrdersState.plant_filter, _option_items(OrdersState.plant_options, _("All plants")),
                _("Plant")),
        spacing="3", wrap="wrap", width="100%", margin_bottom="16px",
    )


def _row(order: OrderRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(order.number, href="#", on_click=OrderDetailState.show(order.id), weight="medium",
                              data_testid="order-number")),
        rx.table.cell(order.customer),
        rx.table.cell(order.reference),
        rx.table.cell(status_badge(order.status)),
        rx.table.cell(order.lines, text_align="right"),
        rx.table.cell(order.quantity, text_align="right"),
        date_cell(order.promised),
        rx.table.cell(rx.button(_("Open"), size="2", variant="soft", min_height=PHONE_TOUCH,
                                on_click=OrderDetailState.show(order.id))),
        data_testid="order-row",
    )


def _card(order: OrderRow) -> rx.Component:
    return list_card(rx.text(order.number, weight="bold"), status_badge(order.status),
                     rx.text(order.customer, size="2"),
                     rx.text(order.lines, " ", _("lines"), " · ", order.quantity, " · ", _("promised"), " ",
                             order.promised, size="2", color_scheme="gray"),
                     on_click=OrderDetailState.show(order.id), test_id="order-card")


def _table() -> rx.Component:
    return rx.box(
        phone_or_table(scroll_x(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                    _("Order"), _("Customer"), _("Reference"), _("Status"), _("Lines"), _("Quantity"),
                    _("Promised"), "")])),
                rx.table.body(rx.foreach(OrdersState.rows, _row)),
                variant="surface", width="100%", data_testid="orders-table",
            ),
        ), rx.foreach(OrdersState.rows, _card)),
        rx.flex(
            rx.text(OrdersState.page_label, size="2", color_scheme="gray"),
            rx.button(rx.icon("chevron-left"), _("Previous"), variant="soft", size="2", min_height=PHONE_TOUCH,
                      disabled=OrdersState.offset == 0, on_click=OrdersState.turn_page(-1)),
            rx.button(_("Next"), rx.icon("chevron-right"), variant="soft", size="2", min_height=PHONE_TOUCH,
                      disabled=OrdersState.offset + 50 >= OrdersState.total, on_click=OrdersState.turn_page(1)),
            spacing="3", align="center", justify="end", margin_top="8px",
        ),
    )


def orders_page() -> rx.Component:
    return shell(
        page_header(
            _("Orders"), _("Customer orders with their lines and promised dates."),
            rx.link(rx.button(rx.icon("file-up"), _("Import orders"), variant="soft", size="3", min_height=TOUCH),
                    href=routes.ORDER_IMPORT),
            rx.button(rx.icon("plus"), _("New order"), on_click=OrderFormState.open_create, size="3",
                      min_height=TOUCH, data_testid="new-order"),
        ),
        _filters(),
        rx.cond(OrdersState.setup.length() > 0,
                setup_needed(OrdersState.setup, _("Orders need products with routings and customers. Set up:")),
                list_states(OrdersState.loading, OrdersState.load_error, OrdersState.rows.length() == 0,
                            _("No orders match this filter."), OrdersState.load, _table())),
        order_dialog(),
        detail_dialog(),
    )

