"""/maintenance: the maintenance dashboard. The board (open tickets with their SLA countdown, 30-day KPI tiles
and charts) is the plant's shared live state (`LiveMaintenanceState`), linked only after
services.maintenance.board confirmed the actor's access; the analysis below it (period, machine class, per
machine with drill-down to the tickets, CSV/Excel) is this person's own, read on demand and again live when a ticket,
stock or stop event of the person's plants arrives (follow.py)."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import reflex as rx

from models.base import utcnow
from rxapp import live
from rxapp.i18n import _
from rxapp.state.maintenance.follow import follow_tab
from rxapp.state.maintenance.live_board import LiveMaintenanceState
from rxapp.state.maintenance.plant_picker import plant_options
from rxapp.state.master.common import Option, download
from rxapp.state.org.auth import AuthState, _person_for_token, as_id
from services.core import formats
from services.core.db import db_session, transaction
from services.core.errors import DomainError
from services.kpi.live import Scope, reader_for
from services.maintenance import board as board_service
from services.maintenance import kpis
from services.master import work_centers

PERIODS = [("30", _("30 days")), ("90", _("90 days")), ("365", _("One year"))]


def board_for_scope(session, scope: Scope, now) -> board_service.MaintenanceBoard:
    return board_service.board(session, reader_for(scope), scope.plant_id, now=now)


live.register_kind("maintenance", LiveMaintenanceState, board_for_scope)


@dataclass
class MachineRow:
    machine_id: int = 0
    code: str = ""
    name: str = ""
    breakdowns: int = 0
    stops: int = 0
    mtbf: str = "–"
    mttr: str = "–"
    cost: str = ""
    href: str = ""


def _kpis(session, actor, plant_id: int | None, days: int, work_center_id: int | None = None) -> kpis.MaintenanceKpis:
    now = utcnow()
    return kpis.maintenance_kpis(session, actor, plant_id=plant_id or 0, start=now - timedelta(days=days), end=now,
                                 work_center_id=work_center_id, now=now)


def _kpis_for(token: str, plant_id: int | None, days: int,
              work_center_id: int | None = None) -> kpis.MaintenanceKpis | None:
    try:
        with db_session() as session, transaction(session):
            return _kpis(session, _person_for_token(session, token), plant_id, days, work_center_id)
    except DomainError:
        return None


def _rows(k: kpis.MaintenanceKpis) -> tuple[list[MachineRow], list[list[str]]]:
    rows = [MachineRow(machine_id=m.machine_id, code=m.machine_code, name=m.machine_name, breakdowns=m.breakdowns,
                       stops=m.breakdown_stops, mtbf=formats.number(m.mtbf_hours, decimals=1) or "–",
                       mttr=formats.number(m.mttr_hours, decimals=2) or "–", cost=formats.number(m.cost, decimals=2),
                       href=f"/maintenance/tickets?machine={m.machine_id}")
            for m in k.machines]
    stops_mtbf = "–" if k.mtbf_hours_stops is None else formats.number(k.mtbf_hours_stops, decimals=1) + " h"
    stops_mttr = "–" if k.mttr_hours_stops is None else formats.number(k.mttr_hours_stops, decimals=2) + " h"
    summary = [[_("Breakdown stops"), str(k.breakdown_stops)], [_("MTBF from stops"), stops_mtbf],
               [_("MTTR from stops"), stops_mttr], [_("Preventive done"), str(k.preventive_done)],
               [_("Corrective done"), str(k.corrective_done)], [_("Labour hours"), formats.number(k.labour_hours)]]
    return rows, summary


class MaintenanceDashboardState(AuthState):
    plant_options: list[Option] = []
    plant_id: str = ""
    period: str = "30"
    class_options: list[Option] = []          # the plant's machine classes (work centers)
    work_center_id: str = ""                  # "" = every class
    machine_rows: list[MachineRow] = []
    summary: list[list[str]] = []
    error: str = ""

    @rx.event
    async def enter(self):
        try:
            options = self._use_case(plant_options)
        except DomainError as error:
            return self._refused(error, quiet=True)
        self.plant_options = options
        if not self.plant_id and options:
            self.plant_id = options[0].value
        return await self._open()

    async def _open(self):
        if not self.plant_id:
            self.error = _("You have no plant to show.")
            return None
        try:
            scope, classes = self._use_case(lambda s, a: (
                board_service.board_scope(s, a, as_id(self.plant_id)),
                work_centers.list_work_centers(s, a, plant_id=as_id(self.plant_id))))
        except DomainError as error:
            self.error = _(error.message)
            return self._refused(error, quiet=True)
        self.error = ""
        self.class_options = [Option(value=str(w.id), label=f"{w.code} · {w.name}") for w in classes]
        if self.work_center_id not in {o.value for o in self.class_options}:
            self.work_center_id = ""
        await live.watch(await self.get_state(LiveMaintenanceState), scope)
        return MaintenanceDashboardState.analyse

    @rx.event
    async def set_plant(self, value: str):
        self.plant_id = str(as_id(value) or "")
        return await self._open()

    @rx.event
    def set_period(self, value: str):
        self.period = value if value in dict(PERIODS) else "30"
        return MaintenanceDashboardState.analyse

    def _kpis(self) -> kpis.MaintenanceKpis:
        return self._use_case(_kpis, as_id(self.plant_id), int(self.period), as_id(self.work_center_id) or None)

    @rx.event
    def set_class(self, value: str):
        self.work_center_id = str(as_id(value) or "")
        return MaintenanceDashboardState.analyse

    @rx.event
    def analyse(self):
        try:
            k = self._kpis()
        except DomainError as error:
            self.machine_rows, self.summary = [], []
            return self._refused(error)
        self.machine_rows, self.summary = _rows(k)
        return MaintenanceDashboardState.follow

    @rx.event(background=True)
    async def follow(self):
        """Live: the per-machine table and its summary follow ticket, stock and stop events of the person's plants
        without a reload (follow.py); the plant and period are read at each refresh."""
        async with self:
            token, client = self.token, self.router.session.client_token

        async def refresh() -> bool:
            async with self:
                shown = (as_id(self.plant_id), int(self.period), as_id(self.work_center_id) or None)
            found = await asyncio.to_thread(_kpis_for, token, *shown)
            if found is None:
                return False
            async with self:
                if (as_id(self.plant_id), int(self.period), as_id(self.work_center_id) or None) == shown:
                    self.machine_rows, self.summary = _rows(found)
            return True
        await follow_tab("maintenance-dashboard", token, client, refresh)

    @rx.event
    def export(self, fmt: str):
        try:
            k = self._kpis()
        except DomainError as error:
            return self._refused(error)
        return download(k.machines, kpis.MACHINE_COLUMNS, "maintenance-kpis", fmt)
