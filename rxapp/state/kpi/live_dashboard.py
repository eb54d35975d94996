"""The manager dashboard every screen with the same filters shares (an rx.SharedState linked by
rxapp/live.py to the view's scope, services/dashboard.dashboard_scope). `prepare` (in the refresh
thread) and `_apply` turn one services.kpi.dashboard.DashboardView into display values and plotly
figures, once per refresh for all linked tabs. `_apply` starts with "_" so that no client can send it
as an event. It imports nothing else from the app but i18n."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go
import reflex as rx

from rxapp.i18n import _, format_datetime
from services.core import formats
from services.kpi.dashboard import DashboardView
from services.kpi.live_tiles import TREND_SERIES, trend_value
from services.kpi.live_tiles import percent_text as pct  # a percentage as the live channel sends it

OEE_COLOR, A_COLOR, P_COLOR, Q_COLOR, IDLE_COLOR = "#2563eb", "#0d9488", "#d97706", "#7c3aed", "#6b7280"
LEGEND = {"orientation": "h", "xanchor": "left", "x": 0, "yanchor": "bottom", "y": 1.02}


@dataclass
class KpiTile:
    key: str = ""                    # the figure's drill-down key (services.kpi.dashboard.DRILLS)
    label: str = ""
    value: str = "–"
    detail: str = ""
    warn: bool = False


@dataclass
class YieldRow:
    product: str = ""
    step: str = ""
    units_in: int = 0
    right_first_time: int = 0
    fpy: str = "–"
    rty: str = ""


@dataclass
class CapacityRow:
    code: str = ""
    name: str = ""
    scheduled: str = ""
    available: str = ""
    utilisation: str = ""            # "no target" for a row without a capacity target
    load: str = ""


def _layout(fig: go.Figure, *, percent: bool = True) -> go.Figure:
    # template "none": plotly's default template is ~6.5 kB of JSON per figure, sent to every linked tab on
    # every refresh; the few styles we want are set here instead
    # the legend sits in a band of its own above the plot, clear of the axis labels below it (it used to lie
    # over the date labels); plotly grows the top margin if the legend wraps onto a second line
    fig.update_layout(template="none", margin={"l": 40, "r": 10, "t": 40, "b": 40}, height=300,
                      legend=LEGEND, paper_bgcolor="rgba(0,0,0,0)",
                      plot_bgcolor="rgba(0,0,0,0)", font={"size": 12, "color": "#374151"})
    fig.update_xaxes(showgrid=False, linecolor="#d1d5db")
    fig.update_yaxes(showgrid=True, gridcolor="#e5e7eb", zeroline=False)
    if percent:
        fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    fig.update_xaxes(type="category")                 # labels are the service's bucket names, never parsed as dates
    return fig


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def trend_figure(view: DashboardView) -> go.Figure:
    """The OEE trend: one trace per series of live_tiles.TREND_SERIES, in that order (the live channel's "trend.*"
    tiles extend it in the page, assets/takt_live.js), with the values live_tiles.trend_value gives."""
    labels = [p.label for p in view.trend.points]
    fig = go.Figure()
    names = {"oee": _("OEE"), "availability": _("Availability"), "performance": _("Performance"), "quality": _("Quality"),
             "idle": _("Idle")}
    colors = {"oee": OEE_COLOR, "availability": A_COLOR, "performance": P_COLOR, "quality": Q_COLOR}
    for series in TREND_SERIES:
        y = [trend_value(p.figures, series) for p in view.trend.points]
        if series == "idle":
            fig.add_trace(go.Scatter(x=labels, y=y, name=names[series], mode="lines",
                                     line={"color": IDLE_COLOR, "width": 1.5, "dash": "dot"}))
        else:
            fig.add_trace(go.Scatter(x=labels, y=y, name=names[series], mode="lines+markers",
                                     line={"color": colors[series], "width": 3 if series == "oee" else 1.5}))
    return _layout(fig)


def loss_label(row) -> str:
    """A loss Pareto row in people's words."""
    if row.kind == "idle":
        return _("Idle – no job")
    if row.kind == "speed":
        return _("Reduced speed")
    if row.kind == "waiting_parts":                   # a loss split of maintenance (services/kpi/loss_splits.py)
        return _("Repairs waiting for parts")
    return row.reason_name or row.reason or (_("Scrap, no reason") if row.kind == "scrap" else _("Stop, no reason"))


