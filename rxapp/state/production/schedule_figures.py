"""Plotly figures for the schedule board, built from the services' read models (pure functions).

The timeline has one row per machine and one horizontal bar per operation (`go.Bar` with a
`base`, as px.timeline draws it), in the plant's wall-clock time. Bars are coloured by status,
late ones red; conflicts get a thick orange outline, the selected operation a thick accent one.
Planned maintenance windows are hatched violet bars on their machine's row, drawn under the operations.
The axis first shows the stretch of the window the planned work fills (`view_range`), not the whole window,
so a few hours of work in a week's window are readable; plotly's zoom-out shows the rest.
One trace per colour keeps a readable legend; `point_ops` maps (trace, point) back to the
operation, so a click on a bar selects it.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import plotly.graph_objects as go

from rxapp.i18n import _
from services.core import formats
from services.production.scheduling import BoardOperation, BoardWindow, ScheduleBoard, Utilisation

STATUS_COLORS = {"planned": "#94a3b8", "released": "#3b82f6", "running": "#16a34a", "paused": "#f59e0b"}
LATE_COLOR = "#dc2626"
MAINTENANCE_COLOR = "#8b5cf6"
CONFLICT_LINE = "#f97316"
SELECTED_LINE = "#111827"
STATUS_LABELS = {"planned": _("Planned"), "released": _("Released"), "running": _("Running"), "paused": _("Paused"),
                 "done": _("Done"), "cancelled": _("Cancelled")}
CONFLICT_LABELS = {"overlap": _("overlaps another job on this machine"),
                   "work_center": _("machine is not of its work center"),
                   "plant": _("machine is in another plant"),
                   "precedence": _("starts before the previous step ends")}


def wall_clock(value: datetime, zone: str) -> str:
    """A UTC datetime as the plant's local wall-clock time, the way plotly's date axis reads it."""
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


def machine_label(code: str, name: str) -> str:
    return f"{code} · {name}"


def timeline(board: ScheduleBoard, selected_id: int = 0) -> tuple[go.Figure, list[list[int]]]:
    zone = board.timezone
    labels = [machine_label(m.code, m.name) for m in board.machines]
    groups: dict[str, list[tuple[str, BoardOperation]]] = {}
    for machine, label in zip(board.machines, labels, strict=True):
        for op in machine.operations:
            if op.planned_start is not None and op.planned_end is not None:
                key = "late" if op.late else op.status
                groups.setdefault(key, []).append((label, op))
    fig = go.Figure()
    point_ops: list[list[int]] = []
    # an invisible point per machine keeps empty machines on the board
    fig.add_trace(go.Scatter(x=[wall_clock(board.start, zone)] * len(labels), y=labels, mode="markers",
                             marker={"opacity": 0}, hoverinfo="skip", showlegend=False))
    point_ops.append([0] * len(labels))
    windows = [(label, w) for machine, label in zip(board.machines, labels, strict=True) for w in machine.maintenance]
    if windows:
        fig.add_trace(go.Bar(
            name=_("Maintenance window"), orientation="h", y=[label for label, _w in windows],
            base=[wall_clock(w.start, zone) for _label, w in windows],
            x=[max((w.end - w.start).total_seconds() * 1000, 60_000) for _label, w in windows],
            marker={"color": MAINTENANCE_COLOR, "opacity": 0.55, "pattern": {"shape": "/", "fgcolor": "#4c1d95"},
                    "line": {"color": "#4c1d95", "width": 1}},
            text=[f"{w.number} · {w.title}" for _label, w in windows], textposition="inside",
            insidetextanchor="start", hovertext=[_window_hover(w, zone) for _label, w in windows], hoverinfo="text",
        ))
        point_ops.append([0] * len(windows))             # a window is not an operation: a click selects nothing
    for key in [*STATUS_COLORS, "late"]:
        members = groups.get(key, [])
        if not members:
            continue
        ops = [op for _label, op in members]
        fig.add_trace(go.Bar(
            name=_("Late") if key == "late" else STATUS_LABELS[key], orientation="h",
            y=[label for label, _op in members],
            base=[wall_clock(op.planned_start, zone) for op in ops],
            x=[max((op.planned_end - op.planned_start).total_seconds() * 1000, 60_000) for op in ops],
            marker={"color": LATE_COLOR if key == "late" else STATUS_COLORS[key],
                    "line": {"color": [_outline(op, selected_id) for op in ops],
                             "width": [4 if op.conflict or op.operation_id == selected_id else 0 for op in ops]}},
            text=[f"{op.work_order_number} · {op.sequence} {op.name}" for op in ops], textposition="inside", insidetextanchor="start",
            hovertext=[_hover(op, zone) for op in ops], hoverinfo="text",
        ))
        point_ops.append([op.operation_id for op in ops])
    fig.update_layout(
        barmode="overlay", height=max(220, 70 + 48 * len(labels)), margin={"l": 10, "r": 10, "t": 10, "b": 30},
        xaxis={"type": "date", "range": [wall_clock(edge, zone) for edge in view_range(board)]},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": labels[::-1], "automargin": True},
        legend={"orientation": "h", "y": -0.15}, clickmode="event",
    )
    return fig, point_ops


def view_range(board: ScheduleBoard) -> tuple[datetime, datetime]:
    """The part of the window the planned operations and maintenance windows fill, with a tenth of that span
    (at least 30 minutes) either side, inside the window; the whole window when nothing is planned in it."""
    spans = [(op.planned_start, op.planned_end) for m in board.machines for op in m.operations
             if op.planned_start is not None and op.planned_end is not None]
    spans += [(w.start, w.end) for m in board.machines for w in m.maintenance]
    spans = [(max(a, board.start), min(b, board.end)) for a, b in spans if a < board.end and b > board.start]
    if not spans:
        return board.start, board.end
    first, last = min(a for a, _b in spans), max(b for _a, b in spans)
    pad = max((last - first) / 10, timedelta(minutes=30))
    return max(first - pad, board.start), min(last + pad, board.end)


def _outline(op: BoardOperation, selected_id: int) -> str:
    if op.operation_id == selected_id:
        return SELECTED_LINE
    return CONFLICT_LINE if op.conflict else "rgba(0,0,0,0)"


def _hover(op: BoardOperation, zone: str) -> str:
    lines = [f"<b>{op.work_order_number}</b> · {op.product_code} {op.product_name}",
             f"{op.sequence} {op.name} · {STATUS_LABELS.get(op.status, op.status)}",
             f"{wall_clock(op.planned_start, zone)[:16]} → {wall_clock(op.planned_end, zone)[:16]}",
             f"{_('Progress')}: {op.quantity_good} / {op.quantity}"
             + (f" ⚠ {_('overproduction')}" if op.overproduced else "")]
    if op.due_date:
        lines.append(f"{_('Due')}: {formats.day(op.due_date, fmt='short')}" + (f" · {_('Late')}" if op.late else ""))
    lines.extend(f"⚠ {CONFLICT_LABELS.get(c, c)}" for c in op.conflicts)
    return "<br>".join(lines)


def _window_hover(w: BoardWindow, zone: str) -> str:
    return "<br>".join([f"<b>{w.number}</b> · {_('Maintenance window')}", w.title,
                        f"{wall_clock(w.start, zone)[:16]} → {wall_clock(w.end, zone)[:16]}"])


def utilisation_chart(u: Utilisation) -> go.Figure:
    """Scheduled hours per machine against its target and the calendar's available hours."""
    labels = [f"{m.code}" for m in u.machines]
    fig = go.Figure()
    fig.add_trace(go.Bar(name=_("Scheduled"), x=labels, y=[float(m.scheduled_hours) for m in u.machines],
                         marker={"color": "#3b82f6"}))
    fig.add_trace(go.Bar(name=_("Target"), x=labels,
                         y=[float(m.target_hours) if m.target_hours is not None else None for m in u.machines],
                         marker={"color": "#16a34a"}))
    fig.add_trace(go.Bar(name=_("Available"), x=labels, y=[float(m.available_hours) for m in u.machines],
                         marker={"color": "#cbd5e1"}))
    fig.update_layout(barmode="group", height=280, margin={"l": 10, "r": 10, "t": 10, "b": 30},
                      yaxis={"title": {"text": _("hours")}}, legend={"orientation": "h", "y": -0.2})
    return fig
