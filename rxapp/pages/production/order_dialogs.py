"""The dialogs of /orders: create or edit an order with its lines, and an order's detail (lines,
work orders with progress, status history) with release, edit and cancel."""
from __future__ import annotations

import reflex as rx

from rxapp.components.status import progress_cell, status_badge
from rxapp.components.ui import PHONE_TOUCH, TOUCH, date_cell, dialog, field, field_error, scroll_x
from rxapp.i18n import _
from rxapp.state.production.order_form import LineDraft, OrderFormState
from rxapp.state.production.orders import (
    HistoryRow,
    LineRow,
    OrderDetailState,
    WorkOrderRow,
)

F = OrderFormState


def _options_select(value: rx.Var, options: rx.Var, on_change, label: str, **props) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=_("Choose…"), aria_label=label, width="100%", min_height=TOUCH),
        rx.select.content(rx.foreach(options, lambda o: rx.select.item(o.label, value=o.id))),
        value=value, on_change=on_change, size="3", **props,
    )


def _line(d: LineDraft) -> rx.Component:
    return rx.box(
        rx.grid(
            _options_select(d.product_id, F.product_options, lambda v: F.set_line(d.key, "product_id", v),
                            _("Product")),
            rx.input(value=d.quantity, on_change=lambda v: F.set_line(d.key, "quantity", v), placeholder=_("Quantity"),
                     input_mode="numeric", size="3", aria_label=_("Quantity")),
            rx.input(value=d.promised, on_change=lambda v: F.set_line(d.key, "promised", v), type="date", size="3",
                     aria_label=_("Promised date")),
            rx.input(value=d.price, on_change=lambda v: F.set_line(d.key, "price", v), placeholder=_("Unit price"),
                     input_mode="decimal", size="3", aria_label=_("Unit price")),
            rx.icon_button(rx.icon("trash-2"), variant="soft", color_scheme="red", size="3", type="button",
                           on_click=F.remove_line(d.key), aria_label=_("Remove line"), min_height=TOUCH),
            columns=rx.breakpoints(initial="1", sm="5"), spacing="2", width="100%",
            grid_template_columns=rx.breakpoints(initial="1fr", sm="3fr 1fr 1.4fr 1fr auto"),
        ),
        field_error(d.error),
        padding_y="6px", border_bottom=f"1px solid {rx.color('gray', 4)}", data_testid="order-line-draft",
    )


def _order_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.cond(F.mode == "create",
                    rx.grid(
                        field(_("Plant"), _options_select(F.plant_id, F.plant_options,
                                                          lambda v: F.set_field("plant_id", v), _("Plant")),
                              F.errors.get("plant_id", "")),
                        field(_("Customer"), _options_select(F.customer_id, F.customer_options,
                                                             lambda v: F.set_field("customer_id", v), _("Customer")),
                              F.errors.get("customer_id", "")),
                        columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"),
                    rx.text(_("Order"), " ", rx.text.strong(F.number))),
            rx.grid(
                field(_("Customer reference"), rx.input(value=F.reference, on_change=lambda v: F.set_field("reference", v),
                                                        size="3", id="customer_reference"),
                      F.errors.get("customer_reference", ""), html_for="customer_reference"),
                field(_("Note"), rx.input(value=F.note, on_change=lambda v: F.set_field("note", v), size="3", id="note"),
                      F.errors.get("note", ""), html_for="note"),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"),
            rx.text(_("Lines"), size="2", weight="medium"),
            rx.box(rx.foreach(F.drafts, _line), width="100%"),
            field_error(F.errors.get("lines", "")),
            rx.button(rx.icon("plus"), _("Add line"), type="button", variant="soft", on_click=F.add_line,
                      min_height=TOUCH, data_testid="add-line"),
            rx.flex(
                rx.button(_("Cancel"), type="button", variant="soft", color_scheme="gray",
                          on_click=F.set_form_open(False), min_height=TOUCH),
                rx.button(rx.cond(F.mode == "create", _("Create order"), _("Save changes")), type="submit",
                          loading=F.busy, min_height=TOUCH, data_testid="save-order"),
                spacing="3", justify="end", wrap="wrap"),
            direction="column", spacing="3", width="100%",
        ),
        on_submit=lambda _form: F.save(), reset_on_submit=False,
    )


