"""Quality test data through the services: an inspection plan with one characteristic, and helpers to
record values at given times."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from services.core.access import Actor
from services.core.db import transaction
from services.quality import inspection_plans, inspections, spc_charts
from services.quality.inspection_plans import CharacteristicData, PlanCreate
from services.quality.inspections import InspectionData
from tests.conftest import T0


def make_plan(session: Session, actor: Actor, plant_id: int, product_id: int, *, name: str = "Shaft checks",
              chart_type: str = "i_mr", subgroup_size: int = 1, lsl="5", usl="19", nominal="12",
              ruleset: str = "western_electric") -> tuple[int, int]:
    """(plan id, characteristic id)."""
    with transaction(session):
        plan = inspection_plans.create_plan(session, actor, PlanCreate(plant_id=plant_id, product_id=product_id,
                                                                       name=name), now=T0)
        c = inspection_plans.add_characteristic(session, actor, plan.id, CharacteristicData(
            name="Diameter", unit="mm", nominal=nominal, lsl=lsl, usl=usl, chart_type=chart_type,
            subgroup_size=subgroup_size, ruleset=ruleset), now=T0)
    return plan.id, c.id


def measure(session: Session, actor: Actor, characteristic_id: int, minute: int, values=None, **kw):
    at = T0 + timedelta(minutes=minute)
    data = InspectionData(values=[Decimal(str(v)) for v in (values or [])], measured_at=at, **kw)
    with transaction(session):
        return inspections.record_inspection(session, actor, characteristic_id, data, now=at)


def baseline(session: Session, actor: Actor, characteristic_id: int, first_minute: int, last_minute: int):
    with transaction(session):
        return spc_charts.set_baseline(session, actor, characteristic_id, start=T0 + timedelta(minutes=first_minute),
                                       end=T0 + timedelta(minutes=last_minute), now=T0 + timedelta(hours=1))
