"""Demo quality data for Acme Berlin: an inspection plan on a routed demo product with an X-bar/R
characteristic (shaft diameter 25.000 mm +- 0.050, subgroups of 5), 25 in-control subgroups as the
baseline, then a recent run drifting upwards that trips the run rules (alerts and notifications to
quality staff); an internal reject from the latest scrap report and a customer return.
Deterministic (a seeded random generator) and quick: about 35 service calls."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from models.base import pk
from models.organization import Plant
from models.routing import Routing, RoutingStep
from models.shopfloor import EventKind, ProductionEvent
from services.config import type_lists
from services.core.access import Actor
from services.quality import inspection_plans, inspections, rejects, spc_charts
from services.quality.inspection_plans import CharacteristicData, PlanCreate
from services.quality.inspections import InspectionData
from services.quality.rejects import CaseCreate

BASELINE_SUBGROUPS = 25
DRIFT = [Decimal(v) for v in ("0.002", "0.004", "0.006", "0.007", "0.008", "0.009")]


def _subgroup(rng: random.Random, shift: Decimal) -> list[Decimal]:
    return [(Decimal("25") + shift + Decimal(str(round(rng.gauss(0, 0.01), 4)))) for _ in range(5)]


def seed_demo_quality(session: Session, organization_id: int, actor: Actor, *, now: datetime) -> None:
    plant = session.exec(select(Plant).where(Plant.organization_id == organization_id, Plant.code == "BER")).one()
    routed = session.exec(
        select(RoutingStep, Routing.product_id).join(Routing, col(Routing.id) == RoutingStep.routing_id)
        .where(Routing.organization_id == organization_id, Routing.is_active == True)  # noqa: E712
        .order_by(col(Routing.product_id), col(RoutingStep.sequence))).first()
    assert routed is not None, "the demo plant's master data (seeded before) has an active routing"
    step, product_id = routed
    plan = inspection_plans.create_plan(session, actor, PlanCreate(
        plant_id=plant.id, product_id=product_id, routing_step_id=step.id, name="Shaft diameter checks"), now=now)
    c = inspection_plans.add_characteristic(session, actor, plan.id, CharacteristicData(
        name="Diameter", unit="mm", nominal="25.000", lsl="24.950", usl="25.050", chart_type="xbar_r",
        subgroup_size=5), now=now)
    rng = random.Random(42)
    start = now - timedelta(days=3)
    for i in range(BASELINE_SUBGROUPS):
        at = start + timedelta(hours=2 * i)
        inspections.record_inspection(session, actor, c.id, InspectionData(values=_subgroup(rng, Decimal(0)),
                                                                         measured_at=at), now=at)
    spc_charts.set_baseline(session, actor, c.id, start=start, end=start + timedelta(hours=2 * BASELINE_SUBGROUPS),
                            now=now)
    for i, shift in enumerate(DRIFT):
        at = now - timedelta(minutes=30 * (len(DRIFT) - i))
        inspections.record_inspection(session, actor, c.id, InspectionData(values=_subgroup(rng, shift),
                                                                         lot_reference="LOT-DEMO-7", measured_at=at),
                                      now=at)
    _cases(session, actor, pk(plant), product_id, now)


def _cases(session: Session, actor: Actor, plant_id: int, product_id: int, now: datetime) -> None:
    codes = {v.code: v.id for v in type_lists.values(session, actor, type_lists.DEFECT_CODES)}
    scrap = session.exec(select(ProductionEvent.id).where(
        ProductionEvent.plant_id == plant_id, ProductionEvent.kind == EventKind.COUNT,
        ProductionEvent.quantity_scrap > 0, col(ProductionEvent.operation_id).is_not(None))
        .order_by(col(ProductionEvent.occurred_at).desc())).first()
    if scrap is not None:
        rejects.reject_from_scrap(session, actor, scrap, defect_code_id=codes["DIM"], now=now)
    rejects.create_return(session, actor, CaseCreate(plant_id=plant_id, product_id=product_id, quantity=6,
                                                     defect_code_id=codes["BURR"], lot_reference="LOT-DEMO-3",
                                                     customer_reference="RMA-1042",
                                                     description="Burr on the shoulder, found at incoming inspection."),
                          now=now)
