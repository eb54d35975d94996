"""Where work is done: work centers and machines of a plant, per-product cycle-time overrides,
reason codes for downtime and scrap, and each machine's current state."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum, utcnow


class WorkCenter(TimestampMixin, SQLModel, table=True):
    __tablename__ = "work_center"
    __table_args__ = (UniqueConstraint("plant_id", "code", name="uq_work_center_plant_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    is_active: bool = Field(default=True)
    machine_rate_per_hour: Decimal | None = Field(default=None, sa_type=sa.Numeric(14, 4))  # standard costing
    labour_rate_per_hour: Decimal | None = Field(default=None, sa_type=sa.Numeric(14, 4))


class Machine(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plant_id", "code", name="uq_machine_plant_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    work_center_id: int = Field(foreign_key="work_center.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name2: str = Field(default="", max_length=200)                   # the name in a second language
    name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en: the language of name2
    is_active: bool = Field(default=True, index=True)

    NAMES: ClassVar[tuple[str, str, str]] = ("name", "name2", "name2_language")   # services/core/display_names.py


class MachineProductRate(TimestampMixin, SQLModel, table=True):
    """A machine's own ideal cycle time for one product, overriding the routing's."""
    __tablename__ = "machine_product_rate"
    __table_args__ = (UniqueConstraint("machine_id", "product_id", name="uq_machine_product_rate"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    machine_id: int = Field(foreign_key="machine.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    ideal_cycle_seconds: Decimal = Field(sa_type=sa.Numeric(12, 3))


class ReasonKind(StrEnum):
    DOWNTIME = "downtime"
    SCRAP = "scrap"
    PAUSE = "pause"
    EXCEPTION = "exception"


class LossCategory(StrEnum):
    """The six big losses (downtime and quality reasons carry one)."""
    BREAKDOWN = "breakdown"                 # availability: equipment failure
    SETUP_ADJUSTMENT = "setup_adjustment"   # availability: changeovers, setups
    MINOR_STOP = "minor_stop"               # performance: idling and minor stops
    REDUCED_SPEED = "reduced_speed"         # performance
    STARTUP_REJECT = "startup_reject"       # quality: rejects during start-up
    PRODUCTION_REJECT = "production_reject" # quality: rejects in steady production
    PLANNED_STOP = "planned_stop"           # not a loss: breaks, planned maintenance, no orders


class ReasonCode(TimestampMixin, SQLModel, table=True):
    __tablename__ = "reason_code"
    __table_args__ = (UniqueConstraint("organization_id", "kind", "code", name="uq_reason_code_org_kind_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    kind: ReasonKind = Field(sa_type=str_enum(ReasonKind, 16), index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    planned: bool = Field(default=False)     # planned stops do not count against availability
    loss_category: LossCategory | None = Field(default=None, sa_type=str_enum(LossCategory, 32))
    position: int = Field(default=100)
    is_active: bool = Field(default=True)


class MachineState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    DOWN = "down"
    PLANNED_STOP = "planned_stop"


class MachineStatus(SQLModel, table=True):
    """The machine's state right now, maintained by services/shopfloor/operator.py with every event."""
    __tablename__ = "machine_status"
    machine_id: int = Field(foreign_key="machine.id", primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    state: MachineState = Field(default=MachineState.IDLE, sa_type=str_enum(MachineState, 16))
    since: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    operation_id: int | None = Field(default=None, foreign_key="operation.id")
    reason_code_id: int | None = Field(default=None, foreign_key="reason_code.id")
    open_downtime_event_id: int | None = Field(default=None)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
