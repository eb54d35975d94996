"""The live maintenance board of a plant: its open tickets with their SLA countdown (most urgent first, tickets.py `urgency`) and the
KPIs of the last 30 days, one view that every screen watching the plant shares (rxapp/live.py refreshes it on
`maintenance_ticket.*`, `stock.*` and downtime events of the plant).

    board_scope(session, actor, plant_id) -> Scope      after checking the actor may watch it
    board(session, actor, plant_id, *, now) -> MaintenanceBoard

Invariant: VIEW_DASHBOARDS or MAINTAIN at the plant (the live reader of a confirmed scope has the former).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.maintenance import MaintenanceTicket
from services.core.access import Actor
from services.kpi.live import Scope
from services.maintenance.common import require_kpis
from services.maintenance.kpis import MaintenanceKpis, maintenance_kpis
from services.maintenance.tickets import TicketRead, reads, urgency
from services.master.common import visible_plant

KPI_DAYS = 30
MAX_OPEN = 200


class MaintenanceBoard(BaseModel):
    plant_id: int
    plant_code: str
    timezone: str
    at: datetime
    open_tickets: list[TicketRead]
    kpis: MaintenanceKpis


def board_scope(session: Session, actor: Actor, plant_id: int) -> Scope:
    plant = visible_plant(session, actor, plant_id)
    require_kpis(actor, pk(plant))
    return Scope("maintenance", actor.organization_id, pk(plant))


def board(session: Session, actor: Actor, plant_id: int, *, now: datetime) -> MaintenanceBoard:
    plant = visible_plant(session, actor, plant_id)
    require_kpis(actor, pk(plant))
    rows = session.exec(select(MaintenanceTicket).where(
        MaintenanceTicket.organization_id == actor.organization_id, MaintenanceTicket.plant_id == plant.id,
        col(MaintenanceTicket.is_closed) == False)  # noqa: E712
        .order_by(col(MaintenanceTicket.id)).limit(MAX_OPEN)).all()
    open_tickets = sorted(reads(session, actor, list(rows), now=now), key=urgency)
    return MaintenanceBoard(plant_id=plant.id, plant_code=plant.code, timezone=plant.timezone, at=now,
                            open_tickets=open_tickets,
                            kpis=maintenance_kpis(session, actor, plant_id=pk(plant),
                                                  start=now - timedelta(days=KPI_DAYS), end=now, now=now))
