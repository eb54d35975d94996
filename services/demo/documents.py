"""Demo document control for Acme: a drawing of each finished product (revision B approved, A obsolete), the work
instruction of the shaft's Turn step (A approved, B in review, so the operator at a Turn job sees A), a lockout SOP
on the three CNC lathes (one document, three links) and a change order in review that lists the pump bracket kit
drawing's revision C and the milled bracket it changes. Every file is a small real PDF (services/core/pdf.py, in
Helvetica only, so the CJK font is never loaded); revisions are dated back so the history reads naturally.

Written through services.documents as the planner (writer) and the quality lead (approver), like people would.
Quick: about 40 service calls and nine one-page PDFs.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Product
from models.documents import DocumentKind, DocumentTarget
from models.resources import Machine
from models.routing import Routing, RoutingStep
from services.core.access import Actor
from services.core.pdf import Document as Pdf
from services.documents import change_orders, documents, revisions
from services.documents.change_orders import ChangeOrderCreate
from services.documents.documents import DocumentCreate, TargetBody
from services.documents.revisions import RevisionCreate
from services.studio.files import Upload

# product code: (drawing title, summaries of revisions A and B)
DRAWINGS = {
    "FG-GEARBOX": ("Gearbox housing assembly", ["First issue.", "Bore tolerance H7 on the bearing seats."]),
    "FG-PUMPKIT": ("Pump bracket kit", ["First issue.", "Slot width 10.5 mm for M10 bolts."]),
    "FG-SHAFTSET": ("Shaft set (4) packing", ["First issue.", "Four shafts per carton, foam inserts."]),
}
INSTRUCTION_STEPS = {
    "A": ["Clamp the 40 mm bar in the three-jaw chuck, 95 mm stick-out.", "Face and centre drill.",
          "Rough turn to 25.4 mm, finish to 25.00 mm (+/- 0.05).", "Measure every 10th part; record on the SPC chart."],
    "B": ["Clamp the 40 mm bar in the three-jaw chuck, 95 mm stick-out.", "Face and centre drill.",
          "Rough turn to 25.4 mm, finish to 25.00 mm (+/- 0.05).", "Cut the 1.5 mm thread relief.",
          "Measure every 5th part; record on the SPC chart."],
}
SOP_STEPS = ["Stop the spindle and open the guard only at standstill.", "Switch the main isolator off and lock it.",
             "Hang your tag on the lock; test that the machine does not start.",
             "Remove lock and tag only yourself, after the guard is closed."]


def seed_demo_documents(session: Session, organization_id: int, writer: Actor, approver: Actor, *,
                        now: datetime) -> None:
    products = {p.code: p for p in session.exec(select(Product).where(Product.organization_id == organization_id))}
    for code, (title, summaries) in DRAWINGS.items():
        product = products[code]
        doc = documents.create_document(session, writer, DocumentCreate(
            title=title, kind=DocumentKind.DRAWING, target_type=DocumentTarget.PRODUCT, target_id=pk(product),
            description=f"Manufacturing drawing of {code}."), now=now - timedelta(days=90))
        for age, (label, summary) in zip((80, 30), zip("AB", summaries, strict=True), strict=True):
            _release(session, writer, approver, doc.id, _drawing(doc.number, label, title, code, summary),
                     summary, now - timedelta(days=age))
    _work_instruction(session, organization_id, writer, approver, now)
    _lockout_sop(session, organization_id, writer, approver, now)
    _change_order(session, writer, products, now)


def _work_instruction(session: Session, organization_id: int, writer: Actor, approver: Actor, now: datetime) -> None:
    """The shaft's Turn step: A approved, B (a thread relief) written and waiting in review."""
    step = session.exec(select(RoutingStep).join(Routing, col(Routing.id) == RoutingStep.routing_id)
                        .join(Product, col(Product.id) == Routing.product_id)
                        .where(Routing.organization_id == organization_id, Product.code == "SF-SHAFT",
                               col(Routing.is_active), RoutingStep.sequence == 10)).one()
    title = "Turn the machined shaft"
    doc = documents.create_document(session, writer, DocumentCreate(
        title=title, kind=DocumentKind.WORK_INSTRUCTION, target_type=DocumentTarget.ROUTING_STEP, target_id=pk(step),
        description="Set-up and turning of SF-SHAFT on the CNC lathes."), now=now - timedelta(days=60))
    _release(session, writer, approver, doc.id, _steps(doc.number, "A", title, INSTRUCTION_STEPS["A"]),
             "First issue.", now - timedelta(days=55))
    rev = revisions.new_revision(session, writer, doc.id, RevisionCreate(summary="Thread relief; measure every 5th."),
                                 [_steps(doc.number, "B", title, INSTRUCTION_STEPS["B"])], now=now - timedelta(days=2))
    revisions.submit_revision(session, writer, rev.id, now=now - timedelta(days=2))


