"""Maintenance's own domain events, one class per name (services/core/events.py: typed events): the SLA
clock's warning, breach and escalation of a ticket. Ticket, stock and plan changes are announced through
the shared write step (services/core/changes.py)."""
from __future__ import annotations

from dataclasses import dataclass

from services.core.events import DomainEvent, event_type

__all__ = ["SlaBreached", "SlaEscalated", "SlaEvent", "SlaWarning"]


@dataclass(frozen=True, kw_only=True)
class SlaEvent(DomainEvent):
    """The SLA clock of one ticket crossed a line (recorded by the minute job, so without an actor)."""
    maintenance_ticket_id: int
    number: str
    machine_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class SlaWarning(SlaEvent):
    NAME = "maintenance_ticket.sla_warning"


@event_type
@dataclass(frozen=True, kw_only=True)
class SlaBreached(SlaEvent):
    NAME = "maintenance_ticket.sla_breached"
    which: str                       # "response" or "resolution"


@event_type
@dataclass(frozen=True, kw_only=True)
class SlaEscalated(SlaEvent):
    NAME = "maintenance_ticket.sla_escalated"
    level: int                       # 1: the maintenance lead, 2: the plant manager
    to: str                          # "user #<id>" or "role <name>"
