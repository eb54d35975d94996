"""Packing a shipment: lots and serials into its lines, and back out while it is open.

- `pack(session, actor, shipment_id, *, lot_id=None, serial_id=None, quantity=None,
  shipment_line_id=None, now) -> PackResult`: quantity None packs what the lot has, up to what the
  line still needs; a serial is one unit.
- `pack_item(...same...) -> PackedItem`: the same pack answering only the packed item, the
  shipment's number and status and its line's figures (scanning uses it; its cost does not grow
  with the shipment).
- `pack_code(session, actor, shipment_id, code, *, quantity=None, now) -> PackResult`: the same by a
  typed serial or lot number.
- `unpack(session, actor, item_id, *, now, shipment_id=None) -> ShipmentRead`

Invariants: packing takes the quantity off the lot at once (it is in the box); an on-hold, used-up,
shipped or recalled lot or serial, a product no line asks for, more than a line still needs, more
than a lot holds, and a serial already packed are refused with a message and change nothing; a
serialized product is packed by serial; the first item moves the shipment open -> packing and the
last one unpacked moves it back; SCAN or SUPERVISE at the plant.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Product
from models.lots import Lot, LotStatus, Serial
from models.shipments import Shipment, ShipmentItem, ShipmentLine, ShipmentStatus
from services.core.access import Actor
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.trace.events import ShipmentPacked, ShipmentUnpacked
from services.trace.lots import STATUS_WORDS, check_usable, lot_row, serial_row
from services.trace.shipment_reads import ShipmentItemRead, ShipmentRead, read_shipment
from services.trace.shipments import announce, open_shipment, return_item, transition

S = ShipmentStatus


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


def pack(session: Session, actor: Actor, shipment_id: int, *, lot_id: int | None = None, serial_id: int | None = None,
         quantity: int | None = None, shipment_line_id: int | None = None, now: datetime) -> PackResult:
    packed = pack_item(session, actor, shipment_id, lot_id=lot_id, serial_id=serial_id, quantity=quantity,
                       shipment_line_id=shipment_line_id, now=now)
    return PackResult(item=packed.item, shipment=read_shipment(session, session.get_one(Shipment, packed.shipment_id)))


def pack_item(session: Session, actor: Actor, shipment_id: int, *, lot_id: int | None = None,
              serial_id: int | None = None, quantity: int | None = None, shipment_line_id: int | None = None,
              now: datetime) -> PackedItem:
    """`pack` answering only what this pack changed: its cost does not grow with the shipment's items."""
    shipment = open_shipment(session, actor, shipment_id)
    if lot_id is None and serial_id is None:
        raise Invalid(t("Scan or choose a lot or a serial number."), fields={"lot_id": t("Give a lot or a serial.")})
    serial = serial_row(session, actor, serial_id, for_update=True) if serial_id is not None else None
    lot = lot_row(session, actor, serial.lot_id if serial else lot_id, for_update=True)
    if serial is not None and lot_id is not None and lot_id != serial.lot_id:
        raise Invalid(t("Serial {serial} is not in lot {lot}.", serial=serial.number, lot=lot.number),
                      fields={"serial_id": t("Not in this lot.")})
    _check_packable(session, shipment, lot, serial)
    line = _line_for(session, shipment, lot, shipment_line_id)
    quantity = _pack_quantity(lot, serial, line, quantity)
    item = ShipmentItem(organization_id=shipment.organization_id, shipment_id=pk(shipment), shipment_line_id=pk(line),
                        lot_id=pk(lot), serial_id=serial.id if serial else None, quantity=quantity,
                        user_id=actor.user_id, packed_at=now)
    session.add(item)
    lot.quantity -= quantity
    lot.updated_at, lot.updated_by = now, actor.user_id
    line.quantity_packed += quantity
    session.add_all([lot, line])
    if shipment.status == S.OPEN:
        transition(session, actor, shipment, S.PACKING, now=now)
    session.flush()
    announce(session, actor, shipment, "pack", ShipmentPacked, now, lot_id=pk(lot), lot_number=lot.number,
             serial_id=item.serial_id, quantity=quantity, shipment_line_id=pk(line))
    product = session.get_one(Product, lot.product_id)
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
    check({"code": t("Type or scan a lot or serial number.")} if not 0 < len(code) <= 64 else {})
    serial = session.exec(select(Serial.id).where(Serial.organization_id == actor.organization_id,
                                                  Serial.number == code)).first()
    if serial is not None:
        return pack(session, actor, shipment_id, serial_id=serial, quantity=quantity, now=now)
    lot = session.exec(select(Lot.id).where(Lot.organization_id == actor.organization_id, Lot.number == code)).first()
    if lot is None:
        raise NotFound(t("No lot or serial number {code}.", code=code), fields={"code": t("Unknown number.")})
    return pack(session, actor, shipment_id, lot_id=lot, quantity=quantity, now=now)


