"""Production test data written straight to the tables, for tests of services that build on
master data (orders, scheduling, the shop floor). Master-data services have their own tests.

`make_line(session, org_id, plant_id, dept_id)` gives a small line: a two-shift calendar with
breaks, a work center with two machines, a product with a two-step routing, and reason codes.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel import Session

from models.calendar import Shift, ShiftBreak, ShiftCalendar
from models.catalog import Customer, Product, ProductType
from models.orders import Operation, WorkOrder, WorkStatus
from models.resources import LossCategory, Machine, ReasonCode, ReasonKind, WorkCenter
from models.routing import Routing, RoutingStep
from services.core import worker_cache
from services.core.db import transaction

_n = itertools.count(10_001)   # far from hand-written codes such as FG-100 in tests


@dataclass
class Line:
    calendar_id: int
    work_center_id: int
    machine_ids: list[int]
    product_id: int
    routing_id: int
    customer_id: int
    downtime_reason_id: int
    planned_stop_reason_id: int
    scrap_reason_id: int
    pause_reason_id: int


def add(session: Session, row):
    session.add(row)
    session.flush()
    return row


def make_calendar(session: Session, org_id: int, plant_id: int, *, weekdays: str = "12345") -> int:
    """Early 06:00-14:00 (breaks 09:00-09:15, 12:00-12:30), late 14:00-22:00 (break 18:00-18:30)."""
    with transaction(session):
        cal = add(session, ShiftCalendar(organization_id=org_id, plant_id=plant_id, name=f"Two shifts {next(_n)}"))
        early = add(session, Shift(organization_id=org_id, calendar_id=cal.id, name="Early", start_minute=360,
                                   end_minute=840, weekdays=weekdays))
        late = add(session, Shift(organization_id=org_id, calendar_id=cal.id, name="Late", start_minute=840,
                                  end_minute=1320, weekdays=weekdays))
        add(session, ShiftBreak(shift_id=early.id, name="Coffee", start_minute=540, end_minute=555))
        add(session, ShiftBreak(shift_id=early.id, name="Lunch", start_minute=720, end_minute=750))
        add(session, ShiftBreak(shift_id=late.id, name="Dinner", start_minute=1080, end_minute=1110))
    worker_cache.clear_all()            # written straight to the tables: no event drops the cached calendars
    return cal.id


def make_product(session: Session, org_id: int, *, code: str | None = None, type=ProductType.FINISHED) -> int:
    with transaction(session):
        return add(session, Product(organization_id=org_id, code=code or f"P-{next(_n)}", name="Part", type=type)).id


MACHINES_SINCE = datetime(2026, 1, 1, tzinfo=UTC)    # the factory's machines exist well before the tests' T0


def make_line(session: Session, org_id: int, plant_id: int, dept_id: int, *, machines: int = 2,
              machines_since: datetime = MACHINES_SINCE) -> Line:
    calendar_id = make_calendar(session, org_id, plant_id)
    n = next(_n)
    with transaction(session):
        wc = add(session, WorkCenter(organization_id=org_id, plant_id=plant_id, department_id=dept_id,
                                     code=f"WC{n}", name=f"Work center {n}"))
        machine_ids = [add(session, Machine(organization_id=org_id, plant_id=plant_id, department_id=dept_id,
                                            work_center_id=wc.id, code=f"M{n}-{i}", name=f"Machine {n}-{i}",
                                            created_at=machines_since, updated_at=machines_since)).id
                       for i in range(1, machines + 1)]
        product = add(session, Product(organization_id=org_id, code=f"FG-{n}", name=f"Bracket {n}"))
        routing = add(session, Routing(organization_id=org_id, product_id=product.id, name="Standard"))
        add(session, RoutingStep(organization_id=org_id, routing_id=routing.id, sequence=10, name="Cut",
                                 work_center_id=wc.id, setup_seconds=600, ideal_cycle_seconds=Decimal("30")))
        add(session, RoutingStep(organization_id=org_id, routing_id=routing.id, sequence=20, name="Drill",
                                 work_center_id=wc.id, setup_seconds=300, ideal_cycle_seconds=Decimal("45")))
        customer = add(session, Customer(organization_id=org_id, code=f"C{n}", name=f"Customer {n}"))
        reasons = {}
        for key, kind, code, planned, loss in [
            ("down", ReasonKind.DOWNTIME, "BRK", False, LossCategory.BREAKDOWN),
            ("planned", ReasonKind.DOWNTIME, "PM", True, LossCategory.PLANNED_STOP),
            ("scrap", ReasonKind.SCRAP, "DIM", False, LossCategory.PRODUCTION_REJECT),
            ("pause", ReasonKind.PAUSE, "MAT", False, LossCategory.MINOR_STOP),
        ]:
            reasons[key] = add(session, ReasonCode(organization_id=org_id, kind=kind, code=f"{code}{n}",
                                                   name=f"{code} reason", planned=planned, loss_category=loss)).id
        return Line(calendar_id=calendar_id, work_center_id=wc.id, machine_ids=machine_ids, product_id=product.id,
                    routing_id=routing.id, customer_id=customer.id, downtime_reason_id=reasons["down"],
                    planned_stop_reason_id=reasons["planned"], scrap_reason_id=reasons["scrap"],
                    pause_reason_id=reasons["pause"])


def make_work_order(session: Session, org_id: int, plant_id: int, line: Line, *, quantity: int = 100,
                    status: WorkStatus = WorkStatus.RELEASED, machine_id: int | None = None,
                    due: date | None = None) -> tuple[int, list[int]]:
    """A work order with the line's two operations (optionally queued on `machine_id`)."""
    n = next(_n)
    with transaction(session):
        wo = add(session, WorkOrder(organization_id=org_id, plant_id=plant_id, number=f"WO-T{n:05d}",
                                    product_id=line.product_id, quantity=quantity, routing_id=line.routing_id,
                                    status=status, due_date=due))
        ops = []
        for seq, name, setup, cycle in [(10, "Cut", 600, Decimal("30")), (20, "Drill", 300, Decimal("45"))]:
            ops.append(add(session, Operation(organization_id=org_id, plant_id=plant_id, work_order_id=wo.id,
                                              sequence=seq, name=name, work_center_id=line.work_center_id,
                                              machine_id=machine_id, quantity=quantity, setup_seconds=setup,
                                              ideal_cycle_seconds=cycle, status=status)).id)
        return wo.id, ops
