"""What the operator portal shows at a job: the approved revisions of the documents attached (through any of
their links) to the job's routing step (work instructions first), its work order, its product and its machine,
with their files; a document attached to several of these shows once, under the nearest (the step first).

Invariants: only a document's released (approved) revision is ever returned here, whoever asks (drafts, reviews
and obsolete revisions never reach a machine); the job must be of the actor's organization and plants (else
NotFound); reading needs VIEW.
"""
from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, col, or_, select

from models.base import pk
from models.documents import (
    Document,
    DocumentFile,
    DocumentKind,
    DocumentLink,
    DocumentRevision,
    DocumentTarget,
    RevisionStatus,
)
from models.orders import Operation, WorkOrder
from models.routing import RoutingStep
from services.core.access import Actor, Permission, require
from services.core.messages import t
from services.core.scoping import get_scoped
from services.documents.files import VIEWABLE

KIND_ORDER = [DocumentKind.WORK_INSTRUCTION, DocumentKind.DRAWING, DocumentKind.SOP, DocumentKind.SPECIFICATION]
TARGET_ORDER = [DocumentTarget.ROUTING_STEP, DocumentTarget.WORK_ORDER, DocumentTarget.PRODUCT, DocumentTarget.MACHINE]


class InstructionFile(BaseModel):
    id: int
    filename: str
    content_type: str
    viewable: bool                    # a PDF or an image the phone shows inline


class Instruction(BaseModel):
    document_id: int
    number: str
    title: str
    kind: DocumentKind
    target_type: DocumentTarget       # what brought it to the job (the nearest of its targets)
    revision_id: int
    revision_label: str
    files: list[InstructionFile]


def instructions_for_operation(session: Session, actor: Actor, operation_id: int) -> list[Instruction]:
    require(actor, Permission.VIEW)
    op = get_scoped(session, actor, Operation, operation_id, t("Job"))
    wo = session.get(WorkOrder, op.work_order_id)
    targets: list[tuple[DocumentTarget, int]] = []
    if wo is not None:
        targets += [(DocumentTarget.WORK_ORDER, pk(wo)), (DocumentTarget.PRODUCT, wo.product_id)]
        step_id = session.exec(select(RoutingStep.id).where(RoutingStep.routing_id == wo.routing_id,
                                                            RoutingStep.sequence == op.sequence)).first()
        if step_id is not None:
            targets.append((DocumentTarget.ROUTING_STEP, step_id))
    if op.machine_id is not None:
        targets.append((DocumentTarget.MACHINE, op.machine_id))
    return released_for(session, actor, targets)


def released_for(session: Session, actor: Actor, targets: list[tuple[DocumentTarget, int]]) -> list[Instruction]:
    """The released revisions of the documents attached to any of `targets`, step first, instructions first."""
    if not targets:
        return []
    found = session.exec(select(Document, DocumentRevision, DocumentLink.target_type)
                         .join(DocumentRevision, col(DocumentRevision.id) == Document.released_revision_id)
                         .join(DocumentLink, col(DocumentLink.document_id) == Document.id)
                         .where(Document.organization_id == actor.organization_id,
                                DocumentRevision.status == RevisionStatus.APPROVED,
                                col(Document.kind).in_(KIND_ORDER),
                                or_(col(Document.plant_id).is_(None), col(Document.plant_id).in_(actor.plant_ids)),
                                or_(*[(DocumentLink.target_type == t) & (DocumentLink.target_id == i)
                                      for t, i in targets]))).all()
    nearest: dict[int, tuple[Document, DocumentRevision, DocumentTarget]] = {}
    for d, r, linked in found:
        t = DocumentTarget(linked)
        if pk(d) not in nearest or _rank(t) < _rank(nearest[pk(d)][2]):
            nearest[pk(d)] = (d, r, t)
    rows = list(nearest.values())
    files: dict[int, list[InstructionFile]] = {}
    for f in session.exec(select(DocumentFile).where(col(DocumentFile.revision_id).in_([pk(r) for _, r, _ in rows]))
                          .order_by(col(DocumentFile.id))).all():
        files.setdefault(f.revision_id, []).append(InstructionFile(id=pk(f), filename=f.filename,
                                                                   content_type=f.content_type,
                                                                   viewable=f.content_type in VIEWABLE))
    rows.sort(key=lambda drt: (_rank(drt[2]), KIND_ORDER.index(drt[0].kind), drt[0].number))
    return [Instruction(document_id=pk(d), number=d.number, title=d.title, kind=d.kind, target_type=t,
                        revision_id=pk(r), revision_label=r.label, files=files.get(pk(r), [])) for d, r, t in rows]


def _rank(target_type: DocumentTarget) -> int:
    return TARGET_ORDER.index(target_type) if target_type in TARGET_ORDER else len(TARGET_ORDER)
