"""Shipment reads: one shipment with its lines and packed items, the list, its status history, and the
order lines still to ship.

Invariants: every read needs VIEW and sees only the actor's plants; "still to ship" is ordered minus
delivered minus what open (open or packing) shipments already hold.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from pydantic import BaseModel
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from models.base import pk
from models.catalog import Customer, Product
from models.lots import Lot, Serial
from models.orders import CustomerOrder, OrderLine, OrderStatus, StatusChange
from models.shipments import Shipment, ShipmentItem, ShipmentLine, ShipmentStatus
from services.config import custom_field_views
from services.core.access import Actor, Permission, require
from services.core.display_names import display_name
from services.core.errors import NotFound
from services.core.messages import t
from services.core.paging import keyset_page
from services.core.scoping import get_scoped

OPEN_STATES = (ShipmentStatus.OPEN, ShipmentStatus.PACKING)


class ShipmentLineRead(BaseModel):
    id: int
    order_line_id: int
    order_number: str
    line_no: int
    product_id: int
    product_code: str
    product_name: str
    quantity: int
    quantity_packed: int


class ShipmentItemRead(BaseModel):
    id: int
    shipment_line_id: int
    lot_id: int
    lot_number: str
    serial_id: int | None
    serial_number: str
    product_code: str
    quantity: int
    packed_at: datetime


class ShipmentSummary(BaseModel):
    id: int
    number: str
    plant_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    status: ShipmentStatus
    carrier: str
    tracking_number: str
    shipped_at: datetime | None
    quantity: int
    quantity_packed: int
    created_at: datetime
    custom: dict[str, Any] = {}


class ShipmentRead(ShipmentSummary):
    note: str
    lines: list[ShipmentLineRead]
    items: list[ShipmentItemRead]


class OpenOrderLine(BaseModel):
    order_line_id: int
    order_number: str
    line_no: int
    customer_id: int
    customer_code: str
    product_code: str
    quantity: int
    quantity_delivered: int
    quantity_on_shipments: int
    quantity_to_ship: int
    promised_date: str


def on_open_shipments(session: Session, order_line_id: int, *, excluding: int | None = None) -> int:
    query = (select(func.coalesce(func.sum(ShipmentLine.quantity), 0))
             .join(Shipment, col(Shipment.id) == ShipmentLine.shipment_id)
             .where(ShipmentLine.order_line_id == order_line_id, col(Shipment.status).in_(OPEN_STATES)))
    if excluding is not None:
        query = query.where(Shipment.id != excluding)
    return int(session.exec(query).one())


# ----- reads -----------------------------------------------------------------------------------

def get_shipment(session: Session, actor: Actor, shipment_id: int) -> ShipmentRead:
    require(actor, Permission.VIEW)
    return read_shipment(session, get_scoped(session, actor, Shipment, shipment_id, t("Shipment")))


def shipment_by_number(session: Session, actor: Actor, number: str) -> ShipmentRead:
    require(actor, Permission.VIEW)
    shipment = session.exec(select(Shipment).where(Shipment.organization_id == actor.organization_id,
                                                   Shipment.number == number.strip())).first()
    if shipment is None or shipment.plant_id not in actor.plant_ids:
        raise NotFound(t("Shipment {number} not found.", number=number))
    return read_shipment(session, shipment)


def list_shipments(session: Session, actor: Actor, *, plant_id: int | None = None,
                   status: ShipmentStatus | None = None, customer_id: int | None = None, search: str = "",
                   limit: int = 100, offset: int = 0,
                   custom: dict[str, Any] | None = None) -> tuple[list[ShipmentSummary], int]:
    """`custom` filters by custom field values ({key: value}, services/config/custom_fields.py)."""
    page = shipments_page(session, actor, plant_id=plant_id, status=status, customer_id=customer_id, search=search,
                          limit=limit, offset=offset, custom=custom, count=True)
    return cast(list[ShipmentSummary], page.items), page.total or 0


class ShipmentCompact(BaseModel):
    """A shipment in a compact list (`fields=compact`): its own columns, no customer names or packed quantities."""
    id: int
    number: str
    plant_id: int
    customer_id: int
    status: ShipmentStatus
    carrier: str
    tracking_number: str
    shipped_at: datetime | None
    created_at: datetime


class ShipmentPage(BaseModel):
    items: list[ShipmentSummary] | list[ShipmentCompact]
    total: int | None                   # None unless counted
    next_after: int | None = None       # the cursor of the next page; None on the last one


def shipments_page(session: Session, actor: Actor, *, plant_id: int | None = None,
                   status: ShipmentStatus | None = None, customer_id: int | None = None, search: str = "",
                   limit: int = 100, offset: int = 0, custom: dict[str, Any] | None = None, after: int | None = None,
                   count: bool = False, compact: bool = False) -> ShipmentPage:
    """Shipments of the actor's plants, newest first; `after`/`count`: services/core/paging.py."""
    require(actor, Permission.VIEW)
    query: SelectOfScalar[Shipment] = (select(Shipment).join(Customer, col(Customer.id) == Shipment.customer_id)
             .where(Shipment.organization_id == actor.organization_id, col(Shipment.plant_id).in_(actor.plant_ids or [-1])))
    if plant_id is not None:
        query = query.where(Shipment.plant_id == plant_id)
    if status is not None:
        query = query.where(Shipment.status == status)
    if customer_id is not None:
        query = query.where(Shipment.customer_id == customer_id)
    query = custom_field_views.apply_filters(session, actor, "shipment", query, Shipment, custom)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(Shipment.number).like(pattern) | func.lower(Customer.code).like(pattern)
                            | func.lower(Customer.name).like(pattern) | func.lower(Customer.name2).like(pattern)
                            | func.lower(Shipment.tracking_number).like(pattern))
    rows, total, next_after = keyset_page(session, query, col(Shipment.id), after=after, limit=limit, offset=offset,
                                          count=count, max_page=500)
    if compact:
        return ShipmentPage(items=[ShipmentCompact(
            id=pk(row), number=row.number, plant_id=row.plant_id, customer_id=row.customer_id, status=row.status,
            carrier=row.carrier, tracking_number=row.tracking_number, shipped_at=row.shipped_at,
            created_at=row.created_at) for row in rows], total=total, next_after=next_after)
    return ShipmentPage(items=_summaries(session, rows), total=total, next_after=next_after)


