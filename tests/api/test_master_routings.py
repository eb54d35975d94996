"""Routings, reason codes and customers over real HTTP."""
from __future__ import annotations

import csv
import io

from tests.api.conftest import assert_error


def _setup(client, world, headers):
    wc = client.post("/work-centers", json={"plant_id": world.plant1, "department_id": world.dept1, "code": "CUT",
                                            "name": "Cutting"}, headers=headers).json()
    product = client.post("/products", json={"code": "FG", "name": "Frame"}, headers=headers).json()
    return wc["id"], product["id"]


def test_routing_steps_add_edit_reorder_remove(client, world, as_user):
    planner = as_user("planner.one")
    wc, product = _setup(client, world, planner)
    steps = [{"name": n, "work_center_id": wc, "setup_seconds": 60, "ideal_cycle_seconds": "30"} for n in ("Cut", "Drill")]
    created = client.post("/routings", json={"product_id": product, "name": "Standard", "steps": steps}, headers=planner)
    assert created.status_code == 201, created.text
    routing = created.json()
    assert routing["is_active"] and [(s["sequence"], s["name"]) for s in routing["steps"]] == [(10, "Cut"), (20, "Drill")]
    assert client.get(f"/products/{product}/active-routing", headers=planner).json()["id"] == routing["id"]
    added = client.post(f"/routings/{routing['id']}/steps", json={"name": "Paint", "work_center_id": wc,
                                                                  "ideal_cycle_seconds": "45.5"}, headers=planner).json()
    ids = {s["name"]: s["id"] for s in added["steps"]}
    zero = client.patch(f"/routing-steps/{ids['Paint']}", json={"ideal_cycle_seconds": "0"}, headers=planner)
    assert "ideal_cycle_seconds" in assert_error(zero, 422, "invalid")["fields"]
    order = [ids["Paint"], ids["Cut"], ids["Drill"]]
    reordered = client.put(f"/routings/{routing['id']}/step-order", json={"step_ids": order}, headers=planner).json()
    assert [(s["sequence"], s["name"]) for s in reordered["steps"]] == [(10, "Paint"), (20, "Cut"), (30, "Drill")]
    after = client.delete(f"/routing-steps/{ids['Cut']}", headers=planner).json()
    assert [s["name"] for s in after["steps"]] == ["Paint", "Drill"]
    v2 = client.post("/routings", json={"product_id": product, "steps": steps[:1]}, headers=planner).json()
    listed = client.get("/routings", params={"product_id": product}, headers=planner).json()
    assert [(r["version"], r["is_active"]) for r in listed] == [(1, False), (2, True)]
    client.post(f"/routings/{routing['id']}/activate", headers=planner).raise_for_status()
    assert client.get(f"/products/{product}/active-routing", headers=planner).json()["version"] == 1
    rows = list(csv.DictReader(io.StringIO(client.get("/routings", params={"format": "csv"}, headers=planner)
                                           .content.decode("utf-8-sig"))))
    assert [(r["Product"], r["Version"], r["Active"]) for r in rows] == [("FG", "1", "yes"), ("FG", "2", "no")]
    assert v2["version"] == 2
    assert_error(client.get(f"/routings/{routing['id']}", headers=as_user("admin.b")), 404, "not_found")


def test_reason_codes(client, world, as_user):
    planner = as_user("planner.one")
    brk = client.post("/reason-codes", json={"kind": "downtime", "code": "BRK", "name": "Breakdown",
                                             "loss_category": "breakdown"}, headers=planner)
    assert brk.status_code == 201, brk.text
    bad = client.post("/reason-codes", json={"kind": "scrap", "code": "X", "name": "X", "loss_category": "breakdown"},
                      headers=planner)
    assert "loss_category" in assert_error(bad, 422, "invalid")["fields"]
    pm = client.post("/reason-codes", json={"kind": "downtime", "code": "PM", "name": "Maintenance", "planned": True},
                     headers=planner).json()
    assert pm["loss_category"] == "planned_stop"
    assert [r["code"] for r in client.get("/reason-codes", params={"kind": "downtime"}, headers=planner).json()] == \
        ["BRK", "PM"]
    assert client.post(f"/reason-codes/{pm['id']}/deactivate", headers=planner).json()["is_active"] is False
    assert client.delete(f"/reason-codes/{pm['id']}", headers=planner).status_code == 204
    assert_error(client.get(f"/reason-codes/{pm['id']}", headers=planner), 404, "not_found")
    assert_error(client.post("/reason-codes", json={"kind": "downtime", "code": "Z", "name": "Z"},
                             headers=as_user("op.one")), 403, "forbidden")


def test_customers(client, world, as_user):
    planner = as_user("planner.one")
    acme = client.post("/customers", json={"code": "acme", "name": "Acme", "email": "buy@acme.example"}, headers=planner)
    assert acme.status_code == 201 and acme.json()["code"] == "ACME"
    bad = client.post("/customers", json={"code": "B", "name": "B", "email": "nope"}, headers=planner)
    assert assert_error(bad, 422, "invalid")["fields"] == {"email": "This is not an email address."}
    patched = client.patch(f"/customers/{acme.json()['id']}", json={"phone": "+1 555"}, headers=planner).json()
    assert patched["phone"] == "+1 555"
    assert [c["code"] for c in client.get("/customers", params={"search": "buy@"}, headers=planner).json()] == ["ACME"]
    assert client.post(f"/customers/{acme.json()['id']}/deactivate", headers=planner).json()["is_active"] is False
    assert_error(client.get(f"/customers/{acme.json()['id']}", headers=as_user("admin.b")), 404, "not_found")
