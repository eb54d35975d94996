"""Timesheets: the time a member logs per task and day (`tasks.log_time` writes an entry), a person's
own week, taking an entry back, and a lead's week of a project by member with totals.

Invariants: an entry is whole minutes on one day of one task and adds to the task's `spent_minutes`;
taking it back subtracts exactly its minutes (never below zero) and deletes it, only by the person
who logged it or a holder of STUDIO_MANAGE; a week starts on the Monday of the day given and has
seven days; the team week reads only the project's tasks and needs STUDIO_QC1 (a lead) or
STUDIO_MANAGE; a member is the slot the entry was logged under, else the person; every change is
audited, in the activity feed and announced.
"""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.studio import StudioMember
from models.studio_work import StudioTask, StudioTimesheet
from models.user import User
from services.core.access import Actor, Permission
from services.core.errors import Forbidden, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.studio import tasks
from services.studio.common import announce, get_project
from services.studio.events import TaskTimeRemoved

DAYS = 7
_HOURS = re.compile(r"^(\d{1,2})(?:[.,](\d{1,2}))?\s*h?$")
_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)$")
_MINUTES = re.compile(r"^(\d{1,4})\s*m(?:in)?$")


class TimeRow(BaseModel):
    key: str                      # task:<id> or member:<id> / user:<id>
    label: str
    detail: str = ""
    task_id: int | None = None
    minutes: list[int]            # one per day of the week
    total: int


class TimeEntryRead(BaseModel):
    id: int
    task_id: int
    task_label: str
    day: date
    minutes: int
    note: str


class WeekRead(BaseModel):
    week_start: date
    days: list[date]
    rows: list[TimeRow]
    day_totals: list[int]
    total: int
    entries: list[TimeEntryRead] = []


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_duration(value: str) -> int:
    """Minutes from what people type: "1:30", "1.5", "1,5 h", "90m" (the "1.5" form is hours)."""
    raw = (value or "").strip().lower()
    minutes = None
    if m := _CLOCK.match(raw):
        minutes = int(m[1]) * 60 + int(m[2])
    elif m := _MINUTES.match(raw):
        minutes = int(m[1])
    elif m := _HOURS.match(raw):
        fraction = m[2] or "0"
        minutes = int(m[1]) * 60 + round(60 * int(fraction) / 10 ** len(fraction))
    if minutes is None or not 0 < minutes <= 24 * 60:
        raise Invalid(t("Give the time as 1:30, 1.5 or 90m (at most 24 hours)."),
                      fields={"duration": t("Like 1:30, 1.5 or 90m.")})
    return minutes


def _week(week_start: date, rows: list[TimeRow], entries: list[TimeEntryRead] | None = None) -> WeekRead:
    days = [week_start + timedelta(days=i) for i in range(DAYS)]
    day_totals = [sum(r.minutes[i] for r in rows) for i in range(DAYS)]
    return WeekRead(week_start=week_start, days=days, rows=rows, day_totals=day_totals, total=sum(day_totals),
                    entries=entries or [])


def _rows(grouped: dict[str, dict[int, int]], labels: dict[str, tuple[str, str, int | None]]) -> list[TimeRow]:
    rows = [TimeRow(key=key, label=labels[key][0], detail=labels[key][1], task_id=labels[key][2],
                    minutes=[per_day.get(i, 0) for i in range(DAYS)], total=sum(per_day.values()))
            for key, per_day in grouped.items()]
    return sorted(rows, key=lambda r: (r.label, r.detail))


def my_week(session: Session, actor: Actor, day: date) -> WeekRead:
    """The actor's own entries of the week of `day`, as rows per task with day totals, and the entries."""
    start = week_of(day)
    found = session.exec(select(StudioTimesheet).where(
        StudioTimesheet.organization_id == actor.organization_id, StudioTimesheet.user_id == actor.user_id,
        col(StudioTimesheet.day) >= start, col(StudioTimesheet.day) < start + timedelta(days=DAYS))
        .order_by(col(StudioTimesheet.day), col(StudioTimesheet.id))).all()
    grouped: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    read = tasks.task_reads(session, [tasks.get_task(session, actor, task_id)
                                      for task_id in dict.fromkeys(e.task_id for e in found)])
    labels: dict[str, tuple[str, str, int | None]] = {
        f"task:{t.id}": (t.entity_code, t.step_name, t.id) for t in read}
    entries = []
    for entry in found:
        key = f"task:{entry.task_id}"
        grouped[key][(entry.day - start).days] += entry.minutes
        entries.append(TimeEntryRead(id=pk(entry), task_id=entry.task_id, task_label=" · ".join(labels[key][:2]),
                                     day=entry.day, minutes=entry.minutes, note=entry.note))
    return _week(start, _rows(grouped, labels), entries)


def remove_entry(session: Session, actor: Actor, entry_id: int, *, now: datetime) -> tasks.TaskRead:
    """Take back a time entry: its minutes leave the task's time spent."""
    entry = get_scoped(session, actor, StudioTimesheet, entry_id, t("Time entry"), for_update=True)
    if entry.user_id != actor.user_id and Permission.STUDIO_MANAGE not in actor.permissions:
        raise Forbidden(t("Only the person who logged this time (or a studio manager) may take it back."))
    task = tasks.get_task(session, actor, entry.task_id, for_update=True)
    before = task.spent_minutes
    task.spent_minutes = max(0, before - entry.minutes)
    session.add(task)
    session.delete(entry)
    announce(session, actor, TaskTimeRemoved, pk(task), {
        "spent_minutes": {"before": before, "after": task.spent_minutes},
        "entry": {"before": f"{entry.day.isoformat()} {entry.minutes} min", "after": None}},
        project_id=task.project_id, now=now)
    return tasks.task_read(session, task)


def team_week(session: Session, actor: Actor, project_id: int, day: date) -> WeekRead:
    """A lead's view: the project's time of the week of `day`, one row per member slot (or person)."""
    if not {Permission.STUDIO_QC1, Permission.STUDIO_MANAGE} & actor.permissions:
        raise Forbidden(t("The team's timesheets are for leads and studio managers."))
    get_project(session, actor, project_id)
    start = week_of(day)
    found = session.exec(select(col(StudioTimesheet.member_id), col(StudioTimesheet.user_id),
                                col(StudioTimesheet.day), col(StudioTimesheet.minutes))
                         .join(StudioTask, col(StudioTask.id) == StudioTimesheet.task_id)
                         .where(StudioTimesheet.organization_id == actor.organization_id,
                                StudioTask.project_id == project_id, col(StudioTimesheet.day) >= start,
                                col(StudioTimesheet.day) < start + timedelta(days=DAYS))).all()
    grouped: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    labels: dict[str, tuple[str, str, int | None]] = {}
    for member_id, user_id, entry_day, minutes in found:
        key = f"member:{member_id}" if member_id else f"user:{user_id}"
        if key not in labels:
            labels[key] = _who(session, member_id, user_id)
        grouped[key][(entry_day - start).days] += minutes
    return _week(start, _rows(grouped, labels))


def _who(session: Session, member_id: int | None, user_id: int | None) -> tuple[str, str, None]:
    member = session.get(StudioMember, member_id) if member_id else None
    if member is not None:
        return member.person_name or member.role_title, member.role_title, None
    user = session.get(User, user_id) if user_id else None
    if user is None:
        raise NotFound(t("User not found."))
    return user.full_name or user.username, "", None
