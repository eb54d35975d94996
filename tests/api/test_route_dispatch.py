"""Route matching stays cheap (rxapp/api/routing.py): a request under /api/v1 tries only the routers that serve
its first path segment, and it is answered by exactly the route the app's full scan would choose. Counted,
never timed: how many route candidates one request tries."""
from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.routing import Match, Route, WebSocketRoute

from rxapp.api.app import API_PREFIX, create_app
from rxapp.api.routing import SegmentDispatch

# The operator action's segment (/machines) is served by 4 routers holding 36 routes, tried to choose the router
# and again inside it: 40 candidates for the action, 10 for create order, 16 for release (before: 168, 155, 161).
MOST_CANDIDATES = 80


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture
def tried(monkeypatch) -> list[str]:
    """Every route candidate whose `matches` runs (FastAPI's included routes and Starlette's own)."""
    seen: list[str] = []
    for cls in (APIRoute, Route, APIWebSocketRoute, WebSocketRoute):
        original = cls.matches

        def counting(self, scope, _original=original):
            seen.append(getattr(self, "path", "?"))
            return _original(self, scope)
        monkeypatch.setattr(cls, "matches", counting)
    return seen


@pytest.mark.parametrize("method, path", [
    ("POST", "/machines/1/actions"), ("POST", "/orders"), ("POST", "/orders/7/release"),
    ("GET", "/finance/journal-entries"), ("GET", "/studio/projects"), ("GET", "/me"),
])
def test_a_request_tries_only_the_routes_of_its_first_segment(app, tried, method, path):
    with TestClient(app) as client:
        response = client.request(method, API_PREFIX + path)        # no token: routed, then 401
    assert response.status_code == 401, response.text
    assert 0 < len(tried) <= MOST_CANDIDATES, len(tried)
    assert not any(p.startswith(("/users", "/api-tokens", "/i18n")) for p in tried if "/users" not in path)


def test_the_dispatch_is_the_first_route_and_adds_nothing_to_the_schema(app):
    assert isinstance(app.router.routes[0], SegmentDispatch)
    without = create_app()
    without.router.routes.pop(0)
    assert app.openapi() == without.openapi()


def _full_scan(app, scope):
    """What the app's router chooses without the dispatch: the first full match, else the first partial one."""
    partial = None
    for route in app.router.routes[1:]:
        match, _child = route.matches(dict(scope))
        if match == Match.FULL:
            return Match.FULL, route
        if match == Match.PARTIAL and partial is None:
            partial = route
    return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, None)


def _example_paths(app) -> list[str]:
    paths = []
    for path in app.openapi()["paths"]:
        for value in ("1", "receipts"):
            paths.append(re.sub(r"\{[^}]+\}", value, path))
    return [*paths, "/", "", "/no/such/thing", "/orders/", "/machines/1/actions/extra"]


def test_every_documented_path_and_method_reaches_the_route_the_full_scan_chooses(app):
    dispatch = app.router.routes[0]
    for path in _example_paths(app):
        for method in ("GET", "POST", "DELETE", "TRACE"):        # TRACE: no route allows it
            scope = {"type": "http", "path": API_PREFIX + path, "root_path": "", "method": method,
                     "headers": [], "query_string": b""}
            expected = _full_scan(app, scope)
            match, child = dispatch.matches(dict(scope))
            chosen = child.get("takt.route_entry")
            assert (match, chosen) == expected or (match == Match.NONE and expected[0] == Match.NONE), (method, path)


def test_paths_outside_the_api_are_left_to_the_app_router(app):
    dispatch = app.router.routes[0]
    for path in ("/metrics", "/_event", "/api/v1", "/api/v10/orders", "/"):
        scope = {"type": "http", "path": path, "root_path": "", "method": "GET", "headers": [], "query_string": b""}
        assert dispatch.matches(scope) == (Match.NONE, {})
