"""The create/edit dialog of a customer order and its lines. The person's input is read here only
as far as needed to call services.production.orders (whole numbers, dates, prices); every rule is the
service's, and its field errors are shown next to the fields."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.production.orders import Option, OrderDetailState, OrdersState
from services.core.errors import DomainError
from services.master import customers, products
from services.production import orders


@dataclass
class LineDraft:
    key: int = 0                      # local id of the row in the dialog
    line_id: int = 0                  # the stored line (0: new)
    product_id: str = ""
    quantity: str = ""
    promised: str = ""
    price: str = ""
    error: str = ""                   # what is wrong with this line, in words


class OrderFormState(AuthState):
    form_open: bool = False
    mode: str = "create"                 # create | edit
    number: str = ""
    plant_id: str = ""
    customer_id: str = ""
    reference: str = ""
    note: str = ""
    drafts: list[LineDraft] = []
    errors: dict[str, str] = {}
    busy: bool = False
    product_options: list[Option] = []
    customer_options: list[Option] = []
    _order_id: int = 0
    _next_key: int = 1

    @rx.var
    def plant_options(self) -> list[Option]:
        return [Option(id=str(p.id), label=f"{p.code} · {p.name}") for p in self.plants]

    @rx.event
    def open_create(self):
        try:
            self._load_options()
        except DomainError as error:
            return self._refused(error)
        self.mode, self._order_id, self.number = "create", 0, ""
        self.plant_id = str(self.plants[0].id) if self.plants else ""
        self.customer_id = self.reference = self.note = ""
        self.drafts, self.errors = [], {}
        self._add_draft()
        self.form_open = True

    @rx.event
    def open_edit(self, order_id: int):
        try:
            detail = self._use_case(orders.get_order, as_id(order_id))
            self._load_options()
        except DomainError as error:
            return self._refused(error)
        self.mode, self._order_id, self.number = "edit", detail.id, detail.number
        self.plant_id, self.customer_id = str(detail.plant_id), str(detail.customer_id)
        self.reference, self.note, self.errors = detail.customer_reference, detail.note, {}
        self.drafts = []
        for line in detail.lines:
            self._add_draft(line_id=line.id, product_id=str(line.product_id), quantity=str(line.quantity),
                            promised=line.promised_date.isoformat(),
                            price="" if line.unit_price is None else f"{line.unit_price.normalize():f}")
        self.form_open = True

    def _load_options(self) -> None:
        found_products = self._use_case(products.list_products, active=True, limit=2000)
        found_customers = self._use_case(customers.list_customers, active=True, limit=1000)
        self.product_options = [Option(id=str(p.id), label=f"{p.code} · {p.display_name or p.name}") for p in found_products]
        self.customer_options = [Option(id=str(c.id), label=f"{c.code} · {c.display_name or c.name}") for c in found_customers]

    def _add_draft(self, **values) -> None:
        values.setdefault("promised", (utcnow().date() + timedelta(days=14)).isoformat())
        self.drafts = [*self.drafts, LineDraft(key=self._next_key, **values)]
        self._next_key += 1

    @rx.event
    def add_line(self):
        self._add_draft()

    @rx.event
    def remove_line(self, key: int):
        self.drafts = [d for d in self.drafts if d.key != as_id(key)]

    @rx.event
    def set_line(self, key: int, name: str, value: str):
        if name not in ("product_id", "quantity", "promised", "price"):
            return
        self.drafts = [replace(d, **{name: str(value)}) if d.key == as_id(key) else d for d in self.drafts]

    @rx.event
    def set_field(self, name: str, value: str):
        if name in ("plant_id", "customer_id", "reference", "note"):
            setattr(self, name, str(value))

    @rx.event
    def set_form_open(self, is_open: bool):
        self.form_open = bool(is_open)

    def _lines(self) -> tuple[list[orders.OrderLineInput], dict[str, str]]:
        """The drafts as service input; what cannot even be read becomes a field error here."""
        lines, problems = [], {}
        for i, d in enumerate(self.drafts):
            quantity, promised, price = _whole(d.quantity), _date_or_none(d.promised), _price(d.price)
            if quantity is None:
                problems[f"lines.{i}.quantity"] = _("Enter a whole number above 0.")
            if promised is None:
                problems[f"lines.{i}.promised_date"] = _("Choose a date.")
            if price is False:
                problems[f"lines.{i}.unit_price"] = _("Enter a number like 12.50, or leave it empty.")
            if not as_id(d.product_id):
                problems[f"lines.{i}.product_id"] = _("Choose a product.")
            if not problems:
                lines.append(orders.OrderLineInput(id=d.line_id or None, product_id=as_id(d.product_id),
                                                   quantity=quantity, promised_date=promised,
                                                   unit_price=price or None))
        return lines, problems

    def _show_errors(self, problems: dict[str, str]) -> None:
        """Header errors by field; line errors onto their line (keys like lines.2.quantity)."""
        self.errors = problems
        self.drafts = [replace(d, error=" ".join(v for k, v in problems.items() if k.startswith(f"lines.{i}.")))
                       for i, d in enumerate(self.drafts)]

    @rx.event
    def save(self):
        lines, problems = self._lines()
        if not self.drafts:
            problems["lines"] = _("Add at least one line.")
        if self.mode == "create" and not as_id(self.customer_id):
            problems["customer_id"] = _("Choose a customer.")
        if problems:
            self._show_errors(problems)
            return rx.toast.error(_("Some fields are not valid."))
        try:
            if self.mode == "create":
                detail = self._use_case(orders.create_order, orders.OrderCreate(
                    plant_id=as_id(self.plant_id), customer_id=as_id(self.customer_id),
                    customer_reference=self.reference, note=self.note, lines=lines), now=utcnow())
            else:
                detail = self._use_case(orders.update_order, self._order_id, orders.OrderUpdate(
                    customer_reference=self.reference, note=self.note, lines=lines), now=utcnow())
        except DomainError as error:
            self._show_errors({k: _(v) for k, v in error.fields.items()})
            return self._refused(error)
        self.form_open, self.errors = False, {}
        done = _("Order created") if self.mode == "create" else _("Changes saved")
        return [rx.toast.success(f"{done}: {detail.number}"), OrdersState.load, OrderDetailState.show(detail.id)]


def _whole(text: str) -> int | None:
    try:
        value = int(str(text).strip())
    except ValueError:
        return None
    return value if value > 0 else None


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        return None


def _price(text: str) -> Decimal | None | bool:
    text = str(text).strip().replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return False
