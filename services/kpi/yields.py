"""First-pass yield per product and routing step, and rolled throughput yield per product, from the count rollups.

FPY of a step = units through it right first time / units entering it. Takt records no rework yet, so a unit
enters a step when it is reported good or scrap there and passes right first time when reported good.
RTY of a product = the product of its steps' FPYs in routing order, over the steps that saw units in the period
(steps without units have no FPY and are listed with none).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, select

from models.catalog import Product
from models.routing import Routing, RoutingStep
from services.core.access import Actor
from services.core.display_names import display_name
from services.kpi import formulas as kpi_math
from services.kpi.read_models import ProductYield, StepYield, YieldReport, exact
from services.kpi.scope import count_sums, resolve_scope


def fpy_by_product_step(session: Session, actor: Actor, *, plant_id: int, start: datetime, end: datetime,
                        department_id: int | None = None, machine_id: int | None = None,
                        shift_id: int | None = None, product_id: int | None = None,
                        now: datetime) -> YieldReport:
    scope = resolve_scope(session, actor, plant_id=plant_id, start=start, end=end, department_id=department_id,
                          machine_id=machine_id, shift_id=shift_id, now=now)
    units: dict[tuple[int | None, int | None], list[int]] = defaultdict(lambda: [0, 0])
    for pid, step, good, scrap, _ideal, _good_ideal, _events in count_sums(session, scope, "product_id", "step"):
        if product_id is not None and pid != product_id:
            continue
        units[(pid, step)][0] += int(good or 0) + int(scrap or 0)
        units[(pid, step)][1] += int(good or 0)
    product_ids = {pid for pid, _s in units if pid is not None}
    products = {p.id: p for p in session.exec(select(Product).where(
        col(Product.id).in_(product_ids), Product.organization_id == actor.organization_id)).all()}
    names = _step_names(session, product_ids)
    out = []
    for pid in sorted({p for p, _s in units}, key=lambda p: (products[p].code if p in products else "")):
        product = products.get(pid)
        steps = []
        for (p, step), (units_in, right) in sorted(units.items(), key=lambda i: (i[0][1] is None, i[0][1] or 0)):
            if p != pid:
                continue
            value = kpi_math.fpy(units_in, right)
            steps.append(StepYield(product_id=pid, product_code=product.code if product else "-",
                                   product_name=display_name(product) if product else "", step=step,
                                   step_name=names.get((pid, step), "") if pid is not None and step is not None else "",
                                   units_in=units_in, right_first_time=right,
                                   fpy=exact(value), fpy_percent=kpi_math.display(value)))
        measured = [kpi_math.fpy(s.units_in, s.right_first_time) for s in steps if s.units_in]
        rty = kpi_math.rty(measured)
        out.append(ProductYield(product_id=pid, product_code=product.code if product else "-",
                                product_name=display_name(product) if product else "", steps=steps, rty=exact(rty),
                                rty_percent=kpi_math.display(rty)))
    return YieldReport(plant_id=scope.plant.id, start=scope.start, end=scope.end, products=out)


def _step_names(session: Session, product_ids: set[int]) -> dict[tuple[int, int], str]:
    if not product_ids:
        return {}
    rows = session.exec(select(Routing.product_id, RoutingStep.sequence, RoutingStep.name)
                        .join(RoutingStep, col(RoutingStep.routing_id) == col(Routing.id))
                        .where(col(Routing.product_id).in_(product_ids), Routing.is_active == True)  # noqa: E712
                        .order_by(col(Routing.id))).all()
    return {(pid, seq): name for pid, seq, name in rows}
