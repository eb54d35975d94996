"""Inspection plans, measurements and SPC over REST.

Reading needs VIEW at the plan's plant; defining plans, choosing baselines and acknowledging alerts
need QUALITY; recording inspections needs INSPECT. `POST /inspections` answers with the
stored inspection and the SPC alerts its point raised (send a `client_id` to make retries safe).
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.quality import inspection_plans, inspections, spc_charts
from services.quality.inspection_plans import (
    CharacteristicData,
    CharacteristicRead,
    PlanCreate,
    PlanRead,
)
from services.quality.inspections import (
    AlertRead,
    InspectionData,
    InspectionRead,
    InspectionResult,
)
from services.quality.spc_charts import ChartView

router = APIRouter(tags=["inspections and SPC"], responses=AUTHENTICATED)


class InspectionBody(InspectionData):
    characteristic_id: int


class BaselineBody(BaseModel):
    start: datetime = Field(description="First moment of the baseline period (with a time zone).")
    end: datetime


class AckBody(BaseModel):
    note: str = ""


@router.get("/inspection-plans", response_model=list[PlanRead], summary="List inspection plans")
def list_plans(actor: CurrentActor, plant_id: int | None = None, product_id: int | None = None,
               include_inactive: bool = False):
    with db_session() as s, transaction(s):
        return inspection_plans.list_plans(s, actor, plant_id=plant_id, product_id=product_id,
                                           include_inactive=include_inactive)


@router.post("/inspection-plans", response_model=PlanRead, status_code=status.HTTP_201_CREATED,
             summary="Define an inspection plan for a product (and optionally a routing step)")
def create_plan(body: PlanCreate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return inspection_plans.create_plan(s, actor, body, now=utcnow())


@router.get("/inspection-plans/{plan_id}/characteristics", response_model=list[CharacteristicRead],
            summary="The characteristics of a plan")
def list_characteristics(plan_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return inspection_plans.list_characteristics(s, actor, plan_id)


@router.post("/inspection-plans/{plan_id}/characteristics", response_model=CharacteristicRead,
             status_code=status.HTTP_201_CREATED, summary="Add a characteristic (specification and chart)")
def add_characteristic(plan_id: int, body: CharacteristicData, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return inspection_plans.add_characteristic(s, actor, plan_id, body, now=utcnow())


@router.put("/characteristics/{characteristic_id}", response_model=CharacteristicRead,
            summary="Change a characteristic (a new chart type or subgroup size drops the baseline)")
def update_characteristic(characteristic_id: int, body: CharacteristicData, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return inspection_plans.update_characteristic(s, actor, characteristic_id, body, now=utcnow())


@router.get("/characteristics/{characteristic_id}/chart", response_model=ChartView,
            summary="Control chart points, limits and capability")
def chart(characteristic_id: int, actor: CurrentActor, start: datetime | None = None, end: datetime | None = None,
          limit: Annotated[int, Query(ge=1, le=2000)] = 200):
    with db_session() as s, transaction(s):
        return spc_charts.chart(s, actor, characteristic_id, start=start, end=end, limit=limit)


@router.put("/characteristics/{characteristic_id}/baseline", response_model=ChartView,
            summary="Compute and freeze control limits from the inspections of a period")
def set_baseline(characteristic_id: int, body: BaselineBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return spc_charts.set_baseline(s, actor, characteristic_id, start=body.start, end=body.end, now=utcnow())


@router.post("/inspections", response_model=InspectionResult, status_code=status.HTTP_201_CREATED,
             summary="Record one subgroup, value or sample; answers with the SPC alerts it raised")
def record(body: InspectionBody, actor: CurrentActor):
    data = InspectionData.model_validate(body.model_dump(exclude={"characteristic_id"}))
    with db_session() as s, transaction(s):
        return inspections.record_inspection(s, actor, body.characteristic_id, data, now=utcnow())


@router.get("/inspections", response_model=list[InspectionRead], summary="Latest inspections of a characteristic")
def list_inspections(characteristic_id: int, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=1000)] = 50):
    with db_session() as s, transaction(s):
        return inspections.list_inspections(s, actor, characteristic_id, limit=limit)


@router.get("/spc-alerts", response_model=list[AlertRead], summary="SPC alerts, newest first")
def list_alerts(actor: CurrentActor, plant_id: int | None = None, characteristic_id: int | None = None,
                open_only: bool = False, limit: Annotated[int, Query(ge=1, le=1000)] = 100):
    with db_session() as s, transaction(s):
        return inspections.list_alerts(s, actor, plant_id=plant_id, characteristic_id=characteristic_id,
                                       open_only=open_only, limit=limit)


@router.post("/spc-alerts/{alert_id}/acknowledge", response_model=AlertRead, summary="Acknowledge an SPC alert")
def acknowledge(alert_id: int, body: AckBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return inspections.acknowledge_alert(s, actor, alert_id, note=body.note, now=utcnow())
