"""Files of versions: content checks, size limits, storage, image thumbnails, and the access check on
every download.

Storage: the local folder or the S3-compatible bucket that storage.py configures; a file is stored
once per organization under its SHA-256 (`<org>/<aa>/<sha>`), never overwritten. Invariants: the
declared content type must be allowed and match the file's first bytes (a renamed executable is
refused); a file is at most the organization's `max_upload_mb`; images get a 320 px PNG thumbnail
(Pillow); a download is served only to the task's organization (VIEW), to a vendor account whose
partner owns the task, or to a client account when a review of that version is shared with it.
"""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.base import pk, referenced
from models.studio import StudioProject
from models.studio_work import StudioAccount, StudioFile, StudioReview, StudioSettings, StudioTask
from services.core.access import Actor
from services.core.errors import Invalid, NotFound
from services.core.messages import t
from services.studio.common import is_portal, portal_account, require_reader
from services.studio.storage import FileStorage, file_storage
from services.studio.tasks import partner_owns

MAGIC: dict[str, tuple[tuple[int, bytes], ...]] = {
    "image/png": ((0, b"\x89PNG\r\n\x1a\n"),),
    "image/jpeg": ((0, b"\xff\xd8\xff"),),
    "image/gif": ((0, b"GIF87a"), (0, b"GIF89a")),
    "image/webp": ((8, b"WEBP"),),
    "video/mp4": ((4, b"ftyp"),),
    "video/quicktime": ((4, b"ftyp"), (4, b"moov"), (4, b"wide")),
    "application/pdf": ((0, b"%PDF-"),),
    "application/zip": ((0, b"PK\x03\x04"),),
}
THUMBNAIL_SIZE = 320


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def settings(session: Session, organization_id: int) -> StudioSettings:
    row = session.exec(select(StudioSettings).where(StudioSettings.organization_id == organization_id)).first()
    return row or StudioSettings(organization_id=organization_id)


def check_upload(session: Session, organization_id: int, upload: Upload, field: str = "files") -> str:
    """The normalized content type, or Invalid saying what is wrong."""
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    limit = settings(session, organization_id).max_upload_mb * 1024 * 1024
    name = os.path.basename(upload.filename or "").strip()
    if not name or len(name) > 255:
        raise Invalid(t("Give each file a name."),
                      fields={field: t("A file name is required (at most {limit} characters).", limit=255)})
    if content_type not in MAGIC:
        raise Invalid(t("{file}: this kind of file is not accepted.", file=name),
                      fields={field: t("Accepted: {kinds}.", kinds=", ".join(sorted(MAGIC)))})
    if not any(upload.data[at:at + len(magic)] == magic for at, magic in MAGIC[content_type]):
        raise Invalid(t("{file}: the content is not {kind}.", file=name, kind=content_type),
                      fields={field: t("Content and type differ.")})
    if len(upload.data) > limit:
        raise Invalid(t("{file} is larger than {limit} MB.", file=name, limit=limit // (1024 * 1024)),
                      fields={field: t("Too large.")})
    return content_type


def store(session: Session, actor: Actor, task: StudioTask, version_id: int, upload: Upload) -> StudioFile:
    content_type = check_upload(session, actor.organization_id, upload)
    sha = hashlib.sha256(upload.data).hexdigest()
    key = f"{actor.organization_id}/{sha[:2]}/{sha}"
    storage = file_storage()
    storage.put(key, upload.data, content_type)
    thumb = _thumbnail(storage, key, upload.data) if content_type.startswith("image/") else None
    row = StudioFile(organization_id=actor.organization_id, version_id=version_id, task_id=pk(task),
                     filename=os.path.basename(upload.filename)[:255], content_type=content_type,
                     size=len(upload.data), sha256=sha, storage_key=key, thumbnail_key=thumb)
    session.add(row)
    session.flush()
    return row


def _thumbnail(storage: FileStorage, key: str, data: bytes) -> str | None:
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            out = io.BytesIO()
            image.convert("RGBA").save(out, format="PNG")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    thumb_key = f"{key}.thumb.png"
    storage.put(thumb_key, out.getvalue(), "image/png")
    return thumb_key


def _may_read(session: Session, actor: Actor, row: StudioFile) -> bool:
    if row.organization_id != actor.organization_id:
        return False
    if not is_portal(actor):
        require_reader(actor)
        return True
    account: StudioAccount = portal_account(session, actor)
    task = referenced(session, StudioTask, row.task_id)
    if account.kind == "vendor":
        return partner_owns(session, task, account.partner_id)
    project = referenced(session, StudioProject, task.project_id)
    shared = session.exec(select(StudioReview.id).where(StudioReview.version_id == row.version_id,
                                                        StudioReview.shared_with_client == True)).first()  # noqa: E712
    return shared is not None and project.client_partner_id == account.partner_id


def open_file(session: Session, actor: Actor, file_id: int, *, thumbnail: bool = False) -> tuple[str, str, bytes]:
    """(filename, content type, bytes) after the access check; NotFound for anyone else."""
    row = session.get(StudioFile, file_id)
    if row is None or not _may_read(session, actor, row):
        raise NotFound(t("File not found."))
    key = row.thumbnail_key if thumbnail else row.storage_key
    if key is None:
        raise NotFound(t("This file has no thumbnail."))
    data = file_storage().get(key)
    if data is None:
        raise NotFound(t("The stored file is missing."))
    name = f"{row.filename}.thumb.png" if thumbnail else row.filename
    return name, "image/png" if thumbnail else row.content_type, data


def files_of_version(session: Session, version_id: int) -> list[StudioFile]:
    return list(session.exec(select(StudioFile).where(StudioFile.version_id == version_id)
                             .order_by(col(StudioFile.id))).all())
