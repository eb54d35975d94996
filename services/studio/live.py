"""Live studio views: the production grid and dashboard of a project, and the kanban of one of its steps,
each shared by every screen with the same filters (services/kpi/live.py's hub; the Reflex side is
rxapp/state/studio/live_project.py and live_kanban.py).

`project_scope` confirms the actor may read the project and returns the scope (organization-wide:
plant NO_PLANT; params: project, episode, status and step filters); `affects` lets only the typed
`studio.*` events (services/studio/events.py) of that project refresh it; `view_for_scope` computes the grid
and the dashboard once per refresh with a read-only actor of the scope's organization. `kanban_scope` and
`kanban_for_scope` do the same for a step's kanban (params: project, step, episode and assignee filters).
"""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from services.core.access import Actor, Permission
from services.core.events import DomainEvent
from services.kpi.live import NO_PLANT, Scope
from services.studio import dashboard, grid, kanban
from services.studio.common import get_project, require_reader
from services.studio.events import StudioEvent, TaskBulkUpdated

KIND = "studio"
KANBAN = "studiokanban"             # letters only: the kind starts the link token


class ProjectView(BaseModel):
    grid: grid.GridRead
    board: dashboard.StudioDashboard
    computed_at: datetime


def project_scope(session, actor: Actor, project_id: int, *, episode_id: int | None = None, status: str | None = None,
                  step_key: str | None = None) -> Scope:
    require_reader(actor)
    get_project(session, actor, project_id)
    return Scope(kind=KIND, organization_id=actor.organization_id, plant_id=NO_PLANT,
                 params=(project_id, episode_id, status or None, step_key or None))


def affects(scope: Scope, event: DomainEvent) -> bool:
    return isinstance(event, StudioEvent | TaskBulkUpdated) and event.project_id == scope.params[0]


def reader(scope: Scope) -> Actor:
    return Actor(user_id=None, organization_id=scope.organization_id, username=f"live:{scope.kind}", api_token_id=0,
                 token_permissions=frozenset({Permission.VIEW}))


def view_for_scope(session, scope: Scope, now: datetime, *, today: date | None = None) -> ProjectView:
    project_id, episode_id, status, step_key = scope.params
    actor = reader(scope)
    return ProjectView(grid=grid.production_grid(session, actor, project_id, episode_id=episode_id, status=status,
                                                 step_key=step_key, limit=400),
                       board=dashboard.dashboard(session, actor, project_id, today=today or now.date()),
                       computed_at=now)


def kanban_scope(session, actor: Actor, project_id: int, step_id: int, *, episode_id: int | None = None,
                 assignee_member_id: int | None = None) -> Scope:
    """The scope of a step's kanban, once the actor's access to the project and the step is confirmed."""
    require_reader(actor)
    kanban.get_step(session, actor, project_id, step_id)
    return Scope(kind=KANBAN, organization_id=actor.organization_id, plant_id=NO_PLANT,
                 params=(project_id, step_id, episode_id, assignee_member_id))


def kanban_for_scope(session, scope: Scope, now: datetime) -> kanban.KanbanRead:
    project_id, step_id, episode_id, assignee_member_id = scope.params
    return kanban.board(session, reader(scope), project_id, step_id, episode_id=episode_id,
                        assignee_member_id=assignee_member_id)
