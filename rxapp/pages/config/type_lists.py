"""/admin/type-lists: the organization's pick lists (defect codes, root-cause categories,
dispositions, scrap and downtime reasons, and lists admins add) with ordering and retirement."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import edit_button, form_field, table
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
from rxapp.state.config.type_lists import ListRow, TypeListsState, ValueRow

S = TypeListsState


def _list_button(t: ListRow) -> rx.Component:
    return rx.button(
        rx.flex(rx.text(t.name, weight="medium"), rx.badge(t.value_count, variant="soft", radius="full"),
                justify="between", width="100%", align="center"),
        variant=rx.cond(S.selected.key == t.key, "solid", "soft"), on_click=S.choose(t.key),
        width="100%", min_height=TOUCH, data_testid="type-list",
    )


def _value_row(v: ValueRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(v.code)),
        rx.table.cell(v.label),
        rx.table.cell(active_badge(v.is_active)),
        rx.table.cell(rx.flex(
            rx.icon_button(rx.icon("arrow-up", size=16), variant="ghost", on_click=S.move(v.id, -1),
                           aria_label=_("Move up"), min_height=PHONE_TOUCH, min_width=PHONE_TOUCH),
            rx.icon_button(rx.icon("arrow-down", size=16), variant="ghost", on_click=S.move(v.id, 1),
                           aria_label=_("Move down"), min_height=PHONE_TOUCH, min_width=PHONE_TOUCH),
            edit_button(S.open_edit_value(v.id)),
            rx.cond(v.is_active,
                    rx.button(_("Retire"), size="2", variant="ghost", color_scheme="orange", min_height=PHONE_TOUCH,
                              on_click=S.set_active(v.id, False)),
                    rx.button(_("Reactivate"), size="2", variant="ghost", color_scheme="green",
                              min_height=PHONE_TOUCH, on_click=S.set_active(v.id, True))),
            rx.button(_("Delete"), size="2", variant="ghost", color_scheme="red", min_height=PHONE_TOUCH,
                      on_click=S.delete_value(v.id), title=_("Only a value nobody has used can be deleted.")),
            spacing="1", wrap="wrap")),
        data_testid="type-list-value",
    )


def _value_dialog() -> rx.Component:
    errors, v = S.value_errors, S.editing
    return dialog(
        rx.cond(S.value_mode == "create", _("New value"), _("Edit value")),
        rx.form(rx.flex(
            form_field(_("Code"), text_input("code", default_value=v.code), errors, "code",
                       hint=_("Short and stable, e.g. DIM or MACHINE.")),
            form_field(_("Label"), text_input("label", default_value=v.label), errors, "label"),
            form_buttons(_("Save value"), S.set_value_form_open(False)),
            direction="column", spacing="3"), on_submit=S.save_value, reset_on_submit=False),
        open=S.value_form_open, on_open_change=S.set_value_form_open,
    )


def _list_dialog() -> rx.Component:
    errors = S.list_errors
    creating = S.list_mode == "create"
    return dialog(
        rx.cond(creating, _("New type list"), _("Rename type list")),
        rx.form(rx.flex(
            rx.cond(creating, form_field(_("Key"), text_input("key"), errors, "key",
                                         hint=_("Lower-case, e.g. suppliers; custom fields refer to it."))),
            form_field(_("Name"), text_input("name", default_value=rx.cond(creating, "", S.selected.name)),
                       errors, "name"),
            form_field(_("Description"), text_input("description",
                                                    default_value=rx.cond(creating, "", S.selected.description)),
                       errors, "description"),
            form_buttons(_("Save list"), S.set_list_form_open(False)),
            direction="column", spacing="3"), on_submit=S.save_list, reset_on_submit=False),
        open=S.list_form_open, on_open_change=S.set_list_form_open,
    )


def _values_panel() -> rx.Component:
    sel = S.selected
    return rx.box(
        rx.flex(
            rx.box(rx.heading(sel.name, size="4"), rx.text(sel.description, size="2", color_scheme="gray")),
            rx.spacer(),
            rx.el.label(rx.flex(rx.checkbox(checked=S.show_retired, on_change=S.set_show_retired, aria_label=_("Show retired")),
                                rx.text(_("Show retired"), size="2"), spacing="2", align="center")),
            rx.cond(~sel.backed_by_reason_codes, rx.button(_("Rename"), variant="soft", on_click=S.open_edit_list,
                                                            min_height=TOUCH)),
            rx.cond(~sel.is_system, rx.button(_("Delete list"), variant="soft", color_scheme="red",
                                               on_click=S.delete_list, min_height=TOUCH)),
            rx.button(rx.icon("plus"), _("New value"), on_click=S.open_new_value, min_height=TOUCH),
            spacing="2", wrap="wrap", align="center", margin_bottom="12px",
        ),
        rx.cond(sel.backed_by_reason_codes,
                rx.callout(_("These values are the reason codes operators pick; their loss categories are set "
                             "under Master data > Reason codes."), icon="info", size="1", margin_bottom="8px")),
        rx.cond(S.values.length() == 0, rx.text(_("No values yet."), color_scheme="gray"),
                table([_("Code"), _("Label"), _("Status"), ""], rx.foreach(S.values, _value_row))),
        flex="1", min_width="0",
    )


def type_lists_page() -> rx.Component:
    return shell(
        page_header(_("Type lists"), _("Pick lists people choose from. A value in use is retired, never deleted."),
                    rx.button(rx.icon("plus"), _("New list"), variant="soft", on_click=S.open_new_list,
                              min_height=TOUCH)),
        list_states(S.loading, S.load_error, S.lists.length() == 0, _("No type lists."), S.load,
                    rx.flex(rx.flex(rx.foreach(S.lists, _list_button), direction="column", spacing="2",
                                    width=rx.breakpoints(initial="100%", md="260px"), flex_shrink="0"),
                            _values_panel(),
                            direction=rx.breakpoints(initial="column", md="row"), spacing="4", width="100%")),
        _value_dialog(),
        _list_dialog(),
    )
