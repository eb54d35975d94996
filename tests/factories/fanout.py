"""The Redis and PostgreSQL servers the event fan-out tests talk to (TEST_REDIS_URL; TEST_FANOUT_PG_URL or
TEST_DATABASE_URL), and the guard that stops a broken cross-process test from hanging."""
from __future__ import annotations

import os
from pathlib import Path

from services.core import event_fanout as fanout

GUARD = 10  # seconds; only stops a broken test from hanging, never measures anything
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_URL = fanout._psycopg_url(os.environ.get("TEST_FANOUT_PG_URL") or os.environ.get("TEST_DATABASE_URL")
                             or "postgresql://postgres@127.0.0.1:5432/test")


def redis_reachable() -> bool:
    try:
        import redis
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


def pg_reachable() -> bool:
    try:
        import psycopg
        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False
