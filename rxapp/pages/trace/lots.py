"""/lots: lots of the person's plants (search, status, export), a lot's detail with serials, hold
and release and a link to its trace, and the receipt of material from a supplier."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.custom_fields import custom_filter
from rxapp.components.form_sections import laid_out_form
from rxapp.components.shell import shell
from rxapp.components.trace_custom import custom_detail
from rxapp.components.trace_status import TRACE_STATUS_LABELS, trace_badge
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    dialog,
    field,
    form_buttons,
    list_card,
    list_states,
    page_header,
    phone_or_table,
    scroll_x,
)
from rxapp.i18n import _
from rxapp.state.trace.lots import LocationRow, LotRow
from rxapp.state.trace.lots import LotsState as S

LOT_STATUSES = ("available", "on_hold", "consumed", "shipped", "recalled")


def _filters() -> rx.Component:
    return rx.flex(
        rx.form(rx.flex(
            rx.input(rx.input.slot(rx.icon("search", size=16)), name="search", default_value=S.search, size="3",
                     placeholder=_("Lot, supplier, supplier lot or product"), flex="1", min_width="220px",
                     aria_label=_("Search lots")),
            rx.button(_("Search"), type="submit", variant="soft", size="3", min_height=TOUCH),
            spacing="2", width="100%"), on_submit=S.apply_search, reset_on_submit=False, flex="1",
            min_width="min(100%, 320px)"),
        rx.select.root(rx.select.trigger(aria_label=_("Status"), min_height=TOUCH),
                       rx.select.content(rx.select.item(_("All statuses"), value="all"),
                                         *[rx.select.item(TRACE_STATUS_LABELS[s], value=s) for s in LOT_STATUSES]),
                       value=S.status_filter, on_change=S.set_status_filter, size="3"),
        custom_filter(S),
        rx.button(rx.icon("download"), "CSV", variant="soft", size="3", min_height=TOUCH, on_click=S.export("csv")),
        rx.button(rx.icon("download"), "Excel", variant="soft", size="3", min_height=TOUCH, on_click=S.export("xlsx")),
        spacing="3", wrap="wrap", width="100%", margin_bottom="16px",
    )


def _row(lot: LotRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(lot.number, href="#", on_click=S.show(lot.id), weight="medium", data_testid="lot-number")),
        rx.table.cell(lot.product), rx.table.cell(lot.quantity, text_align="right"),
        rx.table.cell(trace_badge(lot.status)), rx.table.cell(lot.source), rx.table.cell(lot.location),
        rx.table.cell(rx.text(lot.created, white_space="nowrap")),
        rx.table.cell(rx.link(rx.button(rx.icon("git-fork"), _("Trace"), size="2", variant="soft",
                                        min_height=PHONE_TOUCH), href=routes.TRACE + "?lot=" + lot.id.to_string())),
        data_testid="lot-row",
    )


def _card(lot: LotRow) -> rx.Component:
    return list_card(rx.text(lot.number, weight="bold"), trace_badge(lot.status), rx.text(lot.product, size="2"),
                     rx.text(lot.quantity, " · ", lot.location, size="2", color_scheme="gray"),
                     on_click=S.show(lot.id), test_id="lot-card")


def _table() -> rx.Component:
    return rx.box(
        phone_or_table(scroll_x(rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                _("Lot"), _("Product"), _("On hand / initial"), _("Status"), _("Source"), _("Location"),
                _("Created"), "")])),
            rx.table.body(rx.foreach(S.rows, _row)), variant="surface", width="100%", data_testid="lots-table")),
            rx.foreach(S.rows, _card)),
        rx.flex(
            rx.text(S.page_label, size="2", color_scheme="gray"),
            rx.button(rx.icon("chevron-left"), _("Previous"), variant="soft", size="2", min_height=PHONE_TOUCH,
                      disabled=S.offset == 0, on_click=S.turn_page(-1)),
            rx.button(_("Next"), rx.icon("chevron-right"), variant="soft", size="2", min_height=PHONE_TOUCH,
                      disabled=S.offset + 50 >= S.total, on_click=S.turn_page(1)),
            spacing="3", align="center", justify="end", margin_top="8px"),
    )


def _detail() -> rx.Component:
    lot = S.selected
    return dialog(lot.number, rx.vstack(
        rx.flex(trace_badge(lot.status), rx.text(lot.product), spacing="2", align="center", wrap="wrap"),
        rx.text(_("On hand / initial: "), lot.quantity),
        rx.text(_("Source: "), lot.source),
        rx.cond(S.serials.length() > 0, rx.box(
            rx.text(_("Serial numbers"), weight="bold"),
            rx.flex(rx.foreach(S.serials, lambda s: rx.badge(s, variant="outline")), spacing="1", wrap="wrap"))),
        rx.cond(S.can_hold & ((lot.status == "available") | (lot.status == "on_hold")), rx.input(
            value=S.hold_reason_text, on_change=S.set_hold_reason_text, placeholder=_("Why is it held?"), size="3",
            width="100%", aria_label=_("Reason for the hold"))),
        rx.flex(
            rx.cond(S.can_hold & (lot.status == "available"),
                    rx.button(rx.icon("octagon-pause"), _("Put on hold"), color_scheme="amber", size="3",
                              min_height=TOUCH, on_click=S.hold)),
            rx.cond(S.can_hold & (lot.status == "on_hold"),
                    rx.button(rx.icon("circle-play"), _("Release"), color_scheme="green", size="3",
                              min_height=TOUCH, on_click=S.release)),
            rx.link(rx.button(rx.icon("git-fork"), _("Trace"), variant="soft", size="3", min_height=TOUCH),
                    href=routes.TRACE + "?lot=" + lot.id.to_string()),
            spacing="2", wrap="wrap"),
        custom_detail(S),
        spacing="3", width="100%"), open=S.detail_open, on_open_change=S.close_detail)


def _receive() -> rx.Component:
    return dialog(_("Receive material"), rx.form(rx.vstack(
        laid_out_form(S.form_sections, {
            "plant_id": rx.select.root(rx.select.trigger(width="100%", id="plant_id"), rx.select.content(
                rx.foreach(S.plant_options, lambda o: rx.select.item(o.label, value=o.value))), name="plant_id",
                size="3"),
            "product_id": rx.select.root(rx.select.trigger(width="100%", id="product_id"), rx.select.content(
                rx.foreach(S.product_options, lambda o: rx.select.item(o.label, value=o.value))), name="product_id",
                size="3"),
            "quantity": rx.input(name="quantity", id="quantity", type="number", min=1, size="3", width="100%"),
            "supplier": rx.input(name="supplier", id="supplier", size="3", width="100%"),
            "supplier_lot_ref": rx.input(name="supplier_lot_ref", id="supplier_lot_ref", size="3", width="100%"),
            "location_id": rx.select.root(
                rx.select.trigger(width="100%", placeholder=_("No location"), id="location_id"), rx.select.content(
                    rx.select.item(_("No location"), value="none"),
                    rx.foreach(S.receive_locations, lambda o: rx.select.item(o.label, value=o.value))),
                name="location_id", size="3"),
            "serial_numbers": rx.text_area(name="serial_numbers", id="serial_numbers", rows="3", width="100%",
                                           placeholder=_("One per line; empty: numbered automatically")),
        }, S.receive_errors),
        form_buttons(_("Receive"), S.close_receive(False)),
        spacing="2", width="100%"), on_submit=S.receive, reset_on_submit=False),
        open=S.receive_open, on_open_change=S.close_receive)


def _location_row(place: LocationRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(place.code, weight="medium")), rx.table.cell(place.name),
        rx.table.cell(rx.cond(place.active, rx.badge(_("In use"), color_scheme="green"),
                              rx.badge(_("Out of use"), color_scheme="gray"))),
        rx.table.cell(rx.flex(
            rx.button(rx.icon("qr-code"), _("Label"), size="2", variant="soft", min_height=PHONE_TOUCH,
                      on_click=S.location_label(place.id)),
            rx.cond(place.active, rx.button(rx.icon("archive"), _("Take out of use"), size="2", variant="soft",
                                            color_scheme="gray", min_height=PHONE_TOUCH,
                                            on_click=S.deactivate_location(place.id))),
            spacing="2", wrap="wrap")),
        data_testid="location-row",
    )


def _locations() -> rx.Component:
    return dialog(_("Storage locations"), rx.vstack(
        rx.select.root(rx.select.trigger(aria_label=_("Plant"), min_height=TOUCH), rx.select.content(
            rx.foreach(S.plant_options, lambda o: rx.select.item(o.label, value=o.value))),
            value=S.location_plant, on_change=S.set_location_plant, size="3"),
        rx.cond(S.locations.length() == 0, rx.text(_("No storage locations in this plant yet."), color_scheme="gray"),
                scroll_x(rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                    _("Code"), _("Name"), _("Status"), "")])),
                    rx.table.body(rx.foreach(S.locations, _location_row)), width="100%"))),
        rx.form(rx.flex(
            field(_("Code"), rx.input(name="code", size="3", width="100%"), S.location_errors.get("code", "")),
            field(_("Name"), rx.input(name="name", size="3", width="100%"), S.location_errors.get("name", "")),
            rx.button(rx.icon("plus"), _("Add location"), type="submit", size="3", min_height=TOUCH),
            spacing="2", wrap="wrap", align="end"), on_submit=S.create_location, reset_on_submit=True),
        spacing="3", width="100%"), open=S.locations_open, on_open_change=S.close_locations)


def lots_page() -> rx.Component:
    return shell(
        page_header(_("Lots"), _("Material and product lots: where they are, what state they are in."),
                    rx.flex(rx.cond(S.can_locate, rx.button(rx.icon("warehouse"), _("Locations"), size="3", variant="soft",
                                                            min_height=TOUCH, on_click=S.open_locations,
                                                            data_testid="locations")),
                            rx.cond(S.can_receive, rx.button(rx.icon("package-plus"), _("Receive"), size="3",
                                                             min_height=TOUCH, on_click=S.open_receive,
                                                             data_testid="receive")), spacing="2", wrap="wrap")),
        _filters(),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No lots match this filter."), S.load, _table()),
        _detail(),
        _receive(),
        _locations(),
    )
