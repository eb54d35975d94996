"""Customer invoices and credit notes: from a shipped shipment or from order lines, priced, discounted, with VAT
from the tax rules, issued into the ledger.

Prices: the order line's unit price when it has one, else the customer's price list item in force on the
issue date, else the general one; the discount comes with the price list item. VAT: the invoice's VAT rule
(services/finance/tax_rules.py) on the invoice's net, rounded once per invoice (what Japan's qualified
invoices require and the EU allows). A credit note takes back quantities of an issued invoice's lines.

Invariants: FINANCE only; a shipment is invoiced at most once (a database constraint), and only once shipped;
an order line is never invoiced for more than its ordered quantity, credit notes never take back more than was
invoiced; only a draft changes or is voided; issuing posts one balanced journal entry (receivable; revenue and
output VAT, mirrored for a credit note) in an open period; totals are exact Decimals in the currency's minor unit.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, or_, select

from models.base import pk, row_ids
from models.catalog import Customer, Product
from models.finance import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, PriceListItem, TaxKind
from models.orders import CustomerOrder, OrderLine
from models.shipments import Shipment, ShipmentLine, ShipmentStatus
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.display_names import display_name
from services.core.errors import Conflict, Invalid
from services.core.events import record
from services.core.messages import t
from services.core.numbering import next_number
from services.core.scoping import get_scoped
from services.finance import journal, tax_rules
from services.finance.accounts import account_for_role
from services.finance.events import InvoiceIssued
from services.finance.journal import EntryCreate, LineInput
from services.finance.money import quantum, round_money


class OrderLinePick(BaseModel):
    order_line_id: int
    quantity: int = Field(gt=0, le=2_147_483_647)


class InvoiceOptions(BaseModel):
    currency: str = Field(min_length=3, max_length=3)
    vat_rule_code: str = Field(max_length=32)
    issue_date: date
    payment_days: int = Field(default=30, ge=0, le=365)
    memo: str = Field(default="", max_length=500)


class InvoiceLineRead(BaseModel):
    description: str
    product_id: int | None
    order_line_id: int | None
    quantity: int
    unit_price: Decimal
    discount_pct: Decimal
    net: Decimal
    vat_text: str


class InvoiceRead(BaseModel):
    id: int
    number: str
    kind: InvoiceKind
    status: InvoiceStatus
    customer_id: int
    customer_name: str
    currency: str
    vat_rule_code: str
    issue_date: date
    due_date: date
    shipment_id: int | None
    credit_of_id: int | None
    net: Decimal
    vat: Decimal
    total: Decimal
    memo: str
    lines: list[InvoiceLineRead]


def invoice_shipment(session: Session, actor: Actor, shipment_id: int, options: InvoiceOptions, *,
                     now: datetime) -> InvoiceRead:
    """A draft invoice of what a shipped shipment carried (its packed quantities)."""
    require(actor, Permission.FINANCE)
    shipment = get_scoped(session, actor, Shipment, shipment_id, t("Shipment"))
    if shipment.status != ShipmentStatus.SHIPPED:
        raise Conflict(t("Shipment {number} is {status}: only shipped goods are invoiced.", number=shipment.number,
                         status=shipment.status))
    if session.exec(select(Invoice.id).where(Invoice.organization_id == actor.organization_id,
                                             Invoice.shipment_id == shipment.id)).first() is not None:
        raise Conflict(t("Shipment {number} is already invoiced.", number=shipment.number))
    picks = [OrderLinePick(order_line_id=x.order_line_id, quantity=x.quantity_packed)
             for x in session.exec(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id,
                                                              ShipmentLine.quantity_packed > 0)).all()]
    if not picks:
        raise Conflict(t("Shipment {number} carried nothing to invoice.", number=shipment.number))
    return _draft(session, actor, shipment.customer_id, picks, options, now=now, shipment_id=shipment.id,
                  memo=options.memo or f"Shipment {shipment.number}")


def invoice_order_lines(session: Session, actor: Actor, customer_id: int, picks: list[OrderLinePick],
                        options: InvoiceOptions, *, now: datetime) -> InvoiceRead:
    """A draft invoice of chosen quantities of order lines (services, advance billing, no shipment)."""
    require(actor, Permission.FINANCE)
    get_scoped(session, actor, Customer, customer_id, t("Customer"))
    if not picks:
        raise Invalid(fields={"lines": t("Choose at least one order line.")})
    return _draft(session, actor, customer_id, picks, options, now=now, shipment_id=None, memo=options.memo)


def issue(session: Session, actor: Actor, invoice_id: int, *, now: datetime) -> InvoiceRead:
    """Issue a draft: it gets its final content and one journal entry; from now on only a credit note changes it."""
    require(actor, Permission.FINANCE)
    inv = get_scoped(session, actor, Invoice, invoice_id, t("Invoice"), for_update=True)
    if inv.status != InvoiceStatus.DRAFT:
        raise Conflict(t("Invoice {number} is {status}: only a draft is issued.", number=inv.number, status=inv.status))
    receivable = account_for_role(session, actor.organization_id, "receivable")
    revenue = account_for_role(session, actor.organization_id, "revenue")
    vat_out = account_for_role(session, actor.organization_id, "vat_output")
    sign_debit = inv.kind == InvoiceKind.INVOICE
    lines = [LineInput(account_id=receivable.id, **_side(inv.total, sign_debit), description=inv.number),
             LineInput(account_id=revenue.id, **_side(inv.net, not sign_debit), description=inv.number)]
    if inv.vat:
        lines.append(LineInput(account_id=vat_out.id, **_side(inv.vat, not sign_debit), description=inv.number))
    journal.post(session, actor, EntryCreate(entry_date=inv.issue_date, currency=inv.currency,
                                             memo=f"{inv.kind.replace('_', ' ').capitalize()} {inv.number}", lines=lines),
                 now=now, source_type=inv.kind.value, source_id=inv.id)
    inv.status, inv.updated_at, inv.updated_by = InvoiceStatus.ISSUED, now, actor.user_id
    session.add(inv)
    audit(session, actor, "invoice", inv.id, "issue", {"number": inv.number, "total": str(inv.total)}, at=now)
    record(session, InvoiceIssued(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                  invoice_id=pk(inv)))
    return get_invoice(session, actor, pk(inv))


def void_draft(session: Session, actor: Actor, invoice_id: int, *, now: datetime) -> InvoiceRead:
    require(actor, Permission.FINANCE)
    inv = get_scoped(session, actor, Invoice, invoice_id, t("Invoice"), for_update=True)
    if inv.status != InvoiceStatus.DRAFT:
        raise Conflict(t("Invoice {number} is {status}: an issued invoice is corrected by a credit note.", number=inv.number,
                         status=inv.status))
    inv.status, inv.shipment_id, inv.updated_at = InvoiceStatus.VOID, None, now
    session.add(inv)
    audit(session, actor, "invoice", inv.id, "void", {"number": inv.number}, at=now)
    return get_invoice(session, actor, pk(inv))


def credit_note(session: Session, actor: Actor, invoice_id: int, picks: list[OrderLinePick], *, issue_date: date,
                reason: str, now: datetime) -> InvoiceRead:
    """A draft credit note taking back quantities of an issued invoice's order lines, at the invoiced prices."""
    require(actor, Permission.FINANCE)
    inv = get_scoped(session, actor, Invoice, invoice_id, t("Invoice"))
    if inv.status != InvoiceStatus.ISSUED or inv.kind != InvoiceKind.INVOICE:
        raise Conflict(t("Only an issued invoice can be credited."))
    if not reason.strip():
        raise Invalid(fields={"reason": t("Say why the invoice is credited.")})
    billed = {x.order_line_id: x for x in session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id))}
    credited = _credited(session, pk(inv))
    problems, rows = {}, []
    for i, pick in enumerate(picks):
        line = billed.get(pick.order_line_id)
        left = (line.quantity - credited.get(pick.order_line_id, 0)) if line else 0
        if line is None or pick.quantity > left:
            problems[f"lines.{i}"] = (t("At most {left} can be credited on this line.", left=left) if line
                                      else t("Not on this invoice."))
            continue
        rows.append((line, pick.quantity))
    if problems or not rows:
        raise Invalid(fields=problems or {"lines": t("Choose what to credit.")})
    note = _new_invoice(session, actor, inv.customer_id, inv.currency, inv.vat_rule_code, issue_date, issue_date,
                        InvoiceKind.CREDIT_NOTE, now, memo=f"Credit of {inv.number}: {reason.strip()}"[:500])
    note.credit_of_id = inv.id
    new_lines = [InvoiceLine(organization_id=actor.organization_id, invoice_id=pk(note), product_id=line.product_id,
                             order_line_id=line.order_line_id, description=line.description, quantity=qty,
                             unit_price=line.unit_price, discount_pct=line.discount_pct,
                             net=_net(qty, line.unit_price, line.discount_pct, inv.currency), vat_text=line.vat_text)
                 for line, qty in rows]
    _finish(session, actor, note, new_lines, issue_date)
    return get_invoice(session, actor, pk(note))


