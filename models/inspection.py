"""Inspection plans, their characteristics, recorded inspections (one subgroup or sample each) and
the SPC alerts raised on them.

A plan belongs to one plant and one product, optionally to one routing step (the operation where
the characteristic is checked). A characteristic carries its specification (nominal, LSL, USL,
unit), how it is charted (chart type, subgroup size, run-rule set) and, once a baseline period is
chosen, the control limits frozen from that baseline (`limits`, JSON of decimal strings written by
services/quality/spc_charts.py). An inspection stores its raw values (decimal strings) and the plotted
statistics computed when it was recorded: `statistic` (subgroup mean, individual value, proportion
defective or defect count) and `spread` (range, standard deviation or moving range).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum, utcnow


class ChartKind(StrEnum):
    XBAR_R = "xbar_r"
    XBAR_S = "xbar_s"
    I_MR = "i_mr"
    P = "p"
    C = "c"


class RuleSetKind(StrEnum):
    WESTERN_ELECTRIC = "western_electric"
    NELSON = "nelson"


class InspectionPlan(TimestampMixin, SQLModel, table=True):
    __tablename__ = "inspection_plan"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    routing_step_id: int | None = Field(default=None, foreign_key="routing_step.id")
    name: str = Field(max_length=200)
    is_active: bool = Field(default=True, index=True)


class InspectionCharacteristic(TimestampMixin, SQLModel, table=True):
    __tablename__ = "inspection_characteristic"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    plan_id: int = Field(foreign_key="inspection_plan.id", index=True)
    name: str = Field(max_length=200)
    unit: str = Field(default="", max_length=16)
    nominal: Decimal | None = Field(default=None, sa_type=sa.Numeric(18, 6))
    lsl: Decimal | None = Field(default=None, sa_type=sa.Numeric(18, 6))
    usl: Decimal | None = Field(default=None, sa_type=sa.Numeric(18, 6))
    chart_type: ChartKind = Field(default=ChartKind.XBAR_R, sa_type=str_enum(ChartKind, 16))
    subgroup_size: int = Field(default=5)             # values per subgroup (1 for I-MR, p and c)
    ruleset: RuleSetKind = Field(default=RuleSetKind.WESTERN_ELECTRIC, sa_type=str_enum(RuleSetKind, 24))
    baseline_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    baseline_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    limits: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    is_active: bool = Field(default=True)


class Inspection(SQLModel, table=True):
    __tablename__ = "inspection"
    __table_args__ = (
        UniqueConstraint("organization_id", "client_id", name="uq_inspection_client_id"),
        sa.Index("ix_inspection_characteristic_at", "characteristic_id", "measured_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    characteristic_id: int = Field(foreign_key="inspection_characteristic.id")
    operation_id: int | None = Field(default=None, foreign_key="operation.id")
    machine_id: int | None = Field(default=None, foreign_key="machine.id")
    lot_reference: str = Field(default="", max_length=64)
    values: list[str] = Field(default_factory=list, sa_type=sa.JSON)   # measurements as decimal strings
    inspected: int | None = Field(default=None)        # p chart: units inspected
    defects: int | None = Field(default=None)          # p: defectives; c: defects counted
    statistic: Decimal = Field(sa_type=sa.Numeric(24, 10))
    spread: Decimal | None = Field(default=None, sa_type=sa.Numeric(24, 10))
    note: str = Field(default="", max_length=500)
    client_id: str | None = Field(default=None, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    measured_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class SpcAlert(SQLModel, table=True):
    __tablename__ = "spc_alert"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    characteristic_id: int = Field(foreign_key="inspection_characteristic.id", index=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    chart: str = Field(max_length=16)                  # primary | secondary
    ruleset: RuleSetKind = Field(sa_type=str_enum(RuleSetKind, 24))
    rule: int
    description: str = Field(max_length=200)
    value: Decimal = Field(sa_type=sa.Numeric(24, 10))
    raised_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: int | None = Field(default=None, foreign_key="app_user.id")
    note: str = Field(default="", max_length=500)
