"""Shipping and recall test data on top of tests/factories/trace.py: supplier receipts, output lots made
from inputs, shipments packed and shipped, and the recall case several test layers share."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from models.catalog import Customer
from services.core.db import transaction
from services.trace import genealogy, lots, shipment_packing, shipments
from services.trace.lots import ReceiptCreate
from services.trace.shipments import ShipmentCreate, ShipmentLineInput
from tests.conftest import T0
from tests.factories.production import add
from tests.factories.trace import TraceWorld, make_job, make_order


def receive(session, tw, product_id, quantity, ref, supplier="Acme Steel"):
    with transaction(session):
        return lots.receive(session, tw.operator, ReceiptCreate(
            plant_id=tw.world.plant1, product_id=product_id, quantity=quantity, supplier=supplier,
            supplier_lot_ref=ref), now=T0)


def make_output(session, tw, inputs, product_id, quantity, *, at=T0 + timedelta(hours=1)):
    _, op = make_job(session, tw, product_id=product_id)
    with transaction(session):
        for lot_id, q in inputs:
            genealogy.consume(session, tw.operator, operation_id=op, lot_id=lot_id, quantity=q, now=at)
        return genealogy.produce(session, tw.operator, operation_id=op, quantity=quantity, now=at)


def new_shipment(session, tw, order_line_ids, quantities=None, actor=None):
    quantities = quantities or [None] * len(order_line_ids)
    with transaction(session):
        return shipments.create_shipment(session, actor or tw.operator, ShipmentCreate(
            plant_id=tw.world.plant1, lines=[ShipmentLineInput(order_line_id=i, quantity=q)
                                             for i, q in zip(order_line_ids, quantities, strict=True)]), now=T0)


def pack(session, tw, shipment_id, **kw):
    with transaction(session):
        return shipment_packing.pack(session, tw.operator, shipment_id, now=T0 + timedelta(hours=2), **kw)


def ship(session, tw, shipment_id, at=T0 + timedelta(hours=3)):
    with transaction(session):
        return shipments.ship(session, tw.operator, shipment_id, carrier="DHL", tracking_number="JD0001", now=at)


def make_recall_case(session: Session, tw: TraceWorld) -> dict:
    """Supplier lot H-1 goes into brackets and into frames; brackets ship to customers 1 and 3, frames
    to customer 2. Supplier lot H-2 goes into other brackets shipped to a fourth customer."""
    h1 = receive(session, tw, tw.steel, 100, "H-1")
    h2 = receive(session, tw, tw.steel, 100, "H-2")
    paint = receive(session, tw, tw.paint, 10, "P-1", supplier="Paintco")
    brackets = make_output(session, tw, [(h1.id, 20), (paint.id, 2)], tw.bracket, 30, at=T0 + timedelta(hours=1))
    frames = make_output(session, tw, [(h1.id, 10)], tw.frame, 2, at=T0 + timedelta(hours=5))
    clean = make_output(session, tw, [(h2.id, 20)], tw.bracket, 10, at=T0 + timedelta(hours=9))
    with transaction(session):
        c4 = add(session, Customer(organization_id=tw.world.org_a, code="CUST4", name="Customer 4")).id
    c1, c2, c3 = tw.customers
    shipped = {}
    for customer, product, quantity, lot in [(c1, tw.bracket, 12, brackets), (c2, tw.frame, 2, frames),
                                              (c3, tw.bracket, 5, brackets), (c4, tw.bracket, 10, clean)]:
        (line_id,) = make_order(session, tw, customer, [(product, quantity)])
        shp = new_shipment(session, tw, [line_id])
        if product == tw.frame:
            for serial in lots.lot_serials(session, tw.viewer, lot.id):
                pack(session, tw, shp.id, serial_id=serial.id)
        else:
            pack(session, tw, shp.id, lot_id=lot.id)
        if customer != c3:                      # customer 3's shipment is packed, not yet shipped
            ship(session, tw, shp.id)
        shipped[customer] = shp.number
    return dict(h1=h1, h2=h2, paint=paint, brackets=brackets, frames=frames, clean=clean, shipped=shipped, c4=c4)
