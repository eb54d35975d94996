"""Shift calendars per plant: shifts (start/end minute after local midnight, ISO weekdays they
start on), planned breaks inside them, and holidays on which no shift starts.

Invariants:
- a plant has at most one active default calendar; `calendar_spec(session, plant_id)` turns it,
  with the plant's time zone, into a `services.core.calendar_math.CalendarSpec` for scheduling;
- shifts and breaks are written by services/master/calendar_shifts.py, which keeps them from
  overlapping and breaks inside their shift;
- writes need MANAGE_PLANTS or PLAN at the calendar's plant; reads need VIEW there. Calendars are
  deactivated, never deleted; shifts, breaks and holidays may be removed.
"""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.calendar import CalendarHoliday, Shift, ShiftBreak, ShiftCalendar
from models.organization import Plant
from services.core.access import Actor
from services.core.calendar_math import (
    BreakSpec,
    CalendarSpec,
    ShiftSpec,
)
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.master.common import (
    announce,
    apply_changes,
    like_pattern,
    require_plant_master,
    require_view,
    stamp,
    stamp_new,
    text_problem,
    visible_plant,
)


class CalendarCreate(BaseModel):
    plant_id: int
    name: str
    is_default: bool = True


class CalendarUpdate(BaseModel):
    name: str | None = None
    is_default: bool | None = None


class CalendarRead(BaseModel):
    id: int
    organization_id: int
    plant_id: int
    name: str
    is_default: bool
    is_active: bool
    shift_count: int = 0


class BreakInput(BaseModel):
    name: str = "Break"
    start_minute: int
    end_minute: int


class BreakRead(BreakInput):
    id: int
    shift_id: int


class ShiftInput(BaseModel):
    name: str
    start_minute: int
    end_minute: int
    weekdays: str = "12345"


class ShiftUpdate(BaseModel):
    name: str | None = None
    start_minute: int | None = None
    end_minute: int | None = None
    weekdays: str | None = None


class ShiftRead(BaseModel):
    id: int
    calendar_id: int
    name: str
    start_minute: int
    end_minute: int
    weekdays: str
    breaks: list[BreakRead] = []


class HolidayInput(BaseModel):
    day: date
    name: str = ""


class HolidayRead(HolidayInput):
    id: int
    calendar_id: int


class CalendarDetail(BaseModel):
    calendar: CalendarRead
    timezone: str
    shifts: list[ShiftRead]
    holidays: list[HolidayRead]


# ---- the scheduling door ------------------------------------------------------------------

def calendar_spec(session: Session, plant_id: int) -> CalendarSpec:
    """The plant's default active calendar as a CalendarSpec in the plant's time zone.

    No access check: callers are services that have already scoped `plant_id` to their actor.
    Raises Invalid (field "calendar") when the plant has no default calendar with a shift.
    """
    plant = session.get(Plant, plant_id)
    if plant is None:
        raise NotFound(t("Plant not found."))
    cal = session.exec(select(ShiftCalendar).where(
        ShiftCalendar.plant_id == plant_id, ShiftCalendar.is_active == True,  # noqa: E712
        ShiftCalendar.is_default == True).order_by(col(ShiftCalendar.id))).first()  # noqa: E712
    if cal is None:
        raise Invalid(t("Plant {code} has no shift calendar: create one under Master data > Shift calendars.",
                        code=plant.code),
                      fields={"calendar": t("No shift calendar for this plant.")})
    spec = _spec(session, cal, plant.timezone)
    if not spec.shifts:
        raise Invalid(t("The shift calendar '{name}' of plant {code} has no shifts: add at least one.",
                        name=cal.name, code=plant.code),
                      fields={"calendar": t("The calendar has no shifts.")})
    return spec


def calendar_spec_of(session: Session, actor: Actor, calendar_id: int) -> CalendarSpec:
    """Any calendar the actor can see, as a CalendarSpec (for previews such as the week view)."""
    require_view(actor)
    cal = get_scoped(session, actor, ShiftCalendar, calendar_id, t("Shift calendar"))
    return _spec(session, cal, _timezone(session, cal.plant_id))


def _timezone(session: Session, plant_id: int) -> str:
    plant = session.get(Plant, plant_id)
    if plant is None:
        raise NotFound(t("Plant not found."))
    return plant.timezone


