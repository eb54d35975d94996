"""Internal rejects (parts found bad in the plant: from an operator's scrap report or raised by
quality) and customer returns, each numbered per organization (REJ-000001, RET-000001).

Both carry a quantity, a defect code (a `defect_codes` type-list value id), the product and a lot
reference (free text until lots are tracked), and a disposition (scrap, rework, use as is, return
to vendor). `status` mirrors their workflow instance (services/config/workflow.py entity types
"internal_reject" and "customer_return"); the disposition takes effect when the workflow reaches a
done state (after its approval). A rework disposition creates a rework operation on the work order
(`rework_operation_id`), which consumes no new material.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum


class Disposition(StrEnum):
    SCRAP = "scrap"
    REWORK = "rework"
    USE_AS_IS = "use_as_is"
    RETURN_TO_VENDOR = "return_to_vendor"


class RejectSource(StrEnum):
    SCRAP_REPORT = "scrap_report"
    QUALITY = "quality"


class _QualityCase(TimestampMixin, SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    number: str = Field(max_length=32)
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: int = Field(gt=0)
    defect_code_id: int = Field(index=True)                      # type_list_value id (defect_codes)
    lot_reference: str = Field(default="", max_length=64)
    description: str = Field(default="", max_length=2000)
    work_order_id: int | None = Field(default=None, foreign_key="work_order.id")
    disposition: Disposition | None = Field(default=None, sa_type=str_enum(Disposition, 24))
    disposition_note: str = Field(default="", max_length=1000)
    rework_operation_id: int | None = Field(default=None, foreign_key="operation.id")
    status: str = Field(default="", max_length=32, index=True)    # the workflow state
    is_closed: bool = Field(default=False, index=True)
    reported_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InternalReject(_QualityCase, table=True):
    __tablename__ = "internal_reject"
    __table_args__ = (
        UniqueConstraint("organization_id", "number", name="uq_internal_reject_number"),
        UniqueConstraint("production_event_id", name="uq_internal_reject_event"),
    )
    source: RejectSource = Field(default=RejectSource.QUALITY, sa_type=str_enum(RejectSource, 16))
    operation_id: int | None = Field(default=None, foreign_key="operation.id")
    production_event_id: int | None = Field(default=None, foreign_key="production_event.id")


class CustomerReturn(_QualityCase, table=True):
    __tablename__ = "customer_return"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_customer_return_number"),)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    customer_reference: str = Field(default="", max_length=64)