def get_invoice(session: Session, actor: Actor, invoice_id: int) -> InvoiceRead:
    require(actor, Permission.FINANCE)
    inv = get_scoped(session, actor, Invoice, invoice_id, t("Invoice"))
    customer = session.get(Customer, inv.customer_id)
    lines = session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id).order_by(col(InvoiceLine.id))).all()
    q = quantum(inv.currency)
    data = inv.model_dump(exclude={"organization_id", "created_at", "updated_at", "created_by", "updated_by"})
    data |= {"net": inv.net.quantize(q), "vat": inv.vat.quantize(q), "total": inv.total.quantize(q)}
    return InvoiceRead(**data, customer_name=display_name(customer) if customer else "",
                       lines=[InvoiceLineRead.model_validate(x, from_attributes=True).model_copy(
                           update={"net": x.net.quantize(q)}) for x in lines])


def list_invoices(session: Session, actor: Actor, *, customer_id: int | None = None,
                  status: InvoiceStatus | None = None, limit: int = 200, offset: int = 0) -> list[InvoiceRead]:
    require(actor, Permission.FINANCE)
    query = select(Invoice.id).where(Invoice.organization_id == actor.organization_id)
    if customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
    if status is not None:
        query = query.where(Invoice.status == status)
    ids = session.exec(query.order_by(col(Invoice.issue_date).desc(), col(Invoice.id).desc()).offset(offset).limit(limit)).all()
    return [get_invoice(session, actor, i) for i in row_ids(ids)]


