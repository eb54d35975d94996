"""/finance/budgets without a browser: finance sets a project's and a cost centre's budget (field errors in words),
the list shows spend and marks a budget that approved orders take over; others are refused."""
from __future__ import annotations

from rxapp.state.finance.budgets import BudgetsState
from tests.factories.finance import approved_po, make_buying
from tests.ui.conftest import run, signed_in, toasts


async def test_finance_sets_budgets_and_sees_spend(engine, session, world):
    buying = make_buying(session, world)
    approved_po(session, buying)                                      # 270,000 KRW committed on the project
    page = await signed_in(engine, BudgetsState, "fin.one")
    await run(page.enter(), page)
    assert page.rows == [] and [o.label for o in page.project_options] == ["PRJ-000001 Star Seeds"]
    await run(page.save({"project_id": "", "cost_centre": "", "currency": "KRW", "amount": "100"}), page)
    assert "project_id" in page.form_errors
    await run(page.save({"project_id": page.project_options[0].value, "currency": "KRW", "amount": "abc"}), page)
    assert page.form_errors == {"amount": "Enter a number."}
    events = await run(page.save({"project_id": page.project_options[0].value, "currency": "KRW",
                                  "amount": "200,000"}), page)
    assert toasts(events, "success") == ["The budget of project Star Seeds is set."]
    await run(page.save({"cost_centre": "anim", "currency": "KRW", "amount": "5000000"}), page)
    rows = {r.name: r for r in page.rows}
    star = rows["project Star Seeds"]
    assert (star.budget, star.committed, star.remaining, star.used, star.over) == (
        "200,000 KRW", "270,000 KRW", "-70,000 KRW", "135%", True)
    assert rows["cost centre ANIM"].committed == "0 KRW" and not rows["cost centre ANIM"].over


async def test_a_manager_gets_no_budgets(engine, session, world):
    make_buying(session, world)
    page = await signed_in(engine, BudgetsState, "prod.manager")
    await run(page.enter(), page)
    assert page.rows == [] and page.load_error != ""
