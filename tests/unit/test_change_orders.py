"""Change orders: they list new revisions (and products), and their approval releases every listed revision
together; a listed revision is released only through its change order. A change order is a document of kind
change_order too: in the documents list with its number, one revision with files and the change order's status;
approving that revision from the document approves the change order and releases what it lists."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.documents import ChangeOrderStatus, Document, DocumentKind, DocumentRevision, RevisionStatus
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid
from services.documents import change_orders, decisions, documents, instructions, revisions
from services.documents.change_orders import ChangeOrderCreate
from services.documents.documents import DocumentCreate, DocumentUpdate, TargetBody
from services.documents.revisions import RevisionCreate
from tests.conftest import T0
from tests.factories.doc_control import make_document, make_shop, pdf, png, release_revision, write_revision


@pytest.fixture
def shop(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_shop(session, world)


def _order(session, shop):
    engineer = shop.actor(shop.engineer)
    step_doc = make_document(session, engineer, "routing_step", shop.cut_step_id, title="Cut instruction")
    drawing = make_document(session, engineer, "product", shop.floor.line.product_id, title="Bracket", kind="drawing")
    old = release_revision(session, shop, step_doc)
    new_step, new_drawing = write_revision(session, engineer, step_doc, png()), write_revision(session, engineer, drawing)
    with transaction(session):
        order = change_orders.create_change_order(session, engineer, ChangeOrderCreate(title="Thicker bracket"), now=T0)
        change_orders.add_revision(session, engineer, order.id, new_step, now=T0)
        change_orders.add_revision(session, engineer, order.id, new_drawing, now=T0)
        change_orders.add_product(session, engineer, order.id, shop.floor.line.product_id, note="3 mm", now=T0)
    return order.id, step_doc, drawing, old, new_step, new_drawing


def test_approval_releases_every_listed_revision_together(session, shop):
    order_id, step_doc, drawing, old, new_step, new_drawing = _order(session, shop)
    with transaction(session):
        submitted = change_orders.submit_change_order(session, shop.actor(shop.engineer), order_id, now=T0)
    assert submitted.status == ChangeOrderStatus.REVIEW
    assert [i.kind for i in submitted.items] == ["revision", "revision", "product"]
    with pytest.raises(Forbidden):
        change_orders.approve_change_order(session, shop.actor(shop.engineer), order_id, now=T0)
    with transaction(session):
        approved = change_orders.approve_change_order(session, shop.actor(shop.quality), order_id, now=T0)
    session.expire_all()
    assert approved.status == ChangeOrderStatus.APPROVED and approved.approved_by_name == "qa.one"
    assert [session.get(DocumentRevision, r).status for r in (old, new_step, new_drawing)] == [
        RevisionStatus.OBSOLETE, RevisionStatus.APPROVED, RevisionStatus.APPROVED]
    assert session.get(Document, step_doc).released_revision_id == new_step
    assert session.get(Document, drawing).released_revision_id == new_drawing
    shown = instructions.instructions_for_operation(session, shop.actor(shop.operator), shop.floor.cut_id)
    assert [(i.title, i.revision_label) for i in shown] == [("Cut instruction", "B"), ("Bracket", "A")]


def test_a_listed_revision_is_released_only_by_its_change_order(session, shop):
    order_id, _step_doc, _drawing, _old, new_step, _new_drawing = _order(session, shop)
    with pytest.raises(Conflict, match="CO-000001"):
        revisions.submit_revision(session, shop.actor(shop.engineer), new_step, now=T0)
    with transaction(session):
        other = change_orders.create_change_order(session, shop.actor(shop.engineer),
                                                  ChangeOrderCreate(title="Other"), now=T0)
    with pytest.raises(Conflict, match="already on change order"):
        change_orders.add_revision(session, shop.actor(shop.engineer), other.id, new_step, now=T0)


def test_a_failing_release_releases_nothing(session, shop):
    """One transaction: when one revision cannot be approved, no revision of the change order is released."""
    order_id, step_doc, _drawing, old, new_step, new_drawing = _order(session, shop)
    with transaction(session):
        change_orders.submit_change_order(session, shop.actor(shop.engineer), order_id, now=T0)
    # the drawing revision's workflow is moved on behind the change order's back (an inconsistent row)
    session.get(DocumentRevision, new_drawing).change_order_id = None
    with transaction(session):
        revisions.submit_revision(session, shop.actor(shop.engineer), new_drawing, now=T0)
        session.get(DocumentRevision, new_drawing).change_order_id = order_id
    with pytest.raises(Invalid), transaction(session):
        change_orders.approve_change_order(session, shop.actor(shop.quality), order_id, now=T0)
    session.expire_all()
    assert session.get(DocumentRevision, new_step).status == RevisionStatus.DRAFT
    assert session.get(DocumentRevision, old).status == RevisionStatus.APPROVED
    assert session.get(Document, step_doc).released_revision_id == old


def test_submitting_needs_a_revision_and_cancelling_frees_them(session, shop):
    engineer = shop.actor(shop.engineer)
    with transaction(session):
        empty = change_orders.create_change_order(session, engineer, ChangeOrderCreate(title="Empty"), now=T0)
    with pytest.raises(Invalid, match="at least one document revision"):
        change_orders.submit_change_order(session, engineer, empty.id, now=T0)
    order_id, _step_doc, _drawing, _old, new_step, _new_drawing = _order(session, shop)
    with transaction(session):
        cancelled = change_orders.cancel_change_order(session, engineer, order_id, comment="Superseded", now=T0)
    assert cancelled.status == ChangeOrderStatus.CANCELLED and [i.kind for i in cancelled.items] == ["product"]
    with transaction(session):
        assert revisions.submit_revision(session, engineer, new_step, now=T0).status == RevisionStatus.REVIEW


def test_operators_do_not_see_change_orders(session, shop):
    order_id, *_ = _order(session, shop)
    assert change_orders.list_change_orders(session, shop.actor(shop.operator)) == []
    assert [o.id for o in change_orders.list_change_orders(session, shop.actor(shop.quality))] == [order_id]


def _own(session, shop, order_id):
    """The change order's document and its one revision."""
    doc_id = change_orders.change_order(session, shop.actor(shop.quality), order_id).document_id
    return session.get(Document, doc_id), session.exec(
        select(DocumentRevision).where(DocumentRevision.document_id == doc_id)).one()


