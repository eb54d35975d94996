"""Inspections, SPC and rejects over real HTTP: define a plan, record points, set a baseline, an
alert on a point beyond the limits, rejects with disposition and approval, exports, tenancy."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from services.config import type_lists
from tests.api.conftest import assert_error
from tests.conftest import T0
from tests.factories.org import make_user
from tests.factories.production import make_line, make_work_order


@pytest.fixture
def setup(session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username="q.api")
    make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1], username="m.api")
    dim = next(v.id for v in type_lists.values(session, world.actor(world.admin_a), type_lists.DEFECT_CODES)
               if v.code == "DIM")
    return line, dim


def _plan(client, headers, plant_id, product_id):
    plan = client.post("/inspection-plans", json={"plant_id": plant_id, "product_id": product_id, "name": "Shaft"},
                       headers=headers)
    assert plan.status_code == 201, plan.text
    c = client.post(f"/inspection-plans/{plan.json()['id']}/characteristics", headers=headers, json={
        "name": "Diameter", "unit": "mm", "nominal": "12", "lsl": "5", "usl": "19", "chart_type": "i_mr"})
    assert c.status_code == 201, c.text
    return plan.json()["id"], c.json()["id"]


def test_plan_points_baseline_and_an_alert(client, world, setup, as_user):
    line, _ = setup
    quality = as_user("q.api")
    _, cid = _plan(client, quality, world.plant1, line.product_id)
    for i, value in enumerate(["10", "12", "11", "13", "14"]):
        r = client.post("/inspections", headers=quality, json={
            "characteristic_id": cid, "values": [value], "measured_at": (T0 + timedelta(minutes=i)).isoformat()})
        assert r.status_code == 201, r.text
        assert r.json()["alerts"] == []
    base = client.put(f"/characteristics/{cid}/baseline", headers=quality, json={
        "start": T0.isoformat(), "end": (T0 + timedelta(minutes=4)).isoformat()})
    assert base.status_code == 200, base.text
    limits = [round(Decimal(base.json()[k]), 6) for k in ("center", "ucl", "lcl")]
    assert limits == [Decimal(12), Decimal("15.988021"), Decimal("8.011979")]
    operator = as_user("op.one")
    point = client.post("/inspections", headers=operator, json={"characteristic_id": cid, "values": ["16.5"],
                                                                "client_id": "phone-1"})
    assert point.status_code == 201, point.text
    assert [(a["chart"], a["rule"]) for a in point.json()["alerts"]] == [("primary", 1)]
    again = client.post("/inspections", headers=operator, json={"characteristic_id": cid, "values": ["16.5"],
                                                                "client_id": "phone-1"})
    assert again.json()["duplicate"] is True and again.json()["inspection"]["id"] == point.json()["inspection"]["id"]
    alerts = client.get("/spc-alerts", params={"open_only": True}, headers=quality).json()
    assert len(alerts) == 1 and alerts[0]["characteristic_name"] == "Diameter"
    ack = client.post(f"/spc-alerts/{alerts[0]['id']}/acknowledge", headers=operator, json={})
    assert_error(ack, 403, "forbidden")
    assert client.post(f"/spc-alerts/{alerts[0]['id']}/acknowledge", headers=quality, json={"note": "ok"}).status_code == 200
    chart = client.get(f"/characteristics/{cid}/chart", headers=quality).json()
    assert len(chart["points"]) == 6 and chart["points"][-1]["rules"] == [1]
    assert chart["capability"]["cp"] is not None


def test_inspecting_needs_inspect_not_run_jobs(client, world, setup, as_user):
    """Issue 18: quality (no run-jobs) records inspections; an operator keeps self-inspection by default, and
    once the organization takes INSPECT from the operator role the same operator is refused (403)."""
    line, _ = setup
    quality, operator, admin = as_user("q.api"), as_user("op.one"), as_user("admin.a")
    assert "run_jobs" not in client.get("/me", headers=quality).json()["permissions"]
    _, cid = _plan(client, quality, world.plant1, line.product_id)
    assert client.post("/inspections", headers=quality, json={"characteristic_id": cid, "values": ["12"]}).status_code == 201
    assert client.post("/inspections", headers=operator, json={"characteristic_id": cid, "values": ["12"]}).status_code == 201
    role = next(r for r in client.get("/roles", headers=admin).json() if r["key"] == "operator")
    cell = client.put(f"/roles/{role['id']}/permissions/inspect", headers=admin, json={"allowed": False})
    assert cell.status_code == 200 and "inspect" not in cell.json()["permissions"]
    assert "run_jobs" in cell.json()["permissions"]
    refused = client.post("/inspections", headers=operator, json={"characteristic_id": cid, "values": ["12"]})
    assert_error(refused, 403, "forbidden")
    assert "inspect" in refused.json()["error"]["message"]


def test_bad_measurements_get_field_errors(client, world, setup, as_user):
    line, _ = setup
    quality = as_user("q.api")
    _, cid = _plan(client, quality, world.plant1, line.product_id)
    r = client.post("/inspections", headers=quality, json={"characteristic_id": cid, "values": ["abc"]})
    assert_error(r, 422, "invalid")
    assert "values.0" in r.json()["error"]["fields"]
    r = client.post("/inspection-plans", headers=as_user("planner.one"),
                    json={"plant_id": world.plant1, "product_id": line.product_id, "name": "X"})
    assert_error(r, 403, "forbidden")


def test_reject_with_disposition_and_approval_and_export(client, session, world, setup, as_user):
    line, dim = setup
    wo_id, _ = make_work_order(session, world.org_a, world.plant1, line, quantity=10)
    quality, manager = as_user("q.api"), as_user("m.api")
    r = client.post("/internal-rejects", headers=quality, json={
        "plant_id": world.plant1, "product_id": line.product_id, "quantity": 2, "defect_code_id": dim,
        "work_order_id": wo_id, "lot_reference": "L-1"})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    refused = client.post(f"/internal-rejects/{rid}/transitions/dispose", headers=quality, json={})
    assert_error(refused, 422, "invalid")
    assert client.put(f"/internal-rejects/{rid}/disposition", headers=quality,
                      json={"disposition": "rework"}).status_code == 200
    asked = client.post(f"/internal-rejects/{rid}/transitions/dispose", headers=quality, json={})
    assert asked.status_code == 200 and asked.json()["instance"]["pending_transition"] == "dispose"
    done = client.post(f"/internal-rejects/{rid}/approval", headers=manager, json={"approve": True})
    assert done.status_code == 200, done.text
    assert done.json()["case"]["is_closed"] and done.json()["case"]["rework_operation_id"]
    csv = client.get("/internal-rejects", params={"format": "csv"}, headers=quality)
    assert csv.status_code == 200 and "REJ-000001" in csv.text and "rework" in csv.text
    csv_ja = client.get("/internal-rejects", params={"format": "csv"}, headers={**quality, "Accept-Language": "ja"})
    assert csv_ja.text.lstrip("\ufeff").startswith("番号,製品,数量,不良,ロット,") and "REJ-000001" in csv_ja.text
    ret = client.post("/customer-returns", headers=quality, json={
        "plant_id": world.plant1, "product_id": line.product_id, "quantity": 1, "defect_code_id": dim,
        "customer_id": line.customer_id})
    assert ret.status_code == 201 and ret.json()["number"] == "RET-000001"


def test_other_organizations_get_404(client, world, setup, as_user):
    line, dim = setup
    quality = as_user("q.api")
    plan_id, cid = _plan(client, quality, world.plant1, line.product_id)
    rid = client.post("/internal-rejects", headers=quality, json={
        "plant_id": world.plant1, "product_id": line.product_id, "quantity": 2, "defect_code_id": dim}).json()["id"]
    outsider = as_user("admin.b")
    assert_error(client.get(f"/characteristics/{cid}/chart", headers=outsider), 404, "not_found")
    assert_error(client.post("/inspections", headers=outsider, json={"characteristic_id": cid, "values": ["1"]}),
                 404, "not_found")
    assert_error(client.get(f"/inspection-plans/{plan_id}/characteristics", headers=outsider), 404, "not_found")
    assert_error(client.get(f"/internal-rejects/{rid}", headers=outsider), 404, "not_found")
    assert client.get("/internal-rejects", headers=outsider).json() == []
    assert client.get("/inspection-plans", headers=outsider).json() == []
