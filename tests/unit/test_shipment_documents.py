"""Packing list and shipment sheet in the organization's branding (issue 18): its display name and colour band,
its logo, the ship-from and ship-to addresses, and the shipment number as a Code128 barcode a scanner reads."""
from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp
from sqlmodel import select

from models.catalog import Customer
from models.organization import OrganizationBranding
from services.core.db import transaction
from services.trace import shipment_pdf
from tests.factories.documents import pdf_text_layer
from tests.factories.shipments import make_output, new_shipment, pack, receive
from tests.factories.trace import make_order, make_trace_world

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="16" viewBox="0 0 40 16">'
        '<rect width="40" height="16" fill="#ff0000"/></svg>')


def _page(data: bytes):
    document = pdfium.PdfDocument(data)
    try:
        return document[0].render(scale=300 / 72).to_pil().convert("RGB")
    finally:
        document.close()


def test_packing_list_and_sheet_carry_branding_addresses_and_a_barcode(session):
    tw = make_trace_world(session)
    with transaction(session):
        customer = session.get(Customer, tw.customers[0])
        customer.address = "Hafenstrasse 12\n20457 Hamburg"
        session.add(customer)
        brand = session.exec(select(OrganizationBranding).where(
            OrganizationBranding.organization_id == tw.world.org_a)).first() or OrganizationBranding(
            organization_id=tw.world.org_a, display_name="")
        brand.display_name, brand.primary_color, brand.logo_svg = "Acme Werke", "#ff0000", LOGO
        session.add(brand)
    steel = receive(session, tw, tw.steel, 100, "H-1")
    brackets = make_output(session, tw, [(steel.id, 10)], tw.bracket, 5)
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
    shipment = new_shipment(session, tw, [line_id])
    pack(session, tw, shipment.id, lot_id=brackets.id)

    for make in (shipment_pdf.packing_list_pdf, shipment_pdf.shipment_sheet_pdf):
        data = make(session, tw.viewer, shipment.id)
        text = pdf_text_layer(data)
        assert "Acme Werke" in text and "Hafenstrasse 12" in text and "20457 Hamburg" in text, text
        page = _page(data)
        assert [r.text for r in zxingcpp.read_barcodes(page) if r.format == zxingcpp.BarcodeFormat.Code128] == [
            shipment.number]
        red = sum(1 for x in range(0, page.width, 8) if page.getpixel((x, 5)) == (255, 0, 0))
        assert red > page.width // 8 * 0.9                               # the brand colour band across the top
        logo = page.crop((page.width - 300, 60, page.width - 60, 260))   # top right, where the logo goes
        assert any(logo.getpixel((x, y)) == (255, 0, 0) for x in range(0, logo.width, 4) for y in range(0, logo.height, 4))
    packing = pdf_text_layer(shipment_pdf.packing_list_pdf(session, tw.viewer, shipment.id))
    assert "Ship from" in packing and "Ship to" in packing and brackets.number in packing


def _cjk_glyph_crops(data: bytes) -> dict[str, set[bytes]]:
    """Each CJK character of the first page's text layer -> the pixels drawn in its box (rendered at 200 dpi)."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        scale = 200 / 72
        image = page.render(scale=scale).to_pil().convert("L")
        text = page.get_textpage()
        crops: dict[str, set[bytes]] = {}
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if not char or not ("\u3040" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af"):
                continue
            left, bottom, right, top = text.get_charbox(i)
            box = (int(left * scale), int(image.height - top * scale), int(right * scale) + 1,
                   int(image.height - bottom * scale) + 1)
            crops.setdefault(char, set()).add(image.crop(box).resize((24, 24)).point(lambda v: 0 if v < 128 else 255)
                                              .tobytes())
        return crops
    finally:
        document.close()


def test_a_packing_list_for_a_japanese_reader_is_in_japanese_with_every_glyph_drawn(session):
    """Headings and labels in Japanese (the language being served), a Japanese customer name as written, in the
    embedded Noto Sans CJK font: no missing-glyph boxes, which would draw every character the same."""
    from services.core.languages import use_language

    tw = make_trace_world(session)
    with transaction(session):
        customer = session.get(Customer, tw.customers[0])
        customer.name, customer.address = "東京精密工業株式会社", "東京都大田区羽田空港 1-1"
        session.add(customer)
    steel = receive(session, tw, tw.steel, 100, "H-1")
    brackets = make_output(session, tw, [(steel.id, 10)], tw.bracket, 5)
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
    shipment = new_shipment(session, tw, [line_id])
    pack(session, tw, shipment.id, lot_id=brackets.id)

    with use_language("ja"):
        data = shipment_pdf.packing_list_pdf(session, tw.viewer, shipment.id)
    text = pdf_text_layer(data)
    for expected in (f"梱包明細書 {shipment.number}", "出荷元", "出荷先", "東京精密工業株式会社", "東京都大田区羽田空港",
                     "状態: 梱包中", "未出荷", "梱包合計: 5 個中 5 個", f"ロット {brackets.number}"):
        assert expected in text, (expected, text)
    for english in ("Packing list", "Ship to", "Status:", "Total packed", "not yet shipped"):
        assert english not in text, (english, text)
    assert b"NotoSansCJK" in data or b"Noto Sans CJK" in data or b"NotoSans" in data   # the embedded CJK font

    crops = _cjk_glyph_crops(data)
    assert len(crops) >= 20, sorted(crops)
    drawn = {char: next(iter(images)) for char, images in crops.items()}
    assert len(set(drawn.values())) >= len(drawn) - 2, "characters drawn alike: missing-glyph boxes"
    blank = bytes([255]) * (24 * 24)
    assert blank not in set(drawn.values()), "a character with no ink"

    with use_language("en"):
        english = pdf_text_layer(shipment_pdf.packing_list_pdf(session, tw.viewer, shipment.id))
    assert f"Packing list {shipment.number}" in english and "Total packed: 5 of 5" in english
