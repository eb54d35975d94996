"""/dashboard: OEE with A/P/Q, the OEE trend, the loss Pareto, FPY by product and step, the OTD trend,
WIP and capacity utilisation, filtered by plant, department, machine, shift and period. Every figure
opens the events behind it (tiles, chart points); CSV/Excel export of what is shown. Live: the
figures come from the shared LiveDashboardState, refreshed at a calm cadence (charts, tables: 30 s after a
report, at once on a filter change); the KPI tiles move at once, written by assets/takt_live.js from the live
channel's deltas (the data-live-* marks), and the OEE trend gets the report's point appended or its last point
replaced (data-live-chart="trend")."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    dialog,
    field,
    loading,
    page_header,
    scroll_x,
)
from rxapp.i18n import _
from rxapp.state.kpi.dashboard import PERIOD_LABELS, EventRow
from rxapp.state.kpi.dashboard import DashboardState as S
from rxapp.state.kpi.live_dashboard import CapacityRow, KpiTile, YieldRow
from rxapp.state.kpi.live_dashboard import LiveDashboardState as L

ALL = "all"


def _select(label: str, name: str, value: rx.Var, choices: rx.Var, all_label: str) -> rx.Component:
    return field(label, rx.select.root(
        rx.select.trigger(aria_label=label, width="100%", min_height=TOUCH, data_testid=f"filter-{name}"),
        rx.select.content(rx.select.item(all_label, value=ALL),
                          rx.foreach(choices, lambda c: rx.select.item(c.label, value=c.id))),
        value=rx.cond(value == "", ALL, value), on_change=lambda v: S.set_filter(name, v), size="3"))


def _filters_toggle() -> rx.Component:
    """Below 768 px the filters fold away behind this button, so the figures fill the first phone screen."""
    return rx.button(
        rx.icon("sliders-horizontal"), _("Filters"), rx.icon(rx.cond(S.filters_open, "chevron-up", "chevron-down")),
        variant="soft", width="100%", min_height=PHONE_TOUCH, on_click=S.toggle_filters,
        aria_expanded=rx.cond(S.filters_open, "true", "false"), aria_controls="dashboard-filters",
        display=["flex", "flex", "none"], data_testid="filters-toggle")   # the breakpoints of PHONE_TOUCH: 768 px


def _filters() -> rx.Component:
    folded = rx.cond(S.filters_open | (S.filter_error != ""), "block", "none")    # below 768 px
    return rx.box(_filters_toggle(), rx.card(
        rx.grid(
            field(_("Plant"), rx.select.root(
                rx.select.trigger(aria_label=_("Plant"), width="100%", min_height=TOUCH, data_testid="filter-plant"),
                rx.select.content(rx.foreach(S.plant_choices, lambda c: rx.select.item(c.label, value=c.id))),
                value=S.plant_id, on_change=lambda v: S.set_filter("plant_id", v), size="3")),
            _select(_("Department"), "department_id", S.department_id, S.departments, _("All departments")),
            _select(_("Machine"), "machine_id", S.machine_id, S.machines, _("All machines")),
            _select(_("Shift"), "shift_id", S.shift_id, S.shifts, _("All shifts")),
            field(_("Period"), rx.select.root(
                rx.select.trigger(aria_label=_("Period"), width="100%", min_height=TOUCH, data_testid="filter-period"),
                rx.select.content(*[rx.select.item(label, value=key) for key, label in PERIOD_LABELS.items()]),
                value=S.period, on_change=lambda v: S.set_filter("period", v), size="3")),
            columns=rx.breakpoints(initial="1", sm="2", md="5"), spacing="3", width="100%",
        ),
        rx.cond(S.period == "custom", rx.grid(
            field(_("First day"), rx.input(type="date", id="start_day", value=S.start_day, size="3",
                                           min_height=PHONE_TOUCH, on_change=lambda v: S.set_filter("start_day", v)),
                  html_for="start_day"),
            field(_("Last day"), rx.input(type="date", id="end_day", value=S.end_day, size="3", min_height=PHONE_TOUCH,
                                          on_change=lambda v: S.set_filter("end_day", v)), html_for="end_day"),
            columns=rx.breakpoints(initial="1", sm="2"), spacing="3", margin_top="12px", max_width="480px")),
        rx.cond(S.filter_error != "", rx.callout(S.filter_error, icon="triangle-alert", color_scheme="red",
                                                 margin_top="12px", data_testid="filter-error")),
        width="100%", id="dashboard-filters", margin_top=["8px", "8px", "0"], display=[folded, folded, "block"],
        data_testid="dashboard-filters",
    ), width="100%")


def _tile(tile: KpiTile) -> rx.Component:
    return rx.card(
        rx.text(tile.label, size="2", color_scheme="gray", weight="medium"),
        rx.text(tile.value, size="8", weight="bold", data_testid=f"kpi-{tile.key}", data_live_key=tile.key),
        rx.text(tile.detail, size="1", color=rx.cond(tile.warn, rx.color("amber", 11), rx.color("gray", 11))),
        as_child=False, on_click=S.drill(tile.key), cursor="pointer", role="button",
        data_testid=f"tile-{tile.key}", _hover={"background": rx.color("accent", 2)},   # named by its text
    )


def _chart(title: str, figure: rx.Var, has_data: rx.Var, empty: str, hint: str = "", live: str = "",
           **props) -> rx.Component:
    """A figure's card; `live` names the chart the live channel extends (assets/takt_live.js: data-live-chart)."""
    return rx.card(
        rx.flex(rx.heading(title, size="4", as_="h2"), rx.text(hint, size="1", color_scheme="gray"),
                justify="between", align="center", wrap="wrap"),
        rx.cond(has_data, rx.plotly(data=figure, config={"displayModeBar": False, "responsive": True}, width="100%",
                                    **props),
                rx.text(empty, color_scheme="gray", padding="24px 0")),
        width="100%", **({"data_live_chart": live} if live else {}),
    )


