"""Scanning service: each mode through the traceability services, answers in shop-floor words,
duplicates counted once, bad labels change nothing, other organizations and plants are refused."""
from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, func, select

from models.lots import Lot, LotConsumption, LotStatus
from models.scans import Scan, ScanMode
from models.shipments import Shipment, ShipmentItem, ShipmentStatus
from services.core.db import transaction
from services.core.errors import Forbidden
from services.trace import lots, scanning
from services.trace.scanning import ScanRequest
from tests.conftest import T0
from tests.factories.scanning import (
    make_location,
    make_shipment,
    payload,
    receive_lot,
    station,
)
from tests.factories.trace import make_job, make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


def run(session, actor, mode, raw, **context):
    with transaction(session):
        return scanning.scan(session, actor, ScanRequest(mode=mode, raw=raw, **context), now=T0)


def counts(session) -> tuple:
    return tuple(session.exec(select(func.count()).select_from(model)).one()
                 for model in (Lot, LotConsumption, ShipmentItem)) + (
        tuple(session.exec(select(Lot.quantity).order_by(Lot.id)).all()),)


# --- pack and ship -------------------------------------------------------------------------------------

def test_station_packs_a_shipment_by_scanning_and_ships_it(session, tw):
    dock = station(session, tw)
    lot = receive_lot(session, tw, tw.bracket, 30)
    shipment_id = make_shipment(session, tw, tw.bracket, 30)
    shp = payload(session, tw, "SHP", shipment_id)

    first = run(session, dock, ScanMode.PACK, shp)
    assert first.ok and first.reason == "context" and (first.context_kind, first.context_id) == ("shipment", shipment_id)
    packed = run(session, dock, ScanMode.PACK, payload(session, tw, "LOT", lot.id), shipment_id=shipment_id)
    assert packed.ok and packed.quantity == 30 and "Packed 30" in packed.message
    shipped = run(session, dock, ScanMode.SHIP, shp, carrier="DHL", tracking_number="JD0001")
    assert shipped.ok and "shipped with DHL" in shipped.message
    assert session.get(Shipment, shipment_id).status == ShipmentStatus.SHIPPED
    again = run(session, dock, ScanMode.SHIP, shp, carrier="DHL")
    assert not again.ok and again.reason == "already_shipped"
    rows = session.exec(select(Scan).order_by(Scan.id)).all()
    assert [(r.api_token_id, r.plant_id, r.result.value) for r in rows] == [(dock.api_token_id, tw.world.plant1, "ok")] * 3 + [
        (dock.api_token_id, tw.world.plant1, "error")]


def test_packing_answers_wrong_product_on_hold_already_packed_and_counts_a_rescan_once(session, tw):
    dock = station(session, tw)
    good = receive_lot(session, tw, tw.bracket, 10)
    held = receive_lot(session, tw, tw.bracket, 5)
    steel = receive_lot(session, tw, tw.steel, 100)
    with transaction(session):
        lots.hold(session, tw.quality, held.id, reason="Burr on edge", now=T0)
    shipment_id = make_shipment(session, tw, tw.bracket, 20)
    ctx = {"shipment_id": shipment_id}

    wrong = run(session, dock, ScanMode.PACK, payload(session, tw, "LOT", steel.id), **ctx)
    assert (wrong.ok, wrong.reason) == (False, "wrong_product") and "Wrong product" in wrong.message
    on_hold = run(session, dock, ScanMode.PACK, payload(session, tw, "LOT", held.id), **ctx)
    assert (on_hold.ok, on_hold.reason) == (False, "on_hold") and "on hold" in on_hold.message
    assert run(session, dock, ScanMode.PACK, payload(session, tw, "LOT", good.id), **ctx).ok
    before = counts(session)
    rescan = run(session, dock, ScanMode.PACK, payload(session, tw, "LOT", good.id), **ctx)
    assert (rescan.ok, rescan.reason) == (False, "already_scanned") and "counted once" in rescan.message
    assert counts(session) == before
    assert session.exec(select(func.sum(ShipmentItem.quantity))).one() == 10


