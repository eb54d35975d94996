"""/work-orders: work orders of the person's plants with a status filter and progress bars; select
many and complete them in one action; a work order's detail with operations, sub-assembly work
orders, history and the status changes allowed now."""
from __future__ import annotations

import reflex as rx

from rxapp.components.custom_fields import custom_filter
from rxapp.components.form_sections import laid_out_form
from rxapp.components.shell import shell
from rxapp.components.status import STATUS_LABELS, progress_cell, status_badge
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    date_cell,
    dialog,
    list_card,
    list_states,
    page_header,
    phone_or_table,
    scroll_x,
    setup_needed,
)
from rxapp.i18n import _
from rxapp.state.production.orders import HistoryRow
from rxapp.state.production.work_orders import (
    OperationRow,
    WorkOrderDetailState,
    WorkOrdersState,
    WorkRow,
)

S, D = WorkOrdersState, WorkOrderDetailState
WORK_STATUSES = ("planned", "released", "running", "paused", "done", "cancelled")


def _filters() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.flex(
                rx.input(rx.input.slot(rx.icon("search", size=16)), name="search", default_value=S.search, size="3",
                         placeholder=_("Work order, product or order"), flex="1", min_width="0",
                         aria_label=_("Search work orders")),
                rx.button(_("Search"), type="submit", variant="soft", size="3", min_height=TOUCH),
                spacing="2", width="100%"),
            on_submit=S.apply_search, reset_on_submit=False, flex="1", min_width="min(100%, 280px)"),
        rx.select.root(
            rx.select.trigger(aria_label=_("Status"), min_height=TOUCH),
            rx.select.content(rx.select.item(_("All statuses"), value="all"),
                              *[rx.select.item(STATUS_LABELS[s], value=s) for s in WORK_STATUSES]),
            value=S.status_filter, on_change=lambda v: S.set_filter("status_filter", v), size="3"),
        rx.select.root(
            rx.select.trigger(aria_label=_("Plant"), min_height=TOUCH),
            rx.select.content(rx.select.item(_("All plants"), value="all"),
                              rx.foreach(S.plant_options, lambda o: rx.select.item(o.label, value=o.id))),
            value=S.plant_filter, on_change=lambda v: S.set_filter("plant_filter", v), size="3"),
        custom_filter(S),
        rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=S.export("csv"), min_height=TOUCH),
        rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", on_click=S.export("xlsx"), min_height=TOUCH),
        spacing="3", wrap="wrap", width="100%", margin_bottom="16px",
    )


def _row(w: WorkRow) -> rx.Component:
    return rx.table.row(
        rx.cond(S.can_complete, rx.table.cell(rx.checkbox(checked=S.selected.contains(w.id), on_change=lambda c: S.toggle(
            w.id, c), size="3", aria_label=_("Select"), data_testid="select-work-order"))),
        rx.table.cell(rx.link(w.number, href="#", on_click=D.show(w.id), weight="medium"),
                      rx.cond(w.parent != "", rx.text(_("for"), " ", w.parent, size="1", color_scheme="gray"))),
        rx.table.cell(w.product),
        rx.table.cell(w.order),
        rx.table.cell(status_badge(w.status)),
        rx.table.cell(progress_cell(w.percent, w.good, w.scrap, w.quantity)),
        date_cell(w.due),
        data_testid="work-order-row",
    )


def _card(w: WorkRow) -> rx.Component:
    return list_card(rx.text(w.number, weight="bold"), status_badge(w.status), rx.text(w.product, size="2"),
                     progress_cell(w.percent, w.good, w.scrap, w.quantity),
                     rx.cond(w.due != "", rx.text(_("Due"), " ", w.due, size="2", color_scheme="gray",
                                                  white_space="nowrap")),
                     on_click=D.show(w.id), test_id="work-order-card")


def _table() -> rx.Component:
    return rx.box(
        phone_or_table(scroll_x(rx.table.root(
            rx.table.header(rx.table.row(
                rx.cond(S.can_complete, rx.table.column_header_cell(rx.checkbox(
                    checked=(S.selected.length() > 0) & (S.selected.length() == S.rows.length()),
                    on_change=S.toggle_all, size="3", aria_label=_("Select all shown")))),
                *[rx.table.column_header_cell(h) for h in (_("Work order"), _("Product"), _("Order"), _("Status"),
                                                           _("Progress"), _("Due"))])),
            rx.table.body(rx.foreach(S.rows, _row)), variant="surface", width="100%", data_testid="work-orders-table")),
            rx.foreach(S.rows, _card)),
        rx.flex(
            rx.text(S.page_label, size="2", color_scheme="gray"),
            rx.button(rx.icon("chevron-left"), _("Previous"), variant="soft", size="2", min_height=PHONE_TOUCH,
                      disabled=S.offset == 0, on_click=S.turn_page(-1)),
            rx.button(_("Next"), rx.icon("chevron-right"), variant="soft", size="2", min_height=PHONE_TOUCH,
                      disabled=S.offset + 200 >= S.total, on_click=S.turn_page(1)),
            spacing="3", align="center", justify="end", margin_top="8px"),
    )


