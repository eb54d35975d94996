"""/maintenance/plans: the preventive plans of a plant with their next due time; one dialog creates and edits."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import (
    active_toggle,
    edit_button,
    form_field,
    row_actions,
    select_control,
    status_cell,
    table,
)
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, date_cell, dialog, form_buttons, list_states, page_header, text_input
from rxapp.i18n import _
from rxapp.state.maintenance.plans import TRIGGER_OPTIONS, UNIT_OPTIONS, PlanRow
from rxapp.state.maintenance.plans import MaintenancePlansState as S
from rxapp.state.maintenance.tickets import PRIORITY_OPTIONS


def _row(p: PlanRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(p.name)), rx.table.cell(p.target), rx.table.cell(p.every),
        rx.table.cell(p.lead_days), rx.table.cell(p.priority), rx.table.cell(p.checklist_size),
        date_cell(p.next_due, data_testid="plan-next-due"), status_cell(p.is_active),
        row_actions(edit_button(S.open_edit(p.id)),
                    active_toggle(p.is_active, S.set_active(p.id, False), S.set_active(p.id, True))),
        data_testid="plan-row")


def _dialog() -> rx.Component:
    e, f = S.form_errors, S.form
    return dialog(rx.cond(f.id != "", _("Edit plan"), _("New plan")), rx.form(rx.flex(
        form_field(_("Name"), text_input("name", default_value=f.name), e, "name"),
        form_field(_("Machine or machine class"), select_control("target", S.targets, default_value=f.target,
                                                                 placeholder="—"), e, "machine_id"),
        rx.flex(rx.box(form_field(_("Trigger"), select_control("trigger", TRIGGER_OPTIONS, default_value=f.trigger),
                                  e, "trigger"), flex="1", min_width="140px"),
                rx.box(form_field(_("Every"), text_input("interval", default_value=f.interval, input_mode="numeric"),
                                  e, "interval"), width="110px"),
                rx.box(form_field(_("Unit (calendar)"), select_control("unit", UNIT_OPTIONS, default_value=f.unit),
                                  e, "unit"), width="140px"),
                spacing="2", wrap="wrap"),
        rx.flex(rx.box(form_field(_("Lead time (days)"), text_input("lead_days", default_value=f.lead_days,
                                                                    input_mode="numeric"), e, "lead_days"), flex="1"),
                rx.box(form_field(_("Window (minutes)"), text_input("duration_minutes", default_value=f.duration_minutes,
                                                                    input_mode="numeric"), e, "duration_minutes"),
                       flex="1"),
                rx.box(form_field(_("Priority"), select_control("priority", PRIORITY_OPTIONS, default_value=f.priority),
                                  e, "priority"), flex="1"),
                spacing="2", wrap="wrap"),
        form_field(_("Checklist (one item a line)"),
                   rx.text_area(name="checklist", id="checklist", default_value=f.checklist, rows="5", width="100%"),
                   e, "checklist"),
        form_buttons(_("Save plan"), S.set_form_open(False)),
        direction="column", spacing="3"), on_submit=S.save, reset_on_submit=False, key=S.form_version),
        open=S.form_open, on_open_change=S.set_form_open, max_width="640px")


def maintenance_plans_page() -> rx.Component:
    return shell(
        page_header(_("Preventive plans"), _("Maintenance by calendar, parts counted or run hours, with a checklist.")),
        rx.flex(rx.box(select_control("plant", S.plant_options, value=S.plant_id, on_change=S.set_plant,
                                      aria_label=_("Plant")), width="220px"),
                rx.button(rx.icon("plus"), _("New plan"), on_click=S.open_new, size="3", min_height=TOUCH),
                spacing="2", wrap="wrap", align="center", margin_bottom="12px"),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No preventive plans yet."), S.load,
                    table([_("Plan"), _("Machine or class"), _("Interval"), _("Lead days"), _("Priority"),
                           _("Checklist items"), _("Next due"), _("Status"), ""], rx.foreach(S.rows, _row))),
        _dialog(),
    )
