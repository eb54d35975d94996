"""Scanning stations in a real browser.

1. Keyboard wedge: the demo operator opens /scan and a USB scanner types three labels in one burst
   (a shipment label, then two lot labels, each ending with Enter, no pause): the shipment is packed
   with both lots, every scan answered in order; a label of another company is refused in red.
2. Camera: a second Chromium whose fake camera shows a QR label (a 1280x720 .y4m made here with
   qrcode + numpy) reads it through @yudiel/react-qr-scanner and zxing's wasm served from assets/;
   the scan is recorded and its context (the shipment) is shown.
Data is prepared through the services on the e2e server's database; screenshots go to test-results/.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import qrcode
from playwright.sync_api import expect
from sqlmodel import Session, select

from models.base import utcnow
from models.catalog import Customer, Product, ProductType
from models.orders import CustomerOrder, OrderLine, OrderStatus
from models.organization import Plant
from models.scans import Scan
from models.shipments import ShipmentItem
from services.core.db import make_engine, transaction
from services.org import organizations
from services.trace import labels, lots, shipments
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, log_in, shot

pytestmark = pytest.mark.e2e


@dataclass
class Packable:
    shipment_id: int
    shipment_label: str
    lot_labels: list[str]
    lot_ids: list[int]


def seed_packable(database_url: str, *, lots_of: tuple[int, ...] = (4, 6)) -> Packable:
    """In the demo's Berlin plant: a released order for sum(lots_of) of a finished product, an open
    shipment for it, and received lots of that product."""
    engine = make_engine(database_url)
    now = utcnow()
    tag = uuid.uuid4().hex[:6].upper()
    try:
        with Session(engine, expire_on_commit=False) as s, transaction(s):
            plant = s.exec(select(Plant).where(Plant.code == "BER")).one()
            actor = organizations.system_actor(s, plant.organization_id)
            product = Product(organization_id=plant.organization_id, code=f"SCAN-{tag}", name="Scanned part",
                              type=ProductType.FINISHED)
            customer = s.exec(select(Customer).where(Customer.organization_id == plant.organization_id)
                              .order_by(Customer.id)).first()
            s.add(product)
            s.flush()
            order = CustomerOrder(organization_id=plant.organization_id, plant_id=plant.id, number=f"SO-{tag}",
                                  customer_id=customer.id, status=OrderStatus.RELEASED)
            s.add(order)
            s.flush()
            line = OrderLine(organization_id=plant.organization_id, order_id=order.id, line_no=1,
                             product_id=product.id, quantity=sum(lots_of), promised_date=date(2026, 12, 1))
            s.add(line)
            s.flush()
            shipment = shipments.create_shipment(s, actor, shipments.ShipmentCreate(
                plant_id=plant.id, lines=[shipments.ShipmentLineInput(order_line_id=line.id)]), now=now)
            received = [lots.receive(s, actor, lots.ReceiptCreate(plant_id=plant.id, product_id=product.id,
                                                                  quantity=q, supplier="E2E"), now=now)
                        for q in lots_of]
            return Packable(shipment_id=shipment.id,
                            shipment_label=labels.label_for(s, actor, "SHP", shipment.id).payload,
                            lot_labels=[labels.label_for(s, actor, "LOT", lot.id).payload for lot in received],
                            lot_ids=[lot.id for lot in received])
    finally:
        engine.dispose()


def packed(database_url: str, shipment_id: int) -> list[tuple[int, int]]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as s:
            return [(i.lot_id, i.quantity) for i in s.exec(select(ShipmentItem).where(
                ShipmentItem.shipment_id == shipment_id).order_by(ShipmentItem.id)).all()]
    finally:
        engine.dispose()


def scans_of(database_url: str, raw: str) -> list[Scan]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as s:
            return list(s.exec(select(Scan).where(Scan.raw == raw).order_by(Scan.id)).all())
    finally:
        engine.dispose()


def open_station(page) -> None:
    log_in(page, "operator")
    page.wait_for_url(re.compile(r"^https?://[^/]+/?$"))
    page.goto("/scan")
    expect(page.get_by_role("heading", name="Scanning station")).to_be_visible()
    expect(page.locator("#scan-input")).to_be_focused()


def test_keyboard_wedge_burst_packs_a_shipment(new_page, app_database_url):
    seeded = seed_packable(app_database_url)
    page = new_page(PHONE)
    open_station(page)
    expect(page.locator("#scan-mode")).to_have_value("pack")

    burst = "".join(f"{label}\n" for label in (seeded.shipment_label, *seeded.lot_labels))
    page.keyboard.type(burst)                                  # a wedge scanner: keys, no pause, Enter
    answer = page.get_by_test_id("scan-answer")
    expect(answer).to_have_attribute("data-count", "3")
    expect(answer).to_have_attribute("data-result", "ok")
    expect(page.get_by_test_id("scan-message")).to_contain_text("Packed 6")
    expect(page.get_by_test_id("scan-context")).to_contain_text("Packing shipment")
    expect(page.locator("#scan-input")).to_be_focused()
    expect(page.locator("#scan-input")).to_have_value("")
    assert packed(app_database_url, seeded.shipment_id) == [(seeded.lot_ids[0], 4), (seeded.lot_ids[1], 6)]
    assert page.evaluate("window.taktScanSounds") == ["ok", "ok", "ok"]
    shot(page, "scan-wedge-packed")

    page.keyboard.type(seeded.lot_labels[1] + "\n")            # the same lot again: counted once
    expect(answer).to_have_attribute("data-result", "error")
    expect(page.get_by_test_id("scan-message")).to_contain_text("counted once")
    page.keyboard.type("TAKT1|LOT|globex|LOT-000001\n")         # another company's label
    expect(answer).to_have_attribute("data-count", "5")
    expect(page.get_by_test_id("scan-message")).to_contain_text("another company")
    assert page.evaluate("window.taktScanSounds")[-2:] == ["error", "error"]
    assert packed(app_database_url, seeded.shipment_id) == [(seeded.lot_ids[0], 4), (seeded.lot_ids[1], 6)]
    shot(page, "scan-wedge-refused")


def qr_y4m(text: str, path: Path, *, width: int = 1280, height: int = 720, frames: int = 2) -> Path:
    """A 1280x720 4:2:0 YUV4MPEG2 video showing the QR code of `text` on white."""
    qr = qrcode.QRCode(border=4, box_size=1)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = np.array(qr.get_matrix(), dtype=bool)
    scale = (height - 120) // matrix.shape[0]
    code = np.kron(matrix, np.ones((scale, scale), dtype=bool))
    luma = np.full((height, width), 235, dtype=np.uint8)
    top, left = (height - code.shape[0]) // 2, (width - code.shape[1]) // 2
    luma[top:top + code.shape[0], left:left + code.shape[1]][code] = 16
    chroma = np.full((height // 2, width // 2), 128, dtype=np.uint8)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma.tobytes() + chroma.tobytes() + chroma.tobytes())
    return path


def test_phone_camera_reads_a_qr_label_and_records_the_scan(browser, app_url, app_database_url, tmp_path):
    seeded = seed_packable(app_database_url, lots_of=(3,))
    video = qr_y4m(seeded.shipment_label, tmp_path / "label.y4m")
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=args)   # a second launch: its own camera
    try:
        context = camera_browser.new_context(viewport=PHONE, base_url=app_url, permissions=["camera"])
        context.set_default_timeout(30_000)
        page = context.new_page()
        wasm = []
        page.on("request", lambda request: wasm.append(request.url) if request.url.endswith(".wasm") else None)
        open_station(page)
        page.get_by_test_id("camera-toggle").click()
        expect(page.get_by_test_id("camera-view").locator("video")).to_be_visible()
        answer = page.get_by_test_id("scan-answer")
        expect(answer).to_have_attribute("data-result", "ok", timeout=60_000)
        expect(page.get_by_test_id("scan-context")).to_contain_text("Packing shipment")
        shot(page, "scan-camera")
        page.get_by_test_id("camera-toggle").click()
        assert wasm and all(url.startswith(app_url) for url in wasm)     # zxing from our assets, not a CDN
    finally:
        camera_browser.close()
    recorded = scans_of(app_database_url, seeded.shipment_label)
    assert len(recorded) == 1 and recorded[0].result.value == "ok" and recorded[0].object_id == seeded.shipment_id
