"""/studio/kanban?id=N&step=M: a step's tasks in workflow columns, shared live by every screen with the
same filters (episode, assignee slot); moving a card runs the transition through services/studio/kanban
(which re-checks the actor and names why a move is refused); a rejection asks for a comment first."""
from __future__ import annotations

import reflex as rx

from models.base import utcnow
from rxapp import live, routes
from rxapp.i18n import _
from rxapp.state.master.common import Option
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.studio.episodes import episode_options
from rxapp.state.studio.live_kanban import LiveKanbanState
from services.core.errors import DomainError, Invalid
from services.studio import episodes as episode_service
from services.studio import kanban, members, projects
from services.studio import live as studio_live

live.register_kind(studio_live.KANBAN, LiveKanbanState, studio_live.kanban_for_scope)
live.hub.affects[studio_live.KANBAN] = studio_live.affects
REJECT = "rework"


def _header(session, actor, project_id: int):
    return (projects.get_project_read(session, actor, project_id), projects.steps(session, actor, project_id),
            episode_service.list_episodes(session, actor, project_id), members.list_members(session, actor, project_id))


class StudioKanbanState(AuthState):
    project_id: int = 0
    number: str = ""
    project_href: str = ""
    step_id: str = ""
    episode_id: str = ""
    assignee_id: str = ""
    step_options: list[Option] = []
    episodes: list[Option] = []
    assignees: list[Option] = []
    load_error: str = ""
    linked_token: str = ""
    reject_task_id: int = 0
    reject_error: str = ""

    @rx.event
    async def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.project_id = as_id(query.get("id", ""))
        self.step_id = str(as_id(query.get("step", "")) or "")
        return await self.open_board()

    async def open_board(self):
        """The project's header and filters, and the live board of `step_id` (else the first step)."""
        self.episode_id, self.assignee_id, self.reject_task_id = "", "", 0
        try:
            project, steps, episodes, slots = self._use_case(_header, self.project_id)
        except DomainError as error:
            self.load_error = _(error.message)
            return self._refused(error, quiet=True)
        self.load_error, self.number = "", f"{project.number} · {project.name}"
        self.project_href = routes.studio_project_url(project.id)
        self.step_options = [Option(value=str(s.id), label=s.name) for s in steps]
        self.episodes = episode_options(episodes)
        self.assignees = [Option(value=str(m.id), label=m.person_name or m.role_title) for m in slots]
        self.episode_id = self.episodes[0].value if self.episodes else ""     # like the grid: one episode at a time
        if self.step_id not in {o.value for o in self.step_options}:
            self.step_id = self.step_options[0].value if self.step_options else ""
        return await self._watch()

    @rx.event
    async def set_filter(self, name: str, value: str):
        if name not in ("step_id", "episode_id", "assignee_id"):
            return None
        setattr(self, name, "" if value in (None, "all") else str(value))
        return await self._watch()

    async def _watch(self):
        if not self.step_id:
            return None
        try:
            scope = self._use_case(studio_live.kanban_scope, self.project_id, as_id(self.step_id),
                                   episode_id=as_id(self.episode_id) or None,
                                   assignee_member_id=as_id(self.assignee_id) or None)
        except DomainError as error:
            return self._refused(error, quiet=True)
        await live.watch(await self.get_state(LiveKanbanState), scope)
        self.linked_token = scope.token
        return None

    @rx.event
    def move(self, task_id: int, to_status: str):
        """Move a card; a move into rework first asks for what to rework."""
        if to_status == REJECT:
            self.reject_task_id, self.reject_error = as_id(task_id), ""
            return None
        return self._move(as_id(task_id), str(to_status), "")

    @rx.event
    def reject(self, form: dict):
        comment = str(form.get("comment", "")).strip()
        if not comment:
            self.reject_error = _("Say what to rework.")
            return None
        events = self._move(self.reject_task_id, REJECT, comment)
        if not self.reject_error:
            self.reject_task_id = 0
        return events

    @rx.event
    def close_reject(self, is_open: bool = False):
        if not is_open:
            self.reject_task_id, self.reject_error = 0, ""

    def _move(self, task_id: int, to_status: str, comment: str):
        try:
            task = self._use_case(kanban.move_card, task_id, to_status, comment=comment, now=utcnow())
        except Invalid as error:
            self.reject_error = _(error.fields.get("comment") or error.message)
            return self._refused(error)
        except DomainError as error:
            return self._refused(error)
        self.reject_error = ""
        return rx.toast.success(_("{code} moved").format(code=task.entity_code))
