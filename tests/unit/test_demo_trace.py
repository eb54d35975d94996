"""The demo's traceability data is made by the real services: a finished lot traces back to supplier
receipts, a shipment reached a customer, and a held receipt is on hold."""
from datetime import timedelta

from sqlmodel import select

from models.lots import Lot, LotOrigin, LotStatus
from models.organization import Organization
from models.shipments import Shipment, ShipmentStatus
from services.core.db import transaction
from services.demo import seed as demo
from services.org.organizations import system_actor
from services.trace import lots
from services.trace import tracing as trace
from tests.conftest import T0


def test_demo_trace_links_finished_lots_to_receipts_and_customers(session):
    with transaction(session):
        assert demo.seed_demo(session, now=T0) is True
    acme = session.exec(select(Organization).where(Organization.slug == "acme")).one()
    actor = system_actor(session, acme.id)
    statuses = {s.status for s in session.exec(select(Shipment).where(Shipment.organization_id == acme.id))}
    assert statuses == {ShipmentStatus.SHIPPED, ShipmentStatus.PACKING}
    shipped = session.exec(select(Shipment).where(Shipment.status == ShipmentStatus.SHIPPED)).one()
    produced = session.exec(select(Lot).where(Lot.organization_id == acme.id, Lot.origin == LotOrigin.PRODUCTION)).all()
    assert len(produced) >= 4
    finished = [lot for lot in produced if lot.work_order_id and lot.location_id and lot.status == LotStatus.SHIPPED]
    assert finished
    back = trace.backward(session, actor, finished[0].id)
    assert max(lot.depth for lot in back.lots) >= 2 and back.receipts
    steel = session.exec(select(Lot).where(Lot.supplier_lot_ref == "ST-24-118")).one()
    forward = trace.forward(session, actor, steel.id)
    assert forward.lots and len(forward.lots) > 1
    held = session.exec(select(Lot).where(Lot.supplier_lot_ref == "ST-24-131")).one()
    assert held.status == LotStatus.ON_HOLD
    assert any(s.id == shipped.id for s in trace.forward_from(session, actor, [lot.id for lot in back.receipts]).shipments)
    cartons = session.exec(select(Lot).where(Lot.supplier_lot_ref == "KK-2291")).one()
    assert lots.lot_by_number(session, actor, cartons.number).supplier_lot_ref == "KK-2291"   # the browser finds it
    history = session.exec(select(Lot).where(Lot.organization_id == acme.id, Lot.origin == LotOrigin.PRODUCTION,
                                             Lot.created_at < T0 - timedelta(days=1))).all()
    assert history and all(lot.quantity_initial > 0 and lot.operation_id for lot in history)   # shop-floor output lots
    assert shipped.number in {s.number for s in trace.forward(session, actor, cartons.id).shipments}
