"""/documents/document?id=N: a document, its targets (attach and detach), its revisions with files and the viewer;
a new revision's upload, submit, approve and reject with a comment, listing a draft on a change order; a change
order's document links to its change order."""
from __future__ import annotations

import reflex as rx

from rxapp.components.document_viewer import document_viewer
from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, error_state, page_header, upload_zone
from rxapp.i18n import _
from rxapp.state.documents.document import ACCEPT, UPLOAD_ID, FileLine, RevisionLine, TargetLine
from rxapp.state.documents.document import DocumentState as D
from rxapp.state.documents.documents import TARGET_OPTIONS


def _file(f: FileLine) -> rx.Component:
    return rx.flex(
        rx.button(rx.icon("eye"), f.name, variant="ghost", on_click=D.view(f.id), min_height=TOUCH,
                  disabled=f.kind == "CAD", data_testid="view-file"),
        rx.badge(f.kind, variant="soft"), rx.text(f.size, size="1", color_scheme="gray"),
        rx.icon_button(rx.icon("download"), variant="ghost", on_click=D.download(f.id), aria_label=_("Download")),
        spacing="2", align="center", wrap="wrap")


def _decision(r: RevisionLine) -> rx.Component:
    return rx.flex(
        rx.cond(r.can_approve | r.can_reject,
                rx.text_area(value=D.comment, on_change=D.set_comment, placeholder=_("Comment (required to reject)"),
                             rows="2", width="100%", data_testid="revision-comment")),
        rx.flex(
            rx.cond(r.can_submit, rx.button(rx.icon("send"), _("Submit for review"), on_click=D.decide("submit", r.id),
                                            min_height=TOUCH, data_testid="submit-revision")),
            rx.cond(r.can_approve, rx.button(rx.icon("check"), _("Approve"), on_click=D.decide("approve", r.id),
                                             color_scheme="green", min_height=TOUCH, data_testid="approve-revision")),
            rx.cond(r.can_reject, rx.button(rx.icon("undo-2"), _("Reject"), on_click=D.decide("reject", r.id),
                                            color_scheme="red", variant="soft", min_height=TOUCH,
                                            data_testid="reject-revision")),
            spacing="2", wrap="wrap"),
        direction="column", spacing="2", width="100%")


def _change_order(r: RevisionLine) -> rx.Component:
    return rx.cond(
        D.can_write & (r.status == "draft") & (r.change_order_id == 0) & (D.change_order_options.length() > 0)
        & (D.change_order_href == ""),
        rx.form(rx.flex(
            rx.el.input(type="hidden", name="revision_id", value=r.id),
            rx.box(select_control("change_order_id", D.change_order_options, aria_label=_("Change order")),
                   min_width="220px"),
            rx.button(rx.icon("file-diff"), _("List on change order"), type="submit", variant="soft",
                      min_height=TOUCH),
            spacing="2", wrap="wrap", align="center"), on_submit=D.add_to_change_order))


def _revision(r: RevisionLine) -> rx.Component:
    return rx.card(rx.flex(
        rx.flex(rx.heading(_("Revision"), " ", r.label, size="4"),
                rx.badge(r.status_label, color_scheme=r.color, variant="solid", data_testid="revision-status"),
                rx.cond(r.change_order_id != 0, rx.badge(_("On a change order"), variant="soft")),
                spacing="2", align="center", wrap="wrap"),
        rx.cond(r.summary != "", rx.text(r.summary, size="2")),
        rx.text(_("Written"), ": ", r.written, size="1", color_scheme="gray"),
        rx.cond(r.approved != "", rx.text(_("Approved"), ": ", r.approved, size="1", color_scheme="gray")),
        rx.foreach(r.files, _file),
        rx.cond(r.can_add_files, rx.button(rx.icon("paperclip"), _("Add the chosen files"), variant="soft",
                                           on_click=D.add_files(r.id, rx.upload_files(upload_id=UPLOAD_ID)),
                                           min_height=TOUCH)),
        _decision(r), _change_order(r),
        direction="column", spacing="2"), data_testid="revision")


def _upload() -> rx.Component:
    return rx.flex(
        upload_zone(_("Revision files"), rx.flex(rx.icon("file-up", size=28), rx.text(_("Choose or drop PDF, image or CAD files")),
                               direction="column", align="center", spacing="2"),
                       id=UPLOAD_ID, multiple=True, accept=ACCEPT, border="2px dashed var(--gray-7)",
                       border_radius="8px", padding="20px", width="100%", data_testid="revision-upload"),
        rx.foreach(rx.selected_files(UPLOAD_ID), lambda name: rx.text(name, size="1")),
        rx.cond(~D.has_working & (D.change_order_href == ""), rx.button(rx.icon("file-plus"), _("Start a new revision with these files"),
                                          on_click=D.start_revision(rx.upload_files(upload_id=UPLOAD_ID)),
                                          loading=D.uploading, min_height=TOUCH, width="100%",
                                          data_testid="start-revision")),
        direction="column", spacing="2", width="100%")


def _target(t: TargetLine) -> rx.Component:
    return rx.flex(
        rx.link(t.label, href=t.href, size="2"),
        rx.cond(D.can_write & (D.target_lines.length() > 1),
                rx.icon_button(rx.icon("x"), variant="ghost", size="1", on_click=D.detach_target(t.id),
                               aria_label=_("Detach"), data_testid="detach-target")),
        spacing="1", align="center", data_testid="document-target")


def _targets() -> rx.Component:
    attach = rx.cond(D.can_write, rx.form(rx.flex(
        rx.box(select_control("new_target_type", TARGET_OPTIONS, value=D.new_target_type,
                              on_change=D.set_new_target_type, aria_label=_("Attached to")), width="180px"),
        rx.box(select_control("target_id", D.new_target_options, placeholder="—", id="new-target-id",
                              aria_label=_("Which one")), min_width="220px", flex="1"),
        rx.button(rx.icon("link"), _("Attach"), type="submit", variant="soft", min_height=TOUCH,
                  data_testid="attach-target"),
        spacing="2", wrap="wrap", align="center"), on_submit=D.attach_target, reset_on_submit=True))
    return rx.cond(D.change_order_href != "",
                   rx.link(_("Open the change order: the documents and products it changes"), href=D.change_order_href,
                           size="2", data_testid="document-change-order"),
                   rx.flex(rx.text(_("Attached to"), size="2", weight="medium"),
                           rx.flex(rx.foreach(D.target_lines, _target), spacing="3", wrap="wrap"),
                           attach, direction="column", spacing="2", width="100%"))


def document_page() -> rx.Component:
    return shell(rx.cond(
        D.load_error != "", error_state(D.load_error, D.load),
        rx.flex(
            page_header(D.number + " · " + D.title, ""),
            rx.flex(rx.badge(D.kind, variant="soft"),
                    rx.text(_("Approved revision"), ": ", rx.text.strong(D.released, data_testid="released-label"),
                            size="2"), spacing="3", wrap="wrap", align="center"),
            rx.cond(D.description != "", rx.text(D.description, size="2", color_scheme="gray")),
            _targets(),
            document_viewer(D.viewer_title, D.viewer_pages, D.viewer_note),
            rx.cond(D.can_write, _upload()),
            rx.foreach(D.revision_lines, _revision),
            direction="column", spacing="3", width="100%")))
