"""Genealogy and trace: partial consumption, several inputs, by-products, rework, two production
passes of one work order, forward and backward traces asserted exactly."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.lots import GenealogyLink, LinkKind, LotConsumption, LotStatus
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.trace import genealogy, lots
from services.trace import tracing as trace
from services.trace.lots import ReceiptCreate
from tests.conftest import T0
from tests.factories.trace import make_job, make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


def receive(session, tw, product_id, quantity, supplier="Acme", ref="A-1", actor=None):
    with transaction(session):
        return lots.receive(session, actor or tw.operator, ReceiptCreate(
            plant_id=tw.world.plant1, product_id=product_id, quantity=quantity, supplier=supplier,
            supplier_lot_ref=ref), now=T0)


def consume(session, tw, op, lot_id, quantity=None, **kw):
    with transaction(session):
        return genealogy.consume(session, tw.operator, operation_id=op, lot_id=lot_id, quantity=quantity,
                                 now=T0 + timedelta(minutes=5), **kw)


def produce(session, tw, op, quantity, **kw):
    with transaction(session):
        return genealogy.produce(session, tw.operator, operation_id=op, quantity=quantity,
                                 now=T0 + timedelta(minutes=30), **kw)


def edges(result):
    return sorted((e.input_lot_id, e.output_lot_id, e.quantity, e.kind.value, e.pass_no) for e in result.edges)


def lots_at(result):
    return {lot.id: lot.depth for lot in result.lots}


@pytest.fixture
def plant(session, tw):
    """Two receipts; pass 1 of a bracket job uses steel and paint and gives brackets + chips; pass 2 of
    the same job uses steel only (partly before and partly after its output); frames from pass-1 brackets."""
    steel = receive(session, tw, tw.steel, 100, "Acme Steel", "H-4711")
    paint = receive(session, tw, tw.paint, 50, "Paintco", "P-7")
    wo, op = make_job(session, tw)
    consume(session, tw, op, steel.id, 30, pass_no=1)
    consume(session, tw, op, paint.id, 10, pass_no=1)
    brackets1 = produce(session, tw, op, 20, pass_no=1)
    chips = produce(session, tw, op, 5, pass_no=1, product_id=tw.chips, byproduct=True)
    consume(session, tw, op, steel.id, 40, pass_no=2)
    brackets2 = produce(session, tw, op, 25, pass_no=2)
    late = consume(session, tw, op, steel.id, pass_no=2)           # the rest of the lot, after the output
    _, frame_op = make_job(session, tw, product_id=tw.frame, quantity=10)
    consume(session, tw, frame_op, brackets1.id, 15)
    frames = produce(session, tw, frame_op, 3, serial_numbers=["F-1", "F-2", "F-3"])
    return dict(steel=steel, paint=paint, op=op, wo=wo, brackets1=brackets1, brackets2=brackets2, chips=chips,
                frames=frames, late=late, frame_op=frame_op)


def test_partial_consumption_leaves_the_rest_then_the_last_unit_uses_the_lot_up(session, tw, plant):
    assert plant["late"].quantity == 30 and plant["late"].lot_quantity_left == 0
    steel = lots.get_lot(session, tw.viewer, plant["steel"].id)
    assert (steel.quantity, steel.quantity_initial, steel.status) == (0, 100, LotStatus.CONSUMED)
    paint = lots.get_lot(session, tw.viewer, plant["paint"].id)
    assert (paint.quantity, paint.status) == (40, LotStatus.AVAILABLE)
    brackets1 = lots.get_lot(session, tw.viewer, plant["brackets1"].id)
    assert (brackets1.quantity, brackets1.status) == (5, LotStatus.AVAILABLE)


def test_backward_from_pass_one_output_lists_exactly_its_inputs_not_pass_two(session, tw, plant):
    result = trace.backward(session, tw.viewer, plant["brackets1"].id)
    s, p, b1 = plant["steel"].id, plant["paint"].id, plant["brackets1"].id
    assert edges(result) == sorted([(s, b1, 30, "consume", 1), (p, b1, 10, "consume", 1)])
    assert lots_at(result) == {b1: 0, s: 1, p: 1}
    assert sorted((r.supplier, r.supplier_lot_ref) for r in result.receipts) == [("Acme Steel", "H-4711"), ("Paintco", "P-7")]


def test_backward_from_pass_two_output_has_steel_twice_and_no_paint(session, tw, plant):
    result = trace.backward(session, tw.viewer, plant["brackets2"].id)
    s, b2 = plant["steel"].id, plant["brackets2"].id
    assert edges(result) == [(s, b2, 30, "consume", 2), (s, b2, 40, "consume", 2)]
    assert lots_at(result) == {b2: 0, s: 1}


def test_backward_from_frames_reaches_the_supplier_receipts_at_depth_two(session, tw, plant):
    result = trace.backward(session, tw.viewer, plant["frames"].id)
    s, p, b1, f = plant["steel"].id, plant["paint"].id, plant["brackets1"].id, plant["frames"].id
    assert edges(result) == sorted([(b1, f, 15, "consume", 1), (s, b1, 30, "consume", 1), (p, b1, 10, "consume", 1)])
    assert lots_at(result) == {f: 0, b1: 1, s: 2, p: 2}
    assert {r.id for r in result.receipts} == {s, p}


def test_forward_from_steel_reaches_both_passes_the_byproduct_and_the_serials(session, tw, plant):
    result = trace.forward(session, tw.viewer, plant["steel"].id)
    s, b1, b2, c, f = (plant[k].id for k in ("steel", "brackets1", "brackets2", "chips", "frames"))
    assert edges(result) == sorted([
        (s, b1, 30, "consume", 1), (s, c, 30, "byproduct", 1), (s, b2, 40, "consume", 2), (s, b2, 30, "consume", 2),
        (b1, f, 15, "consume", 1)])
    assert lots_at(result) == {s: 0, b1: 1, c: 1, b2: 1, f: 2}
    assert [x.number for x in result.serials] == ["F-1", "F-2", "F-3"]
    assert result.shipments == [] and result.customers == []


def test_forward_from_paint_does_not_reach_pass_two(session, tw, plant):
    result = trace.forward(session, tw.viewer, plant["paint"].id)
    p, b1, c, f = (plant[k].id for k in ("paint", "brackets1", "chips", "frames"))
    assert edges(result) == sorted([(p, b1, 10, "consume", 1), (p, c, 10, "byproduct", 1), (b1, f, 15, "consume", 1)])
    assert plant["brackets2"].id not in lots_at(result)


def test_consumption_after_output_links_only_to_outputs_of_its_own_pass(session, tw, plant):
    assert plant["late"].linked_output_lot_ids == [plant["brackets2"].id]
    links = session.exec(select(GenealogyLink).where(GenealogyLink.consumption_id == plant["late"].id)).all()
    assert [(link.output_lot_id, link.quantity, link.pass_no) for link in links] == [(plant["brackets2"].id, 30, 2)]


def test_rework_is_linked_as_rework(session, tw, plant):
    _, rework_op = make_job(session, tw, quantity=5)
    consume(session, tw, rework_op, plant["brackets1"].id, 5, kind=LinkKind.REWORK)
    reworked = produce(session, tw, rework_op, 5)
    result = trace.backward(session, tw.viewer, reworked.id)
    assert (plant["brackets1"].id, reworked.id, 5, "rework", 1) in edges(result)
    assert lots.get_lot(session, tw.viewer, plant["brackets1"].id).status == LotStatus.CONSUMED


def test_a_cycle_ends_the_walk(session, tw, plant):
    """Reworking a lot's output back into a job that feeds it must not loop the recursive query."""
    with transaction(session):
        session.add(GenealogyLink(organization_id=tw.world.org_a, input_lot_id=plant["frames"].id,
                                  output_lot_id=plant["steel"].id, quantity=1, kind=LinkKind.REWORK))
    result = trace.forward(session, tw.viewer, plant["steel"].id)
    assert lots_at(result)[plant["frames"].id] == 2 and lots_at(result)[plant["steel"].id] == 0


