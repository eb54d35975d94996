"""Shipments: lines from customer order lines, packed from lots and serials, shipped with a
carrier and tracking number.

Interface (stable; the scanning station's "pack to shipment" and "ship" modes call these):
- `create_shipment(session, actor, ShipmentCreate(plant_id, lines=[ShipmentLineInput(order_line_id,
  quantity=None)], note=""), *, now) -> ShipmentRead` (quantity None: all that is still to ship).
- `pack(session, actor, shipment_id, *, lot_id=None, serial_id=None, quantity=None,
  shipment_line_id=None, now) -> PackResult`: quantity None packs what the lot has, up to what the
  line still needs; a serial is one unit.
- `pack_item(...same...) -> PackedItem`: the same pack answering only the packed item, the
  shipment's number and status and its line's figures (scanning uses it; its cost does not grow
  with the shipment).
- `pack_code(session, actor, shipment_id, code, *, quantity=None, now) -> PackResult`: the same by a
  typed serial or lot number.
- `unpack(session, actor, item_id, *, now, shipment_id=None) -> ShipmentRead`
- `ship(session, actor, shipment_id, *, carrier, tracking_number, now) -> ShipmentRead`
- `cancel(session, actor, shipment_id, *, reason, now) -> ShipmentRead`
- `get_shipment`, `shipment_by_number`, `list_shipments`, `history`, `open_order_lines`;
  PDFs in services/trace/shipment_pdf.py.

Invariants:
- a shipment belongs to one plant and one customer; every line comes from a line of an open or
  released order of that customer in that plant, for at most what is ordered minus what is
  delivered or already on other open shipments;
- packing takes the quantity off the lot at once (it is in the box); an on-hold, used-up, shipped
  or recalled lot or serial, a product no line asks for, more than a line still needs, more than a
  lot holds, and a serial already packed are refused with a message and change nothing; a
  serialized product is packed by serial;
- status open -> packing (first item) -> shipped, or -> cancelled (items go back to their lots);
  every change writes status history (status_change, entity "shipment"), one audit entry and one
  domain event ("shipment.created", "shipment.packed", "shipment.unpacked", "shipment.shipped",
  "shipment.cancelled");
- shipping needs at least one packed item; it adds the packed quantities to
  `OrderLine.quantity_delivered` and sets `delivered_at` when a line is delivered complete (OTD
  reads these); lots left empty and packed serials become shipped;
- creating needs PLAN, SCAN or SUPERVISE, packing, unpacking (while open) and shipping SCAN or SUPERVISE,
  cancelling (final) PLAN or SUPERVISE, at the plant.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, func, select

from models.catalog import Customer, Product
from models.lots import Lot, LotStatus, Serial
from models.orders import CustomerOrder, OrderLine, OrderStatus, StatusChange
from models.shipments import Shipment, ShipmentItem, ShipmentLine, ShipmentStatus
from services.config import custom_fields
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid, NotFound
from services.core.events import DomainEvent, record
from services.core.numbering import next_number
from services.core.scoping import get_scoped
from services.core.validation import check
from services.production.transitions import InvalidTransition
from services.trace.lots import (
    HANDLE,
    STATUS_WORDS,
    check_usable,
    lot_row,
    require_any,
    serial_row,
)

CREATE = (Permission.PLAN, Permission.SCAN, Permission.SUPERVISE)
CANCEL = (Permission.PLAN, Permission.SUPERVISE)      # final: never scanning rights (operators, station tokens)
S = ShipmentStatus
TRANSITIONS = {
    S.OPEN: frozenset({S.PACKING, S.CANCELLED}),
    S.PACKING: frozenset({S.OPEN, S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset(),
    S.CANCELLED: frozenset(),
}
OPEN_STATES = (S.OPEN, S.PACKING)
MAX_LINES = 500


class ShipmentLineInput(BaseModel):
    order_line_id: int
    quantity: int | None = None


class ShipmentCreate(BaseModel):
    plant_id: int
    lines: list[ShipmentLineInput] = Field(default_factory=list)
    note: str = ""
    custom: dict[str, Any] | None = None        # custom field values (services/config/custom_fields.py, entity "shipment")


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


class PackResult(BaseModel):
    item: ShipmentItemRead
    shipment: ShipmentRead


class PackedItem(BaseModel):
    """What one pack changed, without the shipment's read model (a scanning station's answer)."""
    item: ShipmentItemRead
    shipment_id: int
    shipment_number: str
    shipment_status: ShipmentStatus
    line_quantity: int
    line_quantity_packed: int


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


# ----- create ----------------------------------------------------------------------------------

def create_shipment(session: Session, actor: Actor, data: ShipmentCreate, *, now: datetime) -> ShipmentRead:
    require_any(actor, CREATE, plant_id=data.plant_id)
    custom = custom_fields.validate(session, actor, "shipment", data.custom, problems={k: v for k, v in {
        "lines": None if 0 < len(data.lines) <= MAX_LINES else "Choose at least one order line.",
        "note": None if len(data.note) <= 2000 else "At most 2000 characters.",
    }.items() if v})
    picked = _order_lines(session, actor, data)
    customers = {order.customer_id for _, order, _ in picked}
    if len(customers) > 1:
        raise Invalid("All lines of a shipment go to one customer.", fields={"lines": "Several customers."})
    shipment = Shipment(organization_id=actor.organization_id, plant_id=data.plant_id,
                        number=next_number(session, actor.organization_id, "SHP"), customer_id=customers.pop(),
                        note=data.note.strip(), custom=custom, created_at=now, updated_at=now, created_by=actor.user_id,
                        updated_by=actor.user_id)
    session.add(shipment)
    session.flush()
    for line, _, quantity in picked:
        session.add(ShipmentLine(organization_id=actor.organization_id, shipment_id=shipment.id, order_line_id=line.id,
                                 product_id=line.product_id, quantity=quantity))
    session.add(StatusChange(organization_id=actor.organization_id, entity="shipment", entity_id=shipment.id,
                             from_status=None, to_status=S.OPEN.value, user_id=actor.user_id, at=now))
    _announce(session, actor, shipment, "shipment.created", "create",
              {"lines": [{"order_line_id": line.id, "quantity": q} for line, _, q in picked], "custom": custom}, now)
    return read_shipment(session, shipment)


def _order_lines(session: Session, actor: Actor, data: ShipmentCreate) -> list[tuple[OrderLine, CustomerOrder, int]]:
    seen, picked, problems = set(), [], {}
    for i, wanted in enumerate(data.lines):
        line = get_scoped(session, actor, OrderLine, wanted.order_line_id, "Order line")
        order = get_scoped(session, actor, CustomerOrder, line.order_id, "Order line")
        field = f"lines.{i}"
        if order.plant_id != data.plant_id:
            problems[field] = f"Order {order.number} is for another plant."
        elif order.status not in (OrderStatus.OPEN, OrderStatus.RELEASED):
            problems[field] = f"Order {order.number} is {order.status.value}."
        elif line.id in seen:
            problems[field] = "This order line is chosen twice."
        else:
            left = line.quantity - line.quantity_delivered - _on_open_shipments(session, line.id)
            quantity = left if wanted.quantity is None else wanted.quantity
            if left <= 0:
                problems[field] = f"Order {order.number} line {line.line_no} has nothing left to ship."
            elif not 0 < quantity <= left:
                problems[field] = f"Ship 1 to {left} of order {order.number} line {line.line_no}."
            else:
                picked.append((line, order, quantity))
        seen.add(line.id)
    check(problems)
    return picked


def _on_open_shipments(session: Session, order_line_id: int, *, excluding: int | None = None) -> int:
    query = (select(func.coalesce(func.sum(ShipmentLine.quantity), 0))
             .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
             .where(ShipmentLine.order_line_id == order_line_id, Shipment.status.in_(OPEN_STATES)))
    if excluding is not None:
        query = query.where(Shipment.id != excluding)
    return int(session.exec(query).one())


# ----- pack and unpack -------------------------------------------------------------------------

def pack(session: Session, actor: Actor, shipment_id: int, *, lot_id: int | None = None, serial_id: int | None = None,
         quantity: int | None = None, shipment_line_id: int | None = None, now: datetime) -> PackResult:
    packed = pack_item(session, actor, shipment_id, lot_id=lot_id, serial_id=serial_id, quantity=quantity,
                       shipment_line_id=shipment_line_id, now=now)
    return PackResult(item=packed.item, shipment=read_shipment(session, session.get(Shipment, packed.shipment_id)))


def pack_item(session: Session, actor: Actor, shipment_id: int, *, lot_id: int | None = None,
              serial_id: int | None = None, quantity: int | None = None, shipment_line_id: int | None = None,
              now: datetime) -> PackedItem:
    """`pack` answering only what this pack changed: its cost does not grow with the shipment's items."""
    shipment = _open_shipment(session, actor, shipment_id)
    if lot_id is None and serial_id is None:
        raise Invalid("Scan or choose a lot or a serial number.", fields={"lot_id": "Give a lot or a serial."})
    serial = serial_row(session, actor, serial_id, for_update=True) if serial_id is not None else None
    lot = lot_row(session, actor, serial.lot_id if serial else lot_id, for_update=True)
    if serial is not None and lot_id is not None and lot_id != serial.lot_id:
        raise Invalid(f"Serial {serial.number} is not in lot {lot.number}.", fields={"serial_id": "Not in this lot."})
    _check_packable(session, shipment, lot, serial)
    line = _line_for(session, shipment, lot, shipment_line_id)
    quantity = _pack_quantity(lot, serial, line, quantity)
    item = ShipmentItem(organization_id=shipment.organization_id, shipment_id=shipment.id, shipment_line_id=line.id,
                        lot_id=lot.id, serial_id=serial.id if serial else None, quantity=quantity,
                        user_id=actor.user_id, packed_at=now)
    session.add(item)
    lot.quantity -= quantity
    lot.updated_at, lot.updated_by = now, actor.user_id
    line.quantity_packed += quantity
    session.add_all([lot, line])
    if shipment.status == S.OPEN:
        _transition(session, actor, shipment, S.PACKING, now=now)
    session.flush()
    _announce(session, actor, shipment, "shipment.packed", "pack",
              {"lot_id": lot.id, "lot_number": lot.number, "serial_id": item.serial_id, "quantity": quantity,
               "shipment_line_id": line.id}, now)
    product = session.get(Product, lot.product_id)
    read = ShipmentItemRead(id=item.id, shipment_line_id=line.id, lot_id=lot.id, lot_number=lot.number,
                            serial_id=item.serial_id, serial_number=serial.number if serial else "",
                            product_code=product.code, quantity=quantity, packed_at=now)
    return PackedItem(item=read, shipment_id=shipment.id, shipment_number=shipment.number,
                      shipment_status=shipment.status, line_quantity=line.quantity,
                      line_quantity_packed=line.quantity_packed)


