"""/maintenance/settings: SLA targets per priority, the escalation team and the automatic ticket rules of a
plant. Each section is its own small form."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import active_toggle, edit_button, form_field, row_actions, select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, list_states, page_header, text_input
from rxapp.i18n import _
from rxapp.state.maintenance.settings import MaintenanceSettingsState as S
from rxapp.state.maintenance.settings import RuleRow, TargetRow
from rxapp.state.maintenance.tickets import PRIORITY_OPTIONS


def _number(name: str, value) -> rx.Component:
    return text_input(name, default_value=value.to_string(), input_mode="numeric")


def _target_form(t: TargetRow) -> rx.Component:
    e = S.target_errors
    return rx.form(rx.flex(
        rx.box(form_field(_("Response (min)"), _number("response_minutes", t.response_minutes), e, "response_minutes"),
               width="130px"),
        rx.box(form_field(_("Resolution (min)"), _number("resolution_minutes", t.resolution_minutes), e,
                          "resolution_minutes"), width="130px"),
        rx.box(form_field(_("Warn before (min)"), _number("warn_minutes", t.warn_minutes), e, "warn_minutes"),
               width="130px"),
        rx.el.label(rx.flex(rx.checkbox(name="pause_waiting_parts", default_checked=t.pause_waiting_parts, size="3"),
                            rx.text(_("Pause while waiting for parts")), spacing="2", align="center"),
                    min_height=TOUCH, display="flex", align_items="center"),
        rx.button(_("Save"), type="submit", size="3", min_height=TOUCH),
        spacing="3", wrap="wrap", align="end"), on_submit=S.save_target, reset_on_submit=False,
        key=S.version.to_string() + t.priority, data_testid="sla-target-form")


def _target(t: TargetRow) -> rx.Component:
    return rx.card(
        rx.flex(rx.heading(t.priority, size="4"),
                rx.text(t.response_minutes, " / ", t.resolution_minutes, " min", color_scheme="gray"),
                rx.cond(t.pause_waiting_parts, rx.badge(_("pauses for parts"), variant="soft")),
                rx.cond(t.configured, rx.fragment(), rx.badge(_("default"), color_scheme="gray", variant="soft")),
                edit_button(S.edit_target(t.priority)), spacing="3", align="center", wrap="wrap"),
        rx.cond(S.editing == t.priority, _target_form(t)),
        width="100%", data_testid="sla-target")


def _team() -> rx.Component:
    e = S.team_errors
    return rx.form(rx.flex(
        rx.box(form_field(_("Maintenance lead"), select_control("lead_user_id", S.lead_options,
                                                                default_value=S.lead_user_id, placeholder="—"),
                          e, "lead_user_id"), min_width="220px", flex="1"),
        rx.box(form_field(_("Plant manager"), select_control("manager_user_id", S.manager_options,
                                                             default_value=S.manager_user_id, placeholder="—"),
                          e, "manager_user_id"), min_width="220px", flex="1"),
        rx.box(form_field(_("Manager after (min)"), text_input("manager_after_minutes",
                                                               default_value=S.manager_after_minutes,
                                                               input_mode="numeric"), e, "manager_after_minutes"),
               width="160px"),
        rx.button(_("Save team"), type="submit", size="3", min_height=TOUCH),
        spacing="3", wrap="wrap", align="end"), on_submit=S.save_team, reset_on_submit=False,
        key=S.version.to_string() + "team")


def _rule(r: RuleRow) -> rx.Component:
    return rx.table.row(rx.table.cell(r.machine), rx.table.cell(r.reason), rx.table.cell(r.threshold_minutes),
                        rx.table.cell(r.priority),
                        row_actions(edit_button(S.start_rule_edit(r.id)),
                                    active_toggle(r.is_active, S.set_rule_active(r.id, False),
                                                  S.set_rule_active(r.id, True))),
                        data_testid="auto-rule")


def _rule_fields(machine_id, reason_code_id, threshold, priority) -> list[rx.Component]:
    e = S.rule_errors
    return [
        rx.box(form_field(_("Machine"), select_control("machine_id", S.machine_options, default_value=machine_id,
                                                       placeholder=_("Any machine")), e, "machine_id"),
               min_width="200px", flex="1"),
        rx.box(form_field(_("Reason"), select_control("reason_code_id", S.reason_options, default_value=reason_code_id,
                                                      placeholder=_("Any reason")), e, "reason_code_id"),
               min_width="200px", flex="1"),
        rx.box(form_field(_("Down longer than (min)"), text_input("threshold_minutes", default_value=threshold,
                                                                  input_mode="numeric"), e, "threshold_minutes"),
               width="170px"),
        rx.box(form_field(_("Priority"), select_control("priority", PRIORITY_OPTIONS, default_value=priority), e,
                          "priority"), width="140px")]


def _new_rule() -> rx.Component:
    return rx.form(rx.flex(
        *_rule_fields("", "", "30", "high"),
        rx.button(rx.icon("plus"), _("Add rule"), type="submit", size="3", min_height=TOUCH),
        spacing="3", wrap="wrap", align="end"), on_submit=S.add_rule, reset_on_submit=False,
        key=S.version.to_string() + "rule")


def _edit_rule() -> rx.Component:
    r = S.edit_rule
    return rx.card(rx.form(rx.flex(
        *_rule_fields(r.machine_id, r.reason_code_id, r.threshold_minutes.to_string(), r.priority),
        rx.button(_("Save rule"), type="submit", size="3", min_height=TOUCH),
        rx.button(_("Cancel"), type="button", variant="soft", color_scheme="gray", size="3", min_height=TOUCH,
                  on_click=S.cancel_rule_edit),
        spacing="3", wrap="wrap", align="end"), on_submit=S.save_rule, reset_on_submit=False,
        key=S.version.to_string() + "edit-rule"), width="100%", data_testid="auto-rule-edit")


def maintenance_settings_page() -> rx.Component:
    return shell(
        page_header(_("Maintenance settings"), _("SLA targets, the escalation team and automatic tickets per plant.")),
        rx.box(select_control("plant", S.plant_options, value=S.plant_id, on_change=S.set_plant,
                              aria_label=_("Plant")), width="220px", margin_bottom="12px"),
        list_states(S.loading, S.load_error, False, "", S.load, rx.flex(
            rx.heading(_("SLA targets"), size="5"),
            rx.text(rx.cond(S.working_time, _("Measured in working time of the plant's shift calendar."),
                            _("Measured around the clock (24/7): the plant has no shift calendar.")),
                    color_scheme="gray", data_testid="sla-time-basis"),
            rx.foreach(S.targets, _target),
            rx.heading(_("Escalation team"), size="5", margin_top="16px"),
            rx.text(_("A breach notifies the maintenance lead, then the plant manager."), color_scheme="gray"),
            _team(),
            rx.heading(_("Automatic tickets"), size="5", margin_top="16px"),
            rx.text(_("Raise a ticket when a machine is down longer than a threshold; the most specific rule wins."),
                    color_scheme="gray"),
            table([_("Machine"), _("Reason"), _("Minutes"), _("Priority"), ""], rx.foreach(S.rules, _rule)),
            rx.cond(S.editing_rule != 0, _edit_rule(), _new_rule()),
            direction="column", spacing="3", width="100%")),
    )
