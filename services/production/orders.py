"""Customer orders and their lines: create, edit while open, cancel, list and detail.

Invariants:
- An order belongs to one plant and one active customer of the actor's organization; every change
  needs PLAN at that plant, and orders of other organizations or plants are NotFound.
- An order has at least one line; a line names an active product, a whole quantity above 0, a
  promised date and optionally a unit price (Decimal, not negative). Line numbers are 1, 2, 3 ...
  and are kept when lines are edited; new lines get the next free number.
- Lines change only while the order is open. Release is services/work_orders.release_order.
- Cancelling a released order cancels its open work orders (refused while one of them runs).
- Numbers SO-000001 come from services/numbering; every status change writes history
  (creation is recorded as a change from nothing to open).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from pydantic import BaseModel, Field
from sqlalchemy import exists, insert
from sqlmodel import Session, col, func, select

from models.base import pk
from models.catalog import Customer, Product
from models.orders import (
    CustomerOrder,
    OrderLine,
    OrderStatus,
    StatusChange,
    WorkOrder,
    WorkStatus,
)
from services.core.access import Actor, Permission, require, require_plant_visible
from services.core.audit import audit
from services.core.display_names import display_name
from services.core.errors import Conflict, Invalid
from services.core.events import record
from services.core.messages import t
from services.core.numbering import next_number
from services.core.paging import keyset_page
from services.core.scoping import get_scoped
from services.core.search import matches
from services.core.validation import parse
from services.production.events import OrderCancelled, OrderCreated, OrderUpdated
from services.production.lookups import customer_facts, product_facts
from services.production.transitions import (
    ORDER_EDITABLE,
    ORDER_TRANSITIONS,
    allowed,
    check_transition,
    table,
    transition,
)
from services.production.work_order_reads import (
    MAX_PAGE,
    HistoryEntry,
    WorkOrderSummary,
    history,
    summaries_for_order,
)
from services.production.work_orders import transition_work_orders_lean

MAX_LINES = 1000


MAX_QUANTITY = 1_000_000_000
PROMISED_RANGE = (date(2000, 1, 1), date(2199, 12, 31))      # a sane range for promised dates

class OrderLineInput(BaseModel):
    id: int | None = None                   # an existing line, when editing
    product_id: int
    quantity: int
    promised_date: date
    unit_price: Decimal | None = None


class OrderCreate(BaseModel):
    plant_id: int
    customer_id: int
    customer_reference: str = ""
    note: str = ""
    lines: list[OrderLineInput] = Field(default_factory=list)


class OrderUpdate(BaseModel):
    customer_reference: str | None = None
    note: str | None = None
    lines: list[OrderLineInput] | None = None      # the order's complete new list of lines


class OrderLineRead(BaseModel):
    id: int
    line_no: int
    product_id: int
    product_code: str
    product_name: str                  # in the viewer's language (services/core/display_names.py)
    quantity: int
    promised_date: date
    unit_price: Decimal | None
    amount: Decimal | None
    quantity_delivered: int


class OrderSummary(BaseModel):
    id: int
    number: str
    plant_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    customer_reference: str
    status: str
    line_count: int
    total_quantity: int
    first_promised: date | None
    last_promised: date | None
    created_at: datetime


class OrderDetail(OrderSummary):
    """One order as its page shows it, with the actions the actor may take on it now (`order_actions`)."""
    note: str
    lines: list[OrderLineRead]
    history: list[HistoryEntry]
    work_orders: list[WorkOrderSummary]
    can_release: bool = False
    can_edit: bool = False
    can_cancel: bool = False


class OrderState(BaseModel):
    """The lean answer to cancelling an order: which order, and its status now."""
    id: int
    number: str
    status: str


class CreatedOrder(OrderState):
    """The lean answer to creating or editing an order: what a caller needs to go on (edit its lines, release it);
    `line_ids` are its lines in line order."""
    line_ids: list[int]


class OrderPage(BaseModel):
    items: list[OrderSummary]
    total: int | None                   # None unless counted (count=True)
    next_after: int | None = None       # the cursor (`after`) of the next page; None on the last one


class OrderCompact(BaseModel):
    """An order in a compact list (`fields=compact`): its own columns and its customer's code, no line totals."""
    id: int
    number: str
    plant_id: int
    customer_id: int
    customer_code: str
    customer_reference: str
    status: str
    created_at: datetime


