"""/documents/document?id=N (or ?revision=N, the link of a workflow notification): one document with its targets
(writers attach it to more and detach it), the revisions the reader may see and their files in a viewer (PDF
pages drawn as images, images as themselves); writers start a revision with files, add files to a draft, submit
it or list it on a change order; approvers approve or reject it with a comment. A change order's document links
to its change order, and deciding on its revision decides on the change order (services.documents.decisions).
Which buttons show comes from the workflow's available transitions; every handler goes through
services.documents, which re-checks the actor (an operator never reaches a draft)."""
from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.documents.documents import STATUS_COLORS, TARGET_LABELS, kind_text, status_text, target_text
from rxapp.state.documents.viewer import kind_label, open_in_viewer
from rxapp.state.master.common import Option
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.errors import DomainError
from services.documents import change_orders, common, decisions, documents, files, revisions, targets
from services.documents.documents import RevisionRead, TargetBody
from services.documents.revisions import RevisionCreate
from services.studio.files import Upload

UPLOAD_ID = "document-revision-files"
ACCEPT = {"application/pdf": [".pdf"], "image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"],
          "image/gif": [".gif"], "image/webp": [".webp"],
          "application/octet-stream": [".dwg", ".dxf", ".step", ".stp", ".iges", ".igs", ".stl"]}


@dataclass
class FileLine:
    id: int = 0
    name: str = ""
    kind: str = ""                   # PDF | Image | CAD
    size: str = ""


@dataclass
class TargetLine:
    id: int = 0                      # the link's id
    label: str = ""                  # "Machine: M-1 · Lathe"
    href: str = ""                   # the other documents of that target


@dataclass
class RevisionLine:
    id: int = 0
    label: str = ""
    status: str = ""
    status_label: str = ""
    color: str = "gray"
    summary: str = ""
    written: str = ""                # "2026-03-02 08:00 · eng.one"
    approved: str = ""
    change_order_id: int = 0
    files: list[FileLine] = field(default_factory=list)
    can_submit: bool = False
    can_approve: bool = False
    can_reject: bool = False
    can_add_files: bool = False


def _size(size: int) -> str:
    return formats.number(size / 1024 / 1024, decimals=1) + " MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} kB"


def revision_line(r: RevisionRead, actions: list[str], writer: bool, zone: str = "UTC") -> RevisionLine:
    approved = f"{formats.moment(r.approved_at, zone, fmt='short')} · {r.approved_by_name}" if r.approved_at else ""
    return RevisionLine(id=r.id, label=r.label, status=r.status.value, status_label=status_text(r.status),
                        color=STATUS_COLORS.get(r.status, "gray"), summary=r.summary,
                        written=f"{formats.moment(r.created_at, zone, fmt='short')} · {r.created_by_name}", approved=approved,
                        change_order_id=r.change_order_id or 0,
                        files=[FileLine(id=f.id, name=f.filename, kind=kind_label(f.content_type), size=_size(f.size))
                               for f in r.files],
                        can_submit=writer and "submit" in actions, can_approve="approve" in actions,
                        can_reject="reject" in actions,
                        can_add_files=writer and r.status == "draft" and not r.change_order_id)


def _detail(session, actor, document_id: int):
    detail = documents.document_detail(session, actor, document_id)
    actions = {r.id: decisions.available_actions(session, actor, r.id) for r in detail.revisions
               if r.status.value in ("draft", "review")}
    orders = change_orders.open_change_orders(session, actor) if "documents" in actor.permissions else []
    return detail, actions, orders


