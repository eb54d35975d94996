"""Customer orders: create with lines, edit while open, cancel, list filters, detail with history,
and who may do it where."""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest

from models.audit import AuditEntry
from models.orders import CustomerOrder, OrderLine, OrderStatus, WorkOrder
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.production import orders, work_orders
from services.production.orders import OrderCreate, OrderLineInput, OrderUpdate
from services.production.transitions import InvalidTransition
from tests.factories.db import count, fetch, snapshot
from tests.factories.orders import PROMISED, customer, make_shop, order, plain_product


@pytest.fixture
def shop(session):
    return make_shop(session)


def test_create_order_numbers_lines_history_audit_and_event(session, engine, shop, now, captured_events):
    line = shop.line
    with transaction(session):
        detail = orders.create_order(session, shop.planner, OrderCreate(
            plant_id=shop.world.plant1, customer_id=line.customer_id, customer_reference=" PO-1 ", note="rush",
            lines=[OrderLineInput(product_id=line.product_id, quantity=5, promised_date=PROMISED,
                                  unit_price=Decimal("2.50")),
                   OrderLineInput(product_id=line.product_id, quantity=7, promised_date=PROMISED + timedelta(days=3))]),
            now=now)
    assert detail.number == "SO-000001"
    assert detail.status == "open"
    assert detail.customer_reference == "PO-1"
    assert [(ln.line_no, ln.quantity, ln.promised_date, ln.unit_price, ln.amount) for ln in detail.lines] == [
        (1, 5, PROMISED, Decimal("2.50"), Decimal("12.50")), (2, 7, PROMISED + timedelta(days=3), None, None)]
    assert (detail.line_count, detail.total_quantity) == (2, 12)
    assert (detail.first_promised, detail.last_promised) == (PROMISED, PROMISED + timedelta(days=3))
    assert [(h.from_status, h.to_status, h.username) for h in detail.history] == [(None, "open", "planner.one")]
    assert count(engine, AuditEntry, AuditEntry.entity == "customer_order", AuditEntry.action == "create") == 1
    assert [e.name for e in captured_events if e.name.startswith("order.")] == ["order.created"]
    second = order(session, shop.planner, shop.world.plant1, line.customer_id, [(line.product_id, 1)], now=now)
    assert second.number == "SO-000002"


@pytest.mark.parametrize("change, field", [
    ({"lines": []}, "lines"),
    ({"quantity": 0}, "lines.0.quantity"),
    ({"quantity": -4}, "lines.0.quantity"),
    ({"unit_price": Decimal("-1")}, "lines.0.unit_price"),
    ({"product_id": -1}, "lines.0.product_id"),
    ({"customer_id": -1}, "customer_id"),
])
def test_create_order_refuses_bad_input_and_writes_nothing(session, engine, shop, now, change, field):
    line = dict(product_id=shop.line.product_id, quantity=3, promised_date=PROMISED)
    body = dict(plant_id=shop.world.plant1, customer_id=shop.line.customer_id, lines=[line])
    for key, value in change.items():
        if key in ("lines", "customer_id"):
            body[key] = value
        else:
            line[key] = value
    before = snapshot(engine)
    with pytest.raises(Invalid) as refused, transaction(session):
        orders.create_order(session, shop.planner, body, now=now)
    assert field in refused.value.fields
    assert snapshot(engine) == before


def test_create_order_refuses_inactive_product_and_customer(session, shop, now):
    old = plain_product(session, shop.world.org_a, code="OLD-1", active=False)
    gone = customer(session, shop.world.org_a, "GONE", active=False)
    with pytest.raises(Invalid) as refused, transaction(session):
        orders.create_order(session, shop.planner, OrderCreate(
            plant_id=shop.world.plant1, customer_id=gone,
            lines=[OrderLineInput(product_id=old, quantity=1, promised_date=PROMISED)]), now=now)
    assert refused.value.fields == {"customer_id": "Customer GONE is inactive.",
                                    "lines.0.product_id": "Product OLD-1 is inactive."}


