"""/dashboard: the manager's own filters, drill-down and export; the figures live in the shared
`LiveDashboardState`.

Every filter change asks services.kpi.dashboard for the view's scope (which checks the person's access
to the plant and that the department, machine and shift belong to it) and links this tab's shared
state to that scope's server-made token, so everyone watching the same filters shares one refresh
(rxapp/live.py), and the figures move when the plant's events arrive. Drill-down and export
re-resolve the actor and read through the services with this tab's filters.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import date, datetime

import reflex as rx

from models.base import utcnow
from rxapp import live
from rxapp.i18n import _
from rxapp.state.kpi.live_dashboard import LiveDashboardState
from rxapp.state.master.common import download
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.db import db_session, transaction
from services.core.errors import DomainError
from services.kpi import dashboard
from services.kpi.live import Scope, reader_for

PERIOD_LABELS = {"shift": _("This shift"), "today": _("Today"), "yesterday": _("Yesterday"), "7d": _("Last 7 days"),
                 "30d": _("Last 30 days"), "custom": _("Custom days")}
FIGURE_TITLES = {"oee": _("OEE"), "availability": _("Availability"), "performance": _("Performance"),
                 "quality": _("Quality"), "loss": _("Losses"), "trend": _("OEE trend"), "fpy": _("First-pass yield")}
EXPORT_COLUMNS = [("section", _("Section")), ("item", _("Item")), ("measure", _("Measure")), ("value", _("Value"))]


def event_label(kind: str) -> str:
    """A recorded event's kind (models.shopfloor.EventKind) in the person's words (called in their event)."""
    return {"job_started": _("Job started"), "job_paused": _("Job paused"), "job_resumed": _("Job resumed"),
            "job_completed": _("Job completed"), "count": _("Parts reported"),
            "downtime_started": _("Machine down"), "downtime_ended": _("Machine up again")}.get(kind, kind)


def view_for_scope(session, scope: Scope, now: datetime) -> dashboard.DashboardView | str:
    try:
        return dashboard.dashboard(session, reader_for(scope), dashboard.filters_of(scope), now=now)
    except DomainError as error:
        return _(error.message)


live.register_kind("dashboard", LiveDashboardState, view_for_scope)
live.hub.affects["dashboard"] = dashboard.scope_affected
# the whole view (charts, tables) 30 s after a report at the earliest (a calm fallback: a tab opening or changing
# its filters computes its view at once); its tiles and its trend's last point go out at once over the live channel
# (rxapp/api/kpi/live_stream.py -> assets/takt_live.js, which appends the point to the chart), so a report no longer
# recomputes, re-sends and re-draws the charts
FIGURES_SECONDS = 30.0
live.hub.intervals["dashboard"] = FIGURES_SECONDS
live.hub.trailing.add("dashboard")


@dataclass
class Choice:
    id: str = ""
    label: str = ""
    parent: str = ""


@dataclass
class EventRow:
    id: int = 0
    when: str = ""
    kind: str = ""                   # the event's kind (models.shopfloor.EventKind)
    kind_label: str = ""             # ... in words
    machine: str = ""
    good: int = 0
    scrap: int = 0
    reason: str = ""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class DashboardState(AuthState):
    plant_id: str = ""
    department_id: str = ""
    machine_id: str = ""
    shift_id: str = ""
    period: str = "today"
    start_day: str = ""
    end_day: str = ""
    plant_choices: list[Choice] = []
    department_choices: list[Choice] = []
    machine_choices: list[Choice] = []
    shift_choices: list[Choice] = []
    filter_error: str = ""
    filters_open: bool = False                 # a phone shows the filters only when asked (the figures come first)
    linked_token: str = ""
    timezone: str = "UTC"

    pareto_by: str = "minutes"                 # the loss Pareto ranks by "minutes" lost or "stops"
    drill_open: bool = False
    drill_title: str = ""
    drill_rows: list[EventRow] = []
    drill_truncated: bool = False

    @rx.var
    def live_params(self) -> str:
        """The live channel's subscription of this view (assets/takt_live.js); the server checks it again."""
        if not self.linked_token:
            return ""
        return json.dumps({"plant_id": self.plant_id, "department_id": self.department_id,
                           "machine_id": self.machine_id, "shift_id": self.shift_id, "period": self.period,
                           "start_day": self.start_day, "end_day": self.end_day})

    @rx.var
    def departments(self) -> list[Choice]:
        return [c for c in self.department_choices if c.parent == self.plant_id]

    @rx.var
    def machines(self) -> list[Choice]:
        depts = {c.id for c in self.department_choices if c.parent == self.plant_id}
        return [c for c in self.machine_choices if (c.parent == self.department_id if self.department_id
                                                    else c.parent in depts)]

    @rx.var
    def shifts(self) -> list[Choice]:
        return [c for c in self.shift_choices if c.parent == self.plant_id]

    # ----- loading and filters -----------------------------------------------------------------

    @rx.event
    async def enter(self):
        try:
            found = self._use_case(dashboard.choices)
        except DomainError as error:
            return self._refused(error, quiet=True)
        self.plant_choices = [Choice(str(c.id), c.label) for c in found.plants]
        self.department_choices = [Choice(str(c.id), c.label, str(c.parent_id)) for c in found.departments]
        self.machine_choices = [Choice(str(c.id), c.label, str(c.parent_id)) for c in found.machines]
        self.shift_choices = [Choice(str(c.id), c.label, str(c.parent_id)) for c in found.shifts]
        if self.plant_id not in {c.id for c in self.plant_choices}:
            self.plant_id = self.plant_choices[0].id if self.plant_choices else ""
            self.department_id = self.machine_id = self.shift_id = ""
        return await self._watch()

    @rx.event
    def toggle_filters(self):
        self.filters_open = not self.filters_open

    @rx.event
    async def set_filter(self, name: str, value: str):
        if name not in ("plant_id", "department_id", "machine_id", "shift_id", "period", "start_day", "end_day"):
            return None
        value = "" if value in ("all", None) else str(value)
        setattr(self, name, value)
        if name == "plant_id":
            self.department_id = self.machine_id = self.shift_id = ""
        elif name == "department_id":
            self.machine_id = ""
        if self.period == "custom" and not (self.start_day and self.end_day):
            return None                              # wait for both days
        return await self._watch()

    def _filters(self) -> dashboard.DashboardFilters:
        return dashboard.DashboardFilters(
            plant_id=as_id(self.plant_id), department_id=as_id(self.department_id) or None,
            machine_id=as_id(self.machine_id) or None, shift_id=as_id(self.shift_id) or None,
            period=self.period if self.period in PERIOD_LABELS else "today",
            start_day=_day(self.start_day), end_day=_day(self.end_day))

    async def _watch(self):
        if not self.plant_id:
            self.filter_error = _("You have no plant to show.")
            return None
        filters = self._filters()
        try:
            scope = self._use_case(dashboard.dashboard_scope, filters, now=utcnow())
        except DomainError as error:
            self.filter_error = _(error.message)
            return self._refused(error, quiet=True)
        self.filter_error = ""
        self.timezone = dict(scope.params)["timezone"]
        await live.watch(await self.get_state(LiveDashboardState), scope)
        self.linked_token = scope.token
        return None

    # ----- drill-down ----------------------------------------------------------------------------

    @rx.event
    async def drill(self, figure: str):
        return await self._drill(figure)

    @rx.event
    async def drill_trend(self, points: list[dict]):
        shared = await self.get_state(LiveDashboardState)
        index = (points or [{}])[0].get("pointIndex")
        if not isinstance(index, int) or not 0 <= index < len(shared.trend_bounds):
            return None
        start, end = (datetime.fromisoformat(v) for v in shared.trend_bounds[index])
        label = formats.day_and_clock(start, self.timezone)
        return await self._drill("trend", start=start, end=end, title=f"{_(FIGURE_TITLES['trend'])} · {label}")

    @rx.event
    def set_pareto_by(self, value: str | list[str]):
        self.pareto_by = "stops" if value in ("stops", ["stops"]) else "minutes"

    @rx.event
    async def drill_loss(self, points: list[dict]):
        shared = await self.get_state(LiveDashboardState)
        reasons = shared.stop_reasons if self.pareto_by == "stops" else shared.loss_reasons
        index = (points or [{}])[0].get("pointIndex")
        if not isinstance(index, int) or not 0 <= index < len(reasons):
            return None
        reason = reasons[index] or None
        return await self._drill("loss" if reason is None else "downtime", reason_code_id=reason,
                                 title=_(FIGURE_TITLES["loss"]))

    async def _drill(self, figure: str, *, title: str = "", **narrow):
        try:
            found = self._use_case(dashboard.events_behind, self._filters(), figure if figure in dashboard.DRILLS
                                   else "oee", now=utcnow(), **narrow)
        except DomainError as error:
            return self._refused(error)
        self.drill_rows = [EventRow(e.id, formats.day_and_clock(e.occurred_at, self.timezone, seconds=True), e.kind,
                                    event_label(e.kind),
                                    e.machine_code, e.quantity_good, e.quantity_scrap, e.reason or "")
                           for e in found.events]
        self.drill_truncated = found.truncated
        self.drill_title = title or _(FIGURE_TITLES.get(figure, figure))
        self.drill_open = True
        return None

    @rx.event
    def close_drill(self):
        self.drill_open = False

    # ----- export --------------------------------------------------------------------------------

    @rx.event
    async def export(self, fmt: str):
        filters = self._filters()

        def read():
            with db_session() as session, transaction(session):
                view = dashboard.dashboard(session, self._actor(session), filters, now=utcnow())
                return dashboard.export_rows(view)
        try:
            rows = await asyncio.to_thread(read)
        except DomainError as error:
            return self._refused(error)
        return download(rows, EXPORT_COLUMNS, "dashboard", "xlsx" if fmt == "xlsx" else "csv")
