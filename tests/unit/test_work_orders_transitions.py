"""Work-order status changes: the whole transition table, what happens to operations and orders,
and completing many work orders at once with a number of statements that does not grow with them."""
from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa
from sqlmodel import select

from models.audit import AuditEntry
from models.orders import (
    CustomerOrder,
    Operation,
    OrderStatus,
    StatusChange,
    WorkOrder,
    WorkStatus,
)
from rxapp.api.errors import status_for
from services.core.db import transaction
from services.core.errors import Conflict, Invalid
from services.production import work_orders
from services.production.transitions import WORK_TRANSITIONS, InvalidTransition
from tests.factories.db import count, fetch, snapshot
from tests.factories.orders import make_shop, order
from tests.factories.production import make_work_order

W = WorkStatus
ALLOWED = {
    (W.PLANNED, W.RELEASED), (W.PLANNED, W.CANCELLED),
    (W.RELEASED, W.RUNNING), (W.RELEASED, W.PLANNED), (W.RELEASED, W.CANCELLED),
    (W.RUNNING, W.PAUSED), (W.RUNNING, W.DONE),
    (W.PAUSED, W.RUNNING), (W.PAUSED, W.DONE), (W.PAUSED, W.CANCELLED),
}
CAN_BECOME = {
    W.PLANNED: "cancelled, released", W.RELEASED: "cancelled, planned, running", W.RUNNING: "done, paused",
    W.PAUSED: "cancelled, done, running", W.DONE: "nothing (it is final)", W.CANCELLED: "nothing (it is final)",
}
ALL_PAIRS = list(itertools.product(W, W))
REFUSED = [pair for pair in ALL_PAIRS if pair not in ALLOWED]


@pytest.fixture
def shop(session):
    return make_shop(session)


def wo_number(session, wo_id: int) -> str:
    return session.get(WorkOrder, wo_id).number


def test_the_table_allows_exactly_these_moves():
    assert {(a, b) for a, targets in WORK_TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize("current, wanted", REFUSED, ids=[f"{a.value}->{b.value}" for a, b in REFUSED])
def test_every_illegal_transition_is_refused_with_a_clear_message(session, engine, shop, now, current, wanted):
    wo_id, _ = make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line, status=current)
    number = wo_number(session, wo_id)
    before = snapshot(engine)
    with pytest.raises(InvalidTransition) as refused, transaction(session):
        work_orders.change_work_order_status(session, shop.planner, wo_id, wanted, now=now)
    assert refused.value.message == (f"Work order {number} is {current.value} and cannot become {wanted.value}. "
                                     f"From {current.value} it can become: {CAN_BECOME[current]}.")
    assert status_for(refused.value) == 409
    assert snapshot(engine) == before


@pytest.mark.parametrize("current, wanted", sorted(ALLOWED), ids=[f"{a.value}->{b.value}" for a, b in sorted(ALLOWED)])
def test_every_allowed_transition_moves_and_writes_history(session, engine, shop, now, current, wanted):
    wo_id, _ = make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line, status=current)
    with transaction(session):
        summary = work_orders.change_work_order_status(session, shop.planner, wo_id, wanted, now=now, reason="why")
    assert summary.status == wanted.value
    history = fetch(engine, StatusChange, StatusChange.entity == "work_order", StatusChange.entity_id == wo_id)
    assert [(h.from_status, h.to_status, h.reason, h.at) for h in history] == [(current.value, wanted.value, "why", now)]
    assert count(engine, AuditEntry, AuditEntry.entity == "work_order", AuditEntry.entity_id == str(wo_id)) == 1


def op_statuses(engine, wo_id: int) -> list[str]:
    return [o.status.value for o in fetch(engine, Operation, Operation.work_order_id == wo_id, order_by=Operation.sequence)]


def set_op_status(session, op_id: int, status: WorkStatus) -> None:
    with transaction(session):
        op = session.get(Operation, op_id)
        op.status = status
        session.add(op)


