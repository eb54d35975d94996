"""/master/machines: work centers and their machines in the actor's plants; create/edit,
deactivate, export, and each machine's per-product ideal cycle times."""
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
from rxapp.components.second_name import second_name_fields
from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    dialog,
    form_buttons,
    list_states,
    page_header,
    text_input,
)
from rxapp.i18n import _
from rxapp.pages.master.machine_rates import rates_dialog
from rxapp.state.master.machine_rates import RatesState
from rxapp.state.master.work_centers import MachineRow, ResourcesState, WorkCenterRow

S = ResourcesState


def _wc_row(w: WorkCenterRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(w.plant_code), rx.table.cell(rx.text.strong(w.code)), rx.table.cell(w.name),
        rx.table.cell(w.department_code), rx.table.cell(w.machine_count), status_cell(w.is_active),
        row_actions(edit_button(S.open_edit_wc(w.id)),
                    active_toggle(w.is_active, S.set_wc_active(w.id, False), S.set_wc_active(w.id, True))),
        data_testid="work-center-row",
    )


def _machine_row(m: MachineRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m.plant_code), rx.table.cell(rx.text.strong(m.code)),
        rx.table.cell(rx.text(m.shown), rx.cond(m.other_name != "", rx.text(m.other_name, size="1", color_scheme="gray"))),
        rx.table.cell(m.work_center_code), rx.table.cell(m.department_code), status_cell(m.is_active),
        row_actions(edit_button(S.open_edit(m.id)),
                    rx.button(_("Cycle times"), size="2", variant="ghost", min_height=PHONE_TOUCH,
                              on_click=RatesState.open_for(m.id)),
                    active_toggle(m.is_active, S.set_active(m.id, False), S.set_active(m.id, True))),
        data_testid="machine-row",
    )


def _wc_dialog() -> rx.Component:
    errors, w = S.wc_errors, S.editing_wc
    creating = S.wc_mode == "create"
    return dialog(
        rx.cond(creating, _("New work center"), _("Edit work center")),
        rx.form(
            rx.flex(
                rx.cond(creating,
                        form_field(_("Plant"), select_control("plant_id", S.plant_options, default_value=w.plant_id.to(str),
                                                              placeholder=_("Pick a plant")), errors, "plant_id"),
                        rx.text(_("Plant"), ": ", rx.text.strong(w.plant_code))),
                form_field(_("Department"), select_control("department_id", S.department_options,
                                                           default_value=w.department_id.to(str),
                                                           placeholder=_("Pick a department")), errors, "department_id"),
                form_field(_("Code"), text_input("code", default_value=w.code), errors, "code"),
                form_field(_("Name"), text_input("name", default_value=w.name), errors, "name"),
                form_buttons(_("Save work center"), S.set_wc_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=S.save_wc, reset_on_submit=False,
        ),
        open=S.wc_open, on_open_change=S.set_wc_open,
    )


def _machine_dialog() -> rx.Component:
    errors, m = S.form_errors, S.editing
    return dialog(
        rx.cond(S.form_mode == "create", _("New machine"), _("Edit machine")),
        rx.form(
            rx.flex(
                form_field(_("Work center"), select_control("work_center_id", S.work_center_options,
                                                            default_value=m.work_center_id.to(str),
                                                            placeholder=_("Pick a work center")), errors, "work_center_id"),
                form_field(_("Department"), select_control("department_id", S.department_options,
                                                           default_value=m.department_id.to(str),
                                                           placeholder=_("The work center's department")),
                           errors, "department_id"),
                form_field(_("Code"), text_input("code", default_value=m.code), errors, "code"),
                form_field(_("Name"), text_input("name", default_value=m.name), errors, "name"),
                second_name_fields(errors, m.name2, m.name2_language),
                form_buttons(_("Save machine"), S.set_form_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=S.save, reset_on_submit=False,
        ),
        open=S.form_open, on_open_change=S.set_form_open,
    )


def machines_page() -> rx.Component:
    plants = rx.box(select_control("plant_filter", S.plant_options, value=S.plant_filter, on_change=S.set_plant_filter,
                                   placeholder=_("All my plants"), aria_label=_("Plant")), width="200px")
    work_centers = rx.box(
        rx.flex(rx.heading(_("Work centers"), size="4", as_="h2"),
                rx.flex(rx.button(rx.icon("download", size=16), "CSV", variant="soft", min_height=TOUCH,
                                  on_click=S.export_work_centers("csv")),
                        rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", min_height=TOUCH,
                                  on_click=S.export_work_centers("xlsx")),
                        rx.button(rx.icon("plus"), _("New work center"), on_click=S.open_new_wc, min_height=TOUCH),
                        spacing="2", wrap="wrap"),
                justify="between", align="center", wrap="wrap", spacing="2", margin_y="12px"),
        rx.cond(S.work_centers.length() > 0,
                table([_("Plant"), _("Code"), _("Name"), _("Department"), _("Machines"), _("Status"), ""],
                      rx.foreach(S.work_centers, _wc_row)),
                rx.text(_("No work centers match."), color_scheme="gray")),
        width="100%",
    )
    machines = rx.box(
        rx.heading(_("Machines"), size="4", as_="h2", margin_y="12px"),
        rx.cond(S.rows.length() > 0,
                table([_("Plant"), _("Code"), _("Name"), _("Work center"), _("Department"), _("Status"), ""],
                      rx.foreach(S.rows, _machine_row)),
                rx.text(_("No machines match. Create a work center first, then its machines."), color_scheme="gray")),
        width="100%",
    )
    return shell(
        page_header(_("Work centers & machines"), _("Where work is done, and each machine's own cycle times.")),
        list_toolbar(S, _("New machine"), plants),
        list_states(S.loading, S.load_error, (S.rows.length() == 0) & (S.work_centers.length() == 0),
                    _("No work centers or machines yet. Start with a work center."), S.load,
                    rx.flex(work_centers, machines, direction="column", spacing="4", width="100%")),
        _wc_dialog(), _machine_dialog(), rates_dialog(),
    )
