"""Actual cost of a work order against its standard, and the margin of a customer order.

Actual cost = material consumed (lots consumed into the order, at their product's standard cost) + machine
time (from each operation's job events: started or resumed until paused or completed; an operation still
running counts until `now`) x its work center's machine rate + the same time x its labour rate (one operator
per running job). Standard cost = good quantity x the product's rolled-up unit cost (services/finance/costing.py).
Variance = actual - standard, split into material and conversion; scrap is in the actual cost, so it shows up
as variance. Margin of a customer order = the order lines' revenue (quantity delivered x unit price) less the
standard cost of what was delivered.

Invariants: FINANCE only; every figure is a Decimal (4 places); rows of other organizations or plants are
NotFound; nothing is written.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.lots import Lot, LotConsumption
from models.orders import CustomerOrder, Operation, OrderLine, WorkOrder
from models.shopfloor import EventKind, ProductionEvent
from services.core.access import Actor, Permission, require
from services.core.messages import t
from services.core.scoping import get_scoped
from services.finance.costing import CostData, quantize4, unit_cost_parts

_OPENS = {EventKind.JOB_STARTED, EventKind.JOB_RESUMED}
_CLOSES = {EventKind.JOB_PAUSED, EventKind.JOB_COMPLETED}


class OperationTime(BaseModel):
    sequence: int
    name: str
    run_hours: Decimal
    machine_cost: Decimal
    labour_cost: Decimal


class WorkOrderCost(BaseModel):
    work_order_id: int
    number: str
    quantity_good: int
    quantity_scrap: int
    material_actual: Decimal
    conversion_actual: Decimal
    actual: Decimal
    material_standard: Decimal
    conversion_standard: Decimal
    standard: Decimal
    material_variance: Decimal
    conversion_variance: Decimal
    variance: Decimal
    operations: list[OperationTime]
    gaps: list[str]


class OrderMargin(BaseModel):
    order_id: int
    number: str
    revenue: Decimal
    standard_cost: Decimal
    margin: Decimal
    margin_percent: Decimal | None
    unpriced_lines: list[int]


def work_order_cost(session: Session, actor: Actor, work_order_id: int, *, now: datetime) -> WorkOrderCost:
    require(actor, Permission.FINANCE)
    wo = get_scoped(session, actor, WorkOrder, work_order_id, t("Work order"))
    data = CostData(session, actor.organization_id)
    material_std, conversion_std = unit_cost_parts(data, wo.product_id, [wo.product_id])
    consumed = session.exec(select(Lot.product_id, func.sum(LotConsumption.quantity))
                            .join(Lot, col(Lot.id) == LotConsumption.lot_id)
                            .where(LotConsumption.work_order_id == wo.id).group_by(col(Lot.product_id))).all()
    material = Decimal(0)
    for product_id, quantity in consumed:
        product = data.products[product_id]
        m, c = unit_cost_parts(data, product_id, [product_id])
        if not data.children.get(product_id) and product.standard_cost is None:
            data.gaps.append(t("{code} has no standard cost: its consumption is counted as 0.", code=product.code))
        material += Decimal(quantity) * (m + c)
    operations = _operation_times(session, data, pk(wo), now)
    conversion = sum((o.machine_cost + o.labour_cost for o in operations), Decimal(0))
    good = Decimal(wo.quantity_good)
    m_std, c_std = good * material_std, good * conversion_std
    return WorkOrderCost(work_order_id=wo.id, number=wo.number, quantity_good=wo.quantity_good,
                         quantity_scrap=wo.quantity_scrap, material_actual=quantize4(material), conversion_actual=quantize4(conversion),
                         actual=quantize4(material + conversion), material_standard=quantize4(m_std), conversion_standard=quantize4(c_std),
                         standard=quantize4(m_std + c_std), material_variance=quantize4(material - m_std),
                         conversion_variance=quantize4(conversion - c_std), variance=quantize4(material + conversion - m_std - c_std),
                         operations=operations, gaps=sorted(set(data.gaps)))


def order_margin(session: Session, actor: Actor, order_id: int) -> OrderMargin:
    require(actor, Permission.FINANCE)
    order = get_scoped(session, actor, CustomerOrder, order_id, t("Customer order"))
    data = CostData(session, actor.organization_id)
    revenue = cost = Decimal(0)
    unpriced = []
    for line in session.exec(select(OrderLine).where(OrderLine.order_id == order.id).order_by(col(OrderLine.line_no))).all():
        if line.unit_price is None:
            unpriced.append(line.line_no)
            continue
        m, c = unit_cost_parts(data, line.product_id, [line.product_id])
        revenue += Decimal(line.quantity_delivered) * Decimal(line.unit_price)
        cost += Decimal(line.quantity_delivered) * (m + c)
    margin = revenue - cost
    return OrderMargin(order_id=order.id, number=order.number, revenue=quantize4(revenue), standard_cost=quantize4(cost),
                       margin=quantize4(margin), margin_percent=quantize4(margin * 100 / revenue) if revenue else None,
                       unpriced_lines=unpriced)


def _operation_times(session: Session, data: CostData, work_order_id: int, now: datetime) -> list[OperationTime]:
    ops = session.exec(select(Operation).where(Operation.work_order_id == work_order_id)
                       .order_by(col(Operation.sequence))).all()
    events = session.exec(select(ProductionEvent.operation_id, ProductionEvent.kind, ProductionEvent.occurred_at)
                          .where(col(ProductionEvent.operation_id).in_([o.id for o in ops] or [-1]),
                                 col(ProductionEvent.kind).in_(list(_OPENS | _CLOSES)))
                          .order_by(col(ProductionEvent.occurred_at), col(ProductionEvent.id))).all()
    seconds: dict[int | None, Decimal] = defaultdict(Decimal)        # by operation (the query names them all)
    opened: dict[int | None, datetime] = {}
    for operation_id, kind, at in events:
        if kind in _OPENS:
            opened.setdefault(operation_id, at)
        elif operation_id in opened:
            seconds[operation_id] += Decimal((at - opened.pop(operation_id)).total_seconds())
    for operation_id, since in opened.items():
        seconds[operation_id] += Decimal(max(0.0, (now - since).total_seconds()))
    out = []
    for op in ops:
        center = data.centers.get(op.work_center_id)
        hours = seconds[op.id] / 3600
        machine = hours * Decimal(center.machine_rate_per_hour or 0) if center else Decimal(0)
        labour = hours * Decimal(center.labour_rate_per_hour or 0) if center else Decimal(0)
        if hours and center is not None and center.machine_rate_per_hour is None and center.labour_rate_per_hour is None:
            data.gaps.append(t("Work center {code} has no machine or labour rate: its time is counted as 0.",
                              code=center.code))
        out.append(OperationTime(sequence=op.sequence, name=op.name, run_hours=quantize4(hours), machine_cost=quantize4(machine),
                                 labour_cost=quantize4(labour)))
    return out



