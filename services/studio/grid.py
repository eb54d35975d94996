"""The production grid (entities as rows, steps as columns, one status per cell) and the schedule
rows of a Gantt chart (steps per episode with the deadline).

Invariants: both are one query over the tasks of a project (plus the steps and entities), never a
query per row; filters narrow rows (an entity stays when one of its cells matches), never cells;
VIEW reads (partner accounts use the portal instead).
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from models.studio import StudioCut, StudioEpisode, StudioMember, StudioStep
from models.studio_work import StudioTask
from services.core.access import Actor
from services.studio.common import get_project, require_reader


class GridCell(BaseModel):
    task_id: int
    status: str
    assignee: str = ""
    due_date: date | None = None
    rework_loops: int = 0


class GridRow(BaseModel):
    entity_id: int
    code: str
    episode_number: int | None = None
    frames: int | None = None
    cells: dict[str, GridCell] = Field(default_factory=dict)      # step key -> cell


class GridRead(BaseModel):
    steps: list[tuple[str, str]]                                   # (key, name) in order
    rows: list[GridRow]
    total_rows: int


class GanttRow(BaseModel):
    episode_number: int | None
    step_key: str
    step_name: str
    start: date | None
    finish: date | None
    tasks: int
    approved: int
    deadline: date | None


def production_grid(session: Session, actor: Actor, project_id: int, *, episode_id: int | None = None,
                    step_key: str | None = None, status: str | None = None, assignee_member_id: int | None = None,
                    search: str = "", limit: int = 2000) -> GridRead:
    require_reader(actor)
    get_project(session, actor, project_id)
    steps = session.exec(select(StudioStep.id, StudioStep.key, StudioStep.name).where(
        StudioStep.project_id == project_id, StudioStep.entity_kind == "cut").order_by(col(StudioStep.position))).all()
    query = (sa.select(*(col(c) for c in (
                 StudioCut.id, StudioCut.code, StudioCut.frame_in, StudioCut.frame_out, StudioEpisode.number,
                 StudioTask.id, StudioTask.step_id, StudioTask.status, StudioTask.due_date, StudioTask.rework_loops,
                 StudioTask.assignee_member_id, StudioMember.person_name, StudioMember.role_title)))
             .select_from(StudioCut)
             .join(StudioEpisode, col(StudioEpisode.id) == StudioCut.episode_id, isouter=True)
             .join(StudioTask, col(StudioTask.cut_id) == StudioCut.id, isouter=True)
             .join(StudioMember, col(StudioMember.id) == StudioTask.assignee_member_id, isouter=True)
             .where(col(StudioCut.project_id) == project_id))
    if episode_id is not None:
        query = query.where(col(StudioCut.episode_id) == episode_id)
    if search.strip():
        query = query.where(sa.func.lower(StudioCut.code).like(f"%{search.strip().lower()}%"))
    key_of = {sid: key for sid, key, _ in steps}
    rows: dict[int, GridRow] = {}
    matching: set[int] = set()
    wanted_step = next((sid for sid, key, _ in steps if key == step_key), None) if step_key else None
    for (cut_id, code, f_in, f_out, ep, task_id, step_id, st, due, loops, member_id, person,
         role) in session.execute(query.order_by(col(StudioEpisode.number), col(StudioCut.position),
                                                      col(StudioCut.code))).all():
        row = rows.get(cut_id)
        if row is None:
            frames = f_out - f_in + 1 if f_in is not None and f_out is not None else None
            row = rows[cut_id] = GridRow(entity_id=cut_id, code=code, episode_number=ep, frames=frames)
        if task_id is None or step_id not in key_of:
            continue
        row.cells[key_of[step_id]] = GridCell(task_id=task_id, status=st, due_date=due, rework_loops=loops,
                                              assignee=person or role or "")
        if (wanted_step is None or step_id == wanted_step) and (status is None or st == status) \
                and (assignee_member_id is None or member_id == assignee_member_id):
            matching.add(cut_id)
    filtered = step_key is not None or status is not None or assignee_member_id is not None
    kept = [r for r in rows.values() if not filtered or r.entity_id in matching]
    return GridRead(steps=[(key, name) for _, key, name in steps], rows=kept[:limit], total_rows=len(kept))


def gantt_rows(session: Session, actor: Actor, project_id: int) -> list[GanttRow]:
    """Per episode and step: the planned span (earliest start or due, latest due), counts, deadline."""
    require_reader(actor)
    project = get_project(session, actor, project_id)
    t = StudioTask
    query = (sa.select(col(StudioEpisode.number), col(StudioEpisode.deadline), col(StudioStep.key), col(StudioStep.name),
                       col(StudioStep.position), sa.func.min(sa.func.coalesce(t.start_date, t.due_date)),
                       sa.func.max(t.due_date), sa.func.count(col(t.id)),
                       sa.func.sum(sa.case((col(t.status) == "approved", 1), else_=0)))
             .select_from(t).join(StudioStep, col(StudioStep.id) == t.step_id)
             .join(StudioEpisode, col(StudioEpisode.id) == t.episode_id, isouter=True)
             .where(col(t.project_id) == project_id)
             .group_by(col(StudioEpisode.number), col(StudioEpisode.deadline), col(StudioStep.key), col(StudioStep.name),
                       col(StudioStep.position))
             .order_by(col(StudioEpisode.number), col(StudioStep.position)))
    return [GanttRow(episode_number=ep, step_key=key, step_name=name, start=start, finish=finish, tasks=count,
                     approved=int(done or 0), deadline=deadline or project.deadline)
            for ep, deadline, key, name, _, start, finish, count, done in session.execute(query).all()]
