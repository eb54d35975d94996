"""Controlled documents over REST under /api/v1/documents: list and search (filtered by any of a document's targets),
create and change, attach to more targets and detach, one document with its revisions, new revisions with files
(multipart), submit / approve / reject, file downloads, the revision scheme, and the approved documents of a job
(what the operator portal shows).

Writing needs DOCUMENTS; approving and rejecting the workflow's approver roles (quality, admins); reading VIEW.
People without DOCUMENTS or QUALITY get only approved revisions: a draft's document, revision and files are 404.
A change order is a document of kind change_order too: submitting, approving or rejecting its revision here
decides on the change order (approval releases every revision it lists).
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from pydantic import BaseModel, Field

from models.base import utcnow
from models.documents import DocumentKind, DocumentTarget, RevisionScheme, RevisionStatus
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.documents import decisions, documents, files, instructions, revisions
from services.documents.documents import (
    DocumentCreate,
    DocumentDetail,
    DocumentRead,
    DocumentUpdate,
    RevisionRead,
    SchemeRead,
    TargetBody,
)
from services.documents.instructions import Instruction
from services.documents.revisions import RevisionCreate
from services.studio.files import Upload

router = APIRouter(prefix="/documents", tags=["documents"], responses=AUTHENTICATED)


class CommentBody(BaseModel):
    comment: str = Field(default="", max_length=2000)


class SchemeBody(BaseModel):
    revision_scheme: RevisionScheme


async def _uploads(items: list[UploadFile]) -> list[Upload]:
    return [Upload(filename=f.filename or "", content_type=f.content_type or "", data=await f.read()) for f in items]


@router.get("", response_model=list[DocumentRead], summary="Documents by number, title or description, with filters")
def list_documents(actor: CurrentActor, search: str = "", kind: DocumentKind | None = None,
                   target_type: DocumentTarget | None = None, target_id: int | None = None,
                   status: RevisionStatus | None = None, limit: int = 100) -> list[DocumentRead]:
    with db_session() as s, transaction(s):
        return documents.list_documents(s, actor, search=search, kind=kind, target_type=target_type,
                                        target_id=target_id, status=status, limit=limit)


@router.post("", response_model=DocumentRead, status_code=status.HTTP_201_CREATED,
             summary="Create a document attached to a product, routing step, machine, project or order")
def create_document(body: DocumentCreate, actor: CurrentActor) -> DocumentRead:
    with db_session() as s, transaction(s):
        return documents.create_document(s, actor, body, now=utcnow())


@router.get("/settings", response_model=SchemeRead, summary="The organization's revision scheme")
def get_scheme(actor: CurrentActor) -> SchemeRead:
    with db_session() as s, transaction(s):
        return documents.revision_scheme(s, actor)


@router.put("/settings", response_model=SchemeRead, summary="Label new revisions A, B, C (letters) or 1, 2, 3 (numbers)")
def set_scheme(body: SchemeBody, actor: CurrentActor) -> SchemeRead:
    with db_session() as s, transaction(s):
        return documents.set_revision_scheme(s, actor, body.revision_scheme, now=utcnow())


@router.get("/jobs/{operation_id}/instructions", response_model=list[Instruction],
            summary="The approved documents of a job: its routing step's work instructions, its work order, "
                    "product and machine")
def job_instructions(operation_id: int, actor: CurrentActor) -> list[Instruction]:
    with db_session() as s, transaction(s):
        return instructions.instructions_for_operation(s, actor, operation_id)


@router.get("/files/{file_id}", summary="Download a revision's file (inline)",
            responses={200: {"content": {"application/octet-stream": {}}}, **errors(404)})
def download(file_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        name, content_type, data = files.open_file(s, actor, file_id)
    safe = name.replace('"', "")
    return Response(data, media_type=content_type, headers={"Content-Disposition": f'inline; filename="{safe}"',
                                                            "X-Content-Type-Options": "nosniff"})


@router.get("/{document_id}", response_model=DocumentDetail, summary="A document with the revisions you may see")
def get_document(document_id: int, actor: CurrentActor) -> DocumentDetail:
    with db_session() as s, transaction(s):
        return documents.document_detail(s, actor, document_id)


@router.patch("/{document_id}", response_model=DocumentRead, summary="Change a document's title or description")
def update_document(document_id: int, body: DocumentUpdate, actor: CurrentActor) -> DocumentRead:
    with db_session() as s, transaction(s):
        return documents.update_document(s, actor, document_id, body, now=utcnow())


@router.post("/{document_id}/targets", response_model=DocumentRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Attach the document to one more product, routing step, machine, project "
                                            "or order (of its plant)")
def attach_target(document_id: int, body: TargetBody, actor: CurrentActor) -> DocumentRead:
    with db_session() as s, transaction(s):
        return documents.attach_target(s, actor, document_id, body, now=utcnow())


@router.delete("/{document_id}/targets/{link_id}", response_model=DocumentRead, responses=errors(409),
               summary="Detach the document from one of its targets (it keeps at least one)")
def detach_target(document_id: int, link_id: int, actor: CurrentActor) -> DocumentRead:
    with db_session() as s, transaction(s):
        return documents.detach_target(s, actor, document_id, link_id, now=utcnow())


@router.post("/{document_id}/revisions", response_model=RevisionRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Start a new draft revision with its files (PDF, images, CAD)")
async def new_revision(document_id: int, actor: CurrentActor,
                       files_: Annotated[list[UploadFile], File(alias="files")] = [],  # noqa: B006  (FastAPI form)
                       summary: Annotated[str, Form(max_length=1000)] = "") -> RevisionRead:
    uploads = await _uploads(files_)
    with db_session() as s, transaction(s):
        return revisions.new_revision(s, actor, document_id, RevisionCreate(summary=summary), uploads, now=utcnow())


@router.post("/revisions/{revision_id}/files", response_model=RevisionRead, responses=errors(409),
             summary="Add files to a draft revision")
async def add_files(revision_id: int, actor: CurrentActor,
                    files_: Annotated[list[UploadFile], File(alias="files")]) -> RevisionRead:
    uploads = await _uploads(files_)
    with db_session() as s, transaction(s):
        return revisions.add_files(s, actor, revision_id, uploads, now=utcnow())


@router.post("/revisions/{revision_id}/submit", response_model=RevisionRead, responses=errors(409),
             summary="Submit a draft revision for review")
def submit(revision_id: int, body: CommentBody, actor: CurrentActor) -> RevisionRead:
    with db_session() as s, transaction(s):
        return decisions.submit(s, actor, revision_id, comment=body.comment, now=utcnow())


@router.post("/revisions/{revision_id}/approve", response_model=RevisionRead, responses=errors(409),
             summary="Approve a revision in review: it is released, the previous approved one becomes obsolete "
                     "(a change order's: the change order is approved and releases all it lists)")
def approve(revision_id: int, body: CommentBody, actor: CurrentActor) -> RevisionRead:
    with db_session() as s, transaction(s):
        return decisions.approve(s, actor, revision_id, comment=body.comment, now=utcnow())


@router.post("/revisions/{revision_id}/reject", response_model=RevisionRead, responses=errors(409),
             summary="Send a revision in review back to draft (a comment says why)")
def reject(revision_id: int, body: CommentBody, actor: CurrentActor) -> RevisionRead:
    with db_session() as s, transaction(s):
        return decisions.reject(s, actor, revision_id, comment=body.comment, now=utcnow())