def test_default_pass_is_the_current_one_and_start_pass_opens_the_next(session, tw):
    steel = receive(session, tw, tw.steel, 10)
    _, op = make_job(session, tw)
    assert genealogy.current_pass(session, tw.viewer, op) == 1
    first = consume(session, tw, op, steel.id, 2)
    assert first.pass_no == 1
    with transaction(session):
        nxt = genealogy.start_pass(session, tw.operator, op)
    assert nxt == 2
    second = consume(session, tw, op, steel.id, 3, pass_no=nxt)
    assert second.pass_no == 2 and genealogy.current_pass(session, tw.viewer, op) == 2
    assert [c.quantity for c in genealogy.consumptions(session, tw.viewer, op)] == [2, 3]


def test_serialized_output_needs_one_serial_per_unit_and_is_consumed_by_serial(session, tw):
    _, op = make_job(session, tw, product_id=tw.frame)
    with pytest.raises(Invalid):
        produce(session, tw, op, 2, serial_numbers=["X-1"])
    frames = produce(session, tw, op, 2)                       # numbered from the sequence
    serials = lots.lot_serials(session, tw.viewer, frames.id)
    assert [s.number for s in serials] == ["SN-000001", "SN-000002"]
    _, assembly = make_job(session, tw)
    with pytest.raises(Invalid, match="serial"):
        consume(session, tw, assembly, frames.id, 1)
    with transaction(session):
        used = genealogy.consume(session, tw.operator, operation_id=assembly, serial_id=serials[0].id, now=T0)
    assert used.quantity == 1 and used.lot_quantity_left == 1
    assert lots.serial_by_number(session, tw.viewer, "SN-000001").status == LotStatus.CONSUMED
    out = produce(session, tw, assembly, 1)
    serial_forward = trace.serial_trace(session, tw.viewer, serials[0].id, "forward")
    assert out.id in lots_at(serial_forward)