def history(session: Session, actor: Actor, shipment_id: int) -> list[dict]:
    require(actor, Permission.VIEW)
    shipment = get_scoped(session, actor, Shipment, shipment_id, t("Shipment"))
    rows = session.exec(select(StatusChange).where(StatusChange.entity == "shipment",
                                                   StatusChange.entity_id == shipment.id,
                                                   StatusChange.organization_id == actor.organization_id)
                        .order_by(col(StatusChange.at), col(StatusChange.id))).all()
    return [{"from_status": r.from_status, "to_status": r.to_status, "reason": r.reason, "user_id": r.user_id,
             "at": r.at} for r in rows]


def open_order_lines(session: Session, actor: Actor, *, plant_id: int, customer_id: int | None = None) -> list[OpenOrderLine]:
    """Order lines of released orders at a plant with something left to ship (an order not released yet has
    nothing made for it to ship), earliest promise first."""
    require(actor, Permission.VIEW)
    require(actor, Permission.VIEW, plant_id=plant_id)
    query = (select(OrderLine, CustomerOrder, Customer, Product)
             .join(CustomerOrder, col(CustomerOrder.id) == OrderLine.order_id)
             .join(Customer, col(Customer.id) == CustomerOrder.customer_id).join(Product, col(Product.id) == OrderLine.product_id)
             .where(CustomerOrder.organization_id == actor.organization_id, CustomerOrder.plant_id == plant_id,
                    CustomerOrder.status == OrderStatus.RELEASED,
                    OrderLine.quantity_delivered < OrderLine.quantity))
    if customer_id is not None:
        query = query.where(CustomerOrder.customer_id == customer_id)
    result = []
    for line, order, customer, product in session.exec(query.order_by(col(OrderLine.promised_date), col(OrderLine.id)).limit(500)):
        on_shipments = on_open_shipments(session, pk(line))
        left = line.quantity - line.quantity_delivered - on_shipments
        if left > 0:
            result.append(OpenOrderLine(order_line_id=line.id, order_number=order.number, line_no=line.line_no,
                                        customer_id=customer.id, customer_code=customer.code, product_code=product.code,
                                        quantity=line.quantity, quantity_delivered=line.quantity_delivered,
                                        quantity_on_shipments=on_shipments, quantity_to_ship=left,
                                        promised_date=line.promised_date.isoformat()))
    return result


