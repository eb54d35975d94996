"""Change orders on the workflow engine (entity type "change_order"): a change order lists the new revisions of
documents it releases and the products it changes; approving it releases all those revisions together.

A change order is also a document of kind "change_order" (numbered like it, no target): it shows in the documents
list with its one revision, whose files (a signed form, a marked-up drawing) are added while it is a draft and
whose status mirrors the change order's workflow (draft, review, approved and released, obsolete when cancelled).
Deciding on that revision from the document (decisions.py) decides on the change order.

Invariants: numbered CO-000001 per organization; items are added and removed only while it is a draft; a
revision is on at most one change order and, while it is, is released only by it; a change order is submitted
with at least one revision, each with a file; approval (the workflow's approver roles, quality and admins by
default) approves every listed revision and makes each one's predecessor obsolete in the caller's one
transaction, so either all are released or none; cancelling frees its revisions (they stay drafts); the
status mirrors the workflow; every change is audited and announced.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, Field
from sqlmodel import Session, col, or_, select

from models.base import pk, referenced
from models.catalog import Product
from models.documents import (
    ChangeOrder,
    ChangeOrderItem,
    ChangeOrderStatus,
    Document,
    DocumentFile,
    DocumentKind,
    DocumentRevision,
    RevisionStatus,
)
from models.user import User
from services.config import workflow, workflow_hooks
from services.config.workflow_hooks import Entered
from services.core.access import Actor
from services.core.changes import announce, stamp, stamp_new
from services.core.display_names import display_name
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.core.numbering import next_number
from services.documents.common import (
    announce_document,
    get_change_order,
    get_revision,
    is_editor,
    require_writer,
    revision_label,
    settings_of,
    status_word,
)
from services.documents.revisions import ENTITY as REVISION
from services.documents.revisions import enter_status, release

ENTITY = "change_order"
T = TypeVar("T", Document, DocumentRevision, Product, User)


class ChangeOrderCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    reason: str = Field(default="", max_length=2000)


class ItemRead(BaseModel):
    id: int
    kind: str                         # revision | product
    document_id: int | None = None
    document_number: str = ""
    document_title: str = ""
    revision_id: int | None = None
    revision_label: str = ""
    revision_status: str = ""
    product_id: int | None = None
    product_code: str = ""
    product_name: str = ""
    note: str = ""


class ChangeOrderRead(BaseModel):
    id: int
    document_id: int | None           # its document (kind change_order) in the documents list
    number: str
    title: str
    reason: str
    status: ChangeOrderStatus
    created_at: datetime
    approved_at: datetime | None
    approved_by_name: str
    items: list[ItemRead] = []


def create_change_order(session: Session, actor: Actor, data: ChangeOrderCreate, *, now: datetime) -> ChangeOrderRead:
    require_writer(actor)
    title = data.title.strip()
    if not title:
        raise Invalid(t("Give the change order a title."), fields={"title": t("Required.")})
    number = next_number(session, actor.organization_id, "CO")
    taken = session.exec(select(Document.id).where(Document.organization_id == actor.organization_id,
                                                   Document.number == number)).first()
    if taken is not None:
        raise Conflict(t("A document is already numbered {number}: give change orders and documents different "
                         "number patterns.", number=number))
    doc = stamp_new(Document(organization_id=actor.organization_id, number=number, title=title,
                             kind=DocumentKind.CHANGE_ORDER, description=data.reason.strip()), actor, now)
    session.add(doc)
    session.flush()
    session.add(DocumentRevision(organization_id=actor.organization_id, document_id=pk(doc), sequence=1,
                                 label=revision_label(settings_of(session, actor.organization_id).revision_scheme, 1),
                                 created_at=now, created_by=actor.user_id))
    order = stamp_new(ChangeOrder(organization_id=actor.organization_id, document_id=pk(doc), title=title,
                                  reason=data.reason.strip(), number=number), actor, now)
    session.add(order)
    session.flush()
    workflow.start(session, actor, ENTITY, pk(order), now=now)
    announce(session, actor, ENTITY, order.id, "create", {"number": order.number, "title": title}, now=now)
    announce_document(session, actor, doc, "create", {"number": doc.number, "kind": doc.kind}, now=now)
    return read_change_order(session, order)


def add_revision(session: Session, actor: Actor, change_order_id: int, revision_id: int, *, note: str = "",
                 now: datetime) -> ChangeOrderRead:
    """List a draft revision on the change order: from now on only the change order releases it."""
    order = _draft(session, actor, change_order_id)
    doc, rev = get_revision(session, actor, revision_id, for_update=True)
    if doc.kind == DocumentKind.CHANGE_ORDER:
        raise Conflict(t("{number} is a change order: a change order lists revisions of other documents.",
                         number=doc.number))
    if rev.status != RevisionStatus.DRAFT:
        raise Conflict(t("{number} revision {revision} is {status}: a change order lists drafts only.",
                         number=doc.number, revision=rev.label, status=status_word(rev.status)))
    if rev.change_order_id is not None:
        other = referenced(session, ChangeOrder, rev.change_order_id)
        raise Conflict(t("{number} revision {revision} is already on change order {change_order}.",
                         number=doc.number, revision=rev.label, change_order=other.number))
    rev.change_order_id = pk(order)
    session.add_all([rev, ChangeOrderItem(organization_id=actor.organization_id, change_order_id=pk(order),
                                          revision_id=pk(rev), note=note.strip()[:500])])
    _touch(session, actor, order, "add_revision", {"document": doc.number, "revision": rev.label}, now)
    return read_change_order(session, order)


def add_product(session: Session, actor: Actor, change_order_id: int, product_id: int, *, note: str = "",
                now: datetime) -> ChangeOrderRead:
    order = _draft(session, actor, change_order_id)
    product = session.get(Product, product_id)
    if product is None or product.organization_id != actor.organization_id:
        raise Invalid(t("Product {product_id} not found.", product_id=product_id), fields={"product_id": t("Not found.")})
    listed = session.exec(select(ChangeOrderItem.id).where(ChangeOrderItem.change_order_id == order.id,
                                                           ChangeOrderItem.product_id == product_id)).first()
    if listed is not None:
        raise Conflict(t("{code} is already on {change_order}.", code=product.code, change_order=order.number))
    session.add(ChangeOrderItem(organization_id=actor.organization_id, change_order_id=pk(order),
                                product_id=product_id, note=note.strip()[:500]))
    _touch(session, actor, order, "add_product", {"product": product.code}, now)
    return read_change_order(session, order)


def remove_item(session: Session, actor: Actor, change_order_id: int, item_id: int, *, now: datetime) -> ChangeOrderRead:
    order = _draft(session, actor, change_order_id)
    item = session.get(ChangeOrderItem, item_id)
    if item is None or item.change_order_id != order.id:
        raise NotFound(t("Change order item not found."))
    _detach(session, item)
    _touch(session, actor, order, "remove_item", {"item": item_id}, now)
    return read_change_order(session, order)


def submit_change_order(session: Session, actor: Actor, change_order_id: int, *, comment: str = "",
                        now: datetime) -> ChangeOrderRead:
    order = _draft(session, actor, change_order_id)
    revisions = _revisions(session, order)
    if not revisions:
        raise Invalid(t("List at least one document revision on {change_order} first.", change_order=order.number),
                      fields={"items": t("Required.")})
    empty = [r.label for r in revisions
             if session.exec(select(DocumentFile.id).where(DocumentFile.revision_id == r.id)).first() is None]
    if empty:
        raise Invalid(t("Add files to revision(s) {revisions} first.", revisions=", ".join(empty)),
                      fields={"items": t("A revision has no file.")})
    workflow.transition(session, actor, ENTITY, pk(order), "submit", comment=comment, now=now)
    return read_change_order(session, order)


def approve_change_order(session: Session, actor: Actor, change_order_id: int, *, comment: str = "",
                         now: datetime) -> ChangeOrderRead:
    """An approver (by role) approves: every listed revision is approved and released, together."""
    order = get_change_order(session, actor, change_order_id, for_update=True)
    if order.status != ChangeOrderStatus.REVIEW:
        raise Conflict(t("{change_order} is {status}: only a change order in review is approved.",
                         change_order=order.number, status=status_word(order.status)))
    workflow.transition(session, actor, ENTITY, pk(order), "approve", comment=comment, now=now)
    for rev in _revisions(session, order):
        doc, rev = get_revision(session, actor, pk(rev), for_update=True)
        note = t("Released by change order {change_order}.", change_order=order.number)
        workflow.transition(session, actor, REVISION, pk(rev), "submit", comment=note, now=now)
        workflow.transition(session, actor, REVISION, pk(rev), "approve", comment=note, now=now)
        release(session, actor, doc, rev, now=now)
    order.approved_by = actor.user_id
    session.add(order)
    own = own_revision(session, order)
    if own is not None:                 # its document's revision is released with it
        own.approved_by = actor.user_id
        session.add(own)
        doc = referenced(session, Document, own.document_id)
        announce_document(session, actor, doc, "release", {"released_revision": {"before": None, "after": own.label}},
                          now=now, event="document.released", revision_id=pk(own))
    return read_change_order(session, order)


def reject_change_order(session: Session, actor: Actor, change_order_id: int, *, comment: str,
                        now: datetime) -> ChangeOrderRead:
    order = get_change_order(session, actor, change_order_id, for_update=True)
    if order.status != ChangeOrderStatus.REVIEW:
        raise Conflict(t("{change_order} is {status}: only a change order in review is rejected.",
                         change_order=order.number, status=status_word(order.status)))
    workflow.transition(session, actor, ENTITY, pk(order), "reject", comment=comment, now=now)
    return read_change_order(session, order)


def cancel_change_order(session: Session, actor: Actor, change_order_id: int, *, comment: str,
                        now: datetime) -> ChangeOrderRead:
    """Cancel a draft or a change order in review; its revisions stay drafts, free to be released otherwise."""
    require_writer(actor)
    order = get_change_order(session, actor, change_order_id, for_update=True)
    workflow.transition(session, actor, ENTITY, pk(order), "cancel", comment=comment, now=now)
    for item in session.exec(select(ChangeOrderItem).where(ChangeOrderItem.change_order_id == order.id,
                                                           col(ChangeOrderItem.revision_id).is_not(None))).all():
        _detach(session, item)
    return read_change_order(session, order)


def list_change_orders(session: Session, actor: Actor, *, search: str = "",
                       status: ChangeOrderStatus | None = None) -> list[ChangeOrderRead]:
    if not is_editor(actor):
        return []
    query = select(ChangeOrder).where(ChangeOrder.organization_id == actor.organization_id)
    if search.strip():
        like = f"%{search.strip()[:100]}%"
        query = query.where(or_(col(ChangeOrder.number).ilike(like), col(ChangeOrder.title).ilike(like)))
    if status:
        query = query.where(ChangeOrder.status == status)
    return read_change_orders(session, session.exec(query.order_by(col(ChangeOrder.id).desc()).limit(200)).all())


def change_order(session: Session, actor: Actor, change_order_id: int) -> ChangeOrderRead:
    return read_change_order(session, get_change_order(session, actor, change_order_id))


def open_change_orders(session: Session, actor: Actor) -> list[ChangeOrderRead]:
    """Drafts a revision can still be added to (the document page's choice list)."""
    return list_change_orders(session, actor, status=ChangeOrderStatus.DRAFT)


def read_change_order(session: Session, order: ChangeOrder) -> ChangeOrderRead:
    return read_change_orders(session, [order])[0]


def read_change_orders(session: Session, orders: Sequence[ChangeOrder]) -> list[ChangeOrderRead]:
    """The change orders with their items, the items' revisions, documents and products and the approvers read
    once for all of them (the list shows up to 200)."""
    ids = [pk(o) for o in orders]
    items = session.exec(select(ChangeOrderItem).where(col(ChangeOrderItem.change_order_id).in_(ids))
                         .order_by(col(ChangeOrderItem.id))).all() if ids else []
    revs = {pk(r): r for r in _all(session, DocumentRevision, [i.revision_id for i in items])}
    docs = {pk(d): d for d in _all(session, Document, [r.document_id for r in revs.values()])}
    products = {pk(p): p for p in _all(session, Product, [i.product_id for i in items])}
    approvers = {pk(u): u.username for u in _all(session, User, [o.approved_by for o in orders])}
    lines: dict[int, list[ItemRead]] = {}
    for item in items:
        if item.revision_id is not None:
            rev = revs[item.revision_id]
            doc = docs[rev.document_id]
            line = ItemRead(id=pk(item), kind="revision", document_id=doc.id, document_number=doc.number,
                            document_title=doc.title, revision_id=rev.id, revision_label=rev.label,
                            revision_status=rev.status.value, note=item.note)
        else:
            product = products[item.product_id or 0]
            line = ItemRead(id=pk(item), kind="product", product_id=product.id, product_code=product.code,
                            product_name=display_name(product), note=item.note)
        lines.setdefault(item.change_order_id, []).append(line)
    return [ChangeOrderRead(id=pk(o), document_id=o.document_id, number=o.number, title=o.title, reason=o.reason,
                            status=o.status, created_at=o.created_at, approved_at=o.approved_at,
                            approved_by_name=approvers.get(o.approved_by, "") if o.approved_by else "",
                            items=lines.get(pk(o), [])) for o in orders]


def _all(session: Session, model: type[T], ids: Iterable[int | None]) -> Sequence[T]:
    wanted = {i for i in ids if i is not None}
    return session.exec(select(model).where(col(model.id).in_(wanted))).all() if wanted else []


def own_revision(session: Session, order: ChangeOrder) -> DocumentRevision | None:
    """The one revision of the change order's own document."""
    if order.document_id is None:
        return None
    return session.exec(select(DocumentRevision).where(DocumentRevision.document_id == order.document_id)
                        .order_by(col(DocumentRevision.sequence).desc())).first()


def _draft(session: Session, actor: Actor, change_order_id: int) -> ChangeOrder:
    require_writer(actor)
    order = get_change_order(session, actor, change_order_id, for_update=True)
    if order.status != ChangeOrderStatus.DRAFT:
        raise Conflict(t("{change_order} is {status}: only a draft is changed.", change_order=order.number,
                         status=status_word(order.status)))
    return order


def _revisions(session: Session, order: ChangeOrder) -> list[DocumentRevision]:
    return list(session.exec(select(DocumentRevision).join(ChangeOrderItem, col(ChangeOrderItem.revision_id) == DocumentRevision.id)
                             .where(ChangeOrderItem.change_order_id == order.id)
                             .order_by(col(ChangeOrderItem.id))).all())


def _detach(session: Session, item: ChangeOrderItem) -> None:
    if item.revision_id is not None:
        rev = referenced(session, DocumentRevision, item.revision_id)
        rev.change_order_id = None
        session.add(rev)
    session.delete(item)
    session.flush()


def _touch(session: Session, actor: Actor, order: ChangeOrder, action: str, changes: dict, now: datetime) -> None:
    stamp(order, actor, now)
    session.add(order)
    session.flush()
    announce(session, actor, ENTITY, order.id, action, changes, now=now, event=f"{ENTITY}.updated")


# ---- the engine's view of a change order ------------------------------------------------------------------------

def _fields(session: Session, change_order_id: int) -> dict[str, Any]:
    items = session.exec(select(ChangeOrderItem).where(ChangeOrderItem.change_order_id == change_order_id)).all()
    return {"revisions": sum(1 for i in items if i.revision_id), "products": sum(1 for i in items if i.product_id)}


# the change order's status -> the status of its document's revision
OWN_STATUS = {ChangeOrderStatus.DRAFT: RevisionStatus.DRAFT, ChangeOrderStatus.REVIEW: RevisionStatus.REVIEW,
              ChangeOrderStatus.APPROVED: RevisionStatus.APPROVED, ChangeOrderStatus.CANCELLED: RevisionStatus.OBSOLETE}


def _on_state(session: Session, change_order_id: int, entered: Entered) -> None:
    order = referenced(session, ChangeOrder, change_order_id)
    if entered.state in {s.value for s in ChangeOrderStatus}:
        order.status = ChangeOrderStatus(entered.state)
        if order.status == ChangeOrderStatus.APPROVED:
            order.approved_at = entered.at
        session.add(order)
        _mirror(session, order, entered)


def _mirror(session: Session, order: ChangeOrder, entered: Entered) -> None:
    """Its document's revision takes the change order's status; approved, it is the document's released one."""
    own = own_revision(session, order)
    if own is None:
        return
    enter_status(session, own, OWN_STATUS[order.status], entered.at)
    if own.status == RevisionStatus.APPROVED:
        doc = referenced(session, Document, own.document_id)
        doc.released_revision_id = pk(own)
        session.add(doc)


def _label(session: Session, change_order_id: int) -> str:
    order = session.get(ChangeOrder, change_order_id)
    return order.number if order else t("Change order #{change_order_id}", change_order_id=change_order_id)


workflow_hooks.register_entity(ENTITY, fields=_fields, on_state=_on_state, label=_label,
                               link=lambda change_order_id: f"/documents/change-order?id={change_order_id}")
