"""Roles at plants through the users API (/users/{id}/grants): any role, built-in or the organization's own, at a
plant and optionally one department; it takes effect on the person's next request and is taken back; another
organization's user, role or grant is out of reach."""
from __future__ import annotations

from tests.api.conftest import assert_error, bearer, login


def _role_id(client, headers, key: str) -> int:
    return next(r["id"] for r in client.get("/roles", headers=headers).json() if r["key"] == key)


def test_an_admin_grants_a_built_in_and_an_own_role_at_plants_and_takes_them_back(client, world, as_user):
    a = as_user("admin.a")
    lead = client.post("/roles", headers=a, json={"name": "Line lead Berlin", "permissions": ["view_audit"]})
    assert lead.status_code == 201, lead.text
    planner = _role_id(client, a, "planner")
    url = f"/users/{world.operator1}/grants"

    built_in = client.post(url, headers=a, json={"role_id": planner, "plant_id": world.plant2})
    own = client.post(url, headers=a, json={"role_id": lead.json()["id"], "plant_id": world.plant1,
                                            "department_id": world.dept1})
    assert built_in.status_code == own.status_code == 201, (built_in.text, own.text)
    listed = client.get(url, headers=a).json()
    assert sorted((g["role_name"], g["plant_code"], g["department_code"]) for g in listed) == [
        ("Line lead Berlin", "P1", "MACH"), ("Planner", "P2", None)]

    me = client.get("/me", headers=bearer(login(client, "op.one"))).json()
    assert {p["id"] for p in me["plants"]} == {world.plant1, world.plant2}
    assert "view_audit" in me["permissions"] and "plan" in me["permissions"]

    assert client.delete(f"{url}/{built_in.json()['id']}", headers=a).status_code == 204
    assert [g["role_name"] for g in client.get(url, headers=a).json()] == ["Line lead Berlin"]
    me = client.get("/me", headers=bearer(login(client, "op.one"))).json()
    assert {p["id"] for p in me["plants"]} == {world.plant1} and "plan" not in me["permissions"]


def test_bad_grants_are_refused_and_other_organizations_are_out_of_reach(client, world, as_user):
    a, b = as_user("admin.a"), as_user("admin.b")
    planner_a, planner_b = _role_id(client, a, "planner"), _role_id(client, b, "planner")
    url = f"/users/{world.operator1}/grants"
    assert_error(client.post(url, headers=a, json={"role_id": planner_b, "plant_id": world.plant1}), 422, "invalid",
                 role_id="")
    assert_error(client.post(url, headers=a, json={"role_id": planner_a, "plant_id": world.plant1,
                                                   "department_id": world.dept2}), 422, "invalid", department_id="")
    granted = client.post(url, headers=a, json={"role_id": planner_a, "plant_id": world.plant1})
    assert granted.status_code == 201
    assert_error(client.post(url, headers=a, json={"role_id": planner_a, "plant_id": world.plant1}), 409, "conflict")
    assert_error(client.get(url, headers=b), 404, "not_found")
    assert_error(client.post(url, headers=b, json={"role_id": planner_b, "plant_id": world.plant_b}), 404, "not_found")
    assert_error(client.delete(f"{url}/{granted.json()['id']}", headers=b), 404, "not_found")
    assert_error(client.delete(f"/users/{world.planner1}/grants/{granted.json()['id']}", headers=a), 404, "not_found")
    assert_error(client.get(url, headers=as_user("op.one")), 403, "forbidden")
    assert [g["id"] for g in client.get(url, headers=a).json()] == [granted.json()["id"]]