def _loss_pareto() -> rx.Component:
    """Loss minutes by reason, or the stop reasons by their number of stops."""
    by = rx.segmented_control.root(rx.segmented_control.item(_("Minutes"), value="minutes"),
                                   rx.segmented_control.item(_("Stops"), value="stops"),
                                   value=S.pareto_by, on_change=S.set_pareto_by, size="1", data_testid="pareto-by")
    return rx.box(
        rx.flex(by, justify="end", margin_bottom="4px"),
        rx.cond(S.pareto_by == "stops",
                _chart(_("Stops by reason"), L.stop_pareto, L.has_stops, _("No stops recorded."),
                       _("Click a bar for its events."), on_click=S.drill_loss),
                _chart(_("Loss Pareto"), L.pareto, L.has_losses, _("No losses recorded."),
                       _("Click a bar for its events."), on_click=S.drill_loss)),
        width="100%")


def _yield_row(row: YieldRow) -> rx.Component:
    return rx.table.row(rx.table.cell(row.product), rx.table.cell(row.step), rx.table.cell(row.units_in),
                        rx.table.cell(row.right_first_time), rx.table.cell(row.fpy, data_testid="fpy-cell"),
                        rx.table.cell(row.rty))


def _capacity_row(row: CapacityRow) -> rx.Component:
    return rx.table.row(rx.table.cell(row.code), rx.table.cell(row.name), rx.table.cell(row.scheduled),
                        rx.table.cell(row.available),
                        rx.cond(L.has_utilisation, rx.table.cell(row.utilisation, data_testid="utilisation-cell")),
                        rx.cond(L.has_load, rx.table.cell(row.load, data_testid="load-cell")), data_testid="capacity-row")


def _capacity() -> rx.Component:
    """Planned hours per department (or machine) against the calendar; utilisation (against a capacity
    target) and load (against the available hours) appear only when there is something to divide by."""
    headers = rx.table.row(*[rx.table.column_header_cell(h) for h in (_("Code"), _("Name"), _("Scheduled"),
                                                                        _("Available"))],
                           rx.cond(L.has_utilisation, rx.table.column_header_cell(_("Utilisation"))),
                           rx.cond(L.has_load, rx.table.column_header_cell(_("Load"))))
    return rx.card(
        rx.heading(_("Capacity utilisation"), size="4", as_="h2", margin_bottom="8px"),
        rx.cond(L.capacity.length() == 0, rx.text(_("No capacity data (no shift calendar)."), color_scheme="gray"),
                rx.box(scroll_x(rx.table.root(rx.table.header(headers), rx.table.body(rx.foreach(L.capacity, _capacity_row)),
                                              size="1", width="100%")),
                       rx.cond(~L.has_utilisation, rx.text(
                           _("Utilisation compares the planned hours with a capacity target; none is set for this "
                             "plant yet, so only the planned and available hours are shown."),
                           size="1", color_scheme="gray", margin_top="8px", data_testid="no-capacity-targets")),
                       rx.cond(~L.has_load, rx.text(
                           _("No working time in this period: the shift calendar has no shifts to plan against."),
                           size="1", color_scheme="gray", margin_top="8px", data_testid="no-working-time")))),
        width="100%", data_testid="capacity")