def pack_code(session: Session, actor: Actor, shipment_id: int, code: str, *, quantity: int | None = None,
              now: datetime) -> PackResult:
    """Pack what a typed number names: a serial number first (it is the finer), else a lot number."""
    code = code.strip()
    check({"code": "Type or scan a lot or serial number."} if not 0 < len(code) <= 64 else {})
    serial = session.exec(select(Serial.id).where(Serial.organization_id == actor.organization_id,
                                                  Serial.number == code)).first()
    if serial is not None:
        return pack(session, actor, shipment_id, serial_id=serial, quantity=quantity, now=now)
    lot = session.exec(select(Lot.id).where(Lot.organization_id == actor.organization_id, Lot.number == code)).first()
    if lot is None:
        raise NotFound(f"No lot or serial number {code}.", fields={"code": "Unknown number."})
    return pack(session, actor, shipment_id, lot_id=lot, quantity=quantity, now=now)


def _open_shipment(session: Session, actor: Actor, shipment_id: int, allowed=HANDLE) -> Shipment:
    shipment = get_scoped(session, actor, Shipment, shipment_id, "Shipment", for_update=True)
    require_any(actor, allowed, plant_id=shipment.plant_id)
    if shipment.status not in OPEN_STATES:
        raise Conflict(f"Shipment {shipment.number} is {shipment.status.value}: it cannot change any more.")
    return shipment


