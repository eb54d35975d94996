"""Revisions of a document on the workflow engine (entity type "document_revision"): draft -> review ->
approved -> obsolete, with a rejection back to draft. Approvers are the roles of the organization's workflow
(quality and admins by default, services/config/workflow_defaults.DOCUMENT_REVISION).

Invariants: a document has at most one working revision (draft or review) and at most one approved one
(`Document.released_revision_id`); approving a revision makes the one approved before it obsolete in the same
transaction (`release`, which change orders use too); a revision listed on a change order is released only by
that change order; a change order's own document has one revision, decided through its change order
(decisions.py), never here; files are added to drafts only, and a draft is submitted with at least one file; the
revision's status mirrors its workflow state; every step is audited (the engine and `announce`) and announced;
a submitted revision is notified to the holders of the approve transition's roles, an approval or a rejection
to the revision's writer (never to the person acting).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, col, func, select

from models.base import pk, referenced
from models.documents import (
    ChangeOrder,
    ChangeOrderStatus,
    Document,
    DocumentFile,
    DocumentKind,
    DocumentLink,
    DocumentRevision,
    RevisionStatus,
)
from services.config import workflow, workflow_admin, workflow_hooks
from services.config.notifications import notify_people
from services.config.workflow_hooks import Entered
from services.core.access import Actor
from services.core.errors import Conflict, Invalid
from services.core.messages import t
from services.documents.common import (
    announce_document,
    get_document,
    get_revision,
    require_writer,
    revision_label,
    settings_of,
    status_word,
)
from services.documents.documents import RevisionRead, read_revisions
from services.documents.files import store_file
from services.studio.files import Upload

ENTITY = "document_revision"
WORKING = (RevisionStatus.DRAFT, RevisionStatus.REVIEW)


class RevisionCreate(BaseModel):
    summary: str = Field(default="", max_length=1000)


def new_revision(session: Session, actor: Actor, document_id: int, data: RevisionCreate, uploads: list[Upload], *,
                 now: datetime) -> RevisionRead:
    """A new draft revision labelled by the organization's scheme, with its first files."""
    require_writer(actor)
    doc = get_document(session, actor, document_id, for_update=True)
    if doc.kind == DocumentKind.CHANGE_ORDER:
        raise Conflict(t("{number} is a change order: it has one revision, which its change order decides.",
                         number=doc.number))
    working = working_revision(session, pk(doc))
    if working is not None:
        raise Conflict(t("{number} revision {revision} is still {status}: finish it first.", number=doc.number,
                         revision=working.label, status=status_word(working.status)))
    sequence = (session.exec(select(func.max(DocumentRevision.sequence))
                             .where(DocumentRevision.document_id == doc.id)).one() or 0) + 1
    label = revision_label(settings_of(session, actor.organization_id).revision_scheme, sequence)
    rev = DocumentRevision(organization_id=actor.organization_id, document_id=pk(doc), sequence=sequence, label=label,
                           summary=data.summary.strip(), created_at=now, created_by=actor.user_id)
    session.add(rev)
    session.flush()
    workflow.start(session, actor, ENTITY, pk(rev), plant_id=doc.plant_id, now=now)
    for upload in uploads:
        store_file(session, actor, rev, upload, now=now)
    announce_document(session, actor, doc, "revise", {"revision": label, "files": len(uploads)}, now=now,
                      event="document.revision_created", revision_id=pk(rev))
    return read_revisions(session, [rev])[0]


def add_files(session: Session, actor: Actor, revision_id: int, uploads: list[Upload], *, now: datetime) -> RevisionRead:
    require_writer(actor)
    doc, rev = get_revision(session, actor, revision_id, for_update=True)
    _require_editable(session, doc, rev)
    if not uploads:
        raise Invalid(t("Choose at least one file."), fields={"file": t("Required.")})
    for upload in uploads:
        store_file(session, actor, rev, upload, now=now)
    announce_document(session, actor, doc, "attach", {"revision": rev.label, "files": [u.filename for u in uploads]},
                      now=now, event="document.files_added", revision_id=pk(rev))
    return read_revisions(session, [rev])[0]


