"""Metrics in Prometheus' format, request ids in headers and JSON logs, liveness vs readiness."""
from __future__ import annotations

import json
import logging

import httpx

from services.core import metrics
from services.core.metrics import JsonFormatter


def test_metrics_count_requests_by_route_and_ingest_outcomes(client, world, as_user, server_url):
    admin = as_user("admin.a")
    client.get(f"/users/{world.operator1}", headers=admin)
    metrics.count_ingest(3, 1, 0)
    text = httpx.get(f"{server_url}/metrics", timeout=60).text
    assert 'takt_http_requests_total{method="GET",route="/api/v1/users/{user_id}",status="200"}' in text
    assert 'takt_http_request_seconds_bucket{le="0.005",method="GET",route="/api/v1/users/{user_id}"}' in text
    assert 'takt_ingest_events_total{outcome="accepted"}' in text
    assert "takt_mail_outbox_pending 0.0" in text


def test_metrics_want_the_token_when_one_is_set(client, server_url, monkeypatch):
    monkeypatch.setenv("TAKT_METRICS_TOKEN", "s3cret-metrics")
    assert httpx.get(f"{server_url}/metrics", timeout=60).status_code == 401
    assert httpx.get(f"{server_url}/metrics", headers={"Authorization": "Bearer s3cret-metrics"}, timeout=60).status_code == 200


def test_request_ids_are_echoed_or_made(client):
    given = client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert given.status_code == 200 and given.headers["x-request-id"] == "abc-123"
    made = client.get("/health/live", headers={"X-Request-ID": "bad/id"})
    assert len(made.headers["x-request-id"]) == 32


def test_readiness_checks_the_database_and_its_revision(client, engine, monkeypatch):
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"
    from rxapp.api import observability
    monkeypatch.setattr(observability, "head_revision", lambda: "9999_future")
    assert client.get("/health/ready").status_code == 503
    assert client.get("/health/live").status_code == 200


def test_json_log_lines_carry_the_request_id():
    token = metrics.request_id.set("rid-42")
    try:
        record = logging.LogRecord("takt.access", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
        line = json.loads(JsonFormatter().format(record))
    finally:
        metrics.request_id.reset(token)
    assert (line["request_id"], line["message"], line["level"], line["logger"]) == ("rid-42", "GET /x", "INFO",
                                                                                     "takt.access")
