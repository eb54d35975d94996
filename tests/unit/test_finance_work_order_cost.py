"""Actual cost of a work order from consumed lots and job time, against its standard, and an order's margin."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from models.catalog import BomLine, Customer, Product, ProductType
from models.lots import Lot, LotConsumption, LotOrigin
from models.orders import CustomerOrder, Operation, OrderLine, WorkOrder
from models.resources import Machine, WorkCenter
from models.routing import Routing, RoutingStep
from models.shopfloor import EventKind, ProductionEvent
from services.core.errors import Forbidden, NotFound
from services.finance import work_order_cost

T = datetime(2026, 12, 1, 8, tzinfo=UTC)


def _add(session, row):
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def job(session, world):
    """A pin (2 x bar at 2.50, 60 s on a 90/h work center: standard 5.00 + 1.50) made 10 good, 2 scrap."""
    org, plant = world.org_a, world.plant1
    wc = _add(session, WorkCenter(organization_id=org, plant_id=plant, department_id=world.dept1, code="CUT", name="Cut",
                                  machine_rate_per_hour=Decimal("60"), labour_rate_per_hour=Decimal("30")))
    machine = _add(session, Machine(organization_id=org, plant_id=plant, department_id=world.dept1, work_center_id=wc,
                                    code="M1", name="Saw"))
    bar = _add(session, Product(organization_id=org, code="BAR", name="Bar", type=ProductType.RAW,
                                standard_cost=Decimal("2.50")))
    pin = _add(session, Product(organization_id=org, code="PIN", name="Pin"))
    _add(session, BomLine(organization_id=org, parent_product_id=pin, component_product_id=bar, quantity_per=Decimal(2)))
    routing = _add(session, Routing(organization_id=org, product_id=pin))
    _add(session, RoutingStep(organization_id=org, routing_id=routing, sequence=10, name="Cut", work_center_id=wc,
                              ideal_cycle_seconds=Decimal(60)))
    customer = _add(session, Customer(organization_id=org, code="C", name="C"))
    order = _add(session, CustomerOrder(organization_id=org, plant_id=plant, number="SO-1", customer_id=customer))
    _add(session, OrderLine(organization_id=org, order_id=order, line_no=1, product_id=pin, quantity=12,
                            promised_date=date(2026, 12, 5), unit_price=Decimal("10"), quantity_delivered=10))
    _add(session, OrderLine(organization_id=org, order_id=order, line_no=2, product_id=pin, quantity=1,
                            promised_date=date(2026, 12, 5)))
    wo = _add(session, WorkOrder(organization_id=org, plant_id=plant, number="WO-1", product_id=pin, quantity=12,
                                 quantity_good=10, quantity_scrap=2))
    op = _add(session, Operation(organization_id=org, plant_id=plant, work_order_id=wo, sequence=10, name="Cut",
                                 work_center_id=wc, machine_id=machine, quantity=12, ideal_cycle_seconds=Decimal(60)))
    lot = _add(session, Lot(organization_id=org, plant_id=plant, number="L1", product_id=bar, quantity=100,
                            quantity_initial=100, origin=LotOrigin.RECEIPT))
    _add(session, LotConsumption(organization_id=org, plant_id=plant, lot_id=lot, operation_id=op, work_order_id=wo,
                                 quantity=25))
    for i, (kind, minutes) in enumerate([(EventKind.JOB_STARTED, 0), (EventKind.JOB_PAUSED, 8),
                                         (EventKind.JOB_RESUMED, 20), (EventKind.JOB_COMPLETED, 24)]):
        _add(session, ProductionEvent(organization_id=org, plant_id=plant, machine_id=machine, operation_id=op, kind=kind,
                                      client_id=f"e{i}", occurred_at=T + timedelta(minutes=minutes)))
    session.commit()
    return {"wo": wo, "order": order}


def test_actual_against_standard_by_hand(session, world, job):
    cost = work_order_cost.work_order_cost(session, world.actor(world.admin_a), job["wo"], now=T + timedelta(hours=1))
    # material: 25 bars x 2.50 = 62.50; time: 8 + 4 = 12 min = 0.2 h x (60 + 30) = 18.00
    assert (cost.material_actual, cost.conversion_actual, cost.actual) == (Decimal("62.5000"), Decimal("18.0000"),
                                                                          Decimal("80.5000"))
    # standard for 10 good: material 10 x 5.00, conversion 10 x 1.50
    assert (cost.material_standard, cost.conversion_standard) == (Decimal("50.0000"), Decimal("15.0000"))
    assert (cost.material_variance, cost.conversion_variance, cost.variance) == (Decimal("12.5000"), Decimal("3.0000"),
                                                                                Decimal("15.5000"))
    assert [(o.run_hours, o.machine_cost, o.labour_cost) for o in cost.operations] == [
        (Decimal("0.2000"), Decimal("12.0000"), Decimal("6.0000"))]


def test_order_margin_and_access(session, world, job):
    margin = work_order_cost.order_margin(session, world.actor(world.admin_a), job["order"])
    assert (margin.revenue, margin.standard_cost, margin.margin, margin.margin_percent) == (
        Decimal("100.0000"), Decimal("65.0000"), Decimal("35.0000"), Decimal("35.0000"))
    assert margin.unpriced_lines == [2]
    with pytest.raises(Forbidden):
        work_order_cost.order_margin(session, world.actor(world.planner1), job["order"])
    with pytest.raises(NotFound):
        work_order_cost.work_order_cost(session, world.actor(world.admin_b), job["wo"], now=T)
