"""Customer orders: the list with filters (OrdersState) and the detail with history, work orders,
release and cancel (OrderDetailState). The create/edit dialog is rxapp/state/production/order_form.py.

Every handler goes through services.production.orders / services.production.work_orders with the actor re-resolved from
the token; ids from the browser are only passed on (orders outside the person's plants are
NotFound). Only plain rows are kept in state.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import reflex as rx

from models.base import utcnow
from rxapp.components.status import status_label
from rxapp.i18n import _, format_datetime
from rxapp.state.master.setup import SetupStep, setup_steps
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.errors import DomainError
from services.master import customers, readiness
from services.production import orders, work_orders

PAGE = 50


@dataclass
class Option:
    id: str = ""
    label: str = ""


@dataclass
class OrderRow:
    id: int = 0
    number: str = ""
    customer: str = ""
    reference: str = ""
    status: str = ""
    lines: int = 0
    quantity: int = 0
    promised: str = ""


@dataclass
class LineRow:
    line_no: int = 0
    product: str = ""
    quantity: int = 0
    promised: str = ""
    price: str = ""
    amount: str = ""


@dataclass
class HistoryRow:
    at: str = ""
    change: str = ""
    user: str = ""
    reason: str = ""


@dataclass
class WorkOrderRow:
    id: int = 0
    number: str = ""
    product: str = ""
    quantity: int = 0
    good: int = 0
    scrap: int = 0
    percent: int = 0
    status: str = ""
    parent: str = ""


def promised_span(first: date | None, last: date | None) -> str:
    if first is None:
        return ""
    return formats.day(first, fmt="short") if first == last else \
        f"{formats.day(first, fmt='short')} – {formats.day(last, fmt='short')}"


def history_rows(entries, timezone: str) -> list[HistoryRow]:
    return [HistoryRow(at=format_datetime(h.at, timezone, "short"),
                       change=(f"{status_label(h.from_status)} → " if h.from_status else "") + status_label(h.to_status),
                       user=h.username or "", reason=h.reason) for h in entries]


class OrdersState(AuthState):
    rows: list[OrderRow] = []
    total: int = 0
    offset: int = 0
    plant_filter: str = "all"
    status_filter: str = "all"
    customer_filter: str = "all"
    search: str = ""
    promised_from: str = ""
    promised_to: str = ""
    customer_options: list[Option] = []
    loading: bool = True
    load_error: str = ""
    setup: list[SetupStep] = []      # an organization without products, routings or customers: what to set up

    @rx.var
    def plant_options(self) -> list[Option]:
        return [Option(id=str(p.id), label=f"{p.code} · {p.name}") for p in self.plants]

    @rx.var
    def page_label(self) -> str:
        if not self.total:
            return ""
        return f"{self.offset + 1}–{min(self.offset + PAGE, self.total)} / {self.total}"

    @rx.event
    def enter(self):
        self.offset = 0
        try:
            found = self._use_case(customers.list_customers, active=None, limit=1000)
        except DomainError as error:
            return self._refused(error, quiet=True)
        self.customer_options = [Option(id=str(c.id), label=f"{c.code} · {c.display_name or c.name}") for c in found]
        return OrdersState.load

    @rx.event
    def load(self):
        try:
            page = self._use_case(
                orders.list_orders, plant_id=as_id(self.plant_filter) or None, search=self.search,
                status=None if self.status_filter == "all" else self.status_filter,
                customer_id=as_id(self.customer_filter) or None, promised_from=_date(self.promised_from),
                promised_to=_date(self.promised_to), limit=PAGE, offset=self.offset)
        except (DomainError, ValueError) as error:
            self.loading, self.rows = False, []
            self.load_error = _(getattr(error, "message", str(error)))
            return self._refused(error, quiet=True) if isinstance(error, DomainError) else None
        self.rows = [OrderRow(id=o.id, number=o.number, customer=f"{o.customer_code} · {o.customer_name}",
                              reference=o.customer_reference, status=o.status, lines=o.line_count,
                              quantity=o.total_quantity, promised=promised_span(o.first_promised, o.last_promised))
                     for o in page.items]
        self.setup = [] if page.items else setup_steps(self._use_case(
            readiness.missing_steps, need=("products", "routings", "customers")))
        self.total, self.loading, self.load_error = page.total, False, ""

    @rx.event
    def apply_filters(self, form: dict):
        self.search = str(form.get("search", "")).strip()[:100]
        self.promised_from = str(form.get("promised_from", "")).strip()
        self.promised_to = str(form.get("promised_to", "")).strip()
        self.offset = 0
        return OrdersState.load

    @rx.event
    def set_filter(self, name: str, value: str):
        if name in ("plant_filter", "status_filter", "customer_filter"):
            setattr(self, name, str(value))
            self.offset = 0
            return OrdersState.load

    @rx.event
    def turn_page(self, step: int):
        self.offset = max(0, min(self.offset + int(step) * PAGE, max(0, self.total - 1)))
        return OrdersState.load


def _date(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("Write dates as YYYY-MM-DD.")) from None


class OrderDetailState(AuthState):
    detail_open: bool = False
    number: str = ""
    status: str = ""
    customer: str = ""
    reference: str = ""
    note: str = ""
    plant: str = ""
    lines: list[LineRow] = []
    history: list[HistoryRow] = []
    work_orders: list[WorkOrderRow] = []
    busy: bool = False
    can_release: bool = False          # the actions allowed now, from the order's read model
    can_edit: bool = False
    can_cancel: bool = False
    order_id: int = 0                  # the order shown (the server keeps its own copy in _order_id)
    _order_id: int = 0

    @rx.event
    def show(self, order_id: int):
        try:
            detail = self._use_case(orders.get_order, as_id(order_id))
        except DomainError as error:
            self.detail_open, self._order_id = False, 0
            return self._refused(error)
        self._fill(detail)
        self.detail_open = True

    def _fill(self, detail: orders.OrderDetail) -> None:
        plant = next((p for p in self.plants if p.id == detail.plant_id), None)
        tz = plant.timezone if plant else "UTC"
        self._order_id = self.order_id = detail.id
        self.number, self.status = detail.number, detail.status
        self.can_release, self.can_edit, self.can_cancel = detail.can_release, detail.can_edit, detail.can_cancel
        self.customer = f"{detail.customer_code} · {detail.customer_name}"
        self.reference, self.note = detail.customer_reference, detail.note
        self.plant = f"{plant.code} · {plant.name}" if plant else ""
        self.lines = [LineRow(line_no=ln.line_no, product=f"{ln.product_code} · {ln.product_name}", quantity=ln.quantity,
                              promised=formats.day(ln.promised_date, fmt="short"),
                              price=formats.number(ln.unit_price, decimals=2),
                              amount=formats.number(ln.amount, decimals=2)) for ln in detail.lines]
        self.history = history_rows(detail.history, tz)
        self.work_orders = [WorkOrderRow(id=w.id, number=w.number, product=f"{w.product_code} · {w.product_name}",
                                         quantity=w.quantity, good=w.quantity_good, scrap=w.quantity_scrap,
                                         percent=w.progress_percent, status=w.status, parent=w.parent_number or "")
                            for w in detail.work_orders]

    @rx.event
    def set_detail_open(self, is_open: bool):
        self.detail_open = bool(is_open)

    @rx.event
    def release(self):
        try:
            created = self._use_case(work_orders.release_order, self._order_id, now=utcnow())
            detail = self._use_case(orders.get_order, self._order_id)
        except DomainError as error:
            return self._refused(error)
        self._fill(detail)
        return [rx.toast.success(_("Released: {n} work orders").format(n=len(created))), OrdersState.load]

    @rx.event
    def cancel(self, form: dict):
        try:
            detail = self._use_case(orders.cancel_order, self._order_id, now=utcnow(),
                                    reason=str(form.get("reason", "")).strip()[:500])
        except DomainError as error:
            return self._refused(error)
        self._fill(detail)
        return [rx.toast.success(_("Order cancelled") + f": {detail.number}"), OrdersState.load]