def test_create_order_refuses_product_and_customer_of_another_organization(session, shop, now):
    other_product = plain_product(session, shop.world.org_b)
    other_customer = customer(session, shop.world.org_b, "BCUST")
    with pytest.raises(Invalid) as refused, transaction(session):
        orders.create_order(session, shop.planner, OrderCreate(
            plant_id=shop.world.plant1, customer_id=other_customer,
            lines=[OrderLineInput(product_id=other_product, quantity=1, promised_date=PROMISED)]), now=now)
    assert set(refused.value.fields) == {"customer_id", "lines.0.product_id"}


def test_edit_lines_while_open_keeps_numbers_and_appends_new_ones(session, engine, shop, now):
    p = shop.line.product_id
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(p, 1), (p, 2), (p, 3)], now=now)
    first, _second, third = detail.lines
    with transaction(session):
        edited = orders.update_order(session, shop.planner, detail.id, OrderUpdate(note="call first", lines=[
            OrderLineInput(id=first.id, product_id=p, quantity=10, promised_date=PROMISED),
            OrderLineInput(id=third.id, product_id=p, quantity=3, promised_date=PROMISED),
            OrderLineInput(product_id=p, quantity=4, promised_date=PROMISED + timedelta(days=1))]), now=now)
    assert [(ln.line_no, ln.quantity) for ln in edited.lines] == [(1, 10), (3, 3), (4, 4)]
    assert edited.note == "call first"
    entry = fetch(engine, AuditEntry, AuditEntry.entity == "customer_order", AuditEntry.action == "update")[0]
    assert entry.changes["lines_added"] == [4]
    assert entry.changes["lines_changed"] == [1]
    assert entry.changes["lines_removed"] == [2]


def test_edit_refuses_a_line_of_another_order(session, shop, now):
    p, c = shop.line.product_id, shop.line.customer_id
    a = order(session, shop.planner, shop.world.plant1, c, [(p, 1)], now=now)
    b = order(session, shop.planner, shop.world.plant1, c, [(p, 1)], now=now)
    with pytest.raises(Invalid), transaction(session):
        orders.update_order(session, shop.planner, a.id, OrderUpdate(lines=[
            OrderLineInput(id=b.lines[0].id, product_id=p, quantity=2, promised_date=PROMISED)]), now=now)


def test_lines_cannot_change_after_release(session, engine, shop, now):
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(shop.line.product_id, 5)], now=now)
    with transaction(session):
        work_orders.release_order(session, shop.planner, detail.id, now=now)
    before = snapshot(engine)
    with pytest.raises(Conflict, match="only open orders can be changed"), transaction(session):
        orders.update_order(session, shop.planner, detail.id, OrderUpdate(note="late change"), now=now)
    assert snapshot(engine) == before


def test_cancel_open_order_records_history(session, shop, now, captured_events):
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(shop.line.product_id, 5)], now=now)
    with transaction(session):
        cancelled = orders.cancel_order(session, shop.planner, detail.id, now=now, reason="customer withdrew")
    assert cancelled.status == "cancelled"
    assert [(h.from_status, h.to_status, h.reason) for h in cancelled.history] == [
        (None, "open", ""), ("open", "cancelled", "customer withdrew")]
    assert "order.cancelled" in [e.name for e in captured_events]
    with pytest.raises(InvalidTransition, match="is cancelled and cannot become cancelled"), transaction(session):
        orders.cancel_order(session, shop.planner, detail.id, now=now)


def test_cancel_released_order_cancels_its_work_orders(session, engine, shop, now):
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id,
                   [(shop.line.product_id, 5), (shop.line.product_id, 6)], now=now)
    with transaction(session):
        created = work_orders.release_order(session, shop.planner, detail.id, now=now)
    with transaction(session):
        cancelled = orders.cancel_order(session, shop.planner, detail.id, now=now)
    assert cancelled.status == "cancelled"
    assert {w.status for w in cancelled.work_orders} == {"cancelled"}
    assert len(created) == 2