def _check_packable(session: Session, shipment: Shipment, lot: Lot, serial: Serial | None) -> None:
    if lot.plant_id != shipment.plant_id:
        raise Invalid(f"Lot {lot.number} is in another plant.", fields={"lot_id": "Another plant."})
    if serial is not None:
        packed_in = session.exec(select(Shipment.number).join(ShipmentItem, ShipmentItem.shipment_id == Shipment.id)
                                 .where(ShipmentItem.serial_id == serial.id, Shipment.status != S.CANCELLED)).first()
        if packed_in:
            raise Conflict(f"Serial {serial.number} is already packed in shipment {packed_in}.",
                           fields={"serial_id": "Already packed."})
        if serial.status != LotStatus.AVAILABLE:
            raise Conflict(f"Serial {serial.number} is {STATUS_WORDS[LotStatus(serial.status)]}: you cannot pack it.")
    elif lot.quantity == 0 and lot.status == LotStatus.AVAILABLE:
        packed_in = session.exec(select(Shipment.number).join(ShipmentItem, ShipmentItem.shipment_id == Shipment.id)
                                 .where(ShipmentItem.lot_id == lot.id, Shipment.status != S.CANCELLED)
                                 .order_by(ShipmentItem.id.desc())).first()
        raise Conflict(f"Lot {lot.number} is already packed" + (f" in shipment {packed_in}." if packed_in else "."),
                       fields={"lot_id": "Already packed."})
    check_usable(lot, "pack")
    if serial is None and session.exec(select(Serial.id).where(Serial.lot_id == lot.id)).first() is not None:
        raise Invalid(f"Lot {lot.number} is serialized: scan the serial numbers you pack.",
                      fields={"serial_id": "Scan the serial numbers."})


