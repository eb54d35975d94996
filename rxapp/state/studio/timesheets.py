"""/studio/timesheet: one's week of time per task and day (enter time on a phone or a desk, take an entry
back), and for leads the week of a project by member with totals. Every handler goes through
services/studio (tasks.log_time, timesheets), which re-checks the actor."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.studio.live_kanban import hours
from services.core import formats
from services.core.errors import DomainError, Invalid
from services.studio import projects, tasks, timesheets
from services.studio.timesheets import WeekRead

LEAD_PERMISSIONS = {"studio_qc1", "studio_manage"}


@dataclass
class WeekLine:
    label: str = ""
    detail: str = ""
    cells: list[str] = field(default_factory=list)
    total: str = ""


@dataclass
class EntryLine:
    id: int = 0
    task: str = ""
    day: str = ""
    time: str = ""
    note: str = ""


def week_lines(week: WeekRead) -> tuple[list[str], list[WeekLine], list[str], str]:
    """Day headers, rows, day totals and the week's total, as people read them."""
    days = [f"{formats.weekday(d)} {formats.month_day(d)}" for d in week.days]
    rows = [WeekLine(label=r.label, detail=r.detail, cells=[hours(m) for m in r.minutes], total=hours(r.total))
            for r in week.rows]
    return days, rows, [hours(m) for m in week.day_totals], hours(week.total) or "0:00"


def _parse_day(value) -> date | None:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def _mine(session, actor, day: date):
    open_tasks = [t for t in tasks.list_tasks(session, actor, mine=True, limit=500) if t.status != "approved"]
    return timesheets.my_week(session, actor, day), open_tasks


def _log(session, actor, task_id: int, day: date, duration: str, note: str):
    return tasks.log_time(session, actor, task_id, day, timesheets.parse_duration(duration), note=note, now=utcnow())


class TimesheetState(AuthState):
    week_start: str = ""
    days: list[str] = []
    rows: list[WeekLine] = []
    day_totals: list[str] = []
    total: str = ""
    entries: list[EntryLine] = []
    task_options: list[Option] = []
    today: str = ""
    form_errors: dict[str, str] = {}
    load_error: str = ""
    projects: list[Option] = []
    team_project: str = ""
    team_days: list[str] = []
    team_rows: list[WeekLine] = []
    team_totals: list[str] = []
    team_total: str = ""

    @rx.var
    def is_lead(self) -> bool:
        return bool(LEAD_PERMISSIONS & set(self.permissions))

    @rx.event
    def enter(self):
        self.today = utcnow().date().isoformat()
        self.week_start = timesheets.week_of(utcnow().date()).isoformat()
        self.form_errors, self.team_project = {}, ""
        if self.is_lead:
            try:
                self.projects = [Option(value=str(p.id), label=f"{p.number} · {p.name}")
                                 for p in self._use_case(projects.list_projects)]
            except DomainError:
                self.projects = []
        return self._reload()

    @rx.event
    def load(self):
        return self._reload()

    def _reload(self):
        start = _parse_day(self.week_start) or utcnow().date()
        try:
            week, open_tasks = self._use_case(_mine, start)
        except DomainError as error:
            self.load_error = _(error.message)
            return self._refused(error, quiet=True)
        self.load_error = ""
        self.week_start = week.week_start.isoformat()
        self.days, self.rows, self.day_totals, self.total = week_lines(week)
        self.entries = [EntryLine(id=e.id, task=e.task_label, day=e.day.isoformat(), time=hours(e.minutes), note=e.note)
                        for e in week.entries]
        self.task_options = [Option(value=str(t.id), label=f"{t.entity_code} · {t.step_name}") for t in open_tasks]
        return self._team() if self.team_project else None

    @rx.event
    def shift_week(self, weeks: int):
        start = _parse_day(self.week_start) or utcnow().date()
        self.week_start = (start + timedelta(days=7 * int(weeks))).isoformat()
        return self._reload()

    @rx.event
    def log(self, form: dict):
        day = _parse_day(form.get("day"))
        problems = {} if day else {"day": _("Choose a day.")}
        if not as_id(form.get("task_id")):
            problems["task_id"] = _("Choose a task.")
        if problems:
            self.form_errors = problems
            return None
        try:
            task = self._use_case(_log, as_id(form.get("task_id")), day, str(form.get("duration", "")),
                                  str(form.get("note", "")))
        except Invalid as error:
            fields = translated_fields(error)
            self.form_errors = {"duration": fields.pop("minutes", "")} if "minutes" in fields else fields
            return None
        except DomainError as error:
            return self._refused(error)
        self.form_errors = {}
        self.week_start = timesheets.week_of(day).isoformat()
        return [rx.toast.success(_("Time logged: {code} now has {spent} h").format(
            code=task.entity_code, spent=hours(task.spent_minutes))), *(self._reload() or [])]

    @rx.event
    def remove(self, entry_id: int):
        try:
            self._use_case(timesheets.remove_entry, as_id(entry_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Entry taken back")), *(self._reload() or [])]

    @rx.event
    def set_team_project(self, value: str):
        self.team_project = str(value or "")
        return self._team()

    def _team(self):
        if not as_id(self.team_project):
            self.team_rows, self.team_days, self.team_totals, self.team_total = [], [], [], ""
            return None
        start = _parse_day(self.week_start) or utcnow().date()
        try:
            week = self._use_case(timesheets.team_week, as_id(self.team_project), start)
        except DomainError as error:
            self.team_rows = []
            return self._refused(error)
        self.team_days, self.team_rows, self.team_totals, self.team_total = week_lines(week)
        return None
