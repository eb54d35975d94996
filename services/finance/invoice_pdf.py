"""An invoice or credit note as PDF in the organization's branding (through services/org/pdf.py): name and colour,
the customer's address, lines with quantity, price, discount and net, VAT with its rate and rounding, totals and
due date. Reading needs FINANCE (through services/finance/invoices.get_invoice)."""
from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from models.base import referenced
from models.catalog import Customer
from models.finance import InvoiceKind
from services.core.access import Actor
from services.finance.invoices import get_invoice
from services.finance.money import describe_rounding
from services.finance.tax_rules import rule_in_force
from services.org import pdf as doc

COLUMNS = [("Item", 80, "L"), ("Qty", 18, "R"), ("Price", 26, "R"), ("Disc. %", 18, "R"), ("Net", 0, "R")]


def invoice_pdf(session: Session, actor: Actor, invoice_id: int) -> bytes:
    inv = get_invoice(session, actor, invoice_id)
    customer = referenced(session, Customer, inv.customer_id)
    pdf = doc.branded_document(session, actor.organization_id)
    doc.title(pdf, f"{'Invoice' if inv.kind == InvoiceKind.INVOICE else 'Credit note'} {inv.number}")
    for text in (f"Customer: {customer.name} ({customer.code})", *(customer.address or "").splitlines()[:4],
                 f"Issued: {inv.issue_date.isoformat()}    Due: {inv.due_date.isoformat()}", inv.memo):
        doc.line(pdf, text)
    pdf.ln(4)
    doc.table(pdf, COLUMNS, [(line.description, str(line.quantity), doc.money(line.unit_price),
                              doc.money(line.discount_pct), doc.money(line.net)) for line in inv.lines])
    pdf.ln(3)
    vat_text = inv.lines[0].vat_text if inv.lines else ""
    rule = rule_in_force(session, actor, inv.vat_rule_code, inv.issue_date)
    first = rule.components[0]
    rounding = describe_rounding(inv.currency, first["rounding"], Decimal(first["unit"]) if first.get("unit") else None)
    doc.label_value(pdf, f"Net ({inv.currency})", doc.money(inv.net))
    doc.label_value(pdf, f"VAT {vat_text} on the net, {rounding}", doc.money(inv.vat))
    doc.label_value(pdf, f"Total ({inv.currency})", doc.money(inv.total), bold=True)
    return doc.output(pdf)
