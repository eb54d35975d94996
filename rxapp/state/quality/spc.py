"""/quality/spc state: choose a characteristic, see its live control chart, capability and alerts,
choose the baseline period, record a point, acknowledge alerts. Everything goes through
services/quality/spc_charts.py and services/quality/inspections.py.

Live: `follow` is a per-tab background task awaiting the event bus (no polling of the database);
when an inspection of the characteristic on screen is recorded (or its baseline changes, or an
alert of it is acknowledged) it re-reads the chart. It runs once per tab and ends with the tab.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import plotly.graph_objects as go
import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.follow import follow_tab
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.master.setup import SetupStep
from rxapp.state.org.auth import AuthState, _person_for_token, as_id
from rxapp.state.quality.spc_figure import chart_figure, rule_words
from services.core import formats
from services.core.db import db_session, transaction
from services.core.errors import DomainError, Invalid
from services.core.events import DomainEvent
from services.quality import inspection_plans, inspections, spc_charts
from services.quality.inspections import InspectionData
from services.quality.spc_charts import ChartView

CHECK_EVERY = 15.0          # seconds between checks that the tab is still there
LIVE_EVENTS = ("inspection.recorded", "spc.baseline_set", "spc.alert_raised", "spc.alert_acknowledged")


@dataclass
class Figure:
    label: str = ""
    value: str = ""
    key: str = ""                    # its tile in the live channel (services/quality/spc_tiles.py)


@dataclass
class AlertRow:
    id: int = 0
    when: str = ""
    rule: str = ""
    description: str = ""
    acknowledged: bool = False


def characteristic_options(session, actor) -> list[Option]:
    options = []
    for plan in inspection_plans.list_plans(session, actor):
        for c in inspection_plans.list_characteristics(session, actor, plan.id):
            if c.is_active:
                options.append(Option(value=str(c.id), label=f"{plan.product_code} · {plan.name} · {c.name}"))
    return options


RULESETS = {"western_electric": _("Western Electric"), "nelson": _("Nelson")}


def rule_label(ruleset: str, number: int) -> str:
    """A rule badge in people's words, with the rule's name for those who know it:
    "8 points in a row on one side of the centre (Western Electric 4)", never "western_electric 4"."""
    name = RULESETS.get(str(ruleset), str(ruleset).replace("_", " ").title())
    return _("{words} ({ruleset} {number})").format(words=rule_words(ruleset, number), ruleset=name, number=number)


def _number(value) -> str:
    return "—" if value is None else formats.significant(value)


def _chart_rows(view: ChartView) -> list[Figure]:
    rows = [Figure(_("Centre line"), _number(view.center), "center"), Figure(_("UCL"), _number(view.ucl), "ucl"),
            Figure(_("LCL"), _number(view.lcl), "lcl"), Figure(_("Baseline points"), str(view.baseline_points), "baseline")]
    cap = view.capability
    if cap is not None:
        rows += [Figure(_("Cp (within)"), _number(cap.cp), "cp"), Figure(_("Cpk (within)"), _number(cap.cpk), "cpk"),
                 Figure(_("Cpm (within, to nominal)"), _number(cap.cpm), "cpm"),
                 Figure(_("Pp (overall)"), _number(cap.pp), "pp"), Figure(_("Ppk (overall)"), _number(cap.ppk), "ppk"),
                 Figure(_("Mean"), _number(cap.mean), "mean"),
                 Figure(_("Sigma within"), _number(cap.sigma_within), "sigma_within"),
                 Figure(_("Sigma overall"), _number(cap.sigma_overall), "sigma_overall")]
    return rows


def _read(token: str, characteristic_id: int):
    with db_session() as session, transaction(session):
        return _read_with(session, _person_for_token(session, token), characteristic_id)


class SpcState(AuthState):
    options: list[Option] = []
    characteristic_id: int = 0
    title: str = ""
    chart_label: str = ""
    unit: str = ""
    spec: str = ""
    is_attribute: bool = False
    subgroup_size: int = 1
    figure: go.Figure = go.Figure()
    figures: list[Figure] = []
    alerts: list[AlertRow] = []
    point_count: int = 0
    baseline_start: str = ""
    baseline_end: str = ""
    errors: dict[str, str] = {}
    loading: bool = True
    load_error: str = ""
    can_record: bool = False         # from the chart's read model: record a point (INSPECT at its plant)
    setup: list[SetupStep] = []      # no characteristic yet: define an inspection plan first
    can_manage: bool = False         # set the baseline, acknowledge alerts (QUALITY at its plant)

    @rx.var
    def live_params(self) -> str:
        """The live channel's subscription of this chart's tiles (assets/takt_live.js); the server checks it."""
        return json.dumps({"characteristic_id": self.characteristic_id}) if self.characteristic_id else ""

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        wanted = as_id(query.get("characteristic", ""))
        self.loading, self.errors = True, {}
        try:
            self.options = self._use_case(characteristic_options)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        ids = [int(o.value) for o in self.options]
        self.setup = [] if ids else [SetupStep(key="plans", label=_("Define an inspection plan with its characteristics"),
                                              href=routes.QUALITY_PLANS)]
        self.characteristic_id = wanted if wanted in ids else (ids[0] if ids else 0)
        return [SpcState.load, SpcState.follow]

    @rx.event
    def choose(self, value: str):
        self.characteristic_id = as_id(value)
        return SpcState.load

    @rx.event
    def load(self):
        if not self.characteristic_id:
            self.loading, self.load_error, self.point_count = False, "", 0
            return
        try:
            view, alerts = self._use_case(lambda s, a: _read_with(s, a, self.characteristic_id))
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self._show(view, alerts)

    def _show(self, view: ChartView, alerts) -> None:
        c = view.characteristic
        self.title, self.chart_label, self.unit = c.name, c.chart_label, c.unit
        self.is_attribute, self.subgroup_size = c.chart_type in ("p", "c"), c.subgroup_size
        self.spec = " · ".join(f"{label} {_number(v)}" for label, v in (
            (_("LSL"), c.lsl), (_("Nominal"), c.nominal), (_("USL"), c.usl)) if v is not None)
        self.figure, self.figures, self.point_count = chart_figure(view), _chart_rows(view), len(view.points)
        self.can_record, self.can_manage = view.can_record, view.can_manage
        self.alerts = [AlertRow(id=a.id, when=self._when(a.raised_at, a.plant_id), rule=rule_label(a.ruleset, a.rule),
                                description=a.description, acknowledged=a.acknowledged_at is not None) for a in alerts]
        if c.baseline_start and c.baseline_end:
            self.baseline_start, self.baseline_end = f"{c.baseline_start:%Y-%m-%dT%H:%M}", f"{c.baseline_end:%Y-%m-%dT%H:%M}"
        elif view.points:
            self.baseline_start = f"{view.points[0].measured_at:%Y-%m-%dT%H:%M}"
            self.baseline_end = f"{view.points[-1].measured_at + timedelta(minutes=1):%Y-%m-%dT%H:%M}"
        self.loading, self.load_error = False, ""

    @rx.event
    def set_baseline_start(self, value: str):
        self.baseline_start = str(value or "")[:16]

    @rx.event
    def set_baseline_end(self, value: str):
        self.baseline_end = str(value or "")[:16]

    @rx.event
    def use_baseline(self):
        try:
            start, end = _utc(self.baseline_start, "start"), _utc(self.baseline_end, "end")
            view = self._use_case(lambda s, a: spc_charts.set_baseline(s, a, self.characteristic_id, start=start, end=end, now=utcnow()))
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors = {}
        return [rx.toast.success(_("Limits set from the baseline") + f" ({view.baseline_points})"), SpcState.load]

    @rx.event
    def record(self, form: dict):
        values = str(form.get("values", "")).replace(";", " ").replace(",", " ").split() if not self.is_attribute else []
        try:
            data = InspectionData(values=values, inspected=_count(form.get("inspected")),
                                  defects=_count(form.get("defects")), lot_reference=str(form.get("lot", "")))
            result = self._use_case(inspections.record_inspection, self.characteristic_id, data, now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors = {}
        if result.alerts:
            return [rx.toast.warning(_("Out of control") + ": " + "; ".join(a.description for a in result.alerts)),
                    SpcState.load]
        return [rx.toast.success(_("Recorded")), SpcState.load]

    @rx.event
    def acknowledge(self, alert_id: int):
        try:
            self._use_case(inspections.acknowledge_alert, int(alert_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return SpcState.load

    @rx.event(background=True)
    async def follow(self):
        async with self:
            token, client = self.token, self.router.session.client_token

        async def refresh(event: DomainEvent | None) -> bool:
            async with self:
                shown = self.characteristic_id
            if event is None or getattr(event, "characteristic_id", event.payload.get("characteristic_id")) != shown:
                return True
            try:
                view, alerts = await asyncio.to_thread(_read, token, shown)
            except DomainError:
                return False
            async with self:
                if self.characteristic_id == shown:
                    self._show(view, alerts)
            return True
        await follow_tab("spc", token, client, refresh, relevant=lambda event, _actor: event.name in LIVE_EVENTS,
                         check_every=CHECK_EVERY)


def _read_with(session, actor, characteristic_id: int):
    return (spc_charts.chart(session, actor, characteristic_id),
            inspections.list_alerts(session, actor, characteristic_id=characteristic_id, limit=20))


def _utc(text: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        raise Invalid(fields={field: "Enter a date and time."}) from None


def _count(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None
