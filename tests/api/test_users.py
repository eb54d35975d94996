"""Users through the API: the admin's life cycle of a user, and bad input that saves nothing."""
from __future__ import annotations

from tests.api.conftest import assert_error, bearer, login, row_counts
from tests.factories.org import PASSWORD

NEW_USER = {"username": "Welder.Two", "full_name": "Wanda Welder", "email": "wanda@example.com",
            "password": "Sparks-fly-2026", "roles": ["operator"]}


def test_admin_creates_reads_edits_and_lists_a_user(client, world, as_user):
    a = as_user("admin.a")
    created = client.post("/users", headers=a, json={**NEW_USER, "plant_ids": [world.plant2]})
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["username"] == "welder.two"
    assert user["organization_id"] == world.org_a
    assert user["roles"] == ["operator"] and user["plant_ids"] == [world.plant2]
    assert "password" not in user and "password_hash" not in user

    assert client.get(f"/users/{user['id']}", headers=a).json() == user
    patched = client.patch(f"/users/{user['id']}", headers=a, json={"full_name": "Wanda W.", "plant_ids": [world.plant1]})
    assert patched.status_code == 200
    assert patched.json()["full_name"] == "Wanda W." and patched.json()["plant_ids"] == [world.plant1]

    found = client.get("/users", headers=a, params={"search": "wanda"}).json()
    assert [u["id"] for u in found] == [user["id"]]

    me = client.get("/me", headers=bearer(login(client, "welder.two", NEW_USER["password"]))).json()
    assert [p["id"] for p in me["plants"]] == [world.plant1]


def test_deactivate_ends_sessions_and_activate_restores_log_in(client, world, as_user):
    a = as_user("admin.a")
    op_token = login(client, "op.one")
    deactivated = client.post(f"/users/{world.operator1}/deactivate", headers=a)
    assert deactivated.status_code == 200 and deactivated.json()["is_active"] is False
    assert_error(client.get("/me", headers=bearer(op_token)), 401, "unauthorized")
    assert_error(client.post("/auth/token", json={"username": "op.one", "password": PASSWORD}), 401, "unauthorized")
    active_only = client.get("/users", headers=a, params={"include_inactive": "false"}).json()
    assert "op.one" not in {u["username"] for u in active_only}

    assert client.post(f"/users/{world.operator1}/activate", headers=a).json()["is_active"] is True
    assert login(client, "op.one")


def test_admin_cannot_deactivate_themselves(client, world, as_user, engine):
    a = as_user("admin.a")
    before = row_counts(engine)
    assert_error(client.post(f"/users/{world.admin_a}/deactivate", headers=a), 422, "invalid", is_active="")
    assert row_counts(engine) == before


def test_reset_password_ends_sessions_and_sets_the_new_one(client, world, as_user):
    a = as_user("admin.a")
    op_token = login(client, "op.one")
    response = client.post(f"/users/{world.operator1}/reset-password", headers=a, json={"new_password": "Fresh-start-808"})
    assert response.status_code == 200
    assert_error(client.get("/me", headers=bearer(op_token)), 401, "unauthorized")
    assert login(client, "op.one", "Fresh-start-808")


def test_duplicate_username_is_409_and_saves_nothing(client, world, as_user, engine):
    a = as_user("admin.a")
    before = row_counts(engine)
    response = client.post("/users", headers=a, json={**NEW_USER, "username": "OP.ONE"})
    error = assert_error(response, 409, "conflict", username="")
    assert "op.one" in error["message"]
    assert row_counts(engine) == before


def test_duplicate_username_in_another_organization_is_409_too(client, world, as_user, engine):
    before = row_counts(engine)
    response = client.post("/users", headers=as_user("admin.b"), json={**NEW_USER, "username": "admin.a"})
    assert_error(response, 409, "conflict", username="")
    assert row_counts(engine)["User"] == before["User"]


def test_weak_password_is_422_and_saves_nothing(client, world, as_user, engine):
    a = as_user("admin.a")
    before = row_counts(engine)
    for weak in ("short1!", "password123", "welder.two-2026", "aaaaaaaaaaaa1"):
        response = client.post("/users", headers=a, json={**NEW_USER, "password": weak})
        assert_error(response, 422, "invalid", password="")
    assert row_counts(engine) == before


def test_unknown_role_is_422_and_saves_nothing(client, world, as_user, engine):
    a = as_user("admin.a")
    before = row_counts(engine)
    error = assert_error(client.post("/users", headers=a, json={**NEW_USER, "roles": ["operator", "wizard"]}),
                         422, "invalid", roles="")
    assert "wizard" in error["fields"]["roles"]
    assert_error(client.patch(f"/users/{world.operator1}", headers=a, json={"roles": ["wizard"], "full_name": "X"}),
                 422, "invalid", roles="")
    assert row_counts(engine) == before
    assert client.get(f"/users/{world.operator1}", headers=a).json()["roles"] == ["operator"]


def test_several_problems_are_reported_together(client, world, as_user, engine):
    a = as_user("admin.a")
    before = row_counts(engine)
    response = client.post("/users", headers=a, json={
        "username": "x", "password": "weak", "email": "not-an-email", "roles": ["pilot"], "plant_ids": [world.plant_b]})
    error = assert_error(response, 422, "invalid", username="", password="", email="", roles="", plant_ids="")
    assert str(world.plant_b) in error["fields"]["plant_ids"]
    assert row_counts(engine) == before


def test_wrong_types_and_missing_fields_name_the_field(client, world, as_user, engine):
    a = as_user("admin.a")
    before = row_counts(engine)
    missing = assert_error(client.post("/users", headers=a, json={"username": "no.password"}), 422, "invalid", password="")
    assert missing["fields"]["password"] == "Required."
    typed = assert_error(client.post("/users", headers=a, json={**NEW_USER, "plant_ids": "all"}), 422, "invalid",
                         plant_ids="")
    assert "body" not in " ".join(typed["fields"])
    assert_error(client.get("/users", headers=a, params={"limit": "lots"}), 422, "invalid", limit="")
    assert_error(client.get("/users/abc", headers=a), 422, "invalid", user_id="")
    assert row_counts(engine) == before


def test_malformed_json_is_a_clear_400(client, world, as_user, engine):
    headers = {**as_user("admin.a"), "Content-Type": "application/json"}
    before = row_counts(engine)
    response = client.post("/users", headers=headers, content=b'{"username": "half", "password": ')
    error = assert_error(response, 400, "malformed_json")
    assert "not valid JSON" in error["message"]
    login_response = client.post("/auth/token", headers={"Content-Type": "application/json"}, content=b"{'single': 1}")
    assert_error(login_response, 400, "malformed_json")
    not_an_object = client.post("/users", headers=headers, content=b'["a", "list"]')
    assert_error(not_an_object, 422, "invalid", body="")
    assert row_counts(engine) == before