def test_a_lot_packed_elsewhere_is_already_packed(session, tw):
    dock = station(session, tw)
    lot = receive_lot(session, tw, tw.bracket, 10)
    one, two = make_shipment(session, tw, tw.bracket, 10), make_shipment(session, tw, tw.bracket, 10)
    assert run(session, dock, ScanMode.PACK, payload(session, tw, "LOT", lot.id), shipment_id=one).ok
    other = run(session, dock, ScanMode.PACK, payload(session, tw, "LOT", lot.id), shipment_id=two)
    assert (other.ok, other.reason) == (False, "already_packed")


def test_a_scan_needs_its_context_first(session, tw):
    dock = station(session, tw)
    lot = receive_lot(session, tw, tw.bracket, 10)
    answer = run(session, dock, ScanMode.PACK, payload(session, tw, "LOT", lot.id))
    assert not answer.ok and "Scan the shipment label first" in answer.message


# --- client scan ids -----------------------------------------------------------------------------------

def test_the_same_client_scan_id_is_answered_once_and_counted_once(session, tw):
    dock = station(session, tw)
    lot = receive_lot(session, tw, tw.bracket, 10)
    shipment_id = make_shipment(session, tw, tw.bracket, 20)
    raw = payload(session, tw, "LOT", lot.id)
    first = run(session, dock, ScanMode.PACK, raw, shipment_id=shipment_id, client_scan_id="scan-1")
    retry = run(session, dock, ScanMode.PACK, raw, shipment_id=shipment_id, client_scan_id="scan-1")
    assert retry.duplicate and (retry.id, retry.ok, retry.message) == (first.id, True, first.message)
    assert session.exec(select(func.count()).select_from(Scan)).one() == 1
    assert session.exec(select(func.count()).select_from(ShipmentItem)).one() == 1


def test_the_same_client_scan_id_sent_at_the_same_moment_runs_once(engine, session, tw):
    dock = station(session, tw)
    lot = receive_lot(session, tw, tw.steel, 100)
    wo_id, job_id = make_job(session, tw)
    raw = payload(session, tw, "LOT", lot.id)
    answers, barrier = [], threading.Barrier(4)

    def send():
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            answers.append(run(own, dock, ScanMode.CONSUME, raw, operation_id=job_id, quantity=7,
                               client_scan_id="burst-1"))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 4 and all(a.ok for a in answers)
    assert sorted(a.duplicate for a in answers) == [False, True, True, True]
    session.expire_all()
    assert session.exec(select(func.sum(LotConsumption.quantity))).one() == 7
    assert session.get(Lot, lot.id).quantity == 93


# --- consume, move, receive ----------------------------------------------------------------------------

def test_consume_picks_the_job_from_a_work_order_label_then_takes_the_material(session, tw):
    dock = station(session, tw)
    lot = receive_lot(session, tw, tw.steel, 50)
    wo_id, job_id = make_job(session, tw)
    picked = run(session, dock, ScanMode.CONSUME, payload(session, tw, "WO", wo_id))
    assert picked.ok and (picked.context_kind, picked.context_id) == ("operation", job_id)
    taken = run(session, dock, ScanMode.CONSUME, payload(session, tw, "LOT", lot.id), operation_id=job_id, quantity=20)
    assert taken.ok and "Consumed 20" in taken.message and "30 left" in taken.message
    assert session.get(Lot, lot.id).quantity == 30
    again = run(session, dock, ScanMode.CONSUME, payload(session, tw, "LOT", lot.id), operation_id=job_id, quantity=20)
    assert again.reason == "already_scanned" and session.get(Lot, lot.id).quantity == 30


def test_move_sets_the_location_then_puts_lots_there(session, tw):
    dock = station(session, tw)
    rack = make_location(session, tw)
    lot = receive_lot(session, tw, tw.steel, 50)
    where = run(session, dock, ScanMode.MOVE, payload(session, tw, "LOC", rack))
    assert where.ok and (where.context_kind, where.context_id) == ("location", rack)
    moved = run(session, dock, ScanMode.MOVE, payload(session, tw, "LOT", lot.id), location_id=rack)
    assert moved.ok and "moved to RACK-1" in moved.message
    assert session.get(Lot, lot.id).location_id == rack
    same = run(session, dock, ScanMode.MOVE, payload(session, tw, "LOT", lot.id), location_id=rack)
    assert same.ok and "already here" in same.message


