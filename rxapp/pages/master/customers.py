"""/master/customers: who orders; search, create/edit, deactivate, CSV/Excel export."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import (
    active_toggle,
    edit_button,
    form_field,
    list_toolbar,
    row_actions,
    status_cell,
    table,
)
from rxapp.components.second_name import second_name_fields
from rxapp.components.shell import shell
from rxapp.components.ui import (
    dialog,
    form_buttons,
    list_states,
    page_header,
    text_input,
)
from rxapp.i18n import _
from rxapp.state.master.customers import CustomerRow, CustomersState

S = CustomersState


def _row(c: CustomerRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(c.code)),
        rx.table.cell(rx.text(c.shown), rx.cond(c.other_name != "", rx.text(c.other_name, size="1", color_scheme="gray"))),
        rx.table.cell(c.email),
        rx.table.cell(c.phone),
        status_cell(c.is_active),
        row_actions(edit_button(S.open_edit(c.id)),
                    active_toggle(c.is_active, S.set_active(c.id, False), S.set_active(c.id, True))),
        data_testid="customer-row",
    )


def _dialog() -> rx.Component:
    errors, c = S.form_errors, S.editing
    return dialog(
        rx.cond(S.form_mode == "create", _("New customer"), _("Edit customer")),
        rx.form(
            rx.flex(
                form_field(_("Code"), text_input("code", default_value=c.code), errors, "code",
                           hint=_("Short and unique, e.g. ACME.")),
                form_field(_("Name"), text_input("name", default_value=c.name), errors, "name"),
                second_name_fields(errors, c.name2, c.name2_language),
                rx.grid(
                    form_field(_("Email"), text_input("email", type="email", default_value=c.email), errors, "email"),
                    form_field(_("Phone"), text_input("phone", type="tel", default_value=c.phone), errors, "phone"),
                    columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
                ),
                form_field(_("Address"), rx.text_area(name="address", id="address", default_value=c.address,
                                                      width="100%"), errors, "address"),
                form_buttons(_("Save customer"), S.set_form_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=S.save, reset_on_submit=False,
        ),
        open=S.form_open, on_open_change=S.set_form_open,
    )


def customers_page() -> rx.Component:
    return shell(
        page_header(_("Customers"), _("Who orders from you.")),
        list_toolbar(S, _("New customer"), search_hint=_("Search code, name or email")),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No customers match. Create one or change the filters."),
                    S.load,
                    table([_("Code"), _("Name"), _("Email"), _("Phone"), _("Status"), ""], rx.foreach(S.rows, _row))),
        _dialog(),
    )
