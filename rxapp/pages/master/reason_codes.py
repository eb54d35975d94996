"""/master/reason-codes: reasons for downtime, scrap, pauses and exceptions, with the planned
flag and the six-big-loss category; create/edit, deactivate, delete unused, export."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import (
    active_toggle,
    edit_button,
    form_field,
    list_toolbar,
    row_actions,
    select_control,
    status_cell,
    table,
)
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
from rxapp.state.master.reason_codes import (
    KIND_LABELS,
    LOSS_LABELS,
    ReasonCodesState,
    ReasonRow,
)

S = ReasonCodesState


def _row(r: ReasonRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.badge(r.kind_label, variant="soft")),
        rx.table.cell(rx.text.strong(r.code)),
        rx.table.cell(r.name),
        rx.table.cell(rx.cond(r.planned, rx.badge(_("Planned"), color_scheme="blue"), rx.text(_("Unplanned"), size="2"))),
        rx.table.cell(r.loss_label),
        status_cell(r.is_active),
        row_actions(
            edit_button(S.open_edit(r.id)),
            active_toggle(r.is_active, S.set_active(r.id, False), S.set_active(r.id, True)),
            rx.button(_("Delete"), size="2", variant="ghost", color_scheme="red", min_height=PHONE_TOUCH,
                      on_click=S.delete(r.id), title=_("Only a reason nobody has used can be deleted.")),
        ),
        data_testid="reason-row",
    )


def _dialog() -> rx.Component:
    errors, r = S.form_errors, S.editing
    creating = S.form_mode == "create"
    return dialog(
        rx.cond(creating, _("New reason code"), _("Edit reason code")),
        rx.form(
            rx.flex(
                rx.cond(creating,
                        form_field(_("Kind"), select_control("kind", list(KIND_LABELS.items()), default_value=r.kind),
                                   errors, "kind"),
                        rx.text(_("Kind"), ": ", rx.text.strong(r.kind_label))),
                rx.grid(
                    form_field(_("Code"), text_input("code", default_value=r.code), errors, "code"),
                    form_field(_("Position"), text_input("position", default_value=r.position.to(str),
                                                         input_mode="numeric"), errors, "position",
                               hint=_("Order in pick lists")),
                    columns="2", spacing="3", width="100%",
                ),
                form_field(_("Name"), text_input("name", default_value=r.name), errors, "name"),
                form_field(_("Loss category"), select_control("loss_category", list(LOSS_LABELS.items()),
                                                              default_value=r.loss_category, placeholder=_("None")),
                           errors, "loss_category", hint=_("Planned stops do not count against availability.")),
                rx.box(rx.el.label(rx.flex(rx.checkbox(name="planned", default_checked=r.planned),
                                           rx.text(_("Planned (not a loss)")), spacing="2", align="center")),
                       rx.cond(errors.get("planned", "") != "",
                               rx.text(errors.get("planned", ""), color_scheme="red", size="2", role="alert"))),
                form_buttons(_("Save reason code"), S.set_form_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=S.save, reset_on_submit=False,
        ),
        open=S.form_open, on_open_change=S.set_form_open,
    )


def reason_codes_page() -> rx.Component:
    kinds = rx.box(select_control("kind_filter", list(KIND_LABELS.items()), value=S.kind_filter,
                                  on_change=S.set_kind_filter, placeholder=_("All kinds"), aria_label=_("Kind")),
                   width="160px")
    return shell(
        page_header(_("Reason codes"), _("Why machines stop, why parts are scrapped, why jobs pause.")),
        list_toolbar(S, _("New reason code"), kinds),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No reason codes match. Create one or change the filters."),
                    S.load,
                    table([_("Kind"), _("Code"), _("Name"), _("Planned"), _("Loss category"), _("Status"), ""],
                          rx.foreach(S.rows, _row))),
        _dialog(),
    )
