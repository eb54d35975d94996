"""Shipments (create, pack, ship, refusals, history, OTD fields) and recall simulation."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.config import Notification
from models.lots import LotStatus
from models.orders import CustomerOrder, OrderLine, OrderStatus
from models.shipments import ShipmentItem, ShipmentStatus
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.messages import from_data, render
from services.trace import lots, recall, shipment_packing, shipment_reads, shipments
from services.trace.recall import RecallQuery
from tests.conftest import T0
from tests.factories.shipments import make_output, make_recall_case, new_shipment, pack, receive, ship
from tests.factories.trace import make_order, make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


# ----- shipments -------------------------------------------------------------------------------

def test_pack_and_ship_delivers_order_lines_and_records_history(session, tw):
    steel = receive(session, tw, tw.steel, 100, "H-1")
    brackets = make_output(session, tw, [(steel.id, 40)], tw.bracket, 30)
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 20)])
    shp = new_shipment(session, tw, [line_id])
    assert shp.number == "SHP-000001" and shp.status == ShipmentStatus.OPEN and shp.quantity == 20
    packed = pack(session, tw, shp.id, lot_id=brackets.id, quantity=12)
    assert packed.shipment.status == ShipmentStatus.PACKING and packed.shipment.quantity_packed == 12
    packed = pack(session, tw, shp.id, lot_id=brackets.id)          # the rest the line needs
    assert packed.item.quantity == 8
    assert lots.get_lot(session, tw.viewer, brackets.id).quantity == 10
    done = ship(session, tw, shp.id)
    assert (done.status, done.carrier, done.tracking_number) == (ShipmentStatus.SHIPPED, "DHL", "JD0001")
    order_line = session.get(OrderLine, line_id)
    session.refresh(order_line)
    assert order_line.quantity_delivered == 20 and order_line.delivered_at == T0 + timedelta(hours=3)
    assert [(h["from_status"], h["to_status"]) for h in shipment_reads.history(session, tw.viewer, shp.id)] == [
        (None, "open"), ("open", "packing"), ("packing", "shipped")]
    assert lots.get_lot(session, tw.viewer, brackets.id).status == LotStatus.AVAILABLE   # 10 left in stock


def test_partial_shipment_leaves_the_rest_to_ship_and_no_delivery_date(session, tw):
    steel = receive(session, tw, tw.steel, 100, "H-1")
    brackets = make_output(session, tw, [(steel.id, 10)], tw.bracket, 5)
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 8)])
    shp = new_shipment(session, tw, [line_id])
    pack(session, tw, shp.id, lot_id=brackets.id)
    ship(session, tw, shp.id)
    order_line = session.get(OrderLine, line_id)
    session.refresh(order_line)
    assert (order_line.quantity_delivered, order_line.delivered_at) == (5, None)
    assert lots.get_lot(session, tw.viewer, brackets.id).status == LotStatus.SHIPPED
    [open_line] = shipment_reads.open_order_lines(session, tw.viewer, plant_id=tw.world.plant1)
    assert open_line.quantity_to_ship == 3


def test_only_released_orders_are_offered_and_shipped(session, tw):
    (released,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 4)])
    (unreleased,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 6)])
    with transaction(session):
        order = session.get(CustomerOrder, session.get(OrderLine, unreleased).order_id)
        order.status = OrderStatus.OPEN
        session.add(order)
    offered = shipment_reads.open_order_lines(session, tw.viewer, plant_id=tw.world.plant1)
    assert [line.order_line_id for line in offered] == [released]
    with pytest.raises(Invalid) as refused:
        new_shipment(session, tw, [unreleased])
    assert refused.value.fields == {"lines.0": f"Order {order.number} is not released yet: release it first."}


def test_packing_refusals_change_nothing(session, tw):
    steel = receive(session, tw, tw.steel, 100, "H-1")
    brackets = make_output(session, tw, [(steel.id, 10)], tw.bracket, 10)
    held = make_output(session, tw, [(steel.id, 10)], tw.bracket, 10)
    frames = make_output(session, tw, [(steel.id, 10)], tw.frame, 2)
    with transaction(session):
        lots.hold(session, tw.quality, held.id, reason="Burr", now=T0)
    (line_id, frame_line) = make_order(session, tw, tw.customers[0], [(tw.bracket, 4), (tw.frame, 2)])
    shp = new_shipment(session, tw, [line_id, frame_line])
    serials = lots.lot_serials(session, tw.viewer, frames.id)
    cases = [
        (dict(lot_id=held.id), Conflict, "on hold"),
        (dict(lot_id=steel.id), Conflict, "Wrong product"),
        (dict(lot_id=brackets.id, quantity=5), Conflict, "over-pack"),
        (dict(lot_id=frames.id), Invalid, "serial"),
        (dict(lot_id=999_999), NotFound, "Lot"),
        (dict(), Invalid, "lot"),
    ]
    for kwargs, error, words in cases:
        with pytest.raises(error, match=words):
            pack(session, tw, shp.id, **kwargs)
        session.rollback()
    assert session.exec(select(ShipmentItem)).all() == []
    assert lots.get_lot(session, tw.viewer, brackets.id).quantity == 10
    pack(session, tw, shp.id, serial_id=serials[0].id)
    with pytest.raises(Conflict, match="already packed"):
        pack(session, tw, shp.id, serial_id=serials[0].id)
    session.rollback()
    pack(session, tw, shp.id, lot_id=brackets.id, quantity=4)
    with pytest.raises(Conflict, match="over-pack"):
        pack(session, tw, shp.id, lot_id=brackets.id, quantity=1)
    session.rollback()
    assert shipment_reads.get_shipment(session, tw.viewer, shp.id).quantity_packed == 5


def test_a_fully_packed_lot_scanned_again_is_already_packed(session, tw):
    steel = receive(session, tw, tw.steel, 100, "H-1")
    brackets = make_output(session, tw, [(steel.id, 10)], tw.bracket, 3)
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 10)])
    shp = new_shipment(session, tw, [line_id])
    pack(session, tw, shp.id, lot_id=brackets.id)
    with pytest.raises(Conflict, match="already packed in shipment SHP-000001"):
        pack(session, tw, shp.id, lot_id=brackets.id)


def test_unpack_cancel_and_ship_with_a_held_lot(session, tw):
    steel = receive(session, tw, tw.steel, 100, "H-1")
    brackets = make_output(session, tw, [(steel.id, 10)], tw.bracket, 10)
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 10)])
    shp = new_shipment(session, tw, [line_id])
    with pytest.raises(Conflict, match="nothing packed"):
        ship(session, tw, shp.id)
    session.rollback()
    item = pack(session, tw, shp.id, lot_id=brackets.id, quantity=6).item
    with transaction(session):
        lots.hold(session, tw.quality, brackets.id, reason="Suspect", now=T0)
    with pytest.raises(Conflict, match="on hold"):
        ship(session, tw, shp.id)
    session.rollback()
    with transaction(session):
        after = shipment_packing.unpack(session, tw.operator, item.id, now=T0)
    assert after.status == ShipmentStatus.OPEN and after.items == []
    with pytest.raises(Forbidden):          # cancelling is final: not for scanning rights
        shipments.cancel(session, tw.operator, shp.id, reason="Customer called", now=T0)
    session.rollback()
    planner = tw.world.actor(tw.world.planner1)
    with transaction(session):
        cancelled = shipments.cancel(session, planner, shp.id, reason="Customer called", now=T0)
    assert cancelled.status == ShipmentStatus.CANCELLED
    assert lots.get_lot(session, tw.viewer, brackets.id).quantity == 10
    with pytest.raises(Conflict):
        pack(session, tw, shp.id, lot_id=brackets.id)


def test_create_refuses_bad_lines(session, tw):
    (line1,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
    (line2,) = make_order(session, tw, tw.customers[1], [(tw.bracket, 5)])
    for lines, quantities in [([line1, line2], None), ([line1], [6]), ([line1, line1], None), ([], None)]:
        with pytest.raises(Invalid):
            new_shipment(session, tw, lines, quantities)
        session.rollback()
    new_shipment(session, tw, [line1], [5])
    with pytest.raises(Invalid, match="nothing left"):
        new_shipment(session, tw, [line1])
    session.rollback()
    with pytest.raises(NotFound):
        new_shipment(session, tw, [line1], actor=tw.outsider)
    with pytest.raises(Forbidden):
        new_shipment(session, tw, [line1], actor=tw.viewer)


def test_shipments_of_another_organization_or_plant_do_not_exist(session, tw):
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
    shp = new_shipment(session, tw, [line_id])
    for stranger in (tw.outsider, tw.other_plant):
        with pytest.raises(NotFound):
            shipment_reads.get_shipment(session, stranger, shp.id)
        with pytest.raises(NotFound):
            shipment_reads.shipment_by_number(session, stranger, shp.number)
        with pytest.raises(NotFound):
            shipments.ship(session, stranger, shp.id, carrier="X", tracking_number="1", now=T0)
        assert shipment_reads.list_shipments(session, stranger)[1] == 0
    assert shipment_reads.get_shipment(session, tw.viewer, shp.id).status == ShipmentStatus.OPEN


# ----- recall ----------------------------------------------------------------------------------

@pytest.fixture
def recall_case(session, tw):
    return make_recall_case(session, tw)


def test_recall_from_a_supplier_lot_lists_exactly_the_shipments_and_customers_it_reached(session, tw, recall_case):
    result = recall.simulate(session, tw.viewer, RecallQuery(supplier_lot_ref="h-1"))
    c1, c2, c3 = tw.customers
    shipped = recall_case["shipped"]
    assert result.suspect_lot_ids == [recall_case["h1"].id]
    assert sorted(s.number for s in result.trace.shipments) == sorted([shipped[c1], shipped[c2], shipped[c3]])
    assert [c.id for c in result.trace.customers] == [c1, c2, c3]
    assert {lot.id for lot in result.lots} == {recall_case[k].id for k in ("h1", "brackets", "frames")}
    assert len(result.trace.serials) == 2
    quantities = {s.customer_id: s.quantity for s in result.trace.shipments}
    assert quantities == {c1: 12, c2: 2, c3: 5}


def test_recall_from_a_lot_and_from_a_machine_range(session, tw, recall_case):
    by_lot = recall.simulate(session, tw.viewer, RecallQuery(lot_id=recall_case["paint"].id))
    assert [c.id for c in by_lot.trace.customers] == [tw.customers[0], tw.customers[2]]
    machine = tw.line.machine_ids[0]
    window = recall.simulate(session, tw.viewer, RecallQuery(machine_id=machine, start=T0 + timedelta(hours=4),
                                                             end=T0 + timedelta(hours=10)))
    assert window.suspect_lot_ids == [recall_case["frames"].id, recall_case["clean"].id]
    assert [c.id for c in window.trace.customers] == [tw.customers[1], recall_case["c4"]]


def test_recall_hold_holds_stock_on_hand_in_one_audited_action_and_notifies(session, tw, recall_case):
    with transaction(session):
        held = recall.hold_affected(session, tw.quality, RecallQuery(supplier_lot_ref="H-1"),
                                    reason="Supplier reports cracks", now=T0 + timedelta(days=1))
    # H-1 has 70 kg left; brackets have 13 left (30 - 12 - 5); frames are all packed or shipped
    assert sorted(held.held_lot_ids) == sorted([recall_case["h1"].id, recall_case["brackets"].id])
    for key in ("h1", "brackets"):
        assert lots.get_lot(session, tw.viewer, recall_case[key].id).status == LotStatus.ON_HOLD
    assert lots.get_lot(session, tw.viewer, recall_case["clean"].id).status == LotStatus.SHIPPED
    entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "recall")).all()
    assert len(entries) == 1 and sorted(entries[0].changes["held_lot_ids"]) == sorted(held.held_lot_ids)
    notes = session.exec(select(Notification).where(Notification.entity_type == "recall")).all()
    assert tw.quality.user_id in {n.user_id for n in notes}
    assert notes[0].title == "Recall hold: 2 lot(s) put on hold"                     # stored: its English
    assert render(from_data(notes[0].title_message), "ja") == "リコール保留: 2 ロットを保留にしました"
    assert "Supplier reports cracks" in notes[0].body and "\n影響を受ける出荷: " in render(from_data(notes[0].body_message), "ja")
    assert held.result.on_hand and all(lot.status == LotStatus.ON_HOLD for lot in held.result.on_hand)


def test_recall_bad_queries_are_refused(session, tw, recall_case):
    for query in [RecallQuery(), RecallQuery(lot_id=recall_case["h1"].id, supplier_lot_ref="H-1"),
                  RecallQuery(machine_id=tw.line.machine_ids[0], start=T0, end=T0)]:
        with pytest.raises(Invalid):
            recall.simulate(session, tw.viewer, query)
    with pytest.raises(NotFound):
        recall.simulate(session, tw.viewer, RecallQuery(supplier_lot_ref="NOPE"))
    for stranger in (tw.outsider, tw.other_plant):
        with pytest.raises(NotFound):
            recall.simulate(session, stranger, RecallQuery(lot_id=recall_case["h1"].id))
        with pytest.raises(NotFound):
            recall.simulate(session, stranger, RecallQuery(supplier_lot_ref="H-1"))
    with pytest.raises(Forbidden):
        recall.hold_affected(session, tw.viewer, RecallQuery(supplier_lot_ref="H-1"), reason="x", now=T0)
    session.rollback()
    assert lots.get_lot(session, tw.viewer, recall_case["h1"].id).status == LotStatus.AVAILABLE


def test_the_recall_read_says_what_a_hold_takes_and_whether_the_actor_may_hold(session, tw, recall_case):
    query = RecallQuery(supplier_lot_ref="H-1")
    seen = recall.simulate(session, tw.quality, query)
    # H-1 has 70 kg left, brackets 13 (30 - 12 - 5); frames are packed or shipped
    assert sorted(seen.holdable_lot_ids) == sorted([recall_case["h1"].id, recall_case["brackets"].id])
    assert seen.may_hold is True
    assert recall.simulate(session, tw.viewer, query).may_hold is False
    with transaction(session):
        held = recall.hold_affected(session, tw.quality, query, reason="Cracks", now=T0, notify=False)
    assert sorted(held.held_lot_ids) == sorted(seen.holdable_lot_ids)
    assert recall.simulate(session, tw.quality, query).holdable_lot_ids == []