def order_dialog() -> rx.Component:
    return dialog(rx.cond(F.mode == "create", _("New order"), _("Edit order")), _order_form(),
                  open=F.form_open, on_open_change=F.set_form_open, max_width="900px")


D = OrderDetailState


def _line_row(line: LineRow) -> rx.Component:
    return rx.table.row(rx.table.cell(line.line_no), rx.table.cell(line.product),
                        rx.table.cell(line.quantity, text_align="right"), date_cell(line.promised),
                        rx.table.cell(line.price, text_align="right"), rx.table.cell(line.amount, text_align="right"))


def _wo_row(wo: WorkOrderRow) -> rx.Component:
    return rx.table.row(rx.table.cell(wo.number, rx.cond(wo.parent != "", rx.text(_("for"), " ", wo.parent, size="1",
                                                                                      color_scheme="gray"))),
                        rx.table.cell(wo.product), rx.table.cell(status_badge(wo.status)),
                        rx.table.cell(progress_cell(wo.percent, wo.good, wo.scrap, wo.quantity)),
                        data_testid="order-work-order")


def _history_row(h: HistoryRow) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.text(h.at, white_space="nowrap")), rx.table.cell(h.change),
                        rx.table.cell(h.user), rx.table.cell(h.reason))


def _table(headers: list[str], rows: rx.Var, render) -> rx.Component:
    return scroll_x(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, render)), variant="surface", size="1", width="100%"))


def _actions() -> rx.Component:
    return rx.flex(
        rx.cond(D.can_release, rx.button(rx.icon("play"), _("Release"), on_click=D.release, min_height=TOUCH,
                                         data_testid="release-order")),
        rx.cond(D.can_edit, rx.button(_("Change lines"), variant="soft", min_height=TOUCH,
                                      on_click=[D.set_detail_open(False), F.open_edit(D.order_id)])),
        rx.cond(D.can_cancel, rx.form(
            rx.flex(rx.input(name="reason", placeholder=_("Reason for cancelling"), size="3", aria_label=_("Reason")),
                    rx.button(_("Cancel order"), type="submit", color_scheme="red", variant="soft", min_height=TOUCH),
                    spacing="2"),
            on_submit=D.cancel, reset_on_submit=True)),
        spacing="3", wrap="wrap", align="center",
    )


def _detail() -> rx.Component:
    return rx.flex(
        rx.flex(status_badge(D.status), rx.text(D.customer, weight="medium"),
                rx.cond(D.reference != "", rx.text(_("Reference"), ": ", D.reference, color_scheme="gray")),
                rx.text(D.plant, color_scheme="gray"), spacing="3", wrap="wrap", align="center"),
        rx.cond(D.note != "", rx.text(D.note, size="2")),
        _actions(),
        rx.heading(_("Lines"), size="3"),
        _table([_("Line"), _("Product"), _("Quantity"), _("Promised"), _("Unit price"), _("Amount")], D.lines, _line_row),
        rx.cond(D.work_orders.length() > 0, rx.fragment(
            rx.heading(_("Work orders"), size="3"),
            _table([_("Work order"), _("Product"), _("Status"), _("Progress")], D.work_orders, _wo_row))),
        rx.heading(_("History"), size="3"),
        _table([_("When"), _("Change"), _("Who"), _("Reason")], D.history, _history_row),
        rx.flex(rx.dialog.close(rx.button(_("Close"), variant="soft", color_scheme="gray", min_height=PHONE_TOUCH)),
                justify="end"),
        direction="column", spacing="3", width="100%", data_testid="order-detail",
    )


def detail_dialog() -> rx.Component:
    return dialog(f"{_('Order')} {D.number}", _detail(), open=D.detail_open, on_open_change=D.set_detail_open,
                  max_width="960px")
