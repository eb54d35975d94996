"""The demo's quality data: a plan with a baseline and a recent drift that trips the run rules,
a reject from the latest scrap report and a customer return."""
from __future__ import annotations

from sqlmodel import func, select

from models.inspection import Inspection, InspectionCharacteristic, SpcAlert
from models.rejects import CustomerReturn, InternalReject
from models.shopfloor import EventKind, ProductionEvent
from services.core.db import transaction
from services.demo.quality import BASELINE_SUBGROUPS, DRIFT, seed_demo_quality
from tests.conftest import T0
from tests.factories.org import make_department, make_plant, make_user
from tests.factories.production import add, make_line, make_work_order


def test_demo_quality_trips_a_rule(session, world):
    ber = make_plant(session, world.org_a, "BER")
    line = make_line(session, world.org_a, ber, make_department(session, world.org_a, ber))
    _, ops = make_work_order(session, world.org_a, ber, line)
    with transaction(session):
        add(session, ProductionEvent(organization_id=world.org_a, plant_id=ber, machine_id=line.machine_ids[0],
                                     operation_id=ops[0], kind=EventKind.COUNT, quantity_scrap=4, client_id="demo-1",
                                     occurred_at=T0))
    quality = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[ber]))
    with transaction(session):
        seed_demo_quality(session, world.org_a, quality, now=T0)
    c = session.exec(select(InspectionCharacteristic)).one()
    assert c.limits and c.limits["subgroups"] == BASELINE_SUBGROUPS
    assert session.exec(select(func.count()).select_from(Inspection)).one() == BASELINE_SUBGROUPS + len(DRIFT)
    rules = {a.rule for a in session.exec(select(SpcAlert)).all()}
    assert rules and rules <= {1, 2, 3, 4}
    assert session.exec(select(InternalReject.quantity)).one() == 4
    assert session.exec(select(CustomerReturn.customer_reference)).one() == "RMA-1042"
