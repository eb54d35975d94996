"""Shipment documents as PDF (fpdf2): the packing list (lines, and the lots and serials packed for
each) and a one-page shipment sheet for the box (number, customer, carrier, tracking, totals).
Reading needs VIEW (through services/trace/shipment_reads.get_shipment)."""
from __future__ import annotations

from fpdf import FPDF
from sqlmodel import Session

from models.catalog import Customer
from services.core.access import Actor
from services.trace.shipment_reads import ShipmentRead, get_shipment


def packing_list_pdf(session: Session, actor: Actor, shipment_id: int) -> bytes:
    shipment = get_shipment(session, actor, shipment_id)
    customer = session.get_one(Customer, shipment.customer_id)
    pdf = _page()
    _header(pdf, f"Packing list {shipment.number}", shipment, customer)
    for line in shipment.lines:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 7, _latin(f"{line.order_number} / {line.line_no}   {line.product_code} {line.product_name}   "
                              f"packed {line.quantity_packed} of {line.quantity}"), border="B",
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        items = [i for i in shipment.items if i.shipment_line_id == line.id]
        for item in items:
            what = f"lot {item.lot_number}" + (f"   serial {item.serial_number}" if item.serial_number else "")
            pdf.cell(120, 6, _latin("    " + what))
            pdf.cell(0, 6, str(item.quantity), align="R", new_x="LMARGIN", new_y="NEXT")
        if not items:
            pdf.cell(0, 6, "    nothing packed", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 8, f"Total packed: {shipment.quantity_packed} of {shipment.quantity}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def shipment_sheet_pdf(session: Session, actor: Actor, shipment_id: int) -> bytes:
    shipment = get_shipment(session, actor, shipment_id)
    customer = session.get_one(Customer, shipment.customer_id)
    pdf = _page()
    pdf.set_font("Helvetica", "B", 36)
    pdf.cell(0, 20, shipment.number, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 16)
    for text in (f"To: {customer.name} ({customer.code})", *(customer.address or "").splitlines()[:4],
                 f"Carrier: {shipment.carrier or '-'}", f"Tracking: {shipment.tracking_number or '-'}",
                 f"Packages contain {shipment.quantity_packed} units on {len(shipment.lines)} lines",
                 f"Status: {shipment.status.value}"):
        pdf.cell(0, 10, _latin(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _page() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _header(pdf: FPDF, title: str, shipment: ShipmentRead, customer: Customer) -> None:
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    shipped = shipment.shipped_at.strftime("%Y-%m-%d %H:%M UTC") if shipment.shipped_at else "not yet shipped"
    for text in (f"Customer: {customer.code} {customer.name}", f"Status: {shipment.status.value} ({shipped})",
                 f"Carrier: {shipment.carrier or '-'}   Tracking: {shipment.tracking_number or '-'}"):
        pdf.cell(0, 6, _latin(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")
