"""What happened on the floor: an append-only record of production events (job state changes,
good and scrap counts, downtime), each with the operator, machine, job, time and the client's
own id, so a retried or duplicated message is stored once (unique per organization)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import UTCDateTime, str_enum, utcnow


class EventKind(StrEnum):
    JOB_STARTED = "job_started"
    JOB_PAUSED = "job_paused"
    JOB_RESUMED = "job_resumed"
    JOB_COMPLETED = "job_completed"
    COUNT = "count"
    DOWNTIME_STARTED = "downtime_started"
    DOWNTIME_ENDED = "downtime_ended"


class ProductionEvent(SQLModel, table=True):
    __tablename__ = "production_event"
    __table_args__ = (
        UniqueConstraint("organization_id", "client_id", name="uq_production_event_client_id"),
        sa.Index("ix_production_event_machine_at", "machine_id", "occurred_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    machine_id: int = Field(foreign_key="machine.id")
    operation_id: int | None = Field(default=None, foreign_key="operation.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    api_token_id: int | None = Field(default=None, foreign_key="api_token.id")
    kind: EventKind = Field(sa_type=str_enum(EventKind, 24))
    quantity_good: int = Field(default=0)
    quantity_scrap: int = Field(default=0)
    reason_code_id: int | None = Field(default=None, foreign_key="reason_code.id")
    note: str = Field(default="", max_length=500)
    client_id: str = Field(max_length=64)
    occurred_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
