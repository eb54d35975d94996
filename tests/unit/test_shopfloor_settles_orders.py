"""When the shop floor finishes the last work order of a customer order, the order is done too."""
from datetime import date, timedelta

from sqlmodel import select

from models.orders import (
    CustomerOrder,
    Operation,
    OrderStatus,
    StatusChange,
    WorkOrder,
    WorkStatus,
)
from services.core.db import transaction
from services.production import orders, scheduling, work_orders
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.production import make_line
from tests.factories.shopfloor import new_client_id


def test_completing_the_last_operation_completes_the_order(session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    planner = world.actor(world.planner1)
    operator = world.actor(world.operator1)
    with transaction(session):
        order = orders.create_order(session, planner, orders.OrderCreate(
            plant_id=world.plant1, customer_id=line.customer_id,
            lines=[orders.OrderLineInput(product_id=line.product_id, quantity=5, promised_date=date(2026, 3, 6))]), now=T0)
        [wo] = work_orders.release_order(session, planner, order.id, now=T0)
        ops = session.exec(select(Operation).where(Operation.work_order_id == wo.id).order_by(Operation.sequence)).all()
        for op in ops:
            scheduling.assign_operation(session, planner, op.id, line.machine_ids[0], now=T0)
    at = T0
    for op in ops:
        machine = line.machine_ids[0]
        with transaction(session):
            shopfloor.start_job(session, operator, machine, op.id, client_id=new_client_id(), now=at)
        with transaction(session):
            shopfloor.report_counts(session, operator, machine, good=5, client_id=new_client_id(), now=at)
        with transaction(session):
            shopfloor.complete_job(session, operator, machine, client_id=new_client_id(), now=at)
        if op is not ops[-1]:
            assert session.get(CustomerOrder, order.id).status == OrderStatus.RELEASED
        at += timedelta(minutes=30)

    session.expire_all()
    assert session.get(WorkOrder, wo.id).status == WorkStatus.DONE
    assert session.get(CustomerOrder, order.id).status == OrderStatus.DONE
    history = session.exec(select(StatusChange).where(StatusChange.entity == "customer_order",
                                                      StatusChange.entity_id == order.id).order_by(StatusChange.id)).all()
    assert [(h.from_status, h.to_status, h.user_id) for h in history][-1] == ("released", "done", world.operator1)
