"""/maintenance/tickets (list with filters, export, "raise a ticket" for supervisors and maintenance) and
/maintenance/ticket?id=N (SLA countdown, assign, workflow moves, checklist, notes, photos, parts, labour,
history). Everything through services/maintenance; every handler re-resolves the actor."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import CustomInput, submitted_custom
from rxapp.state.config.form_sections import FormSection, entity_form
from rxapp.state.maintenance.live_board import SLA_COLORS, TicketRow, remaining_text, ticket_row
from rxapp.state.master.common import Option, download, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.errors import DomainError
from services.maintenance import ENTITY, history, technicians, ticket_work
from services.maintenance import parts as parts_service
from services.maintenance import tickets as mt
from services.maintenance.common import PRIORITIES
from services.maintenance.tickets import TicketCreate, TicketRead
from services.master import reason_codes, work_centers

PRIORITY_OPTIONS = [(p, _(p.capitalize())) for p in PRIORITIES]


def machine_options(session, actor) -> list[Option]:
    return [Option(value=str(m.id), label=f"{m.code} · {m.display_name or m.name}")
            for m in work_centers.list_machines(session, actor) if m.plant_id in actor.plant_ids]


def symptom_options(session, actor) -> list[Option]:
    """The breakdown symptoms a ticket may name: the organization's active unplanned downtime reasons."""
    return [Option(value=str(r.id), label=f"{r.code} · {r.name}")
            for r in reason_codes.list_reason_codes(session, actor, kind="downtime") if not r.planned]