def test_receive_makes_a_lot_from_a_supplier_barcode_once_per_delivery(session, tw):
    dock = station(session, tw)
    ctx = {"product_id": tw.steel, "supplier": "Acme Steel", "quantity": 25, "delivery_ref": "DN-1"}
    got = run(session, dock, ScanMode.RECEIVE, "SUP-LOT-4711", **ctx)
    assert got.ok and "Received 25 kg as lot LOT-" in got.message
    lot = session.get(Lot, got.object_id)
    assert (lot.supplier_lot_ref, lot.quantity, lot.status) == ("SUP-LOT-4711", 25, LotStatus.AVAILABLE)
    twice = run(session, dock, ScanMode.RECEIVE, "SUP-LOT-4711", **ctx)
    assert twice.reason == "already_scanned" and "supplier lot SUP-LOT-4711 is already received" in twice.message
    assert session.exec(select(func.count()).select_from(Lot)).one() == 1
    next_delivery = run(session, dock, ScanMode.RECEIVE, "SUP-LOT-4711", **{**ctx, "delivery_ref": "DN-2"})
    assert next_delivery.ok
    takt_label = run(session, dock, ScanMode.RECEIVE, payload(session, tw, "LOT", lot.id), **ctx)
    assert not takt_label.ok and "scan the supplier's label" in takt_label.message
    missing = run(session, dock, ScanMode.RECEIVE, "SUP-LOT-1")
    assert not missing.ok and "choose the product" in missing.message


# --- bad labels ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, reason, words", [
    ("TAKT1|LOT|org-a|LOT-999999", "unknown_label", "Unknown label"),
    ("TAKT1|LOT|org-b|LOT-000001", "foreign_org", "another company"),
    ("TAKT1|LOT|org-a", "malformed", "damaged or incomplete"),
    ("TAKT1|PAL|org-a|P-1", "unknown_kind", "Unknown label kind"),
    ("hello", "malformed", "not a Takt label"),
    ("", "malformed", "Nothing was scanned"),
])
def test_bad_labels_are_refused_in_words_and_change_nothing(session, tw, raw, reason, words):
    dock = station(session, tw)
    receive_lot(session, tw, tw.bracket, 10)
    shipment_id = make_shipment(session, tw, tw.bracket, 10)
    before = counts(session)
    answer = run(session, dock, ScanMode.PACK, raw, shipment_id=shipment_id)
    assert (answer.ok, answer.reason) == (False, reason) and words in answer.message
    assert counts(session) == before
    row = session.get(Scan, answer.id)
    assert (row.result.value, row.reason, row.message) == ("error", reason, answer.message)


def test_a_label_of_the_wrong_kind_is_refused(session, tw):
    dock = station(session, tw)
    rack = make_location(session, tw)
    shipment_id = make_shipment(session, tw, tw.bracket, 10)
    answer = run(session, dock, ScanMode.PACK, payload(session, tw, "LOC", rack), shipment_id=shipment_id)
    assert (answer.ok, answer.reason) == (False, "wrong_kind") and "This is a location label" in answer.message


# --- tenancy and permissions -------------------------------------------------------------------------

def test_a_station_of_another_plant_cannot_touch_this_plants_lots(session, tw):
    far_station = station(session, tw, plant_id=tw.world.plant2)
    lot = receive_lot(session, tw, tw.bracket, 10)
    shipment_id = make_shipment(session, tw, tw.bracket, 10)
    before = counts(session)
    answer = run(session, far_station, ScanMode.PACK, payload(session, tw, "LOT", lot.id), shipment_id=shipment_id)
    assert (answer.ok, answer.reason) == (False, "unknown_label")
    assert counts(session) == before


def test_another_organizations_label_is_foreign_and_its_scans_are_not_listed(session, tw):
    lot = receive_lot(session, tw, tw.bracket, 10)
    dock = station(session, tw)
    run(session, dock, ScanMode.MOVE, payload(session, tw, "LOT", lot.id))
    answer = run(session, tw.outsider, ScanMode.MOVE, payload(session, tw, "LOT", lot.id))
    assert (answer.ok, answer.reason) == (False, "foreign_org")
    assert [a.id for a in scanning.recent_scans(session, tw.outsider)] == [answer.id]
    assert answer.id not in [a.id for a in scanning.recent_scans(session, dock)]


def test_scanning_needs_the_scan_permission(session, tw):
    with pytest.raises(Forbidden):
        scanning.scan(session, tw.viewer, ScanRequest(mode="move", raw="x"), now=T0)
    with pytest.raises(Forbidden):
        scanning.recent_scans(session, tw.viewer)
