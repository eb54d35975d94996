"""/shipments: list -> detail -> pack (type or scan a lot or serial number) -> ship with carrier and
tracking; a new shipment from open order lines; packing list and shipment sheet PDFs."""
from __future__ import annotations

import reflex as rx

from rxapp.components.custom_fields import custom_filter
from rxapp.components.form_sections import laid_out_form
from rxapp.components.shell import shell
from rxapp.components.trace_custom import custom_detail
from rxapp.components.trace_status import TRACE_STATUS_LABELS, trace_badge
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    dialog,
    list_states,
    page_header,
    scroll_x,
)
from rxapp.i18n import _
from rxapp.state.trace.shipments import ItemView, LineView, OpenLineRow, ShipmentRow
from rxapp.state.trace.shipments import ShipmentsState as S

STATUSES = ("open", "packing", "shipped", "cancelled")


def _filters() -> rx.Component:
    return rx.flex(
        rx.form(rx.flex(
            rx.input(rx.input.slot(rx.icon("search", size=16)), name="search", default_value=S.search, size="3",
                     placeholder=_("Shipment, customer or tracking"), flex="1", min_width="220px",
                     aria_label=_("Search shipments")),
            rx.button(_("Search"), type="submit", variant="soft", size="3", min_height=TOUCH),
            spacing="2", width="100%"), on_submit=S.apply_search, reset_on_submit=False, flex="1",
            min_width="min(100%, 320px)"),
        rx.select.root(rx.select.trigger(aria_label=_("Status"), min_height=TOUCH),
                       rx.select.content(rx.select.item(_("All statuses"), value="all"),
                                         *[rx.select.item(TRACE_STATUS_LABELS[s], value=s) for s in STATUSES]),
                       value=S.status_filter, on_change=S.set_status_filter, size="3"),
        custom_filter(S),
        rx.button(rx.icon("download"), "CSV", variant="soft", size="3", min_height=TOUCH, on_click=S.export("csv")),
        rx.button(rx.icon("download"), "Excel", variant="soft", size="3", min_height=TOUCH, on_click=S.export("xlsx")),
        spacing="3", wrap="wrap", width="100%", margin_bottom="16px",
    )


def _row(s: ShipmentRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(s.number, href="#", on_click=S.show(s.id), weight="medium", data_testid="shipment-number")),
        rx.table.cell(s.customer), rx.table.cell(trace_badge(s.status)),
        rx.table.cell(rx.box(rx.progress(value=s.percent, max=100, size="2", aria_label=_("Packed")),
                             rx.text(s.packed, size="1", color_scheme="gray"), min_width="120px")),
        rx.table.cell(s.tracking), rx.table.cell(rx.text(s.created, white_space="nowrap")),
        rx.table.cell(rx.button(_("Open"), size="2", variant="soft", min_height=PHONE_TOUCH, on_click=S.show(s.id))),
        data_testid="shipment-row",
    )


def _table() -> rx.Component:
    return rx.box(
        scroll_x(rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                _("Shipment"), _("Customer"), _("Status"), _("Packed"), _("Carrier / tracking"), _("Created"),
                "")])),
            rx.table.body(rx.foreach(S.rows, _row)), variant="surface", width="100%", data_testid="shipments-table")),
        rx.flex(
            rx.text(S.page_label, size="2", color_scheme="gray"),
            rx.button(rx.icon("chevron-left"), _("Previous"), variant="soft", size="2", min_height=PHONE_TOUCH,
                      disabled=S.offset == 0, on_click=S.turn_page(-1)),
            rx.button(_("Next"), rx.icon("chevron-right"), variant="soft", size="2", min_height=PHONE_TOUCH,
                      disabled=S.offset + 50 >= S.total, on_click=S.turn_page(1)),
            spacing="3", align="center", justify="end", margin_top="8px"),
    )


def _open_line(line: OpenLineRow) -> rx.Component:
    return rx.flex(rx.checkbox(line.label, checked=S.chosen.contains(line.id), size="3",
                               on_change=lambda checked: S.toggle_line(line.id, checked)),
                   min_height=TOUCH, align="center")


def _create() -> rx.Component:
    return dialog(_("New shipment"), rx.vstack(
        rx.form(rx.vstack(
            laid_out_form(S.form_sections, {
                "plant_id": rx.select.root(rx.select.trigger(width="100%", aria_label=_("Plant"), id="plant_id"),
                                           rx.select.content(rx.foreach(S.plant_options, lambda o: rx.select.item(
                                               o.label, value=o.value))),
                                           value=S.create_plant, on_change=S.set_create_plant, size="3"),
                "lines": rx.vstack(
                    rx.text(_("Order lines to ship (one customer per shipment)"), size="2", color_scheme="gray"),
                    rx.cond(S.open_lines.length() == 0,
                            rx.text(_("No order lines are waiting to ship."), color_scheme="gray"),
                            rx.vstack(rx.foreach(S.open_lines, _open_line), spacing="1", max_height="50vh",
                                      overflow_y="auto")),
                    spacing="1", width="100%"),
                "note": rx.text_area(name="note", id="note", rows="2", width="100%"),
            }, S.custom_errors),
            rx.flex(rx.button(_("Cancel"), type="button", variant="soft", color_scheme="gray", min_height=TOUCH,
                              on_click=S.close_create(False)),
                    rx.button(_("Create shipment"), type="submit", min_height=TOUCH, disabled=S.chosen.length() == 0),
                    spacing="3", justify="end", width="100%"),
            spacing="3", width="100%"), on_submit=S.create, reset_on_submit=False, width="100%"),
        spacing="3", width="100%"), open=S.create_open, on_open_change=S.close_create, max_width="720px")


