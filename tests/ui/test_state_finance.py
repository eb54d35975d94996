"""The /finance page state: setting up the ledger, the trial balance after an invoice, the tax calculator, the
cost roll-up, refusals for people without finance rights, and nothing of another organization."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.base import utcnow
from models.catalog import Customer, Product
from models.finance import TaxKind
from models.orders import CustomerOrder, OrderLine
from rxapp.state.finance.overview import FinanceState
from services.core.db import transaction
from services.finance import invoices, tax_rules
from services.finance.invoices import InvoiceOptions, OrderLinePick
from services.finance.tax_rules import ComponentInput, TaxRuleCreate, TierInput
from tests.factories.org import make_user
from tests.ui.conftest import run, signed_in, toasts


async def test_finance_page_sets_up_and_shows_the_ledger(engine, session, world):
    make_user(session, world.org_a, roles=["finance"], plant_ids=[world.plant1], username="fin.ui")
    session.commit()
    state = await signed_in(engine, FinanceState, "fin.ui")
    await run(state.enter(), state)
    assert state.load_error == "" and not state.has_chart and state.tb_rows == []
    events = await run(state.set_up_ledger(), state)
    assert toasts(events, "success") and state.has_chart
    fin = world.actor(make_user(session, world.org_a, roles=["finance"], username="fin.two"))
    today = utcnow().date()
    with transaction(session):
        tax_rules.create_tax_rule(session, fin, TaxRuleCreate(
            code="DE-VAT-19", name="VAT", jurisdiction="DE", kind=TaxKind.VAT, currency="EUR",
            effective_from=date(2007, 1, 1), components=[ComponentInput(name="VAT", tiers=[TierInput(rate=Decimal("0.19"))])]),
            now=utcnow())
        customer = Customer(organization_id=world.org_a, code="C1", name="Customer One")
        product = Product(organization_id=world.org_a, code="P1", name="Part", standard_cost=Decimal("2.5"))
        session.add_all([customer, product])
        session.flush()
        order = CustomerOrder(organization_id=world.org_a, plant_id=world.plant1, number="SO-1", customer_id=customer.id)
        session.add(order)
        session.flush()
        line = OrderLine(organization_id=world.org_a, order_id=order.id, line_no=1, product_id=product.id, quantity=2,
                         promised_date=today, unit_price=Decimal("50"))
        session.add(line)
        session.flush()
        draft = invoices.invoice_order_lines(session, fin, customer.id, [OrderLinePick(order_line_id=line.id, quantity=2)],
                                             InvoiceOptions(currency="EUR", vat_rule_code="DE-VAT-19", issue_date=today),
                                             now=utcnow())
        invoices.issue(session, fin, draft.id, now=utcnow())
    await run(state.load(), state)
    assert [(r.code, r.debit, r.credit) for r in state.tb_rows] == [("1100", "119", ""), ("2100", "", "19"),
                                                                     ("4000", "", "100")]
    assert state.tb_totals == ["119", "119"]
    assert [(r.number, r.status, r.total) for r in state.invoice_rows] == [("INV-000001", "Issued", "119 EUR")]
    assert {f.label: f.value for f in state.aging}["Not yet due"] == "119"
    await run(state.compute_tax({"code": "DE-VAT-19", "amount": "10.05"}), state)
    assert state.calc_result[-1].value == "1.91 EUR"
    events = await run(state.compute_tax({"code": "NOPE", "amount": "1"}), state)
    assert toasts(events, "error")
    await run(state.show_rollup(str(product.id)), state)
    assert {f.label: f.value for f in state.rollup}["Standard unit cost"] == "2.50"


async def test_people_without_finance_rights_and_other_organizations_see_nothing(engine, session, world):
    make_user(session, world.org_a, roles=["planner"], plant_ids=[world.plant1], username="plan.ui")
    session.commit()
    state = await signed_in(engine, FinanceState, "plan.ui")
    await run(state.enter(), state)
    assert state.load_error != "" and state.tb_rows == []
    events = await run(state.set_up_ledger(), state)
    assert toasts(events, "error")
    other = await signed_in(engine, FinanceState, "admin.b")
    await run(other.enter(), other)
    assert other.load_error == "" and other.invoice_rows == [] and other.rules == []


async def test_cost_currency_and_pending_production_postings(engine, session, world):
    make_user(session, world.org_a, roles=["finance"], plant_ids=[world.plant1], username="fin.cost")
    session.commit()
    state = await signed_in(engine, FinanceState, "fin.cost")
    await run(state.enter(), state)
    assert state.cost_currency == "" and state.production_pending.startswith("0 material issues")
    assert toasts(await run(state.set_cost_currency({"cost_currency": "euro"}), state), "error")
    assert toasts(await run(state.set_cost_currency({"cost_currency": "jpy"}), state), "success")
    assert state.cost_currency == "JPY"
    events = await run(state.post_production(), state)
    assert toasts(events, "success") == ["0 production entries posted."] and state.production_refused == []
