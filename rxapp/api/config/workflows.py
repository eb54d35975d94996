"""Workflows over REST: read an entity type's active spec and its versions (VIEW); save a changed
spec as the next version (CONFIGURE, admins). Instances in flight keep their version."""
from __future__ import annotations

from fastapi import APIRouter, status

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.config import workflow_admin
from services.config.workflow_admin import WorkflowRead
from services.config.workflow_specs import WorkflowSpec
from services.core.db import db_session, transaction

router = APIRouter(tags=["workflows"], responses=AUTHENTICATED)


@router.get("/workflows", response_model=list[WorkflowRead], summary="Every stored workflow version")
def list_workflows(actor: CurrentActor, entity_type: str | None = None) -> list[WorkflowRead]:
    with db_session() as s, transaction(s):
        return workflow_admin.list_workflows(s, actor, entity_type=entity_type)


@router.get("/workflows/{entity_type}", response_model=WorkflowSpec,
            summary="The active workflow of an entity type (the shipped default until one is saved)")
def get_workflow(entity_type: str, actor: CurrentActor, version: int | None = None) -> WorkflowSpec:
    with db_session() as s, transaction(s):
        return workflow_admin.get_spec(s, actor, entity_type, version=version)


@router.put("/workflows/{entity_type}", response_model=WorkflowRead, status_code=status.HTTP_201_CREATED,
            summary="Save a changed workflow as the next version")
def save_workflow(entity_type: str, body: WorkflowSpec, actor: CurrentActor) -> WorkflowRead:
    with db_session() as s, transaction(s):
        return workflow_admin.save_workflow(s, actor, entity_type, body, now=utcnow())
