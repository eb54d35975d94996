"""Routings and their ordered steps (reading: anyone in the organization; changes: PLAN)."""
from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import EXPORTABLE, Format, Status, active_flag, listing
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.master import routings
from services.master.routings import (
    ROUTING_COLUMNS,
    RoutingCreate,
    RoutingRead,
    RoutingUpdate,
    StepInput,
    StepUpdate,
)

router = APIRouter(tags=["routings"], responses=AUTHENTICATED)


class StepOrder(BaseModel):
    step_ids: list[int]


@router.get("/routings", response_model=list[RoutingRead], responses=EXPORTABLE,
            summary="List routings with their steps (filter by product; search product or name; export)")
def list_routings(actor: CurrentActor, product_id: int | None = None, search: str | None = None,
                  status: Status = "all", format: Format = "json"):
    with db_session() as s, transaction(s):
        rows = routings.list_routings(s, actor, product_id=product_id, search=search, active=active_flag(status))
    return listing(rows, ROUTING_COLUMNS, format, "routings")


@router.post("/routings", response_model=RoutingRead, status_code=status.HTTP_201_CREATED,
             summary="Create a routing version (active when it has steps and `activate`)", responses=errors(409))
def create_routing(body: RoutingCreate, actor: CurrentActor) -> RoutingRead:
    with db_session() as s, transaction(s):
        return routings.create_routing(s, actor, body, now=utcnow())


@router.get("/routings/{routing_id}", response_model=RoutingRead, summary="Get a routing with its steps")
def get_routing(routing_id: int, actor: CurrentActor) -> RoutingRead:
    with db_session() as s, transaction(s):
        return routings.get_routing(s, actor, routing_id)


@router.get("/products/{product_id}/active-routing", response_model=RoutingRead | None,
            summary="The product's active routing (null when it has none)")
def active_routing(product_id: int, actor: CurrentActor) -> RoutingRead | None:
    with db_session() as s, transaction(s):
        return routings.active_routing(s, actor, product_id)


@router.patch("/routings/{routing_id}", response_model=RoutingRead, summary="Rename a routing")
def update_routing(routing_id: int, body: RoutingUpdate, actor: CurrentActor) -> RoutingRead:
    with db_session() as s, transaction(s):
        return routings.update_routing(s, actor, routing_id, body, now=utcnow())


@router.post("/routings/{routing_id}/activate", response_model=RoutingRead,
             summary="Make this the product's active routing", responses=errors(409))
def activate_routing(routing_id: int, actor: CurrentActor) -> RoutingRead:
    with db_session() as s, transaction(s):
        return routings.set_routing_active(s, actor, routing_id, True, now=utcnow())


@router.post("/routings/{routing_id}/deactivate", response_model=RoutingRead, summary="Deactivate a routing")
def deactivate_routing(routing_id: int, actor: CurrentActor) -> RoutingRead:
    with db_session() as s, transaction(s):
        return routings.set_routing_active(s, actor, routing_id, False, now=utcnow())


@router.post("/routings/{routing_id}/steps", response_model=RoutingRead, status_code=status.HTTP_201_CREATED,
             summary="Add a step (after the last one unless a sequence is given)")
def add_step(routing_id: int, body: StepInput, actor: CurrentActor) -> RoutingRead:
    with db_session() as s, transaction(s):
        return routings.add_step(s, actor, routing_id, body, now=utcnow())


@router.put("/routings/{routing_id}/step-order", response_model=RoutingRead,
            summary="Reorder every step (renumbered 10, 20, 30 ...)")
def reorder_steps(routing_id: int, body: StepOrder, actor: CurrentActor) -> RoutingRead:
    with db_session() as s, transaction(s):
        return routings.reorder_steps(s, actor, routing_id, body.step_ids, now=utcnow())


@router.patch("/routing-steps/{step_id}", response_model=RoutingRead, summary="Change a step")
def update_step(step_id: int, body: StepUpdate, actor: CurrentActor) -> RoutingRead:
    with db_session() as s, transaction(s):
        return routings.update_step(s, actor, step_id, body, now=utcnow())


@router.delete("/routing-steps/{step_id}", response_model=RoutingRead, summary="Remove a step",
               responses=errors(409))
def remove_step(step_id: int, actor: CurrentActor) -> RoutingRead:
    with db_session() as s, transaction(s):
        return routings.remove_step(s, actor, step_id, now=utcnow())
