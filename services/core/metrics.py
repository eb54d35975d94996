"""Process metrics in Prometheus' text format (prometheus_client), and the request id of the work in hand.

Counters and histograms are updated by the doors (rxapp/api/observability.py for HTTP, the ingest routes,
the live hub); queue depths and the database pool are read when scraped. `request_id` is a context
variable the JSON log formatter adds to every line.
"""
from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("takt_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=REGISTRY)
LATENCY = Histogram("takt_http_request_seconds", "Time to answer an HTTP request", ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=REGISTRY)
INGESTED = Counter("takt_ingest_events", "Machine events received, by outcome", ["outcome"], registry=REGISTRY)
LIVE_REFRESHES = Counter("takt_live_refreshes", "Live view refreshes pushed, by kind", ["kind"], registry=REGISTRY)
request_id: ContextVar[str] = ContextVar("takt_request_id", default="")
_gauges: dict[str, tuple[str, object]] = {}


def gauge(name: str, help_text: str, read) -> None:
    """A value read at scrape time (`read()` -> number, or None to leave it out)."""
    _gauges[name] = (help_text, read)


class _Gauges:
    def collect(self):
        for name, (help_text, read) in sorted(_gauges.items()):
            try:
                value = read()
            except Exception:  # a scrape never fails because one reading does
                logging.getLogger(__name__).warning("metric %s could not be read", name, exc_info=True)
                continue
            if value is not None:
                family = GaugeMetricFamily(name, help_text)
                family.add_metric([], float(value))
                yield family


REGISTRY.register(_Gauges())


def count_ingest(accepted: int, duplicates: int, errors: int) -> None:
    for outcome, n in (("accepted", accepted), ("duplicate", duplicates), ("error", errors)):
        if n:
            INGESTED.labels(outcome).inc(n)


def render() -> bytes:
    return generate_latest(REGISTRY)


def watch_pool(engine_of) -> None:
    """Database pool gauges of the engine `engine_of()` returns (SQLite's NullPool reports nothing)."""
    def reading(method: str):
        def read():
            pool = engine_of().pool
            return getattr(pool, method)() if hasattr(pool, method) else None
        return read
    gauge("takt_db_pool_size", "Connections the pool keeps", reading("size"))
    gauge("takt_db_pool_checked_out", "Connections in use", reading("checkedout"))
    gauge("takt_db_pool_overflow", "Connections beyond the pool size", reading("overflow"))


def pending_mail(engine_of) -> int:
    with engine_of().connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM email_outbox WHERE status = 'pending'")).scalar_one()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, and the exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        rid = request_id.get()
        if rid:
            line["request_id"] = rid
        for key in ("method", "path", "status", "ms"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(fmt: str = "json", level: str = "INFO") -> None:
    """Takt's loggers (takt.*, services.*, rxapp.*) to stderr, as JSON lines unless `fmt` is "text"."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in ("takt", "services", "rxapp"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