def test_release_and_unrelease_carry_the_operations(session, engine, shop, now):
    wo_id, _ = make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line, status=W.PLANNED)
    with transaction(session):
        work_orders.change_work_order_status(session, shop.planner, wo_id, W.RELEASED, now=now)
    assert op_statuses(engine, wo_id) == ["released", "released"]
    assert fetch(engine, WorkOrder, WorkOrder.id == wo_id)[0].released_at == now
    with transaction(session):
        work_orders.change_work_order_status(session, shop.planner, wo_id, W.PLANNED, now=now)
    assert op_statuses(engine, wo_id) == ["planned", "planned"]
    assert count(engine, StatusChange, StatusChange.entity == "operation") == 4


def test_unrelease_is_refused_once_an_operation_started(session, engine, shop, now):
    wo_id, op_ids = make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line, status=W.RELEASED)
    set_op_status(session, op_ids[0], W.PAUSED)
    before = snapshot(engine)
    with pytest.raises(Conflict, match="has started \\(operation 10 Cut\\); it can no longer be unreleased"), \
            transaction(session):
        work_orders.change_work_order_status(session, shop.planner, wo_id, W.PLANNED, now=now)
    assert snapshot(engine) == before


def test_cancel_cancels_open_operations_and_keeps_done_ones(session, engine, shop, now, captured_events):
    wo_id, op_ids = make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line, status=W.PAUSED)
    set_op_status(session, op_ids[0], W.DONE)
    with transaction(session):
        work_orders.cancel_work_order(session, shop.planner, wo_id, now=now, reason="customer cancelled")
    assert op_statuses(engine, wo_id) == ["done", "cancelled"]
    assert [e.name for e in captured_events if e.name.startswith("work_order.")] == ["work_order.cancelled"]


def test_cancel_is_refused_while_an_operation_runs(session, engine, shop, now):
    wo_id, op_ids = make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line, status=W.PAUSED)
    set_op_status(session, op_ids[1], W.RUNNING)
    with pytest.raises(Conflict, match="Operation 20 Drill of work order .* is running"), transaction(session):
        work_orders.cancel_work_order(session, shop.planner, wo_id, now=now)
    assert op_statuses(engine, wo_id) == ["paused", "running"]


def test_complete_finishes_started_operations_and_cancels_unstarted_ones(session, engine, shop, now):
    wo_id, op_ids = make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line, status=W.RUNNING)
    set_op_status(session, op_ids[1], W.RELEASED)
    with transaction(session):
        [done] = work_orders.complete_work_orders(session, shop.planner, [wo_id], now=now)
    assert (done.status, done.completed_at) == ("done", now)
    assert op_statuses(engine, wo_id) == ["done", "cancelled"]
    assert fetch(engine, Operation, Operation.id == op_ids[0])[0].completed_at == now


def running_order(session, shop, now, lines: int):
    """A released order with `lines` work orders, all running."""
    detail = order(session, shop.planner, shop.world.plant1, shop.line.customer_id,
                   [(shop.line.product_id, 10 + i) for i in range(lines)], now=now)
    with transaction(session):
        created = work_orders.release_order(session, shop.planner, detail.id, now=now)
    ids = [w.id for w in created]
    with transaction(session):
        work_orders.transition_work_orders(session, shop.planner, ids, W.RUNNING, now=now)
    return detail, ids


def test_bulk_complete_completes_all_and_finishes_the_order(session, engine, shop, now, captured_events):
    detail, ids = running_order(session, shop, now, 12)
    with transaction(session):
        done = work_orders.complete_work_orders(session, shop.planner, ids, now=now)
    assert [w.status for w in done] == ["done"] * 12
    assert count(engine, WorkOrder, WorkOrder.status == W.DONE) == 12
    assert count(engine, Operation, Operation.status == W.CANCELLED) == 24       # never started
    order_row = fetch(engine, CustomerOrder, CustomerOrder.id == detail.id)[0]
    assert order_row.status == OrderStatus.DONE
    assert [e.name for e in captured_events].count("work_order.completed") == 12
    assert [e.name for e in captured_events].count("order.completed") == 1
    history = fetch(engine, StatusChange, StatusChange.entity == "customer_order", StatusChange.entity_id == detail.id,
                    order_by=StatusChange.id)
    assert [(h.from_status, h.to_status) for h in history] == [(None, "open"), ("open", "released"), ("released", "done")]


