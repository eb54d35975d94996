"""Milestones of a project: a name, a due date and a status (open, reached, dropped), late when open past due.

Invariants: a milestone's name is unique in its project; reading needs VIEW, changes STUDIO_MANAGE; reaching a
milestone records the day it was reached (the caller's `today`), reopening it clears that day; every change is
audited, in the activity feed and announced (`studio.milestone.*`).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from models.base import pk
from models.studio import StudioMilestone
from services.core.access import Actor
from services.core.errors import Conflict, NotFound
from services.core.messages import t
from services.studio.common import announce, apply, get_project, require_manager, require_reader
from services.studio.events import MilestoneCreated, MilestoneUpdated

MilestoneStatus = Literal["open", "reached", "dropped"]


class MilestoneCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    due_date: date
    note: str = Field(default="", max_length=1000)


class MilestoneUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    due_date: date | None = None
    status: MilestoneStatus | None = None
    note: str | None = Field(default=None, max_length=1000)


class MilestoneRead(BaseModel):
    id: int
    project_id: int
    name: str
    due_date: date
    status: str
    reached_on: date | None
    note: str
    late: bool                       # open and due before today


def list_milestones(session: Session, actor: Actor, project_id: int, *, today: date) -> list[MilestoneRead]:
    require_reader(actor)
    project = get_project(session, actor, project_id)
    rows = session.exec(select(StudioMilestone).where(StudioMilestone.project_id == project.id)
                        .order_by(col(StudioMilestone.due_date), col(StudioMilestone.id))).all()
    return [_read(m, today) for m in rows]


def create_milestone(session: Session, actor: Actor, project_id: int, data: MilestoneCreate, *,
                     now: datetime) -> MilestoneRead:
    require_manager(actor)
    project = get_project(session, actor, project_id, for_update=True)
    name = data.name.strip()
    _refuse_duplicate(session, pk(project), name, None)
    row = StudioMilestone(organization_id=actor.organization_id, project_id=pk(project), name=name,
                          due_date=data.due_date, note=data.note.strip(), created_at=now, updated_at=now,
                          created_by=actor.user_id, updated_by=actor.user_id)
    session.add(row)
    session.flush()
    announce(session, actor, MilestoneCreated, pk(row), {"name": name, "due_date": data.due_date.isoformat()},
             project_id=pk(project), now=now)
    return _read(row, now.date())


def update_milestone(session: Session, actor: Actor, milestone_id: int, data: MilestoneUpdate, *,
                     now: datetime, today: date) -> MilestoneRead:
    require_manager(actor)
    row = session.get(StudioMilestone, milestone_id, with_for_update=True)
    if row is None or row.organization_id != actor.organization_id:
        raise NotFound(t("Milestone not found."))
    name = data.name.strip() if data.name else None
    if name:
        _refuse_duplicate(session, row.project_id, name, pk(row))
    reached_on = row.reached_on
    if data.status == "reached" and row.status != "reached":
        reached_on = today
    elif data.status in ("open", "dropped"):
        reached_on = None
    values = {"name": name, "due_date": data.due_date, "status": data.status,
              "note": data.note.strip() if data.note is not None else None}
    changes = apply(row, {key: value for key, value in values.items() if value is not None})
    changes.update(apply(row, {"reached_on": reached_on}))
    if changes:
        row.updated_at, row.updated_by = now, actor.user_id
        session.add(row)
        announce(session, actor, MilestoneUpdated, pk(row), changes, project_id=row.project_id, now=now)
    return _read(row, today)


def _refuse_duplicate(session: Session, project_id: int, name: str, own_id: int | None) -> None:
    other = session.exec(select(StudioMilestone.id).where(StudioMilestone.project_id == project_id,
                                                          StudioMilestone.name == name)).first()
    if other is not None and other != own_id:
        raise Conflict(t("The project already has a milestone named {name}.", name=name))


def _read(row: StudioMilestone, today: date) -> MilestoneRead:
    return MilestoneRead(id=pk(row), project_id=row.project_id, name=row.name, due_date=row.due_date,
                         status=row.status, reached_on=row.reached_on, note=row.note,
                         late=row.status == "open" and row.due_date < today)