class BillableShipment(BaseModel):
    id: int
    number: str
    customer_id: int
    customer_name: str
    shipped_at: datetime | None


class BillableLine(BaseModel):
    order_line_id: int
    label: str                  # "SO-1/1 P1 Part"
    ordered: int
    left: int                   # ordered less what live invoices already bill (credit notes give back)


def billable_shipments(session: Session, actor: Actor, *, limit: int = 200) -> list[BillableShipment]:
    """Shipped shipments of the actor's plants that no live invoice bills yet, newest first."""
    require(actor, Permission.FINANCE)
    billed = select(Invoice.shipment_id).where(Invoice.organization_id == actor.organization_id,
                                               col(Invoice.shipment_id).is_not(None))
    rows = session.exec(select(Shipment, Customer).join(Customer, col(Customer.id) == Shipment.customer_id)
                        .where(Shipment.organization_id == actor.organization_id,
                               col(Shipment.plant_id).in_(actor.plant_ids or [-1]),
                               Shipment.status == ShipmentStatus.SHIPPED, col(Shipment.id).not_in(billed))
                        .order_by(col(Shipment.id).desc()).limit(limit)).all()
    return [BillableShipment(id=pk(s), number=s.number, customer_id=s.customer_id, customer_name=display_name(c),
                             shipped_at=s.shipped_at) for s, c in rows]


