"""Vendor purchase orders and their settlements (/finance/purchase-orders for finance, /studio/portal/orders for a
vendor's portal account): the list, one order's lines and figures with the rounding rules in words, a new order
whose lines are the vendor's tasks of a project, with its cost centre and the budget warnings it would get shown
in the form before it is created (services/finance/purchasing.budget_warnings), and the actions (approve, acknowledge,
settle, record a payment) shown only where services/finance/purchasing.py says this person may take them. Every
figure and every rule comes from services/finance; this class keeps strings ready to display."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import reflex as rx
from pydantic import ValidationError

from models.base import pk, utcnow
from models.finance import TaxKind
from rxapp.i18n import _
from rxapp.state.finance.overview import CURRENCIES, Figure, money
from rxapp.state.master.common import Option, document, iso_day, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.access import Permission
from services.core.errors import DomainError
from services.finance import po_approval, po_receipts, purchasing, purchasing_documents, settlements, tax_rules
from services.finance.po_receipts import PoReceiptCreate
from services.finance.purchasing import PoCreate, PoLineInput, PoRead
from services.finance.tax_rules import TaxResult
from services.org import settings
from services.studio import partners, projects

STATUS = {"draft": _("Draft"), "approved": _("Approved"), "acknowledged": _("Acknowledged by the vendor"),
          "cancelled": _("Cancelled")}
ADJUSTED_RULE = _("Adjusted = base × difficulty × urgency, rounded half up to the currency's smallest unit.")


@dataclass
class PoRow:
    id: int = 0
    number: str = ""
    vendor: str = ""
    process: str = ""
    status: str = ""
    status_label: str = ""
    order_date: str = ""
    net: str = ""


@dataclass
class PoLineRow:
    id: int = 0
    description: str = ""
    quantity: str = ""
    unit_price: str = ""
    rates: str = ""
    base: str = ""
    adjusted: str = ""
    progress: str = ""              # lines without a task: "4 of 10 received, 3 settled"
    receivable: int = 0             # how much more of the line may be received now (0: none, or not this person's)


@dataclass
class TaskChoice:
    id: str = ""
    label: str = ""
    approved: bool = False


@dataclass
class SettlementRow:
    id: int = 0
    number: str = ""
    po_number: str = ""
    settled_on: str = ""
    tasks: str = ""
    adjusted: str = ""
    vat: str = ""
    withholding: str = ""
    net: str = ""
    paid_on: str = ""


def tax_figures(result: TaxResult | None, sign: str) -> list[Figure]:
    """One figure per tax component, its rate and rounding rule in the label."""
    if result is None:
        return []
    return [Figure(f"{sign} {c.name} ({c.rates}; {c.rounding})", money(c.amount)) for c in result.components]


def _progress(p: settlements.LineProgress | None, open_order: bool) -> tuple[str, int]:
    """A line without a task: what was received and settled, and how much more may be received now."""
    if p is None:
        return "", 0
    text = _("{received} of {ordered} received, {settled} settled").format(received=p.received, ordered=p.ordered,
                                                                            settled=p.settled)
    return text, p.receivable if open_order else 0


def po_figures(po: PoRead) -> list[Figure]:
    unit = f" {po.currency}"
    return ([Figure(_("Base"), money(po.base) + unit), Figure(_("Adjusted"), money(po.adjusted) + unit)]
            + tax_figures(po.vat, "+") + tax_figures(po.withholding, "−")
            + [Figure(_("Net payable"), money(po.net_payable) + unit)])


def _decimal(form: dict, key: str, default: str, problems: dict[str, str]) -> Decimal:
    text = str(form.get(key) or default).replace(",", "").strip()
    try:
        return Decimal(text)
    except InvalidOperation:
        problems[key] = _("Enter a number.")
        return Decimal(0)


class PurchaseOrdersState(AuthState):
    rows: list[PoRow] = []
    loading: bool = True
    load_error: str = ""
    is_finance: bool = False
    today: str = ""
    # one order
    detail_id: int = 0
    detail_title: str = ""
    detail_status: str = ""
    detail_lines: list[PoLineRow] = []
    detail_figures: list[Figure] = []
    can_submit: bool = False
    can_approve: bool = False
    approval_text: str = ""
    budget_warnings: list[str] = []
    can_acknowledge: bool = False
    settle_text: str = ""
    can_settle: bool = False
    receive_errors: dict[str, str] = {}       # per line id: why a receipt was refused
    settlement_rows: list[SettlementRow] = []
    # the new order form
    form_open: bool = False
    form_errors: dict[str, str] = {}
    vendor_options: list[Option] = []
    project_options: list[Option] = []
    vat_options: list[Option] = []
    wht_options: list[Option] = []
    form_vendor: str = ""
    form_project: str = ""
    task_choices: list[TaskChoice] = []
    chosen_tasks: list[str] = []
    default_currency: str = "EUR"               # the organization's (its settings): a new order starts in it
    currency_options: list[Option] = []
    form_values: dict[str, str] = {}           # what the budget check reads: cost centre, currency, price, rates
    form_budget_warnings: list[str] = []

    @rx.event
    def enter(self):
        self.loading, self.detail_id, self.form_open = True, 0, False
        return PurchaseOrdersState.load

    @rx.event
    def load(self):
        try:
            self._use_case(self._fill)
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        self.loading, self.load_error = False, ""

    def _fill(self, session, actor) -> None:
        self.is_finance, self.today = Permission.FINANCE in actor.permissions, utcnow().date().isoformat()
        self.rows = [PoRow(p.id, p.number, p.vendor_name, p.process_type, p.status.value, STATUS[p.status.value],
                           formats.day(p.order_date, fmt="short"), f"{money(p.net_payable)} {p.currency}")
                     for p in purchasing.list_pos(session, actor)]
        self.settlement_rows = [self._settlement_row(s) for s in settlements.list_settlements(session, actor)] \
            if self.is_finance else []
        if self.detail_id:
            self._show(session, actor, self.detail_id)

    def _show(self, session, actor, po_id: int) -> None:
        po = purchasing.read_po(session, actor, po_id)
        self.detail_id, self.detail_title, self.detail_status = po.id, f"{po.number} · {po.vendor_name}", \
            STATUS[po.status.value]
        open_order = self.is_finance and po.status in purchasing.SETTLEABLE
        progress = {p.po_line_id: p for p in settlements.line_progress(session, actor, po.id)} if self.is_finance else {}
        self.detail_lines = [PoLineRow(pk(x), x.description, str(x.quantity), money(x.unit_price),
                                       f"× {formats.exact(x.difficulty_rate)} × {formats.exact(x.urgency_rate)}",
                                       money(x.base), money(x.adjusted), *_progress(progress.get(x.id), open_order))
                             for x in po.lines]
        self.detail_figures = po_figures(po)
        self.budget_warnings = [_(w) for w in po.budget_warnings]
        self.can_submit, self.can_approve, self.approval_text = False, False, ""
        if self.is_finance:
            approval = po_approval.approval_of(session, actor, po.id)
            self.can_submit, self.can_approve = approval.may_submit, approval.may_approve
            if approval.pending_route:
                self.approval_text = _("Waiting for approval: {route}").format(route=approval.pending_route)
        self.can_acknowledge = purchasing.may_acknowledge(session, actor, po)
        self.can_settle, self.settle_text = False, ""
        if open_order:
            ready = settlements.settleable(session, actor, po.id)
            waiting = sum(p.unsettled for p in progress.values())
            self.can_settle = ready.tasks > 0 or waiting > 0
            texts = [_("{n} tasks approved at QC2 and not settled: {amount}").format(
                n=ready.tasks, amount=f"{money(ready.adjusted)} {po.currency}")] if ready.tasks or not waiting else []
            if waiting:
                texts.append(_("{n} received on other lines and not settled.").format(n=waiting))
            self.settle_text = " ".join(texts)

    @staticmethod
    def _settlement_row(s: settlements.SettlementRead) -> SettlementRow:
        unit = f" {s.currency}"
        return SettlementRow(s.id, s.number, s.po_number, formats.day(s.settled_on, fmt="short"), str(len(s.task_ids)),
                             money(s.adjusted) + unit, money(s.vat) + unit, money(s.withholding) + unit,
                             money(s.net_payable) + unit, formats.day(s.paid_on, fmt="short"))

    @rx.event
    def open_po(self, po_id: int):
        try:
            self._use_case(self._show, as_id(po_id))
        except DomainError as error:
            return self._refused(error)

    @rx.event
    def close_po(self):
        self.detail_id = 0

    def _act(self, fn, message: str):
        try:
            self._use_case(lambda s, a: fn(s, a, self.detail_id, now=utcnow()))
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(message), PurchaseOrdersState.load]

    @rx.event
    def submit(self):
        return self._act(po_approval.submit_po, _("The order is submitted for approval."))

    @rx.event
    def approve(self):
        return self._act(po_approval.approve_po, _("The order is approved."))

    @rx.event
    def acknowledge(self):
        return self._act(purchasing.acknowledge_po, _("You acknowledged the order."))

    @rx.event
    def settle(self):
        today = utcnow().date()
        return self._act(lambda s, a, po_id, now: settlements.settle(s, a, po_id, settled_on=today, received=True,
                                                                      now=now),
                         _("The settlement is made and posted."))

    @rx.event
    def receive(self, form: dict):
        """Finance confirms goods or work received on a line without a task (goods into a lot: the API)."""
        line_id = as_id(form.get("line_id"))
        try:
            quantity = int(str(form.get("quantity") or "").strip())
        except ValueError:
            self.receive_errors = {str(line_id): _("Enter a whole quantity.")}
            return None
        try:
            self._use_case(lambda s, a: po_receipts.receive(s, a, self.detail_id, PoReceiptCreate(
                po_line_id=line_id, quantity=quantity, note=str(form.get("note") or "")), now=utcnow()))
        except DomainError as error:
            self.receive_errors = {str(line_id): _(next(iter(error.fields.values()), error.message))}
            return self._refused(error, quiet=True)
        except ValidationError:
            self.receive_errors = {str(line_id): _("Enter a whole quantity above 0.")}
            return None
        self.receive_errors = {}
        return [rx.toast.success(_("The receipt is recorded.")), PurchaseOrdersState.load]

    @rx.event
    def download_statement(self, settlement_id: int, fmt: str):
        """The settlement statement as PDF or Excel (services/finance/purchasing_documents.py)."""
        ext = "xlsx" if fmt == "xlsx" else "pdf"
        make = purchasing_documents.settlement_xlsx if ext == "xlsx" else purchasing_documents.settlement_pdf
        try:
            data = self._use_case(make, as_id(settlement_id))
        except DomainError as error:
            return self._refused(error)
        number = next((r.number for r in self.settlement_rows if r.id == as_id(settlement_id)), "settlement")
        return document(data, f"{number}.{ext}")

    @rx.event
    def download_po(self):
        try:
            data = self._use_case(purchasing_documents.po_pdf, self.detail_id)
        except DomainError as error:
            return self._refused(error)
        return document(data, f"{self.detail_title.split(' ')[0]}.pdf")

    @rx.event
    def mark_paid(self, form: dict):
        try:
            paid_on = iso_day(form.get("paid_on", ""), "paid_on")
            self._use_case(settlements.mark_paid, as_id(form.get("settlement_id")), paid_on, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("The payment is recorded.")), PurchaseOrdersState.load]

    # ----- a new order -----------------------------------------------------------------------------------------

    @rx.event
    def open_new(self):
        try:
            self._use_case(self._choices)
        except DomainError as error:
            return self._refused(error)
        self.form_open, self.form_errors, self.task_choices, self.chosen_tasks = True, {}, [], []
        self.form_vendor = self.form_project = ""
        self.form_values, self.form_budget_warnings = {"currency": self.default_currency}, []

    def _choices(self, session, actor) -> None:
        today = utcnow().date()
        self.default_currency = settings.organization_currency(session, actor)     # a new order starts in it
        self.currency_options = [Option(c, label) for c, label in CURRENCIES] + (
            [] if self.default_currency in {c for c, _l in CURRENCIES} else [Option(self.default_currency,
                                                                                   self.default_currency)])
        self.vendor_options = [Option(str(p.id), p.name + (f" ({_('individual')})" if p.is_individual else ""))
                               for p in partners.list_partners(session, actor)]
        self.project_options = [Option(str(p.id), f"{p.number} · {p.name}")
                                for p in projects.list_projects(session, actor)]
        rules = tax_rules.list_tax_rules(session, actor, on=today)
        self.vat_options = [Option(r.code, f"{r.code} · {r.name} ({r.currency})") for r in rules if r.kind == TaxKind.VAT]
        self.wht_options = [Option(r.code, f"{r.code} · {r.name} ({r.currency})") for r in rules
                            if r.kind == TaxKind.WITHHOLDING]

    @rx.event
    def set_form_open(self, is_open: bool):
        self.form_open = bool(is_open)

    @rx.event
    def choose_vendor(self, value: str):
        self.form_vendor = str(value)
        return self._tasks()

    @rx.event
    def choose_project(self, value: str):
        self.form_project = str(value)
        return self._tasks()

    def _tasks(self):
        self.task_choices, self.chosen_tasks = [], []
        if not (as_id(self.form_vendor) and as_id(self.form_project)):
            return self._check_budget()
        try:
            tasks = self._use_case(purchasing.orderable_tasks, as_id(self.form_vendor), as_id(self.form_project))
        except DomainError as error:
            return self._refused(error)
        self.task_choices = [TaskChoice(str(t.id), t.label, t.approved) for t in tasks]
        self.chosen_tasks = [c.id for c in self.task_choices]
        return self._check_budget()

    @rx.event
    def toggle_task(self, task_id: str):
        chosen = set(self.chosen_tasks) ^ {str(task_id)}
        self.chosen_tasks = [c.id for c in self.task_choices if c.id in chosen]
        return self._check_budget()

    @rx.event
    def form_value(self, key: str, value: str):
        """A field the budget check reads has changed: remember it and check again."""
        self.form_values = self.form_values | {str(key): str(value)}
        return self._check_budget()

    def _lines(self, price: Decimal, difficulty: Decimal, urgency: Decimal) -> list[PoLineInput]:
        """One line per chosen task, at the form's price and rates (pydantic raises ValueError out of bounds)."""
        labels = {c.id: c.label for c in self.task_choices}
        return [PoLineInput(description=labels[t][:200], quantity=1, unit_price=price, difficulty_rate=difficulty,
                            urgency_rate=urgency, task_id=int(t)) for t in self.chosen_tasks]

    def _check_budget(self):
        """The budget warnings the order as filled in so far would get, shown in the form before it is created."""
        self.form_budget_warnings = []
        values, problems = self.form_values, {}
        price = _decimal(values, "unit_price", "0", problems)
        difficulty = _decimal(values, "difficulty_rate", "1", problems)
        urgency = _decimal(values, "urgency_rate", "1", problems)
        currency = values.get("currency", "").strip().upper()
        if problems or len(currency) != 3 or not (as_id(self.form_project) or values.get("cost_centre", "").strip()):
            return None                                   # not enough filled in yet; create() names the problems
        try:
            warnings = self._use_case(purchasing.budget_warnings, project_id=as_id(self.form_project) or None,
                                      cost_centre=values.get("cost_centre", ""), currency=currency,
                                      lines=self._lines(price, difficulty, urgency))
        except DomainError as error:
            return self._refused(error, quiet=True)
        except ValueError:                                # an amount or code outside its bounds: create() says so
            return None
        self.form_budget_warnings = [_(w) for w in warnings]
        return None

    @rx.event
    def create(self, form: dict):
        problems: dict[str, str] = {}
        price = _decimal(form, "unit_price", "", problems)
        difficulty = _decimal(form, "difficulty_rate", "1", problems)
        urgency = _decimal(form, "urgency_rate", "1", problems)
        if not self.chosen_tasks:
            problems["lines"] = _("Choose the tasks this order pays for.")
        if problems:
            self.form_errors = problems
            return None
        try:
            data = PoCreate(vendor_partner_id=as_id(self.form_vendor), project_id=as_id(self.form_project) or None,
                            cost_centre=str(form.get("cost_centre", "")),
                            process_type=str(form.get("process_type", "")), currency=str(form.get("currency", "")),
                            vat_rule_code=str(form.get("vat_rule_code", "")),
                            withholding_rule_code=str(form.get("withholding_rule_code", "")),
                            order_date=iso_day(form.get("order_date") or utcnow().date().isoformat(), "order_date"),
                            lines=self._lines(price, difficulty, urgency))
            po = self._use_case(purchasing.create_po, data, now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        except ValueError as error:           # pydantic: a rate or price outside its bounds
            self.form_errors = {"lines": _("Check the price and the rates: {problem}").format(
                problem=str(error).splitlines()[-1] if str(error) else "")}
            return None
        self.form_open, self.form_errors, self.detail_id, self.form_budget_warnings = False, {}, po.id, []
        warnings = [rx.toast.warning(_(w)) for w in po.budget_warnings]
        return [rx.toast.success(_("{number} is drafted; someone else approves it.").format(number=po.number)),
                *warnings, PurchaseOrdersState.load]
