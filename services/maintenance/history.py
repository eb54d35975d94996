"""A machine's full maintenance history on one page: its tickets (with costs), its stops (with the ticket that
explains each, so a stop waiting for parts can be told apart), and its preventive plans.

Invariant: VIEW at the machine's plant; a machine of another organization or plant is NotFound.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, or_, select

from models.kpi_rollup import KpiStop
from models.maintenance import MaintenancePlan, MaintenanceStopLink, MaintenanceTicket
from models.resources import ReasonCode
from services.core.access import Permission, require
from services.core.display_names import display_name
from services.maintenance.common import machine_of
from services.maintenance.plans import PlanRead
from services.maintenance.tickets import TicketRead, list_tickets

MAX_STOPS = 500


class StopRow(BaseModel):
    start_at: datetime
    end_at: datetime | None
    minutes: float | None
    reason: str
    planned: bool
    ticket_number: str = ""
    ticket_status: str = ""


class MachineHistory(BaseModel):
    machine_id: int
    machine_code: str
    machine_name: str
    tickets: list[TicketRead]
    stops: list[StopRow]
    plans: list[PlanRead]


def machine_history(session: Session, actor, machine_id: int, *, now: datetime) -> MachineHistory:
    require(actor, Permission.VIEW)
    machine = machine_of(session, actor, machine_id)
    tickets = list_tickets(session, actor, plant_id=machine.plant_id, machine_id=machine.id, limit=5000, now=now)
    rows = session.exec(select(KpiStop, ReasonCode.name, ReasonCode.planned).join(
        ReasonCode, col(ReasonCode.id) == col(KpiStop.reason_key), isouter=True)
        .where(col(KpiStop.machine_id) == machine.id)
        .order_by(col(KpiStop.start_at).desc()).limit(MAX_STOPS)).all()
    links = dict(session.exec(select(MaintenanceStopLink.event_id, MaintenanceTicket.id).join(
        MaintenanceTicket, col(MaintenanceTicket.id) == col(MaintenanceStopLink.ticket_id)).where(
        col(MaintenanceStopLink.event_id).in_([s.started_event_id for s, _, _ in rows] or [-1]))).all())
    by_id = {t.id: t for t in tickets}
    stops = []
    for stop, reason, planned in rows:
        ticket_id = links.get(stop.started_event_id)
        t = by_id.get(ticket_id) if ticket_id is not None else None
        stops.append(StopRow(start_at=stop.start_at, end_at=stop.end_at,
                             minutes=(stop.end_at - stop.start_at).total_seconds() / 60 if stop.end_at else None,
                             reason=reason or "", planned=bool(planned), ticket_number=t.number if t else "",
                             ticket_status=t.status_name if t else ""))
    plans = session.exec(select(MaintenancePlan).where(
        MaintenancePlan.organization_id == actor.organization_id,
        or_(MaintenancePlan.machine_id == machine.id, MaintenancePlan.work_center_id == machine.work_center_id))
        .order_by(MaintenancePlan.name)).all()
    return MachineHistory(machine_id=machine.id, machine_code=machine.code, machine_name=display_name(machine), tickets=tickets,
                          stops=stops, plans=[PlanRead.model_validate(p.model_dump()) for p in plans])