def _line_for(session: Session, shipment: Shipment, lot: Lot, shipment_line_id: int | None) -> ShipmentLine:
    lines = session.exec(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)
                         .order_by(ShipmentLine.id).with_for_update()).all()
    if shipment_line_id is not None:
        lines = [line for line in lines if line.id == shipment_line_id]
        if not lines:
            raise NotFound("Shipment line not found.")
    matching = [line for line in lines if line.product_id == lot.product_id]
    if not matching:
        product = session.get(Product, lot.product_id)
        raise Conflict(f"Wrong product: lot {lot.number} is {product.code}, which shipment {shipment.number} "
                       "does not ask for.", fields={"lot_id": "Wrong product."})
    open_lines = [line for line in matching if line.quantity_packed < line.quantity]
    if not open_lines:
        raise Conflict(f"Shipment {shipment.number} has all it needs of this product: packing more would over-pack.",
                       fields={"quantity": "Over-pack."})
    return open_lines[0]


def _pack_quantity(lot: Lot, serial: Serial | None, line: ShipmentLine, quantity: int | None) -> int:
    needed = line.quantity - line.quantity_packed
    if serial is not None:
        check({"quantity": "A serial number is one unit."} if quantity not in (None, 1) else {})
        return 1
    if quantity is None:
        return min(lot.quantity, needed)
    check({"quantity": "Give a whole quantity above 0."} if quantity <= 0 else {})
    if quantity > lot.quantity:
        raise Conflict(f"Lot {lot.number} has only {lot.quantity} {lot.unit}.", fields={"quantity": f"At most {lot.quantity}."})
    if quantity > needed:
        raise Conflict(f"Only {needed} more are needed on this line: packing {quantity} would over-pack.",
                       fields={"quantity": f"At most {needed}."})
    return quantity


def unpack(session: Session, actor: Actor, item_id: int, *, now: datetime, shipment_id: int | None = None) -> ShipmentRead:
    item = get_scoped(session, actor, ShipmentItem, item_id, "Packed item")
    if shipment_id is not None and item.shipment_id != shipment_id:
        raise NotFound("Packed item not found.")
    shipment = _open_shipment(session, actor, item.shipment_id)
    _return_item(session, actor, item, now)
    if not session.exec(select(ShipmentItem.id).where(ShipmentItem.shipment_id == shipment.id)).first():
        _transition(session, actor, shipment, S.OPEN, now=now, reason="all items unpacked")
    _announce(session, actor, shipment, "shipment.unpacked", "unpack",
              {"lot_id": item.lot_id, "serial_id": item.serial_id, "quantity": item.quantity}, now)
    return read_shipment(session, shipment)


