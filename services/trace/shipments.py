"""Shipments: lines from customer order lines, packed from lots and serials, shipped with a
carrier and tracking number; this module holds their life cycle (create, ship, cancel) and the steps
packing shares (open_shipment, return_item, transition, announce).

Interface (stable; the scanning station's "pack to shipment" and "ship" modes call these):
- `create_shipment(session, actor, ShipmentCreate(plant_id, lines=[ShipmentLineInput(order_line_id,
  quantity=None)], note=""), *, now) -> ShipmentRead` (quantity None: all that is still to ship).
- `ship(session, actor, shipment_id, *, carrier, tracking_number, now) -> ShipmentRead`
- `shipment_actions(actor, plant_id=None) -> {can_create, can_handle, can_cancel}`: what the actor may do (buttons)
- `cancel(session, actor, shipment_id, *, reason, now) -> ShipmentRead`
- packing and unpacking in services/trace/shipment_packing.py; `get_shipment`, `shipment_by_number`,
  `list_shipments`, `history`, `open_order_lines` in services/trace/shipment_reads.py; PDFs in
  services/trace/shipment_pdf.py.

Invariants:
- a shipment belongs to one plant and one customer; every line comes from a line of an open or
  released order of that customer in that plant, for at most what is ordered minus what is
  delivered or already on other open shipments;
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

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, select

from models.base import pk
from models.lots import Lot, LotStatus, Serial
from models.orders import CustomerOrder, OrderLine, OrderStatus, StatusChange
from models.shipments import Shipment, ShipmentItem, ShipmentLine, ShipmentStatus
from services.config import custom_fields, form_layouts
from services.config.form_layouts import BuiltinField
from services.core.access import Actor, Permission, can_any
from services.core.audit import audit
from services.core.errors import Conflict, Invalid
from services.core.events import record
from services.core.messages import Message, t, word
from services.core.numbering import next_number
from services.core.scoping import get_scoped
from services.core.validation import check
from services.production.transitions import InvalidTransition, status_word
from services.trace.events import ShipmentCancelled, ShipmentCreated, ShipmentEvent, ShipmentShipped
from services.trace.lots import HANDLE, STATUS_WORDS, require_any
from services.trace.shipment_reads import OPEN_STATES, ShipmentRead, on_open_shipments, read_shipment

CREATE = (Permission.PLAN, Permission.SCAN, Permission.SUPERVISE)
CANCEL = (Permission.PLAN, Permission.SUPERVISE)      # final: never scanning rights (operators, station tokens)
S = ShipmentStatus
TRANSITIONS = {
    S.OPEN: frozenset({S.PACKING, S.CANCELLED}),
    S.PACKING: frozenset({S.OPEN, S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset(),
    S.CANCELLED: frozenset(),
}
MAX_LINES = 500
SHIPMENT_WORDS: dict[ShipmentStatus, Message] = {    # inside sentences: lower-case English, the label's translation
    S.OPEN: word(t("Open"), "open"), S.PACKING: word(t("Packing"), "packing"),
    S.SHIPPED: word(t("Shipped"), "shipped"), S.CANCELLED: word(t("Cancelled"), "cancelled"),
}


class ShipmentLineInput(BaseModel):
    order_line_id: int
    quantity: int | None = None


class ShipmentCreate(BaseModel):
    plant_id: int
    lines: list[ShipmentLineInput] = Field(default_factory=list)
    note: str = ""
    custom: dict[str, Any] | None = None        # custom field values (services/config/custom_fields.py, entity "shipment")


# The new-shipment form's built-in fields for its layout (services/config/form_layouts.py).
form_layouts.register_form("shipment", "Shipments", [
    BuiltinField("plant_id", "Plant", True), BuiltinField("lines", "Order lines", True), BuiltinField("note", "Note")])


# ----- create ----------------------------------------------------------------------------------

def shipment_actions(actor: Actor, plant_id: int | None = None) -> dict[str, bool]:
    """What the actor may do with shipments at `plant_id` (None: at one of their plants): create, pack and ship
    (`can_handle`), cancel; the permissions create_shipment, open_shipment and cancel require."""
    return {"can_create": can_any(actor, *CREATE, plant_id=plant_id), "can_handle": can_any(actor, *HANDLE, plant_id=plant_id),
            "can_cancel": can_any(actor, *CANCEL, plant_id=plant_id)}


def create_shipment(session: Session, actor: Actor, data: ShipmentCreate, *, now: datetime) -> ShipmentRead:
    require_any(actor, CREATE, plant_id=data.plant_id)
    custom = custom_fields.validate(session, actor, "shipment", data.custom, problems={k: v for k, v in {
        "lines": None if 0 < len(data.lines) <= MAX_LINES else t("Choose at least one order line."),
        "note": None if len(data.note) <= 2000 else t("At most {limit} characters.", limit=2000),
    }.items() if v}, builtin={"plant_id": data.plant_id, "lines": len(data.lines) or None, "note": data.note})
    picked = _order_lines(session, actor, data)
    customers = {order.customer_id for _, order, _ in picked}
    if len(customers) > 1:
        raise Invalid(t("All lines of a shipment go to one customer."), fields={"lines": t("Several customers.")})
    shipment = Shipment(organization_id=actor.organization_id, plant_id=data.plant_id,
                        number=next_number(session, actor.organization_id, "SHP"), customer_id=customers.pop(),
                        note=data.note.strip(), custom=custom, created_at=now, updated_at=now, created_by=actor.user_id,
                        updated_by=actor.user_id)
    session.add(shipment)
    session.flush()
    for line, _, quantity in picked:
        session.add(ShipmentLine(organization_id=actor.organization_id, shipment_id=pk(shipment), order_line_id=pk(line),
                                 product_id=line.product_id, quantity=quantity))
    session.add(StatusChange(organization_id=actor.organization_id, entity="shipment", entity_id=pk(shipment),
                             from_status=None, to_status=S.OPEN.value, user_id=actor.user_id, at=now))
    announce(session, actor, shipment, "create", ShipmentCreated, now,
             lines=[{"order_line_id": pk(line), "quantity": q} for line, _, q in picked], custom=custom)
    return read_shipment(session, shipment)


def _order_lines(session: Session, actor: Actor, data: ShipmentCreate) -> list[tuple[OrderLine, CustomerOrder, int]]:
    seen, picked, problems = set(), [], {}
    for i, wanted in enumerate(data.lines):
        line = get_scoped(session, actor, OrderLine, wanted.order_line_id, t("Order line"))
        order = get_scoped(session, actor, CustomerOrder, line.order_id, t("Order line"))
        field = f"lines.{i}"
        if order.plant_id != data.plant_id:
            problems[field] = t("Order {number} is for another plant.", number=order.number)
        elif order.status != OrderStatus.RELEASED:
            problems[field] = (t("Order {number} is not released yet: release it first.", number=order.number)
                               if order.status == OrderStatus.OPEN else
                               t("Order {number} is {status}.", number=order.number,
                                 status=status_word(order.status.value)))
        elif line.id in seen:
            problems[field] = t("This order line is chosen twice.")
        else:
            left = line.quantity - line.quantity_delivered - on_open_shipments(session, pk(line))
            quantity = left if wanted.quantity is None else wanted.quantity
            if left <= 0:
                problems[field] = t("Order {number} line {line} has nothing left to ship.", number=order.number,
                                    line=line.line_no)
            elif not 0 < quantity <= left:
                problems[field] = t("Ship 1 to {left} of order {number} line {line}.", left=left, number=order.number,
                                    line=line.line_no)
            else:
                picked.append((line, order, quantity))
        seen.add(line.id)
    check(problems)
    return picked


# ----- ship and cancel -------------------------------------------------------------------------

def ship(session: Session, actor: Actor, shipment_id: int, *, carrier: str, tracking_number: str,
         now: datetime) -> ShipmentRead:
    shipment = open_shipment(session, actor, shipment_id)
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    check({k: v for k, v in {
        "carrier": None if 0 < len(carrier) <= 100 else t("Name the carrier (at most {limit} characters).", limit=100),
        "tracking_number": None if len(tracking_number) <= 100 else t("At most {limit} characters.", limit=100),
    }.items() if v})
    items = session.exec(select(ShipmentItem).where(ShipmentItem.shipment_id == shipment.id)).all()
    if not items:
        raise Conflict(t("Shipment {number} has nothing packed yet.", number=shipment.number))
    _check_nothing_held(session, items)
    lines = session.exec(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)).all()
    for line in lines:
        _deliver(session, line, now)
    _mark_shipped(session, items, now)
    shipment.carrier, shipment.tracking_number, shipment.shipped_at = carrier, tracking_number, now
    transition(session, actor, shipment, S.SHIPPED, now=now)
    announce(session, actor, shipment, "ship", ShipmentShipped, now, carrier=carrier, tracking_number=tracking_number,
             delivered={line.order_line_id: line.quantity_packed for line in lines})
    return read_shipment(session, shipment)


def _check_nothing_held(session: Session, items: Sequence[ShipmentItem]) -> None:
    for item in items:
        lot = session.get_one(Lot, item.lot_id)
        serial = session.get_one(Serial, item.serial_id) if item.serial_id else None
        rows: list[tuple[str, Lot | Serial | None]] = [(t("Lot {number}", number=lot.number), lot)]
        if serial is not None:
            rows.append((t("Serial {number}", number=serial.number), serial))
        for what, row in rows:
            if row is not None and row.status in (LotStatus.ON_HOLD, LotStatus.RECALLED):
                status = STATUS_WORDS[LotStatus(row.status)]
                raise Conflict(t("{what} is {status}: unpack it before shipping.", what=what, status=status),
                               fields={"items": t("{what} is {status}.", what=what, status=status)})


def _deliver(session: Session, line: ShipmentLine, now: datetime) -> None:
    line.quantity = line.quantity_packed
    session.add(line)
    if line.quantity_packed == 0:
        return
    order_line = session.get_one(OrderLine, line.order_line_id, with_for_update=True)
    order_line.quantity_delivered += line.quantity_packed
    if order_line.quantity_delivered >= order_line.quantity and order_line.delivered_at is None:
        order_line.delivered_at = now
    order_line.updated_at = now
    session.add(order_line)


def _mark_shipped(session: Session, items: Sequence[ShipmentItem], now: datetime) -> None:
    for lot_id in sorted({item.lot_id for item in items}):
        lot = session.get_one(Lot, lot_id)
        if lot.quantity == 0 and lot.status == LotStatus.AVAILABLE:
            lot.status, lot.updated_at = LotStatus.SHIPPED, now
            session.add(lot)
    for item in items:
        if item.serial_id is not None:
            serial = session.get_one(Serial, item.serial_id)
            serial.status, serial.updated_at = LotStatus.SHIPPED, now
            session.add(serial)


def cancel(session: Session, actor: Actor, shipment_id: int, *, reason: str, now: datetime) -> ShipmentRead:
    shipment = open_shipment(session, actor, shipment_id, CANCEL)
    reason = reason.strip()
    check({"reason": t("Say why the shipment is cancelled (at most {limit} characters).", limit=500)} if not 0 < len(reason) <= 500 else {})
    for item in session.exec(select(ShipmentItem).where(ShipmentItem.shipment_id == shipment.id)).all():
        return_item(session, actor, item, now)
    transition(session, actor, shipment, S.CANCELLED, now=now, reason=reason)
    announce(session, actor, shipment, "cancel", ShipmentCancelled, now, reason=reason)
    return read_shipment(session, shipment)


def transition(session: Session, actor: Actor, shipment: Shipment, wanted: ShipmentStatus, *, now: datetime,
                reason: str = "") -> None:
    current = ShipmentStatus(shipment.status)
    if wanted not in TRANSITIONS[current]:
        raise InvalidTransition(t("Shipment {number} is {current} and cannot become {wanted}.", number=shipment.number,
                                  current=SHIPMENT_WORDS[current], wanted=SHIPMENT_WORDS[wanted]))
    shipment.status, shipment.updated_at, shipment.updated_by = wanted, now, actor.user_id
    session.add(shipment)
    session.add(StatusChange(organization_id=shipment.organization_id, entity="shipment", entity_id=pk(shipment),
                             from_status=current.value, to_status=wanted.value, reason=reason[:500],
                             user_id=actor.user_id, at=now))


def open_shipment(session: Session, actor: Actor, shipment_id: int, allowed=HANDLE) -> Shipment:
    shipment = get_scoped(session, actor, Shipment, shipment_id, t("Shipment"), for_update=True)
    require_any(actor, allowed, plant_id=shipment.plant_id)
    if shipment.status not in OPEN_STATES:
        raise Conflict(t("Shipment {number} is {status}: it cannot change any more.", number=shipment.number,
                         status=SHIPMENT_WORDS[ShipmentStatus(shipment.status)]))
    return shipment


def return_item(session: Session, actor: Actor, item: ShipmentItem, now: datetime) -> None:
    lot = session.get_one(Lot, item.lot_id, with_for_update=True)
    line = session.get_one(ShipmentLine, item.shipment_line_id, with_for_update=True)
    lot.quantity += item.quantity
    lot.updated_at, lot.updated_by = now, actor.user_id
    if lot.status == LotStatus.CONSUMED:
        lot.status = LotStatus.AVAILABLE
    line.quantity_packed -= item.quantity
    session.add_all([lot, line])
    session.delete(item)
    session.flush()


def announce(session: Session, actor: Actor, shipment: Shipment, action: str, event: type[ShipmentEvent],
             now: datetime, **changes: Any) -> None:
    """Audit `changes` on the shipment and record `event` with them (its fields besides the shipment's id and number)."""
    audit(session, actor, "shipment", pk(shipment), action, changes, plant_id=shipment.plant_id, at=now)
    record(session, event(organization_id=shipment.organization_id, plant_id=shipment.plant_id,
                          actor_user_id=actor.user_id, at=now, shipment_id=pk(shipment), number=shipment.number,
                          **changes))
