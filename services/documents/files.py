"""The files of a revision (PDF, images, CAD), stored where studio files are stored (services/studio/storage.py:
a local folder or an S3-compatible bucket) under the same content-hash keys, and read back with an access check.

Invariants: PDFs and images pass the studio's content checks (the declared type matches the first bytes,
services/studio/files.check_upload); CAD files are accepted by extension (.dwg, .dxf, .step/.stp, .iges/.igs,
.stl) and, where the format has one, by signature; every file is at most the organization's upload limit;
files are added to a draft only (an approved revision never changes); a file is served only to someone who
may see its revision (a draft's files are NotFound for operators).
"""
from __future__ import annotations

import hashlib
import os
from datetime import datetime

from sqlmodel import Session

from models.base import pk
from models.documents import DocumentFile, DocumentRevision
from services.core.access import Actor
from services.core.errors import Invalid, NotFound
from services.core.messages import t
from services.documents.common import get_revision
from services.studio import files as studio_files
from services.studio.files import Upload
from services.studio.storage import file_storage

CAD_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".dwg": ("image/vnd.dwg", (b"AC1",)),
    ".dxf": ("image/vnd.dxf", ()),
    ".step": ("model/step", (b"ISO-10303-21",)),
    ".stp": ("model/step", (b"ISO-10303-21",)),
    ".iges": ("model/iges", ()),
    ".igs": ("model/iges", ()),
    ".stl": ("model/stl", ()),
}
VIEWABLE = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")


def check_file(session: Session, organization_id: int, upload: Upload) -> str:
    """The content type the file is stored with, or Invalid saying what is wrong with it."""
    name = os.path.basename(upload.filename or "").strip()
    extension = os.path.splitext(name)[1].lower()
    if extension not in CAD_TYPES:
        return studio_files.check_upload(session, organization_id, upload, field="file")
    content_type, signatures = CAD_TYPES[extension]
    if signatures and not any(upload.data.startswith(signature) for signature in signatures):
        raise Invalid(t("{name}: the content is not a {extension} file.", name=name, extension=extension),
                      fields={"file": t("Content and type differ.")})
    limit = studio_files.settings(session, organization_id).max_upload_mb * 1024 * 1024
    if not upload.data:
        raise Invalid(t("{name} is empty.", name=name), fields={"file": t("Empty file.")})
    if len(upload.data) > limit:
        raise Invalid(t("{name} is larger than {megabytes} MB.", name=name, megabytes=limit // (1024 * 1024)),
                      fields={"file": t("Too large.")})
    return content_type


def store_file(session: Session, actor: Actor, rev: DocumentRevision, upload: Upload, *, now: datetime) -> DocumentFile:
    content_type = check_file(session, actor.organization_id, upload)
    sha = hashlib.sha256(upload.data).hexdigest()
    key = f"{actor.organization_id}/{sha[:2]}/{sha}"
    file_storage().put(key, upload.data, content_type)
    row = DocumentFile(organization_id=actor.organization_id, revision_id=pk(rev),
                       filename=os.path.basename(upload.filename)[:255], content_type=content_type,
                       size=len(upload.data), sha256=sha, storage_key=key, uploaded_at=now, uploaded_by=actor.user_id)
    session.add(row)
    session.flush()
    return row


def open_file(session: Session, actor: Actor, file_id: int) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of a file whose revision the actor may see."""
    row = session.get(DocumentFile, file_id)
    if row is None or row.organization_id != actor.organization_id:
        raise NotFound(t("File not found."))
    try:
        get_revision(session, actor, row.revision_id)
    except NotFound:
        raise NotFound(t("File not found.")) from None
    data = file_storage().get(row.storage_key)
    if data is None:
        raise NotFound(t("{name} is missing from the file store.", name=row.filename))
    return row.filename, row.content_type, data
