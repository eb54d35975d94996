"""The individual pauses of maintenance tickets (each interval a ticket waited for parts, with its reason), and the
loss Pareto's "repairs waiting for parts": the minutes of the stops a breakdown ticket explains that fall inside its
pauses.

    on_state(session, ticket, state, at)          open a pause on entering waiting_parts, close it on leaving
    describe(session, ticket, *, reason, user_id) the open pause's reason (the move's comment) and who paused
    ticket_pauses(session, actor, ticket_id)      a ticket's pauses, oldest first
    waiting_for_parts(session, scope)             the kpi loss split (registered with services/kpi/loss_splits.py)

Invariants: a ticket has at most one open pause, and pauses of one ticket never overlap; a pause belongs to its
ticket's organization; the split counts a stop's time once even when several tickets or pauses cover it, only in
the KPI scope's working time and window (open stops and pauses run to the window's end or now).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, or_, select

from models.base import pk
from models.kpi_rollup import KpiStop
from models.maintenance import MaintenanceStopLink, MaintenanceTicket, MaintenanceTicketPause
from services.core.access import Actor
from services.core.calendar_math import merge_intervals
from services.kpi import loss_splits
from services.kpi.scope import Scope, total_us
from services.maintenance.common import readable_ticket
from services.maintenance.sla import WAITING_STATE

WAITING_KIND, WAITING_LABEL, DEFAULT_REASON = "waiting_parts", "Repairs waiting for parts", "Waiting for parts"


class PauseRead(BaseModel):
    id: int
    started_at: datetime
    ended_at: datetime | None
    reason: str
    user_id: int | None


def _open_pause(session: Session, ticket_id: int) -> MaintenanceTicketPause | None:
    return session.exec(select(MaintenanceTicketPause).where(MaintenanceTicketPause.ticket_id == ticket_id,
                                                             col(MaintenanceTicketPause.ended_at).is_(None))).first()


def on_state(session: Session, ticket: MaintenanceTicket, state: str, at: datetime) -> None:
    """Called by the workflow hook with the move's own time."""
    current = _open_pause(session, pk(ticket))
    if state == WAITING_STATE and current is None:
        session.add(MaintenanceTicketPause(organization_id=ticket.organization_id, ticket_id=pk(ticket),
                                           started_at=at, reason=DEFAULT_REASON))
    elif state != WAITING_STATE and current is not None:
        current.ended_at = max(at, current.started_at)
        session.add(current)


def describe(session: Session, ticket: MaintenanceTicket, *, reason: str, user_id: int | None) -> None:
    """The open pause's reason (the comment of the move that paused; the default stays without one) and who paused."""
    current = _open_pause(session, pk(ticket))
    if current is not None and current.user_id is None:
        current.user_id = user_id
        if reason.strip():
            current.reason = reason.strip()[:500]
        session.add(current)


def ticket_pauses(session: Session, actor: Actor, ticket_id: int) -> list[PauseRead]:
    readable_ticket(session, actor, ticket_id)
    rows = session.exec(select(MaintenanceTicketPause).where(MaintenanceTicketPause.ticket_id == ticket_id)
                        .order_by(col(MaintenanceTicketPause.started_at), col(MaintenanceTicketPause.id))).all()
    return [PauseRead.model_validate(r.model_dump()) for r in rows]


def waiting_for_parts(session: Session, scope: Scope) -> list[loss_splits.LossSplit]:
    """Per stop reason, the working microseconds of linked stops that lie inside their tickets' pauses."""
    if not scope.machines:
        return []
    limit = scope.limit
    P, L, K = MaintenanceTicketPause, MaintenanceStopLink, KpiStop
    rows = session.exec(select(col(K.id), col(K.reason_key), col(K.start_at), col(K.end_at),  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
                               col(P.started_at), col(P.ended_at))
                        .join(L, col(L.event_id) == col(K.started_event_id))
                        .join(P, col(P.ticket_id) == col(L.ticket_id))
                        .where(col(K.machine_id).in_(list(scope.machines)),
                               col(K.organization_id) == scope.plant.organization_id,
                               col(K.start_at) < limit, or_(col(K.end_at).is_(None), col(K.end_at) > scope.start),
                               col(P.started_at) < limit,
                               or_(col(P.ended_at).is_(None), col(P.ended_at) > scope.start))).all()
    pieces: dict[tuple[int, int], list[tuple[datetime, datetime]]] = defaultdict(list)
    for stop_id, reason_key, stop_start, stop_end, pause_start, pause_end in rows:
        s = max(stop_start, pause_start, scope.start)
        e = min(stop_end or limit, pause_end or limit, limit)
        if s < e:
            pieces[(stop_id, reason_key)].append((s, e))
    by_reason: dict[int, int] = defaultdict(int)
    for (_stop, reason_key), intervals in pieces.items():
        by_reason[reason_key] += sum(total_us(scope.working(s, e)) for s, e in merge_intervals(intervals))
    return [loss_splits.LossSplit(WAITING_KIND, WAITING_LABEL, reason_key, us) for reason_key, us in by_reason.items()]


loss_splits.register(waiting_for_parts)
