"""/studio/project?id=N: the project's header, its live production grid and dashboard (filters by
episode, status and step; shared by every screen with the same filters), the bulk breakdown form,
the schedule (Gantt of steps per episode with the deadline), credits and the activity feed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import plotly.graph_objects as go
import reflex as rx

from models.base import utcnow
from rxapp import live, routes
from rxapp.i18n import _
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.studio.episodes import episode_options
from rxapp.state.studio.live_project import STATUS_LABELS, LiveStudioState
from rxapp.state.studio.live_spend import LiveSpendState
from services.core import formats
from services.core.errors import DomainError, Invalid
from services.finance import budgets
from services.studio import activity, breakdown, breakdown_import, grid, members, projects
from services.studio import episodes as episode_service
from services.studio import live as studio_live
from services.studio.breakdown import BulkCreate

IMPORT_ID = "studio-breakdown-import"
live.register_kind(studio_live.KIND, LiveStudioState, studio_live.view_for_scope)
live.hub.affects[studio_live.KIND] = studio_live.affects
live.register_kind(budgets.SPEND_KIND, LiveSpendState, budgets.spend_for_scope)
live.hub.affects[budgets.SPEND_KIND] = budgets.spend_affects


@dataclass
class ImportLine:
    row: int = 0
    cut: str = ""
    problems: str = ""


@dataclass
class FeedLine:
    at: str = ""
    who: str = ""
    action: str = ""
    changes: str = ""


def feed_lines(rows, zone: str = "UTC") -> list[FeedLine]:
    return [FeedLine(at=formats.moment(a.at, zone, fmt="short"), who=a.username or "", action=a.action,
                     changes="; ".join(f"{k}: {v.get('before')} → {v.get('after')}" if isinstance(v, dict) else f"{k}: {v}"
                                       for k, v in a.changes.items())) for a in rows]


def gantt_figure(rows: list[grid.GanttRow]) -> go.Figure:
    fig = go.Figure()
    deadline = None
    for r in rows:
        if r.start is None or r.finish is None:
            continue
        label = _("Ep {n}").format(n=r.episode_number) if r.episode_number else "—"
        fig.add_trace(go.Bar(x=[(r.finish - r.start + timedelta(days=1)).days * 86_400_000], base=[r.start.isoformat()],
                             y=[f"{label} · {r.step_name}"], orientation="h", showlegend=False,
                             marker_color="#16a34a" if r.tasks and r.approved == r.tasks else "#2563eb",
                             hovertemplate=f"{r.approved}/{r.tasks} " + _("approved") + "<extra></extra>"))
        deadline = r.deadline or deadline
    if deadline is not None:
        fig.add_vline(x=deadline.isoformat(), line_color="#dc2626", line_dash="dash")
    fig.update_layout(template="none", height=max(240, 24 * len(rows) + 60), margin={"l": 160, "r": 10, "t": 10, "b": 40},
                      xaxis={"type": "date"}, yaxis={"autorange": "reversed", "type": "category"},
                      paper_bgcolor="rgba(0,0,0,0)")
    return fig


class StudioProjectState(AuthState):
    project_id: int = 0
    number: str = ""
    name: str = ""
    name2: str = ""
    status: str = ""
    load_error: str = ""
    episodes: list[Option] = []
    step_options: list[Option] = []
    status_options: list[Option] = [Option(value=k, label=v) for k, v in STATUS_LABELS.items()]
    episode_id: str = ""
    status_filter: str = ""
    step_filter: str = ""
    bulk_errors: dict[str, str] = {}
    bulk_result: str = ""
    feed: list[FeedLine] = []
    import_lines: list[ImportLine] = []
    import_summary: str = ""
    gantt: go.Figure = go.Figure()
    linked_token: str = ""
    sees_spend: bool = False

    @rx.var
    def kanban_href(self) -> str:
        return routes.studio_kanban_url(self.project_id)

    @rx.var
    def people_href(self) -> str:
        return routes.studio_people_url(self.project_id)

    @rx.var
    def can_manage(self) -> bool:
        return "studio_manage" in self.permissions

    @rx.event
    async def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.project_id = as_id(query.get("id", ""))
        return await self.open_project()

    async def open_project(self):
        self.episode_id = self.status_filter = self.step_filter = ""
        self.bulk_errors, self.bulk_result = {}, ""
        try:
            project, episodes, steps = self._use_case(lambda s, a: (
                projects.get_project_read(s, a, self.project_id), episode_service.list_episodes(s, a, self.project_id),
                projects.steps(s, a, self.project_id)))
        except DomainError as error:
            self.load_error = _(error.message)
            return self._refused(error, quiet=True)
        self.load_error = ""
        other = project.name if project.display_name != project.name else project.name2   # the viewer's title first
        self.number, self.name, self.name2, self.status = project.number, project.display_name, other, project.status
        self.episodes = episode_options(episodes)
        self.step_options = [Option(value=s.key, label=s.name) for s in steps if s.entity_kind == "cut"]
        if self.episodes:
            self.episode_id = self.episodes[0].value
        self._side_panels()
        await self._watch_spend()
        return await self._watch()

    def _side_panels(self) -> None:
        try:
            rows, feed = self._use_case(lambda s, a: (grid.gantt_rows(s, a, self.project_id),
                                                      activity.feed(s, a, "project", self.project_id, limit=30)))
        except DomainError:
            return
        self.gantt, self.feed = gantt_figure(rows), feed_lines(feed, self._zone())

    @rx.event
    async def set_filter(self, name: str, value: str):
        if name not in ("episode_id", "status_filter", "step_filter"):
            return None
        setattr(self, name, "" if value in (None, "all") else str(value))
        return await self._watch()

    async def _watch(self):
        try:
            scope = self._use_case(studio_live.project_scope, self.project_id,
                                   episode_id=as_id(self.episode_id) or None, status=self.status_filter or None,
                                   step_key=self.step_filter or None)
        except DomainError as error:
            return self._refused(error, quiet=True)
        await live.watch(await self.get_state(LiveStudioState), scope)
        self.linked_token = scope.token
        return None

    async def _watch_spend(self) -> None:
        """Finance readers see the project's budget and spend, live (money: nobody else is linked to it)."""
        self.sees_spend = "finance" in self.permissions
        if not self.sees_spend:
            return
        try:
            scope = self._use_case(budgets.spend_scope, self.project_id)
        except DomainError:
            self.sees_spend = False
            return
        await live.watch(await self.get_state(LiveSpendState), scope)

    @rx.event
    async def bulk_create(self, form: dict):
        try:
            data = BulkCreate(episode_from=int(form.get("episode_from") or 1), episode_to=int(form.get("episode_to") or 1),
                              cut_from=int(form.get("cut_from") or 1), cut_to=int(form.get("cut_to") or 1),
                              frames_per_cut=int(form["frames_per_cut"]) if form.get("frames_per_cut") else None)
        except (TypeError, ValueError):
            self.bulk_errors = {"cut_to": _("Give whole numbers.")}
            return None
        try:
            result = self._use_case(breakdown.bulk_create, self.project_id, data, now=utcnow())
        except Invalid as error:
            self.bulk_errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.bulk_errors = {}
        self.bulk_result = _("{episodes} episodes, {cuts} cuts and {tasks} tasks created.").format(
            episodes=result.episodes, cuts=result.cuts, tasks=result.tasks)
        return StudioProjectState.enter

    @rx.event
    async def import_file(self, files: list[rx.UploadFile]):
        """Cuts from a CSV/Excel file: all or nothing, the rows with problems listed."""
        if not files:
            return None
        upload = files[0]
        data = await upload.read()
        try:
            report = self._use_case(breakdown_import.import_breakdown, self.project_id, upload.name or "", data,
                                    now=utcnow())
        except DomainError as error:
            self.import_lines, self.import_summary = [], _(error.message)
            return self._refused(error, quiet=isinstance(error, Invalid))
        self.import_lines = [ImportLine(row=r.row, cut=r.cut, problems=" ".join(_(p) for p in r.problems))
                             for r in report.rows if r.problems]
        if report.imported:
            self.import_summary = _("{cuts} cuts and {tasks} tasks imported.").format(cuts=report.cuts, tasks=report.tasks)
            return [rx.clear_selected_files(IMPORT_ID), StudioProjectState.enter]
        self.import_summary = _("Nothing was imported: {n} rows have problems.").format(n=report.error_rows)
        return rx.clear_selected_files(IMPORT_ID)

    @rx.event
    def credits(self, fmt: str):
        try:
            data = self._use_case(members.credits_pdf if fmt == "pdf" else members.credits_csv, self.project_id)
        except DomainError as error:
            return self._refused(error)
        return rx.download(data=data, filename=f"{self.number}-credits.{'pdf' if fmt == 'pdf' else 'csv'}")
