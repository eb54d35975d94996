"""Shipment documents as PDF (fpdf2) in the organization's branding (services/org/pdf: its colour band and
name, its logo when it has one): the packing list (ship-from and ship-to addresses, the shipment number as a
Code128 barcode, the lines and the lots and serials packed for each) and a one-page shipment sheet for the box
(number and barcode, customer and address, carrier, tracking, totals).
Reading needs VIEW (through services/trace/shipment_reads.get_shipment). Every text is a message (services/core/
messages) printed in the language being served (the person's, or the request's Accept-Language), dates in the
plant's local format; names print as they are written."""
from __future__ import annotations

from fpdf import FPDF
from sqlmodel import Session

from models.catalog import Customer
from models.organization import Plant
from services.core import formats
from services.core.access import Actor
from services.core.display_names import both_names, display_name
from services.core.messages import Message, render, t
from services.org import pdf as doc
from services.org.branding import BrandingRead, branding_for_org
from services.trace.label_render import draw_code128_pdf
from services.trace.shipment_reads import ShipmentRead, get_shipment

STATUS = {"open": t("Open"), "packing": t("Packing"), "shipped": t("Shipped"), "cancelled": t("Cancelled")}


def packing_list_pdf(session: Session, actor: Actor, shipment_id: int) -> bytes:
    shipment = get_shipment(session, actor, shipment_id)
    customer = session.get_one(Customer, shipment.customer_id)
    pdf, brand = _page(session, actor)
    doc.title(pdf, render(t("Packing list {number}", number=shipment.number)))
    draw_code128_pdf(pdf, shipment.number, x=pdf.l_margin, y=pdf.get_y(), w=80, h=14)
    pdf.set_y(pdf.get_y() + 18)
    _addresses(pdf, session, brand, shipment, customer)
    shipped = (formats.moment(shipment.shipped_at, _plant_zone(session, shipment.plant_id)) if shipment.shipped_at
               else render(t("not yet shipped")))
    doc.line(pdf, render(t("Status: {status} ({shipped})", status=_status(shipment.status.value), shipped=shipped)))
    doc.line(pdf, render(t("Carrier: {carrier}   Tracking: {tracking}", carrier=shipment.carrier or "-",
                           tracking=shipment.tracking_number or "-")))
    pdf.ln(3)
    for line in shipment.lines:
        doc.line(pdf, render(t("{order} / {line}   {code} {name}   packed {packed} of {quantity}",
                               order=line.order_number, line=line.line_no, code=line.product_code,
                               name=line.product_name, packed=line.quantity_packed, quantity=line.quantity)),
                 bold=True)
        items = [i for i in shipment.items if i.shipment_line_id == line.id]
        rows = [[_item(i.lot_number, i.serial_number), str(i.quantity)] for i in items] or [
            [render(t("nothing packed")), ""]]
        doc.table(pdf, [(render(t("What")), 0, "L"), (render(t("Quantity")), 30, "R")], rows)
        pdf.ln(2)
    doc.line(pdf, render(t("Total packed: {packed} of {quantity}", packed=shipment.quantity_packed,
                           quantity=shipment.quantity)), bold=True)
    return doc.output(pdf)


def shipment_sheet_pdf(session: Session, actor: Actor, shipment_id: int) -> bytes:
    shipment = get_shipment(session, actor, shipment_id)
    customer = session.get_one(Customer, shipment.customer_id)
    pdf, _brand = _page(session, actor)
    doc.title(pdf, shipment.number, size=36)
    draw_code128_pdf(pdf, shipment.number, x=pdf.l_margin, y=pdf.get_y(), w=120, h=24)
    pdf.set_y(pdf.get_y() + 28)
    for text in (render(t("To: {customer} ({code})", customer=both_names(customer), code=customer.code)),
                 *(customer.address or "").splitlines()[:4],
                 render(t("Carrier: {carrier}", carrier=shipment.carrier or "-")),
                 render(t("Tracking: {tracking}", tracking=shipment.tracking_number or "-")),
                 render(t("Packages contain {units} units on {lines} lines", units=shipment.quantity_packed,
                          lines=len(shipment.lines))),
                 render(t("Status: {status}", status=_status(shipment.status.value)))):
        doc.line(pdf, text, height=10, size=16)
    return doc.output(pdf)


def _status(value: str) -> str:
    label = STATUS.get(value)
    return render(label) if isinstance(label, Message) else value


def _item(lot_number: str, serial_number: str | None) -> str:
    if serial_number:
        return render(t("lot {lot}   serial {serial}", lot=lot_number, serial=serial_number))
    return render(t("lot {lot}", lot=lot_number))


def _plant_zone(session: Session, plant_id: int) -> str:
    plant = session.get(Plant, plant_id)
    return plant.timezone if plant is not None and plant.timezone else "UTC"


def _page(session: Session, actor: Actor) -> tuple[FPDF, BrandingRead]:
    """A branded page with the logo, and the branding for the rest of the document."""
    return doc.branded_document(session, actor.organization_id, logo=True), branding_for_org(session, actor.organization_id)


def _addresses(pdf: FPDF, session: Session, brand: BrandingRead, shipment: ShipmentRead, customer: Customer) -> None:
    plant = session.get(Plant, shipment.plant_id)
    sender = [brand.display_name, f"{display_name(plant)} ({plant.code})" if plant else ""]
    receiver = [f"{both_names(customer)} ({customer.code})", *(customer.address or "").splitlines()[:5]]
    top = pdf.get_y()
    for column, (heading, lines) in enumerate(((render(t("Ship from")), sender), (render(t("Ship to")), receiver))):
        pdf.set_xy(pdf.l_margin + column * 95, top)
        doc.line(pdf, heading, bold=True)
        for text in lines:
            pdf.set_x(pdf.l_margin + column * 95)
            doc.line(pdf, text)
    pdf.set_xy(pdf.l_margin, top + 6 * (1 + max(len(sender), len(receiver))) + 4)
