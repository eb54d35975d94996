"""The maintenance home of a person: the open tickets of their plants by SLA urgency, their own tickets and
the counts that call for action (breached tickets, parts below their minimum).

    home(session, actor, *, now) -> MaintenanceHome

Invariants: VIEW; only the actor's plants; urgency is the board's order (tickets.py `urgency`); "mine" is
empty for people who cannot work tickets (no MAINTAIN at any plant); the counts cover at most the 500 open
tickets list_tickets returns.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session

from services.core.access import Actor, Permission, require
from services.maintenance.parts import reorder_list
from services.maintenance.tickets import TicketRead, list_tickets, my_tickets, urgency

URGENT = 20


class MaintenanceHome(BaseModel):
    urgent: list[TicketRead]
    mine: list[TicketRead]
    open_count: int
    breached_count: int
    reorder_count: int


def home(session: Session, actor: Actor, *, now: datetime) -> MaintenanceHome:
    require(actor, Permission.VIEW)
    open_tickets = sorted(list_tickets(session, actor, open_only=True, now=now), key=urgency)
    works = any(actor.can(Permission.MAINTAIN, plant_id=p) for p in actor.plant_ids)
    return MaintenanceHome(urgent=open_tickets[:URGENT], mine=my_tickets(session, actor, now=now) if works else [],
                           open_count=len(open_tickets),
                           breached_count=sum(t.sla_state == "breached" for t in open_tickets),
                           reorder_count=len(reorder_list(session, actor)))
