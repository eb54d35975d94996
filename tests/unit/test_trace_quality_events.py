"""Traceability's and quality's events are typed (services/trace/events.py, services/quality/events.py):
every class survives the wire, every event the services record is its name's class, the payloads keep
their keys, and no event is built by hand in those packages."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.core.db import transaction
from services.core.events import EVENT_TYPES, DomainEvent
from services.quality import events as quality_events
from services.trace import events as trace_events
from services.trace import lots, recall, shipment_packing, shipments
from services.trace.recall import RecallQuery
from tests.conftest import T0
from tests.factories.shipments import make_recall_case, new_shipment, pack
from tests.factories.trace import make_order, make_trace_world

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ENVELOPE = {"organization_id": 1, "plant_id": 2, "actor_user_id": 3, "at": AT}
LOT = {**ENVELOPE, "lot_id": 5, "number": "LOT-000005"}
SHIPMENT = {**ENVELOPE, "shipment_id": 6, "number": "SHP-000006"}
SAMPLES = [
    trace_events.LotReceived(**LOT, product_id=1, quantity=10, supplier="Acme", supplier_lot_ref="H-1",
                             location_id=None, serials=0, custom={"heat": "A7"}),
    trace_events.LotMoved(**LOT, location_id={"before": None, "after": 4}),
    trace_events.LotHeld(**LOT, reason="Suspect"),
    trace_events.LotReleased(**LOT, held_for="Suspect", reason="Checked"),
    trace_events.LotConsumed(**LOT, consumption_id=1, operation_id=2, work_order_id=3, pass_no=1, quantity=4,
                             kind="consume", serial_id=None, left=6),
    trace_events.LotProduced(**LOT, operation_id=2, work_order_id=3, pass_no=1, product_id=7, quantity=2,
                             byproduct=False, inputs=1, serials=0),
    trace_events.LotToppedUp(**LOT, operation_id=2, work_order_id=3, pass_no=1, added=3, quantity=5,
                             quantity_initial=5, serials=0),
    trace_events.LotCustomUpdated(**LOT, custom={"heat": {"before": None, "after": "A7"}}),
    trace_events.LocationDeactivated(**ENVELOPE, location_id=4, code="RACK-A"),
    trace_events.ShipmentCreated(**SHIPMENT, lines=[{"order_line_id": 8, "quantity": 12}], custom={}),
    trace_events.ShipmentPacked(**SHIPMENT, lot_id=5, lot_number="LOT-000005", serial_id=None, quantity=12,
                                shipment_line_id=9),
    trace_events.ShipmentUnpacked(**SHIPMENT, lot_id=5, serial_id=None, quantity=12),
    trace_events.ShipmentShipped(**SHIPMENT, carrier="DHL", tracking_number="JD0001", delivered={8: 12}),
    trace_events.ShipmentCancelled(**SHIPMENT, reason="Customer called"),
    trace_events.ShipmentCustomUpdated(**SHIPMENT, custom={"dock": {"before": "1", "after": "2"}}),
    trace_events.ScanAccepted(**ENVELOPE, scan_id=1, mode="pack", reason=""),
    trace_events.ScanRefused(**ENVELOPE, scan_id=2, mode="pack", reason="wrong_product"),
    trace_events.RecallHeld(**ENVELOPE, query={"supplier_lot_ref": "H-1"}, reason="Cracks", held_lot_ids=[5],
                            held_lot_numbers=["LOT-000005"], recalled_lot_numbers=[], affected_lots=3,
                            shipments=["SHP-000006"], customers=["CUST1"]),
    quality_events.SpcAlertRaised(**ENVELOPE, alert_id=1, characteristic_id=2, rule=1, chart="primary"),
    quality_events.InternalRejectReworkCreated(**ENVELOPE, internal_reject_id=1, operation_id=2, work_order_id=3),
    quality_events.CustomerReturnReworkCreated(**ENVELOPE, customer_return_id=1, operation_id=2, work_order_id=3),
]
MODULES = {trace_events.__name__, quality_events.__name__}
PACKAGES = [Path(trace_events.__file__).parent, Path(quality_events.__file__).parent]


def test_every_registered_class_of_the_two_packages_has_a_sample():
    registered = {cls for cls in EVENT_TYPES.values() if cls.__module__ in MODULES}
    assert registered == {type(event) for event in SAMPLES}


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.NAME)
def test_an_event_comes_back_from_the_wire_as_its_class(event):
    assert json.loads(json.dumps(event.to_dict())) is not None          # JSON-ready as it is
    received = DomainEvent.from_dict(event.to_dict())
    assert type(received) is type(event) and received.to_dict() == event.to_dict()
    assert set(event.payload) == set(type(event).__dataclass_fields__) - set(DomainEvent.__dataclass_fields__)


def test_a_quality_case_names_its_rework_event_by_its_kind():
    ids = {"operation_id": 2, "work_order_id": 3, "organization_id": 1, "plant_id": 2, "at": AT}
    assert quality_events.rework_created("internal_reject", 7, **ids).payload == {
        "internal_reject_id": 7, "operation_id": 2, "work_order_id": 3}
    assert quality_events.rework_created("customer_return", 7, **ids).name == "customer_return.rework_created"


def test_no_event_is_built_by_hand_in_trace_or_quality():
    built = [f"{path.name}:{n}" for package in PACKAGES for path in sorted(package.rglob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), 1) if "DomainEvent(" in line]
    assert built == []


def test_what_shipping_and_a_recall_announce_is_typed_with_the_old_payloads(session, captured_events):
    tw = make_trace_world(session)
    case = make_recall_case(session, tw)
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 1)])
    shp = new_shipment(session, tw, [line_id])
    item = pack(session, tw, shp.id, lot_id=case["brackets"].id, quantity=1).item
    with transaction(session):
        shipment_packing.unpack(session, tw.operator, item.id, now=T0)
        shipments.cancel(session, tw.world.actor(tw.world.planner1), shp.id, reason="Customer called", now=T0)
        lots.hold(session, tw.quality, case["paint"].id, reason="Smells odd", now=T0)
        lots.release(session, tw.quality, case["paint"].id, reason="Fine", now=T0)
    with transaction(session):
        recall.hold_affected(session, tw.quality, RecallQuery(supplier_lot_ref="H-1"), reason="Cracks",
                             now=T0 + timedelta(days=1), notify=False)
    ours = [e for e in captured_events if e.name.split(".")[0] in ("lot", "shipment", "recall", "location", "scan")]
    assert {e.name for e in ours} >= {"lot.received", "lot.consumed", "lot.produced", "lot.held", "lot.released",
                                      "shipment.created",
                                      "shipment.packed", "shipment.unpacked", "shipment.shipped", "shipment.cancelled",
                                      "recall.held"}
    assert all(type(e) is EVENT_TYPES[e.name] for e in ours)
    packed = next(e for e in ours if e.name == "shipment.packed" and e.payload["shipment_id"] == shp.id)
    assert packed.payload == {"shipment_id": shp.id, "number": shp.number, "lot_id": case["brackets"].id,
                              "lot_number": case["brackets"].number, "serial_id": None, "quantity": 1,
                              "shipment_line_id": shp.lines[0].id}
    shipped = next(e for e in ours if e.name == "shipment.shipped")
    assert set(shipped.payload) == {"shipment_id", "number", "carrier", "tracking_number", "delivered"}
    assert shipped.payload["carrier"] == "DHL" and list(shipped.payload["delivered"].values()) == [12]
    held = next(e for e in ours if e.name == "recall.held")
    assert held.plant_id is None and held.payload["query"]["supplier_lot_ref"] == "H-1"
    released = next(e for e in ours if e.name == "lot.released")
    assert released.payload == {"lot_id": case["paint"].id, "number": case["paint"].number, "held_for": "Smells odd",
                                "reason": "Fine"}
