"""The home page shows what needs attention now, for each role, with links (issue 18: it repeated the
navigation as tiles): machines down, late work, SLA breaches, open NCRs and SPC alerts, each only to the
roles whose pages handle it, counted at their plants only."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from models.base import utcnow
from models.inspection import SpcAlert
from models.maintenance import MaintenanceTicket
from rxapp import routes
from rxapp.state.home.attention import HomeState
from services.core.db import transaction
from services.home import attention
from services.quality import ncr as ncr_service
from services.quality.ncr import NcrCreate
from services.shopfloor import operator as shopfloor
from tests.factories.org import actor_of, make_user
from tests.factories.production import add, make_work_order
from tests.factories.quality import baseline, make_plan, measure
from tests.factories.shopfloor import make_floor, new_client_id
from tests.ui.conftest import run, signed_in

ROLES = ("viewer", "operator", "supervisor", "quality", "maintenance", "planner", "finance")


@pytest.fixture
def plant1_trouble(session, world):
    """At plant 1: a machine down, a late work order, a ticket past its SLA, an open NCR, an SPC alert;
    at plant 2 a machine down that plant-1 people must not count."""
    people = {role: make_user(session, world.org_a, roles=[role], plant_ids=[world.plant1], username=role)
              for role in ROLES}
    floor = make_floor(session, world.org_a, world.plant1, world.dept1)
    other = make_floor(session, world.org_a, world.plant2, world.dept2)
    for f in (floor, other):
        with transaction(session):
            shopfloor.start_downtime(session, actor_of(session, world.admin_a), f.machine_id,
                                     f.line.downtime_reason_id, client_id=new_client_id(), now=utcnow())
    make_work_order(session, world.org_a, world.plant1, floor.line, due=date.today() - timedelta(days=2))
    make_work_order(session, world.org_a, world.plant1, floor.line, due=date.today() + timedelta(days=5))
    with transaction(session):
        add(session, MaintenanceTicket(organization_id=world.org_a, plant_id=world.plant1, machine_id=floor.machine_id,
                                       number="MT-T1", title="Spindle noise", resolution_due_at=utcnow() - timedelta(hours=1)))
        quality = actor_of(session, people["quality"])
        ncr_service.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Burr", severity="major"),
                               now=utcnow())
    _, cid = make_plan(session, quality, world.plant1, floor.line.product_id, name="Bore")
    for minute, value in enumerate([10, 12, 11, 13, 14]):
        measure(session, quality, cid, minute, [value])
    baseline(session, quality, cid, 0, 4)
    measure(session, quality, cid, 9, [40])                      # far beyond the limits (value and moving range)
    people["alerts"] = len(session.exec(select(SpcAlert)).all())
    assert people["alerts"] >= 1
    return people


def kinds(session, user_id) -> dict[str, int]:
    return {a.kind: a.count for a in attention(session, actor_of(session, user_id), now=utcnow())}


def test_each_role_sees_what_its_pages_handle(session, world, plant1_trouble):
    alerts = plant1_trouble.pop("alerts")
    seen = {role: kinds(session, uid) for role, uid in plant1_trouble.items()}
    assert seen["viewer"] == {"machines_down": 1, "late_work": 1, "open_ncrs": 1}
    assert seen["operator"] == {"machines_down": 1, "spc_alerts": alerts}
    assert seen["supervisor"] == {"machines_down": 1, "late_work": 1, "sla_breaches": 1, "open_ncrs": 1,
                                  "spc_alerts": alerts}
    assert seen["quality"] == {"machines_down": 1, "late_work": 1, "open_ncrs": 1, "spc_alerts": alerts}
    assert seen["maintenance"] == {"machines_down": 1, "sla_breaches": 1}
    assert seen["planner"] == seen["viewer"]
    assert seen["finance"] == seen["viewer"]                        # they read the dashboards, as viewers do
    assert kinds(session, world.admin_a)["machines_down"] == 2          # both plants
    assert kinds(session, world.admin_b) == {}                         # another organization: nothing


async def test_the_home_page_cards_say_it_in_words_and_link_to_the_page(engine, session, world, plant1_trouble):
    state = await signed_in(engine, HomeState, "supervisor")
    await run(state.load_attention(), state)
    assert not state.attention_loading and state.attention_error == ""
    cards = {c.kind: (c.title, c.href) for c in state.cards}
    assert cards["machines_down"] == ("1 machine down", routes.ANDON)
    assert cards["late_work"] == ("1 work order past its due date", routes.DASHBOARD)   # no PLAN: not /schedule
    assert cards["open_ncrs"] == ("1 open NCR", routes.NCRS)
    assert cards["spc_alerts"][1] == routes.QUALITY_SPC and cards["spc_alerts"][0].endswith(" to acknowledge")
    assert [c.kind for c in state.cards] == ["machines_down", "late_work", "sla_breaches", "open_ncrs", "spc_alerts"]
    planner = await signed_in(engine, HomeState, "planner")
    await run(planner.load_attention(), planner)
    assert {c.kind: c.href for c in planner.cards}["late_work"] == routes.SCHEDULE
    operator = await signed_in(engine, HomeState, "operator")
    await run(operator.load_attention(), operator)
    assert {c.kind: c.href for c in operator.cards}["machines_down"] == routes.OPERATOR
    calm = await signed_in(engine, HomeState, "admin.b")
    await run(calm.load_attention(), calm)
    assert calm.cards == [] and calm.attention_error == ""


def test_open_ncrs_name_the_most_severe_first(session, world, plant1_trouble):
    quality = actor_of(session, plant1_trouble["quality"])
    with transaction(session):
        minor = ncr_service.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Scratch",
                                                                  severity="minor"), now=utcnow())
        critical = ncr_service.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Crack",
                                                                     severity="critical"), now=utcnow())
    (ncrs,) = [a for a in attention(session, quality, now=utcnow()) if a.kind == "open_ncrs"]
    assert ncrs.count == 3
    assert ncrs.names[0] == critical.number and ncrs.names[2] == minor.number
