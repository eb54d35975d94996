"""Budgets over real HTTP: finance sets a project's budget and reads its spend; a manager gets 403."""
from __future__ import annotations

from tests.api.conftest import assert_error
from tests.factories.finance import approved_po, make_buying


def test_budget_and_project_spend_over_http(client, world, as_user, session):
    buying = make_buying(session, world)
    approved_po(session, buying)
    project = buying.studio.project_id
    fin, manager = as_user("fin.one"), as_user("prod.manager")
    body = {"project_id": project, "currency": "KRW", "amount": "200000"}
    budget = client.put("/finance/budgets", json=body, headers=fin)
    assert budget.status_code == 200, budget.text
    assert (budget.json()["committed"], budget.json()["remaining"], budget.json()["over"]) == ("270000", "-70000", True)
    spend = client.get(f"/finance/projects/{project}/spend", headers=fin).json()
    assert spend["budget"]["amount"] == "200000" and spend["by_currency"][0]["committed"] == "270000"
    assert [b["name"] for b in client.get("/finance/budgets", headers=fin).json()] == ["project Star Seeds"]
    check = client.post("/finance/budgets/check", json={"project_id": project, "currency": "KRW", "adjusted": "1"},
                        headers=fin)
    assert check.status_code == 200 and check.json()[0].startswith("This order takes the budget of project Star Seeds")
    assert_error(client.get(f"/finance/projects/{project}/spend", headers=manager), 403, "forbidden")
    assert_error(client.put("/finance/budgets", json={**body, "cost_centre": "X"}, headers=fin), 422, "invalid")
