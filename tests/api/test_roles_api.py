"""Roles through the API: a custom role gains and loses an action and its holder's next request follows; the
matrix and grants stay inside the organization."""
from __future__ import annotations

from tests.api.conftest import assert_error


def test_a_custom_role_gains_and_loses_an_action_on_the_next_request(client, world, as_user):
    admin = as_user("admin.a")
    permissions = client.get("/roles/permissions", headers=admin).json()
    assert {"key": "plan", "sentence": permissions[[p["key"] for p in permissions].index("plan")]["sentence"]} in permissions
    created = client.post("/roles", headers=admin, json={"name": "Line lead Berlin", "permissions": ["view"]})
    assert created.status_code == 201, created.text
    role = created.json()
    granted = client.post("/role-grants", headers=admin, json={"user_id": world.operator1, "role_id": role["id"],
                                                              "plant_id": world.plant1})
    assert granted.status_code == 201, granted.text
    operator = as_user("op.one")
    assert "view_audit" not in client.get("/me", headers=operator).json()["permissions"]
    assert_error(client.get("/audit", headers=operator), 403, "forbidden")

    cell = client.put(f"/roles/{role['id']}/permissions/view_audit", headers=admin, json={"allowed": True})
    assert cell.status_code == 200 and "view_audit" in cell.json()["permissions"]
    assert client.get("/audit", headers=operator).status_code == 200          # same session, next request

    cell = client.put(f"/roles/{role['id']}/permissions/view_audit", headers=admin, json={"allowed": False})
    assert "view_audit" not in cell.json()["permissions"]
    assert_error(client.get("/audit", headers=operator), 403, "forbidden")
    audit = client.get("/audit", headers=admin, params={"entity": "role"}).json()["items"]
    assert any(entry["changes"].get("permissions", {}).get("removed") == ["view_audit"] for entry in audit)


def test_bad_role_input_and_other_organizations(client, world, as_user):
    admin_a, admin_b = as_user("admin.a"), as_user("admin.b")
    assert_error(client.post("/roles", headers=admin_a, json={"name": "", "permissions": ["fly"]}), 422,
                 "invalid", name="", permissions="")
    role = client.post("/roles", headers=admin_a, json={"name": "Fixer", "permissions": ["maintain"]}).json()
    assert role["id"] not in [r["id"] for r in client.get("/roles", headers=admin_b).json()]
    assert_error(client.get(f"/roles/{role['id']}", headers=admin_b), 404, "not_found")
    assert_error(client.patch(f"/roles/{role['id']}", headers=admin_b, json={"name": "Mine"}), 404, "not_found")
    assert_error(client.post("/role-grants", headers=admin_b, json={"user_id": world.admin_b, "role_id": role["id"],
                                                                   "plant_id": world.plant_b}), 422, "invalid",
                 role_id="")
    assert_error(client.get("/roles", headers=as_user("planner.one")), 403, "forbidden")
    viewer = [r for r in client.get("/roles", headers=admin_a).json() if r["key"] == "viewer"][0]
    assert_error(client.delete(f"/roles/{viewer['id']}", headers=admin_a), 409, "conflict")
    assert client.delete(f"/roles/{role['id']}", headers=admin_a).status_code == 204