def _return_item(session: Session, actor: Actor, item: ShipmentItem, now: datetime) -> None:
    lot = session.get(Lot, item.lot_id, with_for_update=True)
    line = session.get(ShipmentLine, item.shipment_line_id, with_for_update=True)
    lot.quantity += item.quantity
    lot.updated_at, lot.updated_by = now, actor.user_id
    if lot.status == LotStatus.CONSUMED:
        lot.status = LotStatus.AVAILABLE
    line.quantity_packed -= item.quantity
    session.add_all([lot, line])
    session.delete(item)
    session.flush()


# ----- ship and cancel -------------------------------------------------------------------------

def ship(session: Session, actor: Actor, shipment_id: int, *, carrier: str, tracking_number: str,
         now: datetime) -> ShipmentRead:
    shipment = _open_shipment(session, actor, shipment_id)
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    check({k: v for k, v in {
        "carrier": None if 0 < len(carrier) <= 100 else "Name the carrier (at most 100 characters).",
        "tracking_number": None if len(tracking_number) <= 100 else "At most 100 characters.",
    }.items() if v})
    items = session.exec(select(ShipmentItem).where(ShipmentItem.shipment_id == shipment.id)).all()
    if not items:
        raise Conflict(f"Shipment {shipment.number} has nothing packed yet.")
    _check_nothing_held(session, items)
    lines = session.exec(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)).all()
    for line in lines:
        _deliver(session, line, now)
    _mark_shipped(session, items, now)
    shipment.carrier, shipment.tracking_number, shipment.shipped_at = carrier, tracking_number, now
    _transition(session, actor, shipment, S.SHIPPED, now=now)
    _announce(session, actor, shipment, "shipment.shipped", "ship",
              {"carrier": carrier, "tracking_number": tracking_number,
               "delivered": {line.order_line_id: line.quantity_packed for line in lines}}, now)
    return read_shipment(session, shipment)


def _check_nothing_held(session: Session, items: list[ShipmentItem]) -> None:
    for item in items:
        lot = session.get(Lot, item.lot_id)
        serial = session.get(Serial, item.serial_id) if item.serial_id else None
        for what, row in ((f"Lot {lot.number}", lot), (f"Serial {serial.number}" if serial else "", serial)):
            if row is not None and row.status in (LotStatus.ON_HOLD, LotStatus.RECALLED):
                raise Conflict(f"{what} is {STATUS_WORDS[LotStatus(row.status)]}: unpack it before shipping.",
                               fields={"items": f"{what} is {STATUS_WORDS[LotStatus(row.status)]}."})


def _deliver(session: Session, line: ShipmentLine, now: datetime) -> None:
    line.quantity = line.quantity_packed
    session.add(line)
    if line.quantity_packed == 0:
        return
    order_line = session.get(OrderLine, line.order_line_id, with_for_update=True)
    order_line.quantity_delivered += line.quantity_packed
    if order_line.quantity_delivered >= order_line.quantity and order_line.delivered_at is None:
        order_line.delivered_at = now
    order_line.updated_at = now
    session.add(order_line)


def _mark_shipped(session: Session, items: list[ShipmentItem], now: datetime) -> None:
    for lot_id in sorted({item.lot_id for item in items}):
        lot = session.get(Lot, lot_id)
        if lot.quantity == 0 and lot.status == LotStatus.AVAILABLE:
            lot.status, lot.updated_at = LotStatus.SHIPPED, now
            session.add(lot)
    for item in items:
        if item.serial_id is not None:
            serial = session.get(Serial, item.serial_id)
            serial.status, serial.updated_at = LotStatus.SHIPPED, now
            session.add(serial)