def _table(headers: list[str], rows: rx.Var, render) -> rx.Component:
    return scroll_x(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, render)), size="1", width="100%"))


def _event_row(row: EventRow) -> rx.Component:
    return rx.table.row(rx.table.cell(row.when, white_space="nowrap"), rx.table.cell(row.kind_label),
                        rx.table.cell(row.machine),
                        rx.table.cell(row.good), rx.table.cell(row.scrap), rx.table.cell(row.reason),
                        data_testid="drill-row")


def _drill_dialog() -> rx.Component:
    return dialog(S.drill_title, rx.box(
        rx.text(_("The recorded events behind this figure."), size="2", color_scheme="gray"),
        rx.cond(S.drill_rows.length() == 0, rx.text(_("No events in this period."), padding="16px 0"),
                rx.box(_table([_("When"), _("Event"), _("Machine"), _("Good"), _("Scrap"), _("Reason")], S.drill_rows,
                              _event_row), max_height="60vh", overflow_y="auto")),
        rx.cond(S.drill_truncated, rx.text(_("Only the first 1,000 events are shown."), size="1")),
        rx.flex(rx.button(_("Close"), on_click=S.close_drill, min_height=TOUCH), justify="end", margin_top="12px"),
    ), open=S.drill_open, on_open_change=lambda _open: S.close_drill(), max_width="860px")


def _figures() -> rx.Component:
    return rx.flex(
        rx.flex(rx.text(L.period_text, size="2", color_scheme="gray"),
                rx.text(_("Live · updated"), " ", L.updated, size="2", color_scheme="gray", data_testid="updated"),
                justify="between", wrap="wrap", width="100%"),
        rx.grid(rx.foreach(L.tiles, _tile), columns=rx.breakpoints(initial="2", md="4"), spacing="3", width="100%"),
        rx.text(L.convention, size="2", color_scheme="gray", data_testid="idle-convention"),
        rx.grid(
            _chart(_("OEE trend"), L.trend, L.has_trend, _("No working time in this period."),
                   _("Click a point for its events."), live="trend", on_click=S.drill_trend),
            _loss_pareto(),
            _chart(_("First-pass yield by product and step"), L.fpy, L.has_yields, _("No parts reported.")),
            _chart(_("On-time delivery"), L.otd, L.has_otd, _("No order lines due in this period."), L.otd_text),
            columns=rx.breakpoints(initial="1", lg="2"), spacing="3", width="100%",
        ),
        rx.cond(L.has_yields, rx.card(
            rx.heading(_("Yield by step"), size="4", as_="h2", margin_bottom="8px"),
            _table([_("Product"), _("Step"), _("Units in"), _("Right first time"), _("FPY"), _("RTY")], L.yields,
                   _yield_row),
            rx.button(_("Events behind"), variant="soft", on_click=S.drill("fpy"), margin_top="8px",
                      min_height=TOUCH))),
        rx.heading(_("Work in progress"), size="4", as_="h2"),
        rx.grid(rx.foreach(L.wip, lambda t: rx.card(rx.text(t.label, size="2", color_scheme="gray"),
                                                    rx.text(t.value, size="6", weight="bold"))),
                columns=rx.breakpoints(initial="2", md="4"), spacing="3", width="100%"),
        _capacity(),
        direction="column", spacing="4", width="100%",
    )


def dashboard_page() -> rx.Component:
    return shell(
        page_header(_("Dashboard"), _("OEE, losses, yield, delivery and work in progress, live."),
                    rx.button(rx.icon("file-down"), _("CSV"), variant="soft", on_click=S.export("csv"),
                              min_height=TOUCH, data_testid="export-csv"),
                    rx.button(rx.icon("sheet"), _("Excel"), variant="soft", on_click=S.export("xlsx"),
                              min_height=TOUCH, data_testid="export-xlsx")),
        _filters(),
        rx.box(
            rx.cond(L.loaded & (S.linked_token != ""),
                    rx.cond(L.error != "", rx.callout(L.error, icon="info", data_testid="view-error"), _figures()),
                    rx.cond(S.filter_error == "", loading(_("Loading the figures…")))),
            margin_top="16px", width="100%", data_live_kind="dashboard", data_live_params=S.live_params,
            data_testid="live-tiles"),
        _drill_dialog(),
        rx.script(src="/takt_live.js"),           # the tiles' live channel (WS /api/v1/live/stream)
    )
