"""/studio/reviews: the tasks waiting for my QC1 or QC2 decision (services/studio/review_queue.py), filtered by
project, each linking to its task page for a close look, and approving the chosen ones together."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from pydantic import ValidationError

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.master.common import Option
from rxapp.state.org.auth import AuthState
from services.core import formats
from services.core.errors import DomainError
from services.studio import projects, review_queue
from services.studio.review_queue import BatchApproval

STAGE_LABELS = {"qc1": _("QC1 (lead)"), "qc2": _("QC2 (production)")}


@dataclass
class QueueRow:
    id: int = 0
    code: str = ""
    step: str = ""
    who: str = ""                   # the assignee's slot or "-"
    version: str = ""               # "v3"
    due: str = ""
    href: str = ""


class ReviewQueueState(AuthState):
    stage_options: list[Option] = []
    stage: str = ""
    project_options: list[Option] = []
    project: str = ""               # "" = every project
    rows: list[QueueRow] = []
    chosen: list[int] = []
    loading: bool = True
    load_error: str = ""

    @rx.event
    def enter(self):
        self.loading, self.chosen = True, []
        return ReviewQueueState.load

    @rx.event
    def load(self):
        try:
            self._use_case(self._fill)
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        self.loading = False

    def _fill(self, session, actor) -> None:
        stages = review_queue.stages(actor)
        self.stage_options = [Option(s, STAGE_LABELS[s]) for s in stages]
        if not stages:
            self.rows, self.load_error = [], _("Reviewing needs the QC1 or QC2 permission.")
            return
        if self.stage not in stages:
            self.stage = stages[0]
        self.project_options = [Option(str(p.id), f"{p.number} {p.name}") for p in projects.list_projects(session, actor)]
        project_id = int(self.project) if self.project.isdigit() else None
        queued = review_queue.queue(session, actor, self.stage, project_id=project_id)
        self.rows = [QueueRow(q.task.id, q.task.entity_code, q.task.step_name, q.task.assignee_label or "-",
                              f"v{q.version}" if q.version else "-",
                              formats.day(q.task.due_date, fmt="short"), routes.studio_task_url(q.task.id))
                     for q in queued]
        waiting = {r.id for r in self.rows}
        self.chosen = [i for i in self.chosen if i in waiting]
        self.load_error = ""

    @rx.event
    def choose_stage(self, stage: str):
        self.stage, self.chosen = stage, []
        return ReviewQueueState.load

    @rx.event
    def choose_project(self, project: str):
        self.project, self.chosen = ("" if project == "all" else project), []
        return ReviewQueueState.load

    @rx.event
    def toggle(self, task_id: int):
        self.chosen = [i for i in self.chosen if i != task_id] if task_id in self.chosen else [*self.chosen, task_id]

    @rx.event
    def toggle_all(self, _checked: bool):
        self.chosen = [] if len(self.chosen) == len(self.rows) else [r.id for r in self.rows]

    @rx.event
    def approve(self, form: dict):
        if not self.chosen:
            return rx.toast.error(_("Choose the tasks to approve."))
        try:
            data = BatchApproval(task_ids=self.chosen, comment=str(form.get("comment") or ""))
            approved = self._use_case(review_queue.approve_many, self.stage, data, now=utcnow())
        except ValidationError:
            return rx.toast.error(_("Choose at most 500 tasks and write at most 2,000 characters."))
        except DomainError as error:
            return self._refused(error)
        self.chosen = []
        return [rx.toast.success(_("{n} tasks approved.").format(n=approved)), ReviewQueueState.load]
