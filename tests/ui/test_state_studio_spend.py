"""The project dashboard's budget and spend: a finance reader is linked to the project's live spend view, which
moves when an order is approved and a settlement is made; a manager is not linked to money. The order page warns
when an order takes its budget over."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from rxapp import live
from rxapp.state.finance.purchase_orders import PurchaseOrdersState
from rxapp.state.studio.live_spend import LiveSpendState
from rxapp.state.studio.project import StudioProjectState
from services.core.db import transaction
from services.finance import budgets, po_receipts, settlements
from services.finance.budgets import BudgetInput
from services.finance.po_receipts import PoReceiptCreate
from tests.factories.finance import NOW, approved_po, make_buying
from tests.ui.conftest import linked, run, signed_in


async def test_finance_sees_the_projects_spend_move_live(engine, session, world, live_context, captured_events):
    buying = make_buying(session, world)
    project = buying.studio.project_id
    state = await signed_in(engine, StudioProjectState, "fin.one")
    state.project_id = project
    _, shared = await linked(state, state.open_project, LiveSpendState)
    assert state.sees_spend and shared.loaded and not shared.has_budget
    assert (shared.committed, shared.note) == ("0", "No budget is set for this project.")
    with transaction(session):
        budgets.set_budget(session, buying.fin, BudgetInput(project_id=project, currency="KRW", amount=Decimal(500000)),
                           now=NOW)
    po = approved_po(session, buying, task_ids=[None])
    with transaction(session):
        po_receipts.receive(session, buying.fin, po.id, PoReceiptCreate(po_line_id=po.lines[0].id, quantity=1), now=NOW)
        settlements.settle(session, buying.fin, po.id, settled_on=date(2026, 12, 10), now=NOW,
                           untasked=[settlements.SettleQuantity(po_line_id=po.lines[0].id, quantity=1)])
    scope = budgets.spend_scope(session, buying.fin, project)
    made = next(e for e in captured_events if e.name == "settlement.created")
    assert scope in live.hub.scopes_for(made)                          # the settlement refreshes the linked view
    shared._apply(live.compute_now(scope))                             # what the hub's refresh writes
    assert (shared.budget, shared.committed, shared.settled, shared.remaining) == (
        "500,000 KRW", "270,000 KRW", "270,000 KRW", "230,000 KRW")
    assert shared.used_percent == 54 and not shared.over


async def test_a_manager_is_not_linked_to_money(engine, session, world, live_context):
    buying = make_buying(session, world)
    state = await signed_in(engine, StudioProjectState, "prod.manager")
    state.project_id = buying.studio.project_id
    _, shared = await linked(state, state.open_project, LiveSpendState)
    assert not state.sees_spend and not shared.loaded


async def test_the_order_page_warns_when_an_order_takes_the_budget_over(engine, session, world):
    buying = make_buying(session, world)
    with transaction(session):
        budgets.set_budget(session, buying.fin, BudgetInput(project_id=buying.studio.project_id, currency="KRW",
                                                            amount=Decimal(100000)), now=NOW)
    po = approved_po(session, buying)                                  # 270,000 against 100,000
    page = await signed_in(engine, PurchaseOrdersState, "fin.two")
    await run(page.enter(), page)
    await run(page.open_po(po.id), page)
    assert page.budget_warnings == [
        "This order takes the budget of project Star Seeds to 270,000 KRW, 170,000 over its 100,000."]