class OrderCompactPage(BaseModel):
    items: list[OrderCompact]
    total: int | None
    next_after: int | None = None


# ----- reading ------------------------------------------------------------------------------

def list_orders(session: Session, actor: Actor, *, plant_id: int | None = None, search: str = "",
                status: str | None = None, customer_id: int | None = None, promised_from: date | None = None,
                promised_to: date | None = None, limit: int = 50, offset: int = 0, after: int | None = None,
                count: bool = True, compact: bool = False) -> OrderPage | OrderCompactPage:
    """Orders of the actor's plants, newest first. Dates select orders with a line promised in range;
    `after`/`count`: services/core/paging.py; `compact` answers OrderCompact rows without line totals."""
    require(actor, Permission.PLAN)
    query = _summary_query(actor)
    if plant_id is not None:
        require_plant_visible(actor, plant_id, "Plant")
        query = query.where(CustomerOrder.plant_id == plant_id)
    if status:
        query = query.where(CustomerOrder.status == OrderStatus(status))
    if customer_id is not None:
        query = query.where(CustomerOrder.customer_id == customer_id)
    if search.strip():
        query = query.where(matches(search, CustomerOrder.number, CustomerOrder.customer_reference,
                                    Customer.code, Customer.name, Customer.name2))
    if promised_from or promised_to:
        in_range = select(OrderLine.id).where(OrderLine.order_id == CustomerOrder.id)
        if promised_from:
            in_range = in_range.where(OrderLine.promised_date >= promised_from)
        if promised_to:
            in_range = in_range.where(OrderLine.promised_date <= promised_to)
        query = query.where(exists(in_range))
    rows, total, next_after = keyset_page(session, query, col(CustomerOrder.id), after=after, limit=limit,
                                          offset=offset, count=count, max_page=MAX_PAGE)
    if compact:
        return OrderCompactPage(items=[OrderCompact(
            id=pk(order), number=order.number, plant_id=order.plant_id, customer_id=order.customer_id,
            customer_code=customer.code, customer_reference=order.customer_reference,
            status=OrderStatus(order.status).value, created_at=order.created_at) for order, customer in rows],
            total=total, next_after=next_after)
    return OrderPage(items=_summaries(session, rows), total=total, next_after=next_after)


def get_order(session: Session, actor: Actor, order_id: int) -> OrderDetail:
    order = _get_order(session, actor, order_id)
    summary = _summaries(session, session.exec(_summary_query(actor).where(CustomerOrder.id == order.id)).all())[0]
    return OrderDetail(**summary.model_dump(), note=order.note, lines=_lines(session, pk(order)),
                       history=history(session, actor, "customer_order", pk(order)),
                       work_orders=summaries_for_order(session, actor, pk(order)),
                       **order_actions(actor, order.plant_id, OrderStatus(order.status)))


def order_actions(actor: Actor, plant_id: int, status: OrderStatus) -> dict[str, bool]:
    """What the actor may do to an order in `status` now: release, edit, cancel. From the rules the changes
    enforce (ORDER_TRANSITIONS, ORDER_EDITABLE, PLAN at the order's plant), so no page restates them."""
    plans = actor.can(Permission.PLAN, plant_id=plant_id)
    return {"can_release": plans and allowed(status, OrderStatus.RELEASED, ORDER_TRANSITIONS),
            "can_edit": plans and status in ORDER_EDITABLE,
            "can_cancel": plans and allowed(status, OrderStatus.CANCELLED, ORDER_TRANSITIONS)}


# ----- changing -----------------------------------------------------------------------------

def create_order(session: Session, actor: Actor, data: OrderCreate | dict, *, now: datetime) -> OrderDetail:
    """Create an order with its lines; answers the whole detail (the order page shows it next)."""
    return get_order(session, actor, create_order_lean(session, actor, data, now=now).id)


