"""/finance state: the trial balance of a period, invoices with what they owe, AR aging, tax rules with a
calculator, a product's standard cost roll-up, and the cost currency production is posted in with what waits for
the ledger. Every figure comes from services/finance; this class only keeps what the page shows (strings, ready to
display)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import Option, download
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.errors import DomainError
from services.finance import (
    accounts,
    costing,
    invoices,
    ledger_reports,
    payments,
    periods,
    production_postings,
    tax_rules,
)
from services.finance.ledger_reports import TRIAL_BALANCE_COLUMNS
from services.finance.money import finance_currency, supported_currencies, supported_or_fallback
from services.master import products

WORDS = {"asset": _("Asset"), "liability": _("Liability"), "equity": _("Equity"), "revenue": _("Revenue"),
         "expense": _("Expense"), "invoice": _("Invoice"), "credit_note": _("Credit note"), "draft": _("Draft"),
         "issued": _("Issued"), "void": _("Void"), "vat": _("VAT"), "withholding": _("Withholding"),
         "current": _("Not yet due"), "1-30": _("1-30 days late"), "31-60": _("31-60 days late"),
         "61-90": _("61-90 days late"), "over 90": _("Over 90 days late")}
CURRENCIES = [(code, code) for code in supported_currencies()]      # services/finance/money.py decides them


def organization_currency(use_case) -> str:
    """The currency a finance page starts in (services/finance/money.finance_currency)."""
    return use_case(finance_currency)


@dataclass
class TbRow:
    code: str = ""
    name: str = ""
    type: str = ""
    debit: str = ""
    credit: str = ""


@dataclass
class InvoiceRow:
    number: str = ""
    kind: str = ""
    status: str = ""
    customer: str = ""
    issue_date: str = ""
    due_date: str = ""
    total: str = ""


@dataclass
class RuleRow:
    code: str = ""
    name: str = ""
    kind: str = ""
    valid: str = ""
    rates: str = ""
    rounding: str = ""


@dataclass
class Figure:
    label: str = ""
    value: str = ""


def money(value: Decimal) -> str:
    """An amount in the person's number format (services/core/formats.amount: 2 places, none when whole)."""
    return formats.amount(value)


