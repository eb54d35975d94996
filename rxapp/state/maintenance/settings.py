"""/maintenance/settings: per plant, the SLA targets per priority (response, resolution, warning, pause while
waiting for parts; measured in working time of the plant's calendar or 24/7), the escalation team (maintenance
lead, plant manager) and the rules that raise a ticket when a machine is down longer than N minutes. The rules
are services.maintenance.settings'; every handler re-resolves the actor."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.maintenance.plant_picker import PlantPicker
from rxapp.state.master.common import Option, translated_fields, whole_number
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.maintenance import settings, technicians
from services.maintenance.settings import AutoRuleCreate, AutoRuleUpdate
from services.master import reason_codes, work_centers


@dataclass
class TargetRow:
    priority: str = ""
    response_minutes: int = 0
    resolution_minutes: int = 0
    warn_minutes: int = 0
    pause_waiting_parts: bool = True
    configured: bool = False


@dataclass
class RuleRow:
    id: int = 0
    machine: str = ""
    reason: str = ""
    machine_id: str = ""                           # the edit form's values ("" = any)
    reason_code_id: str = ""
    threshold_minutes: int = 0
    priority: str = ""
    is_active: bool = True


def _minutes(value, key: str) -> int:
    return whole_number(value, key, "Use a whole number of minutes.")


def _read(session, actor, plant_id: int):
    return (settings.sla_targets(session, actor, plant_id), settings.in_working_time(session, actor, plant_id),
            settings.team(session, actor, plant_id), technicians(session, actor, plant_id),
            settings.escalation_candidates(session, actor, plant_id), settings.auto_rules(session, actor, plant_id),
            work_centers.list_machines(session, actor, plant_id=plant_id),
            reason_codes.list_reason_codes(session, actor, kind="downtime"))


class MaintenanceSettingsState(PlantPicker, AuthState):
    targets: list[TargetRow] = []
    working_time: bool = False
    lead_user_id: str = ""
    manager_user_id: str = ""
    manager_after_minutes: str = "60"
    lead_options: list[Option] = []
    manager_options: list[Option] = []
    rules: list[RuleRow] = []
    machine_options: list[Option] = []
    reason_options: list[Option] = []
    version: int = 0                                  # remounts the forms with fresh default values
    editing: str = ""                                 # the priority whose target form is open
    target_errors: dict[str, str] = {}
    team_errors: dict[str, str] = {}
    rule_errors: dict[str, str] = {}
    editing_rule: int = 0                             # the rule whose edit form is open
    edit_rule: RuleRow = RuleRow()

    @rx.event
    def load(self):
        try:
            targets, working, team, leads, managers, rules, machines, reasons = self._use_case(
                _read, as_id(self.plant_id) or -1)
        except DomainError as error:
            self.targets, self.rules, self.loading, self.load_error = [], [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.targets = [TargetRow(**t.model_dump(exclude={"plant_id"})) for t in targets]
        self.working_time = working
        self.lead_user_id, self.manager_user_id = str(team.lead_user_id or ""), str(team.manager_user_id or "")
        self.manager_after_minutes = str(team.manager_after_minutes)
        self.lead_options = [Option(value=str(uid), label=name) for uid, name in leads]
        self.manager_options = [Option(value=str(uid), label=name) for uid, name in managers]
        machine_names = {m.id: f"{m.code} · {m.display_name or m.name}" for m in machines}
        reason_names = {r.id: f"{r.code} · {r.name}" for r in reasons}
        self.machine_options = [Option(value=str(k), label=v) for k, v in machine_names.items()]
        self.reason_options = [Option(value=str(k), label=v) for k, v in reason_names.items()]
        self.rules = [RuleRow(id=r.id, machine=machine_names.get(r.machine_id or 0, _("Any machine")),
                              reason=reason_names.get(r.reason_code_id or 0, _("Any reason")),
                              machine_id=str(r.machine_id or ""), reason_code_id=str(r.reason_code_id or ""),
                              threshold_minutes=r.threshold_minutes, priority=r.priority, is_active=r.is_active)
                      for r in rules]
        self.loading, self.load_error, self.editing, self.editing_rule = False, "", "", 0
        self.version += 1
        return None

    @rx.event
    def set_plant(self, value: str):
        self.plant_id = str(as_id(value) or "")
        self.target_errors, self.team_errors, self.rule_errors = {}, {}, {}
        return MaintenanceSettingsState.load

    @rx.event
    def edit_target(self, priority: str):
        self.editing, self.target_errors = str(priority), {}

    @rx.event
    def save_target(self, form: dict):
        try:
            self._use_case(settings.set_sla_target, as_id(self.plant_id) or 0, self.editing,
                           response_minutes=_minutes(form.get("response_minutes", ""), "response_minutes"),
                           resolution_minutes=_minutes(form.get("resolution_minutes", ""), "resolution_minutes"),
                           warn_minutes=_minutes(form.get("warn_minutes", ""), "warn_minutes"),
                           pause_waiting_parts=str(form.get("pause_waiting_parts") or "") in ("on", "true"),
                           now=utcnow())
        except DomainError as error:
            self.target_errors = translated_fields(error)
            return self._refused(error)
        self.target_errors = {}
        return [rx.toast.success(_("SLA target saved")), MaintenanceSettingsState.load]

    @rx.event
    def save_team(self, form: dict):
        try:
            self._use_case(settings.set_team, as_id(self.plant_id) or 0,
                           lead_user_id=as_id(form.get("lead_user_id")) or None,
                           manager_user_id=as_id(form.get("manager_user_id")) or None,
                           manager_after_minutes=_minutes(form.get("manager_after_minutes", ""),
                                                          "manager_after_minutes"), now=utcnow())
        except DomainError as error:
            self.team_errors = translated_fields(error)
            return self._refused(error)
        self.team_errors = {}
        return [rx.toast.success(_("Team saved")), MaintenanceSettingsState.load]

    @rx.event
    def add_rule(self, form: dict):
        try:
            data = AutoRuleCreate(plant_id=as_id(self.plant_id) or 0, machine_id=as_id(form.get("machine_id")) or None,
                                  reason_code_id=as_id(form.get("reason_code_id")) or None,
                                  threshold_minutes=_minutes(form.get("threshold_minutes", ""), "threshold_minutes"),
                                  priority=str(form.get("priority") or "high"))
            self._use_case(settings.create_auto_rule, data, now=utcnow())
        except DomainError as error:
            self.rule_errors = translated_fields(error)
            return self._refused(error)
        self.rule_errors = {}
        return [rx.toast.success(_("Rule added")), MaintenanceSettingsState.load]

    @rx.event
    def start_rule_edit(self, rule_id: int):
        found = next((r for r in self.rules if r.id == as_id(rule_id)), None)
        self.editing_rule, self.rule_errors = (found.id, {}) if found else (0, {})
        if found is not None:
            self.edit_rule = found
            self.version += 1

    @rx.event
    def cancel_rule_edit(self):
        self.editing_rule, self.rule_errors = 0, {}

    @rx.event
    def save_rule(self, form: dict):
        try:
            data = AutoRuleUpdate(machine_id=as_id(form.get("machine_id")) or None,
                                  reason_code_id=as_id(form.get("reason_code_id")) or None,
                                  threshold_minutes=_minutes(form.get("threshold_minutes", ""), "threshold_minutes"),
                                  priority=str(form.get("priority") or "high"))
            self._use_case(settings.update_auto_rule, self.editing_rule, data, now=utcnow())
        except DomainError as error:
            self.rule_errors = translated_fields(error)
            return self._refused(error)
        self.rule_errors = {}
        return [rx.toast.success(_("Rule saved")), MaintenanceSettingsState.load]

    @rx.event
    def set_rule_active(self, rule_id: int, active: bool):
        try:
            self._use_case(settings.set_auto_rule_active, as_id(rule_id) or 0, bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return MaintenanceSettingsState.load
