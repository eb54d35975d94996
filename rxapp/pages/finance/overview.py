"""/finance: the trial balance of a year, invoices and what customers owe, tax rules with a calculator, and a
product's standard cost roll-up (finance role)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, date_cell, list_states, page_header, scroll_x
from rxapp.i18n import _, pgettext
from rxapp.state.finance.overview import CURRENCIES, Figure, InvoiceRow, RuleRow, TbRow
from rxapp.state.finance.overview import FinanceState as S


def _table(headers: list[str], rows, render, label: str) -> rx.Component:
    return scroll_x(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, render)), width="100%", aria_label=label))


def _tb_row(r: TbRow) -> rx.Component:
    return rx.table.row(rx.table.cell(r.code), rx.table.cell(r.name), rx.table.cell(r.type),
                        rx.table.cell(r.debit, text_align="right"), rx.table.cell(r.credit, text_align="right"))


def _invoice_row(r: InvoiceRow) -> rx.Component:
    return rx.table.row(*[rx.table.cell(v) for v in (r.number, r.kind, r.status, r.customer)],
                        date_cell(r.issue_date), date_cell(r.due_date),
                        rx.table.cell(r.total, text_align="right", white_space="nowrap"))


def _rule_row(r: RuleRow) -> rx.Component:
    return rx.table.row(*[rx.table.cell(v) for v in (r.code, r.name, r.kind, r.valid, r.rates, r.rounding)])


def _figure(f: Figure) -> rx.Component:
    return rx.flex(rx.text(f.label, size="2"), rx.text(f.value, weight="bold"), justify="between", width="100%")


def _ledger() -> rx.Component:
    return rx.flex(
        rx.flex(rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=S.export_tb("csv"),
                          min_height=TOUCH),
                rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", on_click=S.export_tb("xlsx"),
                          min_height=TOUCH), spacing="2"),
        _table([pgettext("ledger", "Account"), _("Name"), _("Type"), _("Debit"), _("Credit")], S.tb_rows, _tb_row, _("Trial balance")),
        rx.flex(rx.text(_("Totals"), weight="bold"), rx.text(S.tb_totals[0], " / ", S.tb_totals[1], weight="bold"),
                justify="between", width="100%", data_testid="tb-totals"),
        direction="column", spacing="3", width="100%")


def _receivables() -> rx.Component:
    return rx.flex(
        rx.grid(rx.foreach(S.aging, lambda f: rx.card(rx.text(f.label, size="2", color_scheme="gray"),
                                                       rx.text(f.value, size="5", weight="bold"))),
                columns=rx.breakpoints(initial="2", md="5"), spacing="2", width="100%"),
        _table([_("Number"), _("Kind"), _("Status"), _("Customer"), _("Issued"), _("Due"), _("Total")], S.invoice_rows,
               _invoice_row, _("Invoices")),
        direction="column", spacing="3", width="100%")


def _taxes() -> rx.Component:
    return rx.flex(
        _table([_("Code"), _("Name"), _("Kind"), _("Valid"), _("Rates"), _("Rounding")], S.rules, _rule_row,
               _("Tax rules")),
        rx.card(rx.form(rx.flex(
            rx.input(name="code", placeholder=_("Rule code, e.g. KR-WHT-3.3"), aria_label=_("Rule code"), required=True),
            rx.input(name="amount", placeholder=_("Amount"), aria_label=_("Amount"), input_mode="decimal", required=True),
            rx.button(_("Compute"), type="submit", min_height=TOUCH), spacing="2", wrap="wrap"),
            on_submit=S.compute_tax),
            rx.flex(rx.foreach(S.calc_result, _figure), direction="column", spacing="1", margin_top="8px",
                    data_testid="tax-result"), width="100%"),
        direction="column", spacing="3", width="100%")


def _costing() -> rx.Component:
    return rx.card(
        rx.box(select_control("product", S.product_options, on_change=S.show_rollup, placeholder=_("Choose a product"),
                              aria_label=_("Product")), max_width="420px"),
        rx.flex(rx.foreach(S.rollup, _figure), direction="column", spacing="1", margin_top="8px",
                data_testid="cost-rollup"),
        rx.foreach(S.rollup_gaps, lambda g: rx.text(g, size="2", color_scheme="orange")), width="100%")


def _production() -> rx.Component:
    return rx.card(rx.flex(
        rx.text(_("Material issues, work in progress, finished goods at standard cost and variances are posted as "
                  "production happens, in the cost currency."), size="2"),
        rx.form(rx.flex(
            rx.input(name="cost_currency", default_value=S.cost_currency, key=S.cost_currency, placeholder="EUR", max_length=3,
                     aria_label=_("Cost currency"), width="100px"),
            rx.button(_("Set the cost currency"), type="submit", variant="soft", min_height=TOUCH),
            spacing="2", align="center", wrap="wrap"), on_submit=S.set_cost_currency),
        rx.text(S.production_pending, size="2", data_testid="production-pending"),
        rx.button(_("Post what is pending"), on_click=S.post_production, min_height=TOUCH),
        rx.foreach(S.production_refused, lambda r: rx.text(r, size="2", color_scheme="orange")),
        direction="column", spacing="3"), width="100%")


def _content() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(rx.tabs.trigger(_("Trial balance"), value="ledger"),
                     rx.tabs.trigger(_("Receivables"), value="ar"), rx.tabs.trigger(_("Tax rules"), value="tax"),
                     rx.tabs.trigger(_("Standard cost"), value="cost"),
                     rx.tabs.trigger(_("Production"), value="production")),
        rx.tabs.content(_ledger(), value="ledger", padding_top="12px"),
        rx.tabs.content(_receivables(), value="ar", padding_top="12px"),
        rx.tabs.content(_taxes(), value="tax", padding_top="12px"),
        rx.tabs.content(_costing(), value="cost", padding_top="12px"),
        rx.tabs.content(_production(), value="production", padding_top="12px"),
        default_value="ledger", width="100%")


def finance_page() -> rx.Component:
    return shell(
        page_header(_("Finance"), _("Ledger, receivables, tax rules and standard costs."),
                    rx.cond(~S.has_chart, rx.button(_("Set up the ledger"), on_click=S.set_up_ledger,
                                                    min_height=TOUCH))),
        rx.flex(
            rx.box(select_control("currency", CURRENCIES, value=S.currency, on_change=S.set_currency,
                                  aria_label=_("Currency")), width="140px"),
            rx.input(value=S.year, on_change=S.set_year, aria_label=_("Year"), width="100px", input_mode="numeric"),
            spacing="2", wrap="wrap", margin_bottom="12px"),
        list_states(S.loading, S.load_error, rx.Var.create(False), "", S.load, _content()),
    )