def submit_revision(session: Session, actor: Actor, revision_id: int, *, comment: str = "",
                    now: datetime) -> RevisionRead:
    """The writer asks the approvers to review a draft (with at least one file)."""
    require_writer(actor)
    doc, rev = get_revision(session, actor, revision_id, for_update=True)
    _require_standalone(session, doc, rev)
    if rev.status != RevisionStatus.DRAFT:
        raise Conflict(t("{number} revision {revision} is {status}: only a draft is submitted.", number=doc.number,
                         revision=rev.label, status=status_word(rev.status)))
    if not _has_files(session, rev):
        raise Invalid(t("Add a file to revision {revision} before submitting it.", revision=rev.label),
                      fields={"file": t("Required.")})
    workflow.transition(session, actor, ENTITY, pk(rev), "submit", comment=comment, now=now)
    roles = next((list(step.roles) for step in workflow_admin.get_spec(session, actor, ENTITY).transitions
                  if step.key == "approve"), [])
    _tell(session, actor, doc, rev, t("{number} rev. {revision} waits for your approval", number=doc.number,
                                      revision=rev.label), roles=roles, now=now)
    return read_revisions(session, [rev])[0]


def approve_revision(session: Session, actor: Actor, revision_id: int, *, comment: str = "",
                     now: datetime) -> RevisionRead:
    """An approver (by role) approves a revision in review: it is released and the one before becomes obsolete."""
    doc, rev = get_revision(session, actor, revision_id, for_update=True)
    _require_standalone(session, doc, rev)
    if rev.status != RevisionStatus.REVIEW:
        raise Conflict(t("{number} revision {revision} is {status}: only a revision in review is approved.",
                         number=doc.number, revision=rev.label, status=status_word(rev.status)))
    workflow.transition(session, actor, ENTITY, pk(rev), "approve", comment=comment, now=now)
    release(session, actor, doc, rev, now=now)
    _tell(session, actor, doc, rev, t("{number} rev. {revision} is approved", number=doc.number, revision=rev.label),
          user_ids=(rev.created_by,), now=now)
    return read_revisions(session, [rev])[0]


def reject_revision(session: Session, actor: Actor, revision_id: int, *, comment: str, now: datetime) -> RevisionRead:
    """An approver sends a revision in review back to draft; the comment says why."""
    doc, rev = get_revision(session, actor, revision_id, for_update=True)
    _require_standalone(session, doc, rev)
    if rev.status != RevisionStatus.REVIEW:
        raise Conflict(t("{number} revision {revision} is {status}: only a revision in review is rejected.",
                         number=doc.number, revision=rev.label, status=status_word(rev.status)))
    workflow.transition(session, actor, ENTITY, pk(rev), "reject", comment=comment, now=now)
    _tell(session, actor, doc, rev, t("{number} rev. {revision} is sent back", number=doc.number, revision=rev.label),
          body=comment, user_ids=(rev.created_by,), now=now)
    return read_revisions(session, [rev])[0]


def release(session: Session, actor: Actor, doc: Document, rev: DocumentRevision, *, now: datetime) -> None:
    """`rev` (just approved) becomes the document's released revision; the one released before becomes obsolete."""
    previous = session.get(DocumentRevision, doc.released_revision_id) if doc.released_revision_id else None
    if previous is not None and previous.status == RevisionStatus.APPROVED:
        workflow.transition(session, actor, ENTITY, pk(previous), "obsolete",
                            comment=t("Superseded by revision {revision}.", revision=rev.label), now=now)
    rev.approved_by = actor.user_id
    doc.released_revision_id = pk(rev)
    doc.updated_at, doc.updated_by = now, actor.user_id
    session.add_all([rev, doc])
    announce_document(session, actor, doc, "release",
                      {"released_revision": {"before": previous.label if previous else None, "after": rev.label}},
                      now=now, event="document.released", revision_id=pk(rev))


def working_revision(session: Session, document_id: int) -> DocumentRevision | None:
    return session.exec(select(DocumentRevision).where(DocumentRevision.document_id == document_id,
                                                       col(DocumentRevision.status).in_(WORKING))).first()


