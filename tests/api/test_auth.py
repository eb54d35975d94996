"""Log-in, who am I, log-out, password change and the log-in rate limit, over HTTP."""
from __future__ import annotations

from datetime import timedelta

from models.base import utcnow
from services.core.db import transaction
from services.org import auth
from services.org.auth import FAILURE_WINDOW, MAX_FAILURES
from tests.api.conftest import assert_error, bearer, login, row_counts
from tests.factories.org import PASSWORD


def test_json_login_gives_a_bearer_token_that_opens_me(client, world):
    response = client.post("/auth/token", json={"username": "admin.a", "password": PASSWORD})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["access_token"].startswith("tks_")
    assert body["expires_at"] and body["expires_in"] > 0

    me = client.get("/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    data = me.json()
    assert data["kind"] == "user"
    assert data["user_id"] == world.admin_a
    assert data["username"] == "admin.a"
    assert data["organization"] == {"id": world.org_a, "name": "Org A"}
    assert data["roles"] == ["admin"]
    assert "manage_users" in data["permissions"]
    assert [(p["id"], p["code"]) for p in data["plants"]] == [(world.plant1, "P1"), (world.plant2, "P2")]
    assert data["branding"]["display_name"] == "Org A"
    assert data["api_token"] is None


def test_operator_me_shows_only_their_plant(client, world):
    data = client.get("/me", headers=bearer(login(client, "op.one"))).json()
    assert data["roles"] == ["operator"]
    assert "manage_users" not in data["permissions"]
    assert [p["id"] for p in data["plants"]] == [world.plant1]


def test_oauth2_password_form_login(client, world):
    response = client.post("/auth/token", data={"grant_type": "password", "username": "op.one", "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert client.get("/me", headers=bearer(response.json()["access_token"])).status_code == 200


def test_form_login_with_another_grant_is_refused(client, world):
    response = client.post("/auth/token", data={"grant_type": "client_credentials", "username": "op.one",
                                                "password": PASSWORD})
    assert_error(response, 422, "invalid", grant_type="")


def test_wrong_password_is_401_and_records_nothing_but_the_attempt(client, world, engine):
    before = row_counts(engine)
    response = client.post("/auth/token", json={"username": "admin.a", "password": "Wrong-password-1"})
    error = assert_error(response, 401, "unauthorized")
    assert "Wrong username or password" in error["message"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert row_counts(engine) == before


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, world):
    wrong_user = client.post("/auth/token", json={"username": "nobody.here", "password": PASSWORD})
    wrong_password = client.post("/auth/token", json={"username": "admin.a", "password": "Wrong-password-1"})
    assert wrong_user.status_code == wrong_password.status_code == 401
    assert wrong_user.json() == wrong_password.json()


def test_missing_credentials_are_field_errors(client, world):
    error = assert_error(client.post("/auth/token", json={"username": "admin.a"}), 422, "invalid", password="")
    assert "username" not in error["fields"]


def test_logout_ends_the_token(client, world):
    token = login(client, "admin.a")
    response = client.post("/auth/logout", headers=bearer(token))
    assert response.status_code == 204
    assert response.headers["cache-control"] == "no-store"
    error = assert_error(client.get("/me", headers=bearer(token)), 401, "unauthorized")
    assert "Log in again" in error["message"]
    assert_error(client.post("/auth/logout", headers=bearer(token)), 401, "unauthorized")


def test_logout_ends_only_that_session(client, world):
    first, second = login(client, "op.one"), login(client, "op.one")
    assert client.post("/auth/logout", headers=bearer(first)).status_code == 204
    assert client.get("/me", headers=bearer(second)).status_code == 200


def test_rate_limit_after_five_failures_refuses_even_the_right_password(client, world, engine):
    for _ in range(MAX_FAILURES):
        assert client.post("/auth/token", json={"username": "op.one", "password": "Not-the-one-1"}).status_code == 401
    before = row_counts(engine)

    limited = client.post("/auth/token", json={"username": "op.one", "password": "Not-the-one-1"})
    error = assert_error(limited, 429, "rate_limited")
    assert "Too many failed log-in attempts" in error["message"]
    assert "Try again in" in error["message"]
    retry_after = int(limited.headers["retry-after"])
    assert 0 < retry_after <= FAILURE_WINDOW.total_seconds() + 1

    right = client.post("/auth/token", json={"username": "op.one", "password": PASSWORD})
    assert_error(right, 429, "rate_limited")
    assert row_counts(engine) == before          # no session was opened, nothing audited

    assert client.post("/auth/token", json={"username": "admin.a", "password": PASSWORD}).status_code == 200


def test_missing_garbage_and_wrongly_formed_tokens_are_401(client, world):
    for headers in ({}, bearer("garbage"), bearer("tks_" + "x" * 43), bearer("tkt_unknown"),
                    {"Authorization": "Basic YWRtaW4uYTpwdw=="}, {"Authorization": "Bearer"}):
        response = client.get("/me", headers=headers)
        assert_error(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_expired_session_is_401(client, world, session):
    with transaction(session):
        old = auth.login(session, "admin.a", PASSWORD, now=utcnow() - auth.SESSION_TTL - timedelta(minutes=5),
                         client="api")
    error = assert_error(client.get("/me", headers=bearer(old.token)), 401, "unauthorized")
    assert "session has ended" in error["message"]


def test_change_password_keeps_this_session_and_ends_the_others(client, world, engine):
    this, other = login(client, "planner.one"), login(client, "planner.one")
    response = client.post("/auth/password", headers=bearer(this),
                           json={"current_password": PASSWORD, "new_password": "Brand-new-pass-77"})
    assert response.status_code == 204, response.text
    assert client.get("/me", headers=bearer(this)).status_code == 200
    assert_error(client.get("/me", headers=bearer(other)), 401, "unauthorized")
    assert_error(client.post("/auth/token", json={"username": "planner.one", "password": PASSWORD}), 401, "unauthorized")
    assert login(client, "planner.one", "Brand-new-pass-77")


def test_change_password_refusals_change_nothing(client, world, engine):
    headers = bearer(login(client, "planner.one"))
    before = row_counts(engine)
    wrong = client.post("/auth/password", headers=headers,
                        json={"current_password": "Not-my-password-1", "new_password": "Brand-new-pass-77"})
    assert_error(wrong, 422, "invalid", current_password="")
    weak = client.post("/auth/password", headers=headers, json={"current_password": PASSWORD, "new_password": "short"})
    assert_error(weak, 422, "invalid", new_password="")
    assert row_counts(engine) == before
    assert login(client, "planner.one")


def test_refused_tokens_save_nothing(client, world, session, engine, as_user):
    with transaction(session):
        expired = auth.login(session, "admin.a", PASSWORD, now=utcnow() - auth.SESSION_TTL - timedelta(minutes=5)).token
    logged_out = login(client, "admin.a")
    assert client.post("/auth/logout", headers=bearer(logged_out)).status_code == 204
    a = as_user("admin.a")
    machine = client.post("/api-tokens", headers=a, json={"plant_id": world.plant1, "name": "Old gateway"}).json()
    assert client.post(f"/api-tokens/{machine['id']}/revoke", headers=a).status_code == 200
    before = row_counts(engine)

    for token in ("garbage", expired, logged_out, machine["token"]):
        headers = bearer(token)
        assert_error(client.post("/users", headers=headers, json={"username": "ghost.user", "password": "Ghostly-pass-42"}),
                     401, "unauthorized")
        assert_error(client.patch("/branding", headers=headers, json={"display_name": "Ghost"}), 401, "unauthorized")
        assert_error(client.patch(f"/plants/{world.plant1}", headers=headers, json={"name": "Ghost"}), 401, "unauthorized")
    assert row_counts(engine) == before
    assert client.get("/branding", headers=a).json()["display_name"] == "Org A"


def test_admins_list_and_clear_lockouts_over_http(client, world, as_user):
    for _ in range(MAX_FAILURES):
        client.post("/auth/token", json={"username": "op.one", "password": "Not-the-one-1"})
    admin = as_user("admin.a")
    [held] = client.get("/lockouts", headers=admin).json()
    assert (held["username"], held["ip"], held["failures"]) == ("op.one", "127.0.0.1", MAX_FAILURES)
    assert held["blocked_until"] is not None
    assert client.get("/lockouts", headers=as_user("admin.b")).json() == []
    assert_error(client.post("/lockouts/clear", headers=as_user("admin.b"), json={"username": "op.one"}), 404, "not_found")
    assert client.post("/lockouts/clear", headers=admin, json={"username": "op.one"}).json() == {"cleared": MAX_FAILURES}
    assert client.post("/auth/token", json={"username": "op.one", "password": PASSWORD}).status_code == 200
