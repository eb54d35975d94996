"""The file viewer shared by the document page and the operator portal: a file's pages (a PDF's drawn as
images, an image as itself) as data: URLs, read through services.documents.viewer, which checks the reader's
access to the revision first."""
from __future__ import annotations

import base64
from typing import Any

from rxapp.i18n import _
from rxapp.state.org.auth import as_id
from services.core.errors import DomainError
from services.documents import viewer
from services.documents.viewer import FileView


def page_sources(view: FileView) -> list[str]:
    return [f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}" for kind, data in view.pages]


def page_note(view: FileView) -> str:
    """What the viewer says under the pages: more pages than shown, or nothing to show inline."""
    if not view.pages:
        return _("{name} cannot be shown here: download it.").format(name=view.filename)
    if view.page_count > len(view.pages):
        return _("Pages 1 to {shown} of {total}: download the file for the rest.").format(
            shown=len(view.pages), total=view.page_count)
    return ""


def kind_label(content_type: str) -> str:
    if content_type == "application/pdf":
        return "PDF"
    if content_type.startswith("image/") and not content_type.startswith("image/vnd."):
        return _("Image")
    return "CAD"


def open_in_viewer(state: Any, file_id: int) -> list | None:
    """Read a file for `state`'s viewer (its `viewer_file_id`, `viewer_title`, `viewer_pages`, `viewer_note`): the
    body of the document page's and the operator portal's `view` events; a refusal is shown as usual."""
    try:
        shown = state._use_case(viewer.view_file, as_id(file_id))
    except DomainError as error:
        return state._refused(error)
    state.viewer_file_id, state.viewer_title = as_id(file_id), shown.filename
    state.viewer_pages, state.viewer_note = page_sources(shown), page_note(shown)
    return None
