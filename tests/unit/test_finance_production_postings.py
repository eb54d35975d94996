"""Production postings, computed by hand: 25 bars at 2.50 issued to a work order (work in progress 62.50); the
order completes 10 pins of standard 6.50 (5.00 material + 1.50 conversion) after 12 minutes on a 60 + 30 per
hour work center (18.00): finished goods 65.00, work in progress 62.50 and conversion applied 18.00 credited,
variance 15.50 debited (23.00 with 3 bars issued before postings began). Posted from the events as production
commits, once per source; a closed period leaves the source pending without stopping production; nothing before
the cost currency was named."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from models.catalog import BomLine, Product, ProductType
from models.finance import JournalEntry, PeriodStatus
from models.lots import Lot, LotConsumption, LotOrigin
from models.orders import Operation, WorkOrder, WorkStatus
from models.resources import Machine, WorkCenter
from models.routing import Routing, RoutingStep
from models.shopfloor import EventKind, ProductionEvent
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid
from services.core.events import record
from services.finance import accounts, journal, ledger_reports, periods, production_postings
from services.production.events import WorkOrderCompleted
from services.trace.events import LotConsumed
from tests.factories.org import make_user

T = datetime(2026, 12, 1, 8, tzinfo=UTC)


def _add(session, row):
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def plant(session, world):
    """The pin of test_finance_work_order_cost: a work order of 12 with its operation, a lot of 100 bars, and the
    operation's job events (8 + 4 minutes running)."""
    org, plant_id = world.org_a, world.plant1
    wc = _add(session, WorkCenter(organization_id=org, plant_id=plant_id, department_id=world.dept1, code="CUT",
                                  name="Cut", machine_rate_per_hour=Decimal("60"), labour_rate_per_hour=Decimal("30")))
    machine = _add(session, Machine(organization_id=org, plant_id=plant_id, department_id=world.dept1,
                                    work_center_id=wc, code="M1", name="Saw"))
    bar = _add(session, Product(organization_id=org, code="BAR", name="Bar", type=ProductType.RAW,
                                standard_cost=Decimal("2.50")))
    pin = _add(session, Product(organization_id=org, code="PIN", name="Pin"))
    _add(session, BomLine(organization_id=org, parent_product_id=pin, component_product_id=bar, quantity_per=Decimal(2)))
    routing = _add(session, Routing(organization_id=org, product_id=pin))
    _add(session, RoutingStep(organization_id=org, routing_id=routing, sequence=10, name="Cut", work_center_id=wc,
                              ideal_cycle_seconds=Decimal(60)))
    wo = _add(session, WorkOrder(organization_id=org, plant_id=plant_id, number="WO-1", product_id=pin, quantity=12,
                                 status=WorkStatus.RUNNING))
    op = _add(session, Operation(organization_id=org, plant_id=plant_id, work_order_id=wo, sequence=10, name="Cut",
                                 work_center_id=wc, machine_id=machine, quantity=12, ideal_cycle_seconds=Decimal(60)))
    lot = _add(session, Lot(organization_id=org, plant_id=plant_id, number="L1", product_id=bar, quantity=100,
                            quantity_initial=100, origin=LotOrigin.RECEIPT))
    for i, (kind, minutes) in enumerate([(EventKind.JOB_STARTED, 0), (EventKind.JOB_PAUSED, 8),
                                         (EventKind.JOB_RESUMED, 20), (EventKind.JOB_COMPLETED, 24)]):
        _add(session, ProductionEvent(organization_id=org, plant_id=plant_id, machine_id=machine, operation_id=op,
                                      kind=kind, client_id=f"e{i}", occurred_at=T + timedelta(minutes=minutes)))
    fin = world.actor(make_user(session, org, roles=["finance"], plant_ids=[plant_id], username="fin.prod"))
    with transaction(session):
        accounts.apply_chart_template(session, fin, now=T)
        periods.open_year(session, fin, 2026, now=T)
    return {"wo": wo, "op": op, "lot": lot, "fin": fin, "world": world}


def _consume(session, p, quantity: int, at: datetime) -> int:
    """What the genealogy service leaves behind: the consumption row and its lot.consumed event, committed."""
    world = p["world"]
    with transaction(session):
        consumption = _add(session, LotConsumption(organization_id=world.org_a, plant_id=world.plant1, lot_id=p["lot"],
                                                   operation_id=p["op"], work_order_id=p["wo"], quantity=quantity, at=at))
        record(session, _consumed(p, consumption, quantity, at))
    return consumption


def _consumed(p, consumption: int, quantity: int, at: datetime) -> LotConsumed:
    world = p["world"]
    return LotConsumed(organization_id=world.org_a, plant_id=world.plant1, at=at, lot_id=p["lot"], number="L1",
                       consumption_id=consumption, operation_id=p["op"], work_order_id=p["wo"], pass_no=1,
                       quantity=quantity, kind="consume", serial_id=None, left=100 - quantity)


