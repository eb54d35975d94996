"""Where one request's CPU goes: a yappi profile (CPU clock, every thread) of N requests through the REST API
in process (Starlette's TestClient, so the route's worker thread is profiled too), on the floor of
`bench/api_bench.py`. Prints the functions by total and by own CPU; writes nothing (a tool for the figures
quoted in docs/benchmarks.md, "Request path: what changed, and what limits it"). The profiler inflates every
figure: compare two runs of it with each other, never with wall-clock benchmarks.

Usage: .venv/bin/python -m bench.request_profile [sqlite|pg] [--requests 200] [--kind action|orders]
  action: `report_counts` on a running job (POST /machines/{id}/actions)
  orders: create an order, then release it (POST /orders, POST /orders/{id}/release)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa
import yappi
from fastapi.testclient import TestClient

from bench.api_bench import Floor, expect, start_job
from services.core import db as takt_db
from services.core.migrations import migrate

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
SITE = "/site-packages/"


def database(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='takt-profile-')}/takt.db"
    name = f"takt_profile_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_SERVER + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return PG_SERVER + name


def where(module: str) -> str:
    return "~" + module.split(SITE, 1)[1] if SITE in module else module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--kind", choices=["action", "orders"], default="action")
    parser.add_argument("--top", type=int, default=60)
    args = parser.parse_args()
    engine = takt_db.make_engine(database(args.database))
    migrate(engine)
    floor = Floor(engine)
    takt_db.use_engine(engine)
    from rxapp.api.app import api
    with TestClient(api) as client:
        start_job(client, floor)
        planner = {"authorization": f"Bearer {floor.planner_token}"}
        operator = {"authorization": f"Bearer {floor.operator_token}"}
        machine = floor.plant.machine_ids[0]

        def one() -> None:
            if args.kind == "action":
                expect(client.post(f"/api/v1/machines/{machine}/actions", headers=operator,
                                   json=floor.count_body()), 201)
            else:
                order = expect(client.post("/api/v1/orders", headers=planner, json=floor.order_body()), 201)
                expect(client.post(f"/api/v1/orders/{order.json()['id']}/release", headers=planner), 200)
        for _ in range(30):                      # imports, pools and per-worker caches warm
            one()
        yappi.set_clock_type("cpu")
        yappi.start()
        started = time.perf_counter()
        for _ in range(args.requests):
            one()
        wall = time.perf_counter() - started
        yappi.stop()
    stats = list(yappi.get_func_stats())
    print(f"{args.requests} x {args.kind} on {args.database}: {wall / args.requests * 1000:.1f} ms wall a request "
          "under the profiler")
    for title, key in (("by total CPU", "ttot"), ("by own CPU", "tsub")):
        print(f"---- {title} (s over all requests; total, own, calls)")
        for f in sorted(stats, key=lambda f: -getattr(f, key))[:args.top]:
            print(f"{f.ttot:8.3f} {f.tsub:8.3f} {f.ncall:7d}  {where(f.module)}:{f.lineno} {f.name}")
    engine.dispose()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
