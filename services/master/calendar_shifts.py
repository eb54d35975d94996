"""The shifts and breaks of a shift calendar: adding, changing and removing them, and the rules they
keep. Times are minutes after local midnight; a shift may run past midnight (end before start).

Invariants: the shifts of one calendar never overlap anywhere in the week (a night shift running past
midnight, and Sunday's night shift running into Monday, included; touching is fine); a break lies
inside its shift, lasts at least a minute, and breaks of one shift do not overlap; a shift cannot be
changed so that one of its breaks falls outside it. Writes need MANAGE_PLANTS or PLAN at the
calendar's plant and answer with the calendar's detail.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from models.base import pk
from models.calendar import Shift, ShiftBreak, ShiftCalendar
from services.core.access import Actor
from services.core.calendar_math import MINUTES_PER_DAY
from services.core.errors import Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.master.calendars import (
    BreakInput,
    CalendarDetail,
    ShiftInput,
    ShiftUpdate,
    breaks_of,
    detail_of,
    writable_calendar,
)
from services.master.common import announce, apply_changes, stamp, stamp_new, text_problem

WEEK_MINUTES = 7 * MINUTES_PER_DAY


def add_shift(session: Session, actor: Actor, calendar_id: int, data: ShiftInput, *,
              now: datetime) -> CalendarDetail:
    cal = writable_calendar(session, actor, calendar_id)
    values = _shift_values(data.name, data.start_minute, data.end_minute, data.weekdays)
    _check_no_overlap(session, pk(cal), values, exclude_shift_id=None)
    shift = stamp_new(Shift(organization_id=actor.organization_id, calendar_id=pk(cal), **values), actor, now)
    session.add(shift)
    session.flush()
    announce(session, actor, "shift", shift.id, "create", values, now=now, plant_id=cal.plant_id,
             payload={"calendar_id": cal.id})
    return detail_of(session, cal)


def update_shift(session: Session, actor: Actor, shift_id: int, data: ShiftUpdate, *,
                 now: datetime) -> CalendarDetail:
    shift, cal = _writable_shift(session, actor, shift_id)
    values = _shift_values(data.name if data.name is not None else shift.name,
                           shift.start_minute if data.start_minute is None else data.start_minute,
                           shift.end_minute if data.end_minute is None else data.end_minute,
                           data.weekdays if data.weekdays is not None else shift.weekdays)
    _check_no_overlap(session, pk(cal), values, exclude_shift_id=shift.id)
    for brk in breaks_of(session, pk(shift)):
        problem = _break_outside(values["start_minute"], values["end_minute"], brk.start_minute, brk.end_minute)
        if problem:
            raise Invalid(t("The break '{name}' ({start_minute}-{end_minute}) would fall outside the shift: move or remove it first.",
                            name=brk.name, start_minute=fmt_minute(brk.start_minute), end_minute=fmt_minute(brk.end_minute)),
                          fields={"start_minute": t("A break would fall outside the shift."),
                                  "end_minute": t("A break would fall outside the shift.")})
    changes = apply_changes(shift, values)
    if changes:
        session.add(stamp(shift, actor, now))
        announce(session, actor, "shift", shift.id, "update", changes, now=now, plant_id=cal.plant_id,
                 payload={"calendar_id": cal.id})
    return detail_of(session, cal)


def remove_shift(session: Session, actor: Actor, shift_id: int, *, now: datetime) -> CalendarDetail:
    shift, cal = _writable_shift(session, actor, shift_id)
    for brk in breaks_of(session, pk(shift)):
        session.delete(brk)
    session.flush()
    snapshot = {"name": shift.name, "start_minute": shift.start_minute, "end_minute": shift.end_minute,
                "weekdays": shift.weekdays}
    session.delete(shift)
    session.flush()
    announce(session, actor, "shift", shift_id, "delete", snapshot, now=now, plant_id=cal.plant_id,
             payload={"calendar_id": cal.id})
    return detail_of(session, cal)


def add_break(session: Session, actor: Actor, shift_id: int, data: BreakInput, *,
              now: datetime) -> CalendarDetail:
    shift, cal = _writable_shift(session, actor, shift_id)
    values = _break_values(shift, data, breaks_of(session, pk(shift)))
    brk = ShiftBreak(shift_id=pk(shift), **values)
    session.add(brk)
    session.flush()
    announce(session, actor, "shift_break", brk.id, "create", values, now=now, plant_id=cal.plant_id,
             payload={"calendar_id": cal.id, "shift_id": shift.id})
    return detail_of(session, cal)


def update_break(session: Session, actor: Actor, break_id: int, data: BreakInput, *,
                 now: datetime) -> CalendarDetail:
    brk = session.get(ShiftBreak, break_id)
    if brk is None:
        raise NotFound(t("Break not found."))
    shift, cal = _writable_shift(session, actor, brk.shift_id, what="Break")
    values = _break_values(shift, data, [b for b in breaks_of(session, pk(shift)) if b.id != brk.id])
    changes = apply_changes(brk, values)
    if changes:
        session.add(brk)
        announce(session, actor, "shift_break", brk.id, "update", changes, now=now, plant_id=cal.plant_id,
                 payload={"calendar_id": cal.id, "shift_id": shift.id})
    return detail_of(session, cal)


def remove_break(session: Session, actor: Actor, break_id: int, *, now: datetime) -> CalendarDetail:
    brk = session.get(ShiftBreak, break_id)
    if brk is None:
        raise NotFound(t("Break not found."))
    shift, cal = _writable_shift(session, actor, brk.shift_id, what="Break")
    snapshot = {"name": brk.name, "start_minute": brk.start_minute, "end_minute": brk.end_minute}
    session.delete(brk)
    session.flush()
    announce(session, actor, "shift_break", break_id, "delete", snapshot, now=now, plant_id=cal.plant_id,
             payload={"calendar_id": cal.id, "shift_id": shift.id})
    return detail_of(session, cal)


def _writable_shift(session: Session, actor: Actor, shift_id: int, *, what: str = "Shift") -> tuple[Shift, ShiftCalendar]:
    shift = get_scoped(session, actor, Shift, shift_id, what)
    return shift, writable_calendar(session, actor, shift.calendar_id, what=what)


# ---- rules ----------------------------------------------------------------------------------------

def fmt_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _shift_values(name: str | None, start: int | None, end: int | None, weekdays: str | None) -> dict:
    problems: dict[str, str] = {}
    name = (name or "").strip()
    if problem := text_problem(name, max_length=64):
        problems["name"] = problem
    if start is None or not 0 <= start <= 1439:
        problems["start_minute"] = t("Enter a time between 00:00 and 23:59.")
    if end is None or not 0 <= end <= 1440:
        problems["end_minute"] = t("Enter a time between 00:00 and 24:00.")
    days = "".join(sorted(set((weekdays or "").replace(",", "").replace(" ", ""))))
    if not days or any(d not in "1234567" for d in days):
        problems["weekdays"] = t("Pick at least one weekday (1 = Monday ... 7 = Sunday).")
    check(problems)
    return {"name": name, "start_minute": start, "end_minute": end, "weekdays": days}


def _length(start: int, end: int) -> int:
    return (end - start) % MINUTES_PER_DAY or MINUTES_PER_DAY


def _week_spans(start: int, end: int, weekdays: str) -> list[tuple[int, int]]:
    """Minutes of the week (Monday 00:00 = 0) a shift covers, wrapped spans split in two."""
    spans = []
    for d in weekdays:
        s = (int(d) - 1) * MINUTES_PER_DAY + start
        e = s + _length(start, end)
        if e <= WEEK_MINUTES:
            spans.append((s, e))
        else:
            spans.extend([(s, WEEK_MINUTES), (0, e - WEEK_MINUTES)])
    return spans


def _check_no_overlap(session: Session, calendar_id: int, values: dict, *, exclude_shift_id: int | None) -> None:
    mine = _week_spans(values["start_minute"], values["end_minute"], values["weekdays"])
    others = session.exec(select(Shift).where(Shift.calendar_id == calendar_id).order_by(col(Shift.start_minute), col(Shift.id))).all()
    for other in others:
        if other.id == exclude_shift_id:
            continue
        for s1, e1 in mine:
            for s2, e2 in _week_spans(other.start_minute, other.end_minute, other.weekdays):
                if s1 < e2 and s2 < e1:
                    raise Invalid(
                        t("This shift overlaps the shift '{name}' ({start_minute}-{end_minute}): shifts of one calendar must not overlap.",
                          name=other.name, start_minute=fmt_minute(other.start_minute), end_minute=fmt_minute(other.end_minute)),
                        fields={"start_minute": t("Overlaps '{name}'.",
                                                  name=other.name), "end_minute": t("Overlaps '{name}'.",
                                                                                             name=other.name)})


def _break_outside(shift_start: int, shift_end: int, start: int, end: int) -> bool:
    offset = (start - shift_start) % MINUTES_PER_DAY
    length = (end - start) % MINUTES_PER_DAY
    return length == 0 or offset + length > _length(shift_start, shift_end)


def _break_values(shift: Shift, data: BreakInput, siblings: list[ShiftBreak]) -> dict:
    problems: dict[str, str] = {}
    name = (data.name or "").strip() or "Break"
    if len(name) > 64:
        problems["name"] = t("Use at most 64 characters.")
    if data.start_minute is None or not 0 <= data.start_minute <= 1439:
        problems["start_minute"] = t("Enter a time between 00:00 and 23:59.")
    if data.end_minute is None or not 0 <= data.end_minute <= 1440:
        problems["end_minute"] = t("Enter a time between 00:00 and 24:00.")
    check(problems)
    span = f"{fmt_minute(shift.start_minute)}-{fmt_minute(shift.end_minute)}"
    if _break_outside(shift.start_minute, shift.end_minute, data.start_minute, data.end_minute):
        raise Invalid(t("A break must lie inside its shift ({name}, {span}) and last at least a minute.",
                        name=shift.name, span=span),
                      fields={"start_minute": t("Must be inside {span}.",
                                                span=span), "end_minute": t("Must be inside {span}.",
                                                                                         span=span)})
    off = (data.start_minute - shift.start_minute) % MINUTES_PER_DAY
    length = (data.end_minute - data.start_minute) % MINUTES_PER_DAY
    for other in siblings:
        o_off = (other.start_minute - shift.start_minute) % MINUTES_PER_DAY
        o_len = (other.end_minute - other.start_minute) % MINUTES_PER_DAY
        if off < o_off + o_len and o_off < off + length:
            raise Invalid(t("This break overlaps the break '{name}' ({start_minute}-{end_minute}).", name=other.name,
                            start_minute=fmt_minute(other.start_minute), end_minute=fmt_minute(other.end_minute)),
                          fields={"start_minute": t("Overlaps '{name}'.", name=other.name)})
    return {"name": name, "start_minute": data.start_minute, "end_minute": data.end_minute}
