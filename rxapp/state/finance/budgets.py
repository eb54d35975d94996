"""/finance/budgets: every budget (per project or cost centre) with its committed, settled and paid spend, and the
form that sets one (finance). Figures and rules come from services/finance/budgets.py."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.finance.overview import money
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.errors import DomainError
from services.finance import budgets
from services.finance.budgets import BudgetInput, BudgetRead
from services.studio import projects


@dataclass
class BudgetRow:
    id: int = 0
    name: str = ""
    budget: str = ""
    committed: str = ""
    settled: str = ""
    paid: str = ""
    remaining: str = ""
    used: str = ""
    over: bool = False


def budget_row(b: BudgetRead) -> BudgetRow:
    unit = f" {b.currency}"
    return BudgetRow(b.id, b.name, money(b.amount) + unit, money(b.committed) + unit, money(b.settled) + unit,
                     money(b.paid) + unit, money(b.remaining) + unit,
                     "–" if b.used_share is None else formats.percent(b.used_share, decimals=0), b.over)


class BudgetsState(AuthState):
    rows: list[BudgetRow] = []
    loading: bool = True
    load_error: str = ""
    project_options: list[Option] = []
    form_errors: dict[str, str] = {}

    @rx.event
    def enter(self):
        self.loading, self.form_errors = True, {}
        return BudgetsState.load

    @rx.event
    def load(self):
        try:
            rows, found = self._use_case(lambda s, a: (budgets.list_budgets(s, a), projects.list_projects(s, a)))
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        self.rows = [budget_row(b) for b in rows]
        self.project_options = [Option(value=str(p.id), label=f"{p.number} {p.name}") for p in found]
        self.loading, self.load_error = False, ""
        return None

    @rx.event
    def save(self, form: dict):
        try:
            amount = Decimal(str(form.get("amount") or "").replace(",", "").strip())
        except InvalidOperation:
            self.form_errors = {"amount": _("Enter a number.")}
            return None
        try:
            data = BudgetInput(project_id=as_id(form.get("project_id", "")) or None,
                               cost_centre=str(form.get("cost_centre") or ""), currency=str(form.get("currency") or ""),
                               amount=amount, note=str(form.get("note") or ""))
            saved = self._use_case(budgets.set_budget, data, now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        except ValueError:                        # pydantic: a negative amount or a bad currency
            self.form_errors = {"amount": _("Give an amount of zero or more and a currency.")}
            return None
        self.form_errors = {}
        return [rx.toast.success(_("The budget of {name} is set.").format(name=saved.name)), BudgetsState.load]
