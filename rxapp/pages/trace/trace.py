"""/trace: "where did this lot come from and where did it go" on one screen: find a lot by number,
see its inputs (left) and outputs, shipments and customers (right) as a graph and as an indented
table, export CSV/Excel/PDF, and simulate a recall with a hold of the affected stock."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.trace_status import trace_badge
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    empty_state,
    loading,
    page_header,
    scroll_x,
)
from rxapp.i18n import _
from rxapp.state.trace.trace import AffectedRow, TraceRowView
from rxapp.state.trace.trace import TraceState as S


def _finder() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.input(rx.input.slot(rx.icon("scan-line", size=16)), name="number", id="trace-number",
                     placeholder=_("Lot number, e.g. LOT-000123"), default_value=S.query, size="3", flex="1",
                     min_width="220px", aria_label=_("Lot number"), auto_focus=True),
            rx.button(rx.icon("git-fork"), _("Trace"), type="submit", size="3", min_height=TOUCH),
            spacing="2", wrap="wrap", width="100%",
        ),
        on_submit=S.find, reset_on_submit=False, width="100%", margin_bottom="12px",
    )


def _figure(label: str, value: rx.Var) -> rx.Component:
    return rx.card(rx.text(label, size="1", color_scheme="gray"), rx.text(value, size="6", weight="bold"),
                   min_width="120px", flex="1")


def _summary() -> rx.Component:
    return rx.flex(
        _figure(_("Input lots"), S.inputs), _figure(_("Supplier receipts"), S.receipts),
        _figure(_("Lots reached"), S.reached), _figure(_("Serials"), S.serials),
        _figure(_("Shipments"), S.shipments), _figure(_("Customers"), S.customers.length()),
        spacing="3", wrap="wrap", width="100%", data_testid="trace-summary",
    )


def _row(row: TraceRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.badge(row.direction, variant="outline")),
        rx.table.cell(rx.flex(
            rx.box(width=row.indent, flex_shrink="0"),
            rx.cond(row.node == "lot",
                    rx.link(row.number, href="#", on_click=S.open_lot(row.node_id), weight="medium"),
                    rx.text(row.number, weight="medium")),
            rx.cond(row.repeated, rx.text(_("(shown above)"), size="1", color_scheme="gray")),
            spacing="2", align="center")),
        rx.table.cell(row.product), rx.table.cell(row.quantity, text_align="right"), rx.table.cell(row.kind),
        rx.table.cell(trace_badge(row.status)), rx.table.cell(row.who), rx.table.cell(row.work_order),
        data_testid="trace-row",
    )


def _table() -> rx.Component:
    return scroll_x(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
            _("Direction"), _("Lot / shipment"), _("Product"), _("Quantity"), _("Link"), _("Status"),
            _("Supplier / customer"), _("Work order / pass"))])),
        rx.table.body(rx.foreach(S.rows, _row)),
        variant="surface", size="1", width="100%", data_testid="trace-table",
    ))


def _exports() -> rx.Component:
    return rx.flex(*[rx.button(rx.icon("download"), label, variant="soft", size="2", min_height=PHONE_TOUCH,
                               on_click=S.export(fmt)) for fmt, label in (("csv", "CSV"), ("xlsx", "Excel"), ("pdf", "PDF"))],
                   spacing="2", wrap="wrap")


def _affected(row: AffectedRow) -> rx.Component:
    return rx.flex(rx.text(row.number, weight="medium"), rx.text(row.detail, color_scheme="gray", size="2"),
                   trace_badge(row.status), spacing="2", align="center", wrap="wrap")


def _recall() -> rx.Component:
    return rx.card(
        rx.heading(_("Recall simulation"), size="4", margin_bottom="8px"),
        rx.flex(
            rx.button(rx.icon("siren"), _("From this lot"), on_click=S.recall_this_lot, disabled=~S.has_trace,
                      variant="soft", size="3", min_height=TOUCH, data_testid="recall-lot"),
            rx.form(rx.flex(
                rx.input(name="supplier_lot_ref", placeholder=_("Supplier lot reference"), size="3",
                         aria_label=_("Supplier lot reference")),
                rx.input(name="supplier", placeholder=_("Supplier (optional)"), size="3", aria_label=_("Supplier")),
                rx.button(_("From a supplier lot"), type="submit", variant="soft", size="3", min_height=TOUCH),
                spacing="2", wrap="wrap"), on_submit=S.recall_supplier, reset_on_submit=False),
            rx.form(rx.flex(
                rx.select.root(rx.select.trigger(placeholder=_("Machine"), aria_label=_("Machine"), min_height=TOUCH),
                               rx.select.content(rx.foreach(S.machine_options,
                                                            lambda o: rx.select.item(o.label, value=o.value))),
                               name="machine_id", size="3"),
                rx.input(name="start", type="datetime-local", size="3", aria_label=_("Suspect from (UTC)"),
                         title=_("Suspect from (UTC)")),
                rx.input(name="end", type="datetime-local", size="3", aria_label=_("Suspect until (UTC)"),
                         title=_("Suspect until (UTC)")),
                rx.button(_("From a machine and time range"), type="submit", variant="soft", size="3",
                          min_height=TOUCH, data_testid="recall-machine"),
                spacing="2", wrap="wrap"), on_submit=S.recall_machine, reset_on_submit=False),
            spacing="3", wrap="wrap", align="center",
        ),
        rx.cond(S.has_recall, rx.box(
            rx.heading(S.recall_title, size="3", margin_y="8px"),
            rx.text(_("Customers"), weight="bold"),
            rx.flex(rx.foreach(S.recall_customers, lambda c: rx.badge(c, size="2", color_scheme="red")),
                    spacing="2", wrap="wrap", data_testid="recall-customers"),
            rx.text(_("Shipments"), weight="bold", margin_top="8px"),
            rx.vstack(rx.foreach(S.recall_shipments, _affected), spacing="1", data_testid="recall-shipments"),
            rx.text(_("Lots"), weight="bold", margin_top="8px"),
            rx.vstack(rx.foreach(S.recall_lots, _affected), spacing="1"),
            rx.flex(
                rx.input(value=S.hold_reason, on_change=S.set_hold_reason, placeholder=_("Why is the stock held?"),
                         size="3", flex="1", min_width="220px", aria_label=_("Reason for the hold")),
                rx.checkbox(_("Also mark shipped lots recalled"), checked=S.mark_recalled,
                            on_change=S.set_mark_recalled, size="3", min_height=TOUCH),
                rx.button(rx.icon("octagon-pause"), _("Hold affected stock"), color_scheme="red", size="3",
                          min_height=TOUCH, on_click=S.hold_affected,
                          disabled=~S.recall_may_hold | ((S.recall_on_hand == 0) & ~S.mark_recalled)),
                spacing="2", wrap="wrap", margin_top="12px",
            ),
            rx.cond(S.hold_error != "", rx.text(S.hold_error, color_scheme="red", size="2")),
        )),
        width="100%", margin_top="16px",
    )


def trace_page() -> rx.Component:
    return shell(
        page_header(_("Trace"), _("Where a lot came from and where it went, at any depth."), _exports()),
        _finder(),
        rx.cond(S.load_error != "", rx.callout.root(rx.callout.icon(rx.icon("triangle-alert")),
                                                     rx.callout.text(S.load_error), color_scheme="red", role="alert",
                                                     margin_bottom="12px")),
        rx.cond(S.loading, loading(), rx.cond(S.has_trace, rx.vstack(
            rx.flex(rx.heading(S.lot_title, size="4"), trace_badge(S.lot_status), spacing="2", align="center"),
            _summary(),
            rx.cond(S.customers.length() > 0, rx.flex(
                rx.text(_("Reached customers:"), weight="bold"),
                rx.foreach(S.customers, lambda c: rx.badge(c, size="2")), spacing="2", wrap="wrap")),
            rx.card(rx.plotly(data=S.figure, width="100%"), width="100%", data_testid="trace-graph"),
            rx.cond(S.truncated, rx.text(_("The table shows the first 5000 rows; the CSV export has them all."),
                                         color_scheme="amber")),
            _table(),
            spacing="3", width="100%",
        ), empty_state(_("Type or scan a lot number to see its trace."), "git-fork"))),
        _recall(),
    )
