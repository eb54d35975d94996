"""SOP ticket pages' state: the list (open/all, search, export) with the "charge a department"
dialog (in the organization's form layout, custom fields included), and one ticket
(/quality/sop-ticket?id=N): response, accept/dispute/... with a comment, reassignment with its justification,
history. Everything through services/quality/sop_tickets.py."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import CustomInput, submitted_custom
from rxapp.state.config.form_sections import FormSection, entity_form
from rxapp.state.master.common import Option, download, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.quality.ncr_detail import HistoryRow, TransitionButton, _history
from services.core import formats
from services.core.errors import DomainError
from services.org import plants
from services.quality import sop_tickets as sop
from services.quality.ncr import people as ncr_people
from services.quality.sop_tickets import SopCreate, SopRead

COLUMNS = [("number", _("Number")), ("status_name", _("Status")), ("title", _("Title")), ("sop_reference", _("SOP")),
           ("charging_department", _("Charged by")), ("charged_department", _("Charged")), ("due_at", _("Due")),
           ("escalated_at", _("Escalated")), ("created_at", _("Raised"))]


@dataclass
class TicketRow:
    id: int = 0
    number: str = ""
    title: str = ""
    sop_reference: str = ""
    charging: str = ""
    charged: str = ""
    status_name: str = ""
    is_closed: bool = False
    can_work: bool = False
    due: str = ""
    escalated: bool = False
    href: str = ""


def ticket_row(t: SopRead, zone: str = "UTC") -> TicketRow:
    return TicketRow(id=t.id, number=t.number, title=t.title, sop_reference=t.sop_reference,
                     charging=t.charging_department, charged=t.charged_department, status_name=t.status_name,
                     is_closed=t.is_closed, can_work=t.can_work, due=formats.moment(t.due_at, zone, fmt="short"),
                     escalated=t.escalated_at is not None, href=routes.sop_ticket_url(t.id))


def _departments(session, actor) -> list[Option]:
    names = {p.id: p.code for p in plants.list_plants(session, actor)}
    return [Option(value=str(d.id), label=f"{names.get(d.plant_id, '')} · {d.display_name or d.name} ({d.code})")
            for d in plants.list_departments(session, actor)]


@dataclass
class HeadRow:
    department_id: int = 0
    label: str = ""
    head: str = ""


class SopTicketsState(AuthState):
    rows: list[TicketRow] = []
    heads: list[HeadRow] = []
    people: list[Option] = []
    loading: bool = True
    load_error: str = ""
    search: str = ""
    open_only: bool = True
    form_open: bool = False
    form_errors: dict[str, str] = {}
    departments: list[Option] = []
    custom_inputs: list[CustomInput] = []
    form_sections: list[FormSection] = []     # the raise form as the organization laid it out

    def _fetch(self, session, actor) -> list[SopRead]:
        return sop.list_tickets(session, actor, search=self.search, open_only=self.open_only)

    @rx.event
    def load(self):
        try:
            rows = self._use_case(self._fetch)
        except DomainError as error:
            self.rows, self.loading, self.load_error = [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.rows, self.loading, self.load_error = [ticket_row(r, self._zone()) for r in rows], False, ""

    @rx.event
    def enter(self):
        self.form_open, self.loading = False, True
        return [SopTicketsState.load, SopTicketsState.load_heads]

    @rx.event
    def load_heads(self):
        """Department heads, for admins (they receive the escalations of their department)."""
        if "manage_plants" not in self.permissions:
            self.heads = []
            return
        try:
            heads, people = self._use_case(lambda s, a: (sop.department_heads(s, a), ncr_people(s, a)))
        except DomainError as error:
            return self._refused(error, quiet=True)
        self.heads = [HeadRow(department_id=h.department_id, label=f"{h.plant_code} · {h.department}",
                              head=str(h.head_user_id or "")) for h in heads]
        self.people = [Option(value=str(uid), label=name) for uid, name in people]

    @rx.event
    def set_head(self, department_id: int, user_id: str):
        try:
            self._use_case(sop.set_department_head, as_id(department_id), as_id(user_id) or None, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Head of department saved")), SopTicketsState.load_heads]

    @rx.event
    def set_search(self, value: str):
        self.search = str(value or "")[:100]
        return SopTicketsState.load

    @rx.event
    def set_open_only(self, value: str):
        self.open_only = value != "all"
        return SopTicketsState.load

    @rx.event
    def export(self, fmt: str):
        try:
            rows = self._use_case(self._fetch)
        except DomainError as error:
            return self._refused(error)
        return download(rows, COLUMNS, "sop-tickets", "xlsx" if fmt == "xlsx" else "csv")

    @rx.event
    def open_new(self):
        try:
            self.departments = self._use_case(_departments)
            self.custom_inputs, self.form_sections = entity_form(self._use_case, "sop_ticket")
        except DomainError as error:
            return self._refused(error)
        self.form_errors, self.form_open = {}, True

    @rx.event
    def set_form_open(self, is_open: bool):
        self.form_open = bool(is_open)

    @rx.event
    def save(self, form: dict):
        data = SopCreate(charging_department_id=as_id(form.get("charging_department_id")),
                         charged_department_id=as_id(form.get("charged_department_id")),
                         title=str(form.get("title", "")), sop_reference=str(form.get("sop_reference", "")),
                         description=str(form.get("description", "")),
                         custom=submitted_custom(form, self.custom_inputs))
        try:
            made = self._use_case(sop.raise_ticket, data, now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        self.form_open = False
        return [rx.toast.success(_("Ticket raised") + f": {made.number}"), rx.redirect(routes.sop_ticket_url(made.id))]


class SopTicketState(AuthState):
    ticket_id: int = 0
    ticket: TicketRow = TicketRow()
    description: str = ""
    response: str = ""
    transitions: list[TransitionButton] = []
    history: list[HistoryRow] = []
    reassignments: list[str] = []
    departments: list[Option] = []
    comment: str = ""
    refusal: str = ""
    errors: dict[str, str] = {}
    loading: bool = True
    load_error: str = ""

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.ticket_id, self.loading, self.refusal, self.errors = as_id(query.get("id", "")), True, "", {}
        return SopTicketState.load

    @rx.event
    def load(self):
        try:
            detail, departments = self._use_case(lambda s, a: (sop.ticket_detail(s, a, self.ticket_id),
                                                               _departments(s, a)))
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        t = detail.ticket
        self.ticket, self.description, self.response = ticket_row(t, self._zone()), t.description, t.response
        self.transitions = [TransitionButton(key=o.key, name=o.name, to_state_name=o.to_state_name, allowed=o.allowed,
                                             reasons=" ".join(o.reasons), needs_comment=o.require_comment,
                                             needs_approval=o.approval != "none") for o in detail.transitions]
        self.history = _history(detail, self._zone())
        self.reassignments = [f"{self._when(r.at)}: {r.from_department} → {r.to_department}: {r.justification}"
                              for r in detail.reassignments]
        self.departments = departments
        self.loading, self.load_error = False, ""

    @rx.event
    def set_comment(self, value: str):
        self.comment = str(value or "")[:2000]

    @rx.event
    def respond(self, form: dict):
        try:
            self._use_case(sop.respond, self.ticket_id, str(form.get("response", "")), now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors = {}
        return [rx.toast.success(_("Response saved")), SopTicketState.load]

    @rx.event
    def move(self, key: str):
        try:
            self._use_case(sop.transition_ticket, self.ticket_id, str(key), comment=self.comment, now=utcnow())
        except DomainError as error:
            self.refusal = _(error.message)
            return self._refused(error)
        self.refusal, self.comment = "", ""
        return [rx.toast.success(_("Done")), SopTicketState.load]

    @rx.event
    def reassign(self, form: dict):
        try:
            self._use_case(sop.reassign, self.ticket_id, as_id(form.get("to_department_id")),
                           str(form.get("justification", "")), now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors = {}
        return [rx.toast.success(_("Reassigned")), SopTicketState.load]
