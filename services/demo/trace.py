"""Demo traceability for the Berlin plant (called by services/demo/seed.py after the production demo):
storage locations, supplier receipts of every raw material, lots produced by the released work
orders of the first open customer orders (each consuming its bill of materials from the lots
before it, so gearbox and pump kit lots trace back to steel, aluminium, bolt and carton
receipts), one shipment shipped and one being packed, and one receipt on hold.

Everything goes through the services (receive, consume, produce, create/pack/ship, hold), so the
demo shows what a real plant's data would look like. It adds a few dozen rows and runs in well
under a second.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from models.base import pk, referenced
from models.catalog import BomLine, Product
from models.lots import Lot, LotStatus
from models.orders import CustomerOrder, Operation, OrderLine, OrderStatus, WorkOrder, WorkStatus
from models.organization import Plant
from services.core.access import Actor
from services.trace import genealogy, lots, shipment_packing, shipments
from services.trace.lots import LocationCreate, ReceiptCreate
from services.trace.shipments import ShipmentCreate, ShipmentLineInput

LOCATIONS = [("RAW-A", "Raw material rack A"), ("WIP", "Work in progress"), ("FG", "Finished goods store"),
             ("DOCK", "Shipping dock")]
# product code, quantity, supplier, supplier lot reference
RECEIPTS = [
    ("RM-STEEL-40", 600, "Stahlwerk Thale", "ST-24-118"),
    ("RM-STEEL-40", 400, "Stahlwerk Thale", "ST-24-131"),
    ("RM-ALU-3", 500, "Alu Nord GmbH", "AN-7781"),
    ("RM-BOLT-M8", 8000, "Schraubenwerk Ost", "SO-55102"),
    ("RM-BOX-L", 400, "Kartonagen Kühn", "KK-2291"),
]
ORDERS = 2             # open customer orders whose work orders produce lots


def seed_demo_trace(session: Session, organization_id: int, admin: Actor, *, now: datetime) -> None:
    plant = session.exec(select(Plant).where(Plant.organization_id == organization_id, Plant.code == "BER")).one()
    at = now - timedelta(hours=6)
    where = {code: lots.create_location(session, admin, LocationCreate(plant_id=plant.id, code=code, name=name),
                                        now=at).id for code, name in LOCATIONS}
    codes = {p.id: p.code for p in session.exec(select(Product).where(Product.organization_id == organization_id))}
    by_code = {code: pid for pid, code in codes.items()}
    stock: dict[int, list[int]] = {}
    for code, quantity, supplier, ref in RECEIPTS:
        lot = lots.receive(session, admin, ReceiptCreate(plant_id=plant.id, product_id=by_code[code], quantity=quantity,
                                                         supplier=supplier, supplier_lot_ref=ref,
                                                         location_id=where["RAW-A"]), now=at)
        stock.setdefault(lot.product_id, []).append(lot.id)
    outputs = _produce_open_orders(session, admin, pk(plant), stock, where, at + timedelta(hours=1))
    _ship(session, admin, pk(plant), outputs, where, at + timedelta(hours=4))
    held = session.exec(select(Lot).where(Lot.organization_id == organization_id,
                                          Lot.supplier_lot_ref == "ST-24-131")).one()
    lots.hold(session, admin, pk(held), reason="Certificate of conformity missing", now=at + timedelta(hours=5))


def _produce_open_orders(session: Session, admin: Actor, plant_id: int, stock: dict[int, list[int]],
                         where: dict[str, int], at: datetime) -> dict[int, int]:
    """Work orders of the first open orders, sub-assemblies first: consume the BOM, produce a lot."""
    orders = session.exec(select(CustomerOrder.id).where(CustomerOrder.plant_id == plant_id,
                                                         CustomerOrder.status == OrderStatus.RELEASED)
                          .order_by(col(CustomerOrder.id).desc()).limit(ORDERS)).all()
    work = session.exec(select(WorkOrder).where(WorkOrder.plant_id == plant_id, WorkOrder.status == WorkStatus.RELEASED,
                                                col(WorkOrder.order_line_id).is_not(None))).all()
    line_orders = _order_of_lines(session, {w.order_line_id for w in work if w.order_line_id is not None})
    work = [w for w in work if w.order_line_id is not None and line_orders.get(w.order_line_id) in orders]
    outputs: dict[int, int] = {}                       # work order id -> output lot id
    for wo in sorted(work, key=lambda w: (-_depth(session, w), w.id)):
        job = session.exec(select(Operation).where(Operation.work_order_id == wo.id).order_by(col(Operation.sequence))).first()
        assert job is not None, "a released work order has its routing's operations"
        for line in session.exec(select(BomLine).where(BomLine.parent_product_id == wo.product_id)):
            _consume(session, admin, pk(job), stock.get(line.component_product_id, []),
                     math.ceil(Decimal(wo.quantity) * line.quantity_per), at)
        lot = genealogy.produce(session, admin, operation_id=pk(job), quantity=wo.quantity, pass_no=1,
                                location_id=where["WIP" if wo.parent_work_order_id else "FG"], now=at)
        stock.setdefault(lot.product_id, []).insert(0, lot.id)
        outputs[pk(wo)] = lot.id
        at += timedelta(minutes=20)
    return outputs


def _consume(session: Session, admin: Actor, operation_id: int, lot_ids: list[int], needed: int, at: datetime) -> None:
    for lot_id in lot_ids:
        lot = referenced(session, Lot, lot_id)
        if needed <= 0:
            return
        if lot.status != LotStatus.AVAILABLE or lot.quantity == 0:
            continue
        take = min(needed, lot.quantity)
        genealogy.consume(session, admin, operation_id=operation_id, lot_id=lot_id, quantity=take, pass_no=1, now=at)
        needed -= take


def _ship(session: Session, admin: Actor, plant_id: int, outputs: dict[int, int], where: dict[str, int],
          at: datetime) -> None:
    """The first finished lot ships complete; the second is being packed."""
    finished = [(referenced(session, WorkOrder, wo_id), lot_id) for wo_id, lot_id in outputs.items()]
    finished = [(wo, lot_id) for wo, lot_id in finished if wo.parent_work_order_id is None]
    for i, (wo, lot_id) in enumerate(sorted(finished, key=lambda f: pk(f[0]))[:2]):
        lots.move(session, admin, lot_id, where["DOCK"], now=at)
        shipment = shipments.create_shipment(session, admin, ShipmentCreate(
            plant_id=plant_id, lines=[ShipmentLineInput(order_line_id=wo.order_line_id)]), now=at)
        shipment_packing.pack(session, admin, shipment.id, lot_id=lot_id, quantity=None if i == 0 else 1, now=at)
        if i == 0:
            shipments.ship(session, admin, shipment.id, carrier="DHL Freight", tracking_number="JJD000390007812",
                           now=at + timedelta(minutes=30))


def _order_of_lines(session: Session, line_ids: set[int]) -> dict[int, int]:
    if not line_ids:
        return {}
    return {line_id: order_id for line_id, order_id in session.exec(
        select(OrderLine.id, OrderLine.order_id).where(col(OrderLine.id).in_(line_ids))).all() if line_id is not None}


def _depth(session: Session, wo: WorkOrder) -> int:
    depth = 0
    while wo.parent_work_order_id is not None:
        depth, wo = depth + 1, referenced(session, WorkOrder, wo.parent_work_order_id)
    return depth
