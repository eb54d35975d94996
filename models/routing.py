"""How a product is made: a routing is an ordered list of operations at work centers, each with a
setup time and an ideal cycle time per unit. One active routing per product is used for release."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin


class Routing(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("product_id", "version", name="uq_routing_product_version"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    version: int = Field(default=1)
    name: str = Field(default="", max_length=200)
    is_active: bool = Field(default=True)


class RoutingStep(TimestampMixin, SQLModel, table=True):
    __tablename__ = "routing_step"
    __table_args__ = (UniqueConstraint("routing_id", "sequence", name="uq_routing_step_sequence"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    routing_id: int = Field(foreign_key="routing.id", index=True)
    sequence: int                                            # 10, 20, 30 ...
    name: str = Field(max_length=200)
    work_center_id: int = Field(foreign_key="work_center.id", index=True)
    setup_seconds: int = Field(default=0, ge=0)
    ideal_cycle_seconds: Decimal = Field(sa_type=sa.Numeric(12, 3))  # per unit
