"""Shipment documents as PDF (fpdf2) in the organization's branding (services/org/pdf: its colour band and
name, its logo when it has one): the packing list (ship-from and ship-to addresses, the shipment number as a
Code128 barcode, the lines and the lots and serials packed for each) and a one-page shipment sheet for the box
(number and barcode, customer and address, carrier, tracking, totals).
Reading needs VIEW (through services/trace/shipment_reads.get_shipment)."""
from __future__ import annotations

from fpdf import FPDF
from sqlmodel import Session

from models.catalog import Customer
from models.organization import Plant
from services.core.access import Actor
from services.org import pdf as doc
from services.org.branding import BrandingRead, branding_for_org
from services.trace.label_render import draw_code128_pdf
from services.trace.shipment_reads import ShipmentRead, get_shipment


def packing_list_pdf(session: Session, actor: Actor, shipment_id: int) -> bytes:
    shipment = get_shipment(session, actor, shipment_id)
    customer = session.get_one(Customer, shipment.customer_id)
    pdf, brand = _page(session, actor)
    doc.title(pdf, f"Packing list {shipment.number}")
    draw_code128_pdf(pdf, shipment.number, x=pdf.l_margin, y=pdf.get_y(), w=80, h=14)
    pdf.set_y(pdf.get_y() + 18)
    _addresses(pdf, session, brand, shipment, customer)
    shipped = shipment.shipped_at.strftime("%Y-%m-%d %H:%M UTC") if shipment.shipped_at else "not yet shipped"
    doc.line(pdf, f"Status: {shipment.status.value} ({shipped})")
    doc.line(pdf, f"Carrier: {shipment.carrier or '-'}   Tracking: {shipment.tracking_number or '-'}")
    pdf.ln(3)
    for line in shipment.lines:
        doc.line(pdf, f"{line.order_number} / {line.line_no}   {line.product_code} {line.product_name}   "
                      f"packed {line.quantity_packed} of {line.quantity}", bold=True)
        items = [i for i in shipment.items if i.shipment_line_id == line.id]
        rows = [["lot " + i.lot_number + (f"   serial {i.serial_number}" if i.serial_number else ""), str(i.quantity)]
                for i in items] or [["nothing packed", ""]]
        doc.table(pdf, [("What", 0, "L"), ("Quantity", 30, "R")], rows)
        pdf.ln(2)
    doc.line(pdf, f"Total packed: {shipment.quantity_packed} of {shipment.quantity}", bold=True)
    return doc.output(pdf)


def shipment_sheet_pdf(session: Session, actor: Actor, shipment_id: int) -> bytes:
    shipment = get_shipment(session, actor, shipment_id)
    customer = session.get_one(Customer, shipment.customer_id)
    pdf, _brand = _page(session, actor)
    doc.title(pdf, shipment.number, size=36)
    draw_code128_pdf(pdf, shipment.number, x=pdf.l_margin, y=pdf.get_y(), w=120, h=24)
    pdf.set_y(pdf.get_y() + 28)
    for text in (f"To: {customer.name} ({customer.code})", *(customer.address or "").splitlines()[:4],
                 f"Carrier: {shipment.carrier or '-'}", f"Tracking: {shipment.tracking_number or '-'}",
                 f"Packages contain {shipment.quantity_packed} units on {len(shipment.lines)} lines",
                 f"Status: {shipment.status.value}"):
        doc.line(pdf, text, height=10, size=16)
    return doc.output(pdf)


def _page(session: Session, actor: Actor) -> tuple[FPDF, BrandingRead]:
    """A branded page with the logo, and the branding for the rest of the document."""
    return doc.branded_document(session, actor.organization_id, logo=True), branding_for_org(session, actor.organization_id)


def _addresses(pdf: FPDF, session: Session, brand: BrandingRead, shipment: ShipmentRead, customer: Customer) -> None:
    plant = session.get(Plant, shipment.plant_id)
    sender = [brand.display_name, f"{plant.name} ({plant.code})" if plant else ""]
    receiver = [f"{customer.name} ({customer.code})", *(customer.address or "").splitlines()[:5]]
    top = pdf.get_y()
    for column, (heading, lines) in enumerate((("Ship from", sender), ("Ship to", receiver))):
        pdf.set_xy(pdf.l_margin + column * 95, top)
        doc.line(pdf, heading, bold=True)
        for text in lines:
            pdf.set_x(pdf.l_margin + column * 95)
            doc.line(pdf, text)
    pdf.set_xy(pdf.l_margin, top + 6 * (1 + max(len(sender), len(receiver))) + 4)