def billable_lines(session: Session, actor: Actor, customer_id: int) -> list[BillableLine]:
    """The customer's order lines with a quantity still to invoice, oldest order first."""
    require(actor, Permission.FINANCE)
    get_scoped(session, actor, Customer, customer_id, t("Customer"))
    rows = session.exec(select(OrderLine, CustomerOrder.number, Product.code, Product.name)
                        .join(CustomerOrder, col(CustomerOrder.id) == OrderLine.order_id)
                        .join(Product, col(Product.id) == OrderLine.product_id)
                        .where(CustomerOrder.organization_id == actor.organization_id,
                               CustomerOrder.customer_id == customer_id)
                        .order_by(col(CustomerOrder.id), col(OrderLine.line_no))).all()
    invoiced = _invoiced(session, [pk(line) for line, *_x in rows])
    out = [BillableLine(order_line_id=pk(line), label=f"{number}/{line.line_no} {code} {name}"[:200],
                        ordered=line.quantity, left=line.quantity - invoiced.get(pk(line), 0))
           for line, number, code, name in rows]
    return [x for x in out if x.left > 0]


def price_for(session: Session, organization_id: int, product_id: int, customer_id: int, currency: str,
              on: date) -> PriceListItem | None:
    """The customer's price list item in force on `on`, else the general one; None when neither exists."""
    return session.exec(select(PriceListItem).where(
        PriceListItem.organization_id == organization_id, PriceListItem.product_id == product_id,
        PriceListItem.currency == currency, PriceListItem.valid_from <= on,
        or_(PriceListItem.customer_id == customer_id, col(PriceListItem.customer_id).is_(None)))
        .order_by(col(PriceListItem.customer_id).is_(None), col(PriceListItem.valid_from).desc())).first()


def _draft(session: Session, actor: Actor, customer_id: int, picks: list[OrderLinePick], options: InvoiceOptions, *,
           now: datetime, shipment_id: int | None, memo: str) -> InvoiceRead:
    currency = options.currency.strip().upper()
    rule = tax_rules.rule_in_force(session, actor, options.vat_rule_code, options.issue_date)
    if rule.kind != TaxKind.VAT or rule.currency != currency:
        raise Invalid(fields={"vat_rule_code": t("Choose a VAT rule in {currency}.", currency=currency)})
    rows, problems = _priced_lines(session, actor, customer_id, picks, currency, options.issue_date)
    if problems:
        raise Invalid(t("Some lines cannot be invoiced."), fields=problems)
    inv = _new_invoice(session, actor, customer_id, currency, rule.code, options.issue_date,
                       options.issue_date + timedelta(days=options.payment_days), InvoiceKind.INVOICE, now, memo=memo)
    inv.shipment_id = shipment_id
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(t("This shipment is already invoiced.")) from exc
    lines = [InvoiceLine(organization_id=actor.organization_id, invoice_id=pk(inv), vat_text=tax_rules.compute(
        rule, Decimal(0)).components[0].rates, **row) for row in rows]
    _finish(session, actor, inv, lines, options.issue_date)
    return get_invoice(session, actor, pk(inv))


def _priced_lines(session: Session, actor: Actor, customer_id: int, picks: list[OrderLinePick], currency: str,
                  on: date) -> tuple[list[dict], dict[str, str]]:
    ids = [p.order_line_id for p in picks]
    found = {line.id: (line, order) for line, order in session.exec(
        select(OrderLine, CustomerOrder).join(CustomerOrder, col(CustomerOrder.id) == OrderLine.order_id)
        .where(CustomerOrder.organization_id == actor.organization_id, col(OrderLine.id).in_(ids or [-1]))).all()}
    invoiced = _invoiced(session, ids)
    rows: list[dict] = []
    problems: dict[str, str] = {}
    for i, pick in enumerate(picks):
        line, order = found.get(pick.order_line_id, (None, None))
        if line is None or order is None or order.customer_id != customer_id:
            problems[f"lines.{i}"] = t("No such order line of this customer.")
            continue
        left = line.quantity - invoiced.get(pk(line), 0)
        if pick.quantity > left:
            problems[f"lines.{i}"] = t("Only {left} of order line {order}/{line} is left to invoice.", left=left,
                                        order=order.number, line=line.line_no)
            continue
        price, discount = line.unit_price, Decimal(0)
        if price is None:
            item = price_for(session, actor.organization_id, line.product_id, customer_id, currency, on)
            if item is None:
                problems[f"lines.{i}"] = t("Order line {order}/{line} has no price and no price list item.",
                                            order=order.number, line=line.line_no)
                continue
            price, discount = item.unit_price, item.discount_pct
        product = session.get(Product, line.product_id)
        rows.append({"product_id": line.product_id, "order_line_id": line.id, "quantity": pick.quantity,
                     "description": f"{product.code} {product.name}"[:200] if product else f"Line {line.line_no}",
                     "unit_price": Decimal(price), "discount_pct": Decimal(discount),
                     "net": _net(pick.quantity, Decimal(price), Decimal(discount), currency)})
    return rows, problems


