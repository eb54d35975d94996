"""/admin/custom-fields: extra fields per entity type (products, work orders, NCRs, lots ...):
text, number with unit and range, date, yes/no, choice from a type list, user; required or not."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import (
    edit_button,
    form_field,
    row_actions,
    select_control,
    table,
)
from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    active_badge,
    dialog,
    form_buttons,
    list_states,
    page_header,
    text_input,
)
from rxapp.i18n import _
from rxapp.state.config.custom_fields import TYPE_LABELS, CustomFieldsState, FieldRow

S = CustomFieldsState


def _row(r: FieldRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(r.label), rx.text(r.key, size="1", color_scheme="gray", font_family="monospace")),
        rx.table.cell(rx.badge(r.type_label, variant="soft")),
        rx.table.cell(r.rule),
        rx.table.cell(rx.cond(r.required, rx.badge(_("Required"), color_scheme="orange"), rx.text(_("Optional"), size="2"))),
        rx.table.cell(active_badge(r.is_active)),
        row_actions(
            edit_button(S.open_edit(r.id)),
            rx.cond(r.is_active,
                    rx.button(_("Retire"), size="2", variant="ghost", color_scheme="orange", min_height=PHONE_TOUCH,
                              on_click=S.set_active(r.id, False)),
                    rx.button(_("Reactivate"), size="2", variant="ghost", color_scheme="green",
                              min_height=PHONE_TOUCH, on_click=S.set_active(r.id, True))),
            rx.button(_("Delete"), size="2", variant="ghost", color_scheme="red", min_height=PHONE_TOUCH,
                      on_click=S.delete(r.id), title=_("Only a field no record holds a value for can be deleted.")),
        ),
        data_testid="custom-field-row",
    )


def _dialog() -> rx.Component:
    errors, r = S.form_errors, S.editing
    creating = S.form_mode == "create"
    return dialog(
        rx.cond(creating, _("New custom field"), _("Edit custom field")),
        rx.form(rx.flex(
            rx.cond(creating,
                    rx.grid(
                        form_field(_("Key"), text_input("key"), errors, "key",
                                   hint=_("Lower-case, never changes, e.g. customer_po.")),
                        form_field(_("Type"), select_control("field_type", list(TYPE_LABELS.items()),
                                                             value=S.form_type, on_change=S.set_form_type),
                                   errors, "field_type"),
                        columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"),
                    rx.text(_("Key"), ": ", rx.code(r.key), " · ", r.type_label, size="2")),
            form_field(_("Label"), text_input("label", default_value=r.label), errors, "label"),
            form_field(_("Help text"), text_input("help_text", default_value=r.help_text), errors, "help_text"),
            rx.cond(S.form_type == "number", rx.grid(
                form_field(_("Unit"), text_input("unit", default_value=r.unit), errors, "unit"),
                form_field(_("Minimum"), text_input("min_value", default_value=r.min_value, input_mode="decimal"),
                           errors, "min_value"),
                form_field(_("Maximum"), text_input("max_value", default_value=r.max_value, input_mode="decimal"),
                           errors, "max_value"),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%")),
            rx.cond(S.form_type == "choice",
                    form_field(_("Type list"), select_control("type_list_key", S.list_options,
                                                              default_value=r.type_list_key, placeholder="—"),
                               errors, "type_list_key")),
            form_field(_("Position"), text_input("position", default_value=r.position.to(str), input_mode="numeric"),
                       errors, "position", hint=_("Order in forms")),
            rx.el.label(rx.flex(rx.checkbox(name="required", default_checked=r.required),
                                rx.text(_("Required")), spacing="2", align="center")),
            form_buttons(_("Save custom field"), S.set_form_open(False)),
            direction="column", spacing="3"), on_submit=S.save, reset_on_submit=False),
        open=S.form_open, on_open_change=S.set_form_open,
    )


def custom_fields_page() -> rx.Component:
    entity = rx.box(select_control("entity_type", S.entity_options, value=S.entity_type, on_change=S.set_entity_type,
                                   aria_label=_("Entity type")), width="220px")
    return shell(
        page_header(_("Custom fields"), _("Extra fields people fill in on products, work orders, NCRs and more.")),
        rx.flex(entity, rx.spacer(),
                rx.button(rx.icon("plus"), _("New custom field"), on_click=S.open_new, size="3", min_height=TOUCH),
                spacing="2", wrap="wrap", align="center", width="100%", margin_bottom="12px"),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No custom fields for this entity type yet."),
                    S.load, table([_("Field"), _("Type"), _("Accepts"), _("Required"), _("Status"), ""],
                                  rx.foreach(S.rows, _row))),
        _dialog(),
    )