def _check_packable(session: Session, shipment: Shipment, lot: Lot, serial: Serial | None) -> None:
    if lot.plant_id != shipment.plant_id:
        raise Invalid(t("Lot {number} is in another plant.", number=lot.number), fields={"lot_id": t("Another plant.")})
    if serial is not None:
        packed_in = session.exec(select(Shipment.number).join(ShipmentItem, col(ShipmentItem.shipment_id) == Shipment.id)
                                 .where(ShipmentItem.serial_id == serial.id, Shipment.status != S.CANCELLED)).first()
        if packed_in:
            raise Conflict(t("Serial {number} is already packed in shipment {shipment}.", number=serial.number,
                             shipment=packed_in), fields={"serial_id": t("Already packed.")})
        if serial.status != LotStatus.AVAILABLE:
            raise Conflict(t("Serial {number} is {status}: you cannot pack it.", number=serial.number,
                             status=STATUS_WORDS[LotStatus(serial.status)]))
    elif lot.quantity == 0 and lot.status == LotStatus.AVAILABLE:
        packed_in = session.exec(select(Shipment.number).join(ShipmentItem, col(ShipmentItem.shipment_id) == Shipment.id)
                                 .where(ShipmentItem.lot_id == lot.id, Shipment.status != S.CANCELLED)
                                 .order_by(col(ShipmentItem.id).desc())).first()
        raise Conflict(t("Lot {number} is already packed in shipment {shipment}.", number=lot.number, shipment=packed_in)
                       if packed_in else t("Lot {number} is already packed.", number=lot.number),
                       fields={"lot_id": t("Already packed.")})
    check_usable(lot, "pack")
    if serial is None and session.exec(select(Serial.id).where(Serial.lot_id == lot.id)).first() is not None:
        raise Invalid(t("Lot {number} is serialized: scan the serial numbers you pack.", number=lot.number),
                      fields={"serial_id": t("Scan the serial numbers.")})


def _line_for(session: Session, shipment: Shipment, lot: Lot, shipment_line_id: int | None) -> ShipmentLine:
    lines = session.exec(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)
                         .order_by(col(ShipmentLine.id)).with_for_update()).all()
    if shipment_line_id is not None:
        lines = [line for line in lines if line.id == shipment_line_id]
        if not lines:
            raise NotFound(t("Shipment line not found."))
    matching = [line for line in lines if line.product_id == lot.product_id]
    if not matching:
        product = session.get_one(Product, lot.product_id)
        raise Conflict(t("Wrong product: lot {lot} is {product}, which shipment {shipment} does not ask for.",
                         lot=lot.number, product=product.code, shipment=shipment.number),
                       fields={"lot_id": t("Wrong product.")})
    open_lines = [line for line in matching if line.quantity_packed < line.quantity]
    if not open_lines:
        raise Conflict(t("Shipment {number} has all it needs of this product: packing more would over-pack.",
                         number=shipment.number), fields={"quantity": t("Over-pack.")})
    return open_lines[0]


def _pack_quantity(lot: Lot, serial: Serial | None, line: ShipmentLine, quantity: int | None) -> int:
    needed = line.quantity - line.quantity_packed
    if serial is not None:
        check({"quantity": t("A serial number is one unit.")} if quantity not in (None, 1) else {})
        return 1
    if quantity is None:
        return min(lot.quantity, needed)
    check({"quantity": t("Give a whole quantity above 0.")} if quantity <= 0 else {})
    if quantity > lot.quantity:
        raise Conflict(t("Lot {number} has only {quantity} {unit}.", number=lot.number, quantity=lot.quantity, unit=lot.unit),
                       fields={"quantity": t("At most {limit}.", limit=lot.quantity)})
    if quantity > needed:
        raise Conflict(t("Only {needed} more are needed on this line: packing {quantity} would over-pack.", needed=needed,
                         quantity=quantity), fields={"quantity": t("At most {limit}.", limit=needed)})
    return quantity


def unpack(session: Session, actor: Actor, item_id: int, *, now: datetime, shipment_id: int | None = None) -> ShipmentRead:
    item = get_scoped(session, actor, ShipmentItem, item_id, t("Packed item"))
    if shipment_id is not None and item.shipment_id != shipment_id:
        raise NotFound(t("{what} not found.", what=t("Packed item")))
    shipment = open_shipment(session, actor, item.shipment_id)
    return_item(session, actor, item, now)
    if not session.exec(select(ShipmentItem.id).where(ShipmentItem.shipment_id == shipment.id)).first():
        transition(session, actor, shipment, S.OPEN, now=now, reason="all items unpacked")
    announce(session, actor, shipment, "unpack", ShipmentUnpacked, now, lot_id=item.lot_id, serial_id=item.serial_id,
             quantity=item.quantity)
    return read_shipment(session, shipment)
