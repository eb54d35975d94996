"""Buttons show only to people whose permissions the change behind them will accept (issue 18, "Raise NCR"
showed to a viewer and was refused on submit). Each page state reads the allowed actions from the
services' read models (can_*), so a viewer, an operator or a supervisor sees no button that would be
refused, and the people who may act still see theirs."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.base import utcnow
from rxapp.state.production.schedule import ScheduleState
from rxapp.state.production.work_orders import WorkOrdersState
from rxapp.state.quality.inspection_plans import PlansState
from rxapp.state.quality.ncr_detail import NcrDetailState
from rxapp.state.quality.ncrs import NcrsState
from rxapp.state.quality.rejects import RejectsState
from rxapp.state.quality.spc import SpcState
from rxapp.state.trace.lots import LotsState
from rxapp.state.trace.shipments import ShipmentsState
from services.core.access import Permission as P
from services.core.access import can_any
from services.core.db import transaction
from services.quality import capa
from services.quality import ncr as ncr_service
from services.quality.capa import CapaCreate
from services.quality.ncr import NcrCreate
from tests.factories.org import actor_of, make_user
from tests.factories.production import make_line
from tests.factories.quality import make_plan, measure
from tests.ui.conftest import run, signed_in

ROLES = ("viewer", "operator", "supervisor", "quality", "maintenance", "finance")


@pytest.fixture
def people(session, world):
    """One user per role at plant 1, named after the role."""
    return {role: make_user(session, world.org_a, roles=[role], plant_ids=[world.plant1], username=role)
            for role in ROLES}


async def _loaded(engine, cls, username):
    state = await signed_in(engine, cls, username)
    await run(state.load(), state)
    assert state.load_error == ""
    return state


def test_can_any_is_at_a_plant_of_the_actor(session, world, people):
    quality = actor_of(session, people["quality"])
    assert can_any(quality, P.QUALITY) and can_any(quality, P.QUALITY, plant_id=world.plant1)
    assert not can_any(quality, P.QUALITY, plant_id=world.plant2)
    assert not can_any(actor_of(session, people["viewer"]), P.QUALITY, P.PLAN)
    nowhere = actor_of(session, make_user(session, world.org_a, roles=["quality"], username="q.nowhere"))
    assert not can_any(nowhere, P.QUALITY)


async def test_raise_ncr_reject_and_new_plan_show_to_quality_staff_only(engine, session, world, people):
    for role in ROLES:
        ncrs, rejects, plans = [await _loaded(engine, cls, role) for cls in (NcrsState, RejectsState, PlansState)]
        quality = role == "quality"
        assert (ncrs.can_raise, rejects.can_raise, plans.can_create) == (quality, quality, quality), role


async def test_ncr_detail_offers_steps_and_capa_only_to_who_may_take_them(engine, session, world, people):
    quality = actor_of(session, people["quality"])
    with transaction(session):
        ncr = ncr_service.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Burr"), now=utcnow())
        due = date.today() + timedelta(days=3)
        capa.add_action(session, quality, ncr.id, CapaCreate(description="Deburr", kind="corrective",
                                                             owner_user_id=people["supervisor"], due_date=due),
                        now=utcnow())
        capa.add_action(session, quality, ncr.id, CapaCreate(description="Train", kind="preventive",
                                                             owner_user_id=people["quality"], due_date=due),
                        now=utcnow())
    seen = {}
    for role in ("viewer", "supervisor", "quality"):
        state = await signed_in(engine, NcrDetailState, role)
        state.ncr_id = ncr.id
        await run(state.load(), state)
        seen[role] = (len(state.transitions) > 0, [a.can_complete for a in state.actions])
    assert seen == {"viewer": (False, [False, False]),
                    "supervisor": (False, [True, False]),          # the owner of "Deburr" may mark it done
                    "quality": (True, [True, True])}


async def test_spc_record_for_inspectors_and_limits_for_quality(engine, session, world, people):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    _, cid = make_plan(session, actor_of(session, people["quality"]), world.plant1, line.product_id)
    measure(session, actor_of(session, people["quality"]), cid, 0, [10])
    seen = {}
    for role in ("viewer", "operator", "quality"):
        state = await signed_in(engine, SpcState, role)
        await run(state.enter())
        await run(state.load(), state)
        seen[role] = (state.can_record, state.can_manage)
    assert seen == {"viewer": (False, False), "operator": (True, False), "quality": (True, True)}


async def test_inspection_plan_characteristics_change_at_the_quality_staffs_plant(engine, session, world, people):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    make_plan(session, actor_of(session, people["quality"]), world.plant1, line.product_id)
    quality, viewer = [await _loaded(engine, PlansState, role) for role in ("quality", "viewer")]
    assert quality.can_change_plan and not viewer.can_change_plan


async def test_schedule_buttons_show_to_planners_only(engine, session, world, people):
    make_line(session, world.org_a, world.plant1, world.dept1)
    seen = {}
    for username in ("planner.one", "supervisor", "viewer"):
        state = await signed_in(engine, ScheduleState, username)
        await run(state.enter(), state)
        assert state.load_error == ""
        seen[username] = state.can_plan
    assert seen == {"planner.one": True, "supervisor": False, "viewer": False}


async def test_work_orders_complete_only_for_planners(engine, session, world, people):
    planner, viewer = [await _loaded(engine, WorkOrdersState, u) for u in ("planner.one", "viewer")]
    assert planner.can_complete and not viewer.can_complete


async def test_lots_and_shipments_buttons_follow_the_trace_permissions(engine, session, world, people):
    seen = {}
    for username in ("viewer", "operator", "supervisor", "quality", "planner.one"):
        lots, shipments = [await _loaded(engine, cls, username) for cls in (LotsState, ShipmentsState)]
        seen[username] = (lots.can_receive, lots.can_locate, shipments.can_create)
    assert seen == {"viewer": (False, False, False), "operator": (True, False, True),
                    "supervisor": (True, True, True), "quality": (False, False, False),
                    "planner.one": (False, False, True)}
