
"""Routings: ordered steps, one active routing per product, reorder, validation and isolation."""
from decimal import Decimal

import pytest

from models.base import utcnow
from models.routing import RoutingStep
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.master import products, routings
from services.master import work_centers as wcs
from services.master.products import ProductCreate
from services.master.routings import RoutingCreate, RoutingUpdate, StepInput, StepUpdate
from services.master.work_centers import WorkCenterCreate
from tests.factories.db import committed, fetch


@pytest.fixture
def planner(world):
    return world.actor(world.planner1)


@pytest.fixture
def setup(world, session, planner):
    admin = world.actor(world.admin_a)
    wc1 = committed(session, wcs.create_work_center, admin, WorkCenterCreate(plant_id=world.plant1, department_id=world.dept1,
                                                                             code="CUT", name="Cutting"), now=utcnow()).id
    wc2 = committed(session, wcs.create_work_center, admin, WorkCenterCreate(plant_id=world.plant2, department_id=world.dept2,
                                                                             code="ASSY", name="Assembly"), now=utcnow()).id
    product = committed(session, products.create_product, planner, ProductCreate(code="FG", name="Frame"), now=utcnow()).id
    return wc1, wc2, product


def _steps(wc, *names):
    return [StepInput(name=n, work_center_id=wc, setup_seconds=60 * i, ideal_cycle_seconds=f"{10 + i}.5")
            for i, n in enumerate(names)]


def test_create_routing_numbers_steps_and_activates(world, session, planner, setup, captured_events):
    wc1, _, product = setup
    r = committed(session, routings.create_routing, planner, RoutingCreate(product_id=product, name="Standard",
                                                                           steps=_steps(wc1, "Cut", "Drill", "Deburr")), now=utcnow())
    assert (r.version, r.is_active, r.product_code) == (1, True, "FG")
    assert [(s.sequence, s.name, s.setup_seconds, s.ideal_cycle_seconds) for s in r.steps] == [
        (10, "Cut", 0, Decimal("10.5")), (20, "Drill", 60, Decimal("11.5")), (30, "Deburr", 120, Decimal("12.5"))]
    assert routings.active_routing(session, planner, product).id == r.id
    assert [e.name for e in captured_events if e.name.startswith("routing")] == ["routing.created", "routing.activated"]


def test_one_active_routing_per_product(world, session, planner, setup):
    wc1, _, product = setup
    v1 = committed(session, routings.create_routing, planner, RoutingCreate(product_id=product, steps=_steps(wc1, "A")), now=utcnow())
    v2 = committed(session, routings.create_routing, planner, RoutingCreate(product_id=product, steps=_steps(wc1, "B")), now=utcnow())
    assert v2.version == 2
    assert [(r.version, r.is_active) for r in routings.list_routings(session, planner, product_id=product)] == \
        [(1, False), (2, True)]
    committed(session, routings.set_routing_active, planner, v1.id, True, now=utcnow())
    assert routings.active_routing(session, planner, product).version == 1
    assert [r.version for r in routings.list_routings(session, planner, active=True)] == [1]
    committed(session, routings.set_routing_active, planner, v1.id, False, now=utcnow())
    assert routings.active_routing(session, planner, product) is None


def test_routing_without_steps_stays_inactive_and_cannot_be_activated(world, session, planner, setup):
    _, _, product = setup
    empty = committed(session, routings.create_routing, planner, RoutingCreate(product_id=product, name="Draft"), now=utcnow())
    assert empty.is_active is False and empty.steps == []
    with pytest.raises(Invalid) as exc:
        routings.set_routing_active(session, planner, empty.id, True, now=utcnow())
    assert "at least one step" in exc.value.message


def test_step_validation(world, session, planner, setup):
    wc1, _, product = setup
    r = committed(session, routings.create_routing, planner, RoutingCreate(product_id=product, steps=_steps(wc1, "Cut")), now=utcnow())
    for bad, field in [(dict(ideal_cycle_seconds="0"), "ideal_cycle_seconds"), (dict(ideal_cycle_seconds="-3"), "ideal_cycle_seconds"),
                       (dict(setup_seconds=-1), "setup_seconds"), (dict(setup_seconds=10**12), "setup_seconds"),
                       (dict(ideal_cycle_seconds="1e400"), "ideal_cycle_seconds"), (dict(name=" "), "name"),
                       (dict(work_center_id=999999), "work_center_id"), (dict(sequence=10), "sequence"),
                       (dict(sequence=0), "sequence")]:
        values = dict(name="Drill", work_center_id=wc1, setup_seconds=0, ideal_cycle_seconds="5") | bad
        with pytest.raises(Invalid) as exc:
            routings.add_step(session, planner, r.id, StepInput(**values), now=utcnow())
        assert list(exc.value.fields) == [field], bad
    with pytest.raises(Invalid) as exc:
        routings.create_routing(session, planner, RoutingCreate(product_id=product, steps=[
            StepInput(name="A", work_center_id=wc1, ideal_cycle_seconds="0")]), now=utcnow())
    assert list(exc.value.fields) == ["steps.0.ideal_cycle_seconds"]


