"""A project's budget and spend on its dashboard, shared by the finance readers of the project (an rx.SharedState
linked by rxapp/live.py to services/finance/budgets.spend_scope, which confirms FINANCE before linking). `_apply`
turns a budgets.ProjectSpend into display text once per refresh; it refreshes on purchase-order approvals,
settlements, payments and budget changes. Imports nothing else from the app but i18n."""
from __future__ import annotations

from decimal import Decimal

import reflex as rx

from rxapp.i18n import _
from services.core import formats
from services.finance.budgets import CurrencySpend, ProjectSpend


def amount(value: Decimal, currency: str) -> str:
    return f"{formats.amount(value, currency)} {currency}"


def _per_currency(rows: list[CurrencySpend], field: str) -> str:
    return "; ".join(amount(getattr(r, field), r.currency) for r in rows) or "0"


class LiveSpendState(rx.SharedState):
    loaded: bool = False
    has_budget: bool = False
    budget: str = "–"
    committed: str = ""
    settled: str = ""
    paid: str = ""
    remaining: str = "–"
    used_percent: int = 0
    over: bool = False
    note: str = ""
    updated: str = ""

    def _apply(self, spend: ProjectSpend) -> None:
        b = spend.budget
        if b is not None:
            values = dict(has_budget=True, budget=amount(b.amount, b.currency), committed=amount(b.committed, b.currency),
                          settled=amount(b.settled, b.currency), paid=amount(b.paid, b.currency),
                          remaining=amount(b.remaining, b.currency), over=b.over,
                          used_percent=min(100, round(100 * b.used_share)) if b.used_share is not None else 100,
                          note=_("{n} orders in another currency are not counted.").format(n=b.other_currency_orders)
                          if b.other_currency_orders else "")
        else:
            values = dict(has_budget=False, budget="–", remaining="–", over=False, used_percent=0,
                          committed=_per_currency(spend.by_currency, "committed"),
                          settled=_per_currency(spend.by_currency, "settled"),
                          paid=_per_currency(spend.by_currency, "paid"), note=_("No budget is set for this project."))
        values.update(loaded=True, updated=formats.clock(spend.computed_at, "UTC", fmt="medium") + " UTC" if spend.computed_at else "")
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)
