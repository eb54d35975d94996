"""Documents: create, change, attach to more targets and detach, list and search (by any target), one document
with the revisions the reader may see, and the organization's revision scheme (letters A, B, C or numbers 1, 2, 3).

Invariants: a document is numbered DOC-000001 per organization and attached to one or more targets of the
organization (targets.py; a change order's document, made by change_orders.py, has none and lists what it changes
as items instead); all its plant-bound targets (machines, work orders, customer orders) are in one plant, its
`plant_id`, so a document of a plant stays visible only to that plant's people; DOCUMENTS writes, CONFIGURE sets
the scheme; a change of scheme labels new revisions only (a released "B" stays "B"); change-order documents are
seen by writers and reviewers only, like change orders; every change is audited and announced.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, or_, select

from models.base import pk
from models.documents import (
    ChangeOrder,
    Document,
    DocumentFile,
    DocumentKind,
    DocumentLink,
    DocumentRevision,
    DocumentTarget,
    RevisionScheme,
    RevisionStatus,
)
from models.user import User
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.changes import apply_changes, stamp, stamp_new
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.core.numbering import next_number
from services.documents.common import (
    announce_document,
    change_order_of,
    get_document,
    is_editor,
    require_writer,
    settings_of,
    visible,
)
from services.documents.targets import Target, TargetRead, plant_of, resolve, targets_of

PAGE = 100


class DocumentCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    kind: DocumentKind
    target_type: DocumentTarget
    target_id: int
    description: str = Field(default="", max_length=2000)


class DocumentUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class FileRead(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class RevisionRead(BaseModel):
    id: int
    document_id: int
    label: str
    sequence: int
    status: RevisionStatus
    summary: str
    change_order_id: int | None
    created_at: datetime
    created_by_name: str
    approved_at: datetime | None
    approved_by_name: str
    files: list[FileRead] = []


class TargetBody(BaseModel):
    target_type: DocumentTarget
    target_id: int


class DocumentRead(BaseModel):
    id: int
    number: str
    title: str
    kind: DocumentKind
    target_type: DocumentTarget | None    # the first target (None for a change order's document)
    target_id: int | None
    target_label: str
    targets: list[TargetRead] = []        # every target, in the order they were attached
    change_order_id: int | None = None    # the change order of a change-order document
    plant_id: int | None
    description: str
    released_revision_id: int | None
    released_label: str              # "" while nothing is approved
    working_label: str = ""          # the draft or review revision (editors only)
    working_status: str = ""
    updated_at: datetime


class DocumentDetail(BaseModel):
    document: DocumentRead
    revisions: list[RevisionRead]    # newest first, only those the reader may see


class SchemeRead(BaseModel):
    revision_scheme: RevisionScheme


def create_document(session: Session, actor: Actor, data: DocumentCreate, *, now: datetime) -> DocumentRead:
    """A document attached to its first target (attach_target adds more)."""
    require_writer(actor)
    if data.kind == DocumentKind.CHANGE_ORDER:
        raise Invalid(t("Create a change order from the change orders: it lists what it changes."),
                      fields={"kind": t("A change order is made on the change orders page.")})
    target = resolve(session, actor, data.target_type, data.target_id)
    doc = stamp_new(Document(organization_id=actor.organization_id, plant_id=target.plant_id,
                             number=next_number(session, actor.organization_id, "DOC"), title=data.title.strip(),
                             kind=data.kind, description=data.description.strip()), actor, now)
    if not doc.title:
        raise Invalid(t("Give the document a title."), fields={"title": t("Required.")})
    session.add(doc)
    session.flush()
    _link(session, actor, doc, target, now)
    announce_document(session, actor, doc, "create", {"number": doc.number, "kind": doc.kind,
                                                      "target": f"{target.type}:{target.id}"}, now=now)
    return read_document(session, actor, doc)


def attach_target(session: Session, actor: Actor, document_id: int, data: TargetBody, *,
                  now: datetime) -> DocumentRead:
    """Attach the document to one more target of the organization (one SOP on three machines, one drawing on a
    product and a routing step). A target in a plant must be in the document's plant."""
    require_writer(actor)
    doc = get_document(session, actor, document_id, for_update=True)
    if doc.kind == DocumentKind.CHANGE_ORDER:
        raise Conflict(t("{number} is a change order: it lists the documents and products it changes as items.",
                         number=doc.number))
    target = resolve(session, actor, data.target_type, data.target_id)
    linked = session.exec(select(DocumentLink.id).where(DocumentLink.document_id == doc.id,
                                                        DocumentLink.target_type == target.type,
                                                        DocumentLink.target_id == target.id)).first()
    if linked is not None:
        raise Conflict(t("{number} is already attached to {target}.", number=doc.number, target=target.label))
    if target.plant_id is not None and doc.plant_id is not None and target.plant_id != doc.plant_id:
        raise Invalid(t("{target} is in another plant than {number}: a document serves one plant.",
                        target=target.label, number=doc.number), fields={"target_id": t("Another plant.")})
    doc.plant_id = doc.plant_id or target.plant_id
    _link(session, actor, doc, target, now)
    stamp(doc, actor, now)
    session.add(doc)
    announce_document(session, actor, doc, "attach_target", {"target": f"{target.type}:{target.id}"}, now=now,
                      event="document.target_added", target_type=target.type.value, target_id=target.id)
    return read_document(session, actor, doc)


