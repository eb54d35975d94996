"""/finance/invoices: customer invoices (from a shipped shipment or from order lines), issuing and voiding drafts,
credit notes, payments received with their allocation (to a named invoice, or oldest first), and AR aging per
customer. Every rule and figure comes from services/finance (invoices.py, payments.py); this class keeps strings
ready to display."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import reflex as rx

from models.base import utcnow
from models.finance import TaxKind
from rxapp.i18n import _
from rxapp.state.finance.overview import WORDS, Figure, money, organization_currency
from rxapp.state.master.common import Option, document, iso_day, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.errors import DomainError, Invalid
from services.finance import invoice_pdf, invoices, payments, tax_rules
from services.finance.invoices import InvoiceOptions, OrderLinePick
from services.finance.money import supported_or_fallback
from services.finance.payments import Allocation, PaymentCreate
from services.master import customers


@dataclass
class InvoiceListRow:
    id: int = 0
    number: str = ""
    kind: str = ""
    status: str = ""
    customer: str = ""
    issue_date: str = ""
    due_date: str = ""
    total: str = ""


@dataclass
class InvoiceLineRow:
    order_line_id: str = ""
    description: str = ""
    quantity: str = ""
    unit_price: str = ""
    discount: str = ""
    net: str = ""
    vat: str = ""


@dataclass
class BillableRow:
    id: str = ""
    label: str = ""
    left: str = ""


@dataclass
class AgingLine:
    customer: str = ""
    buckets: list[str] = field(default_factory=list)
    total: str = ""


def _count(text: object, key: str) -> int:
    value = str(text or "").strip()
    if not value:
        return 0
    if not value.isdigit():
        raise Invalid(fields={key: "Use a whole number."})
    return int(value)


def _options(form: dict) -> InvoiceOptions:
    return InvoiceOptions(currency=str(form.get("currency", "")), vat_rule_code=str(form.get("vat_rule_code", "")),
                          issue_date=iso_day(form.get("issue_date", ""), "issue_date"),
                          payment_days=_count(form.get("payment_days") or "30", "payment_days"))


class InvoicesState(AuthState):
    currency: str = supported_or_fallback(None)      # the settings' default until the page loads
    today: str = ""
    rows: list[InvoiceListRow] = []
    aging: list[AgingLine] = []
    aging_totals: list[Figure] = []
    loading: bool = True
    load_error: str = ""
    form_errors: dict[str, str] = {}
    customer_options: list[Option] = []
    vat_options: list[Option] = []
    shipment_options: list[Option] = []
    # order lines of the chosen customer (new invoice) and open invoices (payment)
    bill_customer: str = ""
    billable: list[BillableRow] = []
    pay_customer: str = ""
    open_options: list[Option] = []
    # one invoice
    detail_id: int = 0
    detail_title: str = ""
    detail_kind: str = ""
    detail_status: str = ""
    detail_lines: list[InvoiceLineRow] = []
    detail_figures: list[Figure] = []

    @rx.event
    def enter(self):
        self.loading, self.detail_id, self.form_errors = True, 0, {}
        try:
            self.currency = organization_currency(self._use_case)     # new invoices, payments and the aging in it
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        return InvoicesState.load

    @rx.event
    def load(self):
        try:
            self._use_case(self._fill)
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        self.loading, self.load_error = False, ""

    def _fill(self, session, actor) -> None:
        today = utcnow().date()
        self.today = today.isoformat()
        self.rows = [InvoiceListRow(i.id, i.number, WORDS[i.kind.value], WORDS[i.status.value], i.customer_name,
                                    formats.day(i.issue_date, fmt="short"), formats.day(i.due_date, fmt="short"),
                                    f"{money(i.total)} {i.currency}")
                     for i in invoices.list_invoices(session, actor, limit=200)]
        rows = payments.ar_aging(session, actor, as_of=today, currency=self.currency)
        self.aging = [AgingLine(r.customer_name, [money(r.buckets[b]) for b, *_x in payments.BUCKETS], money(r.total))
                      for r in rows]
        self.aging_totals = [Figure(WORDS[b], money(v)) for b, v in payments.bucket_totals(rows).items()]
        self.customer_options = [Option(str(c.id), f"{c.code} · {c.name}")
                                 for c in customers.list_customers(session, actor)]
        self.vat_options = [Option(r.code, f"{r.code} · {r.name} ({r.currency})")
                            for r in tax_rules.list_tax_rules(session, actor, on=today, kind=TaxKind.VAT)]
        self.shipment_options = [Option(str(s.id), f"{s.number} · {s.customer_name}")
                                 for s in invoices.billable_shipments(session, actor)]
        if self.detail_id:
            self._show(session, actor, self.detail_id)

    def _show(self, session, actor, invoice_id: int) -> None:
        inv = invoices.get_invoice(session, actor, invoice_id)
        self.detail_id, self.detail_title = inv.id, f"{inv.number} · {inv.customer_name}"
        self.detail_kind, self.detail_status = inv.kind.value, inv.status.value
        self.detail_lines = [InvoiceLineRow(str(x.order_line_id or ""), x.description, str(x.quantity),
                                            money(x.unit_price), formats.exact(x.discount_pct) + " %", money(x.net),
                                            x.vat_text) for x in inv.lines]
        unit = f" {inv.currency}"
        self.detail_figures = [Figure(_("Net"), money(inv.net) + unit),
                               Figure(_("VAT ({rule}, rounded once per invoice)").format(rule=inv.vat_rule_code),
                                      money(inv.vat) + unit),
                               Figure(_("Total"), money(inv.total) + unit)]

    @rx.event
    def set_currency(self, value: str):
        self.currency = supported_or_fallback(value)
        return InvoicesState.load

    @rx.event
    def open_invoice(self, invoice_id: int):
        try:
            self._use_case(self._show, as_id(invoice_id))
        except DomainError as error:
            return self._refused(error)

    @rx.event
    def close_invoice(self):
        self.detail_id = 0

    @rx.event
    def download_pdf(self):
        """The open invoice or credit note as the organization's branded PDF (services/finance/invoice_pdf.py)."""
        try:
            data = self._use_case(invoice_pdf.invoice_pdf, self.detail_id)
        except DomainError as error:
            return self._refused(error)
        number = self.detail_title.split(" ")[0] or "invoice"
        return document(data, f"{number}.pdf")

    def _failed(self, error: DomainError):
        self.form_errors = translated_fields(error)
        return self._refused(error)

    def _done(self, message: str):
        self.form_errors = {}
        return [rx.toast.success(message), InvoicesState.load]

    # ----- drafts from shipments or order lines ---------------------------------------------------------------

    @rx.event
    def invoice_shipment(self, form: dict):
        try:
            draft = self._use_case(invoices.invoice_shipment, as_id(form.get("shipment_id")), _options(form),
                                   now=utcnow())
        except DomainError as error:
            return self._failed(error)
        self.detail_id = draft.id
        return self._done(_("{number} is drafted from the shipment.").format(number=draft.number))

    @rx.event
    def choose_bill_customer(self, value: str):
        self.bill_customer, self.billable = str(value), []
        if not as_id(value):
            return None
        try:
            lines = self._use_case(invoices.billable_lines, as_id(value))
        except DomainError as error:
            return self._refused(error)
        self.billable = [BillableRow(str(x.order_line_id), x.label, str(x.left)) for x in lines]
        return None

    @rx.event
    def invoice_lines(self, form: dict):
        try:
            picks = [OrderLinePick(order_line_id=int(b.id), quantity=q) for b in self.billable
                     if (q := _count(form.get(f"qty_{b.id}"), "lines")) > 0]
            draft = self._use_case(invoices.invoice_order_lines, as_id(self.bill_customer), picks, _options(form),
                                   now=utcnow())
        except DomainError as error:
            return self._failed(error)
        self.detail_id, self.bill_customer, self.billable = draft.id, "", []
        return self._done(_("{number} is drafted from the order lines.").format(number=draft.number))

    # ----- one invoice: issue, void, credit ---------------------------------------------------------------------

    @rx.event
    def issue(self):
        try:
            inv = self._use_case(invoices.issue, self.detail_id, now=utcnow())
        except DomainError as error:
            return self._failed(error)
        return self._done(_("{number} is issued and posted.").format(number=inv.number))

    @rx.event
    def void(self):
        try:
            inv = self._use_case(invoices.void_draft, self.detail_id, now=utcnow())
        except DomainError as error:
            return self._failed(error)
        return self._done(_("{number} is void.").format(number=inv.number))

    @rx.event
    def credit(self, form: dict):
        try:
            picks = [OrderLinePick(order_line_id=int(x.order_line_id), quantity=q) for x in self.detail_lines
                     if x.order_line_id and (q := _count(form.get(f"credit_{x.order_line_id}"), "lines")) > 0]
            note = self._use_case(invoices.credit_note, self.detail_id, picks,
                                  issue_date=iso_day(form.get("issue_date") or self.today, "issue_date"),
                                  reason=str(form.get("reason", "")), now=utcnow())
        except DomainError as error:
            return self._failed(error)
        self.detail_id = note.id
        return self._done(_("{number} is drafted; issue it to post it.").format(number=note.number))

    # ----- payments ---------------------------------------------------------------------------------------------

    @rx.event
    def choose_pay_customer(self, value: str):
        self.pay_customer, self.open_options = str(value), []
        if not as_id(value):
            return None
        try:
            items = self._use_case(payments.open_invoices, as_id(value), self.currency)
        except DomainError as error:
            return self._refused(error)
        self.open_options = [Option(str(inv.id), f"{inv.number} · {_('owes')} {money(left)} {inv.currency}")
                             for inv, left in items]
        return None

    @rx.event
    def record_payment(self, form: dict):
        try:
            amount = Decimal(str(form.get("amount", "")).replace(",", "").strip())
        except InvalidOperation:
            self.form_errors = {"amount": _("Enter an amount.")}
            return None
        invoice_id = as_id(form.get("invoice_id"))
        try:
            paid = self._use_case(payments.record_payment, PaymentCreate(
                customer_id=as_id(self.pay_customer), currency=self.currency,
                received_on=iso_day(form.get("received_on") or self.today, "received_on"), amount=amount,
                reference=str(form.get("reference", ""))[:100],
                allocations=[Allocation(invoice_id=invoice_id, amount=amount)] if invoice_id else None), now=utcnow())
        except DomainError as error:
            return self._failed(error)
        except ValueError:                     # pydantic: zero or negative
            self.form_errors = {"amount": _("Enter an amount above zero.")}
            return None
        self.pay_customer, self.open_options = "", []
        return self._done(_("{number}: {allocated} allocated, {left} left on account.").format(
            number=paid.number, allocated=money(sum((a.amount for a in paid.allocated), Decimal(0))),
            left=money(paid.unallocated)))
