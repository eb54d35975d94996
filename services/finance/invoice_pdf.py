"""An invoice or credit note as PDF in the organization's branding (through services/org/pdf.py): name and colour,
the customer's address, lines with quantity, price, discount and net, VAT with its rate and rounding, totals and
due date. Reading needs FINANCE (through services/finance/invoices.get_invoice). Every heading, label and sentence
is a message (services/core/messages) printed in the language being served (the person's, or the request's
Accept-Language), dates in its format; names and figures print as they are written."""
from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from models.base import referenced
from models.catalog import Customer
from models.finance import InvoiceKind
from services.core.access import Actor
from services.core.display_names import both_names
from services.core.messages import render, t
from services.finance.invoices import get_invoice
from services.finance.money import describe_rounding
from services.finance.tax_rules import rule_in_force
from services.org import pdf as doc

COLUMNS = [(t("Item"), 80, "L"), (t("Qty"), 18, "R"), (t("Price"), 26, "R"), (t("Disc. %"), 18, "R"), (t("Net"), 0, "R")]


def invoice_pdf(session: Session, actor: Actor, invoice_id: int) -> bytes:
    inv = get_invoice(session, actor, invoice_id)
    customer = referenced(session, Customer, inv.customer_id)
    pdf = doc.branded_document(session, actor.organization_id)
    doc.title(pdf, render(t("Invoice {number}", number=inv.number) if inv.kind == InvoiceKind.INVOICE
                          else t("Credit note {number}", number=inv.number)))
    for text in (render(t("Customer: {name} ({code})", name=both_names(customer), code=customer.code)),
                 *(customer.address or "").splitlines()[:4],
                 render(t("Issued: {issued}    Due: {due}", issued=inv.issue_date, due=inv.due_date)), inv.memo):
        doc.line(pdf, text)
    pdf.ln(4)
    doc.table(pdf, COLUMNS, [(line.description, str(line.quantity), doc.money(line.unit_price),
                              doc.money(line.discount_pct), doc.money(line.net)) for line in inv.lines])
    pdf.ln(3)
    vat_text = inv.lines[0].vat_text if inv.lines else ""
    rule = rule_in_force(session, actor, inv.vat_rule_code, inv.issue_date)
    first = rule.components[0]
    rounding = describe_rounding(inv.currency, first["rounding"], Decimal(first["unit"]) if first.get("unit") else None)
    doc.label_value(pdf, render(t("Net ({currency})", currency=inv.currency)), doc.money(inv.net))
    doc.label_value(pdf, render(t("VAT {rate} on the net, {rounding}", rate=vat_text, rounding=rounding)),
                    doc.money(inv.vat))
    doc.label_value(pdf, render(t("Total ({currency})", currency=inv.currency)), doc.money(inv.total), bold=True)
    return doc.output(pdf)