class MaintenanceTicketsState(AuthState):
    rows: list[TicketRow] = []
    loading: bool = True
    load_error: str = ""
    search: str = ""
    open_only: bool = True
    machine_id: str = ""
    machines: list[Option] = []
    symptoms: list[Option] = []
    form_open: bool = False
    form_errors: dict[str, str] = {}
    custom_inputs: list[CustomInput] = []
    form_sections: list[FormSection] = []     # the raise form as the organization laid it out

    def _fetch(self, session, actor) -> list[TicketRead]:
        return mt.list_tickets(session, actor, search=self.search, open_only=self.open_only,
                               machine_id=as_id(self.machine_id) or None, now=utcnow())

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.machine_id = str(as_id(query.get("machine", "")) or "")
        self.open_only = not self.machine_id
        self.form_open, self.loading = False, True
        return MaintenanceTicketsState.load

    @rx.event
    def load(self):
        try:
            rows, machines, symptoms = self._use_case(lambda s, a: (
                self._fetch(s, a), machine_options(s, a), symptom_options(s, a)))
            self.custom_inputs, self.form_sections = entity_form(self._use_case, ENTITY)
        except DomainError as error:
            self.rows, self.loading, self.load_error = [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.rows, self.machines, self.loading, self.load_error = [ticket_row(r) for r in rows], machines, False, ""
        self.symptoms = symptoms

    @rx.event
    def set_search(self, value: str):
        self.search = str(value or "")[:100]
        return MaintenanceTicketsState.load

    @rx.event
    def set_open_only(self, value: str):
        self.open_only = value != "all"
        return MaintenanceTicketsState.load

    @rx.event
    def set_machine(self, value: str):
        self.machine_id = str(as_id(value) or "")
        return MaintenanceTicketsState.load

    @rx.event
    def export(self, fmt: str):
        try:
            rows = self._use_case(self._fetch)
        except DomainError as error:
            return self._refused(error)
        return download(rows, mt.TICKET_COLUMNS, "maintenance-tickets", fmt)

    @rx.event
    def set_form_open(self, value: bool):
        self.form_open, self.form_errors = bool(value), {}

    @rx.event
    def save(self, form: dict):
        try:
            data = TicketCreate(machine_id=as_id(form.get("machine_id")) or 0, title=str(form.get("title") or ""),
                                description=str(form.get("description") or ""),
                                priority=str(form.get("priority") or "medium"), source="supervisor",
                                reason_code_id=as_id(form.get("reason_code_id")) or None,
                                custom=submitted_custom(form, self.custom_inputs))
            ticket = self._use_case(mt.raise_ticket, data, now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        self.form_open, self.form_errors = False, {}
        return [rx.toast.success(_("Ticket {number} raised").format(number=ticket.number)), MaintenanceTicketsState.load]


@dataclass
class MoveButton:
    key: str = ""
    name: str = ""
    allowed: bool = False
    reason: str = ""
    needs_comment: bool = False


@dataclass
class LineItem:
    index: int = 0
    text: str = ""
    done: bool = False
    note: str = ""


class MaintenanceTicketState(AuthState):
    ticket_id: int = 0
    number: str = ""
    header: str = ""
    description: str = ""
    status: str = ""
    is_closed: bool = False
    priority: str = ""
    assignee_id: str = ""
    sla_state: str = "none"
    sla_color: str = "gray"
    due_iso: str = ""
    remaining: str = ""
    facts: list[list[str]] = []
    moves: list[MoveButton] = []
    checklist: list[LineItem] = []
    notes: list[list[str]] = []
    photos: list[list[str]] = []
    history: list[list[str]] = []
    technicians: list[Option] = []
    costs: str = ""
    comment: str = ""
    error: str = ""

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.ticket_id = as_id(query.get("id", "")) or 0
        self.comment = ""
        return MaintenanceTicketState.load

    @rx.event
    def load(self):
        def read(s, a):
            d = ticket_work.detail(s, a, self.ticket_id, now=utcnow())
            return d, technicians(s, a, d.ticket.plant_id), parts_service.ticket_costs(s, a, self.ticket_id)
        try:
            d, techs, costs = self._use_case(read)
        except DomainError as error:
            self.error = _(error.message)
            return self._refused(error, quiet=True)
        t = d.ticket
        self.error, self.number, self.header = "", t.number, f"{t.number} · {t.machine_code} · {t.title}"
        self.description, self.status, self.is_closed, self.priority = t.description, t.status_name, t.is_closed, t.priority
        self.assignee_id = str(t.assignee_id or "")
        self.sla_state, self.sla_color = t.sla_state, SLA_COLORS.get(t.sla_state, "gray")
        self.due_iso, self.remaining = (t.sla_due_at.isoformat() if t.sla_due_at else ""), remaining_text(t.sla_remaining_seconds)
        self.facts = [[_("Machine"), f"{t.machine_code} · {t.machine_name}"], [_("Kind"), _(t.kind)],
                      [_("Priority"), _(t.priority)], [_("Reason"), t.reason], [_("Raised by"), t.raised_by_name],
                      [_("Raised"), self._when(t.created_at, t.plant_id)], [_("Response due"), self._when(t.response_due_at, t.plant_id)],
                      [_("Resolution due"), self._when(t.resolution_due_at, t.plant_id)],
                      [_("Responded"), self._when(t.responded_at, t.plant_id)],
                      [_("Done"), self._when(t.resolved_at, t.plant_id)], [_("Due (plan)"), self._when(t.due_at, t.plant_id)]]
        self.moves = [MoveButton(key=o.key, name=o.name, allowed=o.allowed, reason=" ".join(o.reasons),
                                 needs_comment=o.require_comment) for o in d.transitions]
        self.checklist = [LineItem(index=i, text=str(c.get("item", "")), done=bool(c.get("done")),
                                   note=str(c.get("note", ""))) for i, c in enumerate(t.checklist)]
        self.notes = [[self._when(n.at, t.plant_id), n.username, n.text] for n in d.notes]
        self.photos = [[str(p.id), p.filename] for p in d.attachments]
        self.history = [[self._when(h.at, t.plant_id), h.username or "", h.to_state or "", h.comment] for h in d.history]
        self.technicians = [Option(value=str(uid), label=name) for uid, name in techs]
        self.costs = _("Parts {parts} + labour {labour} = {total}").format(parts=costs.parts, labour=costs.labour,
                                                                           total=costs.total)

    @rx.event
    def set_comment(self, value: str):
        self.comment = str(value or "")[:2000]

    @rx.event
    def move(self, key: str):
        try:
            self._use_case(ticket_work.act, self.ticket_id, key, comment=self.comment, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self.comment = ""
        return MaintenanceTicketState.load

    @rx.event
    def assign(self, value: str):
        try:
            self._use_case(ticket_work.assign, self.ticket_id, as_id(value) or None, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Assigned")), MaintenanceTicketState.load]

    @rx.event
    def check(self, index: int, done: bool):
        try:
            self._use_case(ticket_work.set_checklist_item, self.ticket_id, int(index), done=bool(done), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return MaintenanceTicketState.load

    @rx.event
    def add_note(self, form: dict):
        try:
            self._use_case(ticket_work.add_note, self.ticket_id, str(form.get("text") or ""), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return MaintenanceTicketState.load

    @rx.event
    def open_photo(self, attachment_id: str):
        try:
            filename, content_type, data = self._use_case(ticket_work.photo, as_id(attachment_id) or 0)
        except DomainError as error:
            return self._refused(error)
        return rx.download(data=data, filename=filename, mime_type=content_type)

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]):
        for upload in files[:4]:
            data = await upload.read()
            try:
                self._use_case(ticket_work.add_photo, self.ticket_id, upload.name or "photo",
                               (upload.content_type or "").lower(), data, now=utcnow())
            except DomainError as error:
                return self._refused(error)
        return MaintenanceTicketState.load


class MachineHistoryState(AuthState):
    """/maintenance/machine?id=N: the machine's tickets, stops (with the ticket that explains each) and plans."""
    title: str = ""
    tickets: list[TicketRow] = []
    stops: list[list[str]] = []
    plans: list[list[str]] = []
    error: str = ""

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        try:
            h = self._use_case(history.machine_history, as_id(query.get("id", "")) or 0, now=utcnow())
        except DomainError as error:
            self.error = _(error.message)
            return self._refused(error, quiet=True)
        self.error, self.title = "", f"{h.machine_code} · {h.machine_name}"
        self.tickets = [ticket_row(t) for t in h.tickets]
        self.stops = [[self._when(s.start_at), formats.number(s.minutes, decimals=0), s.reason,
                       _("planned") if s.planned else "", s.ticket_number, s.ticket_status] for s in h.stops]
        self.plans = [[p.name, f"{p.interval} {p.unit}", _("active") if p.is_active else _("inactive")] for p in h.plans]