def test_order_stays_released_while_a_work_order_is_open(session, engine, shop, now):
    detail, ids = running_order(session, shop, now, 3)
    with transaction(session):
        work_orders.complete_work_orders(session, shop.planner, ids[:2], now=now)
    assert fetch(engine, CustomerOrder, CustomerOrder.id == detail.id)[0].status == OrderStatus.RELEASED
    with transaction(session):
        work_orders.change_work_order_status(session, shop.planner, ids[2], W.PAUSED, now=now)
        work_orders.cancel_work_order(session, shop.planner, ids[2], now=now)
    assert fetch(engine, CustomerOrder, CustomerOrder.id == detail.id)[0].status == OrderStatus.DONE


def test_an_order_whose_work_orders_are_all_cancelled_is_not_done(session, engine, shop, now):
    detail, ids = running_order(session, shop, now, 1)
    with transaction(session):
        work_orders.change_work_order_status(session, shop.planner, ids[0], W.PAUSED, now=now)
        work_orders.cancel_work_order(session, shop.planner, ids[0], now=now)
    assert fetch(engine, CustomerOrder, CustomerOrder.id == detail.id)[0].status == OrderStatus.RELEASED


def test_bulk_complete_with_one_bad_work_order_changes_nothing(session, engine, shop, now):
    _, ids = running_order(session, shop, now, 4)
    with transaction(session):
        work_orders.change_work_order_status(session, shop.planner, ids[2], W.PAUSED, now=now)
        work_orders.cancel_work_order(session, shop.planner, ids[2], now=now)
    number = wo_number(session, ids[2])
    before = snapshot(engine)
    with pytest.raises(InvalidTransition) as refused, transaction(session):
        work_orders.complete_work_orders(session, shop.planner, ids, now=now)
    assert refused.value.message.startswith("1 of 4 work orders cannot become done; nothing was changed.")
    assert refused.value.fields == {number: f"Work order {number} is cancelled and cannot become done. "
                                            f"From cancelled it can become: nothing (it is final)."}
    assert snapshot(engine) == before


def test_bulk_complete_refuses_an_empty_selection(session, shop, now):
    with pytest.raises(Invalid, match="Choose at least one work order"), transaction(session):
        work_orders.complete_work_orders(session, shop.planner, [], now=now)


def statements_for_complete(session, engine, shop, now, n: int) -> int:
    ids = [make_work_order(session, shop.world.org_a, shop.world.plant1, shop.line, status=W.RUNNING)[0]
           for _ in range(n)]
    seen: list[str] = []

    def count_statement(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)
    sa.event.listen(engine, "before_cursor_execute", count_statement)
    try:
        with transaction(session):
            work_orders.complete_work_orders(session, shop.planner, ids, now=now)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count_statement)
    assert count(engine, WorkOrder, WorkOrder.status == W.DONE, WorkOrder.id.in_(ids)) == n
    return len(seen)


def test_bulk_complete_is_set_based(session, engine, shop, now):
    """Completing 40 work orders takes as many statements as completing 3: no round trips per work order."""
    statements_for_complete(session, engine, shop, now, 1)   # fills the per-worker caches (services/core/worker_cache)
    few = statements_for_complete(session, engine, shop, now, 3)
    session.exec(select(WorkOrder)).all()              # a loaded identity map must not change the count either
    many = statements_for_complete(session, engine, shop, now, 40)
    assert many == few


def test_work_orders_finished_elsewhere_settle_their_order(session, engine, shop, now):
    """The shop floor finishes work orders through their operations, then settles the orders."""
    detail, ids = running_order(session, shop, now, 2)
    with transaction(session):
        for wo in session.exec(select(WorkOrder).where(WorkOrder.id.in_(ids))).all():
            wo.status = W.DONE
            session.add(wo)
        assert work_orders.settle_orders_of(session, shop.planner, ids, now=now) == [detail.id]
    assert fetch(engine, CustomerOrder, CustomerOrder.id == detail.id)[0].status == OrderStatus.DONE
    with transaction(session):
        assert work_orders.settle_orders_of(session, shop.planner, ids, now=now) == []
