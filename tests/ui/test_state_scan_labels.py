"""The scan page and the labels page through their states, without a browser: a burst of scans in
order, context labels setting the shipment, colour/sound answers, the camera's repeat guard, label
choices and sheets; a person of another plant sees and changes nothing."""
from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from models.scans import Scan
from models.shipments import ShipmentItem
from rxapp.state.trace.labels_page import LabelsState
from rxapp.state.trace.scan import ScanState
from tests.factories.org import make_user
from tests.factories.scanning import make_shipment, payload, receive_lot
from tests.factories.trace import make_trace_world
from tests.ui.conftest import run, signed_in


@pytest.fixture
def tw(session):
    tw = make_trace_world(session)
    make_user(session, tw.world.org_a, roles=["operator"], plant_ids=[tw.world.plant1], username="scan.op")
    make_user(session, tw.world.org_a, roles=["operator"], plant_ids=[tw.world.plant2], username="scan.far")
    return tw


async def scan(state, raw):
    return await run(state.scan({"raw": raw}), state)


async def test_a_burst_of_scans_packs_a_shipment_in_order_with_ok_and_error_answers(engine, session, tw):
    lots = [receive_lot(session, tw, tw.bracket, 5) for _ in range(3)]
    shipment_id = make_shipment(session, tw, tw.bracket, 10)
    state = await signed_in(engine, ScanState, "scan.op")
    await run(state.enter(), state)
    assert [c.value for c in state.mode_choices] == ["receive", "move", "consume", "pack", "ship"]

    await scan(state, payload(session, tw, "SHP", shipment_id))
    assert state.answer_ok and (state.context_kind, state.context_id) == ("shipment", shipment_id)
    assert (state.feedback, state.feedback_seq) == ("ok", 1)
    for lot in lots:
        await scan(state, payload(session, tw, "LOT", lot.id) + "\r\n")
    assert not state.answer_ok and "all it needs" in state.answer_message      # the third lot would over-pack
    assert (state.feedback, state.feedback_seq) == ("error", 4)
    assert [line.ok for line in state.lines] == [False, True, True, True]
    with Session(engine) as s:
        assert s.exec(select(func.sum(ShipmentItem.quantity))).one() == 10
        assert s.exec(select(Scan.raw).order_by(Scan.id)).all()[1:] == [payload(session, tw, "LOT", ln.id) for ln in lots]


async def test_modes_clear_the_context_and_the_ship_mode_uses_the_carrier(engine, session, tw):
    lot = receive_lot(session, tw, tw.bracket, 5)
    shipment_id = make_shipment(session, tw, tw.bracket, 5)
    state = await signed_in(engine, ScanState, "scan.op")
    await scan(state, payload(session, tw, "SHP", shipment_id))
    await scan(state, payload(session, tw, "LOT", lot.id))
    await run(state.set_mode("ship"), state)
    assert state.context_id == 0 and "carrier" in state.mode_hint
    await run(state.set_setting("carrier", "DHL"), state)
    await run(state.set_setting("is_admin", "yes"), state)          # not a setting: ignored
    await scan(state, payload(session, tw, "SHP", shipment_id))
    assert state.answer_ok and "shipped with DHL" in state.answer_message


async def test_the_camera_counts_a_label_held_in_view_once(engine, session, tw):
    shipment_id = make_shipment(session, tw, tw.bracket, 5)
    state = await signed_in(engine, ScanState, "scan.op")
    raw = payload(session, tw, "SHP", shipment_id)
    await run(state.camera_scan(raw), state)
    await run(state.camera_scan(raw), state)
    assert state.scanned == 1 and state.context_id == shipment_id
    await run(state.camera_failed("NotAllowedError"), state)
    assert "NotAllowedError" in state.camera_error


async def test_a_person_of_another_plant_gets_unknown_label_and_changes_nothing(engine, session, tw):
    lot = receive_lot(session, tw, tw.bracket, 5)
    shipment_id = make_shipment(session, tw, tw.bracket, 5)
    state = await signed_in(engine, ScanState, "scan.far")
    await scan(state, payload(session, tw, "SHP", shipment_id))
    assert not state.answer_ok and "Unknown label" in state.answer_message
    state.context_kind, state.context_id = "shipment", shipment_id          # a forged context
    await scan(state, payload(session, tw, "LOT", lot.id))
    assert not state.answer_ok
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(ShipmentItem)).one() == 0


async def test_labels_page_lists_previews_and_prints_a_sheet(engine, session, tw):
    lots = [receive_lot(session, tw, tw.steel, 5) for _ in range(2)]
    state = await signed_in(engine, LabelsState, "scan.op")
    await run(state.enter(), state)
    assert [item.id for item in state.items] == [lots[1].id, lots[0].id]
    await run(state.show(lots[0].id), state)
    assert state.preview.startswith("data:image/svg+xml;base64,")
    await run(state.select_all(), state)
    await run(state.set_layout("thermal-100x50"), state)
    [download] = await run(state.print_sheet(), state)
    text = str(download)
    assert "labels-lot.pdf" in text
    await run(state.set_kind("MAC"), state)
    assert {item.id for item in state.items} == set(tw.line.machine_ids) and state.selected == []
    await run(state.find({"search": "nothing-like-this"}), state)
    assert state.items == []


async def test_labels_page_shows_nothing_of_another_plant(engine, session, tw):
    lot = receive_lot(session, tw, tw.steel, 5)
    state = await signed_in(engine, LabelsState, "scan.far")
    await run(state.enter(), state)
    assert state.items == []
    events = await run(state.show(lot.id), state)
    assert state.preview == "" and events
