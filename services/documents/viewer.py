"""What a phone shows of a revision's file without a PDF plug-in: a PDF's pages drawn as JPEG images (pypdfium2),
an image as itself, anything else (CAD) as nothing to show inline (the page offers the download).

Invariants: at most MAX_PAGES pages are drawn, each WIDTH pixels wide; the file is read through
files.open_file, so the reader's access to the revision is checked first (a draft is NotFound for operators);
a PDF that cannot be read answers no pages rather than an error.
"""
from __future__ import annotations

import io

import pypdfium2 as pdfium
from pydantic import BaseModel
from sqlmodel import Session

from services.core.access import Actor
from services.documents.files import open_file

MAX_PAGES = 5
WIDTH = 1000
IMAGES = ("image/png", "image/jpeg", "image/gif", "image/webp")


class FileView(BaseModel):
    filename: str
    content_type: str
    pages: list[tuple[str, bytes]]        # (media type, bytes) of each image to show, in order
    page_count: int                       # all pages of a PDF (1 for an image, 0 for a file not shown inline)


def view_file(session: Session, actor: Actor, file_id: int) -> FileView:
    name, content_type, data = open_file(session, actor, file_id)
    if content_type in IMAGES:
        return FileView(filename=name, content_type=content_type, pages=[(content_type, data)], page_count=1)
    if content_type == "application/pdf":
        pages, count = pdf_pages(data)
        return FileView(filename=name, content_type=content_type, pages=[("image/jpeg", p) for p in pages],
                        page_count=count)
    return FileView(filename=name, content_type=content_type, pages=[], page_count=0)


def pdf_pages(data: bytes, *, max_pages: int = MAX_PAGES, width: int = WIDTH) -> tuple[list[bytes], int]:
    """The first `max_pages` pages as JPEG, and how many pages the PDF has ([], 0 for a PDF pdfium cannot open)."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return [], 0
    try:
        out = []
        for index in range(min(len(document), max_pages)):
            page = document[index]
            scale = width / max(page.get_width(), 1)
            image = page.render(scale=scale).to_pil().convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=80)
            out.append(buffer.getvalue())
        return out, len(document)
    finally:
        document.close()
