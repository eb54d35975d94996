"""Finance tables: tax rules, the chart of accounts, fiscal periods and the double-entry journal.

Invariants kept by constraints (services/finance keeps the rest): account codes and tax-rule codes are
unique per organization from a date; journal numbers are unique per organization; a source document
(a settlement, an invoice, a payment ...) is posted at most once (`uq_journal_entry_source`); a journal
line carries a debit or a credit, never both and never a negative amount.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum

MONEY = sa.Numeric(18, 4)


class TaxKind(StrEnum):
    VAT = "vat"                        # VAT, GST, consumption tax: added to the price
    WITHHOLDING = "withholding"        # withheld from a fee and paid to the tax office by the payer


class TaxBase(StrEnum):
    NET = "net"                        # the amount before VAT (Japan: the fee without consumption tax)
    GROSS = "gross"                    # the amount with VAT


class Rounding(StrEnum):
    HALF_UP = "half_up"
    TRUNCATE = "truncate"              # towards zero, to the rounding unit (the law truncates in JP and KR)


class TaxRule(TimestampMixin, SQLModel, table=True):
    """One tax of one jurisdiction, valid from a date: its components, each flat or tiered."""

    __tablename__ = "tax_rule"
    __table_args__ = (UniqueConstraint("organization_id", "code", "effective_from", name="uq_tax_rule_code_from"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    code: str = Field(max_length=32)                      # e.g. KR-WHT-FREELANCE
    name: str = Field(max_length=200)
    jurisdiction: str = Field(max_length=8)               # ISO country code: KR, JP, BD ...
    kind: TaxKind = Field(sa_type=str_enum(TaxKind, 16))
    currency: str = Field(max_length=3)
    base: TaxBase = Field(default=TaxBase.NET, sa_type=str_enum(TaxBase, 8))
    effective_from: date
    effective_to: date | None = Field(default=None)       # exclusive; None = open
    components: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    note: str = Field(default="", max_length=1000)


class FinanceSettings(TimestampMixin, SQLModel, table=True):
    """An organization's finance settings: the currency its standard costs are kept in; production is posted to
    the ledger (services/finance/production_postings.py) only once it is set."""
    __tablename__ = "finance_settings"
    __table_args__ = (UniqueConstraint("organization_id", name="uq_finance_settings_org"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    cost_currency: str = Field(max_length=3)


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"


class Account(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "code", name="uq_account_org_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    code: str = Field(max_length=16)
    name: str = Field(max_length=200)
    type: AccountType = Field(sa_type=str_enum(AccountType, 16))
    role: str | None = Field(default=None, max_length=32)   # what automatic postings use it for (payable, vat_input ...)
    is_active: bool = Field(default=True)


class PeriodStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"                  # no postings; finance may reopen
    LOCKED = "locked"                  # final


class FiscalPeriod(TimestampMixin, SQLModel, table=True):
    __tablename__ = "fiscal_period"
    __table_args__ = (UniqueConstraint("organization_id", "start", name="uq_fiscal_period_start"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=32)                      # 2026-12
    start: date
    end: date                                             # exclusive
    status: PeriodStatus = Field(default=PeriodStatus.OPEN, sa_type=str_enum(PeriodStatus, 8))


class JournalEntry(TimestampMixin, SQLModel, table=True):
    __tablename__ = "journal_entry"
    __table_args__ = (
        UniqueConstraint("organization_id", "number", name="uq_journal_entry_number"),
        UniqueConstraint("organization_id", "source_type", "source_id", name="uq_journal_entry_source"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    number: str = Field(max_length=32)                    # JE-000001
    entry_date: date = Field(index=True)
    period_id: int = Field(foreign_key="fiscal_period.id", index=True)
    currency: str = Field(max_length=3)
    memo: str = Field(default="", max_length=500)
    source_type: str | None = Field(default=None, max_length=32)   # "manual" entries have none
    source_id: int | None = Field(default=None)
    posted_at: datetime = Field(sa_type=UTCDateTime)
    posted_by: int | None = Field(default=None)
    reverses_id: int | None = Field(default=None, foreign_key="journal_entry.id")


class JournalLine(SQLModel, table=True):
    __tablename__ = "journal_line"
    __table_args__ = (
        sa.CheckConstraint("debit >= 0 AND credit >= 0 AND (debit = 0 OR credit = 0)", name="ck_journal_line_side"),
        sa.Index("ix_journal_line_account_entry", "account_id", "entry_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    entry_id: int = Field(foreign_key="journal_entry.id", index=True)
    account_id: int = Field(foreign_key="account.id")
    debit: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    credit: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    description: str = Field(default="", max_length=200)


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"              # posted to the ledger; changed only by a credit note
    VOID = "void"                  # a draft thrown away


class PriceListItem(TimestampMixin, SQLModel, table=True):
    """A product's selling price from a date, for one customer or (customer None) for all."""

    __tablename__ = "price_list_item"
    __table_args__ = (UniqueConstraint("organization_id", "product_id", "customer_id", "currency", "valid_from",
                                       name="uq_price_list_item"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    currency: str = Field(max_length=3)
    unit_price: Decimal = Field(sa_type=MONEY)
    discount_pct: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(7, 4))   # 5 = 5 %
    valid_from: date


class Invoice(TimestampMixin, SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("organization_id", "number", name="uq_invoice_number"),
        UniqueConstraint("organization_id", "shipment_id", name="uq_invoice_shipment"),   # a shipment is billed once
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    number: str = Field(max_length=32)
    kind: InvoiceKind = Field(default=InvoiceKind.INVOICE, sa_type=str_enum(InvoiceKind, 16))
    status: InvoiceStatus = Field(default=InvoiceStatus.DRAFT, sa_type=str_enum(InvoiceStatus, 16), index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    currency: str = Field(max_length=3)
    vat_rule_code: str = Field(default="", max_length=32)
    issue_date: date
    due_date: date
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id")
    credit_of_id: int | None = Field(default=None, foreign_key="invoice.id")
    net: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    vat: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    total: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    memo: str = Field(default="", max_length=500)


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    product_id: int | None = Field(default=None, foreign_key="product.id")
    order_line_id: int | None = Field(default=None, foreign_key="order_line.id", index=True)
    description: str = Field(max_length=200)
    quantity: int
    unit_price: Decimal = Field(sa_type=MONEY)
    discount_pct: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(7, 4))
    net: Decimal = Field(sa_type=MONEY)                      # quantity x price less discount, in the minor unit
    vat_text: str = Field(default="", max_length=80)          # "19 %": VAT is rounded once per invoice (JP, EU)


class Payment(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_payment_number"),
                      sa.CheckConstraint("amount > 0", name="ck_payment_positive"))
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    number: str = Field(max_length=32)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    currency: str = Field(max_length=3)
    received_on: date
    amount: Decimal = Field(sa_type=MONEY)
    reference: str = Field(default="", max_length=100)


class PaymentAllocation(SQLModel, table=True):
    __tablename__ = "payment_allocation"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="ck_payment_allocation_positive"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    payment_id: int = Field(foreign_key="payment.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount: Decimal = Field(sa_type=MONEY)
