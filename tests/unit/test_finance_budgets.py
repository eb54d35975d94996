"""Budgets per project and per cost centre: committed spend from approved orders, settled and paid from
settlements, a warning when an order would take a budget over, the live view's scope and events; finance only."""
from datetime import date
from decimal import Decimal

import pytest

from rxapp.i18n import use_language
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound
from services.finance import budgets, po_receipts, purchasing, settlements
from services.finance.budgets import BudgetInput
from services.finance.events import BudgetSet, SettlementCreated
from services.finance.po_receipts import PoReceiptCreate
from services.kpi.live import is_live_event
from tests.factories.finance import NOW, approved_po, make_buying, make_po
from tests.factories.org import make_user


@pytest.fixture
def buying(session, world):
    return make_buying(session, world)


def _budget(session, buying, **kw):
    with transaction(session):
        return budgets.set_budget(session, buying.fin, BudgetInput(**kw), now=NOW)


def test_project_spend_moves_with_approval_settlement_and_payment(session, buying):
    project = buying.studio.project_id
    _budget(session, buying, project_id=project, currency="KRW", amount=Decimal(500000))
    draft = make_po(session, buying)                                  # 270,000 adjusted: fits
    assert purchasing.read_po(session, buying.fin, draft.id).budget_warnings == []
    assert budgets.project_spend(session, buying.fin, project).budget.committed == 0     # a draft commits nothing
    po = approved_po(session, buying, task_ids=[None])                # another 270,000, approved
    spend = budgets.project_spend(session, buying.fin, project)
    assert (spend.budget.committed, spend.budget.remaining, spend.budget.over) == (Decimal(270000), Decimal(230000), False)
    # the draft now takes the project to 540,000 of 500,000
    assert purchasing.read_po(session, buying.fin, draft.id).budget_warnings == [
        "This order takes the budget of project Star Seeds to 540,000 KRW, 40,000 over its 500,000."]
    with use_language("ja"):                                          # a Japanese buyer reads the warning in Japanese
        assert purchasing.read_po(session, buying.fin, draft.id).budget_warnings == [
            "この発注で project Star Seeds の予算は 540,000 KRW になり、予算 500,000 を 40,000 超えます。"]
    with transaction(session):
        po_receipts.receive(session, buying.fin, po.id, PoReceiptCreate(po_line_id=po.lines[0].id, quantity=1), now=NOW)
        settlements.settle(session, buying.fin, po.id, settled_on=date(2026, 12, 10), now=NOW,
                           untasked=[settlements.SettleQuantity(po_line_id=po.lines[0].id, quantity=1)])
    settled = budgets.project_spend(session, buying.fin, project)
    assert (settled.budget.settled, settled.budget.paid) == (Decimal(270000), Decimal(0))
    with transaction(session):
        st = settlements.list_settlements(session, buying.fin)[0]
        settlements.mark_paid(session, buying.fin, st.id, date(2026, 12, 20), now=NOW)
    paid = budgets.project_spend(session, buying.fin, project)
    assert paid.budget.paid == Decimal(270000)
    assert [(c.currency, c.committed, c.orders) for c in paid.by_currency] == [("KRW", Decimal(270000), 1)]


def test_cost_centre_budget_and_orders_in_another_currency(session, buying):
    _budget(session, buying, cost_centre="anim", currency="KRW", amount=Decimal(100000))
    _budget(session, buying, cost_centre="paint", currency="EUR", amount=Decimal(1000))
    po = make_po(session, buying, cost_centre="anim")
    assert purchasing.read_po(session, buying.fin, po.id).budget_warnings == [
        "This order takes the budget of cost centre ANIM to 270,000 KRW, 170,000 over its 100,000."]
    approved_po(session, buying, task_ids=[None], cost_centre="PAINT")
    listed = {b.name: b for b in budgets.list_budgets(session, buying.fin)}
    assert listed["cost centre PAINT"].committed == 0 and listed["cost centre PAINT"].other_currency_orders == 1
    assert listed["cost centre ANIM"].committed == 0                  # its order is still a draft
    with transaction(session):
        again = budgets.set_budget(session, buying.fin, BudgetInput(cost_centre="ANIM", currency="KRW",
                                                                    amount=Decimal(300000)), now=NOW)
    assert again.id == listed["cost centre ANIM"].id and again.amount == Decimal(300000)
    assert purchasing.read_po(session, buying.fin, po.id).budget_warnings == []
    check = budgets.OrderCheck(cost_centre="anim", currency="KRW", adjusted=Decimal(300001))    # before writing it
    assert budgets.check_order(session, buying.fin, check) == [
        "This order takes the budget of cost centre ANIM to 300,001 KRW, 1 over its 300,000."]
    assert budgets.check_order(session, buying.fin, check.model_copy(update={"adjusted": Decimal(300000)})) == []
    with pytest.raises(Forbidden):
        budgets.check_order(session, buying.manager, check)
    # the PO form's check figures the adjusted total line by line as create_po does: each 100,000.3 x 1.5 is 150,000
    line = purchasing.PoLineInput(description="KA", quantity=1, unit_price=Decimal("100000.3"),
                                  difficulty_rate=Decimal("1.5"))
    assert purchasing.budget_warnings(session, buying.fin, project_id=None, cost_centre="anim", currency="krw",
                                      lines=[line, line]) == []                 # 300,000, not round(300,000.9)
    assert purchasing.budget_warnings(session, buying.fin, project_id=None, cost_centre="anim", currency="KRW",
                                      lines=[line, line, line]) == [
        "This order takes the budget of cost centre ANIM to 450,000 KRW, 150,000 over its 300,000."]
    with pytest.raises(Forbidden):
        purchasing.budget_warnings(session, buying.manager, project_id=None, cost_centre="anim", currency="KRW",
                                   lines=[line])


def test_only_finance_sees_money_and_a_budget_has_one_scope(session, buying, world):
    project = buying.studio.project_id
    with pytest.raises(Invalid):
        _budget(session, buying, project_id=project, cost_centre="X", currency="KRW", amount=Decimal(1))
    with pytest.raises(Invalid):
        _budget(session, buying, currency="KRW", amount=Decimal(1))
    with pytest.raises(Forbidden):
        budgets.project_spend(session, buying.manager, project)
    with pytest.raises(Forbidden):
        budgets.set_budget(session, buying.manager, BudgetInput(project_id=project, currency="KRW", amount=Decimal(1)),
                           now=NOW)
    outsider = world.actor(make_user(session, world.org_b, roles=["finance"], username="fin.b"))
    with pytest.raises(NotFound):
        budgets.project_spend(session, outsider, project)
    with pytest.raises(NotFound):
        budgets.spend_scope(session, outsider, project)                # nor links to its live view
    assert budgets.list_budgets(session, outsider) == []


def test_the_live_spend_view_follows_money_events(session, buying):
    project = buying.studio.project_id
    scope = budgets.spend_scope(session, buying.fin, project)
    with pytest.raises(Forbidden):
        budgets.spend_scope(session, buying.manager, project)
    paid = SettlementCreated(organization_id=scope.organization_id, at=NOW, settlement_id=1, purchase_order_id=1)
    assert is_live_event(paid) and budgets.spend_affects(scope, paid)
    other = BudgetSet(organization_id=scope.organization_id, at=NOW, budget_id=1, project_id=project + 1)
    assert not budgets.spend_affects(scope, other)
    _budget(session, buying, project_id=project, currency="KRW", amount=Decimal(1000))
    view = budgets.spend_for_scope(session, scope, NOW)
    assert view.budget.amount == Decimal(1000) and view.computed_at == NOW