@pytest.mark.parametrize("status_change", ["hold", "used_up"])
def test_held_or_used_up_lots_are_refused_and_nothing_changes(session, tw, status_change):
    steel = receive(session, tw, tw.steel, 10)
    _, op = make_job(session, tw)
    if status_change == "hold":
        with transaction(session):
            lots.hold(session, tw.quality, steel.id, reason="Certificate missing", now=T0)
    else:
        consume(session, tw, op, steel.id)
    before = session.exec(select(LotConsumption)).all()
    with pytest.raises(Conflict):
        consume(session, tw, op, steel.id, 1)
    session.rollback()
    assert session.exec(select(LotConsumption)).all() == before


def test_bad_input_is_refused_and_changes_nothing(session, tw):
    steel = receive(session, tw, tw.steel, 10)
    _, op = make_job(session, tw)
    with pytest.raises(Conflict, match="only 10"):
        consume(session, tw, op, steel.id, 11)
    with pytest.raises(Invalid):
        consume(session, tw, op, steel.id, 0)
    with pytest.raises(NotFound):
        consume(session, tw, op, 999_999, 1)
    with pytest.raises(Invalid):
        consume(session, tw, op, steel.id, 1, kind=LinkKind.BYPRODUCT)
    with pytest.raises(Invalid):
        produce(session, tw, op, 1, product_id=tw.chips)        # another product, not marked a by-product
    session.rollback()
    assert lots.get_lot(session, tw.viewer, steel.id).quantity == 10
    assert session.exec(select(LotConsumption)).all() == []


def test_other_organizations_and_plants_see_nothing_and_change_nothing(session, tw, plant):
    steel_id, op = plant["steel"].id, plant["op"]
    for stranger in (tw.outsider, tw.other_plant):
        with pytest.raises(NotFound):
            trace.forward(session, stranger, steel_id)
        with pytest.raises(NotFound):
            trace.backward(session, stranger, plant["frames"].id)
        with pytest.raises(NotFound):
            lots.get_lot(session, stranger, steel_id)
        with pytest.raises(NotFound):
            lots.lot_by_number(session, stranger, plant["paint"].number)
        with pytest.raises((NotFound, Forbidden)):
            genealogy.consume(session, stranger, operation_id=op, lot_id=plant["paint"].id, quantity=1, now=T0)
        session.rollback()
    assert lots.get_lot(session, tw.viewer, plant["paint"].id).quantity == 40


def test_a_viewer_cannot_consume_or_receive(session, tw, plant):
    with pytest.raises(Forbidden):
        genealogy.consume(session, tw.viewer, operation_id=plant["op"], lot_id=plant["paint"].id, quantity=1, now=T0)
    with pytest.raises(Forbidden):
        lots.receive(session, tw.viewer, ReceiptCreate(plant_id=tw.world.plant1, product_id=tw.steel, quantity=1,
                                                       supplier="X"), now=T0)


def test_events_and_audit_are_recorded(session, tw, captured_events):
    steel = receive(session, tw, tw.steel, 10)
    _, op = make_job(session, tw)
    consume(session, tw, op, steel.id, 4)
    produce(session, tw, op, 2)
    names = [e.name for e in captured_events if e.name.startswith("lot.")]
    assert names == ["lot.received", "lot.consumed", "lot.produced"]
