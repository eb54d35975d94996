"""Traceability: storage locations, lots, serial numbers, consumptions and genealogy links.

Quantities are whole numbers in the product's unit (`Product.unit`, copied onto the lot): a
material measured by weight or length is counted in a fine unit (g, mm), so sums stay exact and
comparable with order quantities, which are integers too.

- A `Lot` is created by a receipt (supplier + supplier lot reference) or by production output
  (work order, operation, machine and production pass). `quantity` is what is on hand now,
  `quantity_initial` what was received or produced. Lot numbers (LOT-000001) are unique per
  organization.
- A `Serial` is one unit of a serialized product (`Product.is_serialized`), always inside a lot.
- A `LotConsumption` is material taken from a lot (or one serial) into one production pass of
  an operation. A production pass (`pass_no`, 1, 2, ... per operation) is one run of a job; what
  one pass consumed is linked only to what that same pass produced.
- A `GenealogyLink` says "input lot went into output lot" with the consumed quantity: one link
  per consumption and output lot of the same pass. The trace walks these links.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum, utcnow


class LotStatus(StrEnum):
    AVAILABLE = "available"
    ON_HOLD = "on_hold"
    CONSUMED = "consumed"
    SHIPPED = "shipped"
    RECALLED = "recalled"


class LotOrigin(StrEnum):
    RECEIPT = "receipt"
    PRODUCTION = "production"


class LinkKind(StrEnum):
    CONSUME = "consume"          # input material went into the main output
    BYPRODUCT = "byproduct"      # the output is a by-product of the pass
    REWORK = "rework"            # the input was reworked into the output


class Location(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plant_id", "code", name="uq_location_plant_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(default="", max_length=200)
    is_active: bool = Field(default=True)


class Lot(TimestampMixin, SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("organization_id", "number", name="uq_lot_org_number"),
        sa.Index("ix_lot_supplier_ref", "organization_id", "supplier_lot_ref"),
        sa.Index("ix_lot_machine_produced", "machine_id", "produced_at"),
        sa.Index("ix_lot_operation_pass", "operation_id", "pass_no"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    number: str = Field(max_length=32)
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: int = Field(default=0)               # on hand now
    quantity_initial: int = Field(default=0)       # received or produced
    unit: str = Field(default="pcs", max_length=16)
    status: LotStatus = Field(default=LotStatus.AVAILABLE, sa_type=str_enum(LotStatus, 16), index=True)
    origin: LotOrigin = Field(sa_type=str_enum(LotOrigin, 16))
    location_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    supplier: str = Field(default="", max_length=200)
    supplier_lot_ref: str = Field(default="", max_length=64)
    received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    work_order_id: int | None = Field(default=None, foreign_key="work_order.id", index=True)
    operation_id: int | None = Field(default=None, foreign_key="operation.id")
    machine_id: int | None = Field(default=None, foreign_key="machine.id")
    pass_no: int | None = Field(default=None)
    is_byproduct: bool = Field(default=False)
    produced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    hold_reason: str = Field(default="", max_length=500)
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)  # custom field values (services/config/custom_fields.py)


class Serial(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_serial_org_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    number: str = Field(max_length=64)
    product_id: int = Field(foreign_key="product.id", index=True)
    lot_id: int = Field(foreign_key="lot.id", index=True)
    status: LotStatus = Field(default=LotStatus.AVAILABLE, sa_type=str_enum(LotStatus, 16), index=True)


class LotConsumption(SQLModel, table=True):
    """Material taken from a lot (or one of its serials) into one production pass of an operation."""
    __tablename__ = "lot_consumption"
    __table_args__ = (sa.Index("ix_lot_consumption_operation_pass", "operation_id", "pass_no"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    lot_id: int = Field(foreign_key="lot.id", index=True)
    serial_id: int | None = Field(default=None, foreign_key="serial.id")
    operation_id: int = Field(foreign_key="operation.id")
    work_order_id: int = Field(foreign_key="work_order.id", index=True)
    pass_no: int = Field(default=1)
    quantity: int
    kind: LinkKind = Field(default=LinkKind.CONSUME, sa_type=str_enum(LinkKind, 16))
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class GenealogyLink(SQLModel, table=True):
    """Input lot -> output lot, with the quantity of the input consumed in that pass."""
    __tablename__ = "genealogy_link"
    __table_args__ = (
        UniqueConstraint("consumption_id", "output_lot_id", name="uq_genealogy_link_consumption_output"),
        sa.Index("ix_genealogy_link_input", "input_lot_id", "output_lot_id"),
        sa.Index("ix_genealogy_link_output", "output_lot_id", "input_lot_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    input_lot_id: int = Field(foreign_key="lot.id")
    input_serial_id: int | None = Field(default=None, foreign_key="serial.id")
    output_lot_id: int = Field(foreign_key="lot.id")
    consumption_id: int | None = Field(default=None, foreign_key="lot_consumption.id")
    quantity: int
    kind: LinkKind = Field(default=LinkKind.CONSUME, sa_type=str_enum(LinkKind, 16))
    work_order_id: int | None = Field(default=None, foreign_key="work_order.id")
    operation_id: int | None = Field(default=None, foreign_key="operation.id")
    pass_no: int | None = Field(default=None)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