def _lockout_sop(session: Session, organization_id: int, writer: Actor, approver: Actor, now: datetime) -> None:
    """One SOP on the three CNC lathes."""
    lathes = session.exec(select(Machine).where(Machine.organization_id == organization_id,
                                                col(Machine.code).like("CNC-%")).order_by(col(Machine.code))).all()
    title = "Lockout / tagout on CNC lathes"
    at = now - timedelta(days=45)
    doc = documents.create_document(session, writer, DocumentCreate(
        title=title, kind=DocumentKind.SOP, target_type=DocumentTarget.MACHINE, target_id=pk(lathes[0]),
        description="Before clearing chips, changing chucks or any work inside the guard."), now=at)
    for lathe in lathes[1:]:
        documents.attach_target(session, writer, doc.id, TargetBody(target_type=DocumentTarget.MACHINE, target_id=pk(lathe)), now=at)
    _release(session, writer, approver, doc.id, _steps(doc.number, "A", title, SOP_STEPS), "First issue.", at)


def _change_order(session: Session, writer: Actor, products: dict[str, Product], now: datetime) -> None:
    """In review: the pump bracket kit drawing's revision C and the milled bracket it changes."""
    at = now - timedelta(days=1)
    kit = documents.list_documents(session, writer, kind=DocumentKind.DRAWING,
                                   target_type=DocumentTarget.PRODUCT, target_id=pk(products["FG-PUMPKIT"]))[0]
    summary = "Bracket thickness 4 mm (was 3 mm) after field returns."
    rev = revisions.new_revision(session, writer, kit.id, RevisionCreate(summary=summary),
                                 [_drawing(kit.number, "C", kit.title, "FG-PUMPKIT", summary)], now=at)
    order = change_orders.create_change_order(session, writer, ChangeOrderCreate(
        title="Thicker pump bracket", reason="Two field returns with cracked brackets (RMA-1042)."), now=at)
    change_orders.add_revision(session, writer, order.id, rev.id, now=at)
    change_orders.add_product(session, writer, order.id, pk(products["SF-BRACKET"]),
                              note="Aluminium sheet 4 mm instead of 3 mm.", now=at)
    change_orders.submit_change_order(session, writer, order.id, now=at)


def _release(session: Session, writer: Actor, approver: Actor, document_id: int, upload: Upload, summary: str,
             at: datetime) -> None:
    """A revision written, submitted and approved (the one approved before becomes obsolete)."""
    rev = revisions.new_revision(session, writer, document_id, RevisionCreate(summary=summary), [upload], now=at)
    revisions.submit_revision(session, writer, rev.id, now=at)
    revisions.approve_revision(session, approver, rev.id, now=at + timedelta(hours=3))


def _sheet(number: str, label: str, title: str) -> Pdf:
    pdf = Pdf("L")
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, f"Acme Precision Parts  |  {number}  |  Revision {label}", new_x="LMARGIN", new_y="NEXT")
    pdf.rect(10, 185, 277, 15)
    pdf.set_xy(12, 188)
    pdf.cell(0, 6, f"{number} rev. {label}  -  controlled copy: check the revision on the terminal before use")
    return pdf


def _drawing(number: str, label: str, title: str, code: str, summary: str) -> Upload:
    pdf = _sheet(number, label, title)
    pdf.set_line_width(0.6)
    pdf.rect(60, 50, 170, 90)                       # the part's outline, two bores and their dimension lines
    pdf.circle(105, 95, 30, style="D")
    pdf.circle(185, 95, 30, style="D")
    pdf.set_line_width(0.2)
    pdf.line(60, 150, 230, 150)
    pdf.set_xy(130, 151)
    pdf.cell(20, 6, "170", align="C")
    pdf.line(240, 50, 240, 140)
    pdf.set_xy(242, 92)
    pdf.cell(20, 6, "90")
    pdf.set_xy(12, 170)
    pdf.cell(0, 6, f"{code}: {summary}")
    return Upload(filename=f"{number}-{label}.pdf", content_type="application/pdf", data=bytes(pdf.output()))


def _steps(number: str, label: str, title: str, steps: list[str]) -> Upload:
    pdf = _sheet(number, label, title)
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 13)
    for i, step in enumerate(steps, start=1):
        pdf.cell(0, 11, f"{i}.  {step}", new_x="LMARGIN", new_y="NEXT")
    return Upload(filename=f"{number}-{label}.pdf", content_type="application/pdf", data=bytes(pdf.output()))