def _line(line: LineView) -> rx.Component:
    return rx.flex(rx.text(line.label, flex="1"), rx.progress(value=line.percent, max=100, width="120px"),
                   rx.text(line.packed, size="2"), spacing="3", align="center", width="100%")


def _item(item: ItemView) -> rx.Component:
    return rx.flex(rx.text(item.what, flex="1"), rx.text(item.quantity),
                   rx.cond(S.is_open & S.can_handle, rx.button(rx.icon("undo-2"), _("Unpack"), size="2", variant="soft",
                                                color_scheme="gray", min_height=PHONE_TOUCH,
                                                on_click=S.unpack(item.id))),
                   spacing="3", align="center", width="100%", data_testid="packed-item")


def _pack_form() -> rx.Component:
    return rx.form(rx.flex(
        rx.input(name="code", id="pack-code", placeholder=_("Scan or type a lot or serial number"), size="3",
                 flex="1", min_width="200px", auto_focus=True, aria_label=_("Lot or serial number")),
        rx.input(name="quantity", type="number", min=1, placeholder=_("Quantity"), size="3", width="110px",
                 aria_label=_("Quantity")),
        rx.button(rx.icon("package"), _("Pack"), type="submit", size="3", min_height=TOUCH),
        spacing="2", wrap="wrap", width="100%"), on_submit=S.pack, reset_on_submit=True, width="100%")


def _detail() -> rx.Component:
    return dialog(S.detail.number, rx.vstack(
        rx.flex(trace_badge(S.detail.status), rx.text(S.detail.customer), rx.text(S.detail.tracking, color_scheme="gray"),
                spacing="2", align="center", wrap="wrap"),
        rx.vstack(rx.foreach(S.lines, _line), spacing="1", width="100%"),
        rx.cond(S.is_open & S.can_handle, _pack_form()),
        rx.cond(S.pack_message != "", rx.callout.root(rx.callout.text(S.pack_message), role="status",
                                                      color_scheme=rx.cond(S.pack_ok, "green", "red"),
                                                      data_testid="pack-message")),
        rx.text(_("Packed"), weight="bold"),
        rx.vstack(rx.foreach(S.items, _item), spacing="1", width="100%"),
        rx.cond(S.is_open & S.can_handle, rx.form(rx.flex(
            rx.input(name="carrier", placeholder=_("Carrier"), size="3", aria_label=_("Carrier")),
            rx.input(name="tracking_number", placeholder=_("Tracking number"), size="3", aria_label=_("Tracking number")),
            rx.button(rx.icon("truck"), _("Ship"), type="submit", size="3", min_height=TOUCH, color_scheme="green"),
            spacing="2", wrap="wrap"), on_submit=S.ship, reset_on_submit=False)),
        rx.cond(S.is_open & S.can_cancel, rx.form(rx.flex(
            rx.input(name="reason", placeholder=_("Why cancel?"), size="3", aria_label=_("Reason to cancel")),
            rx.button(_("Cancel shipment"), type="submit", variant="soft", color_scheme="red", size="3",
                      min_height=TOUCH), spacing="2", wrap="wrap"), on_submit=S.cancel, reset_on_submit=False)),
        rx.flex(rx.button(rx.icon("file-text"), _("Packing list"), variant="soft", size="2", min_height=PHONE_TOUCH,
                          on_click=S.download_pdf("packing-list")),
                rx.button(rx.icon("file-text"), _("Shipment sheet"), variant="soft", size="2", min_height=PHONE_TOUCH,
                          on_click=S.download_pdf("sheet")), spacing="2", wrap="wrap"),
        custom_detail(S),
        rx.text(_("History"), weight="bold"),
        rx.vstack(rx.foreach(S.history, lambda h: rx.text(h, size="2", color_scheme="gray")), spacing="0"),
        spacing="3", width="100%"), open=S.detail_open, on_open_change=S.close_detail, max_width="760px")


def shipments_page() -> rx.Component:
    return shell(
        page_header(_("Shipments"), _("Pack lots and serials for customer orders and ship them."),
                    rx.cond(S.can_create, rx.button(rx.icon("plus"), _("New shipment"), size="3", min_height=TOUCH,
                                                    on_click=S.open_create, data_testid="new-shipment"))),
        _filters(),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No shipments match this filter."), S.load,
                    _table()),
        _create(),
        _detail(),
    )
