"""Shift calendars of plants: shifts, breaks, holidays, and the working time they give
(reading: VIEW at the plant; changes: MANAGE_PLANTS or PLAN at the plant)."""
from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, status
from pydantic import AwareDatetime, BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import EXPORTABLE, Format, Status, active_flag, listing
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.calendar_math import working_intervals
from services.core.db import db_session, transaction
from services.core.errors import Invalid
from services.core.messages import t
from services.master import calendar_shifts, calendars
from services.master.calendars import (
    BreakInput,
    CalendarCreate,
    CalendarDetail,
    CalendarRead,
    CalendarUpdate,
    HolidayInput,
    ShiftInput,
    ShiftUpdate,
)

router = APIRouter(tags=["shift calendars"], responses=AUTHENTICATED)
CALENDAR_COLUMNS = [("plant_id", t("Plant id")), ("name", t("Name")), ("is_default", t("Default")),
                    ("shift_count", t("Shifts")), ("is_active", t("Active"))]
MAX_WINDOW = timedelta(days=62)


class WorkingInterval(BaseModel):
    start: AwareDatetime
    end: AwareDatetime


class WorkingTime(BaseModel):
    calendar_id: int
    timezone: str
    seconds: int
    intervals: list[WorkingInterval]


@router.get("/calendars", response_model=list[CalendarRead], responses=EXPORTABLE,
            summary="List shift calendars of your plants (export)")
def list_calendars(actor: CurrentActor, plant_id: int | None = None, search: str | None = None,
                   status: Status = "active", format: Format = "json"):
    with db_session() as s, transaction(s):
        rows = calendars.list_calendars(s, actor, plant_id=plant_id, search=search, active=active_flag(status))
    return listing(rows, CALENDAR_COLUMNS, format, "calendars")


@router.post("/calendars", response_model=CalendarDetail, status_code=status.HTTP_201_CREATED,
             summary="Create a calendar for a plant (the plant's default unless is_default is false)",
             responses=errors(409))
def create_calendar(body: CalendarCreate, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendars.create_calendar(s, actor, body, now=utcnow())


@router.get("/calendars/{calendar_id}", response_model=CalendarDetail,
            summary="A calendar with its shifts, breaks and holidays")
def get_calendar(calendar_id: int, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendars.get_calendar(s, actor, calendar_id)


@router.patch("/calendars/{calendar_id}", response_model=CalendarDetail, summary="Rename or make default",
              responses=errors(409))
def update_calendar(calendar_id: int, body: CalendarUpdate, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendars.update_calendar(s, actor, calendar_id, body, now=utcnow())


@router.post("/calendars/{calendar_id}/deactivate", response_model=CalendarDetail, summary="Deactivate a calendar")
def deactivate_calendar(calendar_id: int, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendars.set_calendar_active(s, actor, calendar_id, False, now=utcnow())


@router.post("/calendars/{calendar_id}/reactivate", response_model=CalendarDetail, summary="Reactivate a calendar")
def reactivate_calendar(calendar_id: int, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendars.set_calendar_active(s, actor, calendar_id, True, now=utcnow())


@router.get("/calendars/{calendar_id}/working-time", response_model=WorkingTime,
            summary="Working intervals (UTC) between two instants: shifts minus breaks and holidays (62 days at most)")
def working_time(calendar_id: int, start: AwareDatetime, end: AwareDatetime, actor: CurrentActor) -> WorkingTime:
    if end - start > MAX_WINDOW or end <= start:
        raise Invalid(fields={"end": "Pick an end after the start, at most 62 days later."})
    with db_session() as s, transaction(s):
        spec = calendars.calendar_spec_of(s, actor, calendar_id)
    intervals = working_intervals(spec, start, end)
    return WorkingTime(calendar_id=calendar_id, timezone=spec.timezone,
                       seconds=int(sum((e - b).total_seconds() for b, e in intervals)),
                       intervals=[WorkingInterval(start=b, end=e) for b, e in intervals])


@router.post("/calendars/{calendar_id}/shifts", response_model=CalendarDetail, status_code=status.HTTP_201_CREATED,
             summary="Add a shift (must not overlap the calendar's other shifts)")
def add_shift(calendar_id: int, body: ShiftInput, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendar_shifts.add_shift(s, actor, calendar_id, body, now=utcnow())


@router.patch("/calendar-shifts/{shift_id}", response_model=CalendarDetail, summary="Change a shift")
def update_shift(shift_id: int, body: ShiftUpdate, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendar_shifts.update_shift(s, actor, shift_id, body, now=utcnow())


@router.delete("/calendar-shifts/{shift_id}", response_model=CalendarDetail, summary="Remove a shift and its breaks")
def remove_shift(shift_id: int, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendar_shifts.remove_shift(s, actor, shift_id, now=utcnow())


@router.post("/calendar-shifts/{shift_id}/breaks", response_model=CalendarDetail, status_code=status.HTTP_201_CREATED,
             summary="Add a planned break inside a shift")
def add_break(shift_id: int, body: BreakInput, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendar_shifts.add_break(s, actor, shift_id, body, now=utcnow())


@router.patch("/calendar-breaks/{break_id}", response_model=CalendarDetail, summary="Change a break")
def update_break(break_id: int, body: BreakInput, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendar_shifts.update_break(s, actor, break_id, body, now=utcnow())


@router.delete("/calendar-breaks/{break_id}", response_model=CalendarDetail, summary="Remove a break")
def remove_break(break_id: int, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendar_shifts.remove_break(s, actor, break_id, now=utcnow())


@router.post("/calendars/{calendar_id}/holidays", response_model=CalendarDetail, status_code=status.HTTP_201_CREATED,
             summary="Add a holiday (no shift starts that day)", responses=errors(409))
def add_holiday(calendar_id: int, body: HolidayInput, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendars.add_holiday(s, actor, calendar_id, body, now=utcnow())


@router.delete("/calendar-holidays/{holiday_id}", response_model=CalendarDetail, summary="Remove a holiday")
def remove_holiday(holiday_id: int, actor: CurrentActor) -> CalendarDetail:
    with db_session() as s, transaction(s):
        return calendars.remove_holiday(s, actor, holiday_id, now=utcnow())
