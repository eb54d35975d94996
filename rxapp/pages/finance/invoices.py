"""/finance/invoices (finance role): customer invoices from shipments or order lines, one invoice with its issue,
void and credit note, payments received with their allocation, and AR aging per customer. One column on a phone."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, date_cell, field, list_states, page_header, scroll_x, text_input
from rxapp.i18n import _
from rxapp.state.finance.invoices import AgingLine, BillableRow, InvoiceLineRow, InvoiceListRow
from rxapp.state.finance.invoices import InvoicesState as S
from rxapp.state.finance.overview import CURRENCIES, WORDS, Figure
from services.finance.payments import BUCKETS


def _table(headers: list[str], rows, render, label: str) -> rx.Component:
    return scroll_x(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, render)), width="100%", aria_label=label))


def _error(key: str) -> rx.Var:
    return S.form_errors.get(key, "")


def _figure(f: Figure) -> rx.Component:
    return rx.flex(rx.text(f.label, size="2"), rx.text(f.value, weight="bold", white_space="nowrap"),
                   justify="between", spacing="3", width="100%")


def _invoice_row(r: InvoiceListRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.button(r.number, variant="ghost", on_click=S.open_invoice(r.id), min_height=TOUCH)),
        *[rx.table.cell(v) for v in (r.kind, r.status, r.customer)], date_cell(r.issue_date), date_cell(r.due_date),
        rx.table.cell(r.total, text_align="right", white_space="nowrap"))


def _line_row(r: InvoiceLineRow) -> rx.Component:
    return rx.table.row(rx.table.cell(r.description),
                        *[rx.table.cell(v, text_align="right", white_space="nowrap")
                          for v in (r.quantity, r.unit_price, r.discount, r.net)], rx.table.cell(r.vat),
                        rx.cond((S.detail_kind == "invoice") & (S.detail_status == "issued"),
                                rx.table.cell(rx.input(name="credit_" + r.order_line_id, input_mode="numeric",
                                                       aria_label=_("Quantity to credit"), width="80px"))))


def _common_fields(prefix: str) -> rx.Component:
    """Currency, VAT rule, issue date and payment days; `prefix` keeps the ids of the two new-invoice forms apart."""
    def ids(name: str) -> dict[str, str]:
        return {"id": f"{prefix}_{name}"}
    return rx.grid(
        field(_("Currency"), select_control("currency", CURRENCIES, default_value=S.currency, **ids("currency")),
              html_for=f"{prefix}_currency"),
        field(_("VAT rule"), select_control("vat_rule_code", S.vat_options, placeholder=_("Choose"), **ids("vat")),
              _error("vat_rule_code"), html_for=f"{prefix}_vat"),
        field(_("Issue date"), text_input("issue_date", type="date", default_value=S.today, **ids("issue_date")),
              _error("issue_date"), html_for=f"{prefix}_issue_date"),
        field(_("Payment days"), text_input("payment_days", default_value="30", input_mode="numeric",
                                            **ids("payment_days")), _error("payment_days"),
              html_for=f"{prefix}_payment_days"),
        columns=rx.breakpoints(initial="1", sm="2", md="4"), spacing="2", width="100%")


def _detail() -> rx.Component:
    issued_invoice = (S.detail_kind == "invoice") & (S.detail_status == "issued")
    return rx.card(rx.form(
        rx.flex(rx.heading(S.detail_title, size="4"), rx.spacer(),
                rx.button(rx.icon("file-down", size=16), _("PDF"), type="button", variant="soft",
                          on_click=S.download_pdf, min_height=TOUCH),
                rx.icon_button(rx.icon("x"), variant="ghost", type="button", on_click=S.close_invoice,
                               aria_label=_("Close")), align="center", width="100%"),
        _table([_("Line"), _("Qty"), _("Unit price"), _("Discount"), _("Net"), _("VAT")], S.detail_lines, _line_row,
               _("Invoice lines")),
        rx.flex(rx.foreach(S.detail_figures, _figure), direction="column", spacing="1", margin_y="8px",
                data_testid="invoice-figures"),
        rx.cond(S.detail_status == "draft", rx.flex(
            rx.button(_("Issue"), type="button", on_click=S.issue, min_height=TOUCH),
            rx.button(_("Void the draft"), type="button", variant="soft", color_scheme="red", on_click=S.void,
                      min_height=TOUCH), spacing="2", wrap="wrap")),
        rx.cond(issued_invoice, rx.flex(
            field(_("Why is it credited?"), text_input("reason"), _error("reason"), html_for="reason"),
            rx.text(_("Enter the quantities to take back in the lines above."), size="1", color_scheme="gray"),
            rx.text(_error("lines"), color_scheme="red", size="2"),
            rx.button(_("Draft a credit note"), type="submit", variant="soft", min_height=TOUCH),
            direction="column", spacing="2")),
        on_submit=S.credit), width="100%", data_testid="invoice-detail")


def _billable_row(b: BillableRow) -> rx.Component:
    return rx.flex(rx.text(b.label, size="2", flex="1"), rx.text(_("left") + " " + b.left, size="1", color_scheme="gray"),
                   rx.input(name="qty_" + b.id, input_mode="numeric", aria_label=_("Quantity to invoice"), width="90px"),
                   spacing="2", align="center", width="100%")


def _new_invoice() -> rx.Component:
    return rx.card(
        rx.heading(_("New invoice"), size="3", margin_bottom="8px"),
        rx.form(rx.flex(
            field(_("From a shipped shipment"), select_control("shipment_id", S.shipment_options,
                                                             placeholder=_("Choose a shipment")), html_for="shipment_id"),
            _common_fields("shipment"), rx.button(_("Draft from the shipment"), type="submit", min_height=TOUCH),
            direction="column", spacing="2"), on_submit=S.invoice_shipment, reset_on_submit=True),
        rx.separator(margin_y="12px"),
        rx.form(rx.flex(
            field(_("From order lines of a customer"), select_control(
                "customer", S.customer_options, value=S.bill_customer, on_change=S.choose_bill_customer,
                placeholder=_("Choose a customer"), id="bill_customer"), html_for="bill_customer"),
            rx.foreach(S.billable, _billable_row), rx.text(_error("lines"), color_scheme="red", size="2"),
            _common_fields("lines"), rx.button(_("Draft from the order lines"), type="submit", min_height=TOUCH),
            direction="column", spacing="2"), on_submit=S.invoice_lines),
        width="100%")


def _payment() -> rx.Component:
    return rx.card(
        rx.heading(_("Payment received"), size="3", margin_bottom="8px"),
        rx.form(rx.flex(
            field(_("Customer"), select_control("customer", S.customer_options, value=S.pay_customer,
                                                on_change=S.choose_pay_customer, placeholder=_("Choose a customer"),
                                                id="pay_customer"), html_for="pay_customer"),
            rx.grid(field(_("Amount") + " (" + S.currency + ")", text_input("amount", input_mode="decimal"),
                          _error("amount"), html_for="amount"),
                    field(_("Received on"), text_input("received_on", type="date", default_value=S.today),
                          _error("received_on"), html_for="received_on"),
                    field(_("Reference"), text_input("reference"), html_for="reference"),
                    columns=rx.breakpoints(initial="1", sm="3"), spacing="2", width="100%"),
            field(_("Allocate to"), select_control("invoice_id", S.open_options, placeholder=_("Oldest invoices first")),
                  rx.cond(_error("allocations.0") != "", _error("allocations.0"), _error("allocations")), html_for="invoice_id"),
            rx.button(_("Record the payment"), type="submit", min_height=TOUCH),
            direction="column", spacing="2"), on_submit=S.record_payment, reset_on_submit=True),
        width="100%")


def _aging_row(r: AgingLine) -> rx.Component:
    return rx.table.row(rx.table.cell(r.customer),
                        rx.foreach(r.buckets, lambda v: rx.table.cell(v, text_align="right", white_space="nowrap")),
                        rx.table.cell(r.total, text_align="right", weight="bold"))


def _aging() -> rx.Component:
    return rx.flex(
        rx.grid(rx.foreach(S.aging_totals, lambda f: rx.card(rx.text(f.label, size="2", color_scheme="gray"),
                                                             rx.text(f.value, size="5", weight="bold"))),
                columns=rx.breakpoints(initial="2", md="5"), spacing="2", width="100%"),
        _table([_("Customer"), *[WORDS[b] for b, *_x in BUCKETS], _("Total")], S.aging, _aging_row, _("AR aging")),
        direction="column", spacing="3", width="100%", data_testid="ar-aging")


def _content() -> rx.Component:
    return rx.flex(
        rx.cond(S.detail_id != 0, _detail()),
        rx.tabs.root(
            rx.tabs.list(rx.tabs.trigger(_("Invoices"), value="list"), rx.tabs.trigger(_("New invoice"), value="new"),
                         rx.tabs.trigger(_("Payments"), value="pay"), rx.tabs.trigger(_("Aging"), value="aging")),
            rx.tabs.content(_table([_("Number"), _("Kind"), _("Status"), _("Customer"), _("Issued"), _("Due"),
                                    _("Total")], S.rows, _invoice_row, _("Invoices")), value="list", padding_top="12px"),
            rx.tabs.content(_new_invoice(), value="new", padding_top="12px"),
            rx.tabs.content(_payment(), value="pay", padding_top="12px"),
            rx.tabs.content(_aging(), value="aging", padding_top="12px"),
            default_value="list", width="100%"),
        direction="column", spacing="3", width="100%")


def invoices_page() -> rx.Component:
    return shell(
        page_header(_("Invoices"), _("Customer invoices, credit notes, payments received and what is overdue."),
                    rx.box(select_control("currency_filter", CURRENCIES, value=S.currency, on_change=S.set_currency,
                                          aria_label=_("Currency")), width="140px")),
        list_states(S.loading, S.load_error, rx.Var.create(False), "", S.load, _content()),
    )
