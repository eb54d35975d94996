"""Traceability over real HTTP: receive, consume, produce, trace (JSON, CSV, Excel, PDF), recall,
shipments from create to ship with PDFs, refusals in the one error shape, and tenancy."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlmodel import Session, func, select

from models.lots import GenealogyLink, Lot
from models.shipments import ShipmentItem
from tests.api.conftest import assert_error, bearer, login
from tests.factories.trace import make_job, make_order, make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


@pytest.fixture
def h(client, tw):
    """Headers per person."""
    return {name: bearer(login(client, getattr(tw, name).username))
            for name in ("operator", "quality", "viewer", "outsider", "other_plant", "admin")}


def counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {m.__name__: s.exec(select(func.count()).select_from(m)).one() for m in (Lot, GenealogyLink, ShipmentItem)}


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def test_receive_consume_produce_trace_and_ship_over_http(client, session, tw, h):
    plant = tw.world.plant1
    steel = ok(client.post("/lots/receipts", headers=h["operator"], json={
        "plant_id": plant, "product_id": tw.steel, "quantity": 100, "supplier": "Acme", "supplier_lot_ref": "H-9"}), 201)
    assert (steel["number"], steel["status"], steel["unit"]) == ("LOT-000001", "available", "kg")
    _, op = make_job(session, tw)
    used = ok(client.post(f"/jobs/{op}/consume", headers=h["operator"], json={"lot_id": steel["id"], "quantity": 25}), 201)
    assert used["lot_quantity_left"] == 75 and used["pass_no"] == 1
    out = ok(client.post(f"/jobs/{op}/produce", headers=h["operator"], json={"quantity": 12}), 201)
    both = ok(client.get(f"/trace/{out['id']}", headers=h["viewer"]))
    assert [(e["input_lot_id"], e["output_lot_id"], e["quantity"]) for e in both["backward"]["edges"]] == [
        (steel["id"], out["id"], 25)]
    assert [lot["number"] for lot in both["backward"]["lots"]] == [out["number"], steel["number"]]

    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 10)])
    shp = ok(client.post("/shipments", headers=h["operator"], json={"plant_id": plant, "lines": [{"order_line_id": line_id}]}), 201)
    packed = ok(client.post(f"/shipments/{shp['id']}/pack", headers=h["operator"], json={"lot_id": out["id"]}), 201)
    assert packed["item"]["quantity"] == 10 and packed["shipment"]["status"] == "packing"
    shipped = ok(client.post(f"/shipments/{shp['id']}/ship", headers=h["operator"],
                             json={"carrier": "UPS", "tracking_number": "1Z999"}))
    assert shipped["status"] == "shipped" and shipped["tracking_number"] == "1Z999"
    history = ok(client.get(f"/shipments/{shp['id']}/history", headers=h["viewer"]))
    assert [x["to_status"] for x in history] == ["open", "packing", "shipped"]
    pdf = client.get(f"/shipments/{shp['id']}/packing-list.pdf", headers=h["viewer"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    assert client.get(f"/shipments/{shp['id']}/sheet.pdf", headers=h["viewer"]).content.startswith(b"%PDF")

    forward = ok(client.get(f"/trace/{steel['id']}", headers=h["viewer"]))["forward"]
    assert [s["number"] for s in forward["shipments"]] == [shp["number"]]
    assert [c["code"] for c in forward["customers"]] == ["CUST1"]
    recall = ok(client.post("/recall/simulate", headers=h["viewer"], json={"supplier_lot_ref": "H-9"}))
    assert [c["code"] for c in recall["trace"]["customers"]] == ["CUST1"]

    csv = client.get(f"/trace/{steel['id']}", params={"format": "csv"}, headers=h["viewer"])
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert steel["number"] in text and out["number"] in text and shp["number"] in text and "CUST1" in text
    xlsx = client.get(f"/trace/{steel['id']}", params={"format": "xlsx"}, headers=h["viewer"])
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][:4] == ["Direction", "Level", "Node", "Lot / shipment"]
    assert {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)} >= {steel["number"], out["number"], shp["number"]}
    assert client.get(f"/trace/{steel['id']}", params={"format": "pdf"}, headers=h["viewer"]).content.startswith(b"%PDF")
    listing = client.get("/lots", params={"format": "csv", "q": "h-9"}, headers=h["viewer"]).content.decode("utf-8-sig")
    assert steel["number"] in listing and out["number"] not in listing
    ko = {**h["viewer"], "Accept-Language": "ko"}
    header = client.get("/lots", params={"format": "csv"}, headers=ko).content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("로트,제품,") and "현재고" in header
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/shipments", params={"format": "xlsx"}, headers=ko).content)).active
    assert [c.value for c in sheet[1]][:2] == ["출하", "고객"] and "운송장 번호" in [c.value for c in sheet[1]]


def test_refusals_use_the_error_shape_and_change_nothing(client, engine, session, tw, h):
    plant = tw.world.plant1
    steel = ok(client.post("/lots/receipts", headers=h["operator"], json={
        "plant_id": plant, "product_id": tw.steel, "quantity": 10, "supplier": "Acme"}), 201)
    _, op = make_job(session, tw)
    before = counts(engine)
    assert_error(client.post(f"/jobs/{op}/consume", headers=h["operator"], json={"lot_id": steel["id"], "quantity": 11}),
                 409, "conflict", quantity="")
    assert_error(client.post(f"/jobs/{op}/consume", headers=h["operator"], json={"lot_id": 424242}), 404, "not_found")
    assert_error(client.post("/lots/receipts", headers=h["operator"], json={
        "plant_id": plant, "product_id": tw.steel, "quantity": 0, "supplier": ""}), 422, "invalid", quantity="", supplier="")
    assert_error(client.post(f"/lots/{steel['id']}/hold", headers=h["viewer"], json={"reason": "x"}), 403, "forbidden")
    ok(client.post(f"/lots/{steel['id']}/hold", headers=h["quality"], json={"reason": "Certificate missing"}))
    assert_error(client.post(f"/jobs/{op}/consume", headers=h["operator"], json={"lot_id": steel["id"]}), 409, "conflict")
    assert_error(client.post("/recall/simulate", headers=h["viewer"], json={}), 422, "invalid")
    assert counts(engine) == before


@pytest.mark.parametrize("stranger", ["outsider", "other_plant"])
def test_other_organizations_and_plants_cannot_see_or_change_lots(client, engine, session, tw, h, stranger):
    steel = ok(client.post("/lots/receipts", headers=h["operator"], json={
        "plant_id": tw.world.plant1, "product_id": tw.steel, "quantity": 10, "supplier": "Acme", "supplier_lot_ref": "S-1"}), 201)
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 10)])
    shp = ok(client.post("/shipments", headers=h["operator"], json={"plant_id": tw.world.plant1,
                                                                    "lines": [{"order_line_id": line_id}]}), 201)
    before = counts(engine)
    headers = h[stranger]
    for path in (f"/lots/{steel['id']}", f"/lots/by-number/{steel['number']}", f"/trace/{steel['id']}",
                 f"/shipments/{shp['id']}", f"/shipments/{shp['id']}/packing-list.pdf"):
        assert_error(client.get(path, headers=headers), 404, "not_found")
    assert_error(client.post(f"/lots/{steel['id']}/hold", headers=headers, json={"reason": "mine"}), 404, "not_found")
    assert_error(client.post(f"/shipments/{shp['id']}/pack", headers=headers, json={"lot_id": steel["id"]}), 404, "not_found")
    assert_error(client.post("/recall/simulate", headers=headers, json={"supplier_lot_ref": "S-1"}), 404, "not_found")
    assert_error(client.post("/lots/receipts", headers=headers, json={
        "plant_id": tw.world.plant1, "product_id": tw.steel, "quantity": 1, "supplier": "X"}), 404, "not_found")
    assert ok(client.get("/lots", headers=headers)) == []
    assert ok(client.get("/shipments", headers=headers)) == []
    assert counts(engine) == before
    assert ok(client.get(f"/lots/{steel['id']}", headers=h["viewer"]))["status"] == "available"


def test_recall_hold_over_http(client, session, tw, h):
    steel = ok(client.post("/lots/receipts", headers=h["operator"], json={
        "plant_id": tw.world.plant1, "product_id": tw.steel, "quantity": 10, "supplier": "Acme", "supplier_lot_ref": "R-1"}), 201)
    held = ok(client.post("/recall/hold", headers=h["quality"], json={"supplier_lot_ref": "R-1", "reason": "Cracks"}))
    assert held["held_lot_numbers"] == [steel["number"]]
    assert ok(client.get(f"/lots/{steel['id']}", headers=h["viewer"]))["status"] == "on_hold"
