"""Finance's domain events, one class per name (services/core/events.py: typed events): tax rules,
journal entries, invoices, payments, purchase orders and settlements. Each names the row it is about
by id; readers load the document for the rest."""
from __future__ import annotations

from dataclasses import dataclass

from services.core.events import DomainEvent, event_type

__all__ = [
    "BudgetSet", "InvoiceIssued", "JournalEntryPosted", "PaymentReceived", "PurchaseOrderApproved",
    "PurchaseOrderCreated", "PurchaseOrderReceived", "SettlementCreated", "SettlementPaid", "TaxRuleCreated",
]


@event_type
@dataclass(frozen=True, kw_only=True)
class TaxRuleCreated(DomainEvent):
    NAME = "tax_rule.created"
    tax_rule_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class JournalEntryPosted(DomainEvent):
    """A balanced entry posted; `source_type`/`source_id` name the document it posts (None for a manual entry)."""
    NAME = "journal_entry.posted"
    journal_entry_id: int
    source_type: str | None = None
    source_id: int | None = None


@event_type
@dataclass(frozen=True, kw_only=True)
class InvoiceIssued(DomainEvent):
    NAME = "invoice.issued"
    invoice_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class PaymentReceived(DomainEvent):
    NAME = "payment.received"
    payment_id: int


@dataclass(frozen=True, kw_only=True)
class _PurchaseOrderEvent(DomainEvent):
    purchase_order_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class PurchaseOrderCreated(_PurchaseOrderEvent):
    NAME = "purchase_order.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class PurchaseOrderApproved(_PurchaseOrderEvent):
    NAME = "purchase_order.approved"


@event_type
@dataclass(frozen=True, kw_only=True)
class PurchaseOrderReceived(_PurchaseOrderEvent):
    """Goods or work received on a line of the order (services/finance/po_receipts.py)."""
    NAME = "purchase_order.received"
    receipt_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class SettlementCreated(DomainEvent):
    """A settlement of a purchase order's approved work."""
    NAME = "settlement.created"
    settlement_id: int
    purchase_order_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class SettlementPaid(DomainEvent):
    """The payment of a settlement was recorded (and posted)."""
    NAME = "settlement.paid"
    settlement_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class BudgetSet(DomainEvent):
    """A project's (project_id) or a cost centre's (project_id None) budget was set."""
    NAME = "budget.set"
    budget_id: int
    project_id: int | None = None
