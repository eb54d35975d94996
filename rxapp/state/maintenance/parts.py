"""/maintenance/parts: the spare parts of the organization and their stock per storage location at a plant,
with receipts, issues to a plant's open tickets, minimum stock, the reorder list (below minimum) and CSV/Excel
of the stock. One dialog per action (`mode`); the rules are services.maintenance.parts'."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.maintenance.plant_picker import PlantPicker
from rxapp.state.master.common import Option, decimal_text, download, translated_fields, whole_number
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError, Invalid
from services.maintenance import parts
from services.maintenance import tickets as mt
from services.maintenance.parts import PartCreate

STOCK_COLUMNS = [*parts.STOCK_COLUMNS, ("below_minimum", _("Below minimum"))]
MODES = {"part": _("New spare part"), "receive": _("Receive parts"), "issue": _("Issue parts to a ticket"),
         "minimum": _("Minimum stock")}


@dataclass
class PartRow:
    id: int = 0
    code: str = ""
    name: str = ""
    unit: str = ""
    unit_cost: str = ""
    on_hand: int = 0


@dataclass
class StockRow:
    part_id: int = 0
    code: str = ""
    name: str = ""
    location: str = ""
    quantity: int = 0
    min_quantity: int = 0
    below_minimum: bool = False


def _money(value, key: str) -> Decimal | None:
    text = str(value or "").strip()
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        raise Invalid(fields={key: "Use a number such as 12.50."}) from None


class MaintenancePartsState(PlantPicker, AuthState):
    parts: list[PartRow] = []
    stock: list[StockRow] = []
    reorder: list[StockRow] = []
    part_options: list[Option] = []
    ticket_options: list[Option] = []
    mode: str = ""
    form_errors: dict[str, str] = {}

    def _leave_forms(self) -> None:
        self.mode = ""

    @rx.event
    def load(self):
        plant_id = as_id(self.plant_id) or -1

        def read(s, a):
            return (parts.list_parts(s, a, plant_id=plant_id), parts.stock(s, a, plant_id=plant_id),
                    mt.list_tickets(s, a, plant_id=plant_id, open_only=True, now=utcnow()))
        try:
            found, stock, tickets = self._use_case(read)
        except DomainError as error:
            self.parts, self.stock, self.reorder, self.loading = [], [], [], False
            self.load_error = _(error.message)
            return self._refused(error, quiet=True)
        self.parts = [PartRow(id=p.id, code=p.code, name=p.name, unit=p.unit, unit_cost=decimal_text(p.unit_cost),
                              on_hand=p.on_hand) for p in found]
        self.stock = [StockRow(**r.model_dump(include=set(StockRow.__dataclass_fields__))) for r in stock]
        self.reorder = [r for r in self.stock if r.below_minimum]
        self.part_options = [Option(value=str(p.id), label=f"{p.code} · {p.name}") for p in found if p.is_active]
        self.ticket_options = [Option(value=str(t.id), label=f"{t.number} · {t.machine_code} · {t.title}")
                               for t in tickets]
        self.loading, self.load_error = False, ""
        return None

    @rx.event
    def set_plant(self, value: str):
        self.plant_id, self.mode = str(as_id(value) or ""), ""
        return MaintenancePartsState.load

    @rx.event
    def open_form(self, mode: str):
        self.mode, self.form_errors = (mode if mode in MODES else ""), {}

    @rx.event
    def set_form_open(self, value: bool):
        if not value:
            self.mode, self.form_errors = "", {}

    def _submit(self, form: dict):
        plant_id, part_id, location = as_id(self.plant_id) or 0, as_id(form.get("part_id")) or 0, str(
            form.get("location") or "")
        if self.mode == "part":
            data = PartCreate(code=str(form.get("code") or ""), name=str(form.get("name") or ""),
                              unit=str(form.get("unit") or "pc"),
                              unit_cost=_money(form.get("unit_cost"), "unit_cost") or Decimal("0"))
            return self._use_case(parts.create_part, data, now=utcnow())
        if self.mode == "receive":
            return self._use_case(parts.receive, part_id, plant_id, location, whole_number(form.get("quantity", ""), "quantity"),
                                  unit_cost=_money(form.get("unit_cost"), "unit_cost"),
                                  note=str(form.get("note") or ""), now=utcnow())
        if self.mode == "issue":
            return self._use_case(parts.issue_to_ticket, as_id(form.get("ticket_id")) or 0, part_id, location,
                                  whole_number(form.get("quantity", ""), "quantity"), now=utcnow())
        return self._use_case(parts.set_minimum, part_id, plant_id, location,
                              whole_number(form.get("min_quantity", ""), "min_quantity"), now=utcnow())

    @rx.event
    def save(self, form: dict):
        if self.mode not in MODES:
            return None
        try:
            self._submit(form)
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        self.mode, self.form_errors = "", {}
        return [rx.toast.success(_("Saved")), MaintenancePartsState.load]

    @rx.event
    def export(self, fmt: str, below_minimum: bool = False):
        try:
            rows = self._use_case(parts.stock, plant_id=as_id(self.plant_id) or -1, below_minimum=bool(below_minimum))
        except DomainError as error:
            return self._refused(error)
        return download(rows, STOCK_COLUMNS, "reorder-list" if below_minimum else "spare-parts-stock", fmt)