def detach_target(session: Session, actor: Actor, document_id: int, link_id: int, *, now: datetime) -> DocumentRead:
    """Detach the document from one of its targets; it keeps at least one. Its plant follows the targets left."""
    require_writer(actor)
    doc = get_document(session, actor, document_id, for_update=True)
    link = session.get(DocumentLink, link_id)
    if link is None or link.document_id != doc.id:
        raise NotFound(t("Target not found."))
    others = session.exec(select(DocumentLink).where(DocumentLink.document_id == doc.id,
                                                     DocumentLink.id != link.id)).all()
    if not others:
        raise Conflict(t("{number} stays attached to at least one target: attach another one first.",
                         number=doc.number))
    session.delete(link)
    doc.plant_id = next((p for p in (plant_of(session, o.target_type, o.target_id) for o in others)
                         if p is not None), None)
    stamp(doc, actor, now)
    session.add(doc)
    session.flush()
    announce_document(session, actor, doc, "detach_target", {"target": f"{link.target_type}:{link.target_id}"},
                      now=now, event="document.target_removed", target_type=link.target_type.value,
                      target_id=link.target_id)
    return read_document(session, actor, doc)


def _link(session: Session, actor: Actor, doc: Document, target: Target, now: datetime) -> None:
    session.add(DocumentLink(organization_id=doc.organization_id, document_id=pk(doc), target_type=target.type,
                             target_id=target.id, created_at=now, created_by=actor.user_id))
    session.flush()


def update_document(session: Session, actor: Actor, document_id: int, data: DocumentUpdate, *,
                    now: datetime) -> DocumentRead:
    require_writer(actor)
    doc = get_document(session, actor, document_id, for_update=True)
    changes = apply_changes(doc, {"title": data.title.strip() if data.title else None,
                                  "description": data.description})
    if changes:
        stamp(doc, actor, now)
        session.add(doc)
        order = change_order_of(session, doc)
        if order is not None:                 # a change order's document: its title and reason are the order's
            order.title, order.reason = doc.title, doc.description
            stamp(order, actor, now)
            session.add(order)
        announce_document(session, actor, doc, "update", changes, now=now)
    return read_document(session, actor, doc)


def list_documents(session: Session, actor: Actor, *, search: str = "", kind: DocumentKind | None = None,
                   target_type: DocumentTarget | None = None, target_id: int | None = None,
                   status: RevisionStatus | None = None, limit: int = PAGE) -> list[DocumentRead]:
    """Documents by number, title or description; filtered by kind, by a target (any of a document's targets:
    a type, or a type and id) and by the status of a revision. Non-editors get only documents with an approved
    revision, and no change orders."""
    require(actor, Permission.VIEW)
    query = select(Document).where(Document.organization_id == actor.organization_id,
                                   or_(col(Document.plant_id).is_(None), col(Document.plant_id).in_(actor.plant_ids)))
    if not is_editor(actor):
        query = query.where(col(Document.released_revision_id).is_not(None), Document.kind != DocumentKind.CHANGE_ORDER)
    if search.strip():
        like = f"%{search.strip().lower()[:100]}%"
        query = query.where(or_(func.lower(Document.number).like(like), func.lower(Document.title).like(like),
                                func.lower(Document.description).like(like)))
    if kind:
        query = query.where(Document.kind == kind)
    if target_type or target_id is not None:
        linked = select(DocumentLink.document_id).where(DocumentLink.organization_id == actor.organization_id)
        if target_type:
            linked = linked.where(DocumentLink.target_type == target_type)
        if target_id is not None:
            linked = linked.where(DocumentLink.target_id == target_id)
        query = query.where(col(Document.id).in_(linked))
    if status and is_editor(actor):
        query = query.where(col(Document.id).in_(select(DocumentRevision.document_id)
                                                  .where(DocumentRevision.status == status)))
    docs = session.exec(query.order_by(col(Document.number).desc()).limit(max(1, min(limit, 500)))).all()
    links = targets_of(session, [pk(d) for d in docs])
    orders = _orders_of(session, [pk(d) for d in docs if d.kind == DocumentKind.CHANGE_ORDER])
    shown = _shown_revisions(session, actor, docs)
    return [read_document(session, actor, d, links=links.get(pk(d), []), change_order_id=orders.get(pk(d)),
                          revisions=shown.get(pk(d), (None, None))) for d in docs]


def document_detail(session: Session, actor: Actor, document_id: int) -> DocumentDetail:
    doc = get_document(session, actor, document_id)
    revs = session.exec(select(DocumentRevision).where(DocumentRevision.document_id == doc.id)
                        .order_by(col(DocumentRevision.sequence).desc())).all()
    return DocumentDetail(document=read_document(session, actor, doc),
                          revisions=read_revisions(session, [r for r in revs if visible(actor, r)]))


