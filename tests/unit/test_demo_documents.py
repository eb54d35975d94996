"""The demo's document control: a drawing of each finished product (B approved, A obsolete, real PDFs), the Turn
step's work instruction (A approved, B in review) that the operator at a Turn job sees as A, one lockout SOP on
the three CNC lathes, and a change order in review among the documents, listing a drawing revision and a product."""
from __future__ import annotations

import pypdfium2 as pdfium
from sqlmodel import col, select

from models.catalog import Product
from models.documents import ChangeOrderStatus, DocumentKind, RevisionStatus
from models.orders import Operation, WorkOrder
from models.organization import Organization
from models.routing import Routing, RoutingStep
from services.core.db import transaction
from services.demo import seed as demo
from services.demo.production import demo_actor
from services.documents import change_orders, documents, files, instructions
from tests.conftest import T0


def test_demo_documents(session, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    with transaction(session):
        assert demo.seed_demo(session, now=T0) is True
    acme = session.exec(select(Organization.id).where(Organization.slug == "acme")).one()
    quality, operator = demo_actor(session, "quality"), demo_actor(session, "operator")
    products = {p.id: p.code for p in session.exec(select(Product).where(Product.organization_id == acme))}

    drawings = documents.list_documents(session, quality, kind=DocumentKind.DRAWING)
    assert sorted(products[d.target_id] for d in drawings) == ["FG-GEARBOX", "FG-PUMPKIT", "FG-SHAFTSET"]
    for d in drawings:
        detail = documents.document_detail(session, quality, d.id)
        states = [(r.label, r.status) for r in detail.revisions if r.status != RevisionStatus.DRAFT]
        assert states == [("B", RevisionStatus.APPROVED), ("A", RevisionStatus.OBSOLETE)]
        name, content_type, data = files.open_file(session, quality, detail.revisions[-1].files[0].id)
        assert content_type == "application/pdf" and len(pdfium.PdfDocument(data)) == 1

    sop, = documents.list_documents(session, quality, kind=DocumentKind.SOP)
    assert [t.label.split(" · ")[0] for t in sop.targets] == ["CNC-01", "CNC-02", "CNC-03"]
    assert sop.released_label == "A"

    instruction, = documents.list_documents(session, quality, kind=DocumentKind.WORK_INSTRUCTION)
    assert (instruction.released_label, instruction.working_label, instruction.working_status) == ("A", "B", "review")
    turn = session.exec(select(Operation).join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
                        .join(Routing, col(Routing.id) == WorkOrder.routing_id)
                        .join(RoutingStep, (col(RoutingStep.routing_id) == Routing.id)
                              & (col(RoutingStep.sequence) == Operation.sequence))
                        .where(RoutingStep.id == instruction.target_id)
                        .order_by(col(Operation.id).desc())).first()
    assert turn is not None
    shown = instructions.instructions_for_operation(session, operator, turn.id)
    assert [(i.number, i.revision_label) for i in shown if i.kind == DocumentKind.WORK_INSTRUCTION] == [
        (instruction.number, "A")]
    assert any(i.number == sop.number for i in shown) == (turn.machine_id is not None and any(
        t.target_id == turn.machine_id for t in sop.targets))

    order_doc, = documents.list_documents(session, quality, kind=DocumentKind.CHANGE_ORDER)
    assert (order_doc.working_label, order_doc.working_status) == ("A", "review")
    order = change_orders.change_order(session, quality, order_doc.change_order_id)
    assert order.status == ChangeOrderStatus.REVIEW and order.number == order_doc.number
    assert [(i.kind, i.revision_label or i.product_code) for i in order.items] == [
        ("revision", "C"), ("product", "SF-BRACKET")]
    assert documents.list_documents(session, operator, kind=DocumentKind.CHANGE_ORDER) == []
