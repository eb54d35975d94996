"""/master/products: products and items with search, type and status filters, create/edit,
deactivate, CSV/Excel export, and each product's BOM editor with its explosion."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.custom_fields import custom_filter
from rxapp.components.form_sections import laid_out_form
from rxapp.components.master import (
    active_toggle,
    edit_button,
    list_toolbar,
    row_actions,
    select_control,
    status_cell,
    table,
)
from rxapp.components.second_name import second_name_control
from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    dialog,
    form_buttons,
    list_states,
    page_header,
    text_input,
)
from rxapp.i18n import _
from rxapp.pages.master.boms import bom_dialog
from rxapp.state.master.boms import BomState
from rxapp.state.master.products import TYPE_OPTIONS, ProductRow, ProductsState

S = ProductsState


def _row(p: ProductRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(p.code)),
        rx.table.cell(rx.text(p.name), rx.cond(p.other_name != "", rx.text(p.other_name, size="1", color_scheme="gray")),
                      rx.cond(p.custom_summary != "",
                                               rx.text(p.custom_summary, size="1", color_scheme="gray"))),
        rx.table.cell(rx.badge(p.type_label, variant="soft")),
        rx.table.cell(p.unit),
        rx.table.cell(p.standard_cost, text_align="right"),
        status_cell(p.is_active),
        row_actions(
            edit_button(S.open_edit(p.id)),
            rx.cond(p.type != "raw",
                    rx.button(_("BOM"), size="2", variant="ghost", min_height=PHONE_TOUCH,
                              on_click=BomState.open_for(p.id))),
            rx.link(rx.button(_("Documents"), size="2", variant="ghost", min_height=PHONE_TOUCH),
                    href=f"{routes.DOCUMENTS}?target_type=product&target_id={p.id}"),
            active_toggle(p.is_active, S.set_active(p.id, False), S.set_active(p.id, True)),
        ),
        data_testid="product-row",
    )


def _dialog() -> rx.Component:
    errors = S.form_errors
    return dialog(
        rx.cond(S.form_mode == "create", _("New product"), _("Edit product")),
        rx.form(
            rx.flex(
                laid_out_form(S.form_sections, {
                    "code": text_input("code", default_value=S.f_code, placeholder=_("Unique, e.g. FG-100 or RM-STEEL.")),
                    "name": text_input("name", default_value=S.f_name),
                    "name2": second_name_control(errors, S.f_name2, S.f_name2_language),
                    "type": select_control("type", TYPE_OPTIONS, default_value=S.f_type),
                    "unit": rx.fragment(text_input("unit", default_value=S.f_unit, placeholder=_("pcs, kg, m ..."),
                                                   list="unit-options"),
                                        rx.el.datalist(rx.foreach(S.unit_options, lambda u: rx.el.option(value=u)),
                                                       id="unit-options")),
                    "standard_cost": rx.flex(text_input("standard_cost", default_value=S.f_cost, input_mode="decimal"),
                                             rx.text(S.currency, size="2", color_scheme="gray"), align="center",
                                             spacing="2", width="100%"),
                    "description": rx.text_area(name="description", id="description", default_value=S.f_description,
                                                width="100%"),
                }, errors),
                form_buttons(_("Save product"), S.set_form_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=S.save, reset_on_submit=False,
        ),
        open=S.form_open, on_open_change=S.set_form_open,
    )


def products_page() -> rx.Component:
    type_filter = rx.box(select_control("type_filter", TYPE_OPTIONS, value=S.type_filter, on_change=S.set_type_filter,
                                        placeholder=_("All types"), aria_label=_("Type")), width="170px")
    return shell(
        page_header(_("Products"), _("Raw materials, semi-finished and finished goods, with their bills of materials.")),
        list_toolbar(S, _("New product"), type_filter, custom_filter(S)),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No products match. Create one or change the filters."),
                    S.load,
                    table([_("Code"), _("Name"), _("Type"), _("Unit"), _("Standard cost"), _("Status"), ""],
                          rx.foreach(S.rows, _row))),
        _dialog(),
        bom_dialog(),
    )
