"""Labels and scanning over real HTTP: PNG/SVG/PDF labels that decode, a station token packing a
shipment, duplicate client scan ids, refusals, and other organizations kept out."""
from __future__ import annotations

import io
import uuid

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from sqlmodel import Session, func, select

from models.scans import Scan
from models.shipments import ShipmentItem
from services.trace import labels
from tests.api.conftest import assert_error, bearer
from tests.factories.scanning import make_shipment, receive_lot
from tests.factories.trace import make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


def station_token(client, as_user, plant_id) -> str:
    response = client.post("/api-tokens", headers=as_user("admin.a"),
                           json={"plant_id": plant_id, "name": f"Dock {uuid.uuid4().hex[:6]}", "kind": "station"})
    assert response.status_code == 201, response.text
    return response.json()["token"]


def test_one_label_as_png_and_svg_and_a_pdf_sheet(client, as_user, session, tw):
    lot = receive_lot(session, tw, tw.bracket, 12)
    headers = as_user("admin.a")
    read = client.get(f"/labels/LOT/{lot.id}", headers=headers).json()
    assert read["payload"] == f"TAKT1|LOT|org-a|{lot.number}" and read["title"] == f"Lot {lot.number}"
    for symbology in ("qr", "code128"):
        png = client.get(f"/labels/LOT/{lot.id}.png", params={"symbology": symbology}, headers=headers)
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))] == [read["payload"]]
    svg = client.get(f"/labels/LOT/{lot.id}.svg", headers=headers)
    assert svg.headers["content-type"].startswith("image/svg+xml") and lot.number in svg.text
    sheet = client.post("/labels/sheet", headers=headers, json={
        "items": [{"kind": "LOT", "id": lot.id}, {"kind": "MAC", "id": tw.line.machine_ids[0]}],
        "symbology": "qr", "layout": "thermal-100x50"})
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    doc = pdfium.PdfDocument(sheet.content)
    try:
        found = [r.text for page in doc for r in zxingcpp.read_barcodes(page.render(scale=4).to_pil())]
        text = [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()
    assert found == [read["payload"], f"TAKT1|MAC|org-a|P1/{_machine_code(session, tw)}"]
    brand = client.get("/branding", headers=headers).json()["display_name"]
    assert all(brand in page for page in text)                  # each label in the organization's branding
    assert {"a4-3x8", "a4-2x7", "thermal-100x50"} <= {ln["key"] for ln in client.get("/labels/layouts", headers=headers).json()}


def _machine_code(session, tw) -> str:
    from models.resources import Machine
    return session.get(Machine, tw.line.machine_ids[0]).code


def test_label_requests_are_refused_clearly(client, as_user, session, tw):
    lot = receive_lot(session, tw, tw.bracket, 12)
    headers = as_user("admin.a")
    assert_error(client.get(f"/labels/PAL/{lot.id}.png", headers=headers), 422, "invalid")
    assert_error(client.post("/labels/sheet", headers=headers, json={"items": [{"kind": "LOT", "id": lot.id}],
                                                                      "layout": "letter-9x9"}), 422, "invalid", layout="")
    assert_error(client.post("/labels/sheet", headers=headers, json={"items": []}), 422, "invalid", items="")
    assert_error(client.get("/labels/resolve", params={"payload": "TAKT1|LOT|org-b|X"}, headers=headers),
                 422, "invalid", payload="")
    resolved = client.get("/labels/resolve", params={"payload": f"TAKT1|LOT|org-a|{lot.number}"}, headers=headers)
    assert resolved.json()["id"] == lot.id


def test_another_organization_gets_no_label_and_cannot_scan_ours(client, as_user, session, tw):
    lot = receive_lot(session, tw, tw.bracket, 12)
    outsider = as_user("admin.b")
    assert_error(client.get(f"/labels/LOT/{lot.id}.png", headers=outsider), 404, "not_found")
    assert_error(client.post("/labels/sheet", headers=outsider, json={"items": [{"kind": "LOT", "id": lot.id}]}),
                 404, "not_found")
    token_b = station_token(client, lambda _: as_user("admin.b"), tw.world.plant_b)
    answer = client.post("/scans", headers=bearer(token_b),
                         json={"mode": "move", "raw": f"TAKT1|LOT|org-a|{lot.number}"}).json()
    assert (answer["ok"], answer["reason"]) == (False, "foreign_org")


def test_a_station_token_packs_a_shipment_over_http(client, as_user, engine, session, tw):
    lot = receive_lot(session, tw, tw.bracket, 10)
    shipment_id = make_shipment(session, tw, tw.bracket, 10)
    headers = bearer(station_token(client, as_user, tw.world.plant1))
    shp = labels.label_for(session, tw.admin, "SHP", shipment_id).payload
    context = client.post("/scans", headers=headers, json={"mode": "pack", "raw": shp, "client_scan_id": "s-1"})
    assert context.status_code == 201 and context.json()["context_id"] == shipment_id
    body = {"mode": "pack", "raw": f"TAKT1|LOT|org-a|{lot.number}", "shipment_id": shipment_id, "client_scan_id": "s-2"}
    packed = client.post("/scans", headers=headers, json=body)
    assert packed.status_code == 201 and packed.json()["ok"] and packed.json()["quantity"] == 10
    retry = client.post("/scans", headers=headers, json=body)
    assert retry.status_code == 200 and retry.json()["duplicate"] and retry.json()["id"] == packed.json()["id"]
    refused = client.post("/scans", headers=headers, json={**body, "client_scan_id": "s-3"})
    assert refused.status_code == 201 and not refused.json()["ok"]
    with Session(engine) as s:
        assert s.exec(select(func.sum(ShipmentItem.quantity))).one() == 10
        assert s.exec(select(func.count()).select_from(Scan)).one() == 3
    recent = client.get("/scans/recent", headers=headers).json()
    assert [r["id"] for r in recent] == [refused.json()["id"], packed.json()["id"], context.json()["id"]]


def test_scans_need_a_scanning_token_or_user(client, as_user, engine, tw):
    assert_error(client.post("/scans", json={"mode": "pack", "raw": "x"}), 401, "unauthorized")
    machine = client.post("/api-tokens", headers=as_user("admin.a"),
                          json={"plant_id": tw.world.plant1, "name": "Gateway", "kind": "machine"}).json()["token"]
    assert_error(client.post("/scans", headers=bearer(machine), json={"mode": "pack", "raw": "x"}), 403, "forbidden")
    assert_error(client.post("/scans", headers=as_user("admin.a"), json={"mode": "fly", "raw": "x"}), 422, "invalid", mode="")
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Scan)).one() == 0
