"""Shipments to customers: lines taken from customer order lines, items packed from lots and
serials, shipped with a carrier and tracking number. Status history lives in `status_change`
(entity "shipment"). Numbers SHP-000001 are unique per organization."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum, utcnow


class ShipmentStatus(StrEnum):
    OPEN = "open"            # created, nothing packed yet
    PACKING = "packing"      # at least one item packed
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class Shipment(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_shipment_org_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    number: str = Field(max_length=32)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    status: ShipmentStatus = Field(default=ShipmentStatus.OPEN, sa_type=str_enum(ShipmentStatus, 16), index=True)
    carrier: str = Field(default="", max_length=100)
    tracking_number: str = Field(default="", max_length=100)
    shipped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str = Field(default="", max_length=2000)
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)  # custom field values (services/config/custom_fields.py)


class ShipmentLine(SQLModel, table=True):
    __tablename__ = "shipment_line"
    __table_args__ = (UniqueConstraint("shipment_id", "order_line_id", name="uq_shipment_line_order_line"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    product_id: int = Field(foreign_key="product.id")
    quantity: int                              # to ship on this shipment
    quantity_packed: int = Field(default=0)


class ShipmentItem(SQLModel, table=True):
    """A lot (or one serial of it) packed into a shipment line, with the quantity taken."""
    __tablename__ = "shipment_item"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    shipment_line_id: int = Field(foreign_key="shipment_line.id", index=True)
    lot_id: int = Field(foreign_key="lot.id", index=True)
    serial_id: int | None = Field(default=None, foreign_key="serial.id", index=True)
    quantity: int
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    packed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
