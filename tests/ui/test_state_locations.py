"""Storage locations and receipts on the /lots page through its state, without a browser: a supervisor
lists, creates (field errors shown), labels and takes locations out of use per plant; an operator
receives into a location with serial numbers; a person of another plant sees no location."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models.lots import Location, Lot, Serial
from rxapp.state.trace.lots import LotsState, serial_numbers
from tests.factories.trace import make_trace_world
from tests.ui.conftest import run, signed_in, toasts


@pytest.fixture
def tw(session):
    return make_trace_world(session)


async def test_locations_are_listed_created_labelled_and_taken_out_of_use(engine, tw):
    state = await signed_in(engine, LotsState, tw.admin.username)
    await run(state.open_locations(), state)
    assert state.locations_open and state.location_plant == str(tw.world.plant1) and state.locations == []
    await run(state.create_location({"code": "bad code!", "name": ""}), state)
    assert set(state.location_errors) == {"code"}
    events = await run(state.create_location({"code": "rack-1", "name": "Rack one"}), state)
    assert toasts(events, "success") == ["Location RACK-1 created."] and state.location_errors == {}
    await run(state.create_location({"code": "DOCK", "name": ""}), state)
    assert [(r.code, r.name, r.active) for r in state.locations] == [("DOCK", "", True), ("RACK-1", "Rack one", True)]
    events = await run(state.location_label(state.locations[1].id), state)
    assert any("download" in str(e) and "label-" in str(e) for e in events)
    events = await run(state.deactivate_location(state.locations[0].id), state)
    assert toasts(events, "success") == ["Location DOCK is out of use."]
    assert [(r.code, r.active) for r in state.locations] == [("DOCK", False), ("RACK-1", True)]
    await run(state.set_location_plant(str(tw.world.plant2)), state)
    assert state.locations == []

    other = await signed_in(engine, LotsState, tw.other_plant.username)
    await run(other.open_locations(), other)
    assert other.locations == []
    events = await run(other.deactivate_location(state_id := _id(engine, "RACK-1")), other)
    assert toasts(events, "error") and _active(engine, state_id)


async def test_receipt_into_a_location_with_serial_numbers(engine, tw):
    admin = await signed_in(engine, LotsState, tw.admin.username)
    await run(admin.open_locations(), admin)
    await run(admin.create_location({"code": "IN", "name": "Goods in"}), admin)
    operator = await signed_in(engine, LotsState, tw.operator.username)
    await run(operator.open_receive(), operator)
    [option] = operator.receive_locations
    assert "IN" in option.label
    form = {"plant_id": str(tw.world.plant1), "product_id": str(tw.frame), "quantity": "2", "supplier": "Framer",
            "supplier_lot_ref": "F-7", "location_id": option.value, "serial_numbers": "F-100\nF-101, F-102"}
    await run(operator.receive(form), operator)
    assert set(operator.receive_errors) == {"serial_numbers"} and operator.receive_open
    events = await run(operator.receive({**form, "serial_numbers": "F-100\n\nF-101\n"}), operator)
    assert toasts(events, "success") and not operator.receive_open
    with Session(engine) as s:
        lot = s.exec(select(Lot).where(Lot.supplier_lot_ref == "F-7")).one()
        assert s.get(Location, lot.location_id).code == "IN"
        assert sorted(s.exec(select(Serial.number).where(Serial.lot_id == lot.id)).all()) == ["F-100", "F-101"]
    events = await run(operator.receive({**form, "supplier_lot_ref": "F-8", "location_id": "none",
                                         "serial_numbers": ""}), operator)
    assert toasts(events, "success")
    assert serial_numbers(" a ,b\n\nc ") == ["a", "b", "c"]


def _id(engine, code):
    with Session(engine) as s:
        return s.exec(select(Location.id).where(Location.code == code)).one()


def _active(engine, location_id):
    with Session(engine) as s:
        return s.get(Location, location_id).is_active
