"""Releasing orders into work orders and operations, multi-level children, and read models."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from models.catalog import ProductType
from models.orders import (
    CustomerOrder,
    Operation,
    OrderStatus,
    StatusChange,
    WorkOrder,
    WorkStatus,
)
from models.routing import Routing
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound
from services.production import work_order_reads, work_orders
from services.production.transitions import InvalidTransition
from tests.factories.db import count, fetch, snapshot
from tests.factories.orders import (
    PROMISED,
    bom,
    make_shop,
    order,
    plain_product,
    routed_product,
)
from tests.factories.production import make_work_order


@pytest.fixture
def shop(session):
    return make_shop(session)


def release(session, actor, order_id, now):
    with transaction(session):
        return work_orders.release_order(session, actor, order_id, now=now)


def test_release_explodes_the_routing_into_operations_exactly(session, engine, shop, now, captured_events):
    line = shop.line
    detail = order(session, shop.planner, shop.world.plant1, line.customer_id,
                   [(line.product_id, 40), (line.product_id, 8)], now=now)
    created = release(session, shop.planner, detail.id, now)

    assert [(w.number, w.quantity, w.status, w.due_date, w.order_number) for w in created] == [
        ("WO-000001", 40, "released", PROMISED, detail.number), ("WO-000002", 8, "released", PROMISED, detail.number)]
    ops = fetch(engine, Operation, Operation.work_order_id == created[0].id, order_by=Operation.sequence)
    assert [(o.sequence, o.name, o.work_center_id, o.setup_seconds, o.ideal_cycle_seconds, o.quantity, o.status,
             o.plant_id) for o in ops] == [
        (10, "Cut", line.work_center_id, 600, Decimal("30"), 40, WorkStatus.RELEASED, shop.world.plant1),
        (20, "Drill", line.work_center_id, 300, Decimal("45"), 40, WorkStatus.RELEASED, shop.world.plant1)]
    assert count(engine, Operation, Operation.work_order_id == created[1].id, Operation.quantity == 8) == 2
    wo = fetch(engine, WorkOrder, WorkOrder.id == created[0].id)[0]
    assert (wo.routing_id, wo.released_at, wo.parent_work_order_id) == (line.routing_id, now, None)
    assert fetch(engine, CustomerOrder, CustomerOrder.id == detail.id)[0].status == OrderStatus.RELEASED
    history = fetch(engine, StatusChange, StatusChange.entity == "work_order", order_by=StatusChange.entity_id)
    assert [(h.from_status, h.to_status, h.reason) for h in history] == [
        (None, "released", f"Released with order {detail.number}")] * 2
    released = [e for e in captured_events if e.name == "order.released"]
    assert released[0].payload["work_order_ids"] == [w.id for w in created]


def test_release_creates_child_work_orders_level_by_level_with_scrap_rounded_up(session, engine, shop, now):
    org, wc = shop.world.org_a, shop.line.work_center_id
    top = routed_product(session, org, wc, code="FG-TOP", steps=((10, "Assemble", 300, "60"), (20, "Pack", 0, "5")))
    semi_a = routed_product(session, org, wc, code="SA-A", type=ProductType.SEMI)
    semi_b = routed_product(session, org, wc, code="SA-B", type=ProductType.SEMI)
    semi_c = routed_product(session, org, wc, code="SA-C", type=ProductType.SEMI)
    raw = plain_product(session, org, code="RM-STEEL")
    semi_unrouted = plain_product(session, org, code="SA-BUY", type=ProductType.SEMI)
    bom(session, org, top, semi_a, "2", "0.05")          # 7 x 2 x 1.05 = 14.7 -> 15
    bom(session, org, top, semi_b, "0.5", "0.1")         # 7 x 0.5 x 1.1 = 3.85 -> 4
    bom(session, org, top, raw, "3")                     # raw: no work order
    bom(session, org, top, semi_unrouted, "1")           # bought-in semi without routing: no work order
    bom(session, org, semi_a, semi_c, "3")               # 15 x 3 = 45
    bom(session, org, semi_c, raw, "1.5")
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(top, 7)], now=now)

    created = release(session, shop.planner, detail.id, now)

    by_code = {w.product_code: w for w in created}
    assert {code: w.quantity for code, w in by_code.items()} == {"FG-TOP": 7, "SA-A": 15, "SA-B": 4, "SA-C": 45}
    assert by_code["FG-TOP"].parent_work_order_id is None
    assert by_code["SA-A"].parent_work_order_id == by_code["FG-TOP"].id
    assert by_code["SA-B"].parent_work_order_id == by_code["FG-TOP"].id
    assert by_code["SA-C"].parent_work_order_id == by_code["SA-A"].id
    assert by_code["SA-C"].parent_number == by_code["SA-A"].number
    assert all(w.order_id == detail.id and w.due_date == PROMISED for w in created)
    top_ops = fetch(engine, Operation, Operation.work_order_id == by_code["FG-TOP"].id, order_by=Operation.sequence)
    assert [(o.name, o.quantity, o.setup_seconds, o.ideal_cycle_seconds) for o in top_ops] == [
        ("Assemble", 7, 300, Decimal("60")), ("Pack", 7, 0, Decimal("5"))]
    c_ops = fetch(engine, Operation, Operation.work_order_id == by_code["SA-C"].id)
    assert [(o.name, o.quantity) for o in c_ops] == [("Mill", 45)]
    detail_top = work_order_reads.get_work_order(session, shop.planner, by_code["FG-TOP"].id)
    assert sorted(c.product_code for c in detail_top.children) == ["SA-A", "SA-B"]


@pytest.mark.parametrize("parent_qty, per, scrap, expected", [
    (7, "2", "0.05", 15), (10, "0.1", "0", 1), (3, "0.3333", "0", 1), (100, "1", "0.001", 101), (1, "0.0001", "0", 1),
    (4, "2.5", "0", 10),
])
def test_required_quantity_rounds_up(parent_qty, per, scrap, expected):
    assert work_orders.required_quantity(parent_qty, Decimal(per), Decimal(scrap)) == expected


def test_release_uses_the_highest_active_routing_version(session, engine, shop, now):
    org, wc = shop.world.org_a, shop.line.work_center_id
    product = routed_product(session, org, wc, code="FG-V", steps=((10, "Old way", 0, "1"),))
    with transaction(session):
        session.add(Routing(organization_id=org, product_id=product, version=2, name="New", is_active=True))
        session.add(Routing(organization_id=org, product_id=product, version=3, name="Draft", is_active=False))
    new = session.exec(select(Routing).where(Routing.product_id == product, Routing.version == 2)).one()
    from models.routing import RoutingStep
    with transaction(session):
        session.add(RoutingStep(organization_id=org, routing_id=new.id, sequence=5, name="New way",
                                work_center_id=wc, setup_seconds=10, ideal_cycle_seconds=Decimal("2")))
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(product, 3)], now=now)
    created = release(session, shop.planner, detail.id, now)
    ops = fetch(engine, Operation, Operation.work_order_id == created[0].id)
    assert [(o.sequence, o.name) for o in ops] == [(5, "New way")]


def test_release_without_active_routing_names_the_product_and_writes_nothing(session, engine, shop, now):
    bare = plain_product(session, shop.world.org_a, code="FG-BARE", type=ProductType.FINISHED)
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id,
                   [(shop.line.product_id, 5), (bare, 2)], now=now)
    before = snapshot(engine)
    with pytest.raises(Invalid, match="Product FG-BARE \\(Plain part\\) has no active routing"), transaction(session):
        work_orders.release_order(session, shop.planner, detail.id, now=now)
    assert snapshot(engine) == before


def test_release_refuses_a_routing_at_another_plants_work_center(session, engine, shop, now):
    product = routed_product(session, shop.world.org_a, shop.line2.work_center_id, code="FG-P2")
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(product, 5)], now=now)
    before = snapshot(engine)
    with pytest.raises(Invalid, match="uses work center .* of another plant"), transaction(session):
        work_orders.release_order(session, shop.planner, detail.id, now=now)
    assert snapshot(engine) == before


def test_release_refuses_a_routing_without_steps(session, engine, shop, now):
    product = routed_product(session, shop.world.org_a, shop.line.work_center_id, code="FG-EMPTY", steps=())
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(product, 5)], now=now)
    with pytest.raises(Invalid, match="FG-EMPTY has no operations"), transaction(session):
        work_orders.release_order(session, shop.planner, detail.id, now=now)


def test_release_twice_is_refused(session, engine, shop, now):
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(shop.line.product_id, 5)], now=now)
    release(session, shop.planner, detail.id, now)
    with pytest.raises(InvalidTransition, match="is released and cannot become released"), transaction(session):
        work_orders.release_order(session, shop.planner, detail.id, now=now)
    assert count(engine, WorkOrder) == 1


def test_work_order_numbers_continue_across_releases(session, shop, now):
    p, c = shop.line.product_id, shop.line.customer_id
    a = order(session, shop.planner, shop.world.plant1, c, [(p, 1), (p, 2)], now=now)
    b = order(session, shop.planner, shop.world.plant1, c, [(p, 3)], now=now)
    assert [w.number for w in release(session, shop.planner, a.id, now)] == ["WO-000001", "WO-000002"]
    assert [w.number for w in release(session, shop.planner, b.id, now)] == ["WO-000003"]


def test_list_and_detail_show_progress_operations_and_history(session, shop, now):
    wo_id, _ = make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line, quantity=80)
    with transaction(session):
        wo = session.get(WorkOrder, wo_id)
        wo.quantity_good, wo.quantity_scrap = 30, 4
        session.add(wo)
    page = work_order_reads.list_work_orders(session, shop.planner, status="released")
    assert [(w.id, w.quantity_good, w.quantity_scrap, w.progress_percent) for w in page.items] == [(wo_id, 30, 4, 37)]
    assert work_order_reads.list_work_orders(session, shop.planner, status="done").total == 0
    with transaction(session):
        work_orders.change_work_order_status(session, shop.planner, wo_id, "planned", now=now, reason="material late")
    detail = work_order_reads.get_work_order(session, shop.planner, wo_id)
    assert [(o.sequence, o.name, o.status, o.quantity) for o in detail.operations] == [
        (10, "Cut", "planned", 80), (20, "Drill", "planned", 80)]
    assert [(h.from_status, h.to_status, h.reason, h.username) for h in detail.history] == [
        ("released", "planned", "material late", "planner.one")]


def test_progress_is_capped_at_100_percent():
    assert work_order_reads.progress_percent(120, 100) == 100
    assert work_order_reads.progress_percent(0, 100) == 0
    assert work_order_reads.progress_percent(99, 100) == 99


def test_work_orders_of_other_plants_do_not_exist_for_the_planner(session, engine, shop, now):
    wo_id, _ = make_work_order(session, shop.world.org_a, shop.world.plant2, shop.line2)
    assert work_order_reads.list_work_orders(session, shop.planner).total == 0
    with pytest.raises(NotFound):
        work_order_reads.get_work_order(session, shop.planner, wo_id)
    with pytest.raises(NotFound), transaction(session):
        work_orders.complete_work_orders(session, shop.planner, [wo_id], now=now)
    with pytest.raises(NotFound):
        work_order_reads.list_work_orders(session, shop.planner, plant_id=shop.world.plant2)


def test_operator_may_read_but_not_change_work_orders(session, shop, now):
    wo_id, _ = make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line)
    operator = shop.world.actor(shop.world.operator1)
    assert work_order_reads.list_work_orders(session, operator).total == 1
    with pytest.raises(Forbidden), transaction(session):
        work_orders.cancel_work_order(session, operator, wo_id, now=now)


def test_the_detail_carries_the_statuses_allowed_now(session, shop, now):
    wo_id, _ = make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line)
    detail = work_order_reads.get_work_order(session, shop.planner, wo_id)
    assert detail.next_statuses == [WorkStatus.PLANNED, WorkStatus.RUNNING, WorkStatus.CANCELLED]
    with transaction(session):
        work_orders.change_work_order_status(session, shop.planner, wo_id, "cancelled", now=now)
    assert work_order_reads.get_work_order(session, shop.planner, wo_id).next_statuses == []
    operator = shop.world.actor(shop.world.operator1)                     # reads work orders, plans none
    assert work_order_reads.next_statuses(operator, shop.world.plant1, WorkStatus.RELEASED) == []
