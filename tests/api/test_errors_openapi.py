"""The door itself: one error shape for unknown paths, wrong methods, crashes and CORS refusals;
response headers; and the OpenAPI description with its docs page.
"""
from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from rxapp.api.app import create_app
from services.core import db as takt_db
from tests.api.conftest import assert_error, serve

EXPECTED_PATHS = {
    "/auth/token", "/auth/logout", "/auth/password", "/me", "/health", "/users", "/users/{user_id}",
    "/users/{user_id}/deactivate", "/users/{user_id}/activate", "/users/{user_id}/reset-password", "/plants",
    "/plants/{plant_id}", "/plants/{plant_id}/departments", "/departments", "/departments/{department_id}",
    "/api-tokens", "/api-tokens/{token_id}", "/api-tokens/{token_id}/revoke", "/audit", "/audit.csv", "/branding",
}


def test_unknown_path_is_404_in_the_error_shape(client):
    error = assert_error(client.get("/no/such/thing"), 404, "not_found")
    assert "/api/v1/no/such/thing" in error["message"]
    assert_error(client.post("/users/1/promote"), 404, "not_found")


def test_known_path_with_another_method_is_405(client, world, as_user):
    response = client.delete("/users", headers=as_user("admin.a"))
    assert_error(response, 405, "method_not_allowed")
    assert set(response.headers["allow"].split(", ")) == {"GET", "POST"}
    post_only = client.put("/lots/receipts", headers=as_user("admin.a"))     # GET /lots/{lot_id} is no match
    assert_error(post_only, 405, "method_not_allowed")
    assert post_only.headers["allow"] == "POST"


def test_unexpected_failure_is_500_without_details_and_the_server_keeps_serving(client, world, as_user, engine):
    a = as_user("admin.a")
    with engine.begin() as conn:       # a row the code cannot read: a role that does not exist
        conn.execute(sa.text("INSERT INTO role_assignment (user_id, role) VALUES (:u, 'wizard')"),
                     {"u": world.planner1})
    response = client.get("/users", headers=a)
    assert_error(response, 500, "internal")
    assert "wizard" not in response.text and "Traceback" not in response.text
    assert client.get(f"/plants/{world.plant1}", headers=a).status_code == 200


def test_database_outage_on_a_normal_endpoint_is_503(client, tmp_path):
    unreachable = sa.create_engine(f"sqlite:///{tmp_path / 'gone' / 'takt.db'}")
    takt_db.use_engine(unreachable)
    try:
        response = client.get("/me", headers={"Authorization": "Bearer tks_whatever"})
        assert_error(response, 503, "unavailable")
        assert response.headers["retry-after"]
        assert "gone" not in response.text
    finally:
        unreachable.dispose()


def test_api_responses_are_not_cached_but_docs_may_be(client, world, as_user):
    headers = as_user("op.one")
    assert client.get("/me", headers=headers).headers["cache-control"] == "no-store"
    token = client.post("/auth/token", json={"username": "op.one", "password": "wrong-Password-1"})
    assert token.headers["cache-control"] == "no-store" and token.headers["pragma"] == "no-cache"
    assert "no-store" not in client.get("/openapi.json").headers.get("cache-control", "")


def test_cors_refuses_origins_not_configured(client):
    preflight = client.options("/me", headers={"Origin": "https://evil.example",
                                               "Access-Control-Request-Method": "GET",
                                               "Access-Control-Request-Headers": "authorization"})
    assert_error(preflight, 400, "cors_refused")
    assert "access-control-allow-origin" not in preflight.headers
    simple = client.get("/health", headers={"Origin": "https://evil.example"})
    assert simple.status_code == 200 and "access-control-allow-origin" not in simple.headers


@pytest.fixture(scope="module")
def cors_server_url():
    with serve(create_app(cors_origins=["https://mes.example.com"])) as url:
        yield url


def test_cors_allows_a_configured_origin_without_credentials(engine, cors_server_url):
    with httpx.Client(base_url=f"{cors_server_url}/api/v1") as c:
        preflight = c.options("/me", headers={"Origin": "https://mes.example.com", "Access-Control-Request-Method": "GET",
                                              "Access-Control-Request-Headers": "authorization"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://mes.example.com"
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in preflight.headers
        simple = c.get("/health", headers={"Origin": "https://mes.example.com"})
        assert simple.headers["access-control-allow-origin"] == "https://mes.example.com"
        # a page's cursor and total travel in headers (GET /lots, /shipments, /ncrs...): another origin may read them
        exposed = {h.strip().lower() for h in simple.headers["access-control-expose-headers"].split(",")}
        assert {"x-next-after", "x-total-count", "retry-after"} <= exposed


def test_openapi_lists_every_path_with_tags_summaries_and_error_shapes(client):
    spec = client.get("/openapi.json").json()
    paths = {p.removeprefix("/api/v1") for p in spec["paths"]}
    assert paths >= EXPECTED_PATHS
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            assert op.get("tags") and op.get("summary"), (method, path)
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                    error = spec["components"]["schemas"][ref]["properties"]["error"]
                    assert error["$ref"].endswith("/ErrorDetail"), (method, path, status)
    assert {"bearer", "password"} <= set(spec["components"]["securitySchemes"])
    assert spec["paths"]["/api/v1/users"]["post"]["responses"]["201"]["content"]["application/json"]["schema"][
        "$ref"].endswith("/UserRead")
    token_body = spec["paths"]["/api/v1/auth/token"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(token_body)


def test_docs_page_is_served(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "swagger" in response.text.lower() and "/api/v1/openapi.json" in response.text
