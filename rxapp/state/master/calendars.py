"""Shift calendars page state, the list part: calendars of the actor's plants (plant filter,
search, status, export), create/rename/make default, deactivate. Opening one hands it to
CalendarDetailState (shifts, breaks, holidays, week view), which refreshes this list."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import MasterList, Option, active_flag
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.master import calendars as calendar_service
from services.master.calendars import CalendarCreate, CalendarRead, CalendarUpdate
from services.org import plants as plant_service

CALENDAR_COLUMNS = [("plant_code", _("Plant")), ("name", _("Name")), ("is_default", _("Default")), ("shift_count", _("Shifts")),
                    ("is_active", _("Active"))]


@dataclass
class CalendarRow:
    id: int = 0
    plant_id: int = 0
    plant_code: str = ""
    name: str = ""
    is_default: bool = True
    is_active: bool = True
    shift_count: int = 0


class CalendarsState(MasterList, AuthState):
    rows: list[CalendarRow] = []
    plant_filter: str = ""
    plant_options: list[Option] = []
    editing: CalendarRow = CalendarRow()

    _columns: ClassVar[list] = CALENDAR_COLUMNS
    _export_name: ClassVar[str] = "calendars"

    def _fetch(self, session, actor) -> list[CalendarRow]:
        codes = {p.id: p.code for p in plant_service.list_plants(session, actor, include_inactive=True)}
        rows = calendar_service.list_calendars(session, actor, plant_id=as_id(self.plant_filter) or None,
                                               search=self.search, active=active_flag(self.status))
        return [_row(c, codes.get(c.plant_id, "")) for c in rows]

    def _show(self, rows: list[CalendarRow]) -> None:
        self.rows = rows

    @rx.event
    def load(self):
        try:
            rows = self._use_case(self._fetch)
            plants = self._use_case(plant_service.list_plants)
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        self.rows = rows
        self.plant_options = [Option(str(p.id), f"{p.code} · {p.name} ({p.timezone})") for p in plants]
        self.loading, self.load_error = False, ""

    @rx.event
    def set_plant_filter(self, value: str):
        self.plant_filter = str(as_id(value) or "")
        return CalendarsState.load

    @rx.event
    def open_new(self):
        self.form_mode, self._edit_id, self.form_errors = "create", 0, {}
        self.editing, self.form_open = CalendarRow(plant_id=as_id(self.plant_filter)), True

    @rx.event
    def open_edit(self, calendar_id: int):
        try:
            detail = self._use_case(calendar_service.get_calendar, as_id(calendar_id))
        except DomainError as error:
            return self._refused(error)
        self.form_mode, self._edit_id, self.form_errors = "edit", detail.calendar.id, {}
        self.editing, self.form_open = _row(detail.calendar, ""), True

    @rx.event
    def save(self, form: dict):
        name = str(form.get("name", ""))
        is_default = str(form.get("is_default", "")).lower() in ("on", "true", "1")
        try:
            if self.form_mode == "create":
                detail = self._use_case(calendar_service.create_calendar, CalendarCreate(
                    plant_id=as_id(form.get("plant_id")), name=name, is_default=is_default), now=utcnow())
            else:
                detail = self._use_case(calendar_service.update_calendar, self._edit_id,
                                        CalendarUpdate(name=name, is_default=True if is_default else None), now=utcnow())
        except DomainError as error:
            return self._form_failed(error)
        return self._saved(_("Calendar saved") + f": {detail.calendar.name}")

    @rx.event
    def set_active(self, calendar_id: int, active: bool):
        try:
            detail = self._use_case(calendar_service.set_calendar_active, as_id(calendar_id), bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = _("Reactivated") if detail.calendar.is_active else _("Deactivated")
        return [rx.toast.success(f"{done}: {detail.calendar.name}"), CalendarsState.load]


def _row(c: CalendarRead, plant_code: str) -> CalendarRow:
    return CalendarRow(id=c.id, plant_id=c.plant_id, plant_code=plant_code, name=c.name, is_default=c.is_default,
                       is_active=c.is_active, shift_count=c.shift_count)