def test_add_edit_remove_and_reorder_steps(world, session, engine, planner, setup):
    wc1, _, product = setup
    r = committed(session, routings.create_routing, planner, RoutingCreate(product_id=product, steps=_steps(wc1, "Cut", "Drill")),
                  now=utcnow())
    r = committed(session, routings.add_step, planner, r.id, StepInput(name="Paint", work_center_id=wc1, ideal_cycle_seconds="40"),
                  now=utcnow())
    r = committed(session, routings.add_step, planner, r.id, StepInput(name="Inspect", work_center_id=wc1,
                                                                       ideal_cycle_seconds="5", sequence=15), now=utcnow())
    assert [(s.sequence, s.name) for s in r.steps] == [(10, "Cut"), (15, "Inspect"), (20, "Drill"), (30, "Paint")]
    ids = {s.name: s.id for s in r.steps}
    r = committed(session, routings.update_step, planner, ids["Paint"], StepUpdate(ideal_cycle_seconds="42.125", setup_seconds=90),
                  now=utcnow())
    assert (r.steps[-1].ideal_cycle_seconds, r.steps[-1].setup_seconds) == (Decimal("42.125"), 90)
    r = committed(session, routings.reorder_steps, planner, r.id, [ids["Drill"], ids["Cut"], ids["Paint"], ids["Inspect"]], now=utcnow())
    assert [(s.sequence, s.name) for s in r.steps] == [(10, "Drill"), (20, "Cut"), (30, "Paint"), (40, "Inspect")]
    stored = fetch(engine, RoutingStep, RoutingStep.routing_id == r.id, order_by=RoutingStep.sequence)
    assert [s.name for s in stored] == ["Drill", "Cut", "Paint", "Inspect"]
    with pytest.raises(Invalid):
        routings.reorder_steps(session, planner, r.id, [ids["Drill"], ids["Cut"]], now=utcnow())
    with pytest.raises(Invalid):
        routings.update_step(session, planner, ids["Cut"], StepUpdate(sequence=10), now=utcnow())
    session.rollback()
    for name in ("Drill", "Cut", "Paint"):
        r = committed(session, routings.remove_step, planner, ids[name], now=utcnow())
    assert [s.name for s in r.steps] == ["Inspect"]
    with pytest.raises(Conflict):
        routings.remove_step(session, planner, ids["Inspect"], now=utcnow())
    r = committed(session, routings.update_routing, planner, r.id, RoutingUpdate(name="Lean"), now=utcnow())
    assert r.name == "Lean"


def test_isolation_and_permissions(world, session, planner, setup):
    wc1, wc2, product = setup
    admin = world.actor(world.admin_a)
    # a plant-1 planner cannot put steps at a plant-2 work center, nor change a routing that uses one
    with pytest.raises(Invalid) as exc:
        routings.create_routing(session, planner, RoutingCreate(product_id=product, steps=_steps(wc2, "Assemble")), now=utcnow())
    assert exc.value.fields == {"steps.0.work_center_id": "Unknown work center."}
    session.rollback()
    mixed = committed(session, routings.create_routing, admin, RoutingCreate(product_id=product,
                                                                             steps=_steps(wc1, "Cut") + _steps(wc2, "Assemble")),
                      now=utcnow())
    with pytest.raises(Forbidden):
        routings.add_step(session, planner, mixed.id, StepInput(name="X", work_center_id=wc1, ideal_cycle_seconds="1"), now=utcnow())
    with pytest.raises(Forbidden):
        routings.reorder_steps(session, planner, mixed.id, [s.id for s in reversed(mixed.steps)], now=utcnow())
    operator = world.actor(world.operator1)
    assert routings.get_routing(session, operator, mixed.id).version == 1
    with pytest.raises(Forbidden):
        routings.update_routing(session, operator, mixed.id, RoutingUpdate(name="x"), now=utcnow())
    admin_b = world.actor(world.admin_b)
    assert routings.list_routings(session, admin_b) == []
    for call in (lambda: routings.get_routing(session, admin_b, mixed.id),
                 lambda: routings.active_routing(session, admin_b, product),
                 lambda: routings.remove_step(session, admin_b, mixed.steps[0].id, now=utcnow())):
        with pytest.raises(NotFound):
            call()
