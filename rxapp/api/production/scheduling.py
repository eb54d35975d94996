"""Scheduling: the board of a plant, putting operations on machines, re-planning, capacity targets
and utilisation, schedule exceptions. Changes need PLAN; reads PLAN or VIEW_DASHBOARDS."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from models.base import utcnow
from models.orders import CapacityPeriod, ExceptionKind
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.production import scheduling
from services.production.scheduling import (
    CapacityTargetCreate,
    CapacityTargetRead,
    CapacityTargetUpdate,
    ExceptionRead,
    ReplanResult,
    ScheduleBoard,
    ScheduledOperation,
    UnscheduledOperation,
    Utilisation,
)

router = APIRouter(tags=["scheduling"], responses=AUTHENTICATED)


class AssignBody(BaseModel):
    machine_id: int
    position: int | None = Field(default=None, description="1-based place in the machine's queue; default: last.")
    reason: str = Field(default="", description="Required when the operation moves from another machine.")


class MoveBody(BaseModel):
    machine_id: int | None = Field(default=None, description="Default: the machine it is on.")
    position: int | None = Field(default=None, description="1-based place in the queue; default: last.")
    reason: str = Field(default="", description="Required when the machine changes.")


class UnassignBody(BaseModel):
    reason: str = ""


class ExceptionBody(BaseModel):
    kind: ExceptionKind
    reason: str
    details: dict[str, Any] = Field(default_factory=dict)


# ---- the board ------------------------------------------------------------------------------

@router.get("/plants/{plant_id}/schedule", response_model=ScheduleBoard, summary="The schedule board of a plant",
            description="Machines with their queued operations whose plan touches [start, end) (default: from the "
                        "start of today, UTC, for 7 days), flagged late or in conflict. Give times with a zone.")
def get_board(plant_id: int, actor: CurrentActor, start: datetime | None = None,
              end: datetime | None = None) -> ScheduleBoard:
    start = start or utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    end = end or start + timedelta(days=7)
    with db_session() as s, transaction(s):
        return scheduling.schedule_board(s, actor, plant_id, start=start, end=end)


@router.get("/plants/{plant_id}/schedule/unscheduled", response_model=list[UnscheduledOperation],
            summary="Operations waiting for a machine, soonest due first")
def list_unscheduled(plant_id: int, actor: CurrentActor,
                     limit: Annotated[int, Query(ge=1, le=2000)] = 500) -> list[UnscheduledOperation]:
    with db_session() as s, transaction(s):
        return scheduling.unscheduled_operations(s, actor, plant_id, limit=limit)


@router.post("/plants/{plant_id}/schedule/replan", response_model=ReplanResult,
             summary="Re-plan every machine queue of the plant from now")
def replan(plant_id: int, actor: CurrentActor) -> ReplanResult:
    with db_session() as s, transaction(s):
        return scheduling.replan_plant(s, actor, plant_id, now=utcnow())


@router.post("/machines/{machine_id}/plan", response_model=list[ScheduledOperation],
             summary="Re-plan one machine's queue from now")
def plan_machine(machine_id: int, actor: CurrentActor) -> list[ScheduledOperation]:
    with db_session() as s, transaction(s):
        return scheduling.plan_machine(s, actor, machine_id, now=utcnow())


# ---- operations on machines -----------------------------------------------------------------

@router.post("/operations/{operation_id}/assign", response_model=ScheduledOperation, responses=errors(409),
             summary="Queue an operation on a machine")
def assign(operation_id: int, body: AssignBody, actor: CurrentActor) -> ScheduledOperation:
    with db_session() as s, transaction(s):
        return scheduling.assign_operation(s, actor, operation_id, body.machine_id, position=body.position,
                                           reason=body.reason, now=utcnow())


@router.post("/operations/{operation_id}/move", response_model=ScheduledOperation, responses=errors(409),
             summary="Move an operation to another machine or position")
def move(operation_id: int, body: MoveBody, actor: CurrentActor) -> ScheduledOperation:
    with db_session() as s, transaction(s):
        return scheduling.move_operation(s, actor, operation_id, machine_id=body.machine_id, position=body.position,
                                         reason=body.reason, now=utcnow())


@router.post("/operations/{operation_id}/unassign", response_model=ScheduledOperation, responses=errors(409),
             summary="Take an operation that has not started off its machine")
def unassign(operation_id: int, actor: CurrentActor, body: UnassignBody | None = None) -> ScheduledOperation:
    with db_session() as s, transaction(s):
        return scheduling.unassign_operation(s, actor, operation_id, reason=(body.reason if body else ""),
                                             now=utcnow())


# ---- capacity -------------------------------------------------------------------------------

@router.get("/plants/{plant_id}/capacity-targets", response_model=list[CapacityTargetRead],
            summary="Capacity targets of a plant")
def list_targets(plant_id: int, actor: CurrentActor) -> list[CapacityTargetRead]:
    with db_session() as s, transaction(s):
        return scheduling.list_targets(s, actor, plant_id)


@router.post("/capacity-targets", response_model=CapacityTargetRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Set a department's or machine's target hours per day, week or month")
def create_target(body: CapacityTargetCreate, actor: CurrentActor) -> CapacityTargetRead:
    with db_session() as s, transaction(s):
        return scheduling.create_target(s, actor, body, now=utcnow())


@router.patch("/capacity-targets/{target_id}", response_model=CapacityTargetRead, summary="Change a target's hours")
def update_target(target_id: int, body: CapacityTargetUpdate, actor: CurrentActor) -> CapacityTargetRead:
    with db_session() as s, transaction(s):
        return scheduling.update_target(s, actor, target_id, body, now=utcnow())


@router.delete("/capacity-targets/{target_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               summary="Remove a target")
def delete_target(target_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        scheduling.delete_target(s, actor, target_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/plants/{plant_id}/utilisation", response_model=Utilisation,
            summary="Scheduled hours against targets and the calendar, per machine and department",
            description="The local day, week (Monday to Sunday) or month of the plant containing `start`.")
def get_utilisation(plant_id: int, actor: CurrentActor, period: CapacityPeriod = CapacityPeriod.WEEK,
                    start: date | None = None) -> Utilisation:
    with db_session() as s, transaction(s):
        return scheduling.utilisation(s, actor, plant_id, period=period, start=start or utcnow())


# ---- exceptions -----------------------------------------------------------------------------

@router.get("/plants/{plant_id}/schedule-exceptions", response_model=list[ExceptionRead],
            summary="Late, short and reallocated operations, newest first")
def list_exceptions(plant_id: int, actor: CurrentActor, kind: ExceptionKind | None = None,
                    operation_id: int | None = None, since: datetime | None = None, until: datetime | None = None,
                    limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[ExceptionRead]:
    with db_session() as s, transaction(s):
        return scheduling.list_exceptions(s, actor, plant_id, kind=kind, operation_id=operation_id, since=since,
                                          until=until, limit=limit)


@router.post("/operations/{operation_id}/exceptions", response_model=ExceptionRead,
             status_code=status.HTTP_201_CREATED, summary="Record a late, short or reallocated exception")
def record_exception(operation_id: int, body: ExceptionBody, actor: CurrentActor) -> ExceptionRead:
    with db_session() as s, transaction(s):
        return scheduling.record_exception(s, actor, operation_id, kind=body.kind, reason=body.reason,
                                           details=body.details, now=utcnow())


@router.post("/plants/{plant_id}/schedule/detect-late", response_model=list[ExceptionRead],
             summary="Record a late exception for each planned-late operation that has none yet")
def detect_late(plant_id: int, actor: CurrentActor) -> list[ExceptionRead]:
    with db_session() as s, transaction(s):
        return scheduling.detect_late(s, actor, plant_id, now=utcnow())
