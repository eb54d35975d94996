"""Change orders: they list new revisions (and products), and their approval releases every listed revision
together; a listed revision is released only through its change order."""
from __future__ import annotations

import pytest

from models.documents import ChangeOrderStatus, Document, DocumentRevision, RevisionStatus
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid
from services.documents import change_orders, instructions, revisions
from services.documents.change_orders import ChangeOrderCreate
from tests.conftest import T0
from tests.factories.doc_control import make_document, make_shop, png, release_revision, write_revision


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
