"""Custom fields on the lots and shipments pages through their states, without a browser: the
receipt and the new shipment show the service's `custom.<key>` field errors (the same the REST API
answers), the detail shows and edits the values, the list filters by a field, exports carry the
custom columns, and a person of another organization neither sees nor changes them."""
from __future__ import annotations

import base64
import csv
import io
import re

import pytest
from sqlmodel import Session, select

from models.lots import Lot
from models.shipments import Shipment
from rxapp.state.trace.lots import LotsState
from rxapp.state.trace.shipments import ShipmentsState
from services.config import custom_fields
from services.config.custom_fields import CustomFieldCreate
from services.core.db import transaction
from services.core.errors import Invalid
from services.trace import lots
from services.trace.lots import ReceiptCreate
from tests.conftest import T0
from tests.factories.trace import make_order, make_trace_world
from tests.ui.conftest import run, signed_in, toasts


@pytest.fixture
def tw(session):
    tw = make_trace_world(session)
    for entity, key, label, ftype, extra in (
            ("lot", "heat_no", "Heat number", "text", {"required": True}),
            ("lot", "moisture", "Moisture", "number", {"unit": "%", "max_value": "20"}),
            ("shipment", "incoterm", "Incoterm", "text", {"required": True})):
        with transaction(session):
            custom_fields.create_definition(session, tw.admin, CustomFieldCreate(
                entity_type=entity, key=key, label=label, field_type=ftype, **extra), now=T0)
    return tw


def _download(events) -> str:
    code = " ".join(getattr(v, "_js_expr", str(v)) for e in events for _, v in getattr(e, "args", ()) or ())
    match = re.search(r"data:[^;\"]+;base64,([A-Za-z0-9+/=]+)", code)
    assert match, code[:500]
    return base64.b64decode(match.group(1)).decode("utf-8-sig")


def receipt(tw, **custom) -> dict:
    return {"plant_id": str(tw.world.plant1), "product_id": str(tw.steel), "quantity": "10", "supplier": "Acme",
            "supplier_lot_ref": "", "location_id": "none", "serial_numbers": "",
            **{f"custom.{k}": v for k, v in custom.items()}}


async def test_lot_receipt_detail_filter_and_export_with_custom_fields(engine, session, tw):
    state = await signed_in(engine, LotsState, tw.operator.username)
    await run(state.enter(), state)
    assert [(f.key, f.label) for f in state.custom_filter_fields] == [("heat_no", "Heat number"),
                                                                      ("moisture", "Moisture")]
    await run(state.open_receive(), state)
    assert [(i.name, i.required, i.unit) for i in state.custom_inputs] == [("custom.heat_no", True, ""),
                                                                            ("custom.moisture", False, "%")]
    events = await run(state.receive(receipt(tw, heat_no="", moisture="25")), state)
    assert state.receive_open and state.receive_errors == {"custom.heat_no": "Required.",
                                                           "custom.moisture": "Must be at most 20 %."}
    # the same receipt through the service (the REST door) answers the same field errors
    with pytest.raises(Invalid) as same, transaction(session):
        lots.receive(session, tw.operator, ReceiptCreate(plant_id=tw.world.plant1, product_id=tw.steel,
                                                         quantity=10, supplier="Acme",
                                                         custom={"heat_no": "", "moisture": "25"}), now=T0)
    assert same.value.fields == state.receive_errors
    events = await run(state.receive(receipt(tw, heat_no="HT-1", moisture="")), state)
    assert not state.receive_open and toasts(events, "success")
    await run(state.open_receive(), state)
    await run(state.receive(receipt(tw, heat_no="HT-2", moisture="3.5")), state)
    with Session(engine) as s:
        first, second = sorted(s.exec(select(Lot)).all(), key=lambda lot: lot.id)
    assert first.custom == {"heat_no": "HT-1"} and second.custom == {"heat_no": "HT-2", "moisture": "3.5"}

    await run(state.show(second.id), state)
    assert state.detail_custom_summary == "Heat number: HT-2 · Moisture: 3.5 %"
    assert [(i.key, i.value) for i in state.detail_custom] == [("heat_no", "HT-2"), ("moisture", "3.5")]
    events = await run(state.save_custom({"custom.heat_no": "", "custom.moisture": "x"}), state)
    assert state.custom_errors == {"custom.heat_no": "Required.", "custom.moisture": "Enter a number."}
    assert toasts(events, "error")
    events = await run(state.save_custom({"custom.heat_no": "HT-22", "custom.moisture": ""}), state)
    assert toasts(events, "success") == ["Custom fields saved."] and state.custom_errors == {}
    assert state.detail_custom_summary == "Heat number: HT-22"
    with Session(engine) as s:
        assert s.get(Lot, second.id).custom == {"heat_no": "HT-22"}

    await run(state.set_custom_filter_key("heat_no"), state)
    await run(state.set_custom_filter_value("ht-2"), state)
    assert [r.number for r in state.rows] == [second.number]
    rows = list(csv.DictReader(io.StringIO(_download(await run(state.export("csv"), state)))))
    assert [(r["Lot"], r["Heat number"], r["Moisture (%)"]) for r in rows] == [(second.number, "HT-22", "")]
    await run(state.set_custom_filter_key(""), state)
    assert [r.number for r in state.rows] == [second.number, first.number]

    outsider = await signed_in(engine, LotsState, tw.outsider.username)
    await run(outsider.enter(), outsider)
    assert outsider.rows == [] and outsider.custom_filter_fields == []
    await run(outsider.show(second.id), outsider)
    assert not outsider.detail_open and outsider.detail_custom == []
    outsider.selected.id = second.id             # a forged event for a lot of another organization
    events = await run(outsider.save_custom({"custom.heat_no": "HACK"}), outsider)
    assert toasts(events, "error") == ["Lot not found."]
    with Session(engine) as s:
        assert s.get(Lot, second.id).custom == {"heat_no": "HT-22"}


