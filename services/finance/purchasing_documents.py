"""Printable purchasing documents, through the shared branded PDF (services/org/pdf.py, so Japanese and Korean names
print in the embedded CJK font): the purchase order as PDF, and a settlement statement as PDF and Excel. The
vendor and the project print in the reader's language with the other name in brackets
(services/core/display_names.both_names).

Every tax line states its rule, rates and rounding (as computed by services/finance/tax_rules.py); a statement's
taxes are computed again from the order's rules on the settlement date, which gives the totals stored on it.

Invariants: a PO document is read by whoever reads the PO (finance; the vendor's portal account once approved);
statements need FINANCE; figures are the stored ones, exact in the currency's minor unit.
"""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import referenced
from models.purchasing import PurchaseOrder, PurchaseOrderLine, SettlementLine
from models.studio import StudioPartner, StudioProject
from services.core.access import Actor
from services.core.display_names import both_names
from services.core.exports import to_xlsx
from services.finance.purchasing import document_taxes, read_any_po, readable_po
from services.finance.settlements import SettlementRead, read_settlement
from services.finance.tax_rules import TaxResult
from services.org import pdf as doc
from services.studio.tasks import label as task_label

PO_COLUMNS = [("Line", 62, "L"), ("Qty", 14, "R"), ("Unit price", 26, "R"), ("Diff. x urg.", 24, "R"),
              ("Base", 26, "R"), ("Adjusted", 0, "R")]
STATEMENT_COLUMNS = [("Work", 100, "L"), ("Qty", 20, "R"), ("Adjusted", 0, "R")]


class StatementLine(BaseModel):
    work: str
    task: str
    quantity: int
    adjusted: Decimal


def po_pdf(session: Session, actor: Actor, po_id: int) -> bytes:
    row = readable_po(session, actor, po_id)       # the document shows no budget warnings: not read_po
    po = read_any_po(session, row)
    vendor = referenced(session, StudioPartner, po.vendor_partner_id)
    pdf = doc.branded_document(session, actor.organization_id)
    doc.title(pdf, f"Purchase order {po.number}")
    for text in (f"Vendor: {both_names(vendor)}",
                 f"Business number: {vendor.business_number}" if vendor.business_number else "",
                 f"Project: {_project(session, po.project_id)}" if po.project_id else "",
                 f"Work: {po.process_type}", f"Ordered: {po.order_date.isoformat()}    Status: {po.status.value}"):
        doc.line(pdf, text)
    pdf.ln(4)
    doc.table(pdf, PO_COLUMNS, [(x.description, str(x.quantity), doc.money(x.unit_price),
                                 f"{x.difficulty_rate.normalize():f} x {x.urgency_rate.normalize():f}",
                                 doc.money(x.base), doc.money(x.adjusted)) for x in po.lines])
    pdf.ln(3)
    doc.label_value(pdf, f"Base ({po.currency})", doc.money(po.base))
    doc.label_value(pdf, f"Adjusted = base x difficulty x urgency ({po.currency})", doc.money(po.adjusted))
    _taxes(pdf, po.vat, po.withholding)
    doc.label_value(pdf, f"Net payable ({po.currency})", doc.money(po.net_payable), bold=True)
    if row.note:
        pdf.ln(3)
        doc.line(pdf, row.note)
    return doc.output(pdf)


def statement_lines(session: Session, actor: Actor, settlement_id: int) -> tuple[SettlementRead, list[StatementLine]]:
    """The settlement (FINANCE) and its lines: the work paid, its task, quantity and adjusted amount."""
    settlement = read_settlement(session, actor, settlement_id)
    rows = session.exec(select(SettlementLine, PurchaseOrderLine)
                        .join(PurchaseOrderLine, col(PurchaseOrderLine.id) == SettlementLine.po_line_id)
                        .where(SettlementLine.settlement_id == settlement.id).order_by(col(SettlementLine.id))).all()
    return settlement, [StatementLine(work=po_line.description,
                                      task=task_label(session, line.task_id) if line.task_id else "",
                                      quantity=line.quantity, adjusted=Decimal(line.adjusted)) for line, po_line in rows]


def settlement_pdf(session: Session, actor: Actor, settlement_id: int) -> bytes:
    settlement, lines = statement_lines(session, actor, settlement_id)
    po = referenced(session, PurchaseOrder, settlement.po_id)
    vendor = referenced(session, StudioPartner, po.vendor_partner_id)
    pdf = doc.branded_document(session, actor.organization_id)
    doc.title(pdf, f"Settlement statement {settlement.number}")
    paid = f"paid on {settlement.paid_on.isoformat()}" if settlement.paid_on else "not paid yet"
    for text in (f"Vendor: {both_names(vendor)}",
                 f"Purchase order: {po.number} ({po.process_type})",
                 f"Project: {_project(session, po.project_id)}" if po.project_id else "",
                 f"Settled on: {settlement.settled_on.isoformat()}    Payment: {paid}"):
        doc.line(pdf, text)
    pdf.ln(4)
    doc.table(pdf, STATEMENT_COLUMNS, [(f"{x.task}: {x.work}" if x.task else x.work, str(x.quantity),
                                        doc.money(x.adjusted)) for x in lines])
    pdf.ln(3)
    currency = po.currency
    doc.label_value(pdf, f"Adjusted ({currency}), {len(lines)} lines", doc.money(settlement.adjusted))
    vat, wht = document_taxes(session, po, settlement.adjusted, settlement.settled_on)
    _taxes(pdf, vat, wht)
    doc.label_value(pdf, f"Net payable ({currency})", doc.money(settlement.net_payable), bold=True)
    return doc.output(pdf)


def settlement_xlsx(session: Session, actor: Actor, settlement_id: int) -> bytes:
    """The statement as a sheet: one row per line, then the adjusted total, each tax and the net payable."""
    settlement, lines = statement_lines(session, actor, settlement_id)
    po = referenced(session, PurchaseOrder, settlement.po_id)
    rows: list[dict] = [line.model_dump() for line in lines]
    vat, wht = document_taxes(session, po, settlement.adjusted, settlement.settled_on)
    rows.append({"work": "Adjusted total", "adjusted": settlement.adjusted})
    for sign, result in ((1, vat), (-1, wht)):
        for c in result.components if result else []:
            rows.append({"work": f"{'+' if sign > 0 else '-'} {c.name} ({c.rates} of {c.base}, {c.rounding})",
                         "adjusted": sign * c.amount})
    rows.append({"work": "Net payable", "adjusted": settlement.net_payable})
    columns = [("work", "Work"), ("task", "Task"), ("quantity", "Qty"), ("adjusted", f"Amount ({po.currency})")]
    return to_xlsx(rows, columns, sheet=settlement.number)


def _taxes(pdf, vat: TaxResult | None, withholding: TaxResult | None) -> None:
    for sign, result in (("+", vat), ("-", withholding)):
        for c in result.components if result else []:
            doc.label_value(pdf, f"{sign} {c.name} {c.rates} of {doc.money(c.base)}, {c.rounding}", doc.money(c.amount))


def _project(session: Session, project_id: int | None) -> str:
    project = session.get(StudioProject, project_id) if project_id else None
    return both_names(project) if project else ""

