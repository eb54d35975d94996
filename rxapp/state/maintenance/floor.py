"""The two phone pages of maintenance: /maintenance/report (an operator or supervisor reports a breakdown of a
machine, with photos from the phone's camera) and /maintenance/my (the technician's own open tickets with
accept, start, wait for parts, resume and done) with the open tickets nobody took yet, following ticket events live
(follow.py). Everything through services/maintenance."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import CustomInput, submitted_custom
from rxapp.state.config.form_sections import FormSection, entity_form
from rxapp.state.maintenance.follow import follow_tab
from rxapp.state.maintenance.live_board import TicketRow, ticket_row
from rxapp.state.maintenance.tickets import machine_options, symptom_options
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, _person_for_token, as_id
from services.core.db import db_session, transaction
from services.core.errors import DomainError
from services.maintenance import ENTITY, ticket_work
from services.maintenance import tickets as mt
from services.maintenance.tickets import TicketCreate

MAX_PHOTOS = 4


class ReportState(AuthState):
    machines: list[Option] = []
    symptoms: list[Option] = []                 # the organization's unplanned downtime reasons
    machine_id: str = ""
    source: str = "operator"
    photo_names: list[str] = []
    errors: dict[str, str] = {}
    custom_inputs: list[CustomInput] = []
    form_sections: list[FormSection] = []     # the raise form as the organization laid it out
    done_number: str = ""
    _photos: list[tuple[str, str, bytes]] = []

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.machine_id = str(as_id(query.get("machine", "")) or "")
        self.source = "andon" if query.get("from") == "andon" else "operator"
        self.errors, self.done_number, self.photo_names, self._photos = {}, "", [], []
        try:
            self.machines, self.symptoms = self._use_case(
                lambda s, a: (machine_options(s, a), symptom_options(s, a)))
            self.custom_inputs, self.form_sections = entity_form(self._use_case, ENTITY)
        except DomainError as error:
            return self._refused(error, quiet=True)
        return None

    @rx.event
    def set_machine(self, value: str):
        self.machine_id = str(as_id(value) or "")

    @rx.event
    async def add_photos(self, files: list[rx.UploadFile]):
        for upload in files[: MAX_PHOTOS - len(self._photos)]:
            data = await upload.read()
            self._photos = [*self._photos, (upload.name or "photo.jpg", (upload.content_type or "").lower(), data)]
        self.photo_names = [name for name, _type, _data in self._photos]

    @rx.event
    def clear_photos(self):
        self._photos, self.photo_names = [], []

    @rx.event
    def submit(self, form: dict):
        photos, custom = list(self._photos), submitted_custom(form, self.custom_inputs)

        def report(s, a):
            ticket = mt.raise_ticket(s, a, TicketCreate(
                machine_id=as_id(self.machine_id) or 0, title=str(form.get("title") or ""),
                description=str(form.get("description") or ""), priority=str(form.get("priority") or "high"),
                reason_code_id=as_id(form.get("reason_code_id")) or None, source=self.source, custom=custom),
                now=utcnow())
            for name, content_type, data in photos:
                ticket_work.add_photo(s, a, ticket.id, name, content_type, data, now=utcnow())
            return ticket
        try:
            ticket = self._use_case(report)
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors, self.done_number, self._photos, self.photo_names = {}, ticket.number, [], []
        return rx.toast.success(_("Ticket {number} sent to maintenance").format(number=ticket.number))


@dataclass
class MyMove:
    key: str = ""
    name: str = ""


@dataclass
class MyTicket(TicketRow):
    moves: list[MyMove] = field(default_factory=list)


def _card(f: ticket_work.FloorTicket) -> MyTicket:
    return MyTicket(**vars(ticket_row(f.ticket)), moves=[MyMove(key=o.key, name=o.name) for o in f.moves])


def _my_work(session, actor) -> tuple[list[MyTicket], list[MyTicket]]:
    mine, to_take = ticket_work.my_work(session, actor, now=utcnow())
    return [_card(f) for f in mine], [_card(f) for f in to_take]


def _my_work_for(token: str) -> tuple[list[MyTicket], list[MyTicket]] | None:
    try:
        with db_session() as session, transaction(session):
            return _my_work(session, _person_for_token(session, token))
    except DomainError:
        return None


class MyTicketsState(AuthState):
    tickets: list[MyTicket] = []
    to_take: list[MyTicket] = []       # open, nobody assigned, at the technician's plants: accept or start takes it
    loading: bool = True
    error: str = ""

    @rx.event
    def load(self):
        try:
            self.tickets, self.to_take = self._use_case(_my_work)
        except DomainError as error:
            self.tickets, self.to_take, self.loading, self.error = [], [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.loading, self.error = False, ""
        return MyTicketsState.follow

    @rx.event(background=True)
    async def follow(self):
        """Live: the lists follow ticket events of the technician's plants without a reload (follow.py)."""
        async with self:
            token, client = self.token, self.router.session.client_token

        async def refresh() -> bool:
            found = await asyncio.to_thread(_my_work_for, token)
            if found is None:
                return False
            async with self:
                self.tickets, self.to_take = found
            return True
        await follow_tab("my-tickets", token, client, refresh)

    @rx.event
    def move(self, ticket_id: int, key: str):
        try:
            t = self._use_case(ticket_work.act, as_id(ticket_id) or 0, str(key), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(f"{t.number}: {t.status_name}"), MyTicketsState.load]
