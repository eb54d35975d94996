"""Two-factor log-in and invitations over HTTP: set up an authenticator, log in with its code or a recovery code,
the organization's policy, API tokens untouched; invite, accept once, revoke, tenancy."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pyotp

from models.config import EmailOutbox
from tests.api.conftest import assert_error, bearer, login
from tests.factories.db import fetch
from tests.factories.org import PASSWORD

NEW_PASSWORD = "Fresh-start-2026"


def next_code(secret: str) -> str:
    """The code of the next 30-second step: the server accepts it, and it is later than any code used so far."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def enrol(client, headers) -> tuple[str, list[str]]:
    start = client.post("/me/two-factor/enrolment", headers=headers)
    assert start.status_code == 200, start.text
    secret = start.json()["secret"]
    assert start.json()["qr_svg_data_url"].startswith("data:image/svg+xml;base64,")
    confirmed = client.post("/me/two-factor/confirm", headers=headers, json={"code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()["recovery_codes"]


def test_log_in_needs_the_code_once_two_factor_is_on_and_a_recovery_code_works_once(client, world):
    headers = bearer(login(client, "op.one"))
    assert client.get("/me/two-factor", headers=headers).json()["enrolled"] is False
    secret, codes = enrol(client, headers)
    assert len(codes) == 10
    status = client.get("/me/two-factor", headers=headers).json()
    assert (status["enrolled"], status["recovery_codes_left"]) == (True, 10)

    assert_error(client.post("/auth/token", json={"username": "op.one", "password": PASSWORD}), 401,
                 "second_factor_required")
    assert_error(client.post("/auth/token", json={"username": "op.one", "password": PASSWORD, "code": "12345x"}), 401,
                 "unauthorized")
    ok = client.post("/auth/token", json={"username": "op.one", "password": PASSWORD, "code": next_code(secret)})
    assert ok.status_code == 200 and ok.json()["access_token"].startswith("tks_")
    form = client.post("/auth/token", data={"grant_type": "password", "username": "op.one", "password": PASSWORD,
                                            "code": codes[0]})
    assert form.status_code == 200, form.text
    assert_error(client.post("/auth/token", json={"username": "op.one", "password": PASSWORD, "code": codes[0]}), 401,
                 "unauthorized")

    assert_error(client.post("/me/two-factor/disable", headers=headers, json={"password": "wrong-one-1"}), 422, "invalid")
    assert client.post("/me/two-factor/disable", headers=headers, json={"password": PASSWORD}).status_code == 204
    assert client.post("/auth/token", json={"username": "op.one", "password": PASSWORD}).status_code == 200


def test_the_policy_is_for_admins_and_api_tokens_never_meet_a_second_factor(client, world):
    admin = bearer(login(client, "admin.a"))
    operator = bearer(login(client, "op.one"))
    assert_error(client.put("/two-factor/policy", headers=operator, json={"required_roles": []}), 403, "forbidden")
    assert_error(client.put("/two-factor/policy", headers=admin, json={"required_roles": ["pilot"]}), 422, "invalid",
                 required_roles="")
    token = client.post("/api-tokens", headers=admin, json={"name": "Press", "kind": "machine", "plant_id": world.plant1})
    assert token.status_code == 201, token.text

    policy = client.put("/two-factor/policy", headers=admin, json={"required_roles": ["operator", "admin"]})
    assert policy.status_code == 200 and policy.json()["required_roles"] == ["admin", "operator"]
    assert client.get("/two-factor/policy", headers=bearer(login(client, "admin.b"))).json()["required_roles"] == []

    assert_error(client.post("/auth/token", json={"username": "op.one", "password": PASSWORD}), 403, "forbidden")
    assert client.get("/me", headers=bearer(token.json()["token"])).status_code == 200
    assert client.get("/me", headers=admin).status_code == 200          # sessions already open stay open


def test_an_admin_resets_a_lost_phone_of_their_organization_only(client, world):
    secret, _ = enrol(client, bearer(login(client, "op.one")))
    assert_error(client.post(f"/users/{world.operator1}/two-factor/reset", headers=bearer(login(client, "admin.b"))),
                 404, "not_found")
    assert client.post(f"/users/{world.operator1}/two-factor/reset",
                       headers=bearer(login(client, "admin.a"))).status_code == 204
    assert client.post("/auth/token", json={"username": "op.one", "password": PASSWORD}).status_code == 200


def test_invite_accept_once_and_revoke(client, engine, world):
    admin = bearer(login(client, "admin.a"))
    sent = client.post("/invitations", headers=admin, json={"email": "new.person@example.com", "roles": ["planner"],
                                                             "plant_ids": [world.plant1], "valid_days": 3})
    assert sent.status_code == 201, sent.text
    token = parse_qs(urlparse(sent.json()["link"]).query)["token"][0]
    assert [m.to_address for m in fetch(engine, EmailOutbox)] == ["new.person@example.com"]
    assert_error(client.post("/invitations", headers=admin, json={"email": "new.person@example.com", "roles": ["planner"]}),
                 409, "conflict")

    preview = client.post("/invitations/preview", json={"token": token})
    assert preview.json()["organization_name"] == "Org A" and preview.json()["suggested_username"] == "new.person"
    assert_error(client.post("/invitations/accept", json={"token": token, "username": "new.person", "password": "short"}),
                 422, "invalid", password="")
    accepted = client.post("/invitations/accept", json={"token": token, "username": "new.person", "full_name": "New Person",
                                                        "password": NEW_PASSWORD})
    assert accepted.status_code == 200, accepted.text
    me = client.get("/me", headers=bearer(accepted.json()["access_token"])).json()
    assert me["username"] == "new.person" and me["roles"] == ["planner"]
    assert_error(client.post("/invitations/accept", json={"token": token, "username": "other.name", "password": NEW_PASSWORD}),
                 401, "unauthorized")
    [row] = client.get("/invitations", headers=admin).json()
    assert row["status"] == "accepted"

    second = client.post("/invitations", headers=admin, json={"email": "later@example.com", "roles": ["viewer"]}).json()
    other_admin = bearer(login(client, "admin.b"))
    assert client.get("/invitations", headers=other_admin).json() == []
    assert_error(client.post(f"/invitations/{second['invitation']['id']}/revoke", headers=other_admin), 404, "not_found")
    assert_error(client.get("/invitations", headers=bearer(login(client, "op.one"))), 403, "forbidden")
    revoked = client.post(f"/invitations/{second['invitation']['id']}/revoke", headers=admin)
    assert revoked.json()["status"] == "revoked"
    late_token = parse_qs(urlparse(second["link"]).query)["token"][0]
    assert_error(client.post("/invitations/preview", json={"token": late_token}), 401, "unauthorized")
    assert client.get("/invitations?pending=true", headers=admin).json() == []
