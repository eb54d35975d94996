"""The shop floor's domain events, one class per name (services/core/events.py: typed events).

A production event's announcement (job.started .. downtime.ended) has the same fields whoever caused it,
an operator's tap or a gateway's batch (then one count.reported stands for `events` counts of one machine,
quantities summed, and the job's totals after them); machine_state.announce builds them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.shopfloor import EventKind
from services.core.events import DomainEvent, event_type

__all__ = [
    "ANNOUNCED", "CountReported", "DowntimeEnded", "DowntimeStarted", "IngestAccepted", "JobCompleted",
    "JobPaused", "JobResumed", "JobStarted", "MachineEvent",
]


@dataclass(frozen=True, kw_only=True)
class MachineEvent(DomainEvent):
    """What every production event announces: the machine, its state after it, the job and its totals."""
    event_id: int
    client_id: str
    machine_id: int
    machine_code: str
    machine_state: str
    operation_id: int | None = None
    work_order_id: int | None = None
    work_order_number: str | None = None
    quantity_good: int = 0
    quantity_scrap: int = 0
    operation_quantity_good: int | None = None
    operation_quantity_scrap: int | None = None
    reason_code_id: int | None = None
    occurred_at: datetime
    events: int = 1
    changes: dict = field(default_factory=dict)


@event_type
@dataclass(frozen=True, kw_only=True)
class JobStarted(MachineEvent):
    NAME = "job.started"


@event_type
@dataclass(frozen=True, kw_only=True)
class JobPaused(MachineEvent):
    NAME = "job.paused"


@event_type
@dataclass(frozen=True, kw_only=True)
class JobResumed(MachineEvent):
    NAME = "job.resumed"


@event_type
@dataclass(frozen=True, kw_only=True)
class JobCompleted(MachineEvent):
    NAME = "job.completed"


@event_type
@dataclass(frozen=True, kw_only=True)
class CountReported(MachineEvent):
    NAME = "count.reported"


@event_type
@dataclass(frozen=True, kw_only=True)
class DowntimeStarted(MachineEvent):
    NAME = "downtime.started"


@event_type
@dataclass(frozen=True, kw_only=True)
class DowntimeEnded(MachineEvent):
    NAME = "downtime.ended"


@event_type
@dataclass(frozen=True, kw_only=True)
class IngestAccepted(DomainEvent):
    """A gateway's batch on one machine: how many events it accepted, and the parts they counted."""
    NAME = "ingest.accepted"
    machine_id: int
    machine_code: str
    machine_state: str
    accepted: int
    duplicates: int
    events: int
    quantity_good: int
    quantity_scrap: int


ANNOUNCED: dict[EventKind, type[MachineEvent]] = {
    EventKind.JOB_STARTED: JobStarted, EventKind.JOB_PAUSED: JobPaused, EventKind.JOB_RESUMED: JobResumed,
    EventKind.JOB_COMPLETED: JobCompleted, EventKind.COUNT: CountReported,
    EventKind.DOWNTIME_STARTED: DowntimeStarted, EventKind.DOWNTIME_ENDED: DowntimeEnded,
}
