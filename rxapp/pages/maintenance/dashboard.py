"""/maintenance: the live board (open tickets with SLA countdown, KPI tiles with their definitions, MTBF per
machine and backlog by age) and the analysis per machine over a period with drill-down and export."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, page_header
from rxapp.i18n import _
from rxapp.pages.maintenance.common import sla_badge
from rxapp.state.maintenance.dashboard import PERIODS
from rxapp.state.maintenance.dashboard import MaintenanceDashboardState as S
from rxapp.state.maintenance.live_board import LiveMaintenanceState as L
from rxapp.state.maintenance.live_board import TicketRow


def _tile(tile) -> rx.Component:
    return rx.card(rx.text(tile[0], size="2", color_scheme="gray"), rx.heading(tile[1], size="7"),
                   rx.text(tile[2], size="1", color_scheme="gray"), min_width="180px", flex="1",
                   data_testid="maintenance-tile")


def _row(r: TicketRow) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.link(rx.text.strong(r.number), href=r.href)), rx.table.cell(r.machine),
                        rx.table.cell(r.title), rx.table.cell(r.priority), rx.table.cell(r.status),
                        rx.table.cell(r.assignee), rx.table.cell(sla_badge(r.sla_state, r.sla_color, r.due_iso,
                                                                          r.remaining)),
                        data_testid="board-row")


def _chart(title: str, figure) -> rx.Component:
    return rx.card(rx.heading(title, size="4", as_="h2"),
                   rx.plotly(data=figure, config={"displayModeBar": False, "responsive": True}, width="100%"),
                   flex="1", min_width="300px")


def _machine(m) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.link(m.code, href=m.href)), rx.table.cell(m.name),
                        rx.table.cell(m.breakdowns), rx.table.cell(m.stops), rx.table.cell(m.mtbf),
                        rx.table.cell(m.mttr), rx.table.cell(m.cost))


def maintenance_dashboard_page() -> rx.Component:
    return shell(
        page_header(_("Maintenance"), _("Open tickets with their SLA, MTBF, MTTR and costs, live.")),
        rx.flex(rx.box(select_control("plant", S.plant_options, value=S.plant_id, on_change=S.set_plant,
                                      aria_label=_("Plant")), width="220px"),
                rx.text(_("Updated"), " ", L.updated, size="1", color_scheme="gray"),
                rx.cond(L.breached > 0, rx.badge(L.breached, " ", _("breached"), color_scheme="red", size="3",
                                                 data_testid="breached-count")),
                spacing="3", align="center", wrap="wrap", margin_bottom="12px"),
        rx.cond(S.error != "", rx.callout(S.error, color_scheme="red")),
        rx.flex(rx.foreach(L.tiles, _tile), spacing="3", wrap="wrap", width="100%"),
        rx.heading(_("Open tickets"), size="5", margin_top="16px"),
        rx.cond(L.rows.length() > 0,
                table([_("Number"), _("Machine"), _("Title"), _("Priority"), _("Status"), _("Assignee"), _("SLA")],
                      rx.foreach(L.rows, _row)),
                rx.text(_("No open tickets."), color_scheme="gray", data_testid="no-open-tickets")),
        rx.flex(_chart(_("MTBF per machine (h, 30 days)"), L.mtbf), _chart(_("Backlog by age"), L.backlog),
                spacing="3", wrap="wrap", width="100%", margin_top="16px"),
        rx.heading(_("Per machine"), size="5", margin_top="16px"),
        rx.flex(rx.box(select_control("period", PERIODS, value=S.period, on_change=S.set_period,
                                      aria_label=_("Period")), width="160px"),
                rx.box(select_control("class", S.class_options, value=S.work_center_id, on_change=S.set_class,
                                      placeholder=_("All machine classes"), aria_label=_("Machine class")),
                       width="220px"),
                rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=S.export("csv"),
                          min_height=TOUCH),
                rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", on_click=S.export("xlsx"),
                          min_height=TOUCH),
                rx.foreach(S.summary, lambda s: rx.badge(s[0], ": ", s[1], variant="soft", size="2")),
                spacing="2", wrap="wrap", align="center", margin_bottom="8px"),
        table([_("Machine"), _("Name"), _("Breakdowns"), _("Breakdown stops"), _("MTBF h"), _("MTTR h"), _("Cost")],
              rx.foreach(S.machine_rows, _machine)),
    )
