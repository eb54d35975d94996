"""CORS as the whole backend serves it: Reflex wraps every route (ours under /api/v1 included) in its own
CORS layer built from rxconfig's `cors_allowed_origins`. Unset TAKT_CORS_ORIGINS means same-origin only."""
from __future__ import annotations

import importlib

import pytest
import reflex.app as reflex_app
from starlette.applications import Starlette
from starlette.testclient import TestClient  # noqa: I001

from rxapp.api.app import create_app

EVIL = "https://evil.example"


def _backend(monkeypatch, origins: str | None) -> TestClient:
    if origins is None:
        monkeypatch.delenv("TAKT_CORS_ORIGINS", raising=False)
    else:
        monkeypatch.setenv("TAKT_CORS_ORIGINS", origins)
    import rxconfig
    config = importlib.reload(rxconfig).config
    monkeypatch.setattr(reflex_app, "get_config", lambda: config)
    api = create_app()
    top = Starlette()
    top.mount("", api)
    reflex_app.App._add_cors(api)        # what Reflex does with an api_transformer ...
    reflex_app.App._add_cors(top)        # ... and with its top-level app
    return TestClient(top)


@pytest.fixture(autouse=True)
def _restore_rxconfig():
    yield
    import rxconfig
    importlib.reload(rxconfig)


def test_no_origin_is_allowed_when_none_is_configured(engine, monkeypatch):
    backend = _backend(monkeypatch, None)
    preflight = backend.options("/api/v1/me", headers={"Origin": EVIL, "Access-Control-Request-Method": "GET",
                                                       "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers
    simple = backend.get("/api/v1/health", headers={"Origin": EVIL})
    assert "access-control-allow-origin" not in simple.headers     # (a bare allow-credentials grants nothing)


def test_only_listed_origins_are_allowed(engine, monkeypatch):
    backend = _backend(monkeypatch, "https://mes.example.com, *")
    assert backend.get("/api/v1/health", headers={"Origin": "https://mes.example.com"}).headers[
        "access-control-allow-origin"] == "https://mes.example.com"
    evil = backend.get("/api/v1/health", headers={"Origin": EVIL})
    assert "access-control-allow-origin" not in evil.headers
