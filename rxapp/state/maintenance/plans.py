"""/maintenance/plans: the preventive plans of a plant (machine or machine class, trigger, interval, lead time,
checklist, next due), created and edited in one dialog, activated and deactivated. The rules are
services.maintenance.plans'; every handler re-resolves the actor."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.maintenance.plant_picker import PlantPicker
from rxapp.state.master.common import Option, translated_fields, whole_number
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.maintenance import plans
from services.maintenance.plans import PlanCreate, PlanRead
from services.master import work_centers

TRIGGER_OPTIONS = [("calendar", _("Calendar")), ("count", _("Parts counted")), ("run_hours", _("Run hours"))]
UNIT_OPTIONS = [("days", _("days")), ("weeks", _("weeks")), ("months", _("months"))]


@dataclass
class PlanRow:
    id: int = 0
    name: str = ""
    target: str = ""
    every: str = ""
    lead_days: int = 0
    priority: str = ""
    checklist_size: int = 0
    next_due: str = ""
    is_active: bool = True


@dataclass
class PlanForm:
    """The dialog's inputs as text (empty id: a new plan)."""
    id: str = ""
    name: str = ""
    target: str = ""                 # "m:<machine id>" or "c:<work center id>"
    trigger: str = "calendar"
    interval: str = "1"
    unit: str = "weeks"
    lead_days: str = "3"
    duration_minutes: str = "60"
    priority: str = "medium"
    checklist: str = ""              # one item a line


def _target_options(session, actor, plant_id: int) -> list[Option]:
    machines = [Option(value=f"m:{m.id}", label=f"{m.code} · {m.display_name or m.name}")
                for m in work_centers.list_machines(session, actor, plant_id=plant_id)]
    classes = [Option(value=f"c:{w.id}", label=_("Class") + f": {w.code} · {w.name}")
               for w in work_centers.list_work_centers(session, actor, plant_id=plant_id)]
    return machines + classes


def _every(p: PlanRead) -> str:
    unit = {"count": _("parts"), "run_hours": _("run hours")}.get(p.trigger, _(p.unit))
    return _("every {n} {unit}").format(n=p.interval, unit=unit)


def _form_data(form: dict) -> PlanCreate:
    target = str(form.get("target") or "")
    kind, _sep, ident = target.partition(":")
    machine_id = as_id(ident) if kind == "m" else None
    work_center_id = as_id(ident) if kind == "c" else None
    return PlanCreate(name=str(form.get("name") or ""), machine_id=machine_id or None,
                      work_center_id=work_center_id or None, trigger=str(form.get("trigger") or "calendar"),
                      interval=whole_number(form.get("interval", ""), "interval"), unit=str(form.get("unit") or "weeks"),
                      lead_days=whole_number(form.get("lead_days", ""), "lead_days"),
                      duration_minutes=whole_number(form.get("duration_minutes", ""), "duration_minutes"),
                      priority=str(form.get("priority") or "medium"),
                      checklist=[line for line in str(form.get("checklist") or "").splitlines() if line.strip()])


class MaintenancePlansState(PlantPicker, AuthState):
    rows: list[PlanRow] = []
    targets: list[Option] = []
    form: PlanForm = PlanForm()
    form_open: bool = False
    form_version: int = 0
    form_errors: dict[str, str] = {}

    @rx.event
    def load(self):
        plant_id = as_id(self.plant_id) or -1

        def read(s, a):
            now = utcnow()
            return _target_options(s, a, plant_id), [(p, plans.next_due(s, a, p.id, now=now) if p.is_active else None)
                                                     for p in plans.list_plans(s, a, plant_id=plant_id)]
        try:
            self.targets, found = self._use_case(read)
        except DomainError as error:
            self.rows, self.loading, self.load_error = [], False, _(error.message)
            return self._refused(error, quiet=True)
        targets = {o.value: o.label for o in self.targets}
        self.rows = [PlanRow(id=p.id, name=p.name, priority=p.priority, lead_days=p.lead_days, is_active=p.is_active,
                             target=targets.get(f"m:{p.machine_id}" if p.machine_id else f"c:{p.work_center_id}", ""),
                             every=_every(p), checklist_size=len(p.checklist),
                             next_due=self._when(due, p.plant_id) or "–") for p, due in found]
        self.loading, self.load_error = False, ""
        return None

    @rx.event
    def set_plant(self, value: str):
        self.plant_id, self.form_open = str(as_id(value) or ""), False
        return MaintenancePlansState.load

    def _open(self, form: PlanForm) -> None:
        self.form, self.form_errors, self.form_open = form, {}, True
        self.form_version += 1

    @rx.event
    def open_new(self):
        return self._open(PlanForm())

    @rx.event
    def open_edit(self, plan_id: int):
        try:
            p = next((p for p in self._use_case(plans.list_plans, plant_id=as_id(self.plant_id) or -1)
                      if p.id == as_id(plan_id)), None)
        except DomainError as error:
            return self._refused(error)
        if p is None:
            return rx.toast.error(_("Plan not found."))
        return self._open(PlanForm(id=str(p.id), name=p.name, trigger=p.trigger, interval=str(p.interval),
                                   target=f"m:{p.machine_id}" if p.machine_id else f"c:{p.work_center_id}",
                                   unit=p.unit if p.trigger == "calendar" else "weeks", lead_days=str(p.lead_days),
                                   duration_minutes=str(p.duration_minutes), priority=p.priority,
                                   checklist="\n".join(p.checklist)))

    @rx.event
    def set_form_open(self, value: bool):
        self.form_open, self.form_errors = bool(value), {}

    @rx.event
    def save(self, form: dict):
        plan_id = as_id(self.form.id)
        try:
            data = _form_data(form)
            if plan_id:
                self._use_case(plans.update_plan, plan_id, data, now=utcnow())
            else:
                self._use_case(plans.create_plan, data, now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        self.form_open, self.form_errors = False, {}
        return [rx.toast.success(_("Plan saved")), MaintenancePlansState.load]

    @rx.event
    def set_active(self, plan_id: int, active: bool):
        try:
            self._use_case(plans.set_plan_active, as_id(plan_id) or 0, bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return MaintenancePlansState.load