async def test_shipment_create_detail_and_filter_with_custom_fields(engine, session, tw):
    line1, line2 = make_order(session, tw, tw.customers[0], [(tw.bracket, 5), (tw.bracket, 7)])
    state = await signed_in(engine, ShipmentsState, tw.operator.username)
    await run(state.enter(), state)
    await run(state.open_create(), state)
    assert [i.name for i in state.custom_inputs] == ["custom.incoterm"]
    state.toggle_line(line1, True)
    events = await run(state.create({"custom.incoterm": ""}), state)
    assert state.custom_errors == {"custom.incoterm": "Required."} and state.create_open
    assert toasts(events, "error")
    await run(state.create({"custom.incoterm": "DAP"}), state)
    assert not state.create_open and state.detail_custom_summary == "Incoterm: DAP"
    await run(state.open_create(), state)
    state.toggle_line(line2, True)
    await run(state.create({"custom.incoterm": "EXW"}), state)
    with Session(engine) as s:
        first, second = sorted(s.exec(select(Shipment)).all(), key=lambda x: x.id)
    assert (first.custom, second.custom) == ({"incoterm": "DAP"}, {"incoterm": "EXW"})

    await run(state.show(first.id), state)
    await run(state.save_custom({"custom.incoterm": ""}), state)
    assert state.custom_errors == {"custom.incoterm": "Required."}
    await run(state.save_custom({"custom.incoterm": "FCA"}), state)
    assert state.detail_custom_summary == "Incoterm: FCA"

    await run(state.set_custom_filter_key("incoterm"), state)
    await run(state.set_custom_filter_value("fca"), state)
    assert [r.number for r in state.rows] == [first.number]
    rows = list(csv.DictReader(io.StringIO(_download(await run(state.export("csv"), state)))))
    assert [(r["Shipment"], r["Incoterm"]) for r in rows] == [(first.number, "FCA")]

    other = await signed_in(engine, ShipmentsState, tw.outsider.username)
    await run(other.enter(), other)
    assert other.rows == [] and other.custom_filter_fields == []
    other.detail.id = first.id
    events = await run(other.save_custom({"custom.incoterm": "HACK"}), other)
    assert toasts(events, "error") == ["Shipment not found."]
    with Session(engine) as s:
        assert s.get(Shipment, first.id).custom == {"incoterm": "FCA"}