class DocumentState(AuthState):
    document_id: int = 0
    number: str = ""
    title: str = ""
    kind: str = ""
    target_lines: list[TargetLine] = []
    change_order_href: str = ""      # a change order's document: its change order's page
    new_target_type: str = "product"
    new_target_options: list[Option] = []
    released: str = ""
    description: str = ""
    revision_lines: list[RevisionLine] = []
    has_working: bool = False
    load_error: str = ""
    uploading: bool = False
    change_order_options: list[Option] = []
    viewer_title: str = ""
    viewer_pages: list[str] = []
    viewer_note: str = ""
    viewer_file_id: int = 0
    comment: str = ""

    @rx.var
    def can_write(self) -> bool:
        return "documents" in self.permissions


    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.document_id = as_id(query.get("id", ""))
        self.viewer_file_id, self.viewer_pages, self.viewer_title, self.viewer_note = 0, [], "", ""
        revision_id = as_id(query.get("revision", ""))
        if revision_id and not self.document_id:
            try:
                doc, _rev = self._use_case(common.get_revision, revision_id)
            except DomainError as error:
                self.load_error = _(error.message)
                return self._refused(error, quiet=True)
            self.document_id = int(doc.id or 0)
        return DocumentState.load

    @rx.event
    def load(self):
        try:
            detail, actions, orders = self._use_case(_detail, self.document_id)
        except DomainError as error:
            self.load_error = _(error.message)
            return self._refused(error, quiet=True)
        d = detail.document
        self.load_error = ""
        self.number, self.title, self.description = d.number, d.title, d.description
        self.kind = kind_text(d.kind)
        self.target_lines = [TargetLine(id=t.id, label=target_text(t.target_type, t.label),
                                        href=routes.documents_of(t.target_type.value, t.target_id)) for t in d.targets]
        self.change_order_href = routes.change_order_url(d.change_order_id) if d.change_order_id else ""
        self.released = d.released_label or "–"
        writer = "documents" in self.permissions
        self.revision_lines = [revision_line(r, actions.get(r.id, []), writer, self._zone())
                               for r in detail.revisions]
        self.has_working = any(r.status in ("draft", "review") for r in self.revision_lines)
        self.change_order_options = [Option(value=str(o.id), label=f"{o.number} · {o.title}") for o in orders]
        then = []
        if writer and not self.change_order_href and not self.new_target_options:
            then.append(DocumentState.set_new_target_type(self.new_target_type))
        shown = next((f.id for r in self.revision_lines for f in r.files if f.kind != "CAD"), 0)
        if shown and not self.viewer_file_id:
            then.append(DocumentState.view(shown))
        return then or None

    @rx.event
    def set_new_target_type(self, value: str):
        """The choices of the attach form for one target type."""
        self.new_target_type = value if value in TARGET_LABELS else "product"
        try:
            found = self._use_case(targets.choices, self.new_target_type)
        except DomainError as error:
            return self._refused(error)
        self.new_target_options = [Option(value=str(i), label=label) for i, label in found]
        return None

    @rx.event
    def attach_target(self, form: dict):
        try:
            target_id = as_id(form.get("target_id", ""))
            if not target_id:
                return rx.toast.error(_("Choose what to attach the document to."))
            done = self._use_case(documents.attach_target, self.document_id,
                                  TargetBody(target_type=self.new_target_type, target_id=target_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        label = target_text(done.targets[-1].target_type, done.targets[-1].label) if done.targets else ""
        return [rx.toast.success(_("Attached to {target}").format(target=label)), DocumentState.load]

    @rx.event
    def detach_target(self, link_id: int):
        try:
            self._use_case(documents.detach_target, self.document_id, as_id(link_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Detached")), DocumentState.load]

    @rx.event
    def view(self, file_id: int):
        return open_in_viewer(self, file_id)

    @rx.event
    def download(self, file_id: int):
        try:
            name, content_type, data = self._use_case(files.open_file, as_id(file_id))
        except DomainError as error:
            return self._refused(error)
        return rx.download(data=data, filename=name, mime_type=content_type)

    @rx.event
    async def start_revision(self, uploads: list[rx.UploadFile]):
        self.uploading = True
        yield
        items = [await _upload(u) for u in uploads]
        try:
            made = self._use_case(revisions.new_revision, self.document_id, RevisionCreate(), items, now=utcnow())
        except DomainError as error:
            self.uploading = False
            for event in self._refused(error):
                yield event
            return
        self.uploading, self.viewer_file_id = False, 0
        yield rx.clear_selected_files(UPLOAD_ID)
        yield rx.toast.success(_("Revision {label} started").format(label=made.label))
        yield DocumentState.load

    @rx.event
    async def add_files(self, revision_id: int, uploads: list[rx.UploadFile]):
        items = [await _upload(u) for u in uploads]
        try:
            self._use_case(revisions.add_files, as_id(revision_id), items, now=utcnow())
        except DomainError as error:
            for event in self._refused(error):
                yield event
            return
        yield rx.clear_selected_files(UPLOAD_ID)
        yield rx.toast.success(_("Files added"))
        yield DocumentState.load

    @rx.event
    def set_comment(self, value: str):
        self.comment = str(value)[:2000]

    @rx.event
    def decide(self, action: str, revision_id: int):
        """Submit, approve or reject the revision (the comment box's text goes with it; a rejection needs it)."""
        use_cases = {"submit": decisions.submit, "approve": decisions.approve, "reject": decisions.reject}
        if action not in use_cases:
            return rx.toast.error(_("Choose what to do with the revision."))
        try:
            self._use_case(use_cases[action], as_id(revision_id), comment=self.comment, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = {"submit": _("Submitted for review"), "approve": _("Approved and released"),
                "reject": _("Sent back to draft")}[action]
        self.viewer_file_id, self.comment = 0, ""
        return [rx.toast.success(done), DocumentState.load]

    @rx.event
    def add_to_change_order(self, form: dict):
        try:
            order = self._use_case(change_orders.add_revision, as_id(form.get("change_order_id", "")),
                                   as_id(form.get("revision_id", "")), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Listed on {number}").format(number=order.number)),
                rx.redirect(routes.change_order_url(order.id))]


async def _upload(u: rx.UploadFile) -> Upload:
    name = u.name or "file"
    kind = getattr(u, "content_type", None) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Upload(filename=name, content_type=kind, data=await u.read())
