"""Project milestones over REST under /api/v1/studio: list a project's milestones (VIEW), add one and change its
name, due date or status (STUDIO_MANAGE)."""
from __future__ import annotations

from fastapi import APIRouter, status

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.studio import milestones
from services.studio.milestones import MilestoneCreate, MilestoneRead, MilestoneUpdate

router = APIRouter(prefix="/studio", tags=["studio"], responses=AUTHENTICATED)


@router.get("/projects/{project_id}/milestones", response_model=list[MilestoneRead],
            summary="A project's milestones by due date (late: open and past due)")
def list_milestones(project_id: int, actor: CurrentActor) -> list[MilestoneRead]:
    with db_session() as s, transaction(s):
        return milestones.list_milestones(s, actor, project_id, today=utcnow().date())


@router.post("/projects/{project_id}/milestones", response_model=MilestoneRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Add a milestone with its due date")
def create_milestone(project_id: int, body: MilestoneCreate, actor: CurrentActor) -> MilestoneRead:
    with db_session() as s, transaction(s):
        return milestones.create_milestone(s, actor, project_id, body, now=utcnow())


@router.patch("/milestones/{milestone_id}", response_model=MilestoneRead, responses=errors(409),
              summary="Change a milestone's name, due date, status (open, reached, dropped) or note")
def update_milestone(milestone_id: int, body: MilestoneUpdate, actor: CurrentActor) -> MilestoneRead:
    now = utcnow()
    with db_session() as s, transaction(s):
        return milestones.update_milestone(s, actor, milestone_id, body, now=now, today=now.date())
