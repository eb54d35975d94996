"""Who reads and writes controlled documents, the scoped fetches every module of the package uses, and the
revision labels of the organization's scheme.

Writers hold DOCUMENTS; reviewers are the approver roles of the revision workflow (quality, admins). Both see
every revision ("editors"). Everyone else with VIEW (operators, viewers) sees only a document's approved
revision, and a document without one (or a change order's document) does not exist for them. A document of a plant (attached to a machine,
work order or customer order) exists only for people of that plant.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from models.documents import (
    ChangeOrder,
    Document,
    DocumentKind,
    DocumentRevision,
    DocumentSettings,
    RevisionScheme,
    RevisionStatus,
)
from services.core.access import Actor, Permission, require
from services.core.changes import announce
from services.core.errors import NotFound
from services.core.messages import Message, in_sentence, t
from services.core.scoping import get_scoped


def is_editor(actor: Actor) -> bool:
    """Writers and reviewers: they see drafts, reviews and obsolete revisions."""
    return bool({Permission.DOCUMENTS, Permission.QUALITY} & actor.permissions)


def require_writer(actor: Actor) -> None:
    require(actor, Permission.DOCUMENTS)


def visible(actor: Actor, revision: DocumentRevision) -> bool:
    return is_editor(actor) or revision.status == RevisionStatus.APPROVED


def get_document(session: Session, actor: Actor, document_id: int, *, for_update: bool = False) -> Document:
    """The document for a reader: NotFound outside the organization or plants, and for a non-editor when it has
    no approved revision or is a change order's."""
    require(actor, Permission.VIEW)
    doc = get_scoped(session, actor, Document, document_id, t("Document"), for_update=for_update)
    if not is_editor(actor) and (doc.released_revision_id is None or doc.kind == DocumentKind.CHANGE_ORDER):
        raise NotFound(t("Document not found."))
    return doc


def get_revision(session: Session, actor: Actor, revision_id: int, *,
                 for_update: bool = False) -> tuple[Document, DocumentRevision]:
    """The revision and its document, when the actor may see both (a draft is NotFound for a non-editor)."""
    require(actor, Permission.VIEW)
    rev = session.get(DocumentRevision, revision_id, with_for_update=for_update)
    if rev is None or rev.organization_id != actor.organization_id or not visible(actor, rev):
        raise NotFound(t("Revision not found."))
    return get_document(session, actor, rev.document_id), rev


def get_change_order(session: Session, actor: Actor, change_order_id: int, *, for_update: bool = False) -> ChangeOrder:
    require(actor, Permission.VIEW)
    if not is_editor(actor):
        raise NotFound(t("Change order not found."))
    return get_scoped(session, actor, ChangeOrder, change_order_id, t("Change order"), for_update=for_update)


_STATUS_LABELS = {   # statuses: inside sentences lower-case English ("is review"), the labels' translations
    "draft": t("Draft"), "review": t("In review"), "approved": t("Approved"), "obsolete": t("Obsolete"),
    "cancelled": t("Cancelled"),
}


def status_word(status: str) -> Message:
    """A revision's or change order's status inside a sentence, in the person's language."""
    return in_sentence(_STATUS_LABELS, status)


def change_order_of(session: Session, doc: Document) -> ChangeOrder | None:
    """The change order whose document `doc` is (None for any other document)."""
    if doc.kind != DocumentKind.CHANGE_ORDER:
        return None
    return session.exec(select(ChangeOrder).where(ChangeOrder.document_id == doc.id)).first()


def settings_of(session: Session, organization_id: int) -> DocumentSettings:
    return session.get(DocumentSettings, organization_id) or DocumentSettings(organization_id=organization_id)


def revision_label(scheme: RevisionScheme, sequence: int) -> str:
    """1 -> "A" (26 -> "Z", 27 -> "AA") with letters; 1 -> "1" with numbers."""
    if scheme == RevisionScheme.NUMBERS:
        return str(sequence)
    label = ""
    while sequence > 0:
        sequence, rest = divmod(sequence - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def announce_document(session: Session, actor: Actor, doc: Document, action: str, changes: dict, *,
                      now: datetime, event: str | None = None, **refs) -> None:
    announce(session, actor, "document", doc.id, action, changes, now=now, plant_id=doc.plant_id, event=event,
             payload=refs)
