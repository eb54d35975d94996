"""Inspection plans and their characteristics.

Invariants:
- a plan belongs to one plant of the actor's organization and to a product of that organization,
  optionally to a step of one of that product's routings; reading needs VIEW at the plant,
  writing needs QUALITY there;
- a characteristic's specification is consistent: LSL < USL when both are given, the nominal lies
  between them; variable charts (X-bar/R, X-bar/S, I-MR) need at least one limit; the subgroup
  size is 2..25 for X-bar charts and 1 for I-MR, p and c charts;
- changing the chart type or the subgroup size drops the baseline limits (they no longer fit);
- every write is audited and announced (`inspection_plan.*`, `inspection_characteristic.*`).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Product
from models.inspection import (
    ChartKind,
    InspectionCharacteristic,
    InspectionPlan,
    RuleSetKind,
)
from models.routing import Routing, RoutingStep
from services.core.access import Actor, Permission, can_any, require
from services.core.display_names import display_name
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.master.common import (
    announce,
    decimal_problem,
    stamp,
    stamp_new,
    text_problem,
    visible_plant,
)

XBAR_CHARTS = {ChartKind.XBAR_R, ChartKind.XBAR_S}
CHART_LABELS = {ChartKind.XBAR_R: "X-bar / R", ChartKind.XBAR_S: "X-bar / S", ChartKind.I_MR: "Individuals / moving range",
                ChartKind.P: "p (proportion defective)", ChartKind.C: "c (defects per unit)"}


class PlanCreate(BaseModel):
    plant_id: int
    product_id: int
    name: str
    routing_step_id: int | None = None


class PlanRead(BaseModel):
    id: int
    plant_id: int
    product_id: int
    product_code: str
    product_name: str
    routing_step_id: int | None
    step_name: str
    name: str
    is_active: bool
    characteristics: int = 0


class CharacteristicData(BaseModel):
    name: str
    unit: str = ""
    nominal: Decimal | str | None = None
    lsl: Decimal | str | None = None
    usl: Decimal | str | None = None
    chart_type: str = ChartKind.XBAR_R.value
    subgroup_size: int = 5
    ruleset: str = RuleSetKind.WESTERN_ELECTRIC.value


class CharacteristicRead(BaseModel):
    id: int
    plan_id: int
    plant_id: int
    name: str
    unit: str
    nominal: Decimal | None
    lsl: Decimal | None
    usl: Decimal | None
    chart_type: str
    chart_label: str
    subgroup_size: int
    ruleset: str
    baseline_start: datetime | None
    baseline_end: datetime | None
    has_limits: bool
    is_active: bool


def characteristic_read(c: InspectionCharacteristic) -> CharacteristicRead:
    return CharacteristicRead(
        id=c.id, plan_id=c.plan_id, plant_id=c.plant_id, name=c.name, unit=c.unit, nominal=c.nominal, lsl=c.lsl,
        usl=c.usl, chart_type=c.chart_type.value, chart_label=CHART_LABELS[ChartKind(c.chart_type)],
        subgroup_size=c.subgroup_size, ruleset=c.ruleset.value, baseline_start=c.baseline_start,
        baseline_end=c.baseline_end, has_limits=bool(c.limits), is_active=c.is_active)


def _plan_reads(session: Session, plans: list[InspectionPlan]) -> list[PlanRead]:
    products = {p.id: p for p in session.exec(select(Product).where(
        col(Product.id).in_({p.product_id for p in plans} or {0}))).all()}
    steps = {s.id: s.name for s in session.exec(select(RoutingStep).where(
        col(RoutingStep.id).in_({p.routing_step_id for p in plans if p.routing_step_id} or {0}))).all()}
    counts: dict[int, int] = {}
    for plan_id in session.exec(select(InspectionCharacteristic.plan_id).where(
            col(InspectionCharacteristic.plan_id).in_([p.id for p in plans] or [0]),
            InspectionCharacteristic.is_active == True)).all():  # noqa: E712
        counts[plan_id] = counts.get(plan_id, 0) + 1
    return [PlanRead(id=p.id, plant_id=p.plant_id, product_id=p.product_id, product_code=products[p.product_id].code,
                     product_name=display_name(products[p.product_id]), routing_step_id=p.routing_step_id,
                     step_name=steps.get(p.routing_step_id, ""), name=p.name, is_active=p.is_active,
                     characteristics=counts.get(pk(p), 0)) for p in plans]


def may_change(actor: Actor, plant_id: int | None = None) -> bool:
    """Whether the actor may change the plans at `plant_id`, or create one at one of their plants (QUALITY, as
    create_plan, add_characteristic and update_characteristic require)."""
    return can_any(actor, Permission.QUALITY, plant_id=plant_id)


def list_plans(session: Session, actor: Actor, *, plant_id: int | None = None, product_id: int | None = None,
               include_inactive: bool = False) -> list[PlanRead]:
    require(actor, Permission.VIEW)
    query = select(InspectionPlan).where(InspectionPlan.organization_id == actor.organization_id,
                                         col(InspectionPlan.plant_id).in_(actor.plant_ids or {0}))
    if plant_id is not None:
        query = query.where(InspectionPlan.plant_id == plant_id)
    if product_id is not None:
        query = query.where(InspectionPlan.product_id == product_id)
    if not include_inactive:
        query = query.where(InspectionPlan.is_active == True)  # noqa: E712
    return _plan_reads(session, list(session.exec(query.order_by(col(InspectionPlan.name), col(InspectionPlan.id))).all()))


def get_plan(session: Session, actor: Actor, plan_id: int) -> PlanRead:
    require(actor, Permission.VIEW)
    return _plan_reads(session, [get_scoped(session, actor, InspectionPlan, plan_id, t("Inspection plan"))])[0]


def create_plan(session: Session, actor: Actor, data: PlanCreate, *, now: datetime) -> PlanRead:
    visible_plant(session, actor, data.plant_id)
    require(actor, Permission.QUALITY, plant_id=data.plant_id)
    problems: dict[str, str] = {}
    if (msg := text_problem(data.name, max_length=200)):
        problems["name"] = msg
    product = session.get(Product, data.product_id)
    if product is None or product.organization_id != actor.organization_id:
        problems["product_id"] = t("Choose a product.")
    elif data.routing_step_id is not None and not _step_of_product(session, data.routing_step_id, pk(product)):
        problems["routing_step_id"] = t("Choose a step of this product's routing.")
    check(problems)
    plan = stamp_new(InspectionPlan(organization_id=actor.organization_id, plant_id=data.plant_id,
                                    product_id=data.product_id, routing_step_id=data.routing_step_id,
                                    name=data.name.strip()), actor, now)
    session.add(plan)
    session.flush()
    announce(session, actor, "inspection_plan", plan.id, "create", {"name": plan.name, "product_id": plan.product_id},
             now=now, plant_id=plan.plant_id)
    return get_plan(session, actor, pk(plan))


def _step_of_product(session: Session, step_id: int, product_id: int) -> bool:
    return session.exec(select(RoutingStep.id).join(Routing, col(Routing.id) == RoutingStep.routing_id).where(
        RoutingStep.id == step_id, Routing.product_id == product_id)).first() is not None


def set_plan_active(session: Session, actor: Actor, plan_id: int, active: bool, *, now: datetime) -> PlanRead:
    plan = get_scoped(session, actor, InspectionPlan, plan_id, t("Inspection plan"))
    require(actor, Permission.QUALITY, plant_id=plan.plant_id)
    if plan.is_active != active:
        plan.is_active = active
        session.add(stamp(plan, actor, now))
        announce(session, actor, "inspection_plan", plan.id, "reactivate" if active else "deactivate", {}, now=now,
                 plant_id=plan.plant_id)
    return get_plan(session, actor, pk(plan))


def list_characteristics(session: Session, actor: Actor, plan_id: int) -> list[CharacteristicRead]:
    plan = get_scoped(session, actor, InspectionPlan, plan_id, t("Inspection plan"))
    rows = session.exec(select(InspectionCharacteristic).where(InspectionCharacteristic.plan_id == plan.id)
                        .order_by(col(InspectionCharacteristic.id))).all()
    return [characteristic_read(c) for c in rows]


def get_characteristic(session: Session, actor: Actor, characteristic_id: int) -> CharacteristicRead:
    require(actor, Permission.VIEW)
    return characteristic_read(get_scoped(session, actor, InspectionCharacteristic, characteristic_id, t("Characteristic")))


def _clean(data: CharacteristicData) -> dict[str, Any]:
    problems: dict[str, str] = {}
    values: dict[str, Any] = {"name": (data.name or "").strip(), "unit": (data.unit or "").strip()}
    if (msg := text_problem(data.name, max_length=200)):
        problems["name"] = msg
    if len(values["unit"]) > 16:
        problems["unit"] = t("Use at most 16 characters.")
    for key in ("nominal", "lsl", "usl"):
        raw = getattr(data, key)
        if raw is None or str(raw).strip() == "":
            values[key] = None
        elif (msg := decimal_problem(str(raw).strip(), places=6, max_digits=18)):
            problems[key] = msg
        else:
            values[key] = Decimal(str(raw).strip())
    try:
        values["chart_type"] = ChartKind(data.chart_type)
    except ValueError:
        problems["chart_type"] = t("Choose a chart type.")
    try:
        values["ruleset"] = RuleSetKind(data.ruleset)
    except ValueError:
        problems["ruleset"] = t("Choose Western Electric or Nelson rules.")
    values["subgroup_size"] = data.subgroup_size
    check(problems)
    _check_spec(values, problems)
    check(problems)
    return values


def _check_spec(values: dict[str, Any], problems: dict[str, str]) -> None:
    lsl, usl, nominal, chart = values["lsl"], values["usl"], values["nominal"], values["chart_type"]
    if lsl is not None and usl is not None and lsl >= usl:
        problems["usl"] = t("The upper limit must be above the lower limit.")
    if nominal is not None and ((lsl is not None and nominal < lsl) or (usl is not None and nominal > usl)):
        problems["nominal"] = t("The nominal must lie between the limits.")
    if chart in XBAR_CHARTS and not 2 <= values["subgroup_size"] <= 25:
        problems["subgroup_size"] = t("An X-bar chart takes subgroups of 2 to 25 values.")
    if chart not in XBAR_CHARTS and values["subgroup_size"] != 1:
        values["subgroup_size"] = 1       # I-MR, p and c plot one value (or one sample) per point
    if chart in {ChartKind.XBAR_R, ChartKind.XBAR_S, ChartKind.I_MR} and lsl is None and usl is None:
        problems["usl"] = t("Give at least one specification limit.")


def add_characteristic(session: Session, actor: Actor, plan_id: int, data: CharacteristicData, *,
                       now: datetime) -> CharacteristicRead:
    plan = get_scoped(session, actor, InspectionPlan, plan_id, t("Inspection plan"))
    require(actor, Permission.QUALITY, plant_id=plan.plant_id)
    values = _clean(data)
    row = stamp_new(InspectionCharacteristic(organization_id=actor.organization_id, plant_id=plan.plant_id,
                                             plan_id=pk(plan), **values), actor, now)
    session.add(row)
    session.flush()
    announce(session, actor, "inspection_characteristic", row.id, "create", {"name": row.name, "plan_id": plan.id},
             now=now, plant_id=plan.plant_id)
    return characteristic_read(row)


def update_characteristic(session: Session, actor: Actor, characteristic_id: int, data: CharacteristicData, *,
                          now: datetime) -> CharacteristicRead:
    row = get_scoped(session, actor, InspectionCharacteristic, characteristic_id, t("Characteristic"), for_update=True)
    require(actor, Permission.QUALITY, plant_id=row.plant_id)
    values = _clean(data)
    reshaped = values["chart_type"] != row.chart_type or values["subgroup_size"] != row.subgroup_size
    changes = {k: {"before": getattr(row, k), "after": v} for k, v in values.items() if getattr(row, k) != v}
    for key, value in values.items():
        setattr(row, key, value)
    if reshaped and row.limits:
        row.limits, row.baseline_start, row.baseline_end = None, None, None
        changes["limits"] = {"before": "set", "after": None}
    session.add(stamp(row, actor, now))
    announce(session, actor, "inspection_characteristic", row.id, "update", changes, now=now, plant_id=row.plant_id)
    return characteristic_read(row)


def plan_options(session: Session, actor: Actor) -> dict[str, list[tuple]]:
    """Products (id, label) and routing steps (id, product id, label) to choose from for a plan."""
    require(actor, Permission.VIEW)
    products = session.exec(select(Product).where(Product.organization_id == actor.organization_id,
                                                  Product.is_active == True).order_by(Product.code)).all()  # noqa: E712
    steps = session.exec(select(RoutingStep, Routing.product_id).join(Routing, col(Routing.id) == RoutingStep.routing_id)
                         .where(Routing.organization_id == actor.organization_id, Routing.is_active == True)  # noqa: E712
                         .order_by(col(Routing.product_id), col(RoutingStep.sequence))).all()
    return {"products": [(p.id, f"{p.code} {display_name(p)}") for p in products],
            "steps": [(s.id, pid, f"{s.sequence} {s.name}") for s, pid in steps]}