def cancel(session: Session, actor: Actor, shipment_id: int, *, reason: str, now: datetime) -> ShipmentRead:
    shipment = _open_shipment(session, actor, shipment_id, CANCEL)
    reason = reason.strip()
    check({"reason": "Say why the shipment is cancelled (at most 500 characters)."} if not 0 < len(reason) <= 500 else {})
    for item in session.exec(select(ShipmentItem).where(ShipmentItem.shipment_id == shipment.id)).all():
        _return_item(session, actor, item, now)
    _transition(session, actor, shipment, S.CANCELLED, now=now, reason=reason)
    _announce(session, actor, shipment, "shipment.cancelled", "cancel", {"reason": reason}, now)
    return read_shipment(session, shipment)


def _transition(session: Session, actor: Actor, shipment: Shipment, wanted: ShipmentStatus, *, now: datetime,
                reason: str = "") -> None:
    current = ShipmentStatus(shipment.status)
    if wanted not in TRANSITIONS[current]:
        raise InvalidTransition(f"Shipment {shipment.number} is {current.value} and cannot become {wanted.value}.")
    shipment.status, shipment.updated_at, shipment.updated_by = wanted, now, actor.user_id
    session.add(shipment)
    session.add(StatusChange(organization_id=shipment.organization_id, entity="shipment", entity_id=shipment.id,
                             from_status=current.value, to_status=wanted.value, reason=reason[:500],
                             user_id=actor.user_id, at=now))


def _announce(session: Session, actor: Actor, shipment: Shipment, name: str, action: str, changes: dict,
              now: datetime) -> None:
    audit(session, actor, "shipment", shipment.id, action, changes, plant_id=shipment.plant_id, at=now)
    record(session, DomainEvent(name=name, organization_id=shipment.organization_id, plant_id=shipment.plant_id,
                                actor_user_id=actor.user_id, at=now,
                                payload={"shipment_id": shipment.id, "number": shipment.number, **changes}))


# ----- reads -----------------------------------------------------------------------------------

def get_shipment(session: Session, actor: Actor, shipment_id: int) -> ShipmentRead:
    require(actor, Permission.VIEW)
    return read_shipment(session, get_scoped(session, actor, Shipment, shipment_id, "Shipment"))


def shipment_by_number(session: Session, actor: Actor, number: str) -> ShipmentRead:
    require(actor, Permission.VIEW)
    shipment = session.exec(select(Shipment).where(Shipment.organization_id == actor.organization_id,
                                                   Shipment.number == number.strip())).first()
    if shipment is None or shipment.plant_id not in actor.plant_ids:
        raise NotFound(f"Shipment {number} not found.")
    return read_shipment(session, shipment)


def list_shipments(session: Session, actor: Actor, *, plant_id: int | None = None,
                   status: ShipmentStatus | None = None, customer_id: int | None = None, search: str = "",
                   limit: int = 100, offset: int = 0,
                   custom: dict[str, Any] | None = None) -> tuple[list[ShipmentSummary], int]:
    """`custom` filters by custom field values ({key: value}, services/config/custom_fields.py)."""
    require(actor, Permission.VIEW)
    query = (select(Shipment).join(Customer, Customer.id == Shipment.customer_id)
             .where(Shipment.organization_id == actor.organization_id, Shipment.plant_id.in_(actor.plant_ids or [-1])))
    if plant_id is not None:
        query = query.where(Shipment.plant_id == plant_id)
    if status is not None:
        query = query.where(Shipment.status == status)
    if customer_id is not None:
        query = query.where(Shipment.customer_id == customer_id)
    query = custom_fields.apply_filters(session, actor, "shipment", query, Shipment, custom)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(Shipment.number).like(pattern) | func.lower(Customer.code).like(pattern)
                            | func.lower(Customer.name).like(pattern) | func.lower(Shipment.tracking_number).like(pattern))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Shipment.id.desc()).offset(max(offset, 0)).limit(min(max(limit, 1), 500))).all()
    return [_summary(session, s) for s in rows], total


def history(session: Session, actor: Actor, shipment_id: int) -> list[dict]:
    require(actor, Permission.VIEW)
    shipment = get_scoped(session, actor, Shipment, shipment_id, "Shipment")
    rows = session.exec(select(StatusChange).where(StatusChange.entity == "shipment",
                                                   StatusChange.entity_id == shipment.id,
                                                   StatusChange.organization_id == actor.organization_id)
                        .order_by(StatusChange.at, StatusChange.id)).all()
    return [{"from_status": r.from_status, "to_status": r.to_status, "reason": r.reason, "user_id": r.user_id,
             "at": r.at} for r in rows]


