"""Standard cost: a product's unit cost rolled up through its multi-level BOM and its routing, and the
material availability check of a work order before release.

Unit cost of a product = material + conversion, where material = sum over its BOM lines of
quantity per x (1 + scrap factor) x the component's unit cost (a component without a BOM costs its own
`standard_cost`), and conversion = sum over the steps of its active routing of ideal cycle seconds / 3600
x (the work center's machine rate + labour rate per hour). Setup time is a cost per batch, not per unit:
it is shown per step and left out of the unit cost. Figures are exact Decimals (4 places).

Invariants: the roll-up needs FINANCE (it shows money); the availability check needs PLAN (quantities
only); components or work centers without a cost are listed as gaps, never counted as free silently;
four queries whatever the BOM's depth (products, BOM lines, routings with steps, work centers).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.catalog import BomLine, Product
from models.lots import Lot, LotStatus
from models.orders import WorkOrder
from models.resources import WorkCenter
from models.routing import Routing, RoutingStep
from services.core.access import Actor, Permission, require
from services.core.errors import Conflict
from services.core.messages import t
from services.core.scoping import get_scoped

PLACES = Decimal("0.0001")
MAX_DEPTH = 20


class StepCost(BaseModel):
    sequence: int
    name: str
    work_center_code: str
    cycle_seconds: Decimal
    rate_per_hour: Decimal
    unit_cost: Decimal
    setup_seconds: int
    setup_cost: Decimal       # per batch, not in the unit cost


class CostLine(BaseModel):
    level: int
    product_id: int
    code: str
    name: str
    quantity: Decimal         # per one unit of the rolled-up product, scrap included
    unit_cost: Decimal
    extended_cost: Decimal    # quantity x unit cost


class CostRollup(BaseModel):
    product_id: int
    code: str
    name: str
    material: Decimal
    conversion: Decimal
    unit_cost: Decimal
    standard_cost: Decimal | None   # what the product record says now, to compare
    steps: list[StepCost]
    lines: list[CostLine]
    gaps: list[str]


class Shortage(BaseModel):
    product_id: int
    code: str
    name: str
    unit: str
    required: Decimal
    on_hand: int
    short: Decimal


class MaterialCheck(BaseModel):
    work_order_id: int
    number: str
    quantity: int
    lines: list[Shortage]
    ready: bool


class CostData:
    """Everything a roll-up reads, loaded once for the organization as plain rows (no ORM objects)."""

    def __init__(self, session: Session, organization_id: int):
        self.products: dict[int, Any] = {p.id: p for p in session.execute(sa.select(
            *(col(c) for c in (Product.id, Product.code, Product.name, Product.unit, Product.standard_cost)))
            .where(col(Product.organization_id) == organization_id))}
        self.children: dict[int, list[tuple[int, Decimal]]] = {}      # parent -> (component, qty x (1 + scrap))
        for parent, component, per, scrap in session.execute(
                sa.select(col(BomLine.parent_product_id), col(BomLine.component_product_id), col(BomLine.quantity_per),
                          col(BomLine.scrap_factor)).where(col(BomLine.organization_id) == organization_id)
                .order_by(col(BomLine.position), col(BomLine.id))):
            self.children.setdefault(parent, []).append((component, Decimal(per) * (1 + Decimal(scrap))))
        self.steps: dict[int, list] = {}
        query = (sa.select(*(col(c) for c in (
                     Routing.product_id, RoutingStep.routing_id, RoutingStep.sequence, RoutingStep.name,
                     RoutingStep.work_center_id, RoutingStep.ideal_cycle_seconds, RoutingStep.setup_seconds)))
                 .join(RoutingStep, col(RoutingStep.routing_id) == Routing.id)
                 .where(col(Routing.organization_id) == organization_id, col(Routing.is_active).is_(True))
                 .order_by(col(Routing.product_id), col(Routing.version).desc(), col(RoutingStep.sequence)))
        seen_routing: dict[int, int] = {}
        for step in session.execute(query):
            if seen_routing.setdefault(step.product_id, step.routing_id) == step.routing_id:
                self.steps.setdefault(step.product_id, []).append(step)
        self.centers: dict[int, Any] = {w.id: w for w in session.execute(sa.select(
            *(col(c) for c in (WorkCenter.id, WorkCenter.code, WorkCenter.machine_rate_per_hour,
                               WorkCenter.labour_rate_per_hour)))
            .where(col(WorkCenter.organization_id) == organization_id))}
        self.memo: dict[int, tuple[Decimal, Decimal]] = {}
        self.gaps: list[str] = []

    def rate(self, work_center_id: int) -> Decimal:
        """Machine + labour rate per hour of a work center; a missing rate is a gap, counted as 0."""
        center = self.centers.get(work_center_id)
        if center is None or (center.machine_rate_per_hour is None and center.labour_rate_per_hour is None):
            self.gaps.append(t("Work center {code} has no machine or labour rate: its time is counted as 0.",
                               code=center.code if center else "?"))
            return Decimal(0)
        return Decimal(center.machine_rate_per_hour or 0) + Decimal(center.labour_rate_per_hour or 0)


def cost_rollup(session: Session, actor: Actor, product_id: int) -> CostRollup:
    require(actor, Permission.FINANCE)
    product = get_scoped(session, actor, Product, product_id, t("Product"))
    data = CostData(session, actor.organization_id)
    material, conversion = unit_cost_parts(data, pk(product), [pk(product)])
    lines: list[CostLine] = []
    _lines(data, pk(product), Decimal(1), 1, lines)
    return CostRollup(product_id=product.id, code=product.code, name=product.name, material=quantize4(material),
                      conversion=quantize4(conversion), unit_cost=quantize4(material + conversion),
                      standard_cost=product.standard_cost, steps=_step_costs(data, pk(product)), lines=lines,
                      gaps=sorted(set(data.gaps)))


def material_check(session: Session, actor: Actor, work_order_id: int) -> MaterialCheck:
    """Direct components a work order needs (scrap included) against available lots in its plant."""
    require(actor, Permission.PLAN)
    wo = get_scoped(session, actor, WorkOrder, work_order_id, t("Work order"))
    data = CostData(session, actor.organization_id)
    needed: dict[int, Decimal] = {}
    for component, factor in data.children.get(wo.product_id, []):
        needed[component] = needed.get(component, Decimal(0)) + Decimal(wo.quantity) * factor
    stock = dict(session.exec(select(Lot.product_id, func.sum(Lot.quantity)).where(
        Lot.organization_id == actor.organization_id, Lot.plant_id == wo.plant_id, Lot.status == LotStatus.AVAILABLE,
        col(Lot.product_id).in_(list(needed) or [-1])).group_by(col(Lot.product_id))).all())
    lines = []
    for pid, required in needed.items():
        p, on_hand = data.products[pid], int(stock.get(pid) or 0)
        required = required.quantize(PLACES)
        lines.append(Shortage(product_id=pid, code=p.code, name=p.name, unit=p.unit, required=required, on_hand=on_hand,
                              short=max(Decimal(0), required - on_hand)))
    lines.sort(key=lambda s: (-s.short, s.code))
    return MaterialCheck(work_order_id=wo.id, number=wo.number, quantity=wo.quantity, lines=lines,
                         ready=all(s.short == 0 for s in lines))


def unit_cost_parts(data: CostData, product_id: int, path: list[int]) -> tuple[Decimal, Decimal]:
    if product_id in data.memo:
        return data.memo[product_id]
    if len(path) > MAX_DEPTH:
        raise Conflict(t("The bill of materials of {code} is deeper than {levels} levels.",
                         code=data.products[path[0]].code, levels=MAX_DEPTH))
    product = data.products[product_id]
    children = data.children.get(product_id, [])
    material = Decimal(0)
    if children:
        for component, factor in children:
            if component in path:
                raise Conflict(t("The bill of materials of {code} has a loop.", code=product.code))
            m, c = unit_cost_parts(data, component, path + [component])
            material += factor * (m + c)
    elif product.standard_cost is not None:
        material = Decimal(product.standard_cost)
    else:
        data.gaps.append(t("{code} has no BOM and no standard cost: counted as 0.", code=product.code))
    conversion = sum((Decimal(s.ideal_cycle_seconds) * data.rate(s.work_center_id) / 3600
                      for s in data.steps.get(product_id, [])), Decimal(0))
    data.memo[product_id] = (material, conversion)
    return material, conversion


def _step_costs(data: CostData, product_id: int) -> list[StepCost]:
    out = []
    for step in data.steps.get(product_id, []):
        center, rate = data.centers.get(step.work_center_id), data.rate(step.work_center_id)
        cycle = Decimal(step.ideal_cycle_seconds)
        out.append(StepCost(sequence=step.sequence, name=step.name, work_center_code=center.code if center else "?",
                            cycle_seconds=cycle, rate_per_hour=rate, unit_cost=quantize4(cycle * rate / 3600),
                            setup_seconds=step.setup_seconds, setup_cost=quantize4(Decimal(step.setup_seconds) * rate / 3600)))
    return out


def _lines(data: CostData, product_id: int, quantity: Decimal, level: int, out: list[CostLine]) -> None:
    for component, factor in data.children.get(product_id, []):
        comp = data.products[component]
        qty = quantity * factor
        m, c = data.memo[comp.id]
        out.append(CostLine(level=level, product_id=comp.id, code=comp.code, name=comp.name, quantity=quantize4(qty),
                            unit_cost=quantize4(m + c), extended_cost=quantize4(qty * (m + c))))
        _lines(data, comp.id, qty, level + 1, out)


def quantize4(value: Decimal) -> Decimal:
    return Decimal(value).quantize(PLACES)