def _spec(session: Session, cal: ShiftCalendar, tz: str) -> CalendarSpec:
    shifts = []
    for shift, breaks in _shifts_with_breaks(session, pk(cal)):
        shifts.append(ShiftSpec(name=shift.name, start_minute=shift.start_minute, end_minute=shift.end_minute,
                                weekdays=frozenset(int(d) for d in shift.weekdays),
                                breaks=tuple(BreakSpec(b.start_minute, b.end_minute) for b in breaks)))
    days = session.exec(select(col(CalendarHoliday.day)).where(CalendarHoliday.calendar_id == cal.id)).all()
    return CalendarSpec(timezone=tz, shifts=tuple(shifts), holidays=frozenset(days))


# ---- calendars ----------------------------------------------------------------------------

def list_calendars(session: Session, actor: Actor, *, plant_id: int | None = None, search: str | None = None,
                   active: bool | None = True) -> list[CalendarRead]:
    require_view(actor)
    shift_count = select(func.count(col(Shift.id))).where(Shift.calendar_id == ShiftCalendar.id).scalar_subquery()
    query = select(ShiftCalendar, shift_count).where(ShiftCalendar.organization_id == actor.organization_id,
                                                     col(ShiftCalendar.plant_id).in_(actor.plant_ids or {-1}))
    if plant_id is not None:
        query = query.where(ShiftCalendar.plant_id == plant_id)
    if search and search.strip():
        query = query.where(func.lower(ShiftCalendar.name).like(like_pattern(search), escape="\\"))
    if active is not None:
        query = query.where(ShiftCalendar.is_active == active)
    rows = session.exec(query.order_by(col(ShiftCalendar.plant_id), col(ShiftCalendar.name))).all()
    return [_read(cal, n) for cal, n in rows]


def get_calendar(session: Session, actor: Actor, calendar_id: int) -> CalendarDetail:
    require_view(actor)
    return detail_of(session, get_scoped(session, actor, ShiftCalendar, calendar_id, t("Shift calendar")))


def create_calendar(session: Session, actor: Actor, data: CalendarCreate, *, now: datetime) -> CalendarDetail:
    """A new, empty calendar; as the plant's default (the previous default stops being one)."""
    plant = visible_plant(session, actor, data.plant_id)
    require_plant_master(actor, pk(plant))
    name = (data.name or "").strip()
    check({k: v for k, v in {"name": text_problem(name, max_length=100)}.items() if v})
    _unique_name(session, pk(plant), name)
    cal = stamp_new(ShiftCalendar(organization_id=actor.organization_id, plant_id=pk(plant), name=name,
                                  is_default=data.is_default), actor, now)
    session.add(cal)
    session.flush()
    if data.is_default:
        _clear_other_defaults(session, cal, actor, now)
    announce(session, actor, "calendar", cal.id, "create", {"name": name, "is_default": data.is_default},
             now=now, plant_id=plant.id)
    return detail_of(session, cal)


def update_calendar(session: Session, actor: Actor, calendar_id: int, data: CalendarUpdate, *,
                    now: datetime) -> CalendarDetail:
    cal = writable_calendar(session, actor, calendar_id)
    name = data.name.strip() if data.name is not None else None
    if name is not None:
        check({k: v for k, v in {"name": text_problem(name, max_length=100)}.items() if v})
        if name != cal.name:
            _unique_name(session, cal.plant_id, name)
    changes = apply_changes(cal, {"name": name, "is_default": data.is_default})
    if changes:
        session.add(stamp(cal, actor, now))
        if cal.is_default:
            _clear_other_defaults(session, cal, actor, now)
        announce(session, actor, "calendar", cal.id, "update", changes, now=now, plant_id=cal.plant_id)
    return detail_of(session, cal)


def set_calendar_active(session: Session, actor: Actor, calendar_id: int, active: bool, *,
                        now: datetime) -> CalendarDetail:
    cal = writable_calendar(session, actor, calendar_id)
    if cal.is_active != active:
        cal.is_active = active
        session.add(stamp(cal, actor, now))
        if active and cal.is_default:
            _clear_other_defaults(session, cal, actor, now)
        action = "reactivate" if active else "deactivate"
        announce(session, actor, "calendar", cal.id, action, {"is_active": {"before": not active, "after": active}},
                 now=now, plant_id=cal.plant_id)
    return detail_of(session, cal)


# ---- holidays -----------------------------------------------------------------------------

