"""SOP tickets: one department charges another for a failure to follow a standard operating procedure.

A ticket is numbered per organization (SOP-000001), belongs to the plant of the charged department,
and runs on the workflow engine (its `status` mirrors the instance's state). The charged
department responds (`response`), accepts or disputes; a reassignment to another department is
kept with its justification in `sop_reassignment`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, utcnow


class SopTicket(TimestampMixin, SQLModel, table=True):
    __tablename__ = "sop_ticket"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_sop_ticket_org_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    number: str = Field(max_length=32)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    sop_reference: str = Field(default="", max_length=64)     # the procedure's document number
    charging_department_id: int = Field(foreign_key="department.id", index=True)
    charged_department_id: int = Field(foreign_key="department.id", index=True)
    raised_by: int | None = Field(default=None, foreign_key="app_user.id")
    response: str = Field(default="", max_length=4000)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    responded_by: int | None = Field(default=None, foreign_key="app_user.id")
    status: str = Field(default="open", max_length=32, index=True)
    is_closed: bool = Field(default=False, index=True)
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class SopReassignment(SQLModel, table=True):
    __tablename__ = "sop_reassignment"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    ticket_id: int = Field(foreign_key="sop_ticket.id", index=True)
    from_department_id: int = Field(foreign_key="department.id")
    to_department_id: int = Field(foreign_key="department.id")
    justification: str = Field(max_length=2000)
    by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
