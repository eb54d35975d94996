"""One shift calendar opened on the calendars page: its shifts with breaks, its holidays, and a
week view of the working time. Times are typed as HH:MM in the plant's local time and sent to
services.master.calendars as minutes after midnight; the service refuses overlapping shifts and breaks
outside their shift, with messages shown next to the fields."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.calendar_figure import WEEKDAYS, week_figure
from rxapp.state.master.calendars import CalendarsState
from rxapp.state.master.common import translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError, Invalid
from services.master import calendar_shifts as shift_service
from services.master import calendars as calendar_service
from services.master.calendars import (
    BreakInput,
    CalendarDetail,
    HolidayInput,
    ShiftInput,
)

CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def clock_minutes(text: str, field_name: str, *, allow_24: bool = False) -> int:
    """"06:30" -> 390; Invalid (for `field_name`) when it is not a time of day."""
    match = CLOCK.match(text or "")
    minutes = int(match.group(1)) * 60 + int(match.group(2)) if match and int(match.group(2)) < 60 else -1
    if not 0 <= minutes <= (1440 if allow_24 else 1439):
        raise Invalid(fields={field_name: "Enter a time like 06:00."})
    return minutes


def clock(minutes: int) -> str:
    return shift_service.fmt_minute(minutes)


def days_label(weekdays: str) -> str:
    return ", ".join(WEEKDAYS[int(d) - 1] for d in weekdays)


@dataclass
class BreakRow:
    id: int = 0
    name: str = ""
    start: str = ""
    end: str = ""


@dataclass
class ShiftRow:
    id: int = 0
    name: str = ""
    start: str = "06:00"
    end: str = "14:00"
    weekdays: str = "12345"
    days: str = ""
    breaks: list[BreakRow] = field(default_factory=list)


@dataclass
class HolidayRow:
    id: int = 0
    day: str = ""
    name: str = ""


class CalendarDetailState(AuthState):
    calendar_id: int = 0
    title: str = ""
    timezone: str = ""
    shifts: list[ShiftRow] = []
    holidays: list[HolidayRow] = []
    week_start: str = ""
    figure: go.Figure = go.Figure()
    holiday_errors: dict[str, str] = {}

    shift_open: bool = False
    shift_errors: dict[str, str] = {}
    editing_shift: ShiftRow = ShiftRow()
    break_open: bool = False
    break_errors: dict[str, str] = {}
    editing_break: BreakRow = BreakRow()
    _break_shift_id: int = 0

    @rx.event
    def show(self, calendar_id: int):
        self.shift_open = self.break_open = False
        try:
            detail = self._use_case(calendar_service.get_calendar, as_id(calendar_id))
        except DomainError as error:
            self.calendar_id, self.shifts, self.holidays = 0, [], []
            return self._refused(error)
        zone = ZoneInfo(detail.timezone)
        today = utcnow().astimezone(zone).date()
        self.week_start = (today - timedelta(days=today.weekday())).isoformat()
        return self._present(detail)

    @rx.event
    def shift_week(self, weeks: int):
        if self.calendar_id and self.week_start:
            self.week_start = (date.fromisoformat(self.week_start) + timedelta(weeks=as_id(weeks))).isoformat()
            return self._draw()

    def _present(self, detail: CalendarDetail) -> list | None:
        cal = detail.calendar
        self.calendar_id, self.timezone = cal.id, detail.timezone
        self.title = cal.name + (" · " + _("default") if cal.is_default else "")
        self.shifts = [ShiftRow(id=s.id, name=s.name, start=clock(s.start_minute), end=clock(s.end_minute),
                                weekdays=s.weekdays, days=days_label(s.weekdays),
                                breaks=[BreakRow(id=b.id, name=b.name, start=clock(b.start_minute),
                                                 end=clock(b.end_minute)) for b in s.breaks]) for s in detail.shifts]
        self.holidays = [HolidayRow(id=h.id, day=h.day.isoformat(), name=h.name) for h in detail.holidays]
        return self._draw()

    def _draw(self) -> list | None:
        try:
            spec = self._use_case(calendar_service.calendar_spec_of, self.calendar_id)
        except DomainError as error:
            return self._refused(error)
        self.figure = week_figure(spec, date.fromisoformat(self.week_start))
        return None

    def _changed(self, call, *args, message: str, errors_attr: str = "") -> list | None:
        try:
            detail = self._use_case(call, *args, now=utcnow())
        except DomainError as error:
            if errors_attr:
                setattr(self, errors_attr, translated_fields(error))
            return self._refused(error)
        if errors_attr:
            setattr(self, errors_attr, {})
        return [rx.toast.success(message), *(self._present(detail) or []), CalendarsState.load]

    # ----- shifts ---------------------------------------------------------------------------------

    @rx.event
    def open_new_shift(self):
        self.editing_shift, self.shift_errors, self.shift_open = ShiftRow(), {}, True

    @rx.event
    def open_edit_shift(self, shift_id: int):
        shift = next((s for s in self.shifts if s.id == as_id(shift_id)), None)
        if shift is not None:
            self.editing_shift, self.shift_errors, self.shift_open = shift, {}, True

    @rx.event
    def set_shift_open(self, is_open: bool):
        self.shift_open = bool(is_open)

    @rx.event
    def save_shift(self, form: dict):
        weekdays = "".join(d for d in "1234567" if str(form.get(f"day{d}", "")).lower() in ("on", "true", "1"))
        try:
            data = ShiftInput(name=str(form.get("name", "")), weekdays=weekdays,
                              start_minute=clock_minutes(str(form.get("start", "")), "start_minute"),
                              end_minute=clock_minutes(str(form.get("end", "")), "end_minute", allow_24=True))
        except Invalid as error:
            self.shift_errors = translated_fields(error)
            return
        shift_id = self.editing_shift.id
        call, args = ((shift_service.update_shift, (shift_id, calendar_service.ShiftUpdate(**data.model_dump())))
                      if shift_id else (shift_service.add_shift, (self.calendar_id, data)))
        events = self._changed(call, *args, message=_("Shift saved") + f": {data.name.strip()}",
                               errors_attr="shift_errors")
        if not self.shift_errors:
            self.shift_open = False
        return events

    @rx.event
    def remove_shift(self, shift_id: int):
        return self._changed(shift_service.remove_shift, as_id(shift_id), message=_("Shift removed"))

    # ----- breaks ---------------------------------------------------------------------------------

    @rx.event
    def open_new_break(self, shift_id: int):
        self._break_shift_id, self.editing_break = as_id(shift_id), BreakRow(name=_("Break"))
        self.break_errors, self.break_open = {}, True

    @rx.event
    def open_edit_break(self, break_id: int):
        for shift in self.shifts:
            for brk in shift.breaks:
                if brk.id == as_id(break_id):
                    self._break_shift_id, self.editing_break = shift.id, brk
                    self.break_errors, self.break_open = {}, True

    @rx.event
    def set_break_open(self, is_open: bool):
        self.break_open = bool(is_open)

    @rx.event
    def save_break(self, form: dict):
        try:
            data = BreakInput(name=str(form.get("name", "")),
                              start_minute=clock_minutes(str(form.get("start", "")), "start_minute"),
                              end_minute=clock_minutes(str(form.get("end", "")), "end_minute", allow_24=True))
        except Invalid as error:
            self.break_errors = translated_fields(error)
            return
        call, target = ((shift_service.update_break, self.editing_break.id) if self.editing_break.id
                        else (shift_service.add_break, self._break_shift_id))
        events = self._changed(call, target, data, message=_("Break saved"), errors_attr="break_errors")
        if not self.break_errors:
            self.break_open = False
        return events

    @rx.event
    def remove_break(self, break_id: int):
        return self._changed(shift_service.remove_break, as_id(break_id), message=_("Break removed"))

    # ----- holidays -------------------------------------------------------------------------------

    @rx.event
    def add_holiday(self, form: dict):
        try:
            day = date.fromisoformat(str(form.get("day", "")).strip())
        except ValueError:
            self.holiday_errors = {"day": _("Pick a date.")}
            return
        return self._changed(calendar_service.add_holiday, self.calendar_id,
                             HolidayInput(day=day, name=str(form.get("name", ""))),
                             message=_("Holiday added") + f": {day.isoformat()}", errors_attr="holiday_errors")

    @rx.event
    def remove_holiday(self, holiday_id: int):
        return self._changed(calendar_service.remove_holiday, as_id(holiday_id), message=_("Holiday removed"))
