"""/finance/purchase-orders (finance) and /studio/portal/orders (a vendor's portal account): vendor purchase orders,
one order's lines and figures with the rounding rules, the actions this person may take, settlements and their
payment. One column on a phone; wide tables scroll inside their box."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, dialog, field, form_buttons, list_states, page_header, scroll_x, text_input
from rxapp.i18n import _
from rxapp.state.finance.overview import Figure
from rxapp.state.finance.purchase_orders import ADJUSTED_RULE, PoLineRow, PoRow, SettlementRow, TaskChoice
from rxapp.state.finance.purchase_orders import PurchaseOrdersState as S


def _table(headers: list[str], rows, render, label: str) -> rx.Component:
    return scroll_x(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, render)), width="100%", aria_label=label))


def _po_row(r: PoRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.button(r.number, variant="ghost", on_click=S.open_po(r.id), min_height=TOUCH)),
        rx.table.cell(r.vendor), rx.table.cell(r.process),
        rx.table.cell(rx.badge(r.status_label, color_scheme=rx.match(r.status, ("draft", "gray"), ("approved", "blue"),
                                                                       ("acknowledged", "green"), "gray"))),
        rx.table.cell(r.order_date), rx.table.cell(r.net, text_align="right", white_space="nowrap"))


def _line_row(r: PoLineRow) -> rx.Component:
    return rx.table.row(rx.table.cell(r.description), rx.table.cell(r.quantity, text_align="right"),
                        *[rx.table.cell(v, text_align="right", white_space="nowrap")
                          for v in (r.unit_price, r.rates, r.base, r.adjusted)],
                        rx.table.cell(rx.flex(rx.text(r.progress, size="2"),
                                              rx.cond(r.receivable > 0, _receive_form(r)), direction="column",
                                              spacing="1")))


def _receive_form(r: PoLineRow) -> rx.Component:
    """Finance confirms what arrived (goods into a lot at a plant go through the API or the storekeeper)."""
    error = S.receive_errors.get(r.id.to_string(), "")
    return rx.form(rx.flex(
        rx.input(type="hidden", name="line_id", value=r.id.to_string()),
        rx.input(name="quantity", input_mode="numeric", placeholder=_("Qty"), width="72px", required=True,
                 aria_label=_("Quantity received")),
        rx.input(name="note", placeholder=_("Delivery note"), max_length=200, width="140px",
                 aria_label=_("Delivery note")),
        rx.button(_("Receive"), type="submit", size="2", variant="soft", min_height=TOUCH),
        spacing="2", align="center", wrap="wrap"),
        rx.cond(error != "", rx.text(error, size="1", color_scheme="red", role="alert")),
        on_submit=S.receive, reset_on_submit=True, data_testid="po-receive")


def _figure(f: Figure) -> rx.Component:
    return rx.flex(rx.text(f.label, size="2"), rx.text(f.value, weight="bold", white_space="nowrap"),
                   justify="between", spacing="3", width="100%")


def _detail() -> rx.Component:
    return rx.card(
        rx.flex(rx.heading(S.detail_title, size="4"), rx.badge(S.detail_status),
                rx.spacer(), rx.icon_button(rx.icon("x"), variant="ghost", on_click=S.close_po, aria_label=_("Close")),
                align="center", spacing="2", width="100%"),
        _table([_("Line"), _("Qty"), _("Unit price"), _("Difficulty × urgency"), _("Base"), _("Adjusted"),
                _("Received")],
               S.detail_lines, _line_row, _("Lines")),
        rx.flex(rx.foreach(S.detail_figures, _figure), direction="column", spacing="1", margin_top="8px",
                data_testid="po-figures"),
        rx.text(ADJUSTED_RULE, size="1", color_scheme="gray"),
        rx.cond(S.settle_text != "", rx.text(S.settle_text, size="2", margin_top="8px", data_testid="settleable")),
        rx.foreach(S.budget_warnings, lambda w: rx.callout(w, icon="triangle_alert", color_scheme="orange", size="1",
                                                           margin_top="8px", data_testid="po-budget-warning")),
        rx.cond(S.approval_text != "", rx.text(S.approval_text, size="2", margin_top="8px", data_testid="po-approval")),
        rx.flex(
            rx.cond(S.can_submit, rx.button(_("Submit for approval"), on_click=S.submit, min_height=TOUCH)),
            rx.cond(S.can_approve, rx.button(_("Approve"), on_click=S.approve, min_height=TOUCH)),
            rx.cond(S.can_acknowledge, rx.button(_("Acknowledge the order"), on_click=S.acknowledge, min_height=TOUCH)),
            rx.cond(S.can_settle, rx.button(_("Settle the approved work"), on_click=S.settle, min_height=TOUCH)),
            rx.button(rx.icon("file-down", size=16), _("PDF"), variant="soft", on_click=S.download_po,
                      min_height=TOUCH, aria_label=_("Purchase order as PDF")),
            spacing="2", wrap="wrap", margin_top="12px"),
        width="100%", data_testid="po-detail")


def _settlement_row(r: SettlementRow) -> rx.Component:
    return rx.table.row(
        *[rx.table.cell(v) for v in (r.number, r.po_number, r.settled_on, r.tasks)],
        *[rx.table.cell(v, text_align="right", white_space="nowrap") for v in (r.adjusted, r.vat, r.withholding, r.net)],
        rx.table.cell(rx.flex(
            rx.button("PDF", size="2", variant="soft", on_click=S.download_statement(r.id, "pdf"), min_height=TOUCH,
                      aria_label=_("Statement as PDF")),
            rx.button("Excel", size="2", variant="soft", on_click=S.download_statement(r.id, "xlsx"), min_height=TOUCH,
                      aria_label=_("Statement as Excel")), spacing="1")),
        rx.table.cell(rx.cond(
            r.paid_on != "", rx.badge(_("Paid on") + " " + r.paid_on, color_scheme="green"),
            rx.form(rx.flex(rx.input(type="hidden", name="settlement_id", value=r.id.to_string()),
                            rx.input(type="date", name="paid_on", default_value=S.today,
                                     aria_label=_("Paid on")),
                            rx.button(_("Record payment"), type="submit", size="2", min_height=TOUCH),
                            spacing="2", align="center"), on_submit=S.mark_paid))))


def _task_choice(c: TaskChoice) -> rx.Component:
    return rx.flex(rx.checkbox(c.label, checked=S.chosen_tasks.contains(c.id), on_change=lambda _v: S.toggle_task(c.id),
                               size="3"),
                   rx.cond(c.approved, rx.badge(_("QC2 approved"), color_scheme="green")),
                   spacing="2", align="center", min_height="40px")


def _error(key: str) -> rx.Var:
    return S.form_errors.get(key, "")


def _form() -> rx.Component:
    return rx.form(rx.flex(
        field(_("Vendor"), select_control("vendor", S.vendor_options, value=S.form_vendor, on_change=S.choose_vendor,
                                          placeholder=_("Choose a vendor")), _error("vendor_partner_id"), html_for="vendor"),
        field(_("Project"), select_control("project", S.project_options, value=S.form_project,
                                           on_change=S.choose_project, placeholder=_("Choose a project")),
              _error("project_id"), html_for="project"),
        field(_("Cost centre"), text_input("cost_centre", placeholder=_("e.g. ANIM-2"), max_length=32,
                                           on_blur=lambda v: S.form_value("cost_centre", v)),
              _error("cost_centre"), html_for="cost_centre"),
        field(_("Process"), text_input("process_type", placeholder=_("Key animation, in-between, paint ...")),
              _error("process_type"), html_for="process_type"),
        rx.grid(field(_("Currency"), select_control("currency", S.currency_options, default_value=S.default_currency,
                                                                on_change=lambda v: S.form_value("currency", v)), html_for="currency"),
                field(_("Order date"), text_input("order_date", type="date",
                                                  default_value=S.today), html_for="order_date"),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="2", width="100%"),
        rx.grid(field(_("VAT rule"), select_control("vat_rule_code", S.vat_options, placeholder=_("No VAT")),
                      _error("vat_rule_code"), html_for="vat_rule_code"),
                field(_("Withholding rule"), select_control("withholding_rule_code", S.wht_options,
                                                            placeholder=_("No withholding")),
                      _error("withholding_rule_code"), html_for="withholding_rule_code"),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="2", width="100%"),
        rx.grid(field(_("Unit price per task"), text_input("unit_price", input_mode="decimal",
                                                                   on_blur=lambda v: S.form_value("unit_price", v)), _error("unit_price"),
                      html_for="unit_price"),
                field(_("Difficulty rate"), text_input("difficulty_rate", default_value="1", input_mode="decimal",
                                                             on_blur=lambda v: S.form_value("difficulty_rate", v)),
                      _error("difficulty_rate"), html_for="difficulty_rate"),
                field(_("Urgency rate"), text_input("urgency_rate", default_value="1", input_mode="decimal",
                                                             on_blur=lambda v: S.form_value("urgency_rate", v)),
                      _error("urgency_rate"), html_for="urgency_rate"),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="2", width="100%"),
        rx.text(ADJUSTED_RULE, size="1", color_scheme="gray"),
        field(_("Tasks this order pays for (one line each)"),
              rx.cond(S.task_choices.length() > 0,
                      rx.flex(rx.foreach(S.task_choices, _task_choice), direction="column", max_height="240px",
                              overflow_y="auto", data_testid="po-tasks"),
                      rx.text(_("Choose a vendor and a project: their tasks on no order yet appear here."), size="2",
                              color_scheme="gray")),
              rx.cond(_error("lines") != "", _error("lines"), _error("lines.0"))),
        rx.foreach(S.form_budget_warnings, lambda w: rx.callout(w, icon="triangle_alert", color_scheme="orange",
                                                                size="1", data_testid="po-form-budget-warning")),
        form_buttons(_("Create draft"), S.set_form_open(False)),
        direction="column", spacing="3"), on_submit=S.create)


def _settlements() -> rx.Component:
    return rx.cond(S.is_finance, rx.box(
        rx.heading(_("Settlements"), size="4", margin_y="12px"),
        _table([_("Number"), _("Order"), _("Settled"), _("Tasks"), _("Adjusted"), _("VAT"), _("Withholding"),
                _("Net payable"), _("Statement"), _("Payment")], S.settlement_rows, _settlement_row, _("Settlements")),
        width="100%"))


def _content() -> rx.Component:
    return rx.flex(
        rx.cond(S.detail_id != 0, _detail()),
        _table([_("Number"), _("Vendor"), _("Process"), _("Status"), _("Date"), _("Net payable")], S.rows, _po_row,
               _("Purchase orders")),
        _settlements(), direction="column", spacing="3", width="100%")


def purchase_orders_page() -> rx.Component:
    return shell(
        page_header(_("Purchase orders"), _("Orders to vendors, their taxes, settlements of approved work."),
                    rx.cond(S.is_finance, rx.button(rx.icon("plus"), _("New purchase order"), on_click=S.open_new,
                                                    min_height=TOUCH))),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No purchase orders yet."), S.load, _content()),
        dialog(_("New purchase order"), _form(), open=S.form_open, on_open_change=S.set_form_open, max_width="720px"),
    )