def test_list_filters_by_search_status_customer_and_promised_dates(session, shop, now):
    p, c = shop.line.product_id, shop.line.customer_id
    other = customer(session, shop.world.org_a, "ZETA")
    a = order(session, shop.planner, shop.world.plant1, c, [(p, 1)], now=now, reference="PO-AAA")
    b = order(session, shop.planner, shop.world.plant1, other, [(p, 2)], now=now, promised=date(2026, 5, 1))
    with transaction(session):
        work_orders.release_order(session, shop.planner, b.id, now=now)

    def numbers(**filters):
        page = orders.list_orders(session, shop.planner, **filters)
        assert page.total == len(page.items)
        return [o.number for o in page.items]

    assert numbers() == [b.number, a.number]
    assert numbers(search="po-aaa") == [a.number]
    assert numbers(search="zeta") == [b.number]
    assert numbers(status="released") == [b.number]
    assert numbers(customer_id=c) == [a.number]
    assert numbers(promised_from=date(2026, 4, 1)) == [b.number]
    assert numbers(promised_to=date(2026, 4, 1)) == [a.number]
    assert numbers(promised_from=PROMISED, promised_to=PROMISED) == [a.number]


def test_list_paginates(session, shop, now):
    for _ in range(3):
        order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(shop.line.product_id, 1)], now=now)
    page = orders.list_orders(session, shop.planner, limit=2, offset=2)
    assert page.total == 3
    assert [o.number for o in page.items] == ["SO-000001"]


def test_planner_of_plant_1_cannot_see_or_change_a_plant_2_order(session, engine, shop, now):
    p2 = order(session, shop.admin, shop.world.plant2, shop.line2.customer_id, [(shop.line2.product_id, 1)], now=now)
    assert orders.list_orders(session, shop.planner).total == 0
    with pytest.raises(NotFound):
        orders.get_order(session, shop.planner, p2.id)
    before = snapshot(engine)
    for call in (lambda: orders.update_order(session, shop.planner, p2.id, {"note": "x"}, now=now),
                 lambda: orders.cancel_order(session, shop.planner, p2.id, now=now),
                 lambda: work_orders.release_order(session, shop.planner, p2.id, now=now)):
        with pytest.raises(NotFound), transaction(session):
            call()
    with pytest.raises(Forbidden, match="no access to this plant"), transaction(session):
        orders.create_order(session, shop.planner, OrderCreate(
            plant_id=shop.world.plant2, customer_id=shop.line.customer_id,
            lines=[OrderLineInput(product_id=shop.line.product_id, quantity=1, promised_date=PROMISED)]), now=now)
    assert snapshot(engine) == before


def test_operator_may_not_plan_orders(session, shop, now):
    operator = shop.world.actor(shop.world.operator1)
    with pytest.raises(Forbidden):
        orders.list_orders(session, operator)
    with pytest.raises(Forbidden), transaction(session):
        orders.create_order(session, operator, OrderCreate(
            plant_id=shop.world.plant1, customer_id=shop.line.customer_id,
            lines=[OrderLineInput(product_id=shop.line.product_id, quantity=1, promised_date=PROMISED)]), now=now)


def test_other_organization_sees_nothing(session, shop, now):
    order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(shop.line.product_id, 1)], now=now)
    other_admin = shop.world.actor(shop.world.admin_b)
    assert orders.list_orders(session, other_admin).total == 0
    assert count(session.get_bind(), CustomerOrder) == 1
    assert count(session.get_bind(), OrderLine) == 1
    assert count(session.get_bind(), WorkOrder) == 0


def test_the_detail_carries_the_actions_allowed_now(session, shop, now):
    def actions(detail):
        return detail.can_release, detail.can_edit, detail.can_cancel

    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id, [(shop.line.product_id, 5)], now=now)
    assert actions(detail) == (True, True, True)
    with transaction(session):
        work_orders.release_order(session, shop.planner, detail.id, now=now)
    assert actions(orders.get_order(session, shop.planner, detail.id)) == (False, False, True)
    with transaction(session):
        cancelled = orders.cancel_order(session, shop.planner, detail.id, now=now)
    assert actions(cancelled) == (False, False, False)


def test_no_action_is_offered_without_plan_at_the_order_s_plant(shop):
    elsewhere = dataclasses.replace(shop.planner, plant_ids=frozenset({shop.world.plant2}))
    assert orders.order_actions(elsewhere, shop.world.plant1, OrderStatus.OPEN) == {
        "can_release": False, "can_edit": False, "can_cancel": False}
    assert orders.order_actions(shop.planner, shop.world.plant1, OrderStatus.OPEN) == {
        "can_release": True, "can_edit": True, "can_cancel": True}
