"""/finance/budgets: budgets per project and per cost centre with spend before VAT (committed by approved orders,
settled, paid, remaining), over-budget rows marked, and the form that sets a budget."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, list_states, page_header, scroll_x, text_input
from rxapp.i18n import _
from rxapp.state.finance.budgets import BudgetRow
from rxapp.state.finance.budgets import BudgetsState as S
from rxapp.state.finance.overview import CURRENCIES


def _row(r: BudgetRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r.name),
        *[rx.table.cell(v, text_align="right", white_space="nowrap")
          for v in (r.budget, r.committed, r.settled, r.paid, r.remaining)],
        rx.table.cell(rx.badge(r.used, color_scheme=rx.cond(r.over, "red", "green"))))


def _list() -> rx.Component:
    return scroll_x(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
            _("Budget of"), _("Budget"), _("Committed"), _("Settled"), _("Paid"), _("Remaining"), _("Used"))])),
        rx.table.body(rx.foreach(S.rows, _row)), width="100%", aria_label=_("Budgets"), data_testid="budgets"))


def _form() -> rx.Component:
    return rx.form(
        rx.flex(
            form_field(_("Project"), select_control("project_id", S.project_options, placeholder=_("— none —")),
                       S.form_errors, "project_id"),
            form_field(_("or cost centre"), text_input("cost_centre", placeholder="ANIM"), S.form_errors, "cost_centre"),
            form_field(_("Currency"), select_control("currency", CURRENCIES, default_value="KRW"), S.form_errors,
                       "currency"),
            form_field(_("Amount before VAT"), text_input("amount", placeholder="50000000"), S.form_errors, "amount"),
            form_field(_("Note"), text_input("note"), S.form_errors, "note"),
            rx.button(_("Set the budget"), type="submit", min_height=TOUCH),
            direction="column", spacing="3", max_width="420px"),
        on_submit=S.save, reset_on_submit=False)


def budgets_page() -> rx.Component:
    return shell(
        page_header(_("Budgets"), _("Budgets per project and cost centre against what approved orders commit.")),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No budgets yet."), S.load, _list()),
        rx.heading(_("Set a budget"), size="4", margin_top="16px"),
        _form(),
    )
