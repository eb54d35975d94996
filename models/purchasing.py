"""Purchase orders to vendors and the settlements that pay for approved work.

Invariants kept by constraints: PO and settlement numbers are unique per organization; a studio task is on at most
one PO line (`uq_po_line_task`) and is settled at most once (`uq_settlement_line_task`), so the same work is never
paid twice even by two concurrent settlements. A budget (per project or per cost centre) is unique per organization
and scope (`uq_budget_scope`: "project:<id>" or "cost_centre:<code>").
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum

MONEY = sa.Numeric(18, 4)
RATE = sa.Numeric(8, 4)


class PoStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    ACKNOWLEDGED = "acknowledged"      # the vendor accepted it
    CLOSED = "closed"
    CANCELLED = "cancelled"


class PurchaseOrder(TimestampMixin, SQLModel, table=True):
    __tablename__ = "purchase_order"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_purchase_order_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    number: str = Field(max_length=32)
    vendor_partner_id: int = Field(foreign_key="studio_partner.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="studio_project.id", index=True)
    process_type: str = Field(max_length=64)              # key animation, in-between, paint, machining ...
    currency: str = Field(max_length=3)
    vat_rule_code: str = Field(default="", max_length=32)
    withholding_rule_code: str = Field(default="", max_length=32)   # set when the vendor is an individual
    order_date: date
    status: PoStatus = Field(default=PoStatus.DRAFT, sa_type=str_enum(PoStatus, 16), index=True)
    base: Decimal = Field(default=Decimal(0), sa_type=MONEY)
    adjusted: Decimal = Field(default=Decimal(0), sa_type=MONEY)
    approved_by: int | None = Field(default=None)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str = Field(default="", max_length=1000)
    cost_centre: str = Field(default="", max_length=32)    # a budget's cost centre code; "" for none


class PurchaseOrderLine(SQLModel, table=True):
    __tablename__ = "purchase_order_line"
    __table_args__ = (UniqueConstraint("task_id", name="uq_po_line_task"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    po_id: int = Field(foreign_key="purchase_order.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="studio_task.id")
    description: str = Field(max_length=200)
    quantity: int
    unit_price: Decimal = Field(sa_type=MONEY)
    difficulty_rate: Decimal = Field(default=Decimal(1), sa_type=RATE)
    urgency_rate: Decimal = Field(default=Decimal(1), sa_type=RATE)
    base: Decimal = Field(sa_type=MONEY)                  # quantity x unit price
    adjusted: Decimal = Field(sa_type=MONEY)              # base x difficulty x urgency, in the minor unit


class Settlement(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_settlement_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    number: str = Field(max_length=32)
    po_id: int = Field(foreign_key="purchase_order.id", index=True)
    settled_on: date
    adjusted: Decimal = Field(sa_type=MONEY)
    vat: Decimal = Field(sa_type=MONEY)
    withholding: Decimal = Field(sa_type=MONEY)
    net_payable: Decimal = Field(sa_type=MONEY)
    paid_on: date | None = Field(default=None)


class SettlementLine(SQLModel, table=True):
    __tablename__ = "settlement_line"
    __table_args__ = (UniqueConstraint("task_id", name="uq_settlement_line_task"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    settlement_id: int = Field(foreign_key="settlement.id", index=True)
    po_line_id: int = Field(foreign_key="purchase_order_line.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="studio_task.id")
    quantity: int
    adjusted: Decimal = Field(sa_type=MONEY)


class Budget(TimestampMixin, SQLModel, table=True):
    """What a project or a cost centre may spend, in one currency (amounts before VAT, as the orders' adjusted)."""
    __tablename__ = "budget"
    __table_args__ = (UniqueConstraint("organization_id", "scope_key", name="uq_budget_scope"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    scope_key: str = Field(max_length=48)                 # "project:<id>" or "cost_centre:<code>"
    project_id: int | None = Field(default=None, foreign_key="studio_project.id", index=True)
    cost_centre: str = Field(default="", max_length=32)
    currency: str = Field(max_length=3)
    amount: Decimal = Field(sa_type=MONEY)
    note: str = Field(default="", max_length=500)


class PoReceipt(SQLModel, table=True):
    """Goods or subcontracted work received against a PO line without a studio task (the factory half): what may be
    settled. A receipt of goods names the lot it made; a service confirmed as done has none."""
    __tablename__ = "po_receipt"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="ck_po_receipt_quantity"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    po_id: int = Field(foreign_key="purchase_order.id", index=True)
    po_line_id: int = Field(foreign_key="purchase_order_line.id", index=True)
    quantity: int
    lot_id: int | None = Field(default=None, foreign_key="lot.id")
    note: str = Field(default="", max_length=200)
    received_at: datetime = Field(sa_type=UTCDateTime)
    received_by: int | None = Field(default=None)
