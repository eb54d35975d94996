"""Printable purchasing documents, through the shared branded PDF (services/org/pdf.py, so Japanese and Korean names
print in the embedded CJK font): the purchase order as PDF, and a settlement statement as PDF and Excel. The
vendor and the project print in the reader's language with the other name in brackets
(services/core/display_names.both_names).

Every tax line states its rule, rates and rounding (as computed by services/finance/tax_rules.py); a statement's
taxes are computed again from the order's rules on the settlement date, which gives the totals stored on it.

Every heading, label and sentence is a message (services/core/messages) printed in the language being served (the
person's, or the request's Accept-Language), dates in its format; names and figures print as they are written.

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
from services.core.messages import render, t
from services.finance.purchasing import PO_STATUS, document_taxes, read_any_po, readable_po
from services.finance.settlements import SettlementRead, read_settlement
from services.finance.tax_rules import TaxResult
from services.org import pdf as doc
from services.studio.tasks import label as task_label

PO_COLUMNS = [(t("Line"), 62, "L"), (t("Qty"), 14, "R"), (t("Unit price"), 26, "R"), (t("Diff. x urg."), 24, "R"),
              (t("Base"), 26, "R"), (t("Adjusted"), 0, "R")]
STATEMENT_COLUMNS = [(t("Work done"), 100, "L"), (t("Qty"), 20, "R"), (t("Adjusted"), 0, "R")]



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
    doc.title(pdf, render(t("Purchase order {number}", number=po.number)))
    for text in (t("Vendor: {vendor}", vendor=both_names(vendor)),
                 t("Business number: {number}", number=vendor.business_number) if vendor.business_number else "",
                 t("Project: {project}", project=_project(session, po.project_id)) if po.project_id else "",
                 t("Work: {work}", work=po.process_type),
                 t("Ordered: {day}    Status: {status}", day=po.order_date, status=render(PO_STATUS[po.status]))):
        doc.line(pdf, render(text) if text else "")
    pdf.ln(4)
    doc.table(pdf, PO_COLUMNS, [(x.description, str(x.quantity), doc.money(x.unit_price),
                                 f"{x.difficulty_rate.normalize():f} x {x.urgency_rate.normalize():f}",
                                 doc.money(x.base), doc.money(x.adjusted)) for x in po.lines])
    pdf.ln(3)
    doc.label_value(pdf, render(t("Base ({currency})", currency=po.currency)), doc.money(po.base))
    doc.label_value(pdf, render(t("Adjusted = base x difficulty x urgency ({currency})", currency=po.currency)),
                    doc.money(po.adjusted))
    _taxes(pdf, po.vat, po.withholding)
    doc.label_value(pdf, render(t("Net payable ({currency})", currency=po.currency)), doc.money(po.net_payable),
                    bold=True)
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
    doc.title(pdf, render(t("Settlement statement {number}", number=settlement.number)))
    paid = t("paid on {day}", day=settlement.paid_on) if settlement.paid_on else t("not paid yet")
    for text in (t("Vendor: {vendor}", vendor=both_names(vendor)),
                 t("Purchase order: {number} ({work})", number=po.number, work=po.process_type),
                 t("Project: {project}", project=_project(session, po.project_id)) if po.project_id else "",
                 t("Settled on: {day}    Payment: {paid}", day=settlement.settled_on, paid=paid)):
        doc.line(pdf, render(text) if text else "")
    pdf.ln(4)
    doc.table(pdf, STATEMENT_COLUMNS, [(f"{x.task}: {x.work}" if x.task else x.work, str(x.quantity),
                                        doc.money(x.adjusted)) for x in lines])
    pdf.ln(3)
    currency = po.currency
    doc.label_value(pdf, render(t("Adjusted ({currency}), {count} lines", currency=currency, count=len(lines))),
                    doc.money(settlement.adjusted))
    vat, wht = document_taxes(session, po, settlement.adjusted, settlement.settled_on)
    _taxes(pdf, vat, wht)
    doc.label_value(pdf, render(t("Net payable ({currency})", currency=currency)), doc.money(settlement.net_payable),
                    bold=True)
    return doc.output(pdf)


def settlement_xlsx(session: Session, actor: Actor, settlement_id: int) -> bytes:
    """The statement as a sheet: one row per line, then the adjusted total, each tax and the net payable."""
    settlement, lines = statement_lines(session, actor, settlement_id)
    po = referenced(session, PurchaseOrder, settlement.po_id)
    rows: list[dict] = [line.model_dump() for line in lines]
    vat, wht = document_taxes(session, po, settlement.adjusted, settlement.settled_on)
    rows.append({"work": render(t("Adjusted total")), "adjusted": settlement.adjusted})
    for sign, result in ((1, vat), (-1, wht)):
        for c in result.components if result else []:
            rows.append({"work": render(t("{sign} {name} ({rates} of {base}, {rounding})", sign="+" if sign > 0 else "-",
                                          name=c.name, rates=c.rates, base=str(c.base), rounding=c.rounding)),
                         "adjusted": sign * c.amount})
    rows.append({"work": render(t("Net payable")), "adjusted": settlement.net_payable})
    columns = [("work", render(t("Work done"))), ("task", render(t("Task"))), ("quantity", render(t("Qty"))),
               ("adjusted", render(t("Amount ({currency})", currency=po.currency)))]
    return to_xlsx(rows, columns, sheet=settlement.number)


def _taxes(pdf, vat: TaxResult | None, withholding: TaxResult | None) -> None:
    for sign, result in (("+", vat), ("-", withholding)):
        for c in result.components if result else []:
            doc.label_value(pdf, render(t("{sign} {name} {rates} of {base}, {rounding}", sign=sign, name=c.name,
                                          rates=c.rates, base=doc.money(c.base), rounding=c.rounding)),
                            doc.money(c.amount))


def _project(session: Session, project_id: int | None) -> str:
    project = session.get(StudioProject, project_id) if project_id else None
    return both_names(project) if project else ""

