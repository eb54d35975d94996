"""The home page shows what needs attention now, for each role, with links (issue 18: it repeated the
navigation as tiles): machines down, late work, SLA breaches, open NCRs and SPC alerts, each only to the
roles whose pages handle it, counted at their plants only."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from models.base import utcnow
from models.catalog import Customer
from models.finance import Invoice, InvoiceStatus
from models.inspection import SpcAlert
from models.maintenance import MaintenanceTicket
from rxapp import routes
from rxapp.state.home.attention import HomeState
from services.core.db import transaction
from services.core.errors import Forbidden
from services.finance import po_approval, po_receipts, settlements
from services.finance.po_receipts import PoReceiptCreate
from services.home import attention
from services.home.attention import ORG_WIDE
from services.kpi import andon
from services.quality import ncr as ncr_service
from services.quality.ncr import NcrCreate
from services.shopfloor import operator as shopfloor
from tests.factories.finance import NOW, approved_po, make_buying, make_po
from tests.factories.org import actor_of, make_user
from tests.factories.production import add, make_work_order
from tests.factories.quality import baseline, make_plan, measure
from tests.factories.shopfloor import make_floor, new_client_id
from tests.ui.conftest import run, signed_in

ROLES = ("viewer", "operator", "supervisor", "quality", "maintenance", "planner", "finance")


@pytest.fixture
def plant1_trouble(session, world):
    """At plant 1: a machine down, a late work order, a ticket past its SLA, an open NCR, an SPC alert;
    at plant 2 a machine down that plant-1 people must not count."""
    people = {role: make_user(session, world.org_a, roles=[role], plant_ids=[world.plant1], username=role)
              for role in ROLES}
    floor = make_floor(session, world.org_a, world.plant1, world.dept1)
    other = make_floor(session, world.org_a, world.plant2, world.dept2)
    for f in (floor, other):
        with transaction(session):
            shopfloor.start_downtime(session, actor_of(session, world.admin_a), f.machine_id,
                                     f.line.downtime_reason_id, client_id=new_client_id(), now=utcnow())
    make_work_order(session, world.org_a, world.plant1, floor.line, due=date.today() - timedelta(days=2))
    make_work_order(session, world.org_a, world.plant1, floor.line, due=date.today() + timedelta(days=5))
    with transaction(session):
        add(session, MaintenanceTicket(organization_id=world.org_a, plant_id=world.plant1, machine_id=floor.machine_id,
                                       number="MT-T1", title="Spindle noise", resolution_due_at=utcnow() - timedelta(hours=1)))
        quality = actor_of(session, people["quality"])
        ncr_service.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Burr", severity="major"),
                               now=utcnow())
    _, cid = make_plan(session, quality, world.plant1, floor.line.product_id, name="Bore")
    for minute, value in enumerate([10, 12, 11, 13, 14]):
        measure(session, quality, cid, minute, [value])
    baseline(session, quality, cid, 0, 4)
    measure(session, quality, cid, 9, [40])                      # far beyond the limits (value and moving range)
    people["alerts"] = len(session.exec(select(SpcAlert)).all())
    assert people["alerts"] >= 1
    return people


def kinds(session, user_id) -> dict[str, int]:
    return {a.kind: a.count for a in attention(session, actor_of(session, user_id), now=utcnow())}


def test_each_role_sees_what_its_pages_handle(session, world, plant1_trouble):
    alerts = plant1_trouble.pop("alerts")
    seen = {role: kinds(session, uid) for role, uid in plant1_trouble.items()}
    assert seen["viewer"] == {"machines_down": 1, "late_work": 1, "open_ncrs": 1}
    assert seen["operator"] == {"machines_down": 1, "spc_alerts": alerts}
    assert seen["supervisor"] == {"machines_down": 1, "late_work": 1, "sla_breaches": 1, "open_ncrs": 1,
                                  "spc_alerts": alerts}
    assert seen["quality"] == {"machines_down": 1, "late_work": 1, "open_ncrs": 1, "spc_alerts": alerts}
    assert seen["maintenance"] == {"machines_down": 1, "sla_breaches": 1}
    assert seen["planner"] == seen["viewer"]
    assert seen["finance"] == seen["viewer"]                        # they read the dashboards, as viewers do
    assert kinds(session, world.admin_a)["machines_down"] == 2          # both plants
    assert kinds(session, world.admin_b) == {}                         # another organization: nothing


async def test_the_home_page_cards_say_it_in_words_and_link_to_the_page(engine, session, world, plant1_trouble):
    state = await signed_in(engine, HomeState, "supervisor")
    await run(state.load_attention(), state)
    assert not state.attention_loading and state.attention_error == ""
    cards = {c.kind: (c.title, c.href) for c in state.cards}
    assert cards["machines_down"] == ("1 machine down", routes.ANDON)
    assert cards["late_work"] == ("1 work order past its due date", routes.DASHBOARD)   # no PLAN: not /schedule
    assert cards["open_ncrs"] == ("1 open NCR", routes.NCRS)
    assert cards["spc_alerts"][1] == routes.QUALITY_SPC and cards["spc_alerts"][0].endswith(" to acknowledge")
    assert [c.kind for c in state.cards] == ["machines_down", "late_work", "sla_breaches", "open_ncrs", "spc_alerts"]
    planner = await signed_in(engine, HomeState, "planner")
    await run(planner.load_attention(), planner)
    assert {c.kind: c.href for c in planner.cards}["late_work"] == routes.SCHEDULE
    operator = await signed_in(engine, HomeState, "operator")
    await run(operator.load_attention(), operator)
    assert {c.kind: c.href for c in operator.cards}["machines_down"] == routes.OPERATOR
    calm = await signed_in(engine, HomeState, "admin.b")
    await run(calm.load_attention(), calm)
    assert calm.cards == [] and calm.attention_error == ""


def test_open_ncrs_name_the_most_severe_first(session, world, plant1_trouble):
    quality = actor_of(session, plant1_trouble["quality"])
    with transaction(session):
        minor = ncr_service.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Scratch",
                                                                  severity="minor"), now=utcnow())
        critical = ncr_service.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Crack",
                                                                     severity="critical"), now=utcnow())
    (ncrs,) = [a for a in attention(session, quality, now=utcnow()) if a.kind == "open_ncrs"]
    assert ncrs.count == 3
    assert ncrs.names[0] == critical.number and ncrs.names[2] == minor.number


def test_a_technicians_home_lists_their_tickets_and_preventive_work_due(session, world, plant1_trouble):
    """Issue 18: maintenance gets a home with its own work: their open tickets, SLA breaches, PMs due."""
    tech = plant1_trouble["maintenance"]
    machine = session.exec(select(MaintenanceTicket.machine_id)).first()
    with transaction(session):
        for number, kind, assignee, closed, due in (
                ("MT-MINE", "corrective", tech, False, None), ("MT-DONE", "corrective", tech, True, None),
                ("PM-2", "preventive", None, False, utcnow() + timedelta(days=3)),
                ("PM-1", "preventive", None, False, utcnow() + timedelta(days=1)),
                ("PM-OLD", "preventive", None, True, utcnow())):
            add(session, MaintenanceTicket(organization_id=world.org_a, plant_id=world.plant1, machine_id=machine,
                                           number=number, title=number, kind=kind, assignee_id=assignee,
                                           is_closed=closed, due_at=due))
    found = {a.kind: a for a in attention(session, actor_of(session, tech), now=utcnow())}
    assert (found["my_tickets"].count, found["my_tickets"].names) == (1, ["MT-MINE"])
    assert (found["pm_due"].count, found["pm_due"].names) == (2, ["PM-1", "PM-2"])
    assert found["sla_breaches"].count == 1
    assert "my_tickets" not in kinds(session, plant1_trouble["supervisor"])    # theirs only, and only technicians'
    assert "pm_due" not in kinds(session, plant1_trouble["operator"])


async def test_finance_home_lists_orders_to_approve_receive_settle_pay_and_overdue_invoices(engine, session, world):
    """Issue 18: finance gets a home with its own work; nobody without FINANCE sees it."""
    buying = make_buying(session, world)
    goods = approved_po(session, buying, task_ids=[None], quantity=5, unit_price=Decimal(1000))
    received = approved_po(session, buying, task_ids=[None], quantity=2, unit_price=Decimal(1000))
    waiting = make_po(session, buying, task_ids=[None])
    with transaction(session):
        po_approval.submit_po(session, buying.fin, waiting.id, now=NOW)
        for po, quantity in ((goods, 2), (received, 2)):
            po_receipts.receive(session, buying.fin, po.id, PoReceiptCreate(po_line_id=po.lines[0].id,
                                                                            quantity=quantity), now=NOW)
    with transaction(session):
        paid_later = settlements.settle(session, buying.fin, received.id, settled_on=NOW.date(), now=NOW,
                                        received=True)
        customer = add(session, Customer(organization_id=world.org_a, code="ACME", name="Acme"))
        for number, due, status, total in (("INV-LATE", date(2026, 11, 1), InvoiceStatus.ISSUED, Decimal(100)),
                                           ("INV-NOT-DUE", date(2027, 1, 1), InvoiceStatus.ISSUED, Decimal(100)),
                                           ("INV-DRAFT", date(2026, 11, 1), InvoiceStatus.DRAFT, Decimal(100)),
                                           ("INV-ZERO", date(2026, 11, 1), InvoiceStatus.ISSUED, Decimal(0))):
            add(session, Invoice(organization_id=world.org_a, number=number, status=status, customer_id=customer.id,
                                 currency="EUR", issue_date=date(2026, 10, 1), due_date=due, total=total))
    today = NOW + timedelta(days=10)
    found = {a.kind: (a.count, a.names) for a in attention(session, buying.fin2, now=today)}
    assert found["pos_to_approve"] == (1, [waiting.number])           # fin2 may approve what fin wrote
    assert found["pos_to_receive"] == (1, [goods.number])             # 2 of 5 in; the other order is in full
    assert found["pos_to_settle"] == (1, [goods.number])              # received and not settled
    assert found["unpaid_settlements"] == (1, [paid_later.number])
    assert found["overdue_invoices"] == (1, ["INV-LATE"])
    writer = {a.kind for a in attention(session, buying.fin, now=today)}
    assert "pos_to_approve" not in writer and "pos_to_receive" in writer   # the writer never approves their own
    for role in ("viewer", "maintenance", "planner", "quality"):
        other = make_user(session, world.org_a, roles=[role], plant_ids=[world.plant1], username=f"{role}.fin")
        assert not set(kinds(session, other)) & ORG_WIDE, role
    state = await signed_in(engine, HomeState, "fin.two")
    await run(state.load_attention(), state)
    cards = {c.kind: (c.title, c.href) for c in state.cards}
    assert cards["overdue_invoices"][1] == routes.FINANCE_INVOICES
    assert cards["pos_to_receive"] == ("1 purchase order to receive", routes.FINANCE_PURCHASE_ORDERS)


async def test_maintenance_and_finance_see_the_dashboards_and_andon_they_may_read(engine, session, world):
    """Issue 18: the navigation shows the andon and dashboards a role may read: a technician (MAINTAIN) the andon and
    the maintenance dashboard, not the production dashboard; finance (VIEW_DASHBOARDS) all three."""
    tech = make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.nav")
    fin = make_user(session, world.org_a, roles=["finance"], plant_ids=[world.plant1], username="fin.nav")
    planner = make_user(session, world.org_a, roles=["planner"], plant_ids=[world.plant1], username="plan.nav")
    for username, shown, hidden in (("tech.nav", {routes.ANDON, routes.MAINTENANCE}, {routes.DASHBOARD}),
                                    ("fin.nav", {routes.ANDON, routes.MAINTENANCE, routes.DASHBOARD}, set())):
        state = await signed_in(engine, HomeState, username)
        paths = {item.path for item in routes.nav_for(state.permissions)}
        assert shown <= paths and not hidden & paths, username
    for user in (tech, fin, planner):
        assert andon.board_scope(session, actor_of(session, user), world.plant1).plant_id == world.plant1
    assert [p.id for p in andon.board_plants(session, actor_of(session, tech))] == [world.plant1]
    operator = actor_of(session, world.operator1)
    with pytest.raises(Forbidden):
        andon.board_scope(session, operator, world.plant1)