def available_actions(session: Session, actor: Actor, revision_id: int) -> list[str]:
    """The workflow transitions the actor may take on the revision now (for the page's buttons)."""
    doc, rev = get_revision(session, actor, revision_id)
    if rev.change_order_id is not None or doc.kind == DocumentKind.CHANGE_ORDER:
        return []
    return [o.key for o in workflow.available_transitions(session, actor, ENTITY, pk(rev)) if o.allowed]


def _tell(session: Session, actor: Actor, doc: Document, rev: DocumentRevision, title: str, *, body: str = "",
          roles: list[str] | None = None, user_ids: tuple[int | None, ...] = (), now: datetime) -> None:
    """A notification about the revision (to its approvers' roles or its writer), never to the person acting."""
    notify_people(session, organization_id=doc.organization_id, title=title, body=body or doc.title,
                  link=_link(pk(rev)), roles=roles or (), user_ids=user_ids, plant_id=doc.plant_id, entity_type=ENTITY,
                  entity_id=pk(rev), now=now, exclude_user_id=actor.user_id)


def _has_files(session: Session, rev: DocumentRevision) -> bool:
    return session.exec(select(DocumentFile.id).where(DocumentFile.revision_id == rev.id)).first() is not None


def _require_standalone(session: Session, doc: Document, rev: DocumentRevision) -> None:
    if doc.kind == DocumentKind.CHANGE_ORDER:
        raise Conflict(t("{number} is a change order: submit, approve or reject the change order.", number=doc.number))
    if rev.change_order_id is not None:
        order = referenced(session, ChangeOrder, rev.change_order_id)
        raise Conflict(t("Revision {revision} is released by change order {change_order}.", revision=rev.label,
                         change_order=order.number))


def _require_editable(session: Session, doc: Document, rev: DocumentRevision) -> None:
    if rev.status != RevisionStatus.DRAFT:
        raise Conflict(t("{number} revision {revision} is {status}: files are added to a draft only.",
                         number=doc.number, revision=rev.label, status=status_word(rev.status)))
    if rev.change_order_id is not None:
        order = referenced(session, ChangeOrder, rev.change_order_id)
        if order.status != ChangeOrderStatus.DRAFT:
            raise Conflict(t("Change order {change_order} is {status}: its revisions are frozen.",
                             change_order=order.number, status=status_word(order.status)))


# ---- the engine's view of a revision ----------------------------------------------------------------------------

def _fields(session: Session, revision_id: int) -> dict[str, Any]:
    rev = referenced(session, DocumentRevision, revision_id)
    doc = referenced(session, Document, rev.document_id)
    first = session.exec(select(DocumentLink.target_type).where(DocumentLink.document_id == doc.id)
                         .order_by(col(DocumentLink.id))).first()
    return {"kind": doc.kind.value, "target_type": str(first) if first else "", "label": rev.label,
            "files": len(session.exec(select(DocumentFile.id).where(DocumentFile.revision_id == rev.id)).all())}


def _on_state(session: Session, revision_id: int, entered: Entered) -> None:
    if entered.state in {s.value for s in RevisionStatus}:
        enter_status(session, referenced(session, DocumentRevision, revision_id), RevisionStatus(entered.state),
                     entered.at)


def enter_status(session: Session, rev: DocumentRevision, status: RevisionStatus, at: datetime) -> None:
    """The revision takes `status` (its workflow's state, or its change order's for a change order's document),
    stamped when it becomes approved or obsolete."""
    rev.status = status
    if status == RevisionStatus.APPROVED:
        rev.approved_at = at
    elif status == RevisionStatus.OBSOLETE:
        rev.obsolete_at = at
    session.add(rev)


def _label(session: Session, revision_id: int) -> str:
    rev = session.get(DocumentRevision, revision_id)
    doc = session.get(Document, rev.document_id) if rev else None
    return (t("{number} rev. {revision}", number=doc.number, revision=rev.label) if rev and doc
            else t("Revision #{revision_id}", revision_id=revision_id))


def _link(revision_id: int) -> str:
    return f"/documents/document?revision={revision_id}"


workflow_hooks.register_entity(ENTITY, fields=_fields, on_state=_on_state, label=_label, link=_link)
