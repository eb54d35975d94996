"""The audit trail: one row per mutation, never updated or deleted by Takt."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_org_at", "organization_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    plant_id: int | None = Field(default=None, foreign_key="plant.id")
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    entity: str = Field(max_length=64, index=True)
    entity_id: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
