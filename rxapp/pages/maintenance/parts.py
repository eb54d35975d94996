"""/maintenance/parts: spare parts, stock per storage location at a plant, the reorder list, and one dialog
each to add a part, receive, issue to a ticket and set a minimum."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, dialog, form_buttons, list_states, page_header, text_input
from rxapp.i18n import _
from rxapp.state.maintenance.parts import MODES, PartRow, StockRow
from rxapp.state.maintenance.parts import MaintenancePartsState as S


def _part(p: PartRow) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.text.strong(p.code)), rx.table.cell(p.name), rx.table.cell(p.unit),
                        rx.table.cell(p.unit_cost), rx.table.cell(p.on_hand), data_testid="part-row")


def _stock(r: StockRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(r.code)), rx.table.cell(r.name), rx.table.cell(r.location),
        rx.table.cell(r.quantity), rx.table.cell(r.min_quantity),
        rx.table.cell(rx.cond(r.below_minimum, rx.badge(_("Reorder"), color_scheme="red"), "")),
        data_testid="stock-row")


def _location(e) -> rx.Component:
    return form_field(_("Storage location"), text_input("location", placeholder=_("e.g. Shelf A3")), e, "location")


def _fields() -> rx.Component:
    e = S.form_errors
    part = form_field(_("Part"), select_control("part_id", S.part_options, default_value="", placeholder="—"), e,
                      "part_id")
    return rx.match(
        S.mode,
        ("part", rx.fragment(form_field(_("Code"), text_input("code"), e, "code"),
                             form_field(_("Name"), text_input("name"), e, "name"),
                             form_field(_("Unit"), text_input("unit", default_value="pc"), e, "unit"),
                             form_field(_("Unit cost"), text_input("unit_cost", input_mode="decimal"), e,
                                        "unit_cost"))),
        ("receive", rx.fragment(part, _location(e),
                                form_field(_("Quantity"), text_input("quantity", input_mode="numeric"), e, "quantity"),
                                form_field(_("Unit cost (empty: the part's)"),
                                           text_input("unit_cost", input_mode="decimal"), e, "unit_cost"),
                                form_field(_("Note"), text_input("note"), e, "note"))),
        ("issue", rx.fragment(form_field(_("Ticket"), select_control("ticket_id", S.ticket_options, default_value="",
                                                                     placeholder="—"), e, "ticket_id"),
                              part, _location(e),
                              form_field(_("Quantity"), text_input("quantity", input_mode="numeric"), e, "quantity"))),
        rx.fragment(part, _location(e),
                    form_field(_("Minimum quantity"), text_input("min_quantity", input_mode="numeric"), e,
                               "min_quantity")),
    )


def _dialog() -> rx.Component:
    title = rx.match(S.mode, *[(k, v) for k, v in MODES.items()], "")
    return dialog(title, rx.form(rx.flex(_fields(), form_buttons(_("Save"), S.set_form_open(False)),
                                         direction="column", spacing="3"),
                                 on_submit=S.save, reset_on_submit=False, key=S.mode),
                  open=S.mode != "", on_open_change=S.set_form_open)


def _action(icon: str, label: str, mode: str) -> rx.Component:
    return rx.button(rx.icon(icon, size=16), label, on_click=S.open_form(mode), size="3", variant="soft",
                     min_height=TOUCH)


def maintenance_parts_page() -> rx.Component:
    return shell(
        page_header(_("Spare parts"), _("Stock per storage location, receipts, issues to tickets and what to reorder.")),
        rx.flex(rx.box(select_control("plant", S.plant_options, value=S.plant_id, on_change=S.set_plant,
                                      aria_label=_("Plant")), width="220px"),
                _action("package-plus", _("Receive"), "receive"), _action("package-minus", _("Issue to ticket"), "issue"),
                _action("gauge", _("Minimum"), "minimum"), _action("plus", _("New part"), "part"),
                spacing="2", wrap="wrap", align="center", margin_bottom="12px"),
        list_states(S.loading, S.load_error, False, "", S.load, rx.box(
            rx.flex(rx.heading(_("Reorder list"), size="4"),
                    rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=S.export("csv", True),
                              min_height=TOUCH),
                    spacing="3", align="center"),
            rx.cond(S.reorder.length() > 0,
                    table([_("Part"), _("Name"), _("Location"), _("Quantity"), _("Minimum"), ""],
                          rx.foreach(S.reorder, _stock)),
                    rx.text(_("Nothing below its minimum."), color_scheme="gray", data_testid="reorder-empty")),
            rx.flex(rx.heading(_("Stock"), size="4"),
                    rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=S.export("csv", False),
                              min_height=TOUCH),
                    rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", on_click=S.export("xlsx", False),
                              min_height=TOUCH),
                    spacing="3", align="center", margin_top="16px"),
            table([_("Part"), _("Name"), _("Location"), _("Quantity"), _("Minimum"), ""], rx.foreach(S.stock, _stock)),
            rx.heading(_("Parts"), size="4", margin_top="16px"),
            table([_("Code"), _("Name"), _("Unit"), _("Unit cost"), _("On hand here")], rx.foreach(S.parts, _part)),
        )),
        _dialog(),
    )
