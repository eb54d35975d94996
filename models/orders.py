"""Demand and the work that meets it: customer orders and lines, work orders, operations (jobs),
their status history, schedule exceptions and capacity targets.

Human numbers (SO-000001, WO-000001) are unique per organization (models/numbering.py).
Quantities are integers. Status changes go through the transition tables in services/.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum, utcnow


class OrderStatus(StrEnum):
    OPEN = "open"
    RELEASED = "released"
    DONE = "done"
    CANCELLED = "cancelled"


class WorkStatus(StrEnum):
    """Shared by work orders and their operations (jobs)."""
    PLANNED = "planned"
    RELEASED = "released"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


class CustomerOrder(TimestampMixin, SQLModel, table=True):
    __tablename__ = "customer_order"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_customer_order_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    number: str = Field(max_length=32)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    customer_reference: str = Field(default="", max_length=64)
    status: OrderStatus = Field(default=OrderStatus.OPEN, sa_type=str_enum(OrderStatus, 16), index=True)
    note: str = Field(default="", max_length=2000)


class OrderLine(TimestampMixin, SQLModel, table=True):
    __tablename__ = "order_line"
    __table_args__ = (UniqueConstraint("order_id", "line_no", name="uq_order_line_no"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    order_id: int = Field(foreign_key="customer_order.id", index=True)
    line_no: int
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: int = Field(gt=0)
    promised_date: date = Field(sa_type=sa.Date, index=True)
    unit_price: Decimal | None = Field(default=None, sa_type=sa.Numeric(14, 4))
    quantity_delivered: int = Field(default=0)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WorkOrder(TimestampMixin, SQLModel, table=True):
    __tablename__ = "work_order"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_work_order_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    number: str = Field(max_length=32)
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: int = Field(gt=0)
    order_line_id: int | None = Field(default=None, foreign_key="order_line.id", index=True)
    parent_work_order_id: int | None = Field(default=None, foreign_key="work_order.id")  # sub-assembly for
    routing_id: int | None = Field(default=None, foreign_key="routing.id")
    status: WorkStatus = Field(default=WorkStatus.PLANNED, sa_type=str_enum(WorkStatus, 16), index=True)
    due_date: date | None = Field(default=None, sa_type=sa.Date)
    quantity_good: int = Field(default=0)
    quantity_scrap: int = Field(default=0)
    released_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)  # custom field values (services/config/custom_fields.py)


class Operation(TimestampMixin, SQLModel, table=True):
    """One routing step of one work order: the job an operator runs on a machine."""
    __table_args__ = (
        UniqueConstraint("work_order_id", "sequence", name="uq_operation_wo_sequence"),
        sa.Index("ix_operation_machine_queue", "machine_id", "queue_position"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    work_order_id: int = Field(foreign_key="work_order.id", index=True)
    sequence: int
    name: str = Field(max_length=200)
    work_center_id: int = Field(foreign_key="work_center.id", index=True)
    machine_id: int | None = Field(default=None, foreign_key="machine.id")
    queue_position: int | None = Field(default=None)          # order on its machine, 1-based
    status: WorkStatus = Field(default=WorkStatus.PLANNED, sa_type=str_enum(WorkStatus, 16), index=True)
    quantity: int = Field(gt=0)
    setup_seconds: int = Field(default=0)
    ideal_cycle_seconds: Decimal = Field(sa_type=sa.Numeric(12, 3))
    planned_start: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    planned_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    quantity_good: int = Field(default=0)
    quantity_scrap: int = Field(default=0)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StatusChange(SQLModel, table=True):
    """Who moved which order, work order or operation from which status to which, and why."""
    __tablename__ = "status_change"
    __table_args__ = (sa.Index("ix_status_change_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    entity: str = Field(max_length=32)        # customer_order | work_order | operation
    entity_id: int
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    reason: str = Field(default="", max_length=500)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ExceptionKind(StrEnum):
    LATE = "late"
    SHORT = "short"
    REALLOCATED = "reallocated"
    OVERPRODUCED = "overproduced"          # good beyond the quantity by more than the plant's tolerance


class ScheduleException(SQLModel, table=True):
    __tablename__ = "schedule_exception"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    operation_id: int = Field(foreign_key="operation.id", index=True)
    kind: ExceptionKind = Field(sa_type=str_enum(ExceptionKind, 16))
    reason: str = Field(max_length=500)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class CapacityPeriod(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class CapacityTarget(TimestampMixin, SQLModel, table=True):
    """Target load for a department or a machine per period, in hours."""
    __tablename__ = "capacity_target"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    machine_id: int | None = Field(default=None, foreign_key="machine.id")
    period: CapacityPeriod = Field(sa_type=str_enum(CapacityPeriod, 16))
    target_hours: Decimal = Field(sa_type=sa.Numeric(10, 2))
