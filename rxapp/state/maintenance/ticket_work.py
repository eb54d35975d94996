"""The work section of /maintenance/ticket: labour entries (who, from-to in UTC, hours; one's own entries are
edited and deleted) and spare parts issued from a storage location of the ticket's plant (stock goes down; a
location below its minimum shows on the reorder list of /maintenance/parts). Everything through
services/maintenance/parts; the ticket id is the ticket page's."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.maintenance.tickets import MaintenanceTicketState
from rxapp.state.master.common import Option, translated_fields, whole_number
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.trace.trace import utc_minute
from services.core import formats
from services.core.errors import DomainError, Invalid
from services.maintenance import parts


@dataclass
class LabourRow:
    id: int = 0
    who: str = ""
    started: str = ""          # "2026-03-02 08:00" (UTC), and the datetime-local values of the edit form
    ended: str = ""
    started_value: str = ""
    ended_value: str = ""
    hours: str = ""
    note: str = ""
    own: bool = False


@dataclass
class PartRow:
    part: str = ""
    location: str = ""
    quantity: int = 0
    cost: str = ""


def _times(form: dict) -> tuple:
    started, ended = utc_minute(form.get("started_at")), utc_minute(form.get("ended_at"))
    problems = {k: _("Enter a date and time.") for k, v in (("started_at", started), ("ended_at", ended)) if v is None}
    if problems:
        raise Invalid(fields=problems)
    return started, ended


def _read(session, actor, ticket_id: int):
    return (parts.labour(session, actor, ticket_id), parts.issued_parts(session, actor, ticket_id),
            parts.issuable_stock(session, actor, ticket_id))


class TicketWorkState(AuthState):
    labour: list[LabourRow] = []
    issued: list[PartRow] = []
    stock_options: list[Option] = []          # "part id|location" of the ticket's plant with stock on hand
    editing_labour: int = 0                   # the own entry whose edit form is open, with its values
    edit_started: str = ""
    edit_ended: str = ""
    edit_note: str = ""
    labour_errors: dict[str, str] = {}
    part_errors: dict[str, str] = {}
    version: int = 0                          # remounts the forms with fresh default values
    _ticket_id: int = 0

    @rx.event
    async def load(self):
        self._ticket_id = (await self.get_state(MaintenanceTicketState)).ticket_id
        try:
            labour, issued, stock = self._use_case(_read, self._ticket_id)
        except DomainError as error:
            self.labour, self.issued, self.stock_options = [], [], []
            return self._refused(error, quiet=True)
        self.labour = [LabourRow(id=e.id, who=e.username, started=self._when(e.started_at),
                                 ended=self._when(e.ended_at), started_value=f"{e.started_at:%Y-%m-%dT%H:%M}",
                                 ended_value=f"{e.ended_at:%Y-%m-%dT%H:%M}", hours=formats.number(e.hours, decimals=2), note=e.note,
                                 own=e.own) for e in labour]
        self.issued = [PartRow(part=f"{p.part_code} · {p.part_name}", location=p.location, quantity=p.quantity,
                               cost=formats.number(p.cost, decimals=2)) for p in issued]
        self.stock_options = [Option(value=f"{s.part_id}|{s.location}",
                                     label=f"{s.code} · {s.name} @ {s.location} ({s.quantity})")
                              for s in stock]
        self.editing_labour, self.labour_errors, self.part_errors = 0, {}, {}
        self.version += 1
        return None

    @rx.event
    def add_labour(self, form: dict):
        try:
            started, ended = _times(form)
            self._use_case(parts.add_labour, self._ticket_id, user_id=None, started_at=started, ended_at=ended,
                           note=str(form.get("note") or ""), now=utcnow())
        except DomainError as error:
            self.labour_errors = translated_fields(error)
            return self._refused(error)
        return [rx.toast.success(_("Labour booked")), TicketWorkState.load, MaintenanceTicketState.load]

    @rx.event
    def edit_labour(self, labour_id: int):
        row = next((r for r in self.labour if r.id == as_id(labour_id) and r.own), None)
        self.editing_labour, self.labour_errors = (row.id if row else 0), {}
        if row is not None:
            self.edit_started, self.edit_ended, self.edit_note = row.started_value, row.ended_value, row.note
            self.version += 1

    @rx.event
    def cancel_labour_edit(self):
        self.editing_labour, self.labour_errors = 0, {}

    @rx.event
    def save_labour(self, form: dict):
        try:
            started, ended = _times(form)
            self._use_case(parts.update_labour, self.editing_labour, started_at=started, ended_at=ended,
                           note=str(form.get("note") or ""), now=utcnow())
        except DomainError as error:
            self.labour_errors = translated_fields(error)
            return self._refused(error)
        return [rx.toast.success(_("Labour saved")), TicketWorkState.load, MaintenanceTicketState.load]

    @rx.event
    def delete_labour(self, labour_id: int):
        try:
            self._use_case(parts.delete_labour, as_id(labour_id) or 0, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Labour entry deleted")), TicketWorkState.load, MaintenanceTicketState.load]

    @rx.event
    def issue_part(self, form: dict):
        part_id, _sep, location = str(form.get("stock") or "").partition("|")
        try:
            if not as_id(part_id):
                raise Invalid(fields={"stock": _("Choose a part and its location.")})
            quantity = whole_number(form.get("quantity", ""), "quantity", "Use a whole number.")
            self._use_case(parts.issue_to_ticket, self._ticket_id, as_id(part_id) or 0, location, quantity,
                           now=utcnow())
        except DomainError as error:
            self.part_errors = translated_fields(error)
            return self._refused(error)
        return [rx.toast.success(_("Parts issued")), TicketWorkState.load, MaintenanceTicketState.load]