def create_order_lean(session: Session, actor: Actor, data: OrderCreate | dict, *, now: datetime) -> CreatedOrder:
    """Create an order with its lines; answers its id, number, status and line ids without reading it back."""
    data = parse(OrderCreate, data)
    require(actor, Permission.PLAN, plant_id=data.plant_id)
    problems: dict[str, str] = {}
    _check_customer(session, actor, data.customer_id, problems)
    _check_header(data.customer_reference, data.note, problems)
    _check_lines(session, actor, data.lines, problems)
    if problems:
        raise Invalid(fields=problems)
    number = next_number(session, actor.organization_id, "SO")
    stamps = dict(organization_id=actor.organization_id, created_at=now, updated_at=now, created_by=actor.user_id,
                  updated_by=actor.user_id)
    orders = table(CustomerOrder)
    session.flush()                     # rows the caller's unit of work holds go first (this writes on the connection)
    order_id = session.connection().execute(insert(orders).returning(orders.c.id), [dict(
        stamps, plant_id=data.plant_id, number=number, customer_id=data.customer_id,
        customer_reference=data.customer_reference.strip(), note=data.note.strip(), status=OrderStatus.OPEN)]).scalar_one()
    line_ids = _insert_lines(session, stamps, order_id, enumerate(data.lines, start=1))
    record_created(session, actor, [order_id], now=now)
    audit(session, actor, "customer_order", order_id, "create",
          {"number": number, "customer_id": data.customer_id, "lines": len(data.lines)}, plant_id=data.plant_id, at=now)
    record(session, OrderCreated(organization_id=actor.organization_id, order_id=order_id, number=number,
                                 plant_id=data.plant_id, actor_user_id=actor.user_id, at=now))
    session.flush()
    return CreatedOrder(id=order_id, number=number, status=OrderStatus.OPEN.value, line_ids=line_ids)


def update_order(session: Session, actor: Actor, order_id: int, data: OrderUpdate | dict, *,
                 now: datetime) -> OrderDetail:
    """Change the reference, note or lines of an open order; answers the whole detail."""
    return get_order(session, actor, update_order_lean(session, actor, order_id, data, now=now).id)


def update_order_lean(session: Session, actor: Actor, order_id: int, data: OrderUpdate | dict, *,
                      now: datetime) -> CreatedOrder:
    """Change the reference, note or lines of an open order; answers its id, number, status and line ids."""
    data = parse(OrderUpdate, data)
    order = _get_order(session, actor, order_id, for_update=True)
    require(actor, Permission.PLAN, plant_id=order.plant_id)
    if order.status not in ORDER_EDITABLE:
        raise Conflict(t("Order {number} is {status}; only open orders can be changed.",
                         number=order.number, status=OrderStatus(order.status).value))
    problems: dict[str, str] = {}
    _check_header(data.customer_reference or "", data.note or "", problems)
    if data.lines is not None:
        _check_lines(session, actor, data.lines, problems)
    if problems:
        raise Invalid(fields=problems)
    changes = {}
    for name in ("customer_reference", "note"):
        value = getattr(data, name)
        if value is not None and value.strip() != getattr(order, name):
            changes[name] = {"before": getattr(order, name), "after": value.strip()}
            setattr(order, name, value.strip())
    if data.lines is not None:
        changes.update(_replace_lines(session, actor, order, data.lines, now))
    if changes:
        order.updated_at, order.updated_by = now, actor.user_id
        session.add(order)
        audit(session, actor, "customer_order", order.id, "update", changes, plant_id=order.plant_id, at=now)
        record(session, OrderUpdated(organization_id=actor.organization_id, order_id=pk(order), number=order.number,
                             plant_id=order.plant_id, actor_user_id=actor.user_id, at=now))
    session.flush()
    line_ids = session.exec(select(col(OrderLine.id)).where(OrderLine.order_id == order.id)
                            .order_by(col(OrderLine.line_no))).all()
    return CreatedOrder(id=pk(order), number=order.number, status=OrderStatus(order.status).value,
                        line_ids=cast(list[int], list(line_ids)))


def cancel_order(session: Session, actor: Actor, order_id: int, *, now: datetime, reason: str = "") -> OrderDetail:
    """Cancel an order (and its open work orders); answers the whole detail."""
    return get_order(session, actor, cancel_order_lean(session, actor, order_id, now=now, reason=reason).id)