def read_shipment(session: Session, shipment: Shipment) -> ShipmentRead:
    summary = _summary(session, shipment)
    rows = session.exec(select(ShipmentLine, OrderLine, CustomerOrder, Product)
                        .join(OrderLine, col(OrderLine.id) == ShipmentLine.order_line_id)
                        .join(CustomerOrder, col(CustomerOrder.id) == OrderLine.order_id)
                        .join(Product, col(Product.id) == ShipmentLine.product_id)
                        .where(ShipmentLine.shipment_id == shipment.id).order_by(col(ShipmentLine.id))).all()
    lines = [ShipmentLineRead(id=sl.id, order_line_id=ol.id, order_number=order.number, line_no=ol.line_no,
                              product_id=p.id, product_code=p.code, product_name=display_name(p), quantity=sl.quantity,
                              quantity_packed=sl.quantity_packed) for sl, ol, order, p in rows]
    items = session.exec(select(ShipmentItem).where(ShipmentItem.shipment_id == shipment.id).order_by(col(ShipmentItem.id))).all()
    return ShipmentRead(**summary.model_dump(), note=shipment.note, lines=lines, items=_items(session, items))


def _summary(session: Session, shipment: Shipment) -> ShipmentSummary:
    return _summaries(session, [shipment])[0]


def _summaries(session: Session, shipments: Sequence[Shipment]) -> list[ShipmentSummary]:
    """Summaries of `shipments`, their customers and line totals read in one query each for all of them."""
    if not shipments:
        return []
    ids = [pk(s) for s in shipments]
    customers = {c.id: c for c in session.exec(select(Customer).where(
        col(Customer.id).in_({s.customer_id for s in shipments})))}
    totals = {row[0]: (int(row[1]), int(row[2])) for row in session.exec(
        select(col(ShipmentLine.shipment_id), func.coalesce(func.sum(ShipmentLine.quantity), 0),
               func.coalesce(func.sum(ShipmentLine.quantity_packed), 0))
        .where(col(ShipmentLine.shipment_id).in_(ids)).group_by(col(ShipmentLine.shipment_id)))}
    out = []
    for shipment in shipments:
        customer = customers[shipment.customer_id]
        quantity, packed = totals.get(pk(shipment), (0, 0))
        out.append(ShipmentSummary(
            id=shipment.id, number=shipment.number, plant_id=shipment.plant_id, customer_id=customer.id,
            customer_code=customer.code, customer_name=display_name(customer), status=shipment.status,
            carrier=shipment.carrier, tracking_number=shipment.tracking_number, shipped_at=shipment.shipped_at,
            quantity=quantity, quantity_packed=packed, created_at=shipment.created_at,
            custom=dict(shipment.custom or {})))
    return out


def _items(session: Session, items: Sequence[ShipmentItem]) -> list[ShipmentItemRead]:
    if not items:
        return []
    lots = {lot.id: lot for lot in session.exec(select(Lot).where(col(Lot.id).in_({i.lot_id for i in items})))}
    serial_ids = {i.serial_id for i in items if i.serial_id}
    serials = {s.id: s for s in session.exec(select(Serial).where(col(Serial.id).in_(serial_ids)))} if serial_ids else {}
    products = {p.id: p for p in session.exec(select(Product).where(col(Product.id).in_({lot.product_id for lot in lots.values()})))}
    return [ShipmentItemRead(id=i.id, shipment_line_id=i.shipment_line_id, lot_id=i.lot_id,
                             lot_number=lots[i.lot_id].number, serial_id=i.serial_id,
                             serial_number=serials[i.serial_id].number if i.serial_id else "",
                             product_code=products[lots[i.lot_id].product_id].code, quantity=i.quantity,
                             packed_at=i.packed_at) for i in items]
