"""The lean pack path scanning stations use: `shipment_packing.pack_item` packs exactly as `pack` does but
answers only the packed item and its line: it reads no other item of the shipment (the statements it
runs are inspected, not timed), while `pack` keeps answering the whole shipment."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from models.shipments import ShipmentStatus
from services.core.db import transaction
from services.trace import genealogy, lots, shipment_packing, shipment_reads, shipments
from services.trace.shipments import ShipmentCreate, ShipmentLineInput
from tests.conftest import T0
from tests.factories.trace import make_job, make_order, make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


@pytest.fixture
def ready(session, tw):
    """A shipment of 40 brackets and eight produced bracket lots of 5."""
    _, op = make_job(session, tw)
    with transaction(session):
        made = [genealogy.produce(session, tw.operator, operation_id=op, quantity=5, now=T0) for _ in range(8)]
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 40)])
    with transaction(session):
        shipment = shipments.create_shipment(session, tw.operator, ShipmentCreate(
            plant_id=tw.world.plant1, lines=[ShipmentLineInput(order_line_id=line_id)]), now=T0)
    return shipment, made


def statements(session, fn):
    seen = []
    listener = lambda *args: seen.append(args[2])            # noqa: E731 (conn, cursor, statement, ...)
    sa.event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        with transaction(session):
            result = fn()
    finally:
        sa.event.remove(session.get_bind(), "before_cursor_execute", listener)
    return result, seen


def test_pack_item_answers_the_item_and_its_line_and_packs_like_pack(session, tw, ready):
    shipment, made = ready
    at = T0 + timedelta(hours=1)
    packed = statements(session, lambda: shipment_packing.pack_item(session, tw.operator, shipment.id, lot_id=made[0].id,
                                                             now=at))[0]
    assert (packed.shipment_id, packed.shipment_number, packed.shipment_status) == (
        shipment.id, shipment.number, ShipmentStatus.PACKING)
    assert (packed.item.lot_number, packed.item.quantity, packed.item.product_code, packed.item.packed_at) == (
        made[0].number, 5, made[0].product_code, at)
    assert (packed.line_quantity, packed.line_quantity_packed) == (40, 5)
    full = statements(session, lambda: shipment_packing.pack(session, tw.operator, shipment.id, lot_id=made[1].id, now=at))[0]
    assert full.item.model_dump().keys() == packed.item.model_dump().keys()
    assert full.shipment.quantity_packed == 10 and len(full.shipment.items) == 2
    assert shipment_reads.get_shipment(session, tw.viewer, shipment.id).items[0] == packed.item
    assert lots.get_lot(session, tw.viewer, made[0].id).quantity == 0


def test_pack_item_reads_no_other_item_of_the_shipment(session, tw, ready):
    shipment, made = ready
    for lot in made[:3]:
        _, seen = statements(session, lambda lot=lot: shipment_packing.pack_item(session, tw.operator, shipment.id, lot_id=lot.id,
                                                                  now=T0 + timedelta(hours=1)))
        reads = [s for s in seen if s.lstrip().upper().startswith("SELECT") and "FROM shipment_item" in s]
        assert reads == [], reads
    _, seen = statements(session, lambda: shipment_packing.pack(session, tw.operator, shipment.id, lot_id=made[3].id,
                                                         now=T0 + timedelta(hours=1)))
    assert any(s.lstrip().upper().startswith("SELECT") and "FROM shipment_item" in s for s in seen)
