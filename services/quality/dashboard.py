"""The quality dashboard of one plant over a period [start, end).

- Defects Pareto: quantities of internal rejects and customer returns reported in the period, per
  defect code, largest first, with the cumulative share.
- FPY trend: per day (UTC), units reported good / units reported good or scrap, from the count
  rollups (services/kpi/rollups.py keeps them; no raw-event scan).
- Open NCRs by age (days since detected, at `now`): 0-7, 8-30, 31-90, over 90.
- SPC alerts: open (unacknowledged) count and the latest ones.
- Cost of poor quality (Decimal, the product's standard cost, in the organization's default currency; products without one count 0 and are
  named in `uncosted_products`): scrap reported on the floor (rollup scrap counts), rework (rejects
  and returns dispositioned rework and closed in the period) and customer returns (reported in the period).
Reading needs VIEW_DASHBOARDS or QUALITY, at the plant.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.catalog import Product
from models.kpi_rollup import KpiCountSlice
from models.ncr import Ncr
from models.rejects import CustomerReturn, Disposition, InternalReject
from services.config import type_lists
from services.core.access import Actor, Permission, require
from services.core.errors import Forbidden, Invalid
from services.core.messages import t
from services.kpi import formulas as kpi_math
from services.master.common import visible_plant
from services.org import settings
from services.quality import inspections
from services.quality.inspections import AlertRead

AGE_BUCKETS = [("0-7", 0, 7), ("8-30", 8, 30), ("31-90", 31, 90), ("90+", 91, None)]
ZERO = Decimal(0)

CASES: tuple[type[Any], ...] = (InternalReject, CustomerReturn)     # the two kinds of quality case


class ParetoBar(BaseModel):
    code: str
    label: str
    quantity: int
    cumulative_percent: Decimal


class FpyDay(BaseModel):
    day: str
    units_in: int
    right_first_time: int
    fpy_percent: Decimal | None


class AgeBucket(BaseModel):
    label: str
    count: int


class CostLine(BaseModel):
    category: str
    quantity: int
    cost: Decimal


class QualityOverview(BaseModel):
    plant_id: int
    start: datetime
    end: datetime
    pareto: list[ParetoBar]
    fpy: list[FpyDay]
    ncr_ages: list[AgeBucket]
    open_ncrs: int
    open_alerts: int
    alerts: list[AlertRead]
    copq: list[CostLine]
    copq_total: Decimal
    currency: str = "EUR"            # the organization's default currency: standard costs, hence the CoPQ, are in it
    uncosted_products: list[str]


def _require(actor: Actor, plant_id: int) -> None:
    if Permission.VIEW_DASHBOARDS not in actor.permissions and Permission.QUALITY not in actor.permissions:
        raise Forbidden(t("You are not allowed to do this: it needs the 'view_dashboards' or 'quality' permission."))
    require(actor, Permission.VIEW, plant_id=plant_id)


def overview(session: Session, actor: Actor, *, plant_id: int, start: datetime, end: datetime,
             now: datetime) -> QualityOverview:
    visible_plant(session, actor, plant_id)
    _require(actor, plant_id)
    if start >= end or end - start > timedelta(days=366):
        raise Invalid(t("Choose a period of at most a year whose start is before its end."))
    costs = _costs(session, actor, plant_id, start, end)
    alerts = inspections.list_alerts(session, actor, plant_id=plant_id, open_only=True, limit=1000)
    ages, open_ncrs = _ncr_ages(session, actor, plant_id, now)
    return QualityOverview(plant_id=plant_id, start=start, end=end, pareto=_pareto(session, actor, plant_id, start, end),
                           fpy=_fpy(session, actor, plant_id, start, end), ncr_ages=ages, open_ncrs=open_ncrs,
                           open_alerts=len(alerts), alerts=alerts[:10], copq=costs[0],
                           copq_total=sum((c.cost for c in costs[0]), ZERO), uncosted_products=costs[1],
                           currency=settings.default_currency(session, actor.organization_id))


def _pareto(session: Session, actor: Actor, plant_id: int, start: datetime, end: datetime) -> list[ParetoBar]:
    totals: dict[int, int] = defaultdict(int)
    for model in CASES:
        for code_id, qty in session.exec(select(model.defect_code_id, func.sum(model.quantity)).where(
                model.organization_id == actor.organization_id, model.plant_id == plant_id,
                model.reported_at >= start, model.reported_at < end).group_by(model.defect_code_id)).all():
            totals[code_id] += int(qty or 0)
    values = {v.id: v for v in type_lists.values(session, actor, type_lists.DEFECT_CODES, include_retired=True)}
    grand = sum(totals.values())
    bars, running = [], 0
    for code_id, qty in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        running += qty
        value = values.get(code_id)
        bars.append(ParetoBar(code=value.code if value else "?", label=value.label if value else "?", quantity=qty,
                              cumulative_percent=(Decimal(running) * 100 / grand).quantize(Decimal("0.1"))))
    return bars


def _fpy(session: Session, actor: Actor, plant_id: int, start: datetime, end: datetime) -> list[FpyDay]:
    days: dict[str, list[int]] = {}
    day = start.date()
    while datetime.combine(day, datetime.min.time(), tzinfo=start.tzinfo) < end:
        days[day.isoformat()] = [0, 0]
        day += timedelta(days=1)
    rows = session.exec(select(KpiCountSlice.slice_start, KpiCountSlice.good, KpiCountSlice.scrap).where(
        KpiCountSlice.organization_id == actor.organization_id, KpiCountSlice.plant_id == plant_id,
        KpiCountSlice.slice_start >= start, KpiCountSlice.slice_start < end)).all()
    for at, good, scrap in rows:
        bucket = days.setdefault(at.date().isoformat(), [0, 0])
        bucket[0] += int(good or 0) + int(scrap or 0)
        bucket[1] += int(good or 0)
    out = []
    for key in sorted(days):
        units_in, right = days[key]
        value = kpi_math.fpy(units_in, right)
        out.append(FpyDay(day=key, units_in=units_in, right_first_time=right,
                          fpy_percent=None if value is None else (Decimal(value.numerator) * 100 / value.denominator)
                          .quantize(Decimal("0.1"))))
    return out


def _ncr_ages(session: Session, actor: Actor, plant_id: int, now: datetime) -> tuple[list[AgeBucket], int]:
    detected = session.exec(select(Ncr.detected_at).where(Ncr.organization_id == actor.organization_id,
                                                          Ncr.plant_id == plant_id, Ncr.is_closed == False)).all()  # noqa: E712
    ages = [max((now - at).days, 0) for at in detected]
    return [AgeBucket(label=label, count=sum(1 for a in ages if a >= low and (high is None or a <= high)))
            for label, low, high in AGE_BUCKETS], len(ages)


def _costs(session: Session, actor: Actor, plant_id: int, start: datetime, end: datetime) -> tuple[list[CostLine], list[str]]:
    quantities: dict[str, dict[int, int]] = {"scrap": defaultdict(int), "rework": defaultdict(int),
                                             "returns": defaultdict(int)}
    for pid, scrap in session.exec(select(KpiCountSlice.product_id, func.sum(KpiCountSlice.scrap)).where(
            KpiCountSlice.organization_id == actor.organization_id, KpiCountSlice.plant_id == plant_id,
            KpiCountSlice.slice_start >= start, KpiCountSlice.slice_start < end,
            col(KpiCountSlice.product_id).is_not(None)).group_by(col(KpiCountSlice.product_id))).all():
        if pid is not None:                                 # excluded by the query; the column type allows None
            quantities["scrap"][pid] += int(scrap or 0)
    for model in CASES:
        for pid, qty in session.exec(select(model.product_id, func.sum(model.quantity)).where(
                model.organization_id == actor.organization_id, model.plant_id == plant_id,
                model.disposition == Disposition.REWORK, model.closed_at >= start, model.closed_at < end,
                model.rework_operation_id.is_not(None)).group_by(model.product_id)).all():
            quantities["rework"][pid] += int(qty or 0)
    for pid, qty in session.exec(select(CustomerReturn.product_id, func.sum(CustomerReturn.quantity)).where(
            CustomerReturn.organization_id == actor.organization_id, CustomerReturn.plant_id == plant_id,
            CustomerReturn.reported_at >= start, CustomerReturn.reported_at < end).group_by(col(CustomerReturn.product_id))).all():
        quantities["returns"][pid] += int(qty or 0)
    product_ids = {pid for q in quantities.values() for pid, n in q.items() if n}
    products = {p.id: p for p in session.exec(select(Product).where(col(Product.id).in_(product_ids or {0}))).all()}
    lines = [CostLine(category=category, quantity=sum(per.values()),
                      cost=sum((Decimal(n) * (products[pid].standard_cost or ZERO) for pid, n in per.items()
                                if pid in products), ZERO))
             for category, per in quantities.items()]
    uncosted = sorted(p.code for p in products.values() if p.standard_cost is None)
    return lines, uncosted
