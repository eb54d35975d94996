"""The milestones tab of /studio/project?id=N: the project's milestones by due date (late ones flagged), a form
to add one, and marking one reached, dropped or open again. services.studio.milestones keeps the rules (names
unique per project, STUDIO_MANAGE to change)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import iso_day, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.errors import DomainError
from services.studio import milestones
from services.studio.milestones import MilestoneCreate, MilestoneUpdate

MILESTONE_LABELS = {"open": _("Open"), "reached": _("Reached"), "dropped": _("Dropped")}


@dataclass
class MilestoneLine:
    id: int = 0
    name: str = ""
    due: str = ""
    status: str = ""
    status_label: str = ""
    reached: str = ""
    late: bool = False
    note: str = ""


class MilestonesState(AuthState):
    project_id: int = 0
    lines: list[MilestoneLine] = []
    form_errors: dict[str, str] = {}

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.project_id, self.form_errors = as_id(query.get("id", "")), {}
        return MilestonesState.load

    @rx.event
    def load(self):
        try:
            rows = self._use_case(milestones.list_milestones, self.project_id, today=utcnow().date())
        except DomainError as error:
            self.lines = []
            return self._refused(error, quiet=True)
        self.lines = [MilestoneLine(id=m.id, name=m.name, due=formats.day(m.due_date, fmt="short"), status=m.status,
                                    status_label=MILESTONE_LABELS.get(m.status, m.status),
                                    reached=formats.day(m.reached_on, fmt="short"), late=m.late, note=m.note)
                      for m in rows]
        return None

    @rx.event
    def add(self, form: dict):
        name = str(form.get("name", "")).strip()[:200]
        if not name:
            self.form_errors = {"name": _("Required.")}
            return None
        try:
            data = MilestoneCreate(name=name, due_date=iso_day(form.get("due_date", ""), "due_date"),
                                   note=str(form.get("note", ""))[:1000])
            self._use_case(milestones.create_milestone, self.project_id, data, now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        self.form_errors = {}
        return [rx.toast.success(_("Milestone added")), MilestonesState.load]

    @rx.event
    def set_status(self, milestone_id: int, status: str):
        if status not in MILESTONE_LABELS:
            return rx.toast.error(_("Choose open, reached or dropped."))
        now = utcnow()
        try:
            self._use_case(milestones.update_milestone, as_id(milestone_id), MilestoneUpdate(status=status),
                           now=now, today=now.date())
        except DomainError as error:
            return self._refused(error)
        return MilestonesState.load
