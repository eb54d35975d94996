"""Documents: controlled documents (drawings, SOPs, work instructions, specifications, change orders) attached to
any number of products, routing steps, machines, studio projects, work orders or customer orders, with revisions
approved on the workflow engine and change orders that release several revisions together.

- common.py: who reads and writes, scoped fetches of documents, revisions and change orders, revision labels;
- targets.py: what a document is attached to (checked in the organization; the target's plant and label);
- documents.py: documents (create, change, attach to targets and detach, list and search by any target, detail)
  and the organization's revision scheme;
- revisions.py: revisions on the "document_revision" workflow (new, files, submit, approve, reject) and `release`;
- files.py: revision files (PDF, images, CAD) in the studio file storage, and the checked download;
- viewer.py: a file as a phone shows it (a PDF's pages drawn as images, an image as itself);
- change_orders.py: change orders on the "change_order" workflow, each with its document of kind change_order;
  approval releases all their revisions;
- decisions.py: submit, approve or reject a revision from its document (a change order's through its change order);
- instructions.py: the approved documents the operator portal shows at a job.

Invariants: every read and write is scoped to the actor's organization (and to their plants for documents of a
machine, work order or customer order); DOCUMENTS writes, the workflows' approver roles (quality, admins)
approve; people without DOCUMENTS or QUALITY (operators) see only approved revisions, never a draft; at most one
revision of a document is approved, and approving a newer one makes it obsolete in the same transaction; a
released revision never changes; every change is audited and announced; nothing here commits.
"""
# Imported with the package so that the workflow engine finds the hooks of both entity types.
from services.documents import change_orders, decisions, revisions  # noqa: F401
from services.documents.change_orders import (
    ChangeOrderCreate,
    ChangeOrderRead,
    approve_change_order,
    create_change_order,
)
from services.documents.documents import DocumentCreate, DocumentRead, create_document, list_documents
from services.documents.instructions import Instruction, instructions_for_operation
from services.documents.revisions import RevisionCreate, approve_revision, new_revision, submit_revision

__all__ = [
    "ChangeOrderCreate", "ChangeOrderRead", "DocumentCreate", "DocumentRead", "Instruction", "RevisionCreate",
    "approve_change_order", "approve_revision", "create_change_order", "create_document",
    "instructions_for_operation", "list_documents", "new_revision", "submit_revision",
]
