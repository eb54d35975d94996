"""Maintenance plans, spare parts, stock moves, plant settings (SLA targets, team, automatic-ticket rules),
machine history and KPIs over REST under /api/v1/maintenance.

Changes need MAINTAIN at the plant; reading needs VIEW; the KPIs need VIEW_DASHBOARDS or MAINTAIN.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter, status
from pydantic import BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import EXPORTABLE, Format, listing
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.maintenance import history, kpis, parts, plans, settings
from services.maintenance.history import MachineHistory
from services.maintenance.kpis import MaintenanceKpis
from services.maintenance.parts import PartCreate, PartRead, StockRead
from services.maintenance.plans import PlanCreate, PlanRead
from services.maintenance.settings import AutoRuleCreate, AutoRuleRead, AutoRuleUpdate, SlaTargetRead, TeamRead

router = APIRouter(prefix="/maintenance", tags=["maintenance"], responses=AUTHENTICATED)


class ActiveBody(BaseModel):
    active: bool


class ReceiptBody(BaseModel):
    part_id: int
    plant_id: int
    location: str
    quantity: int
    unit_cost: Decimal | None = None
    note: str = ""


class MinimumBody(BaseModel):
    plant_id: int
    location: str
    min_quantity: int


class SlaBody(BaseModel):
    response_minutes: int
    resolution_minutes: int
    warn_minutes: int = 30
    pause_waiting_parts: bool = True


class TeamBody(BaseModel):
    lead_user_id: int | None = None
    manager_user_id: int | None = None
    manager_after_minutes: int = 60


@router.get("/plans", response_model=list[PlanRead], summary="Preventive plans")
def list_plans(actor: CurrentActor, plant_id: int | None = None) -> list[PlanRead]:
    with db_session() as s, transaction(s):
        return plans.list_plans(s, actor, plant_id=plant_id)


@router.post("/plans", response_model=PlanRead, status_code=status.HTTP_201_CREATED,
             summary="Create a preventive plan (calendar, count or run_hours) for a machine or machine class")
def create_plan(body: PlanCreate, actor: CurrentActor) -> PlanRead:
    with db_session() as s, transaction(s):
        return plans.create_plan(s, actor, body, now=utcnow())


@router.put("/plans/{plan_id}", response_model=PlanRead,
            summary="Change a preventive plan (its machines keep counting from where they stand)")
def update_plan(plan_id: int, body: PlanCreate, actor: CurrentActor) -> PlanRead:
    with db_session() as s, transaction(s):
        return plans.update_plan(s, actor, plan_id, body, now=utcnow())


@router.put("/plans/{plan_id}/active", response_model=PlanRead, summary="Activate or deactivate a plan")
def plan_active(plan_id: int, body: ActiveBody, actor: CurrentActor) -> PlanRead:
    with db_session() as s, transaction(s):
        return plans.set_plan_active(s, actor, plan_id, body.active, now=utcnow())


@router.get("/parts", response_model=list[PartRead], summary="The spare parts list")
def list_parts(actor: CurrentActor) -> list[PartRead]:
    with db_session() as s, transaction(s):
        return parts.list_parts(s, actor)


@router.post("/parts", response_model=PartRead, status_code=status.HTTP_201_CREATED, summary="Add a spare part")
def create_part(body: PartCreate, actor: CurrentActor) -> PartRead:
    with db_session() as s, transaction(s):
        return parts.create_part(s, actor, body, now=utcnow())


@router.get("/stock", response_model=list[StockRead], responses=EXPORTABLE,
            summary="Stock per plant and location (reorder=true: only what is below its minimum)")
def stock(actor: CurrentActor, plant_id: int | None = None, reorder: bool = False, format: Format = "json"):
    with db_session() as s, transaction(s):
        rows = parts.stock(s, actor, plant_id=plant_id, below_minimum=reorder)
    return listing(rows, parts.STOCK_COLUMNS, format, "reorder-list" if reorder else "spare-parts-stock")


@router.post("/stock-moves/receipts", response_model=StockRead, status_code=status.HTTP_201_CREATED,
             summary="Receive spare parts into a storage location")
def receive(body: ReceiptBody, actor: CurrentActor) -> StockRead:
    with db_session() as s, transaction(s):
        return parts.receive(s, actor, body.part_id, body.plant_id, body.location, body.quantity,
                             unit_cost=body.unit_cost, note=body.note, now=utcnow())


@router.put("/parts/{part_id}/minimum", response_model=StockRead, summary="The minimum stock at a location")
def minimum(part_id: int, body: MinimumBody, actor: CurrentActor) -> StockRead:
    with db_session() as s, transaction(s):
        return parts.set_minimum(s, actor, part_id, body.plant_id, body.location, body.min_quantity, now=utcnow())


@router.get("/plants/{plant_id}/sla-targets", response_model=list[SlaTargetRead], summary="SLA targets per priority")
def sla_targets(plant_id: int, actor: CurrentActor) -> list[SlaTargetRead]:
    with db_session() as s, transaction(s):
        return settings.sla_targets(s, actor, plant_id)


@router.put("/plants/{plant_id}/sla-targets/{priority}", response_model=SlaTargetRead,
            summary="Set the response and resolution targets of one priority (minutes of working time)")
def set_sla_target(plant_id: int, priority: str, body: SlaBody, actor: CurrentActor) -> SlaTargetRead:
    with db_session() as s, transaction(s):
        return settings.set_sla_target(s, actor, plant_id, priority, **body.model_dump(), now=utcnow())


@router.get("/plants/{plant_id}/team", response_model=TeamRead, summary="Who SLA breaches escalate to")
def get_team(plant_id: int, actor: CurrentActor) -> TeamRead:
    with db_session() as s, transaction(s):
        return settings.team(s, actor, plant_id)


@router.put("/plants/{plant_id}/team", response_model=TeamRead, summary="Set the maintenance lead and plant manager")
def set_team(plant_id: int, body: TeamBody, actor: CurrentActor) -> TeamRead:
    with db_session() as s, transaction(s):
        return settings.set_team(s, actor, plant_id, **body.model_dump(), now=utcnow())


@router.get("/plants/{plant_id}/auto-rules", response_model=list[AutoRuleRead],
            summary="Rules raising a ticket for a machine down longer than a threshold")
def auto_rules(plant_id: int, actor: CurrentActor) -> list[AutoRuleRead]:
    with db_session() as s, transaction(s):
        return settings.auto_rules(s, actor, plant_id)


@router.post("/auto-rules", response_model=AutoRuleRead, status_code=status.HTTP_201_CREATED,
             summary="Add an automatic-ticket rule (per plant, optionally per machine and reason)")
def create_auto_rule(body: AutoRuleCreate, actor: CurrentActor) -> AutoRuleRead:
    with db_session() as s, transaction(s):
        return settings.create_auto_rule(s, actor, body, now=utcnow())


@router.put("/auto-rules/{rule_id}", response_model=AutoRuleRead,
            summary="Change an automatic-ticket rule: machine, reason, threshold, priority (and whether it is on)")
def update_auto_rule(rule_id: int, body: AutoRuleUpdate, actor: CurrentActor) -> AutoRuleRead:
    with db_session() as s, transaction(s):
        return settings.update_auto_rule(s, actor, rule_id, body, now=utcnow())


@router.get("/machines/{machine_id}/history", response_model=MachineHistory,
            summary="A machine's tickets, stops (with the ticket explaining each) and plans")
def machine_history(machine_id: int, actor: CurrentActor) -> MachineHistory:
    with db_session() as s, transaction(s):
        return history.machine_history(s, actor, machine_id, now=utcnow())


@router.get("/kpis", response_model=MaintenanceKpis, responses=EXPORTABLE,
            summary="MTBF, MTTR, breakdowns, SLA compliance, backlog, planned ratio and cost (format: per machine)")
def maintenance_kpis(actor: CurrentActor, plant_id: int, start: datetime, end: datetime,
                     machine_id: int | None = None, work_center_id: int | None = None, format: Format = "json"):
    with db_session() as s, transaction(s):
        result = kpis.maintenance_kpis(s, actor, plant_id=plant_id, start=start, end=end, machine_id=machine_id,
                                       work_center_id=work_center_id, now=utcnow())
    return result if format == "json" else listing(result.machines, kpis.MACHINE_COLUMNS, format, "maintenance-kpis")
