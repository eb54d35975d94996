"""What a plant makes and buys: products/items, multi-level BOMs, customers.

BOM lines link a parent product to a component with a quantity per parent unit and a scrap
factor; services/master/boms.py refuses cycles. Product codes are unique per organization.
"""
from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, str_enum


class ProductType(StrEnum):
    RAW = "raw"
    SEMI = "semi"
    FINISHED = "finished"


class Product(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "code", name="uq_product_org_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)
    name2: str = Field(default="", max_length=200)                   # the name in a second language
    name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en: the language of name2
    description: str = Field(default="", max_length=2000)
    unit: str = Field(default="pcs", max_length=16)
    type: ProductType = Field(default=ProductType.FINISHED, sa_type=str_enum(ProductType, 16))
    standard_cost: Decimal | None = Field(default=None, sa_type=sa.Numeric(14, 4))
    is_active: bool = Field(default=True, index=True)
    is_serialized: bool = Field(default=False)        # each unit gets a serial number (models/lots.py)
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)  # custom field values (services/config/custom_fields.py)

    NAMES: ClassVar[tuple[str, str, str]] = ("name", "name2", "name2_language")   # services/core/display_names.py


class BomLine(TimestampMixin, SQLModel, table=True):
    __tablename__ = "bom_line"
    __table_args__ = (UniqueConstraint("parent_product_id", "component_product_id", name="uq_bom_line_parent_component"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    parent_product_id: int = Field(foreign_key="product.id", index=True)
    component_product_id: int = Field(foreign_key="product.id", index=True)
    quantity_per: Decimal = Field(sa_type=sa.Numeric(14, 4))          # component units per parent unit
    scrap_factor: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(6, 4))  # 0.05 = 5 % extra
    position: int = Field(default=10)


class Customer(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "code", name="uq_customer_org_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name2: str = Field(default="", max_length=200)                   # the name in a second language
    name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en: the language of name2
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=64)
    address: str = Field(default="", max_length=1000)
    is_active: bool = Field(default=True, index=True)

    NAMES: ClassVar[tuple[str, str, str]] = ("name", "name2", "name2_language")   # services/core/display_names.py