def _finish(session: Session, actor: Actor, inv: Invoice, lines: list[InvoiceLine], on: date) -> None:
    for line in lines:
        session.add(line)
    rule = tax_rules.rule_in_force(session, actor, inv.vat_rule_code, on)
    inv.net = sum((x.net for x in lines), Decimal(0))
    inv.vat = tax_rules.compute(rule, inv.net).total
    inv.total = inv.net + inv.vat
    session.add(inv)
    session.flush()
    audit(session, actor, "invoice", inv.id, "create", {"number": inv.number, "kind": inv.kind.value,
                                                       "total": str(inv.total)}, at=inv.created_at)


def _new_invoice(session: Session, actor: Actor, customer_id: int, currency: str, rule_code: str, issue_date: date,
                 due_date: date, kind: InvoiceKind, now: datetime, *, memo: str) -> Invoice:
    key = "INV" if kind == InvoiceKind.INVOICE else "CN"
    inv = Invoice(organization_id=actor.organization_id, number=next_number(session, actor.organization_id, key),
                  kind=kind, customer_id=customer_id, currency=currency, vat_rule_code=rule_code, issue_date=issue_date,
                  due_date=due_date, memo=memo, created_at=now, updated_at=now, created_by=actor.user_id,
                  updated_by=actor.user_id)
    session.add(inv)
    session.flush()
    return inv


def _invoiced(session: Session, order_line_ids: list[int]) -> dict[int, int]:
    """Quantities of order lines on live invoices less what credit notes took back."""
    rows = session.exec(select(InvoiceLine.order_line_id, Invoice.kind, func.sum(InvoiceLine.quantity))
                        .join(Invoice, col(Invoice.id) == InvoiceLine.invoice_id)
                        .where(col(InvoiceLine.order_line_id).in_(order_line_ids or [-1]),
                               Invoice.status != InvoiceStatus.VOID)
                        .group_by(col(InvoiceLine.order_line_id), col(Invoice.kind))).all()
    out: dict[int, int] = {}
    for line_id, kind, qty in rows:
        if line_id is None:                # not an order's line: the query names order lines only
            continue
        out[line_id] = out.get(line_id, 0) + (int(qty) if kind == InvoiceKind.INVOICE else -int(qty))
    return out


def _credited(session: Session, invoice_id: int) -> dict[int | None, int]:
    rows = session.exec(select(InvoiceLine.order_line_id, func.sum(InvoiceLine.quantity))
                        .join(Invoice, col(Invoice.id) == InvoiceLine.invoice_id)
                        .where(Invoice.credit_of_id == invoice_id, Invoice.status != InvoiceStatus.VOID)
                        .group_by(col(InvoiceLine.order_line_id))).all()
    return {line_id: int(qty) for line_id, qty in rows}


def _net(quantity: int, price: Decimal, discount_pct: Decimal, currency: str) -> Decimal:
    return round_money(Decimal(quantity) * price * (1 - discount_pct / 100), currency)


def _side(amount: Decimal, debit: bool) -> dict[str, Decimal]:
    return {"debit": amount, "credit": Decimal(0)} if debit else {"debit": Decimal(0), "credit": amount}
