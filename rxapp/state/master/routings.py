"""Routings page state: routings by product (search, status, export), one routing's ordered
steps with add/edit/remove/move up/down, activate (replacing the product's active one) and
deactivate. services.master.routings keeps the rules (one active per product, cycle time > 0, ...)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import (
    MasterList,
    Option,
    active_flag,
    decimal_text,
    translated_fields,
)
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.master import products as product_service
from services.master import routings as routing_service
from services.master import work_centers as wc_service
from services.master.routings import (
    ROUTING_COLUMNS,
    RoutingCreate,
    RoutingRead,
    RoutingUpdate,
    StepInput,
    StepUpdate,
)


@dataclass
class RoutingRow:
    id: int = 0
    product_code: str = ""
    product_name: str = ""
    version: int = 1
    name: str = ""
    is_active: bool = False
    step_count: int = 0


@dataclass
class StepRow:
    id: int = 0
    sequence: int = 0
    name: str = ""
    work_center_id: int = 0
    work_center_code: str = ""
    setup_seconds: int = 0
    ideal_cycle_seconds: str = ""


def _row(r: RoutingRead) -> RoutingRow:
    return RoutingRow(id=r.id, product_code=r.product_code, product_name=r.product_name, version=r.version,
                      name=r.name, is_active=r.is_active, step_count=len(r.steps))


def _options(session, actor):
    return product_service.list_products(session, actor), wc_service.list_work_centers(session, actor)


class RoutingsState(MasterList, AuthState):
    status: str = "all"                    # drafts and older versions are part of the picture
    rows: list[RoutingRow] = []
    selected: RoutingRow = RoutingRow()
    steps: list[StepRow] = []
    product_options: list[Option] = []
    work_center_options: list[Option] = []
    editing_name: str = ""

    step_open: bool = False
    step_mode: str = "create"
    step_errors: dict[str, str] = {}
    editing_step: StepRow = StepRow()
    _step_id: int = 0

    _columns: ClassVar[list] = ROUTING_COLUMNS
    _export_name: ClassVar[str] = "routings"

    def _fetch(self, session, actor) -> list[RoutingRead]:
        return routing_service.list_routings(session, actor, search=self.search, active=active_flag(self.status))

    def _show(self, rows: list[RoutingRead]) -> None:
        self.rows = [_row(r) for r in rows]

    @rx.event
    def load(self):
        try:
            rows = self._use_case(self._fetch)
            products, centers = self._use_case(_options)
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        self._show(rows)
        self.product_options = [Option(str(p.id), f"{p.code} · {p.name}") for p in products]
        self.work_center_options = [Option(str(w.id), f"{w.plant_code} · {w.code} · {w.name}") for w in centers]
        self.loading, self.load_error = False, ""
        if self.selected.id:
            return self._select(self.selected.id)

    @rx.event
    def select(self, routing_id: int):
        return self._select(as_id(routing_id))

    def _select(self, routing_id: int) -> list | None:
        try:
            routing = self._use_case(routing_service.get_routing, routing_id)
        except DomainError as error:
            self.selected, self.steps = RoutingRow(), []
            return self._refused(error)
        self._show_routing(routing)
        return None

    def _show_routing(self, routing: RoutingRead) -> None:
        self.selected = _row(routing)
        self.steps = [StepRow(id=s.id, sequence=s.sequence, name=s.name, work_center_id=s.work_center_id,
                              work_center_code=s.work_center_code, setup_seconds=s.setup_seconds,
                              ideal_cycle_seconds=decimal_text(s.ideal_cycle_seconds)) for s in routing.steps]

    # ----- routings -------------------------------------------------------------------------------

    @rx.event
    def open_new(self):
        self.form_mode, self._edit_id, self.form_errors, self.editing_name = "create", 0, {}, ""
        self.form_open = True

    @rx.event
    def open_rename(self):
        self.form_mode, self._edit_id, self.form_errors = "edit", self.selected.id, {}
        self.editing_name, self.form_open = self.selected.name, True

    @rx.event
    def save(self, form: dict):
        name = str(form.get("name", ""))
        try:
            if self.form_mode == "create":
                routing = self._use_case(routing_service.create_routing, RoutingCreate(
                    product_id=as_id(form.get("product_id")), name=name), now=utcnow())
            else:
                routing = self._use_case(routing_service.update_routing, self._edit_id, RoutingUpdate(name=name), now=utcnow())
        except DomainError as error:
            return self._form_failed(error)
        self._show_routing(routing)
        return self._saved(_("Routing saved") + f": {routing.product_code} v{routing.version}")

    @rx.event
    def set_active(self, routing_id: int, active: bool):
        try:
            routing = self._use_case(routing_service.set_routing_active, as_id(routing_id), bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self._show_routing(routing)
        done = _("Activated") if routing.is_active else _("Deactivated")
        return [rx.toast.success(f"{done}: {routing.product_code} v{routing.version}"), RoutingsState.load]

    # ----- steps ----------------------------------------------------------------------------------

    @rx.event
    def open_new_step(self):
        self.step_mode, self._step_id, self.step_errors = "create", 0, {}
        self.editing_step, self.step_open = StepRow(ideal_cycle_seconds=""), True

    @rx.event
    def open_edit_step(self, step_id: int):
        step = next((s for s in self.steps if s.id == as_id(step_id)), None)
        if step is not None:
            self.step_mode, self._step_id, self.step_errors = "edit", step.id, {}
            self.editing_step, self.step_open = step, True

    @rx.event
    def set_step_open(self, is_open: bool):
        self.step_open = bool(is_open)

    @rx.event
    def save_step(self, form: dict):
        try:
            setup = int(str(form.get("setup_seconds", "0")).strip() or "0")
        except ValueError:
            self.step_errors = {"setup_seconds": _("Enter whole seconds.")}
            return
        values = dict(name=str(form.get("name", "")), work_center_id=as_id(form.get("work_center_id")),
                      setup_seconds=setup, ideal_cycle_seconds=str(form.get("ideal_cycle_seconds", "")).strip())
        try:
            if self.step_mode == "create":
                routing = self._use_case(routing_service.add_step, self.selected.id, StepInput(**values), now=utcnow())
            else:
                routing = self._use_case(routing_service.update_step, self._step_id, StepUpdate(**values), now=utcnow())
        except DomainError as error:
            self.step_errors = translated_fields(error)
            return self._refused(error)
        self.step_open, self.step_errors = False, {}
        self._show_routing(routing)
        return [rx.toast.success(_("Step saved") + f": {values['name'].strip()}"), RoutingsState.load]

    @rx.event
    def remove_step(self, step_id: int):
        try:
            routing = self._use_case(routing_service.remove_step, as_id(step_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self._show_routing(routing)
        return [rx.toast.success(_("Step removed")), RoutingsState.load]

    @rx.event
    def move_step(self, step_id: int, delta: int):
        order = [s.id for s in self.steps]
        if as_id(step_id) not in order:
            return
        i = order.index(as_id(step_id))
        j = max(0, min(len(order) - 1, i + (1 if as_id(delta) > 0 else -1)))
        order[i], order[j] = order[j], order[i]
        try:
            routing = self._use_case(routing_service.reorder_steps, self.selected.id, order, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self._show_routing(routing)