def test_a_change_order_is_a_document_in_the_documents_list(session, shop):
    engineer = shop.actor(shop.engineer)
    order_id, step_doc, drawing, *_ = _order(session, shop)
    doc, own = _own(session, shop, order_id)
    assert (doc.kind, doc.number, doc.title, doc.plant_id) == (DocumentKind.CHANGE_ORDER, "CO-000001",
                                                                "Thicker bracket", None)
    listed = documents.list_documents(session, engineer, kind=DocumentKind.CHANGE_ORDER)
    assert [(d.number, d.working_label, d.working_status, d.change_order_id, d.targets) for d in listed] == [
        ("CO-000001", "A", "draft", order_id, [])]
    assert "CO-000001" in [d.number for d in documents.list_documents(session, engineer)]
    assert [d.number for d in documents.list_documents(session, engineer, search="thicker")] == ["CO-000001"]
    with transaction(session):                                   # its revision takes files like any draft
        revisions.add_files(session, engineer, own.id, [pdf("eco-form.pdf")],
                            now=T0)
    detail = documents.document_detail(session, engineer, doc.id)
    assert [(r.label, r.status, [f.filename for f in r.files]) for r in detail.revisions] == [
        ("A", RevisionStatus.DRAFT, ["eco-form.pdf"])]
    with transaction(session):                                   # its title and reason are the change order's
        documents.update_document(session, engineer, doc.id, DocumentUpdate(title="Thicker bracket, 3 mm"), now=T0)
    assert change_orders.change_order(session, engineer, order_id).title == "Thicker bracket, 3 mm"
    operator = shop.actor(shop.operator)
    assert documents.list_documents(session, operator, kind=DocumentKind.CHANGE_ORDER) == []