def _op_row(o: OperationRow) -> rx.Component:
    return rx.table.row(rx.table.cell(o.sequence), rx.table.cell(o.name), rx.table.cell(o.work_center),
                        rx.table.cell(o.machine), rx.table.cell(status_badge(o.status)),
                        rx.table.cell(o.good, " / ", o.quantity,
                                      rx.cond(o.overproduced, rx.text.span(" ⚠ ", _("overproduction"), color="#b91c1c",
                                                                           font_weight="700"))),
                        rx.table.cell(o.minutes, text_align="right"))


def _history_row(h: HistoryRow) -> rx.Component:
    return rx.table.row(rx.table.cell(h.at), rx.table.cell(h.change), rx.table.cell(h.user), rx.table.cell(h.reason))


def _small_table(headers, rows, render) -> rx.Component:
    return scroll_x(rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                                  rx.table.body(rx.foreach(rows, render)), variant="surface", size="1", width="100%"))


def _detail() -> rx.Component:
    return rx.flex(
        rx.flex(status_badge(D.row.status), rx.text(D.row.product, weight="medium"),
                rx.cond(D.row.order != "", rx.text(_("Order"), " ", D.row.order, color_scheme="gray")),
                rx.cond(D.row.due != "", rx.text(_("Due"), " ", D.row.due, color_scheme="gray")),
                spacing="3", wrap="wrap", align="center"),
        progress_cell(D.row.percent, D.row.good, D.row.scrap, D.row.quantity),
        rx.cond(D.can_edit_fields & (D.custom_inputs.length() > 0), rx.form(
            rx.flex(laid_out_form(D.custom_sections, {}, D.custom_errors),
                    rx.button(_("Save fields"), type="submit", variant="soft", min_height=TOUCH,
                              data_testid="save-custom-fields"),
                    direction="column", spacing="2", align="start", width="100%"),
            on_submit=D.save_custom, reset_on_submit=False, width="100%")),
        rx.cond(D.actions.length() > 0, rx.flex(
            rx.input(value=D.reason, on_change=D.set_reason, placeholder=_("Reason (optional)"), size="3",
                     aria_label=_("Reason"), min_width="200px"),
            rx.foreach(D.actions, lambda a: rx.button(a.label, on_click=D.change(a.id), variant="soft",
                                                      min_height=TOUCH, data_testid="work-order-action")),
            spacing="2", wrap="wrap", align="center")),
        rx.heading(_("Operations"), size="3"),
        _small_table([_("Step"), _("Name"), _("Work center"), _("Machine"), _("Status"), _("Good"), _("Minutes")],
                     D.operations, _op_row),
        rx.cond(D.children.length() > 0, rx.fragment(
            rx.heading(_("Sub-assemblies"), size="3"),
            _small_table([_("Work order"), _("Product"), _("Status")], D.children,
                         lambda c: rx.table.row(rx.table.cell(rx.link(c.number, href="#", on_click=D.show(c.id))),
                                                rx.table.cell(c.product), rx.table.cell(status_badge(c.status)))))),
        rx.heading(_("History"), size="3"),
        _small_table([_("When"), _("Change"), _("Who"), _("Reason")], D.history, _history_row),
        direction="column", spacing="3", width="100%", data_testid="work-order-detail",
    )


def work_orders_page() -> rx.Component:
    return shell(
        page_header(
            _("Work orders"), _("What to make, how much, and how far it is."),
            rx.cond(S.can_complete, rx.button(
                rx.icon("check-check"), _("Complete selected"), " (", S.selected.length(), ")",
                on_click=S.complete_selected, disabled=S.selected.length() == 0, size="3", min_height=TOUCH,
                data_testid="complete-selected")),
        ),
        _filters(),
        rx.cond(S.setup.length() > 0,
                setup_needed(S.setup, _("Work orders are made from released orders of products with routings. "
                                        "Set up:")),
                list_states(S.loading, S.load_error, S.rows.length() == 0,
                            _("No work orders match this filter. Orders become work orders when released."), S.load,
                            _table())),
        dialog(f"{_('Work order')} {D.row.number}", _detail(), open=D.detail_open, on_open_change=D.set_detail_open,
               max_width="960px"),
    )
