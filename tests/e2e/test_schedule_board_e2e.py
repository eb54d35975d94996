"""A planner on the schedule board in a real browser: two of their jobs queued on one assembly
machine (prepared through the services against the e2e server's database), one moved earlier,
then to the other assembly machine with a reason; the board shows the new plan and the database
holds it. Screenshots go to test-results/."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from models.base import utcnow
from models.catalog import Customer, Product
from models.orders import ExceptionKind, Operation, ScheduleException, WorkOrder
from models.organization import Plant
from models.resources import Machine, WorkCenter
from models.user import User
from rxapp.i18n import format_datetime
from services.core.db import make_engine, transaction
from services.org.auth import actor_for_user
from services.production import orders, scheduling, work_orders
from tests.e2e.conftest import DESKTOP, log_in, shot

pytestmark = pytest.mark.e2e


@dataclass
class Jobs:
    first: int
    second: int
    numbers: list[str]
    machines: list[int]             # ASM-01, ASM-02
    codes: list[str]
    timezone: str


def _release_one(s: Session, planner, plant: Plant, product: Product, customer: Customer, reference: str, now) -> int:
    order = orders.create_order(s, planner, orders.OrderCreate(
        plant_id=plant.id, customer_id=customer.id, customer_reference=reference,
        lines=[orders.OrderLineInput(product_id=product.id, quantity=20, promised_date=(now + timedelta(days=30)).date())]),
        now=now)
    released = work_orders.release_order(s, planner, order.id, now=now)
    top = next(wo for wo in released if wo.product_id == product.id)
    return s.exec(select(Operation).where(Operation.work_order_id == top.id).order_by(Operation.sequence)).first().id


@pytest.fixture
def jobs(app_url, app_database_url):
    """Two pump-kit assembly jobs of the planner, queued one after the other on ASM-01."""
    engine = make_engine(app_database_url)
    now = utcnow()
    with Session(engine, expire_on_commit=False) as s, transaction(s):
        planner = actor_for_user(s, s.exec(select(User).where(User.username == "planner")).one())
        plant = s.exec(select(Plant).where(Plant.organization_id == planner.organization_id, Plant.code == "BER")).one()
        product = s.exec(select(Product).where(Product.organization_id == planner.organization_id,
                                               Product.code == "FG-PUMPKIT")).one()
        customer = s.exec(select(Customer).where(Customer.organization_id == planner.organization_id)
                          .order_by(Customer.code)).first()
        ops = [_release_one(s, planner, plant, product, customer, f"E2E-SCHED-{i}", now) for i in (1, 2)]
        asm = s.exec(select(Machine).join(WorkCenter, WorkCenter.id == Machine.work_center_id).where(
            WorkCenter.plant_id == plant.id, WorkCenter.code == "ASM").order_by(Machine.code)).all()
        for op_id in ops:
            scheduling.assign_operation(s, planner, op_id, asm[0].id, position=1 if op_id == ops[0] else 2, now=now)
        # The demo's own jobs may run or wait on ASM-01 (started work stays ahead): put the second right behind
        # the first, counting the first's place in the queue without the second.
        first, second = (s.get(Operation, op_id) for op_id in ops)
        place = first.queue_position - (1 if second.queue_position < first.queue_position else 0)
        scheduling.assign_operation(s, planner, ops[1], asm[0].id, position=place + 1, now=now)
        numbers = [s.get(WorkOrder, s.get(Operation, op_id).work_order_id).number for op_id in ops]
        prepared = Jobs(first=ops[0], second=ops[1], numbers=numbers, machines=[m.id for m in asm],
                        codes=[m.code for m in asm], timezone=plant.timezone)
    engine.dispose()
    return prepared


def _stored(app_database_url: str, op_id: int) -> Operation:
    engine = make_engine(app_database_url)
    try:
        with Session(engine, expire_on_commit=False) as s:
            return s.get(Operation, op_id)
    finally:
        engine.dispose()


def test_planner_moves_an_operation_on_the_board(new_page, jobs, app_database_url):
    before_first, before_second = (_stored(app_database_url, op).queue_position for op in (jobs.first, jobs.second))
    assert before_second == before_first + 1

    page = new_page(DESKTOP)
    log_in(page, "planner")
    expect(page.get_by_test_id("sidebar").get_by_role("link", name="Schedule")).to_be_visible()
    page.goto("/schedule")
    expect(page.get_by_role("heading", name="Schedule")).to_be_visible()
    expect(page.get_by_test_id("timeline").locator(".main-svg").first).to_be_visible(timeout=30_000)   # plotly loads lazily
    row = page.get_by_test_id("board-row").filter(has_text=jobs.numbers[1])
    expect(row).to_contain_text(f"{jobs.codes[0]} #{before_second}")

    row.get_by_role("button", name=re.compile("^Pick")).click()
    expect(page.get_by_test_id("selected-label")).to_contain_text(jobs.numbers[1])
    page.get_by_test_id("earlier").click()
    plan = page.get_by_test_id("selected-plan")
    expect(plan).to_contain_text(f"{jobs.codes[0]} #{before_first}")
    assert _stored(app_database_url, jobs.second).queue_position == before_first
    assert _stored(app_database_url, jobs.first).queue_position == before_first + 1
    earlier = _stored(app_database_url, jobs.second)
    expect(plan).to_contain_text(format_datetime(earlier.planned_start, jobs.timezone, "short"))

    expect(page.get_by_test_id("target-machine")).to_contain_text(jobs.codes[1])
    page.get_by_label("Reason").fill("E2E: balance the assembly line")
    page.get_by_test_id("move").click()
    expect(plan).to_contain_text(jobs.codes[1])
    moved = _stored(app_database_url, jobs.second)
    assert moved.machine_id == jobs.machines[1]
    expect(plan).to_contain_text(f"{jobs.codes[1]} #{moved.queue_position}")
    expect(plan).to_contain_text(format_datetime(moved.planned_start, jobs.timezone, "short"))
    expect(plan).to_contain_text(format_datetime(moved.planned_end, jobs.timezone, "short"))
    expect(page.get_by_test_id("board-row").filter(has_text=jobs.numbers[1])).to_contain_text(jobs.codes[1])
    assert _stored(app_database_url, jobs.first).queue_position == before_first
    shot(page, "schedule-board-desktop")

    engine = make_engine(app_database_url)
    with Session(engine) as s:
        exceptions = s.exec(select(ScheduleException).where(ScheduleException.operation_id == jobs.second)).all()
        assert [(e.kind, e.reason) for e in exceptions] == [(ExceptionKind.REALLOCATED, "E2E: balance the assembly line")]
    engine.dispose()
