"""The demo's finance: chart, periods, the example tax rules of four countries, work-center rates, and the shipped
demo shipment invoiced and half paid, all balancing in the ledger."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import select

from models.finance import JournalEntry
from models.orders import WorkOrder, WorkStatus
from models.user import User
from services.core.db import transaction
from services.demo import seed as demo
from services.finance import costing, invoices, ledger_reports, payments, production_postings, tax_rules
from services.org.auth import actor_for_user
from tests.conftest import T0


def test_the_demo_has_a_ledger_that_balances_and_tax_rules_that_compute(session):
    with transaction(session):
        assert demo.seed_demo(session, now=T0)
    finance = actor_for_user(session, session.exec(select(User).where(User.username == "finance")).one())
    rules = {r.code for r in tax_rules.list_tax_rules(session, finance)}
    assert {"KR-WHT-3.3", "JP-WHT-FEE", "BD-VAT-15", "DE-VAT-19"} <= rules
    kr = tax_rules.compute_by_code(session, finance, "KR-WHT-3.3", Decimal("2000000"), on=date(2026, 1, 1))
    assert [c.amount for c in kr.components] == [Decimal("60000"), Decimal("6000")]
    issued = invoices.list_invoices(session, finance)
    assert issued and all(i.status == "issued" for i in issued)
    tb = ledger_reports.trial_balance(session, finance, currency="EUR")
    assert tb.total_debit == tb.total_credit > 0
    aging = payments.ar_aging(session, finance, as_of=T0.date(), currency="EUR")
    assert sum(r.total for r in aging) == sum(i.total for i in issued) - sum(
        (i.total / 2).quantize(Decimal("0.01")) for i in issued)
    product = issued[0].lines[0].product_id
    assert costing.cost_rollup(session, finance, product).unit_cost > 0


def test_the_demo_plant_is_costed_and_its_history_is_in_the_ledger(session):
    with transaction(session):
        assert demo.seed_demo(session, now=T0)
    finance = actor_for_user(session, session.exec(select(User).where(User.username == "finance")).one())
    assert production_postings.cost_currency(session, finance.organization_id) == "EUR"
    left = production_postings.pending(session, finance)
    assert (left.issues, left.completions) == (0, 0)
    completions = session.exec(select(JournalEntry).where(JournalEntry.organization_id == finance.organization_id,
                                                          JournalEntry.source_type == production_postings.COMPLETION)).all()
    done = session.exec(select(WorkOrder).where(WorkOrder.organization_id == finance.organization_id,
                                                WorkOrder.status == WorkStatus.DONE)).all()
    assert done and {e.source_id for e in completions} == {w.id for w in done if w.quantity_good}
    tb = ledger_reports.trial_balance(session, finance, currency="EUR")
    assert tb.total_debit == tb.total_credit