def convention_text(view: DashboardView) -> str:
    """The idle convention stated beside the figures."""
    f = view.summary.figures
    if f.idle_is_loss:
        text = _("Idle (no job running, no stop): {idle:.0f} min, counted as an availability loss.")
    else:
        text = _("Idle (no job running, no stop): {idle:.0f} min, counted as not scheduled (outside planned "
                 "production time).")
    return text.format(idle=f.idle_minutes) + " " + _("Booked maintenance windows are planned downtime.")


def pareto_figure(view: DashboardView) -> go.Figure:
    rows = view.pareto.rows
    labels = [loss_label(r) for r in rows]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=[round(r.minutes, 1) for r in rows], name=_("Minutes lost"), marker_color="#dc2626"))
    fig.add_trace(go.Scatter(x=labels, y=[_num(r.cumulative_percent) for r in rows], name=_("Cumulative %"),
                             yaxis="y2", mode="lines+markers", line={"color": "#111827"}))
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "range": [0, 105], "ticksuffix": " %"})
    return _layout(fig, percent=False)


def stop_pareto_figure(view: DashboardView) -> go.Figure:
    rows = view.pareto.by_stops
    labels = [r.reason_name or r.reason or _("Stop, no reason") for r in rows]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=[r.stops for r in rows], name=_("Stops"), marker_color="#dc2626"))
    fig.add_trace(go.Scatter(x=labels, y=[_num(r.cumulative_percent) for r in rows], name=_("Cumulative %"),
                             yaxis="y2", mode="lines+markers", line={"color": "#111827"}))
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "range": [0, 105], "ticksuffix": " %"})
    return _layout(fig, percent=False)


def otd_figure(view: DashboardView) -> go.Figure:
    fig = go.Figure(go.Bar(x=[p.label for p in view.otd.points], y=[_num(p.percent) for p in view.otd.points],
                           text=[f"{p.on_time}/{p.due}" for p in view.otd.points], marker_color="#16a34a",
                           name=_("On time")))
    fig.update_yaxes(range=[0, 105])
    return _layout(fig)


def product_label(product) -> str:
    """A yield row's product in words (counts reported with no job have none)."""
    return product.product_code if product.product_id is not None else _("No product (counts without a job)")


def step_label(step) -> str:
    """A yield row's routing step in words: its name, else its number, else that it has none."""
    if step.step_name:
        return step.step_name
    return _("Step {number}").format(number=step.step) if step.step is not None else _("No routing step")


def measured_steps(view: DashboardView) -> list[tuple]:
    """(product, step, its first measured step?) of the steps parts entered in the period: a step no unit
    entered has no yield and no row (no row of dashes)."""
    rows = []
    for product in view.yields.products:
        steps = [s for s in product.steps if s.units_in > 0]
        rows.extend((product, step, i == 0) for i, step in enumerate(steps))
    return rows


def fpy_figure(view: DashboardView) -> go.Figure:
    labels, values = [], []
    for product, step, _first in measured_steps(view):
        labels.append(f"{product_label(product)} · {step_label(step)}")
        values.append(_num(step.fpy_percent))
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h", marker_color=Q_COLOR, name=_("FPY")))
    _layout(fig, percent=False)
    fig.update_layout(height=max(200, 40 + 28 * len(labels)), yaxis={"autorange": "reversed", "type": "category"})
    fig.update_xaxes(type="linear", range=[0, 105], ticksuffix=" %")
    return fig


def _tiles(view: DashboardView) -> list[KpiTile]:
    f = view.summary.figures
    return [
        KpiTile("oee", _("OEE"), pct(f.oee_percent), _("{good} good of {planned:.0f} min planned").format(
            good=f.good, planned=f.planned_production_minutes)),
        KpiTile("availability", _("Availability"), pct(f.availability_percent),
                _("run {run:.0f} of {planned:.0f} min").format(run=f.run_minutes, planned=f.planned_production_minutes)),
        KpiTile("performance", _("Performance"), pct(f.performance_percent),
                _("over 100 %: check ideal cycle times") if f.performance_over_100 else _("{total} parts made").format(
                    total=f.total), warn=f.performance_over_100),
        KpiTile("quality", _("Quality"), pct(f.quality_percent),
                _("{good} good, {scrap} scrap").format(good=f.good, scrap=f.scrap)),
    ]