def cancel_order_lean(session: Session, actor: Actor, order_id: int, *, now: datetime, reason: str = "") -> OrderState:
    """Cancel an order; a released order's open work orders are cancelled with it. Answers its id, number, status."""
    order = _get_order(session, actor, order_id, for_update=True)
    require(actor, Permission.PLAN, plant_id=order.plant_id)
    check_transition(t("Order {number}", number=order.number), order.status, OrderStatus.CANCELLED, ORDER_TRANSITIONS)
    open_wos = session.exec(select(col(WorkOrder.id)).join(OrderLine, col(OrderLine.id) == col(WorkOrder.order_line_id))
                            .where(OrderLine.order_id == order.id,
                                   col(WorkOrder.status).in_((WorkStatus.PLANNED, WorkStatus.RELEASED,
                                                              WorkStatus.PAUSED, WorkStatus.RUNNING)))).all()
    if open_wos:
        transition_work_orders_lean(session, actor, cast(list[int], list(open_wos)), WorkStatus.CANCELLED, now=now,
                                    reason=reason or f"Order {order.number} cancelled", settle=False)
    transition(session, actor, order, "customer_order", f"Order {order.number}", OrderStatus.CANCELLED,
               ORDER_TRANSITIONS, now=now, reason=reason)
    audit(session, actor, "customer_order", order.id, "cancel", {"reason": reason, "work_orders": len(open_wos)},
          plant_id=order.plant_id, at=now)
    record(session, OrderCancelled(organization_id=actor.organization_id, order_id=pk(order), number=order.number,
                               plant_id=order.plant_id, actor_user_id=actor.user_id, at=now))
    session.flush()
    return OrderState(id=pk(order), number=order.number, status=OrderStatus.CANCELLED.value)


def record_created(session: Session, actor: Actor, order_ids: list[int], *, now: datetime,
                   reason: str = "") -> None:
    """History rows for new orders (from nothing to open), one batch."""
    session.connection().execute(insert(table(StatusChange)), [
        dict(organization_id=actor.organization_id, entity="customer_order", entity_id=order_id, from_status=None,
             to_status=OrderStatus.OPEN.value, reason=reason, user_id=actor.user_id, at=now) for order_id in order_ids])


# ----- helpers ------------------------------------------------------------------------------

def _get_order(session: Session, actor: Actor, order_id: int, *, for_update: bool = False) -> CustomerOrder:
    require(actor, Permission.PLAN)
    return get_scoped(session, actor, CustomerOrder, order_id, t("Order"), for_update=for_update)


def _check_customer(session: Session, actor: Actor, customer_id: int, problems: dict[str, str]) -> None:
    customer = customer_facts(session, actor.organization_id, customer_id)
    if customer is None:
        problems["customer_id"] = t("Choose a customer.")
    elif not customer.is_active:
        problems["customer_id"] = t("Customer {code} is inactive.", code=customer.code)


def _check_header(reference: str, note: str, problems: dict[str, str]) -> None:
    if len(reference.strip()) > 64:
        problems["customer_reference"] = t("Use at most 64 characters.")
    if len(note.strip()) > 2000:
        problems["note"] = t("Use at most 2000 characters.")


def _check_lines(session: Session, actor: Actor, lines: list[OrderLineInput], problems: dict[str, str]) -> None:
    if not lines:
        problems["lines"] = t("Add at least one line.")
        return
    if len(lines) > MAX_LINES:
        problems["lines"] = t("An order has at most {maximum} lines.", maximum=MAX_LINES)
        return
    products = product_facts(session, actor.organization_id, (line.product_id for line in lines))
    for i, line in enumerate(lines):
        product = products.get(line.product_id)
        if product is None:
            problems[f"lines.{i}.product_id"] = t("Choose a product.")
        elif not product.is_active:
            problems[f"lines.{i}.product_id"] = t("Product {code} is inactive.", code=product.code)
        if not 0 < line.quantity <= MAX_QUANTITY:
            problems[f"lines.{i}.quantity"] = t("Enter a whole number from 1 to {max_quantity:,}.",
                                                max_quantity=MAX_QUANTITY)
        if not PROMISED_RANGE[0] <= line.promised_date <= PROMISED_RANGE[1]:
            problems[f"lines.{i}.promised_date"] = (t("Promise a date between {earliest} and {latest}.",
                                                      earliest=PROMISED_RANGE[0].isoformat(), latest=PROMISED_RANGE[1].isoformat()))
        if line.unit_price is not None and line.unit_price < 0:
            problems[f"lines.{i}.unit_price"] = t("A price cannot be negative.")
        elif line.unit_price is not None and abs(line.unit_price) >= Decimal("1e10"):
            problems[f"lines.{i}.unit_price"] = t("This price is too large.")


