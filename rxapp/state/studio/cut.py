"""/studio/cut?id=N: one cut with its episode and sequence, frame range and duration, its progress (approved
steps), its tasks per step (status, assignee, link to the task), the assets cast into it and its activity
feed; managers edit the frames, the description and the custom fields of studio cuts. Through
services/studio/breakdown (update_cut re-checks STUDIO_MANAGE and the organization), tasks and activity."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import CustomInput, custom_inputs, submitted_custom
from rxapp.state.master.common import translated_fields
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.studio.live_project import STATUS_COLORS, STATUS_LABELS
from rxapp.state.studio.project import FeedLine, feed_lines
from services.config import custom_field_views
from services.core import formats
from services.core.access import Permission
from services.core.errors import DomainError, Invalid
from services.studio import activity, breakdown, tasks
from services.studio.breakdown import CutUpdate


@dataclass
class CutTaskLine:
    id: int = 0
    step: str = ""
    status_label: str = ""
    color: str = "gray"
    assignee: str = ""
    due: str = ""
    href: str = ""


@dataclass
class CastLine:
    code: str = ""
    name: str = ""
    kind: str = ""
    href: str = ""


def task_lines(rows) -> list[CutTaskLine]:
    return [CutTaskLine(id=t.id, step=t.step_name, status_label=STATUS_LABELS.get(t.status, t.status),
                        color=STATUS_COLORS.get(t.status, "gray"), assignee=t.assignee_label,
                        due=formats.day(t.due_date, fmt="short"), href=routes.studio_task_url(t.id))
            for t in rows]


def _detail(session, actor, cut_id: int):
    cut = breakdown.get_cut(session, actor, cut_id)
    return (cut, tasks.list_tasks(session, actor, project_id=cut.project_id, cut_id=cut_id),
            breakdown.casting(session, actor, cut_id), activity.feed(session, actor, "cut", cut_id, limit=50),
            custom_field_views.form_inputs(session, actor, "studio_cut", cut.custom)
            if Permission.STUDIO_MANAGE in actor.permissions else [])


def _frame(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text else None


class CutState(AuthState):
    cut_id: int = 0
    project_href: str = ""
    code: str = ""
    episode: str = ""
    sequence: str = ""
    frame_in: str = ""
    frame_out: str = ""
    duration: str = ""
    description: str = ""
    progress: str = ""
    load_error: str = ""
    task_lines: list[CutTaskLine] = []
    cast: list[CastLine] = []
    feed: list[FeedLine] = []
    custom_inputs: list[CustomInput] = []
    errors: dict[str, str] = {}

    @rx.var
    def can_edit(self) -> bool:
        return "studio_manage" in self.permissions and self.load_error == ""

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.cut_id = as_id(query.get("id", ""))
        self.errors = {}
        return CutState.load

    @rx.event
    def load(self):
        try:
            cut, rows, cast, feed, fields = self._use_case(_detail, self.cut_id)
        except DomainError as error:
            self.load_error, self.code, self.task_lines, self.cast, self.feed = _(error.message), "", [], [], []
            return self._refused(error, quiet=True)
        self.load_error, self.code, self.project_href = "", cut.code, routes.studio_project_url(cut.project_id)
        self.episode = str(cut.episode_number or "")
        self.sequence = cut.sequence_code
        self.frame_in = "" if cut.frame_in is None else str(cut.frame_in)
        self.frame_out = "" if cut.frame_out is None else str(cut.frame_out)
        self.duration = "" if cut.duration_frames is None else str(cut.duration_frames)
        self.description = cut.description
        self.progress = f"{sum(t.status == 'approved' for t in rows)}/{len(rows)}"
        self.task_lines = task_lines(rows)
        self.cast = [CastLine(code=a.code, name=a.name, kind=a.kind_label, href=routes.studio_asset_url(a.id))
                     for a in cast]
        self.feed = feed_lines(feed, self._zone())
        self.custom_inputs = custom_inputs(fields)
        return None

    @rx.event
    def save(self, form: dict):
        try:
            frame_in, frame_out = _frame(form.get("frame_in")), _frame(form.get("frame_out"))
        except ValueError:
            self.errors = {"frame_out": _("Give whole numbers.")}
            return None
        data = CutUpdate(frame_in=frame_in, frame_out=frame_out, description=str(form.get("description", "")),
                         custom=submitted_custom(form, self.custom_inputs))
        try:
            self._use_case(breakdown.update_cut, self.cut_id, data, now=utcnow())
        except Invalid as error:
            self.errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.errors = {}
        return [rx.toast.success(_("Cut {code} saved").format(code=self.code)), CutState.load]
