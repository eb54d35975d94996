"""/quality state: the quality dashboard of one plant over the last 7, 30 or 90 days (figures from
services/quality/dashboard.py; plotly charts; CSV/Excel of what is shown)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import plotly.graph_objects as go
import reflex as rx
from plotly.subplots import make_subplots

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.master.common import Option, download
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.errors import DomainError
from services.org import plants
from services.quality import dashboard as quality_dashboard
from services.quality.dashboard import QualityOverview

PERIODS = [("7", _("Last 7 days")), ("30", _("Last 30 days")), ("90", _("Last 90 days"))]
COST_NAMES = {"scrap": _("Scrap on the floor"), "rework": _("Rework"), "returns": _("Customer returns")}
LAYOUT = {"margin": {"l": 40, "r": 10, "t": 10, "b": 40}, "height": 280, "showlegend": False,
          "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"}


@dataclass
class Tile:
    label: str = ""
    value: str = ""


@dataclass
class AlertLine:
    text: str = ""
    href: str = ""


def pareto_figure(v: QualityOverview) -> go.Figure:
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=[b.code for b in v.pareto], y=[b.quantity for b in v.pareto], hovertext=[b.label for b in v.pareto],
                         marker_color="#e5484d"))
    fig.add_trace(go.Scatter(x=[b.code for b in v.pareto], y=[float(b.cumulative_percent) for b in v.pareto],
                             mode="lines+markers", line={"color": "#8b8d98"}), secondary_y=True)
    fig.update_yaxes(range=[0, 105], secondary_y=True)
    return fig.update_layout(**LAYOUT)


def fpy_figure(v: QualityOverview) -> go.Figure:
    fig = go.Figure(go.Scatter(x=[d.day for d in v.fpy], y=[None if d.fpy_percent is None else float(d.fpy_percent)
                                                             for d in v.fpy], mode="lines+markers", connectgaps=False))
    return fig.update_layout(**LAYOUT, yaxis={"ticksuffix": " %"})


def ages_figure(v: QualityOverview) -> go.Figure:
    return go.Figure(go.Bar(x=[a.label for a in v.ncr_ages], y=[a.count for a in v.ncr_ages],
                            marker_color="#f76b15")).update_layout(**LAYOUT, xaxis={"title": _("days open")})


def cost_figure(v: QualityOverview) -> go.Figure:
    return go.Figure(go.Bar(x=[COST_NAMES[c.category] for c in v.copq], y=[float(c.cost) for c in v.copq],
                            marker_color="#0090ff")).update_layout(**LAYOUT)


class QualityDashboardState(AuthState):
    plant_options: list[Option] = []
    plant_id: str = ""
    period: str = "30"
    tiles: list[Tile] = []
    alerts: list[AlertLine] = []
    pareto: go.Figure = go.Figure()
    fpy: go.Figure = go.Figure()
    ages: go.Figure = go.Figure()
    costs: go.Figure = go.Figure()
    note: str = ""
    loading: bool = True
    load_error: str = ""

    @rx.event
    def enter(self):
        try:
            sites = self._use_case(plants.list_plants)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.plant_options = [Option(value=str(p.id), label=f"{p.code} · {p.name}") for p in sites]
        if self.plant_id not in {o.value for o in self.plant_options}:
            self.plant_id = self.plant_options[0].value if self.plant_options else ""
        return QualityDashboardState.load

    def _overview(self) -> QualityOverview:
        now = utcnow()
        return self._use_case(lambda s, a: quality_dashboard.overview(
            s, a, plant_id=as_id(self.plant_id), start=now - timedelta(days=int(self.period)), end=now, now=now))

    @rx.event
    def load(self):
        if not self.plant_id:
            self.loading, self.load_error = False, _("You have no plant.")
            return
        try:
            v = self._overview()
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.tiles = [Tile(_("Open SPC alerts"), str(v.open_alerts)), Tile(_("Open NCRs"), str(v.open_ncrs)),
                      Tile(_("Rejected and returned"), str(sum(b.quantity for b in v.pareto))),
                      Tile(_("Cost of poor quality"), f"{formats.amount(v.copq_total, v.currency)} {v.currency}")]
        self.alerts = [AlertLine(text=f"{self._when(a.raised_at, a.plant_id)} · {a.characteristic_name} · {a.description}",
                                 href=f"{routes.QUALITY_SPC}?characteristic={a.characteristic_id}") for a in v.alerts]
        self.pareto, self.fpy, self.ages, self.costs = pareto_figure(v), fpy_figure(v), ages_figure(v), cost_figure(v)
        self.note = (_("Without a standard cost (counted as 0)") + ": " + ", ".join(v.uncosted_products)
                     if v.uncosted_products else "")
        self.loading, self.load_error = False, ""

    @rx.event
    def set_plant(self, value: str):
        self.plant_id = str(value)
        return QualityDashboardState.load

    @rx.event
    def set_period(self, value: str):
        self.period = value if value in {p for p, _l in PERIODS} else "30"
        return QualityDashboardState.load

    @rx.event
    def export(self, fmt: str):
        try:
            v = self._overview()
        except DomainError as error:
            return self._refused(error)
        rows = ([{"section": "pareto", "item": b.code, "value": b.quantity} for b in v.pareto]
                + [{"section": "fpy", "item": d.day, "value": d.fpy_percent} for d in v.fpy]
                + [{"section": "ncr_age", "item": a.label, "value": a.count} for a in v.ncr_ages]
                + [{"section": "copq", "item": c.category, "value": c.cost} for c in v.copq])
        columns = [("section", _("Section")), ("item", _("Item")), ("value", _("Value"))]
        return download(rows, columns, "quality", "xlsx" if fmt == "xlsx" else "csv")
