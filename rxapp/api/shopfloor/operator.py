"""The shop floor over REST: the machines an operator may work on, a machine's queue, reason lists,
and operator actions (start, pause, resume, complete, counts, downtime). Needs RUN_JOBS.

POST /machines/{id}/actions answers 201 when the action was recorded and 200 with the very same
body when its `client_id` was seen before (a retry): nothing is recorded twice.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from models.base import utcnow
from models.resources import ReasonKind
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.access import Actor
from services.core.db import db_session, transaction
from services.shopfloor import operator as shopfloor
from services.shopfloor import reads as shopfloor_reads
from services.shopfloor.operator import ActionType, ProductionEventRead, ShopfloorAction
from services.shopfloor.reads import MachineQueue, MachineTile, ReasonChoice

router = APIRouter(tags=["shop floor"], responses=AUTHENTICATED)


class ActionBody(BaseModel):
    type: ActionType = Field(description="What the operator did.")
    client_id: str = Field(description="The app's own id for this tap (a UUID, at most 64 characters); "
                                       "send the same id again to retry safely.")
    operation_id: int | None = Field(default=None, description="The job; required to start one, else defaults "
                                                               "to the machine's current job.")
    good: int = Field(default=0, description="report_counts: good parts.")
    scrap: int = Field(default=0, description="report_counts: scrap parts (needs reason_code_id).")
    reason_code_id: int | None = Field(default=None, description="pause_job: a pause reason; start_downtime: a "
                                                                 "downtime reason; report_counts: a scrap reason.")
    occurred_at: datetime | None = Field(default=None, description="When it happened on the device (with zone); "
                                                                   "at most 7 days ago. Default: now.")


@router.get("/shopfloor/machines", response_model=list[MachineTile],
            summary="Machines of your plants with their state now")
def list_machines(actor: CurrentActor) -> list[MachineTile]:
    with db_session() as s, transaction(s):
        return shopfloor_reads.machines_for_operator(s, actor)


@router.get("/shopfloor/machines/lookup", response_model=MachineTile,
            summary="Find a machine by its typed or scanned code (or a TAKT:MACHINE:<code> QR payload)")
def lookup_machine(actor: CurrentActor, code: Annotated[str, Query(max_length=200)]) -> MachineTile:
    with db_session() as s, transaction(s):
        return shopfloor_reads.machine_by_code(s, actor, code)


@router.get("/shopfloor/reasons", response_model=list[ReasonChoice], summary="Reason codes to choose from")
def list_reasons(actor: CurrentActor, kind: ReasonKind) -> list[ReasonChoice]:
    with db_session() as s, transaction(s):
        return shopfloor_reads.reason_choices(s, actor, kind)


@router.get("/machines/{machine_id}/queue", response_model=MachineQueue,
            summary="A machine's current job and queue, with progress against plan")
def machine_queue(machine_id: int, actor: CurrentActor) -> MachineQueue:
    with db_session() as s, transaction(s):
        return shopfloor_reads.machine_queue(s, actor, machine_id, now=utcnow())


@router.post("/machines/{machine_id}/actions", response_model=ProductionEventRead,
             status_code=status.HTTP_201_CREATED, summary="Record an operator action (idempotent by client_id)",
             responses={200: {"model": ProductionEventRead, "description": "Seen before: the original event"},
                        **errors(409)})
async def record_action(machine_id: int, body: ActionBody, actor: CurrentActor,
                        response: Response) -> ProductionEventRead:
    # The floor's hottest write: async, its unit of work in one worker-thread call, so FastAPI validates the answer
    # on the event loop instead of in a second call to a worker thread (a sync route's)
    result = await run_in_threadpool(_perform, actor, machine_id, ShopfloorAction(**body.model_dump()))
    if not result.recorded:
        response.status_code = status.HTTP_200_OK
    return result.event


def _perform(actor: Actor, machine_id: int, action: ShopfloorAction) -> shopfloor.ActionResult:
    with db_session() as s, transaction(s):
        return shopfloor.perform(s, actor, machine_id, action, now=utcnow())