def open_order_lines(session: Session, actor: Actor, *, plant_id: int, customer_id: int | None = None) -> list[OpenOrderLine]:
    """Order lines of open or released orders at a plant with something left to ship."""
    require(actor, Permission.VIEW)
    require(actor, Permission.VIEW, plant_id=plant_id)
    query = (select(OrderLine, CustomerOrder, Customer, Product)
             .join(CustomerOrder, CustomerOrder.id == OrderLine.order_id)
             .join(Customer, Customer.id == CustomerOrder.customer_id).join(Product, Product.id == OrderLine.product_id)
             .where(CustomerOrder.organization_id == actor.organization_id, CustomerOrder.plant_id == plant_id,
                    CustomerOrder.status.in_((OrderStatus.OPEN, OrderStatus.RELEASED)),
                    OrderLine.quantity_delivered < OrderLine.quantity))
    if customer_id is not None:
        query = query.where(CustomerOrder.customer_id == customer_id)
    result = []
    for line, order, customer, product in session.exec(query.order_by(OrderLine.promised_date, OrderLine.id).limit(500)):
        on_shipments = _on_open_shipments(session, line.id)
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
                        .join(OrderLine, OrderLine.id == ShipmentLine.order_line_id)
                        .join(CustomerOrder, CustomerOrder.id == OrderLine.order_id)
                        .join(Product, Product.id == ShipmentLine.product_id)
                        .where(ShipmentLine.shipment_id == shipment.id).order_by(ShipmentLine.id)).all()
    lines = [ShipmentLineRead(id=sl.id, order_line_id=ol.id, order_number=order.number, line_no=ol.line_no,
                              product_id=p.id, product_code=p.code, product_name=p.name, quantity=sl.quantity,
                              quantity_packed=sl.quantity_packed) for sl, ol, order, p in rows]
    items = session.exec(select(ShipmentItem).where(ShipmentItem.shipment_id == shipment.id).order_by(ShipmentItem.id)).all()
    return ShipmentRead(**summary.model_dump(), note=shipment.note, lines=lines, items=_items(session, items))


def _summary(session: Session, shipment: Shipment) -> ShipmentSummary:
    customer = session.get(Customer, shipment.customer_id)
    quantity, packed = session.exec(select(func.coalesce(func.sum(ShipmentLine.quantity), 0),
                                           func.coalesce(func.sum(ShipmentLine.quantity_packed), 0))
                                    .where(ShipmentLine.shipment_id == shipment.id)).one()
    return ShipmentSummary(id=shipment.id, number=shipment.number, plant_id=shipment.plant_id,
                           customer_id=customer.id, customer_code=customer.code, customer_name=customer.name,
                           status=shipment.status, carrier=shipment.carrier, tracking_number=shipment.tracking_number,
                           shipped_at=shipment.shipped_at, quantity=int(quantity), quantity_packed=int(packed),
                           created_at=shipment.created_at, custom=dict(shipment.custom or {}))


def _items(session: Session, items: list[ShipmentItem]) -> list[ShipmentItemRead]:
    if not items:
        return []
    lots = {lot.id: lot for lot in session.exec(select(Lot).where(Lot.id.in_({i.lot_id for i in items})))}
    serial_ids = {i.serial_id for i in items if i.serial_id}
    serials = {s.id: s for s in session.exec(select(Serial).where(Serial.id.in_(serial_ids)))} if serial_ids else {}
    products = {p.id: p for p in session.exec(select(Product).where(Product.id.in_({lot.product_id for lot in lots.values()})))}
    return [ShipmentItemRead(id=i.id, shipment_line_id=i.shipment_line_id, lot_id=i.lot_id,
                             lot_number=lots[i.lot_id].number, serial_id=i.serial_id,
                             serial_number=serials[i.serial_id].number if i.serial_id else "",
                             product_code=products[lots[i.lot_id].product_id].code, quantity=i.quantity,
                             packed_at=i.packed_at) for i in items]
