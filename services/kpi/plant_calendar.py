"""The plant calendar of a KPI read in two round trips (services/calendars.calendar_spec takes one per shift).

    kpi_calendar(session, plant) -> CalendarSpec    the plant's default active calendar, equal to calendar_spec's

One query reads the calendar, its shifts and their breaks (outer join, in calendar_spec's order: shifts by start
minute then id, breaks by start minute then id), one its holidays. Same errors as calendar_spec (Invalid, field
"calendar") when the plant has no default calendar or it has no shift. No access check: the caller has scoped
the plant to its actor.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from models.base import table_of
from models.calendar import CalendarHoliday, Shift, ShiftBreak, ShiftCalendar
from models.organization import Plant
from services.core.calendar_math import BreakSpec, CalendarSpec, ShiftSpec
from services.core.errors import Invalid
from services.core.messages import t

__all__ = ["kpi_calendar"]


def kpi_calendar(session: Session, plant: Plant) -> CalendarSpec:
    c, s, b = table_of(ShiftCalendar), table_of(Shift), table_of(ShiftBreak)
    first = (sa.select(sa.func.min(c.c.id)).where(c.c.plant_id == plant.id, c.c.is_active == sa.true(),
                                                   c.c.is_default == sa.true()).scalar_subquery())
    rows = session.execute(
        sa.select(c.c.id, c.c.name, s.c.id, s.c.name, s.c.start_minute, s.c.end_minute, s.c.weekdays,
                  b.c.start_minute, b.c.end_minute)
        .select_from(c.outerjoin(s, s.c.calendar_id == c.c.id).outerjoin(b, b.c.shift_id == s.c.id))
        .where(c.c.id == first)
        .order_by(s.c.start_minute, s.c.id, b.c.start_minute, b.c.id)).all()
    if not rows:
        raise Invalid(t("Plant {plant} has no shift calendar: create one under Master data > Shift calendars.",
                        plant=plant.code),
                      fields={"calendar": t("No shift calendar for this plant.")})
    shifts: dict[int, tuple] = {}
    for _cal_id, _cal_name, shift_id, name, start, end, weekdays, break_start, break_end in rows:
        if shift_id is None:
            continue
        entry = shifts.setdefault(shift_id, (name, start, end, weekdays, []))
        if break_start is not None:
            entry[4].append(BreakSpec(break_start, break_end))
    if not shifts:
        raise Invalid(t("The shift calendar '{calendar}' of plant {plant} has no shifts: add at least one.",
                        calendar=rows[0][1], plant=plant.code),
                      fields={"calendar": t("The calendar has no shifts.")})
    days = session.execute(sa.select(table_of(CalendarHoliday).c.day)
                           .where(table_of(CalendarHoliday).c.calendar_id == rows[0][0])).scalars().all()
    return CalendarSpec(timezone=plant.timezone, shifts=tuple(
        ShiftSpec(name=name, start_minute=start, end_minute=end, weekdays=frozenset(int(d) for d in weekdays),
                  breaks=tuple(breaks)) for name, start, end, weekdays, breaks in shifts.values()),
        holidays=frozenset(days))
