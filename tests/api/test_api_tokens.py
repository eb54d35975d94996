"""API tokens: made by an admin for one plant, a bearer for /me, refused on admin endpoints, revocable."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from models.auth import ApiToken
from models.base import utcnow
from tests.api.conftest import assert_error, bearer, row_counts


def _create(client, headers, plant_id, name="Line 1 gateway", kind="machine"):
    return client.post("/api-tokens", headers=headers, json={"plant_id": plant_id, "name": name, "kind": kind})


def test_admin_creates_a_plant_scoped_token_shown_once(client, world, as_user):
    a = as_user("admin.a")
    response = _create(client, a, world.plant2, kind="station")
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["token"].startswith("tkt_") and created["token"].startswith(created["token_prefix"])
    assert created["plant_id"] == world.plant2 and created["kind"] == "station"

    listed = client.get("/api-tokens", headers=a).json()
    assert [t["id"] for t in listed] == [created["id"]]
    assert "token" not in listed[0]
    assert "token" not in client.get(f"/api-tokens/{created['id']}", headers=a).json()


def test_token_authenticates_as_its_plant_and_kind(client, world, as_user):
    created = _create(client, as_user("admin.a"), world.plant1).json()
    me = client.get("/me", headers=bearer(created["token"]))
    assert me.status_code == 200, me.text
    data = me.json()
    assert data["kind"] == "machine"
    assert data["user_id"] is None
    assert data["organization"]["id"] == world.org_a
    assert data["api_token"] == {"id": created["id"], "name": "Line 1 gateway", "kind": "machine", "plant_id": world.plant1}
    assert [p["id"] for p in data["plants"]] == [world.plant1]
    assert data["permissions"] == ["ingest"] and data["roles"] == []


def test_token_is_refused_admin_endpoints_and_personal_actions(client, world, as_user, engine):
    headers = bearer(_create(client, as_user("admin.a"), world.plant1).json()["token"])
    before = row_counts(engine)
    for response in (client.get("/users", headers=headers), client.get("/api-tokens", headers=headers),
                     _create(client, headers, world.plant1, name="Child"), client.get("/audit", headers=headers),
                     client.post("/plants", headers=headers, json={"code": "PX", "name": "X"}),
                     client.patch("/branding", headers=headers, json={"display_name": "X"}),
                     client.post("/auth/password", headers=headers,
                                 json={"current_password": "x", "new_password": "Whatever-pass-1"}),
                     client.post("/auth/logout", headers=headers)):
        assert_error(response, 403, "forbidden")
    assert row_counts(engine) == before
    assert [p["id"] for p in client.get("/plants", headers=headers).json()] == [world.plant1]
    assert_error(client.get(f"/plants/{world.plant2}", headers=headers), 404, "not_found")


def test_revoked_token_is_401(client, world, as_user):
    a = as_user("admin.a")
    created = _create(client, a, world.plant1).json()
    revoked = client.post(f"/api-tokens/{created['id']}/revoke", headers=a)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    response = client.get("/me", headers=bearer(created["token"]))
    error = assert_error(response, 401, "unauthorized")
    assert "revoked" in error["message"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert client.get("/api-tokens", headers=a, params={"include_revoked": "false"}).json() == []


def test_operator_cannot_create_a_token(client, world, as_user, engine):
    op = as_user("op.one")
    before = row_counts(engine)
    assert_error(_create(client, op, world.plant1), 403, "forbidden")
    assert row_counts(engine) == before


def test_bad_token_input_is_422_and_saves_nothing(client, world, as_user, engine):
    a = as_user("admin.a")
    before = row_counts(engine)
    assert_error(_create(client, a, world.plant1, name="", kind="robot"), 422, "invalid", name="", kind="")
    assert_error(_create(client, a, world.plant_b), 422, "invalid", plant_id="")
    assert_error(_create(client, a, 999_999), 422, "invalid", plant_id="")
    assert row_counts(engine) == before


def test_a_token_with_an_expiry_works_until_then_and_shows_when_it_was_last_used(client, world, as_user, engine):
    a = as_user("admin.a")
    soon = (utcnow() + timedelta(days=30)).isoformat()
    response = client.post("/api-tokens", headers=a, json={"plant_id": world.plant1, "name": "Temp", "expires_at": soon})
    assert response.status_code == 201, response.text
    created = response.json()
    assert datetime.fromisoformat(created["expires_at"]) == datetime.fromisoformat(soon)
    assert created["last_used_at"] is None
    assert client.get("/me", headers=bearer(created["token"])).status_code == 200
    assert client.get(f"/api-tokens/{created['id']}", headers=a).json()["last_used_at"] is not None

    with Session(engine) as s:                  # the expiry comes
        s.get(ApiToken, created["id"]).expires_at = utcnow() - timedelta(seconds=1)
        s.commit()
    expired = client.get("/me", headers=bearer(created["token"]))
    assert_error(expired, 401, "unauthorized")
    assert "expired" in expired.json()["error"]["message"]


def test_an_expiry_must_be_in_the_future_with_a_time_zone_and_within_five_years(client, world, as_user, engine):
    a = as_user("admin.a")
    before = row_counts(engine)
    for expires_at in ((utcnow() - timedelta(minutes=1)).isoformat(), "2030-01-01T00:00:00",
                       (utcnow() + timedelta(days=6 * 366)).isoformat()):
        response = client.post("/api-tokens", headers=a, json={"plant_id": world.plant1, "name": "T", "expires_at": expires_at})
        assert_error(response, 422, "invalid")
        assert "expires_at" in response.json()["error"]["fields"]
    assert row_counts(engine) == before
