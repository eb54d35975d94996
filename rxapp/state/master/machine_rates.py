"""Cycle-time overrides of one machine: its own ideal cycle time per product, replacing the
routing's on that machine (services.master.work_centers keeps the rules: > 0 seconds, the actor's plants)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import Option, decimal_text, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError, Invalid
from services.master import products as product_service
from services.master import work_centers as wc_service
from services.master.work_centers import MachineRateInput


@dataclass
class RateRow:
    id: int = 0
    product_code: str = ""
    product_name: str = ""
    seconds: str = ""


def _rates(session, actor, machine_id: int):
    machine = wc_service.get_machine(session, actor, machine_id)
    return machine, wc_service.list_machine_rates(session, actor, machine_id), \
        product_service.list_products(session, actor, active=True)


class RatesState(AuthState):
    open: bool = False
    machine_label: str = ""
    rates: list[RateRow] = []
    product_options: list[Option] = []
    errors: dict[str, str] = {}
    _machine_id: int = 0

    @rx.event
    def open_for(self, machine_id: int):
        self._machine_id, self.errors = as_id(machine_id), {}
        refused = self._reload()
        if refused is None:
            self.open = True
        return refused

    @rx.event
    def set_open(self, is_open: bool):
        self.open = bool(is_open)

    @rx.event
    def save(self, form: dict):
        product_id = as_id(form.get("product_id"))
        try:
            if not product_id:
                raise Invalid(fields={"product_id": "Pick a product."})
            rate = self._use_case(wc_service.set_machine_rate, self._machine_id, MachineRateInput(
                product_id=product_id, ideal_cycle_seconds=str(form.get("ideal_cycle_seconds", "")).strip()), now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors = {}
        return [rx.toast.success(_("Cycle time saved") + f": {rate.product_code}"), *(self._reload() or [])]

    @rx.event
    def remove(self, rate_id: int):
        try:
            self._use_case(wc_service.remove_machine_rate, as_id(rate_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Cycle-time override removed")), *(self._reload() or [])]

    def _reload(self) -> list | None:
        try:
            machine, rates, products = self._use_case(_rates, self._machine_id)
        except DomainError as error:
            self.open, self._machine_id, self.rates, self.product_options = False, 0, [], []
            return self._refused(error)
        self.machine_label = f"{machine.code} · {machine.display_name or machine.name}"
        self.rates = [RateRow(id=r.id, product_code=r.product_code, product_name=r.product_name,
                              seconds=decimal_text(r.ideal_cycle_seconds)) for r in rates]
        self.product_options = [Option(str(p.id), f"{p.code} · {p.name}") for p in products]
        return None
