"""The BOM editor dialog of the products page: components with quantity per unit and scrap, an
add/change form, and the multi-level explosion for a quantity as an indented tree."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control, table
from rxapp.components.ui import PHONE_TOUCH, TOUCH, dialog, empty_state, text_input
from rxapp.i18n import _
from rxapp.state.master.boms import BomRow, BomState, TreeRow

B = BomState


def _line(line: BomRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(line.code), rx.cond(~line.is_active, rx.badge(_("Inactive"), margin_left="6px"))),
        rx.table.cell(line.name),
        rx.table.cell(line.quantity_per, " ", line.unit, text_align="right"),
        rx.table.cell(line.scrap_percent, text_align="right"),
        rx.table.cell(rx.flex(
            rx.button(_("Change"), size="2", variant="ghost", min_height=PHONE_TOUCH, on_click=B.edit_line(line.id)),
            rx.button(_("Remove"), size="2", variant="ghost", color_scheme="red", min_height=PHONE_TOUCH,
                      on_click=B.remove_line(line.id)),
            spacing="1")),
        data_testid="bom-line",
    )


def _form() -> rx.Component:
    errors = B.errors
    return rx.form(
        rx.grid(
            rx.cond(B.editing_line == 0,
                    form_field(_("Component"), select_control("component_product_id", B.options,
                                                              placeholder=_("Pick a product")), errors,
                               "component_product_id"),
                    rx.text(_("Changing a component"), size="2", weight="medium")),
            form_field(_("Quantity per unit"), text_input("quantity_per", default_value=B.f_quantity,
                                                          input_mode="decimal", key=B.editing_line), errors,
                       "quantity_per"),
            form_field(_("Scrap factor"), text_input("scrap_factor", default_value=B.f_scrap, input_mode="decimal",
                                                     key=B.editing_line), errors, "scrap_factor",
                       hint=_("0.05 = 5 % more")),
            rx.flex(rx.button(rx.cond(B.editing_line == 0, _("Add"), _("Save")), type="submit", min_height=TOUCH),
                    rx.cond(B.editing_line != 0, rx.button(_("Cancel"), type="button", variant="soft",
                                                           on_click=B.cancel_edit, min_height=TOUCH)),
                    spacing="2", align="end"),
            columns=rx.breakpoints(initial="1", md="4"), spacing="3", width="100%", align_items="end",
        ),
        on_submit=B.save_line, reset_on_submit=True,
    )


def _tree_row(row: TreeRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.flex(rx.cond(row.level > 1, rx.icon("corner-down-right", size=14)), rx.text.strong(row.code),
                              padding_left=row.indent, spacing="1", align="center")),
        rx.table.cell(row.name),
        rx.table.cell(row.level),
        rx.table.cell(row.quantity_per, text_align="right"),
        rx.table.cell(row.scrap_percent, text_align="right"),
        rx.table.cell(rx.text.strong(row.required), " ", row.unit, text_align="right"),
        data_testid="explosion-row",
    )


def _explosion() -> rx.Component:
    return rx.box(
        rx.form(
            rx.flex(
                rx.box(text_input("quantity", default_value=B.quantity, input_mode="decimal", aria_label=_("Quantity")),
                       width="140px"),
                rx.text(B.product_unit),
                rx.button(_("Explode"), type="submit", min_height=TOUCH),
                rx.button(rx.icon("download", size=16), "CSV", type="button", variant="soft", min_height=TOUCH,
                          on_click=B.export_explosion("csv")),
                rx.button(rx.icon("sheet", size=16), "Excel", type="button", variant="soft", min_height=TOUCH,
                          on_click=B.export_explosion("xlsx")),
                spacing="2", align="center", wrap="wrap",
            ),
            on_submit=B.explode, reset_on_submit=False,
        ),
        rx.cond(B.tree_error != "", rx.text(B.tree_error, color_scheme="red", role="alert", size="2")),
        rx.cond(B.tree.length() > 0,
                table([_("Component"), _("Name"), _("Level"), _("Per parent"), _("Scrap"), _("Required")],
                      rx.foreach(B.tree, _tree_row)),
                empty_state(_("Enter a quantity and explode to see every level with scrap included."), "network")),
        width="100%",
    )


def bom_dialog() -> rx.Component:
    return dialog(
        _("Bill of materials") + ": " + B.product_label,
        rx.tabs.root(
            rx.tabs.list(rx.tabs.trigger(_("Components"), value="components"),
                         rx.tabs.trigger(_("Explosion"), value="explosion")),
            rx.tabs.content(
                rx.flex(
                    rx.cond(B.lines.length() > 0,
                            table([_("Component"), _("Name"), _("Quantity per unit"), _("Scrap"), ""],
                                  rx.foreach(B.lines, _line)),
                            empty_state(_("No components yet: add the first one below."), "boxes")),
                    _form(),
                    direction="column", spacing="3", padding_top="12px"),
                value="components"),
            rx.tabs.content(rx.box(_explosion(), padding_top="12px"), value="explosion"),
            default_value="components",
        ),
        open=B.open, on_open_change=B.set_open, max_width="960px",
    )
