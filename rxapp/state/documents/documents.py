"""/documents: controlled documents (change orders among them, for writers and reviewers) by number, title or
description, filtered by kind or by one of their targets; writers create one from a dialog (title, kind, what it
is attached to first; more targets are attached on its page). Operators see only documents with an approved revision: the
services decide, this state only shows what they answer."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from models.documents import DocumentTarget
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.master.common import Option, translated_fields, whole_number
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.documents import documents, targets
from services.documents.documents import DocumentCreate, DocumentRead

KIND_LABELS = {"drawing": _("Drawing"), "sop": _("SOP"), "work_instruction": _("Work instruction"),
               "specification": _("Specification"), "change_order": _("Change order")}
TARGET_LABELS = {"product": _("Product"), "routing_step": _("Routing step"), "machine": _("Machine"),
                 "project": _("Project"), "work_order": _("Work order"), "customer_order": _("Customer order")}
STATUS_LABELS = {"draft": _("Draft"), "review": _("In review"), "approved": _("Approved"), "obsolete": _("Obsolete")}
STATUS_COLORS = {"draft": "gray", "review": "amber", "approved": "green", "obsolete": "red"}
SCHEME_OPTIONS = [("letters", _("Letters: A, B, C")), ("numbers", _("Numbers: 1, 2, 3"))]
KIND_OPTIONS = list(KIND_LABELS.items())                                 # the list's filter
NEW_KIND_OPTIONS = [(k, v) for k, v in KIND_LABELS.items() if k != "change_order"]   # made on the change orders page
TARGET_OPTIONS = list(TARGET_LABELS.items())


@dataclass
class DocumentRow:
    id: int = 0
    number: str = ""
    title: str = ""
    kind: str = ""
    target: str = ""                 # "Machine: M-1 · Lathe; Machine: M-2 · Mill" ("–" for a change order)
    released: str = ""               # the approved revision's label, "–" without one
    working: str = ""                # "B · In review" (writers and reviewers)
    href: str = ""


# The label constants are made at import (English ids): these translate them where they are used, in the
# person's language.

def kind_text(kind: str) -> str:
    return _(KIND_LABELS.get(kind, kind))


def status_text(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def target_text(target_type: str, label: str) -> str:
    return f"{_(TARGET_LABELS.get(target_type, target_type))}: {label}"


def document_row(d: DocumentRead) -> DocumentRow:
    working = f"{d.working_label} · {status_text(d.working_status)}" if d.working_label else ""
    return DocumentRow(id=d.id, number=d.number, title=d.title, kind=kind_text(d.kind),
                       target="; ".join(target_text(t.target_type, t.label) for t in d.targets) or "–",
                       released=d.released_label or "–", working=working, href=routes.document_url(d.id))


class DocumentsState(AuthState):
    rows: list[DocumentRow] = []
    search: str = ""
    kind: str = ""
    loading: bool = True
    load_error: str = ""
    form_open: bool = False
    form_errors: dict[str, str] = {}
    target_type: str = "product"
    target_options: list[Option] = []
    scheme: str = "letters"
    filter_type: str = ""            # ?target_type=...&target_id=...: the documents of one product, step, machine ...
    filter_id: int = 0
    filter_label: str = ""

    @rx.var
    def can_write(self) -> bool:
        return "documents" in self.permissions

    @rx.var
    def can_configure(self) -> bool:
        return "configure" in self.permissions

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        kind = str(query.get("target_type", ""))
        self.filter_type = kind if kind in TARGET_LABELS else ""
        self.filter_id = as_id(query.get("target_id", "")) if self.filter_type else 0
        self.filter_label = ""
        if self.filter_type and self.filter_id:
            self.target_type = self.filter_type
            try:
                label = self._use_case(targets.resolve, DocumentTarget(self.filter_type), self.filter_id).label
            except DomainError as error:
                self.filter_type, self.filter_id = "", 0
                return [*self._refused(error), DocumentsState.load]
            self.filter_label = target_text(self.filter_type, label)
        return DocumentsState.load

    @rx.event
    def load(self):
        try:
            found = self._use_case(documents.list_documents, search=self.search[:100], kind=self.kind or None,
                                   target_type=DocumentTarget(self.filter_type) if self.filter_type else None,
                                   target_id=self.filter_id or None)
            self.scheme = self._use_case(documents.revision_scheme).revision_scheme.value
        except DomainError as error:
            self.rows, self.loading, self.load_error = [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.rows = [document_row(d) for d in found]
        self.loading, self.load_error = False, ""
        return None

    @rx.event
    def set_scheme(self, value: str):
        """Admins: label new revisions with letters or numbers (released labels stay as they are)."""
        if value not in dict(SCHEME_OPTIONS):
            return rx.toast.error(_("Choose letters or numbers."))
        try:
            self.scheme = self._use_case(documents.set_revision_scheme, value, now=utcnow()).revision_scheme.value
        except DomainError as error:
            return self._refused(error)
        return rx.toast.success(_("New revisions are labelled with {scheme}.").format(scheme=dict(SCHEME_OPTIONS)[value]))

    @rx.event
    def find(self, form: dict):
        self.search, self.kind = str(form.get("search", ""))[:100], str(form.get("kind", ""))
        return DocumentsState.load

    @rx.event
    def open_new(self):
        self.form_open, self.form_errors = True, {}
        return DocumentsState.set_target_type(self.target_type)

    @rx.event
    def set_form_open(self, value: bool):
        self.form_open, self.form_errors = bool(value), {}

    @rx.event
    def set_target_type(self, value: str):
        self.target_type = value if value in TARGET_LABELS else "product"
        try:
            found = self._use_case(targets.choices, self.target_type)
        except DomainError as error:
            return self._refused(error)
        self.target_options = [Option(value=str(i), label=label) for i, label in found]
        return None

    @rx.event
    def create(self, form: dict):
        try:
            data = DocumentCreate(title=str(form.get("title", "")), kind=str(form.get("kind", "")),
                                  target_type=self.target_type,
                                  target_id=whole_number(form.get("target_id", ""), "target_id",
                                                         "Choose what the document is attached to."),
                                  description=str(form.get("description", "")))
            created = self._use_case(documents.create_document, data, now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        except ValueError:
            self.form_errors = {"title": _("Give the document a title.")}
            return None
        self.form_open, self.form_errors = False, {}
        return [rx.toast.success(_("{number} created").format(number=created.number)),
                rx.redirect(routes.document_url(created.id))]
