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