def add_holiday(session: Session, actor: Actor, calendar_id: int, data: HolidayInput, *,
                now: datetime) -> CalendarDetail:
    cal = writable_calendar(session, actor, calendar_id)
    name = (data.name or "").strip()
    check({k: v for k, v in {"name": text_problem(name, max_length=100, required=False)}.items() if v})
    taken = session.exec(select(CalendarHoliday.id).where(CalendarHoliday.calendar_id == cal.id,
                                                          CalendarHoliday.day == data.day)).first()
    if taken is not None:
        raise Conflict(t("{day} is already a holiday in this calendar.",
                         day=data.day.isoformat()), fields={"day": t("Already a holiday.")})
    holiday = CalendarHoliday(calendar_id=pk(cal), day=data.day, name=name)
    session.add(holiday)
    session.flush()
    announce(session, actor, "calendar_holiday", holiday.id, "create", {"day": data.day.isoformat(), "name": name},
             now=now, plant_id=cal.plant_id, payload={"calendar_id": cal.id})
    return detail_of(session, cal)


def remove_holiday(session: Session, actor: Actor, holiday_id: int, *, now: datetime) -> CalendarDetail:
    holiday = session.get(CalendarHoliday, holiday_id)
    if holiday is None:
        raise NotFound(t("Holiday not found."))
    cal = writable_calendar(session, actor, holiday.calendar_id, what="Holiday")
    snapshot = {"day": holiday.day.isoformat(), "name": holiday.name}
    session.delete(holiday)
    session.flush()
    announce(session, actor, "calendar_holiday", holiday_id, "delete", snapshot, now=now, plant_id=cal.plant_id,
             payload={"calendar_id": cal.id})
    return detail_of(session, cal)


# ---- helpers ------------------------------------------------------------------------------

def writable_calendar(session: Session, actor: Actor, calendar_id: int, *, what: str = "Shift calendar") -> ShiftCalendar:
    cal = get_scoped(session, actor, ShiftCalendar, calendar_id, what)
    require_plant_master(actor, cal.plant_id)
    return cal


def _unique_name(session: Session, plant_id: int, name: str) -> None:
    if session.exec(select(ShiftCalendar.id).where(ShiftCalendar.plant_id == plant_id, ShiftCalendar.name == name)).first():
        raise Conflict(t("This plant already has a calendar named '{name}'.",
                         name=name), fields={"name": t("Already used.")})


def _clear_other_defaults(session: Session, cal: ShiftCalendar, actor: Actor, now: datetime) -> None:
    others = session.exec(select(ShiftCalendar).where(ShiftCalendar.plant_id == cal.plant_id, ShiftCalendar.id != cal.id,
                                                      ShiftCalendar.is_default == True)).all()  # noqa: E712
    for other in others:
        other.is_default = False
        session.add(stamp(other, actor, now))
        announce(session, actor, "calendar", other.id, "update", {"is_default": {"before": True, "after": False}},
                 now=now, plant_id=cal.plant_id)


def breaks_of(session: Session, shift_id: int) -> list[ShiftBreak]:
    return list(session.exec(select(ShiftBreak).where(ShiftBreak.shift_id == shift_id)
                             .order_by(col(ShiftBreak.start_minute), col(ShiftBreak.id))).all())


def _shifts_with_breaks(session: Session, calendar_id: int) -> list[tuple[Shift, list[ShiftBreak]]]:
    shifts = session.exec(select(Shift).where(Shift.calendar_id == calendar_id)
                          .order_by(col(Shift.start_minute), col(Shift.id))).all()
    return [(s, breaks_of(session, pk(s))) for s in shifts]


def _read(cal: ShiftCalendar, shift_count: int) -> CalendarRead:
    return CalendarRead(id=cal.id, organization_id=cal.organization_id, plant_id=cal.plant_id, name=cal.name,
                        is_default=cal.is_default, is_active=cal.is_active, shift_count=shift_count)


def detail_of(session: Session, cal: ShiftCalendar) -> CalendarDetail:
    shifts = [ShiftRead(id=s.id, calendar_id=s.calendar_id, name=s.name, start_minute=s.start_minute,
                        end_minute=s.end_minute, weekdays=s.weekdays,
                        breaks=[BreakRead(id=b.id, shift_id=b.shift_id, name=b.name, start_minute=b.start_minute,
                                          end_minute=b.end_minute) for b in breaks])
              for s, breaks in _shifts_with_breaks(session, pk(cal))]
    holidays = [HolidayRead(id=h.id, calendar_id=h.calendar_id, day=h.day, name=h.name) for h in session.exec(
        select(CalendarHoliday).where(CalendarHoliday.calendar_id == cal.id).order_by(col(CalendarHoliday.day))).all()]
    return CalendarDetail(calendar=_read(cal, len(shifts)), timezone=_timezone(session, cal.plant_id),
                          shifts=shifts, holidays=holidays)