class FinanceState(AuthState):
    currency: str = supported_or_fallback(None)      # the settings' default until the page loads
    year: str = str(utcnow().year)
    has_chart: bool = True
    tb_rows: list[TbRow] = []
    tb_totals: list[str] = ["", ""]
    invoice_rows: list[InvoiceRow] = []
    aging: list[Figure] = []
    rules: list[RuleRow] = []
    calc_code: str = ""
    calc_amount: str = ""
    calc_result: list[Figure] = []
    product_options: list[Option] = []
    rollup: list[Figure] = []
    rollup_gaps: list[str] = []
    cost_currency: str = ""
    production_pending: str = ""
    production_refused: list[str] = []
    loading: bool = True
    load_error: str = ""

    @rx.event
    def enter(self):
        self.loading = True
        try:
            self.currency = organization_currency(self._use_case)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        return FinanceState.load

    @rx.event
    def load(self):
        try:
            self._use_case(self._fill)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.loading, self.load_error = False, ""

    def _fill(self, session, actor) -> None:
        self.has_chart = bool(accounts.list_accounts(session, actor))
        start, end = self._year()
        tb = ledger_reports.trial_balance(session, actor, currency=self.currency, start=start, end=end)
        self.tb_rows = [TbRow(r.code, r.name, WORDS[r.type.value], money(r.debit) if r.debit else "",
                              money(r.credit) if r.credit else "") for r in tb.rows]
        self.tb_totals = [money(tb.total_debit), money(tb.total_credit)]
        self.invoice_rows = [InvoiceRow(i.number, WORDS[i.kind.value], WORDS[i.status.value], i.customer_name,
                                        formats.day(i.issue_date, fmt="short"), formats.day(i.due_date, fmt="short"),
                                        f"{money(i.total)} {i.currency}")
                             for i in invoices.list_invoices(session, actor, limit=100)]
        rows = payments.ar_aging(session, actor, as_of=utcnow().date(), currency=self.currency)
        self.aging = [Figure(WORDS[b], money(v)) for b, v in payments.bucket_totals(rows).items()]
        self.rules = [RuleRow(r.code, r.name, WORDS[r.kind.value], f"{r.effective_from} – {r.effective_to or ''}",
                              "; ".join(f"{c.name} {tax_rules.compute(r, Decimal(0)).components[i].rates}"
                                        for i, c in enumerate(r.components)), "; ".join(r.rounding_text))
                      for r in tax_rules.list_tax_rules(session, actor)]
        self.product_options = [Option(str(p.id), f"{p.code} · {p.name}")
                                for p in products.list_products(session, actor, limit=2000)]
        waiting = production_postings.pending(session, actor)
        self.cost_currency = waiting.cost_currency or ""
        self.production_pending = _("{issues} material issues and {completions} completed work orders wait for the "
                                    "ledger.").format(issues=waiting.issues, completions=waiting.completions)

    def _year(self) -> tuple[date, date]:
        year = as_id(self.year) or utcnow().year
        return date(year, 1, 1), date(year + 1, 1, 1)

    @rx.event
    def set_currency(self, value: str):
        self.currency = supported_or_fallback(value)
        return FinanceState.load

    @rx.event
    def set_year(self, value: str):
        self.year = str(as_id(value) or utcnow().year)
        return FinanceState.load

    @rx.event
    def set_up_ledger(self):
        """Apply the chart of accounts template and open this year's periods (both idempotent)."""
        now = utcnow()
        try:
            self._use_case(lambda s, a: (accounts.apply_chart_template(s, a, now=now),
                                         periods.open_year(s, a, now.year, now=now)))
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Chart of accounts and this year's periods are ready.")), FinanceState.load]

    @rx.event
    def export_tb(self, fmt: str):
        start, end = self._year()
        try:
            tb = self._use_case(lambda s, a: ledger_reports.trial_balance(s, a, currency=self.currency,
                                                                          start=start, end=end))
        except DomainError as error:
            return self._refused(error)
        return download(tb.rows, TRIAL_BALANCE_COLUMNS, "trial-balance", "xlsx" if fmt == "xlsx" else "csv")

    @rx.event
    def compute_tax(self, form: dict):
        try:
            amount = Decimal(str(form.get("amount", "")).replace(",", "").strip())
        except InvalidOperation:
            return rx.toast.error(_("Enter an amount."))
        code = str(form.get("code", "")).strip()
        try:
            result = self._use_case(lambda s, a: tax_rules.compute_by_code(s, a, code, amount, on=utcnow().date()))
        except DomainError as error:
            return self._refused(error)
        self.calc_code, self.calc_amount = code, str(amount)
        self.calc_result = [Figure(f"{c.name} ({c.rates}, {c.rounding})", money(c.amount)) for c in result.components]
        self.calc_result.append(Figure(_("Total"), f"{money(result.total)} {result.currency}"))

    @rx.event
    def show_rollup(self, product_id: str):
        try:
            r = self._use_case(costing.cost_rollup, as_id(product_id))
        except DomainError as error:
            return self._refused(error)
        self.rollup = ([Figure(_("Material"), money(r.material)), Figure(_("Conversion"), money(r.conversion)),
                        Figure(_("Standard unit cost"), money(r.unit_cost))]
                       + [Figure(f"{'· ' * line.level}{line.code} × {formats.exact(line.quantity)}",
                                 money(line.extended_cost)) for line in r.lines]
                       + [Figure(f"{s.sequence} {s.name} @ {s.work_center_code}", money(s.unit_cost)) for s in r.steps])
        self.rollup_gaps = r.gaps

    @rx.event
    def set_cost_currency(self, form: dict):
        try:
            self._use_case(production_postings.set_cost_currency, str(form.get("cost_currency", "")), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Production is posted to the ledger in this currency from now on.")),
                FinanceState.load]

    @rx.event
    def post_production(self):
        try:
            run = self._use_case(production_postings.post_pending, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self.production_refused = run.refused
        message = _("{n} production entries posted.").format(n=run.posted)
        return [rx.toast.success(message) if not run.refused else rx.toast.warning(message), FinanceState.load]
