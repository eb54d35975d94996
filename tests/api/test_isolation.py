"""Tenancy and plant access, with exact refusals: other organizations' rows do not exist (404),
plants outside one's access do not exist (404), and admin endpoints refuse non-admins (403).
Refused changes leave the rows as they were.
"""
from __future__ import annotations

import pytest

from tests.api.conftest import assert_error, row_counts
from tests.factories.org import PASSWORD


@pytest.fixture
def token_of_a(client, world, as_user):
    response = client.post("/api-tokens", headers=as_user("admin.a"),
                           json={"plant_id": world.plant1, "name": "Press 7", "kind": "machine"})
    assert response.status_code == 201, response.text
    return response.json()


def test_admin_of_b_cannot_see_org_a_rows(client, world, as_user, token_of_a):
    b = as_user("admin.b")
    for path in (f"/users/{world.admin_a}", f"/users/{world.operator1}", f"/plants/{world.plant1}",
                 f"/plants/{world.plant1}/departments", f"/api-tokens/{token_of_a['id']}"):
        assert_error(client.get(path, headers=b), 404, "not_found")


def test_admin_of_b_cannot_change_org_a_rows(client, world, as_user, token_of_a, engine):
    a, b = as_user("admin.a"), as_user("admin.b")
    before = {path: client.get(path, headers=a).json()
              for path in (f"/users/{world.operator1}", f"/plants/{world.plant1}", f"/plants/{world.plant1}/departments",
                           f"/api-tokens/{token_of_a['id']}")}
    counts = row_counts(engine)

    refusals = [
        client.patch(f"/users/{world.operator1}", headers=b, json={"full_name": "Taken over", "roles": ["admin"]}),
        client.post(f"/users/{world.operator1}/deactivate", headers=b),
        client.post(f"/users/{world.operator1}/reset-password", headers=b, json={"new_password": "Hijacked-pass-99"}),
        client.patch(f"/plants/{world.plant1}", headers=b, json={"name": "Mine now", "is_active": False}),
        client.patch(f"/departments/{world.dept1}", headers=b, json={"name": "Mine now"}),
        client.post(f"/api-tokens/{token_of_a['id']}/revoke", headers=b),
    ]
    for response in refusals:
        assert_error(response, 404, "not_found")
    created = client.post("/departments", headers=b, json={"plant_id": world.plant1, "code": "X", "name": "Intruder"})
    assert_error(created, 404, "not_found")
    token = client.post("/api-tokens", headers=b, json={"plant_id": world.plant1, "name": "Intruder"})
    assert_error(token, 422, "invalid", plant_id="")

    assert {path: client.get(path, headers=a).json() for path in before} == before
    assert row_counts(engine) == counts
    assert client.post("/auth/token", json={"username": "op.one", "password": PASSWORD}).status_code == 200


def test_lists_never_include_other_organizations(client, world, as_user, token_of_a):
    b = as_user("admin.b")
    assert [u["username"] for u in client.get("/users", headers=b).json()] == ["admin.b"]
    assert [p["code"] for p in client.get("/plants", headers=b).json()] == ["PB"]
    assert client.get("/api-tokens", headers=b).json() == []
    audit = client.get("/audit", headers=b, params={"limit": 1000}).json()
    assert audit["total"] == len(audit["items"]) > 0
    assert {e["username"] for e in audit["items"]} <= {None, "admin.b"}
    assert client.get("/branding", headers=b).json()["display_name"] == "Org B"

    a_users = {u["username"] for u in client.get("/users", headers=as_user("admin.a")).json()}
    assert a_users == {"admin.a", "op.one", "planner.one"}


def test_operator_sees_only_plant_one(client, world, as_user):
    op = as_user("op.one")
    assert [p["id"] for p in client.get("/plants", headers=op).json()] == [world.plant1]
    assert client.get(f"/plants/{world.plant1}", headers=op).status_code == 200
    assert [d["code"] for d in client.get(f"/plants/{world.plant1}/departments", headers=op).json()] == ["MACH"]
    assert_error(client.get(f"/plants/{world.plant2}", headers=op), 404, "not_found")
    assert_error(client.get(f"/plants/{world.plant2}/departments", headers=op), 404, "not_found")
    assert_error(client.get(f"/plants/{world.plant_b}", headers=op), 404, "not_found")


def test_operator_is_refused_admin_endpoints(client, world, as_user, engine):
    op = as_user("op.one")
    counts = row_counts(engine)
    calls = [
        client.get("/users", headers=op),
        client.get(f"/users/{world.admin_a}", headers=op),
        client.post("/users", headers=op, json={"username": "sneaky", "password": "Sneaky-pass-123"}),
        client.patch(f"/users/{world.operator1}", headers=op, json={"roles": ["admin"]}),
        client.post(f"/users/{world.admin_a}/deactivate", headers=op),
        client.post("/plants", headers=op, json={"code": "P9", "name": "Nine"}),
        client.patch(f"/plants/{world.plant1}", headers=op, json={"name": "Renamed"}),
        client.post("/departments", headers=op, json={"plant_id": world.plant1, "code": "NEW", "name": "New"}),
        client.patch(f"/departments/{world.dept1}", headers=op, json={"name": "Renamed"}),
        client.patch(f"/departments/{world.dept2}", headers=op, json={"name": "Renamed"}),
        client.get("/api-tokens", headers=op),
        client.post("/api-tokens", headers=op, json={"plant_id": world.plant1, "name": "Mine"}),
        client.get("/audit", headers=op),
        client.get("/audit.csv", headers=op),
        client.patch("/branding", headers=op, json={"display_name": "Hacked"}),
    ]
    for response in calls:
        assert_error(response, 403, "forbidden")
    assert row_counts(engine) == counts
    me = client.get(f"/users/{world.operator1}", headers=op)
    assert me.status_code == 200 and me.json()["roles"] == ["operator"]
