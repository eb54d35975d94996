"""Costing: a product's standard cost roll-up (FINANCE) and a work order's material check (PLAN)."""
from __future__ import annotations

from fastapi import APIRouter

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.finance import cost_rates, costing, work_order_cost
from services.finance.cost_rates import WorkCenterRates, WorkCenterRatesRead
from services.finance.costing import CostRollup, MaterialCheck
from services.finance.work_order_cost import OrderMargin, WorkOrderCost

router = APIRouter(tags=["finance"], responses=AUTHENTICATED)


@router.get("/finance/products/{product_id}/cost-rollup", response_model=CostRollup,
            summary="Standard unit cost through the multi-level BOM and routing, with gaps named")
def cost_rollup(product_id: int, actor: CurrentActor) -> CostRollup:
    with db_session() as s, transaction(s):
        return costing.cost_rollup(s, actor, product_id)


@router.get("/work-orders/{work_order_id}/material-check", response_model=MaterialCheck,
            summary="Components the work order needs against available lots in its plant")
def material_check(work_order_id: int, actor: CurrentActor) -> MaterialCheck:
    with db_session() as s, transaction(s):
        return costing.material_check(s, actor, work_order_id)


@router.get("/finance/work-center-rates", response_model=list[WorkCenterRatesRead],
            summary="Machine and labour rates per hour of every work center")
def list_rates(actor: CurrentActor) -> list[WorkCenterRatesRead]:
    with db_session() as s, transaction(s):
        return cost_rates.list_rates(s, actor)


@router.put("/finance/work-center-rates/{work_center_id}", response_model=WorkCenterRatesRead,
            summary="Set a work center's machine and labour rates per hour")
def set_rates(work_center_id: int, body: WorkCenterRates, actor: CurrentActor) -> WorkCenterRatesRead:
    with db_session() as s, transaction(s):
        return cost_rates.set_rates(s, actor, work_center_id, body, now=utcnow())


@router.get("/finance/work-orders/{work_order_id}/cost", response_model=WorkOrderCost,
            summary="Actual cost of a work order (consumed lots, job time) against its standard, with variances")
def work_order_actual_cost(work_order_id: int, actor: CurrentActor) -> WorkOrderCost:
    with db_session() as s, transaction(s):
        return work_order_cost.work_order_cost(s, actor, work_order_id, now=utcnow())


@router.get("/finance/orders/{order_id}/margin", response_model=OrderMargin,
            summary="Revenue of what a customer order delivered less its standard cost")
def order_margin(order_id: int, actor: CurrentActor) -> OrderMargin:
    with db_session() as s, transaction(s):
        return work_order_cost.order_margin(s, actor, order_id)