class LiveDashboardState(rx.SharedState):
    loaded: bool = False
    error: str = ""
    period_text: str = ""
    convention: str = ""                 # how idle time counts, stated beside the figures
    updated: str = ""
    tiles: list[KpiTile] = []
    machine_count: int = 0
    trend: go.Figure = go.Figure()
    pareto: go.Figure = go.Figure()
    stop_pareto: go.Figure = go.Figure()
    otd: go.Figure = go.Figure()
    otd_text: str = ""
    fpy: go.Figure = go.Figure()
    yields: list[YieldRow] = []
    wip: list[KpiTile] = []
    capacity: list[CapacityRow] = []
    has_trend: bool = False
    has_losses: bool = False
    has_stops: bool = False
    has_yields: bool = False
    has_otd: bool = False
    has_utilisation: bool = False        # a capacity target is set for a row: the utilisation column is shown
    has_load: bool = False               # a row has available hours: the load column is shown
    # what a click on a chart point drills into: the trend buckets and the Pareto reasons, in chart order
    trend_bounds: list[list[str]] = []
    loss_reasons: list[int] = []
    stop_reasons: list[int] = []

    # a digest of each figure as last set, so a refresh compares figures without rebuilding their JSON
    _figure_digests: dict[str, str] = {}

    @staticmethod
    def prepare(view: DashboardView | str) -> dict | str:
        """The display values of a view (plotly figures built here, off the event loop: rxapp/live.py calls
        this in the refresh thread), or the message of why there is none."""
        if isinstance(view, str):
            return view
        tz = view.window.timezone
        w = view.wip
        yields = measured_steps(view)
        capacity = view.utilisation or []
        values = dict(
            period_text=f"{formats.day_and_clock(view.window.start, tz)} – {formats.day_and_clock(view.window.end, tz)}",
            updated=format_datetime(view.at, tz, "HH:mm:ss"),
            tiles=_tiles(view), machine_count=view.summary.machine_count, convention=convention_text(view),
            has_trend=bool(view.trend.points), has_losses=bool(view.pareto.rows),
            has_stops=bool(view.pareto.by_stops),
            has_yields=bool(yields), has_otd=view.otd.due > 0,
            has_utilisation=any(u.utilisation is not None for u in capacity),
            has_load=any(u.load is not None for u in capacity),
            otd_text=_("{on_time} of {due} order lines on time ({percent})").format(
                on_time=view.otd.on_time, due=view.otd.due, percent=pct(view.otd.percent)),
            yields=[YieldRow(product_label(p), step_label(s), s.units_in, s.right_first_time, pct(s.fpy_percent),
                             pct(p.rty_percent) if first else "")
                    for p, s, first in yields],
            wip=[KpiTile("", _("Work orders released"), str(w.work_orders_released)),
                 KpiTile("", _("Work orders running"), str(w.work_orders_running)),
                 KpiTile("", _("Operations queued"), str(w.operations_queued)),
                 KpiTile("", _("Units still to make"), str(w.units_open))],
            capacity=[CapacityRow(u.code, u.name, formats.number(u.scheduled_hours, decimals=1) + " h",
                                  formats.number(u.available_hours, decimals=1) + " h",
                                  _("no target") if u.utilisation is None else pct(u.utilisation * 100),
                                  _("no working time") if u.load is None else pct(u.load * 100))
                      for u in capacity],
            trend_bounds=[[p.start.isoformat(), p.end.isoformat()] for p in view.trend.points],
            loss_reasons=[r.reason_code_id or 0 for r in view.pareto.rows],
            stop_reasons=[r.reason_code_id or 0 for r in view.pareto.by_stops])
        values["figures"] = {name: (figure, hashlib.sha256(figure.to_json().encode()).hexdigest())
                             for name, figure in (("trend", trend_figure(view)), ("pareto", pareto_figure(view)),
                                                  ("stop_pareto", stop_pareto_figure(view)),
                                                  ("otd", otd_figure(view)), ("fpy", fpy_figure(view)))}
        return values

    def _apply(self, view: DashboardView | str | dict) -> None:
        """A fresh view (or its prepared values), or the message of why there is none (e.g. no shift is
        running any more). Only the values that changed are set, so a refresh sends only those."""
        values = view if isinstance(view, dict) else self.prepare(view)
        if isinstance(values, str):
            self._set(loaded=True, error=values)
            return
        values = dict(values)
        figures = values.pop("figures")
        self._set(loaded=True, error="", **values)
        digests = dict(self._figure_digests)
        for name, (figure, digest) in figures.items():
            if digests.get(name) != digest:          # unchanged: not sent again
                setattr(self, name, figure)
                digests[name] = digest
        if digests != self._figure_digests:
            self._figure_digests = digests

    def _set(self, **values) -> None:
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)
