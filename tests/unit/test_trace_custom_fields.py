"""Custom fields on lots and shipments: validated at receipt / creation and on edit, filterable,
exported as columns, audited, and invisible to another organization or plant."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from services.config import custom_fields
from services.config.custom_fields import CustomFieldCreate
from services.core import exports
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound
from services.trace import custom_values as trace_custom
from services.trace import lots, shipment_reads, shipments
from services.trace.lots import ReceiptCreate
from services.trace.shipments import ShipmentCreate, ShipmentLineInput
from tests.conftest import T0
from tests.factories.trace import make_order, make_trace_world


@pytest.fixture
def tw(session):
    tw = make_trace_world(session)
    for entity, key, label, ftype, extra in (
            ("lot", "heat_no", "Heat number", "text", {"required": True}),
            ("lot", "moisture", "Moisture", "number", {"unit": "%", "min_value": "0", "max_value": "20"}),
            ("shipment", "incoterm", "Incoterm", "text", {}),
            ("shipment", "insured", "Insured", "boolean", {})):
        with transaction(session):
            custom_fields.create_definition(session, tw.admin, CustomFieldCreate(
                entity_type=entity, key=key, label=label, field_type=ftype, **extra), now=T0)
    return tw


def receive(session, tw, custom, *, ref="H-1", actor=None):
    with transaction(session):
        return lots.receive(session, actor or tw.operator, ReceiptCreate(
            plant_id=tw.world.plant1, product_id=tw.steel, quantity=10, supplier="Acme", supplier_lot_ref=ref,
            custom=custom), now=T0)


def new_shipment(session, tw, custom, *, actor=None):
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
    with transaction(session):
        return shipments.create_shipment(session, actor or tw.operator, ShipmentCreate(
            plant_id=tw.world.plant1, lines=[ShipmentLineInput(order_line_id=line_id)], custom=custom), now=T0)


def test_a_receipt_validates_and_stores_lot_custom_values(session, tw):
    with pytest.raises(Invalid) as bad:
        receive(session, tw, {"moisture": "25", "colour": "red"})
    assert bad.value.fields == {"custom.moisture": "Must be at most 20 %.", "custom.colour": "Unknown field.",
                                "custom.heat_no": "Required."}
    with pytest.raises(Invalid) as bad, transaction(session):  # the receipt's own errors come in the same answer
        lots.receive(session, tw.operator, ReceiptCreate(plant_id=tw.world.plant1, product_id=tw.steel,
                                                         quantity=0, supplier="Acme"), now=T0)
    assert set(bad.value.fields) == {"quantity", "custom.heat_no"}
    assert lots.list_lots(session, tw.viewer)[1] == 0
    lot = receive(session, tw, {"heat_no": "HT-4711", "moisture": "2.50"})
    assert lot.custom == {"heat_no": "HT-4711", "moisture": "2.5"}
    assert lots.get_lot(session, tw.viewer, lot.id).custom == {"heat_no": "HT-4711", "moisture": "2.5"}


def test_lot_custom_values_are_edited_audited_and_checked(session, tw):
    lot = receive(session, tw, {"heat_no": "HT-1"})
    with transaction(session):
        changed = trace_custom.update_lot_custom(session, tw.quality, lot.id, {"moisture": 3, "heat_no": "HT-2"},
                                                 now=T0)
    assert changed.custom == {"heat_no": "HT-2", "moisture": "3"}
    with pytest.raises(Invalid) as bad:
        trace_custom.update_lot_custom(session, tw.operator, lot.id, {"heat_no": ""}, now=T0)
    assert bad.value.fields == {"custom.heat_no": "Required."}
    with transaction(session):
        trace_custom.update_lot_custom(session, tw.operator, lot.id, {"moisture": None}, now=T0)
        trace_custom.update_lot_custom(session, tw.operator, lot.id, {"heat_no": "HT-2"}, now=T0)   # no change
    entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "lot", AuditEntry.entity_id == str(lot.id),
                                                    AuditEntry.action == "custom_update")
                           .order_by(AuditEntry.id)).all()
    assert [e.changes["custom"] for e in entries] == [
        {"heat_no": {"before": "HT-1", "after": "HT-2"}, "moisture": {"before": None, "after": "3"}},
        {"moisture": {"before": "3", "after": None}}]
    with pytest.raises(Forbidden):
        trace_custom.update_lot_custom(session, tw.viewer, lot.id, {"heat_no": "X"}, now=T0)


def test_lots_filter_and_export_by_custom_fields(session, tw):
    a = receive(session, tw, {"heat_no": "HT-100", "moisture": "1.5"}, ref="A")
    b = receive(session, tw, {"heat_no": "HT-200"}, ref="B")
    find = lambda **c: [lot.id for lot in lots.list_lots(session, tw.viewer, custom=c)[0]]  # noqa: E731
    assert find(heat_no="ht-1") == [a.id]
    assert find(heat_no="HT-") == [b.id, a.id]
    assert find(moisture="1.50") == [a.id]
    assert lots.list_lots(session, tw.viewer, custom={"heat_no": "HT-2"})[1] == 1
    with pytest.raises(Invalid) as bad:
        find(nonsense="1")
    assert bad.value.fields == {"custom.nonsense": "Unknown field."}
    rows, columns = trace_custom.lot_export(session, tw.viewer, lots.list_lots(session, tw.viewer)[0],
                                            [("number", "Lot")])
    assert columns == [("number", "Lot"), ("custom.heat_no", "Heat number"), ("custom.moisture", "Moisture (%)")]
    assert rows[1]["custom.moisture"] == Decimal("1.5") and "custom.moisture" not in rows[0]
    csv = exports.to_csv(rows, columns).decode("utf-8-sig").splitlines()
    assert csv == ["Lot,Heat number,Moisture (%)", f"{b.number},HT-200,", f"{a.number},HT-100,1.5"]


def test_shipments_validate_edit_filter_and_export_custom_values(session, tw):
    with pytest.raises(Invalid) as bad:
        new_shipment(session, tw, {"insured": "perhaps"})
    assert set(bad.value.fields) == {"custom.insured"}
    one = new_shipment(session, tw, {"incoterm": "DAP", "insured": "yes"})
    two = new_shipment(session, tw, {})
    assert one.custom == {"incoterm": "DAP", "insured": True} and two.custom == {}
    with transaction(session):
        edited = trace_custom.update_shipment_custom(session, tw.operator, two.id, {"incoterm": "EXW"}, now=T0)
    assert edited.custom == {"incoterm": "EXW"}
    with pytest.raises(Invalid) as bad:
        trace_custom.update_shipment_custom(session, tw.operator, two.id, {"insured": 7}, now=T0)
    assert list(bad.value.fields) == ["custom.insured"]
    find = lambda **c: [s.id for s in shipment_reads.list_shipments(session, tw.viewer, custom=c)[0]]  # noqa: E731
    assert find(incoterm="exw") == [two.id]
    assert find(insured="yes") == [one.id]
    assert shipment_reads.list_shipments(session, tw.viewer)[0][0].custom == {"incoterm": "EXW"}
    rows, columns = trace_custom.shipment_export(session, tw.viewer, shipment_reads.list_shipments(session, tw.viewer)[0],
                                                 [("number", "Shipment")])
    assert columns[1:] == [("custom.incoterm", "Incoterm"), ("custom.insured", "Insured")]
    assert [(r["number"], r.get("custom.incoterm"), r.get("custom.insured")) for r in rows] == [
        (two.number, "EXW", None), (one.number, "DAP", True)]
    with pytest.raises(Forbidden):
        trace_custom.update_shipment_custom(session, tw.viewer, one.id, {"incoterm": "X"}, now=T0)


def test_another_organization_or_plant_cannot_see_filter_or_change_values(session, tw):
    lot = receive(session, tw, {"heat_no": "HT-9"})
    shp = new_shipment(session, tw, {"incoterm": "DAP"})
    with transaction(session):  # the other organization has a field with the same key
        custom_fields.create_definition(session, tw.outsider, CustomFieldCreate(
            entity_type="lot", key="heat_no", label="Heat", field_type="text"), now=T0)
    assert lots.list_lots(session, tw.outsider, custom={"heat_no": "HT-9"}) == ([], 0)
    with pytest.raises(Invalid):               # ... but not the shipment field: it is ours
        shipment_reads.list_shipments(session, tw.outsider, custom={"incoterm": "DAP"})
    for actor in (tw.outsider, tw.other_plant):
        with pytest.raises(NotFound):
            trace_custom.update_lot_custom(session, actor, lot.id, {"heat_no": "X"}, now=T0)
        with pytest.raises(NotFound):
            trace_custom.update_shipment_custom(session, actor, shp.id, {"incoterm": "X"}, now=T0)
    assert lots.list_lots(session, tw.other_plant, custom={"heat_no": "HT-9"}) == ([], 0)
    assert lots.get_lot(session, tw.viewer, lot.id).custom == {"heat_no": "HT-9"}
    assert shipment_reads.get_shipment(session, tw.viewer, shp.id).custom == {"incoterm": "DAP"}