def revision_scheme(session: Session, actor: Actor) -> SchemeRead:
    require(actor, Permission.VIEW)
    return SchemeRead(revision_scheme=settings_of(session, actor.organization_id).revision_scheme)


def set_revision_scheme(session: Session, actor: Actor, scheme: RevisionScheme, *, now: datetime) -> SchemeRead:
    require(actor, Permission.CONFIGURE)
    row = settings_of(session, actor.organization_id)
    before = row.revision_scheme
    row.revision_scheme, row.updated_at, row.updated_by = RevisionScheme(scheme), now, actor.user_id
    session.add(row)
    audit(session, actor, "document_settings", actor.organization_id, "update",
          {"revision_scheme": {"before": before, "after": row.revision_scheme}}, at=now)
    return SchemeRead(revision_scheme=row.revision_scheme)


# ---- reads ------------------------------------------------------------------------------------------------------

def read_document(session: Session, actor: Actor, doc: Document, *, links: list[TargetRead] | None = None,
                  change_order_id: int | None = None,
                  revisions: tuple[DocumentRevision | None, DocumentRevision | None] | None = None) -> DocumentRead:
    """One document's read model; a list passes what it read for all its documents at once (links, change
    orders, `_shown_revisions`), one document reads them itself."""
    if links is None:
        links = targets_of(session, [pk(doc)]).get(pk(doc), [])
        if doc.kind == DocumentKind.CHANGE_ORDER:
            change_order_id = _orders_of(session, [pk(doc)]).get(pk(doc))
    if revisions is None:
        revisions = _shown_revisions(session, actor, [doc]).get(pk(doc), (None, None))
    released, working = revisions
    first = links[0] if links else None
    return DocumentRead(id=pk(doc), number=doc.number, title=doc.title, kind=doc.kind,
                        target_type=first.target_type if first else None, target_id=first.target_id if first else None,
                        target_label=first.label if first else "", targets=links, change_order_id=change_order_id,
                        plant_id=doc.plant_id, description=doc.description, released_revision_id=doc.released_revision_id,
                        released_label=released.label if released else "",
                        working_label=working.label if working else "",
                        working_status=working.status.value if working else "", updated_at=doc.updated_at)


def _shown_revisions(session: Session, actor: Actor,
                     docs: Sequence[Document]) -> dict[int, tuple[DocumentRevision | None, DocumentRevision | None]]:
    """document id -> (its released revision, its draft or review revision for editors), in one query."""
    released_ids = {d.released_revision_id: pk(d) for d in docs if d.released_revision_id}
    wanted: ColumnElement[bool] = col(DocumentRevision.id).in_(list(released_ids))
    if is_editor(actor):
        wanted = or_(wanted, col(DocumentRevision.document_id).in_([pk(d) for d in docs])
                     & col(DocumentRevision.status).in_((RevisionStatus.DRAFT, RevisionStatus.REVIEW)))
    released: dict[int, DocumentRevision] = {}
    working: dict[int, DocumentRevision] = {}
    for rev in session.exec(select(DocumentRevision).where(wanted).order_by(col(DocumentRevision.id))).all():
        if pk(rev) in released_ids:
            released[released_ids[pk(rev)]] = rev
        elif rev.status in (RevisionStatus.DRAFT, RevisionStatus.REVIEW):
            working.setdefault(rev.document_id, rev)
    return {pk(d): (released.get(pk(d)), working.get(pk(d))) for d in docs}


def _orders_of(session: Session, document_ids: list[int]) -> dict[int, int]:
    """document id -> its change order's id, for change-order documents."""
    if not document_ids:
        return {}
    return {d: o for o, d in session.exec(select(ChangeOrder.id, ChangeOrder.document_id)
                                          .where(col(ChangeOrder.document_id).in_(document_ids))).all()
            if d is not None and o is not None}


def read_revisions(session: Session, revs: list[DocumentRevision]) -> list[RevisionRead]:
    ids = [pk(r) for r in revs]
    files: dict[int, list[FileRead]] = {}
    for f in session.exec(select(DocumentFile).where(col(DocumentFile.revision_id).in_(ids))
                          .order_by(col(DocumentFile.id))).all():
        files.setdefault(f.revision_id, []).append(FileRead(id=pk(f), filename=f.filename,
                                                            content_type=f.content_type, size=f.size))
    people = [p for p in {r.created_by for r in revs} | {r.approved_by for r in revs} if p is not None]
    names = {user_id: name for user_id, name in session.exec(select(User.id, User.username)
                                                             .where(col(User.id).in_(people))).all()}
    return [RevisionRead(id=pk(r), document_id=r.document_id, label=r.label, sequence=r.sequence, status=r.status,
                         summary=r.summary, change_order_id=r.change_order_id, created_at=r.created_at,
                         created_by_name=names.get(r.created_by, "") if r.created_by else "",
                         approved_at=r.approved_at,
                         approved_by_name=names.get(r.approved_by, "") if r.approved_by else "",
                         files=files.get(pk(r), [])) for r in revs]
