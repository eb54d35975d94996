"""/quality/plans state: inspection plans of the person's plants, a new plan (plant, product,
optional routing step), and the chosen plan's characteristics with an "add characteristic" form.
Everything goes through services/quality/inspection_plans.py (QUALITY to change)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.master.setup import SetupStep, setup_steps
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.master import readiness
from services.org import plants
from services.quality import inspection_plans
from services.quality.inspection_plans import (
    CHART_LABELS,
    CharacteristicData,
    PlanCreate,
    PlanRead,
)

CHARTS = [(k.value, label) for k, label in CHART_LABELS.items()]
RULESETS = [("western_electric", _("Western Electric rules 1-4")), ("nelson", _("Nelson rules 1-8"))]


@dataclass
class PlanRow:
    id: int = 0
    name: str = ""
    product: str = ""
    step: str = ""
    characteristics: int = 0
    can_change: bool = False         # quality staff at the plan's plant: add characteristics


@dataclass
class CharRow:
    id: int = 0
    name: str = ""
    spec: str = ""
    chart: str = ""
    n: int = 1
    has_limits: bool = False
    href: str = ""


def _spec(c) -> str:
    return " / ".join("—" if v is None else f"{v.normalize()}" for v in (c.lsl, c.nominal, c.usl)) + f" {c.unit}"


def _plans(session, actor) -> tuple[list[PlanRead], dict[int, bool], bool]:
    """The plans, which of them the actor may change, and whether they may create one."""
    plans = inspection_plans.list_plans(session, actor)
    return (plans, {p.id: inspection_plans.may_change(actor, p.plant_id) for p in plans},
            inspection_plans.may_change(actor))


class PlansState(AuthState):
    plans: list[PlanRow] = []
    plan_id: int = 0
    characteristics: list[CharRow] = []
    plant_options: list[Option] = []
    product_options: list[Option] = []
    step_options: list[Option] = []
    all_steps: list[list[str]] = []
    plan_form_open: bool = False
    errors: dict[str, str] = {}
    char_errors: dict[str, str] = {}
    loading: bool = True
    load_error: str = ""
    can_create: bool = False         # "New plan": quality staff at one of their plants
    setup: list[SetupStep] = []      # no plan and no product to inspect yet

    @rx.event
    def enter(self):
        self.loading, self.plan_form_open, self.errors, self.char_errors = True, False, {}, {}
        return PlansState.load

    @rx.event
    def load(self):
        try:
            found, changes, self.can_create = self._use_case(_plans)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.setup = [] if found else setup_steps(self._use_case(readiness.missing_steps, need=("products", "routings")))
        self.plans = [PlanRow(id=p.id, name=p.name, product=f"{p.product_code} {p.product_name}", step=p.step_name,
                              characteristics=p.characteristics, can_change=changes[p.id]) for p in found]
        if self.plan_id not in {p.id for p in found}:
            self.plan_id = found[0].id if found else 0
        self.loading, self.load_error = False, ""
        return PlansState.load_characteristics

    @rx.var
    def can_change_plan(self) -> bool:
        return any(p.id == self.plan_id and p.can_change for p in self.plans)

    @rx.event
    def choose_plan(self, plan_id: int):
        self.plan_id, self.char_errors = int(plan_id), {}
        return PlansState.load_characteristics

    @rx.event
    def load_characteristics(self):
        if not self.plan_id:
            self.characteristics = []
            return
        try:
            rows = self._use_case(inspection_plans.list_characteristics, self.plan_id)
        except DomainError as error:
            return self._refused(error)
        self.characteristics = [CharRow(id=c.id, name=c.name, spec=_spec(c), chart=c.chart_label, n=c.subgroup_size,
                                        has_limits=c.has_limits, href=f"{routes.QUALITY_SPC}?characteristic={c.id}")
                                for c in rows]

    @rx.event
    def open_plan_form(self):
        try:
            sites, options = self._use_case(lambda s, a: (plants.list_plants(s, a), inspection_plans.plan_options(s, a)))
        except DomainError as error:
            return self._refused(error)
        self.plant_options = [Option(value=str(p.id), label=f"{p.code} · {p.name}") for p in sites]
        self.product_options = [Option(value=str(i), label=label) for i, label in options["products"]]
        self.all_steps = [[str(i), str(pid), label] for i, pid, label in options["steps"]]
        self.step_options, self.errors, self.plan_form_open = [], {}, True

    @rx.event
    def product_chosen(self, value: str):
        self.step_options = [Option(value=i, label=label) for i, pid, label in self.all_steps if pid == value]

    @rx.event
    def set_plan_form_open(self, value: bool):
        self.plan_form_open = bool(value)

    @rx.event
    def save_plan(self, form: dict):
        step = str(form.get("routing_step_id", "")).strip()
        try:
            data = PlanCreate(plant_id=as_id(form.get("plant_id", "")), product_id=as_id(form.get("product_id", "")),
                              name=str(form.get("name", "")), routing_step_id=int(step) if step.isdigit() else None)
            plan = self._use_case(inspection_plans.create_plan, data, now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.plan_form_open, self.errors, self.plan_id = False, {}, plan.id
        return [rx.toast.success(_("Inspection plan created")), PlansState.load]

    @rx.event
    def add_characteristic(self, form: dict):
        size = str(form.get("subgroup_size", "")).strip()
        try:
            data = CharacteristicData(name=str(form.get("name", "")), unit=str(form.get("unit", "")),
                                      nominal=str(form.get("nominal", "")), lsl=str(form.get("lsl", "")),
                                      usl=str(form.get("usl", "")), chart_type=str(form.get("chart_type", "")),
                                      ruleset=str(form.get("ruleset", "western_electric")),
                                      subgroup_size=int(size) if size.isdigit() else 1)
            self._use_case(inspection_plans.add_characteristic, self.plan_id, data, now=utcnow())
        except DomainError as error:
            self.char_errors = translated_fields(error)
            return self._refused(error)
        self.char_errors = {}
        return [rx.toast.success(_("Characteristic added")), PlansState.load]