def _entries(session) -> int:
    return len(session.exec(select(JournalEntry.id)).all())


def _balances(session, fin) -> dict[str, tuple[Decimal, Decimal]]:
    return {r.code: (Decimal(r.debit), Decimal(r.credit))
            for r in ledger_reports.trial_balance(session, fin, currency="EUR").rows if r.debit or r.credit}


def test_issue_and_completion_posted_by_hand(session, plant):
    fin = plant["fin"]
    _consume(session, plant, 3, T - timedelta(hours=2))                     # before the cost currency: not posted
    with transaction(session):
        production_postings.set_cost_currency(session, fin, "eur", now=T - timedelta(hours=1))
    consumption = _consume(session, plant, 25, T)
    assert _balances(session, fin) == {"1310": (Decimal("62.50"), 0), "1300": (0, Decimal("62.50"))}
    with transaction(session):                                              # the same event again: posted once
        record(session, _consumed(plant, consumption, 25, T))
    assert _entries(session) == 1
    assert production_postings.pending(session, fin).issues == 0            # the 3 bars before are not pending

    with transaction(session):
        wo = session.get(WorkOrder, plant["wo"])
        wo.status, wo.quantity_good, wo.quantity_scrap, wo.completed_at = WorkStatus.DONE, 10, 2, T + timedelta(minutes=30)
        record(session, WorkOrderCompleted(organization_id=wo.organization_id, plant_id=wo.plant_id, at=wo.completed_at,
                                           work_order_id=wo.id, number=wo.number))
    entry = session.exec(select(JournalEntry).where(JournalEntry.source_type == "work_order_completion")).one()
    assert entry.entry_date == date(2026, 12, 1) and entry.source_id == plant["wo"]
    # the completion first posts the order's issue from before the cost currency (3 x 2.50 = 7.50): WIP 70.00;
    # finished goods 10 x 6.50 = 65.00; conversion 0.2 h x 90 = 18.00; variance 70.00 + 18.00 - 65.00 = 23.00
    assert _balances(session, fin) == {"1300": (0, Decimal("70.00")), "1320": (Decimal("65.00"), 0),
                                       "5200": (Decimal("23.00"), 0), "5300": (0, Decimal("18.00"))}   # WIP is zero
    lines = {(x.debit, x.credit) for x in journal.get_entry(session, fin, entry.id).lines}
    assert lines == {(Decimal("65.00"), 0), (0, Decimal("70.00")), (0, Decimal("18.00")), (Decimal("23.00"), 0)}
    tb = ledger_reports.trial_balance(session, fin, currency="EUR")
    assert tb.total_debit == tb.total_credit == Decimal("88.00")           # 65.00 + 23.00 = 70.00 + 18.00


def test_a_closed_period_leaves_production_pending_until_it_reopens(session, plant):
    fin = plant["fin"]
    with transaction(session):
        production_postings.set_cost_currency(session, fin, "EUR", now=T - timedelta(days=1))
        december = next(p for p in periods.list_periods(session, fin, year=2026) if p.name == "2026-12")
        periods.set_period_status(session, fin, december.id, PeriodStatus.CLOSED, now=T)
    consumption = _consume(session, plant, 25, T)                           # production itself is not refused
    assert session.get(LotConsumption, consumption) is not None and _entries(session) == 0
    assert production_postings.pending(session, fin).issues == 1
    with transaction(session):
        run = production_postings.post_pending(session, fin, now=T)
    assert run.posted == 0 and "closed" in run.refused[0]
    with transaction(session):
        periods.set_period_status(session, fin, december.id, PeriodStatus.OPEN, now=T)
    with transaction(session):
        run = production_postings.post_pending(session, fin, now=T)
    assert (run.posted, run.refused) == (1, [])
    assert _balances(session, fin) == {"1310": (Decimal("62.50"), 0), "1300": (0, Decimal("62.50"))}
    assert production_postings.pending(session, fin).issues == 0


def test_settings_need_finance_and_a_currency_code(session, plant):
    world = plant["world"]
    with pytest.raises(Forbidden):
        production_postings.set_cost_currency(session, world.actor(world.planner1), "EUR", now=T)
    with pytest.raises(Invalid):
        production_postings.set_cost_currency(session, plant["fin"], "euro", now=T)
    with pytest.raises(Invalid):
        production_postings.post_pending(session, plant["fin"], now=T)      # no cost currency yet
    _consume(session, plant, 25, T)                                         # no settings: nothing is posted
    assert _entries(session) == 0
    assert production_postings.pending(session, world.actor(world.admin_b)).cost_currency is None
