"""Payments received from customers, their allocation to invoices, and accounts-receivable aging.

A payment is allocated to the invoices named, or (none named) to the customer's oldest open invoices first;
what is left stays unallocated on the payment (a credit of the customer). Credit notes reduce what their
invoice still owes. Aging sorts each open invoice's remaining amount by days past its due date.

Invariants: FINANCE only; a payment is positive, in the currency of the invoices it pays; an allocation never
exceeds what the invoice still owes nor what the payment has left (checked under a row lock on PostgreSQL);
recording a payment posts one balanced entry (bank debit, receivable credit) in an open period.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Customer
from models.finance import Invoice, InvoiceKind, InvoiceStatus, Payment, PaymentAllocation
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.display_names import display_name
from services.core.errors import Invalid
from services.core.events import record
from services.core.messages import t
from services.core.numbering import next_number
from services.core.scoping import get_scoped
from services.finance import journal
from services.finance.accounts import account_for_role
from services.finance.events import PaymentReceived
from services.finance.journal import EntryCreate, LineInput
from services.finance.money import exact_sum, from_scaled, minor_units, quantum

BUCKETS = [("current", None, 0), ("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("over 90", 91, None)]


class Allocation(BaseModel):
    invoice_id: int
    amount: Decimal = Field(gt=0)


class PaymentCreate(BaseModel):
    customer_id: int
    currency: str = Field(min_length=3, max_length=3)
    received_on: date
    amount: Decimal = Field(gt=0, lt=Decimal(10) ** 14)
    reference: str = Field(default="", max_length=100)
    allocations: list[Allocation] | None = None       # None: oldest open invoices first


class PaymentRead(BaseModel):
    id: int
    number: str
    customer_id: int
    currency: str
    received_on: date
    amount: Decimal
    reference: str
    allocated: list[Allocation]
    unallocated: Decimal


class AgingRow(BaseModel):
    customer_id: int
    customer_name: str
    buckets: dict[str, Decimal]
    total: Decimal


def record_payment(session: Session, actor: Actor, data: PaymentCreate, *, now: datetime) -> PaymentRead:
    require(actor, Permission.FINANCE)
    get_scoped(session, actor, Customer, data.customer_id, t("Customer"))
    currency = data.currency.upper()
    if data.amount != data.amount.quantize(Decimal(1).scaleb(-minor_units(currency))):
        raise Invalid(fields={"amount": t("Use at most {places} decimal places for {currency}.", places=minor_units(currency),
                                              currency=currency)})
    open_items = open_invoices(session, actor, data.customer_id, currency, lock=True)
    plan = _plan(data, open_items)
    payment = Payment(organization_id=actor.organization_id, number=next_number(session, actor.organization_id, "PAY"),
                      customer_id=data.customer_id, currency=currency, received_on=data.received_on, amount=data.amount,
                      reference=data.reference.strip(), created_at=now, updated_at=now, created_by=actor.user_id,
                      updated_by=actor.user_id)
    session.add(payment)
    session.flush()
    for invoice_id, amount in plan:
        session.add(PaymentAllocation(organization_id=actor.organization_id, payment_id=pk(payment),
                                      invoice_id=invoice_id, amount=amount))
    bank = account_for_role(session, actor.organization_id, "bank")
    receivable = account_for_role(session, actor.organization_id, "receivable")
    journal.post(session, actor, EntryCreate(entry_date=data.received_on, currency=currency,
                                             memo=f"Payment {payment.number} {payment.reference}".strip(),
                                             lines=[LineInput(account_id=bank.id, debit=data.amount),
                                                    LineInput(account_id=receivable.id, credit=data.amount)]),
                 now=now, source_type="payment", source_id=payment.id)
    audit(session, actor, "payment", payment.id, "create",
          {"number": payment.number, "amount": str(data.amount), "allocations": {str(i): str(a) for i, a in plan}}, at=now)
    record(session, PaymentReceived(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                    payment_id=pk(payment)))
    return _read(session, payment)


def open_invoices(session: Session, actor: Actor, customer_id: int, currency: str, *,
                  lock: bool = False) -> list[tuple[Invoice, Decimal]]:
    """Issued invoices of the customer with what each still owes (> 0), oldest due first."""
    require(actor, Permission.FINANCE)
    query = (select(Invoice).where(Invoice.organization_id == actor.organization_id, Invoice.customer_id == customer_id,
                                   Invoice.currency == currency, Invoice.kind == InvoiceKind.INVOICE,
                                   Invoice.status == InvoiceStatus.ISSUED)
             .order_by(col(Invoice.due_date), col(Invoice.id)))
    invoices = session.exec(query.with_for_update() if lock else query).all()
    owed = _owed(session, [pk(i) for i in invoices])
    return [(inv, owed[pk(inv)]) for inv in invoices if owed[pk(inv)] > 0]


def overdue_invoices(session: Session, actor: Actor, *, today: date) -> list[str]:
    """Numbers of the issued invoices past their due date that still owe something, the longest overdue first."""
    require(actor, Permission.FINANCE)
    invoices = session.exec(select(Invoice).where(Invoice.organization_id == actor.organization_id,
                                                  Invoice.kind == InvoiceKind.INVOICE,
                                                  Invoice.status == InvoiceStatus.ISSUED, Invoice.due_date < today)
                            .order_by(col(Invoice.due_date), col(Invoice.id))).all()
    owed = _owed(session, [pk(i) for i in invoices])
    return [i.number for i in invoices if owed[pk(i)] > 0]


def ar_aging(session: Session, actor: Actor, *, as_of: date, currency: str) -> list[AgingRow]:
    require(actor, Permission.FINANCE)
    invoices = session.exec(select(Invoice).where(Invoice.organization_id == actor.organization_id,
                                                  Invoice.currency == currency.upper(),
                                                  Invoice.kind == InvoiceKind.INVOICE,
                                                  Invoice.status == InvoiceStatus.ISSUED,
                                                  Invoice.issue_date <= as_of)).all()
    owed = _owed(session, [pk(i) for i in invoices], as_of=as_of)
    names = {c.id: display_name(c) for c in session.exec(select(Customer).where(
        col(Customer.id).in_({i.customer_id for i in invoices} or {-1}))).all()}
    rows: dict[int, AgingRow] = {}
    for inv in invoices:
        if owed[pk(inv)] <= 0:
            continue
        row = rows.setdefault(inv.customer_id, AgingRow(customer_id=inv.customer_id, customer_name=names[inv.customer_id],
                                                        buckets={b: Decimal(0) for b, *_ in BUCKETS}, total=Decimal(0)))
        row.buckets[_bucket((as_of - inv.due_date).days)] += owed[pk(inv)]
        row.total += owed[pk(inv)]
    return _quantized(sorted(rows.values(), key=lambda r: (-r.total, r.customer_name)), currency.upper())


def bucket_totals(rows: list[AgingRow]) -> dict[str, Decimal]:
    """What all customers of an ar_aging owe per bucket, in BUCKETS order."""
    return {b: sum((r.buckets[b] for r in rows), Decimal(0)) for b, *_x in BUCKETS}


def _plan(data: PaymentCreate, open_items: list[tuple[Invoice, Decimal]]) -> list[tuple[int, Decimal]]:
    owed = {inv.id: left for inv, left in open_items}
    if data.allocations is None:
        plan, left = [], data.amount
        for inv, due in open_items:
            if left <= 0:
                break
            take = min(due, left)
            plan.append((pk(inv), take))
            left -= take
        return plan
    problems = {}
    for i, a in enumerate(data.allocations):
        if a.invoice_id not in owed:
            problems[f"allocations.{i}"] = t("Not an open invoice of this customer in this currency.")
        elif a.amount > owed[a.invoice_id]:
            problems[f"allocations.{i}"] = t("The invoice owes only {amount}.", amount=owed[a.invoice_id])
    if sum((a.amount for a in data.allocations), Decimal(0)) > data.amount:
        problems["allocations"] = t("The allocations add up to more than the payment.")
    if problems:
        raise Invalid(t("The payment cannot be allocated like this."), fields=problems)
    return [(a.invoice_id, a.amount) for a in data.allocations]


def _owed(session: Session, invoice_ids: list[int], *, as_of: date | None = None) -> dict[int, Decimal]:
    """Total less payments allocated (received up to `as_of`) less issued credit notes, per invoice."""
    ids = invoice_ids or [-1]
    owed: dict[int, Decimal] = {invoice_id: total for invoice_id, total in session.exec(
        select(col(Invoice.id), col(Invoice.total)).where(col(Invoice.id).in_(ids))).all() if invoice_id is not None}
    dialect = session.get_bind().dialect.name
    paid_q = (select(PaymentAllocation.invoice_id, exact_sum(PaymentAllocation.amount, dialect))
              .join(Payment, col(Payment.id) == PaymentAllocation.payment_id)
              .where(col(PaymentAllocation.invoice_id).in_(ids)))
    if as_of is not None:
        paid_q = paid_q.where(Payment.received_on <= as_of)
    credit_q = select(Invoice.credit_of_id, exact_sum(Invoice.total, dialect)).where(
        col(Invoice.credit_of_id).in_(ids), Invoice.status == InvoiceStatus.ISSUED)
    if as_of is not None:
        credit_q = credit_q.where(Invoice.issue_date <= as_of)
    for invoice_id, amount in session.exec(paid_q.group_by(col(PaymentAllocation.invoice_id))).all():
        owed[invoice_id] -= from_scaled(amount, dialect)
    for credited_id, amount in session.exec(credit_q.group_by(col(Invoice.credit_of_id))).all():
        if credited_id is None:            # not a credit note: the query names credited invoices only
            continue
        owed[credited_id] -= from_scaled(amount, dialect)
    return {k: Decimal(v) for k, v in owed.items()}


def _quantized(rows: list[AgingRow], currency: str) -> list[AgingRow]:
    q = quantum(currency)
    for row in rows:
        row.buckets = {k: v.quantize(q) for k, v in row.buckets.items()}
        row.total = row.total.quantize(q)
    return rows


def _bucket(days_late: int) -> str:
    for name, low, high in BUCKETS:
        if (low is None or days_late >= low) and (high is None or days_late <= high):
            return name
    return "current"


def _read(session: Session, payment: Payment) -> PaymentRead:
    allocs = session.exec(select(PaymentAllocation).where(PaymentAllocation.payment_id == payment.id)
                          .order_by(col(PaymentAllocation.id))).all()
    q = quantum(payment.currency)
    allocated = [Allocation(invoice_id=a.invoice_id, amount=Decimal(a.amount).quantize(q)) for a in allocs]
    return PaymentRead(id=payment.id, number=payment.number, customer_id=payment.customer_id, currency=payment.currency,
                       received_on=payment.received_on, amount=Decimal(payment.amount).quantize(q), reference=payment.reference,
                       allocated=allocated, unallocated=(payment.amount - sum((a.amount for a in allocated), Decimal(0))).quantize(q))
