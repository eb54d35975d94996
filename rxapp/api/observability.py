"""Metrics, request ids and health for operators of a Takt server.

- `Observe` (pure ASGI, around every backend route): a request id (the client's `X-Request-ID` when it
  is sane, else a new one) in the response header and in every log line of the request; per API route
  template, a request counter by status and a latency histogram; one JSON access log line per API request
  (logger takt.access).
- `GET /metrics`: Prometheus text (requests, latencies, ingest outcomes, live refreshes, pending mail and
  live scopes, database pool). Open unless TAKT_METRICS_TOKEN is set, then it wants that bearer token.
- `GET /api/v1/health/live` (the process answers; no database) and `GET /api/v1/health/ready` (database
  reachable and migrated to the code's revision): liveness vs readiness for an orchestrator.
"""
from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rxapp.api.schemas import errors
from services.core import health, metrics
from services.core.db import db_session, get_engine, transaction
from services.core.errors import Unauthorized, Unavailable
from services.core.health import HealthRead
from services.core.migrations import head_revision

access_log = logging.getLogger("takt.access")
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
router = APIRouter(tags=["health"])
metrics_router = APIRouter()
metrics.watch_pool(get_engine)
metrics.gauge("takt_mail_outbox_pending", "Emails waiting in the outbox", lambda: metrics.pending_mail(get_engine))


class Observe:
    def __init__(self, app: ASGIApp, *, prefix: str):
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        token = metrics.request_id.set(rid)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope.get("path", "").startswith(self.prefix):
                self._record(scope, status, time.perf_counter() - started)
            metrics.request_id.reset(token)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None)
        route = "unmatched" if route is None else route if route.startswith(self.prefix) else self.prefix + route
        method = scope.get("method", "")
        metrics.REQUESTS.labels(method, route, str(status)).inc()
        metrics.LATENCY.labels(method, route).observe(seconds)
        access_log.info("%s %s %s", method, scope.get("path"), status,
                        extra={"method": method, "path": scope.get("path"), "status": status,
                               "ms": round(seconds * 1000, 1)})


@metrics_router.get("/metrics", include_in_schema=False)
def prometheus_metrics(request: Request) -> Response:
    wanted = os.environ.get("TAKT_METRICS_TOKEN", "")
    if wanted:
        given = request.headers.get("authorization", "").partition(" ")[2].strip()
        if not hmac.compare_digest(given.encode(), wanted.encode()):
            raise Unauthorized("Send the metrics token as a bearer token.")
    return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")


@router.get("/health/live", response_model=HealthRead, summary="Liveness: the process answers (no database)")
def live() -> HealthRead:
    return HealthRead(status="ok", database="not checked", revision=None)


@router.get("/health/ready", response_model=HealthRead, responses=errors(503),
            summary="Readiness: the database answers and is migrated to this version")
def ready() -> HealthRead:
    with db_session() as s, transaction(s):
        result = health.check_database(s)
    if result.revision != head_revision():
        raise Unavailable(f"The database is at revision {result.revision}, this version needs {head_revision()}: "
                          f"run takt migrate.")
    return result
