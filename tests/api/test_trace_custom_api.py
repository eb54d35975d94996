"""Custom fields of lots and shipments over real HTTP: field errors at receipt / creation and on
PATCH .../custom, ?custom.<key>= filters, CSV and Excel columns, and another organization or
plant neither sees, filters nor changes them."""
from __future__ import annotations

import io

import openpyxl
import pytest

from tests.api.conftest import assert_error, bearer, login
from tests.factories.trace import make_order, make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


@pytest.fixture
def h(client, tw):
    return {name: bearer(login(client, getattr(tw, name).username))
            for name in ("operator", "viewer", "outsider", "other_plant", "admin")}


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def define(client, h, entity, key, label, field_type, **extra):
    ok(client.post("/custom-fields", headers=h["admin"], json={
        "entity_type": entity, "key": key, "label": label, "field_type": field_type, **extra}), 201)


def test_lot_custom_fields_over_http(client, tw, h):
    define(client, h, "lot", "heat_no", "Heat number", "text", required=True)
    define(client, h, "lot", "moisture", "Moisture", "number", unit="%", max_value="20")
    receipt = {"plant_id": tw.world.plant1, "product_id": tw.steel, "quantity": 5, "supplier": "Acme"}
    refused = client.post("/lots/receipts", headers=h["operator"], json={**receipt, "quantity": 0,
                                                                        "custom": {"moisture": "30"}})
    assert assert_error(refused, 422, "invalid")["fields"] == {
        "quantity": "Give a whole quantity above 0.", "custom.moisture": "Must be at most 20 %.",
        "custom.heat_no": "Required."}
    a = ok(client.post("/lots/receipts", headers=h["operator"], json={**receipt, "custom": {"heat_no": "HT-1"}}), 201)
    b = ok(client.post("/lots/receipts", headers=h["operator"], json={
        **receipt, "custom": {"heat_no": "HT-2", "moisture": "4.0"}}), 201)
    assert a["custom"] == {"heat_no": "HT-1"} and b["custom"] == {"heat_no": "HT-2", "moisture": "4"}

    bad = client.patch(f"/lots/{a['id']}/custom", headers=h["operator"], json={"custom": {"moisture": "x"}})
    assert assert_error(bad, 422, "invalid")["fields"] == {"custom.moisture": "Enter a number."}
    assert ok(client.patch(f"/lots/{a['id']}/custom", headers=h["operator"],
                           json={"custom": {"moisture": 1}}))["custom"] == {"heat_no": "HT-1", "moisture": "1"}
    assert_error(client.patch(f"/lots/{a['id']}/custom", headers=h["viewer"], json={"custom": {"moisture": 2}}),
                 403, "forbidden")

    listed = lambda **p: [r["number"] for r in ok(client.get("/lots", params=p, headers=h["viewer"]))]  # noqa: E731
    assert listed(**{"custom.heat_no": "ht-2"}) == [b["number"]]
    assert listed(**{"custom.moisture": "1.0"}) == [a["number"]]
    assert_error(client.get("/lots", params={"custom.colour": "red"}, headers=h["viewer"]), 422, "invalid")
    csv = client.get("/lots", params={"format": "csv"}, headers=h["viewer"]).content.decode("utf-8-sig").splitlines()
    assert csv[0].endswith(",Heat number,Moisture (%)")
    assert csv[1].startswith(b["number"]) and csv[1].endswith(",HT-2,4")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/lots", params={"format": "xlsx"},
                                                         headers=h["viewer"]).content)).active
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Heat number", "Moisture (%)"] and [c.value for c in sheet[3]][-2:] == ["HT-1", 1]

    for who in ("outsider", "other_plant"):
        assert_error(client.patch(f"/lots/{a['id']}/custom", headers=h[who], json={"custom": {"heat_no": "X"}}),
                     404, "not_found")
    assert ok(client.get("/lots", params={"custom.heat_no": "HT"}, headers=h["other_plant"])) == []
    assert_error(client.get("/lots", params={"custom.heat_no": "HT"}, headers=h["outsider"]), 422, "invalid")
    assert ok(client.get(f"/lots/{a['id']}", headers=h["viewer"]))["custom"] == {"heat_no": "HT-1", "moisture": "1"}


def test_shipment_custom_fields_over_http(client, session, tw, h):
    define(client, h, "shipment", "incoterm", "Incoterm", "text")
    define(client, h, "shipment", "insured", "Insured", "boolean")
    (line1, line2) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5), (tw.bracket, 6)])
    body = lambda line, custom: {"plant_id": tw.world.plant1, "lines": [{"order_line_id": line}], "custom": custom}  # noqa: E731
    refused = client.post("/shipments", headers=h["operator"], json=body(line1, {"insured": "maybe", "x": 1}))
    assert set(assert_error(refused, 422, "invalid")["fields"]) == {"custom.insured", "custom.x"}
    one = ok(client.post("/shipments", headers=h["operator"], json=body(line1, {"incoterm": "DAP"})), 201)
    two = ok(client.post("/shipments", headers=h["operator"], json=body(line2, {"insured": True})), 201)
    assert one["custom"] == {"incoterm": "DAP"}
    changed = ok(client.patch(f"/shipments/{two['id']}/custom", headers=h["operator"],
                              json={"custom": {"incoterm": "EXW", "insured": None}}))
    assert changed["custom"] == {"incoterm": "EXW"}
    bad = client.patch(f"/shipments/{two['id']}/custom", headers=h["operator"], json={"custom": {"insured": "perhaps"}})
    assert set(assert_error(bad, 422, "invalid")["fields"]) == {"custom.insured"}

    listed = lambda **p: [r["number"] for r in ok(client.get("/shipments", params=p, headers=h["viewer"]))]  # noqa: E731
    assert listed(**{"custom.incoterm": "dap"}) == [one["number"]]
    assert listed(**{"custom.incoterm": "EXW"}) == [two["number"]]
    csv = client.get("/shipments", params={"format": "csv"}, headers=h["viewer"]).content.decode("utf-8-sig").splitlines()
    assert csv[0].endswith(",Incoterm,Insured")
    assert csv[1].startswith(two["number"]) and csv[1].endswith(",EXW,")
    assert csv[2].startswith(one["number"]) and csv[2].endswith(",DAP,")

    for who in ("outsider", "other_plant"):
        assert_error(client.patch(f"/shipments/{one['id']}/custom", headers=h[who], json={"custom": {"incoterm": "X"}}),
                     404, "not_found")
    assert ok(client.get("/shipments", params={"custom.incoterm": "DAP"}, headers=h["other_plant"])) == []
    assert ok(client.get(f"/shipments/{one['id']}", headers=h["viewer"]))["custom"] == {"incoterm": "DAP"}
