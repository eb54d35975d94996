"""Non-conformance reports (NCR) and their corrective and preventive actions (CAPA).

An NCR belongs to one plant and is numbered per organization (NCR-000001). Its `status` mirrors
the state of its workflow instance (services/config/workflow.py), which decides what may happen next;
`is_closed` is set when that state is done or rejected. The root cause is a value of the
organization's root-cause type list (`root_cause_category_id`, a type_list_value id) plus free
text. Links point at what the NCR is about beyond its product: a lot (free reference until lots
are tracked), an internal reject or a customer return.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum


class NcrSeverity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class CapaKind(StrEnum):
    CORRECTIVE = "corrective"
    PREVENTIVE = "preventive"


class Ncr(TimestampMixin, SQLModel, table=True):
    __tablename__ = "ncr"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_ncr_org_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    number: str = Field(max_length=32)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    severity: NcrSeverity = Field(default=NcrSeverity.MINOR, sa_type=str_enum(NcrSeverity, 16), index=True)
    product_id: int | None = Field(default=None, foreign_key="product.id", index=True)
    lot_reference: str = Field(default="", max_length=64)
    quantity: int | None = Field(default=None)
    detected_at: datetime = Field(sa_type=UTCDateTime)
    owner_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    containment: str = Field(default="", max_length=4000)
    root_cause_category_id: int | None = Field(default=None, index=True)   # type_list_value id (root_cause_categories)
    root_cause: str = Field(default="", max_length=4000)
    status: str = Field(default="open", max_length=32, index=True)          # the workflow state
    is_closed: bool = Field(default=False, index=True)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)  # custom field values


class NcrLink(SQLModel, table=True):
    """What else an NCR is about: a lot, an internal reject or a customer return."""
    __tablename__ = "ncr_link"
    __table_args__ = (UniqueConstraint("ncr_id", "kind", "target_id", "reference", name="uq_ncr_link"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    ncr_id: int = Field(foreign_key="ncr.id", index=True)
    kind: str = Field(max_length=16)                   # lot | internal_reject | customer_return
    target_id: int | None = Field(default=None)        # the linked row's id, when Takt tracks it
    reference: str = Field(default="", max_length=64)  # a free reference (lot number, return RMA)


class CapaAction(TimestampMixin, SQLModel, table=True):
    __tablename__ = "capa_action"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    ncr_id: int = Field(foreign_key="ncr.id", index=True)
    kind: CapaKind = Field(default=CapaKind.CORRECTIVE, sa_type=str_enum(CapaKind, 16))
    description: str = Field(max_length=2000)
    owner_user_id: int = Field(foreign_key="app_user.id", index=True)
    due_date: date
    is_done: bool = Field(default=False, index=True)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by: int | None = Field(default=None, foreign_key="app_user.id")
    done_note: str = Field(default="", max_length=2000)
