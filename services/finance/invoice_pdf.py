"""An invoice or credit note as PDF (fpdf2) in the organization's branding: name and colour, the customer's
address, lines with quantity, price, discount and net, VAT with its rate and rounding, totals and due date.
Reading needs FINANCE (through services/finance/invoices.get_invoice)."""
from __future__ import annotations

from decimal import Decimal

from fpdf import FPDF
from sqlmodel import Session

from models.base import referenced
from models.catalog import Customer
from models.finance import InvoiceKind
from services.core.access import Actor
from services.finance.invoices import get_invoice
from services.finance.money import describe_rounding
from services.finance.tax_rules import rule_in_force
from services.org.branding import branding_for_org

COLUMNS = [("Item", 80), ("Qty", 18), ("Price", 26), ("Disc. %", 18), ("Net", 0)]


def invoice_pdf(session: Session, actor: Actor, invoice_id: int) -> bytes:
    inv = get_invoice(session, actor, invoice_id)
    customer = referenced(session, Customer, inv.customer_id)
    brand = branding_for_org(session, actor.organization_id)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    red, green, blue = _rgb(brand.primary_color)
    pdf.set_fill_color(red, green, blue)
    pdf.rect(0, 0, 210, 6, style="F")
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, _latin(brand.display_name), new_x="LMARGIN", new_y="NEXT")
    title = "Invoice" if inv.kind == InvoiceKind.INVOICE else "Credit note"
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, _latin(f"{title} {inv.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for text in (f"Customer: {customer.name} ({customer.code})", *(customer.address or "").splitlines()[:4],
                 f"Issued: {inv.issue_date.isoformat()}    Due: {inv.due_date.isoformat()}", inv.memo):
        if text:
            pdf.cell(0, 6, _latin(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    for name, width in COLUMNS:
        pdf.cell(width, 7, name, border="B", align="L" if name == "Item" else "R",
                 new_x="LMARGIN" if not width else "RIGHT", new_y="NEXT" if not width else "TOP")
    pdf.set_font("Helvetica", "", 10)
    for line in inv.lines:
        for (name, width), value in zip(COLUMNS, (line.description, str(line.quantity), _money(line.unit_price),
                                                  _money(line.discount_pct), _money(line.net)), strict=True):
            pdf.cell(width, 6, _latin(value), align="L" if name == "Item" else "R",
                     new_x="LMARGIN" if not width else "RIGHT", new_y="NEXT" if not width else "TOP")
    pdf.ln(3)
    vat_text = inv.lines[0].vat_text if inv.lines else ""
    rule = rule_in_force(session, actor, inv.vat_rule_code, inv.issue_date)
    first = rule.components[0]
    rounding = describe_rounding(inv.currency, first["rounding"], Decimal(first["unit"]) if first.get("unit") else None)
    for label, amount in ((f"Net ({inv.currency})", inv.net), (f"VAT {vat_text} on the net, {rounding}", inv.vat),
                         (f"Total ({inv.currency})", inv.total)):
        pdf.set_font("Helvetica", "B" if label.startswith("Total") else "", 11)
        pdf.cell(142, 7, _latin(label), align="R")
        pdf.cell(0, 7, _money(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _money(value: Decimal) -> str:
    return f"{value.normalize():,f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _rgb(color: str) -> tuple[int, int, int]:
    text = color.lstrip("#")
    if len(text) != 6:
        return (37, 99, 235)
    try:
        return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
    except ValueError:
        return (37, 99, 235)


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")