def test_approving_the_change_order_document_releases_its_items_together(session, shop):
    engineer, quality = shop.actor(shop.engineer), shop.actor(shop.quality)
    order_id, step_doc, drawing, old, new_step, new_drawing = _order(session, shop)
    doc, own = _own(session, shop, order_id)
    assert decisions.available_actions(session, engineer, own.id) == ["submit"]
    with transaction(session):
        assert decisions.submit(session, engineer, own.id, now=T0).status == RevisionStatus.REVIEW
    assert change_orders.change_order(session, engineer, order_id).status == ChangeOrderStatus.REVIEW
    assert decisions.available_actions(session, engineer, own.id) == []
    assert decisions.available_actions(session, quality, own.id) == ["approve", "reject"]
    with transaction(session):
        assert decisions.reject(session, quality, own.id, comment="Add the drawing note", now=T0).status == "draft"
    assert change_orders.change_order(session, engineer, order_id).status == ChangeOrderStatus.DRAFT
    with transaction(session):
        decisions.submit(session, engineer, own.id, now=T0)
    with pytest.raises(Forbidden):
        decisions.approve(session, engineer, own.id, now=T0)
    with transaction(session):
        approved = decisions.approve(session, quality, own.id, now=T0)
    session.expire_all()
    assert approved.status == RevisionStatus.APPROVED and approved.approved_by_name == "qa.one"
    assert change_orders.change_order(session, engineer, order_id).status == ChangeOrderStatus.APPROVED
    assert [session.get(DocumentRevision, r).status for r in (old, new_step, new_drawing)] == [
        RevisionStatus.OBSOLETE, RevisionStatus.APPROVED, RevisionStatus.APPROVED]
    assert session.get(Document, step_doc).released_revision_id == new_step
    assert session.get(Document, drawing).released_revision_id == new_drawing
    assert session.get(Document, doc.id).released_revision_id == own.id
    listed = documents.list_documents(session, engineer, kind=DocumentKind.CHANGE_ORDER)
    assert [(d.released_label, d.working_label) for d in listed] == [("A", "")]


def test_a_cancelled_change_order_makes_its_revision_obsolete(session, shop):
    order_id, *_ = _order(session, shop)
    with transaction(session):
        change_orders.cancel_change_order(session, shop.actor(shop.engineer), order_id, comment="Superseded", now=T0)
    _doc, own = _own(session, shop, order_id)
    assert own.status == RevisionStatus.OBSOLETE and own.obsolete_at is not None


def test_a_change_order_document_is_handled_through_its_change_order(session, shop):
    engineer = shop.actor(shop.engineer)
    order_id, *_ = _order(session, shop)
    doc, own = _own(session, shop, order_id)
    with pytest.raises(Conflict, match="submit, approve or reject the change order"):
        revisions.submit_revision(session, engineer, own.id, now=T0)
    with pytest.raises(Conflict, match="one revision"):
        revisions.new_revision(session, engineer, doc.id, RevisionCreate(), [pdf()], now=T0)
    with pytest.raises(Conflict, match="lists the documents and products"):
        documents.attach_target(session, engineer, doc.id, TargetBody(target_type="product",
                                                                       target_id=shop.floor.line.product_id), now=T0)
    with pytest.raises(Invalid, match="change orders"):
        documents.create_document(session, engineer, DocumentCreate(
            title="x", kind="change_order", target_type="product", target_id=shop.floor.line.product_id), now=T0)
    assert revisions.available_actions(session, engineer, own.id) == []
    with transaction(session):
        other = change_orders.create_change_order(session, engineer, ChangeOrderCreate(title="Other"), now=T0)
    with pytest.raises(Conflict, match="revisions of other documents"):
        change_orders.add_revision(session, engineer, other.id, own.id, now=T0)
