"""The master data that creating and releasing orders read from per-worker caches
(services/production/lookups.py): a change committed through the master services is seen by the next
order at once, a unit of work sees its own uncommitted change, and no organization reads another's entries."""
from __future__ import annotations

import pytest

from models.orders import Operation
from services.core.db import transaction
from services.core.errors import Invalid
from services.master import customers, products, routings
from services.production import lookups, orders, work_orders
from tests.factories.db import fetch
from tests.factories.orders import PROMISED, make_shop, order, routed_product


@pytest.fixture
def shop(session):
    return make_shop(session)


def release(session, actor, order_id, now):
    with transaction(session):
        return work_orders.release_order_lean(session, actor, order_id, now=now).work_order_ids


def operations_of(engine, work_order_id):
    return [(o.sequence, o.name) for o in fetch(engine, Operation, Operation.work_order_id == work_order_id,
                                                order_by=Operation.sequence)]


def new_order(session, shop, product_id, now):
    return order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(product_id, 5)], now=now).id


def test_a_step_added_after_a_release_is_copied_by_the_next_release(session, engine, shop, now):
    product = routed_product(session, shop.world.org_a, shop.line.work_center_id, steps=((10, "Mill", 0, "5"),))
    first = release(session, shop.planner, new_order(session, shop, product, now), now)
    assert len(lookups.PLANS) > 0                                   # the release plan is cached now
    routing_id = lookups.release_plans(session, shop.world.org_a, [product])[product].routing_id
    with transaction(session):
        routings.add_step(session, shop.admin, routing_id, routings.StepInput(
            name="Deburr", work_center_id=shop.line.work_center_id, ideal_cycle_seconds="3"), now=now)

    second = release(session, shop.planner, new_order(session, shop, product, now), now)

    assert operations_of(engine, first[0]) == [(10, "Mill")]
    assert operations_of(engine, second[0]) == [(10, "Mill"), (20, "Deburr")]


def test_a_unit_of_work_releases_with_its_own_uncommitted_routing_change(session, engine, shop, now):
    product = routed_product(session, shop.world.org_a, shop.line.work_center_id, steps=((10, "Mill", 0, "5"),))
    release(session, shop.planner, new_order(session, shop, product, now), now)          # cached
    routing_id = lookups.release_plans(session, shop.world.org_a, [product])[product].routing_id
    order_id = new_order(session, shop, product, now)
    with transaction(session):
        routings.add_step(session, shop.admin, routing_id, routings.StepInput(
            name="Wash", work_center_id=shop.line.work_center_id, ideal_cycle_seconds="2"), now=now)
        ids = work_orders.release_order_lean(session, shop.planner, order_id, now=now).work_order_ids

    assert operations_of(engine, ids[0]) == [(10, "Mill"), (20, "Wash")]


def test_a_product_or_customer_deactivated_after_an_order_is_refused_by_the_next(session, shop, now):
    product = routed_product(session, shop.world.org_a, shop.line.work_center_id)
    new_order(session, shop, product, now)                                               # both cached active
    with transaction(session):
        products.set_product_active(session, shop.admin, product, False, now=now)
        customers.set_customer_active(session, shop.admin, shop.line.customer_id, False, now=now)

    with pytest.raises(Invalid) as refused:
        new_order(session, shop, product, now)
    assert set(refused.value.fields) == {"customer_id", "lines.0.product_id"}


def test_a_product_cached_for_one_organization_is_not_another_organizations(session, shop, now):
    world = shop.world
    product = routed_product(session, world.org_a, shop.line.work_center_id)
    new_order(session, shop, product, now)                                               # cached for org A
    other = world.actor(world.admin_b)

    with pytest.raises(Invalid) as refused, transaction(session):
        orders.create_order_lean(session, other, orders.OrderCreate(
            plant_id=world.plant_b, customer_id=shop.line.customer_id,
            lines=[orders.OrderLineInput(product_id=product, quantity=1, promised_date=PROMISED)]), now=now)
    assert refused.value.fields == {"customer_id": "Choose a customer.", "lines.0.product_id": "Choose a product."}