def _insert_lines(session: Session, stamps: dict, order_id: int, numbered: Iterable[tuple[int, OrderLineInput]]
                  ) -> list[int]:
    """Insert an order's lines (line number, input) in one statement; their ids in the same order."""
    rows = [dict(stamps, order_id=order_id, line_no=line_no, product_id=line.product_id, quantity=line.quantity,
                 promised_date=line.promised_date, unit_price=line.unit_price, quantity_delivered=0)
            for line_no, line in numbered]
    if not rows:
        return []
    lines = table(OrderLine)
    inserted = session.connection().execute(insert(lines).returning(lines.c.id, sort_by_parameter_order=True), rows)
    return list(inserted.scalars())


def _replace_lines(session: Session, actor: Actor, order: CustomerOrder, lines: list[OrderLineInput],
                   now: datetime) -> dict:
    existing = {row.id: row for row in session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()}
    unknown = [line.id for line in lines if line.id is not None and line.id not in existing]
    if unknown:
        raise Invalid(fields={"lines": t("Line id {line_id} is not a line of order {number}.",
                                         line_id=unknown[0], number=order.number)})
    keep = {line.id for line in lines if line.id is not None}
    removed = [row.line_no for row_id, row in existing.items() if row_id not in keep]
    for row_id, row in existing.items():
        if row_id not in keep:
            session.delete(row)
    next_no = max([row.line_no for row in existing.values()], default=0) + 1
    new_lines = [line for line in lines if line.id is None]
    added = list(range(next_no, next_no + len(new_lines)))
    _insert_lines(session, dict(organization_id=actor.organization_id, created_at=now, updated_at=now,
                                created_by=actor.user_id, updated_by=actor.user_id), pk(order), zip(added, new_lines, strict=True))
    changed = []
    for line in lines:
        if line.id is None:
            continue
        row = existing[line.id]
        new = (line.product_id, line.quantity, line.promised_date, line.unit_price)
        if (row.product_id, row.quantity, row.promised_date, row.unit_price) != new:
            row.product_id, row.quantity, row.promised_date, row.unit_price = new
            row.updated_at, row.updated_by = now, actor.user_id
            session.add(row)
            changed.append(row.line_no)
    result = {"lines_added": added, "lines_changed": changed, "lines_removed": removed}
    return {k: v for k, v in result.items() if v}


def _lines(session: Session, order_id: int) -> list[OrderLineRead]:
    query = (select(OrderLine, Product)
             .join(Product, col(Product.id) == col(OrderLine.product_id))
             .where(col(OrderLine.order_id) == order_id).order_by(col(OrderLine.line_no)))
    return [OrderLineRead(id=line.id, line_no=line.line_no, product_id=line.product_id, product_code=product.code,
                          product_name=display_name(product), quantity=line.quantity, promised_date=line.promised_date,
                          unit_price=line.unit_price,
                          amount=None if line.unit_price is None else line.unit_price * line.quantity,
                          quantity_delivered=line.quantity_delivered)
            for line, product in session.exec(query).all()]


def _summary_query(actor: Actor):
    return (select(CustomerOrder, Customer)
            .join(Customer, col(Customer.id) == col(CustomerOrder.customer_id))
            .where(CustomerOrder.organization_id == actor.organization_id,
                   col(CustomerOrder.plant_id).in_(actor.plant_ids or {-1})))


def _summaries(session: Session, rows) -> list[OrderSummary]:
    """Summaries of (order, customer) rows, line totals in one query for all of them."""
    ids = [order.id for order, _ in rows]
    totals = {}
    if ids:
        query = (select(col(OrderLine.order_id), func.count(col(OrderLine.id)), func.sum(col(OrderLine.quantity)),  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
                        func.min(col(OrderLine.promised_date)), func.max(col(OrderLine.promised_date)))
                 .where(col(OrderLine.order_id).in_(ids)).group_by(col(OrderLine.order_id)))
        totals = {row[0]: row[1:] for row in session.exec(query).all()}
    out = []
    for order, customer in rows:
        count, quantity, first, last = totals.get(order.id, (0, 0, None, None))
        out.append(OrderSummary(id=order.id, number=order.number, plant_id=order.plant_id,
                                customer_id=order.customer_id, customer_code=customer.code,
                                customer_name=display_name(customer),
                                customer_reference=order.customer_reference, status=OrderStatus(order.status).value,
                                line_count=count or 0, total_quantity=int(quantity or 0), first_promised=_as_date(first),
                                last_promised=_as_date(last), created_at=order.created_at))
    return out


def _as_date(value) -> date | None:
    """min()/max() of a Date column come back as text on SQLite."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
