"""The live maintenance board a plant's screens share (an rx.SharedState linked to the plant's maintenance scope
by rxapp/live.py): open tickets with their SLA countdown and the KPI tiles and charts of the last 30 days. It
holds display values only and imports nothing else from the app but i18n and routes."""
from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import reflex as rx

from rxapp import routes
from rxapp.i18n import _, format_datetime
from services.core import formats
from services.maintenance.board import MaintenanceBoard
from services.maintenance.tickets import TicketRead

SLA_COLORS = {"ok": "green", "warning": "amber", "breached": "red", "paused": "gray", "none": "gray"}


@dataclass
class TicketRow:
    """A ticket as every maintenance list shows it (board, home, tickets, machine history)."""
    id: int = 0
    number: str = ""
    machine: str = ""
    kind: str = ""
    priority: str = ""
    title: str = ""
    status: str = ""
    is_closed: bool = False
    assignee: str = ""
    sla_state: str = "none"
    sla_color: str = "gray"
    due_iso: str = ""                # ISO time (UTC) of the deadline the countdown runs to
    remaining: str = ""              # working time left at the last refresh, "h:mm" (negative: overdue)
    href: str = ""


def remaining_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    sign, seconds = ("-" if seconds < 0 else ""), abs(int(seconds))
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}"


def ticket_row(t: TicketRead) -> TicketRow:
    return TicketRow(id=t.id, number=t.number, machine=t.machine_code, kind=t.kind, priority=t.priority, title=t.title,
                     status=t.status_name, is_closed=t.is_closed, assignee=t.assignee_name, sla_state=t.sla_state,
                     sla_color=SLA_COLORS.get(t.sla_state, "gray"),
                     due_iso=t.sla_due_at.isoformat() if t.sla_due_at else "",
                     remaining=remaining_text(t.sla_remaining_seconds), href=routes.maintenance_ticket_url(t.id))


def _hours(value: float | None) -> str:
    return "–" if value is None else formats.number(value, decimals=1) + " h"


def _percent(value: float | None) -> str:
    return "–" if value is None else formats.percent(value, decimals=0)


def _layout(fig: go.Figure) -> go.Figure:
    fig.update_layout(template="none", margin={"l": 40, "r": 10, "t": 10, "b": 40}, height=260, showlegend=False)
    return fig


class LiveMaintenanceState(rx.SharedState):
    loaded: bool = False
    plant: str = ""
    updated: str = ""
    rows: list[TicketRow] = []
    breached: int = 0
    tiles: list[list[str]] = []               # [label, value, definition]
    mtbf: go.Figure = go.Figure()
    backlog: go.Figure = go.Figure()

    @staticmethod
    def prepare(board: MaintenanceBoard) -> dict:
        k = board.kpis
        rows = [ticket_row(t) for t in board.open_tickets]
        d = k.definitions
        tiles = [[_("MTBF"), _hours(k.mtbf_hours), d["mtbf"]], [_("MTTR"), _hours(k.mttr_hours), d["mttr"]],
                 [_("Breakdowns"), str(k.breakdowns), d["breakdowns"]],
                 [_("Response SLA"), _percent(k.response_compliance), d["response"]],
                 [_("Resolution SLA"), _percent(k.resolution_compliance), d["resolution"]],
                 [_("Planned share"), _percent(k.planned_ratio), d["planned_ratio"]],
                 [_("Cost"), formats.number(k.parts_cost + k.labour_cost, decimals=2), d["cost"]]]
        machines = [m for m in k.machines if m.mtbf_hours is not None]
        mtbf = _layout(go.Figure(go.Bar(x=[m.machine_code for m in machines], y=[round(m.mtbf_hours, 1) for m in machines],
                                        marker_color="#2563eb")))
        backlog = _layout(go.Figure(go.Bar(x=[_(age) for age in k.backlog], y=list(k.backlog.values()), marker_color="#d97706")))
        return dict(rows=rows, tiles=tiles, mtbf=mtbf, backlog=backlog, plant=board.plant_code,
                    updated=format_datetime(board.at, board.timezone, "HH:mm:ss"),
                    breached=sum(1 for r in rows if r.sla_state == "breached"), loaded=True)

    def _apply(self, data: MaintenanceBoard | dict) -> None:
        values = data if isinstance(data, dict) else self.prepare(data)
        for name, value in values.items():
            if name in ("mtbf", "backlog") or getattr(self, name) != value:
                setattr(self, name, value)
