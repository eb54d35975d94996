"""Trace, lots and shipments pages through their states, without a browser: find a lot and see its
trace rows and figures, export, recall and hold; lots list, detail, hold/release and receipt with
field errors; shipments from open order lines, pack by number (refusals shown), ship; and a person
of another plant sees nothing."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import Session

from models.lots import Lot, LotStatus
from models.organization import Plant
from rxapp.state.trace.lots import LotsState
from rxapp.state.trace.shipments import ShipmentsState
from rxapp.state.trace.trace import TraceState
from services.core.db import transaction
from services.org.languages import set_my_language
from services.trace import genealogy, lots
from services.trace.lots import ReceiptCreate
from tests.conftest import T0
from tests.factories.trace import make_job, make_order, make_trace_world
from tests.ui.conftest import download_bytes, run, signed_in, toasts


@pytest.fixture
def tw(session):
    return make_trace_world(session)


@pytest.fixture
def made(session, tw):
    with transaction(session):
        steel = lots.receive(session, tw.operator, ReceiptCreate(plant_id=tw.world.plant1, product_id=tw.steel,
                                                                 quantity=50, supplier="Acme", supplier_lot_ref="UI-1"),
                             now=T0)
    _, op = make_job(session, tw)
    with transaction(session):
        genealogy.consume(session, tw.operator, operation_id=op, lot_id=steel.id, quantity=20, now=T0)
        out = genealogy.produce(session, tw.operator, operation_id=op, quantity=8, now=T0 + timedelta(hours=1))
    return steel, out


def status(engine, lot_id):
    with Session(engine) as s:
        return s.get(Lot, lot_id).status


async def test_trace_page_finds_a_lot_and_shows_both_directions(engine, tw, made):
    steel, out = made
    state = await signed_in(engine, TraceState, tw.viewer.username)
    await run(state.find({"number": out.number}), state)
    assert state.load_error == "" and state.lot_id == out.id and state.lot_status == "available"
    assert [(r.direction, r.number, r.quantity) for r in state.rows] == [
        ("start", out.number, "8 pcs"), ("backward", steel.number, "20 kg")]
    assert (state.inputs, state.receipts, state.reached) == (1, 1, 0)
    assert len(state.figure.data) == 2
    events = await run(state.export("csv"), state)
    assert any("download" in str(e) for e in events)
    await run(state.find({"number": "LOT-NOPE"}), state)
    assert state.load_error == "Lot LOT-NOPE not found."


async def test_recall_from_a_supplier_lot_and_hold_the_stock(engine, tw, made):
    steel, out = made
    state = await signed_in(engine, TraceState, tw.quality.username)
    await run(state.recall_supplier({"supplier_lot_ref": "UI-1", "supplier": ""}), state)
    assert state.has_recall and [r.number for r in state.recall_lots] == [steel.number, out.number]
    assert state.recall_on_hand == 2
    await run(state.hold_affected(), state)
    assert state.hold_error != "" and status(engine, steel.id) == LotStatus.AVAILABLE     # a reason is required
    state.set_hold_reason("Supplier alert")
    events = await run(state.hold_affected(), state)
    assert toasts(events, "success") == ["2 lot(s) put on hold."]
    assert status(engine, steel.id) == LotStatus.ON_HOLD and status(engine, out.id) == LotStatus.ON_HOLD
    assert state.recall_on_hand == 0


async def test_a_viewer_cannot_hold_and_another_plant_sees_nothing(engine, tw, made):
    steel, _ = made
    viewer = await signed_in(engine, TraceState, tw.viewer.username)
    await run(viewer.recall_this_lot(), viewer)          # no lot open: nothing happens
    await run(viewer.open_lot(steel.id), viewer)
    await run(viewer.recall_this_lot(), viewer)
    viewer.set_hold_reason("try")
    events = await run(viewer.hold_affected(), viewer)
    assert toasts(events, "error") and status(engine, steel.id) == LotStatus.AVAILABLE
    stranger = await signed_in(engine, TraceState, tw.other_plant.username)
    await run(stranger.open_lot(steel.id), stranger)
    assert stranger.lot_id == 0 and stranger.rows == [] and stranger.load_error == "Lot not found."
    lots_state = await signed_in(engine, LotsState, tw.other_plant.username)
    await run(lots_state.enter(), lots_state)
    assert lots_state.rows == [] and lots_state.total == 0


async def test_lots_list_detail_hold_release_and_receive(engine, tw, made):
    steel, out = made
    state = await signed_in(engine, LotsState, tw.quality.username)
    await run(state.enter(), state)
    assert [r.number for r in state.rows] == [out.number, steel.number] and not state.loading
    await run(state.apply_search({"search": "ui-1"}), state)
    assert [r.number for r in state.rows] == [steel.number]
    await run(state.show(steel.id), state)
    assert state.detail_open and state.selected.quantity == "30 / 50 kg"
    await run(state.hold(), state)
    assert status(engine, steel.id) == LotStatus.AVAILABLE          # no reason given: refused
    state.set_hold_reason_text("Wet pallet")
    await run(state.hold(), state)
    assert state.selected.status == "on_hold" and status(engine, steel.id) == LotStatus.ON_HOLD
    await run(state.release(), state)
    assert status(engine, steel.id) == LotStatus.AVAILABLE
    await run(state.set_status_filter("on_hold"), state)
    assert state.rows == []

    operator = await signed_in(engine, LotsState, tw.operator.username)
    await run(operator.open_receive(), operator)
    assert operator.receive_open and any("STEEL" in o.label for o in operator.product_options)
    await run(operator.receive({"plant_id": str(tw.world.plant1), "product_id": str(tw.paint), "quantity": "0",
                                "supplier": "", "supplier_lot_ref": ""}), operator)
    assert set(operator.receive_errors) == {"quantity", "supplier"} and operator.receive_open
    events = await run(operator.receive({"plant_id": str(tw.world.plant1), "product_id": str(tw.paint),
                                         "quantity": "5", "supplier": "Paintco", "supplier_lot_ref": "P-1"}), operator)
    assert toasts(events, "success") == ["Received as LOT-000003."] and not operator.receive_open


async def test_shipments_create_pack_by_number_and_ship(engine, session, tw, made):
    _, out = made
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
    state = await signed_in(engine, ShipmentsState, tw.operator.username)
    await run(state.enter(), state)
    assert state.rows == [] and not state.loading
    await run(state.open_create(), state)
    assert [line.id for line in state.open_lines] == [line_id]
    state.toggle_line(line_id, True)
    await run(state.create(), state)
    assert state.detail_open and state.detail.number == "SHP-000001" and len(state.rows) == 1
    await run(state.pack({"code": "LOT-NOPE", "quantity": ""}), state)
    assert not state.pack_ok and state.pack_message == "No lot or serial number LOT-NOPE."
    await run(state.pack({"code": out.number, "quantity": "9"}), state)
    assert not state.pack_ok and "only 8" in state.pack_message
    await run(state.pack({"code": out.number, "quantity": ""}), state)
    assert state.pack_ok and state.pack_message == f"Packed 5 of {out.number}."
    assert [i.quantity for i in state.items] == [5] and state.detail.status == "packing"
    await run(state.ship({"carrier": "DHL", "tracking_number": "T-1"}), state)
    assert state.detail.status == "shipped" and not state.is_open
    assert [h.split(" · ", 1)[1] for h in state.history] == ["– → open", "open → packing", "packing → shipped"]
    events = await run(state.download_pdf("packing-list"), state)
    assert any("download" in str(e) for e in events)


async def test_the_lot_and_shipment_exports_have_headers_in_the_persons_language(engine, tw, made):
    steel, _out = made
    with Session(engine) as s, transaction(s):
        set_my_language(s, tw.quality, "ja", now=T0)
    state = await signed_in(engine, LotsState, tw.quality.username)
    await run(state.enter(), state)
    rows = list(csv.reader(io.StringIO(download_bytes(await run(state.export("csv"), state)).decode("utf-8-sig"))))
    assert rows[0][:4] == ["ロット", "製品", "名前", "在庫数"] and rows[0][-1] == "作成日時（UTC）"
    assert steel.number in {row[0] for row in rows[1:]}
    shipments = await signed_in(engine, ShipmentsState, tw.quality.username)
    await run(shipments.enter(), shipments)
    header = next(csv.reader(io.StringIO(download_bytes(await run(shipments.export("csv"), shipments))
                                         .decode("utf-8-sig"))))
    assert header[:2] == ["出荷", "顧客"] and "追跡番号" in header


async def test_the_plant_pickers_show_the_plants_name_in_the_viewers_language(engine, tw):
    with Session(engine) as s, transaction(s):
        plant = s.get(Plant, tw.world.plant1)
        plant.name2, plant.name2_language = "第一工場", "ja"
        code, main_name = plant.code, plant.name
        set_my_language(s, tw.operator, "ja", now=T0)
    lots_page = await signed_in(engine, LotsState, tw.operator.username)
    await run(lots_page.enter(), lots_page)
    assert [o.label for o in lots_page.plant_options] == [f"{code} · 第一工場"]
    english = await signed_in(engine, ShipmentsState, tw.quality.username)     # no Japanese: the main name
    await run(english.enter(), english)
    assert [o.label for o in english.plant_options] == [f"{code} · {main_name}"]
