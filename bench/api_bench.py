"""Request-path benchmark (issue 17, target 1): one sequential HTTP client against the REST API.

Per database (SQLite always, a fresh file; PostgreSQL with --postgres, a fresh database next to URL's):
a uvicorn server runs `rxapp.api.app:api` in its own process, and one client (httpx, keep-alive)
times, one request after the other:

1. create order: POST /orders with one line;
2. release order: POST /orders/{id}/release (one work order, one operation);
3. operator action: POST /machines/{id}/actions `report_counts` on a running job;

beside raw SQL doing the same writes in the same run (SQLAlchemy Core, one transaction each):
INSERT order + line; UPDATE order + INSERT work order + INSERT operation; INSERT production_event.
Medians and p95 of `--rounds` requests each, the load average before and after, and, through the same app
in process, the SQL statements one request of each kind runs (token check included) with the request's
time split into time inside the driver's execute calls and the rest.

Usage: .venv/bin/python -m bench.api_bench [--postgres URL] [--rounds 200] [--label after]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from bench.production_bench import Plant, databases, free_port, wait_http
from bench.report import percentiles, table, write_section
from models.base import utcnow
from models.orders import Operation, WorkOrder, WorkStatus
from services.core import db as takt_db
from services.core.migrations import migrate
from services.org import auth, organizations, users

PASSWORD = "Bench-password-2026"
TARGETS_MS = {"create order": 10.0, "release order": 12.0, "operator action": 10.0}


class Floor:
    """The bench plant plus a planner token, an operator token and one running job on machine 0."""

    def __init__(self, engine):
        with Session(engine, expire_on_commit=False) as session:
            self.plant = p = Plant(session, 2)
            with takt_db.transaction(session):
                system = organizations.system_actor(session, p.org_id)
                operator = users.create_user(session, system, users.UserCreate(
                    username=f"op-{p.org_id}", password=PASSWORD, roles=["operator"], plant_ids=[p.plant_id]), now=utcnow())
                wo = WorkOrder(organization_id=p.org_id, plant_id=p.plant_id, number="WO-BENCH-1",
                               product_id=p.product_id, quantity=10**6, status=WorkStatus.RELEASED)
                session.add(wo)
                session.flush()
                from models.resources import Machine
                op = Operation(organization_id=p.org_id, plant_id=p.plant_id, work_order_id=wo.id, sequence=10,
                               name="Make", work_center_id=session.get(Machine, p.machine_ids[0]).work_center_id,
                               machine_id=p.machine_ids[0], queue_position=1, quantity=10**6,
                               ideal_cycle_seconds=Decimal("10"), status=WorkStatus.RELEASED)
                session.add(op)
                session.flush()
                self.operation_id = op.id
                self.work_order_id = wo.id
            with takt_db.transaction(session):
                planner_name = f"planner-{p.org_id}"
                self.planner_token = auth.login(session, planner_name, PASSWORD, now=datetime.now(UTC), client="api").token
                self.operator_token = auth.login(session, operator.username, PASSWORD, now=datetime.now(UTC),
                                                 client="api").token
                self.operator_id = operator.id

    def order_body(self) -> dict:
        return {"plant_id": self.plant.plant_id, "customer_id": self.plant.customer_id, "customer_reference": "bench",
                "lines": [{"product_id": self.plant.product_id, "quantity": 5, "promised_date": "2026-04-01"}]}

    def count_body(self) -> dict:
        return {"type": "report_counts", "client_id": str(uuid.uuid4()), "operation_id": self.operation_id, "good": 1}


def start_job(client: httpx.Client, floor: Floor) -> None:
    r = client.post(f"/api/v1/machines/{floor.plant.machine_ids[0]}/actions",
                    headers={"authorization": f"Bearer {floor.operator_token}"},
                    json={"type": "start_job", "client_id": str(uuid.uuid4()), "operation_id": floor.operation_id})
    expect(r, 201)


def expect(r: httpx.Response, *codes: int) -> httpx.Response:
    if r.status_code not in codes:
        raise RuntimeError(f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:500]}")
    return r


def http_round(client: httpx.Client, floor: Floor, rounds: int) -> dict[str, list[float]]:
    planner = {"authorization": f"Bearer {floor.planner_token}"}
    operator = {"authorization": f"Bearer {floor.operator_token}"}
    samples: dict[str, list[float]] = {k: [] for k in TARGETS_MS}
    machine = floor.plant.machine_ids[0]
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = expect(client.post("/api/v1/orders", headers=planner, json=floor.order_body()), 201)
        t1 = time.perf_counter()
        order_id = r.json()["id"]
        expect(client.post(f"/api/v1/orders/{order_id}/release", headers=planner), 200)
        t2 = time.perf_counter()
        expect(client.post(f"/api/v1/machines/{machine}/actions", headers=operator, json=floor.count_body()), 201)
        t3 = time.perf_counter()
        samples["create order"].append(t1 - t0)
        samples["release order"].append(t2 - t1)
        samples["operator action"].append(t3 - t2)
    return samples


def raw_round(engine, floor: Floor, rounds: int) -> dict[str, list[float]]:
    """The same rows written with plain SQL, one transaction per write, no checks."""
    p = floor.plant
    sqlite = engine.dialect.name == "sqlite"
    samples: dict[str, list[float]] = {k: [] for k in TARGETS_MS}

    def ts():
        now = datetime.now(UTC)
        return now.replace(tzinfo=None) if sqlite else now
    for _ in range(rounds):
        t0 = time.perf_counter()
        with engine.begin() as conn:
            order_id = conn.execute(sa.text(
                "INSERT INTO customer_order (organization_id, plant_id, number, customer_id, customer_reference, status,"
                " note, created_at, updated_at) VALUES (:o, :p, :n, :c, 'raw', 'open', '', :t, :t) RETURNING id"),
                {"o": p.org_id, "p": p.plant_id, "n": f"RAW-{uuid.uuid4().hex[:12]}", "c": p.customer_id,
                 "t": ts()}).scalar_one()
            conn.execute(sa.text(
                "INSERT INTO order_line (organization_id, order_id, line_no, product_id, quantity, promised_date,"
                " quantity_delivered, created_at, updated_at) VALUES (:o, :oid, 1, :pr, 5, :d, 0, :t, :t)"),
                {"o": p.org_id, "oid": order_id, "pr": p.product_id, "d": date(2026, 4, 1), "t": ts()})
        t1 = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE customer_order SET status = 'released', updated_at = :t WHERE id = :id"),
                         {"t": ts(), "id": order_id})
            wo_id = conn.execute(sa.text(
                "INSERT INTO work_order (organization_id, plant_id, number, product_id, quantity, status, quantity_good,"
                " quantity_scrap, released_at, created_at, updated_at)"
                " VALUES (:o, :p, :n, :pr, 5, 'released', 0, 0, :t, :t, :t) RETURNING id"),
                {"o": p.org_id, "p": p.plant_id, "n": f"WO-RAW-{uuid.uuid4().hex[:10]}", "pr": p.product_id,
                 "t": ts()}).scalar_one()
            conn.execute(sa.text(
                "INSERT INTO operation (organization_id, plant_id, work_order_id, sequence, name, work_center_id,"
                " quantity, setup_seconds, ideal_cycle_seconds, status, quantity_good, quantity_scrap, created_at, updated_at)"
                " SELECT organization_id, plant_id, :wo, 10, 'Make', work_center_id, 5, 60, 10, 'released', 0, 0, :t, :t"
                " FROM operation WHERE id = :op"), {"wo": wo_id, "op": floor.operation_id, "t": ts()})
        t2 = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO production_event (organization_id, plant_id, machine_id, operation_id, user_id, kind,"
                " quantity_good, quantity_scrap, note, client_id, occurred_at, recorded_at)"
                " VALUES (:o, :p, :m, :op, :u, 'count', 1, 0, '', :c, :t, :t)"),
                {"o": p.org_id, "p": p.plant_id, "m": p.machine_ids[0], "op": floor.operation_id,
                 "u": floor.operator_id, "c": str(uuid.uuid4()), "t": ts()})
        t3 = time.perf_counter()
        samples["create order"].append(t1 - t0)
        samples["release order"].append(t2 - t1)
        samples["operator action"].append(t3 - t2)
    return samples


def in_process(engine, floor: Floor, rounds: int) -> dict[str, dict[str, float]]:
    """Per request kind, through the same app in this process (no socket): the SQL statements of one request
    (token check included, caches warm), and medians of the request's time and of the time spent inside the
    database driver's execute calls (statement round trips; commits and pool checkouts are not in it)."""
    from fastapi.testclient import TestClient

    from rxapp.api.app import api
    counted: list[str] = []
    in_sql = [0.0]
    started: list[float] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        counted.append(statement)
        started.append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        in_sql[0] += time.perf_counter() - started.pop()
    takt_db.use_engine(engine)
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    samples: dict[str, dict[str, list[float]]] = {k: {"statements": [], "ms": [], "sql ms": []} for k in TARGETS_MS}

    def timed(kind: str, request):
        counted.clear()
        in_sql[0] = 0.0
        t0 = time.perf_counter()
        response = request()
        samples[kind]["ms"].append((time.perf_counter() - t0) * 1000)
        samples[kind]["sql ms"].append(in_sql[0] * 1000)
        samples[kind]["statements"].append(len(counted))
        return response
    try:
        with TestClient(api) as client:
            planner = {"authorization": f"Bearer {floor.planner_token}"}
            operator = {"authorization": f"Bearer {floor.operator_token}"}
            machine = floor.plant.machine_ids[0]
            for _ in range(rounds + 1):          # the first round fills the per-worker caches
                order_id = expect(timed("create order", lambda: client.post(
                    "/api/v1/orders", headers=planner, json=floor.order_body())), 201).json()["id"]
                release_url = f"/api/v1/orders/{order_id}/release"
                expect(timed("release order", lambda url=release_url: client.post(url, headers=planner)), 200)
                expect(timed("operator action", lambda: client.post(
                    f"/api/v1/machines/{machine}/actions", headers=operator, json=floor.count_body())), 201)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
        takt_db.use_engine(None)
    return {kind: {"statements": series["statements"][-1],
                   "ms": percentiles(series["ms"][1:])["p50"], "sql ms": percentiles(series["sql ms"][1:])["p50"]}
            for kind, series in samples.items()}


def serve(url: str):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "rxapp.api.app:api", "--port", str(port),
                               "--log-level", "warning"], env=env)
    wait_http(f"http://127.0.0.1:{port}/api/v1/health")
    return server, port


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def run(label: str, url: str, rounds: int) -> tuple[list[list], dict[str, dict[str, float]], str]:
    engine = takt_db.make_engine(url)
    migrate(engine)
    floor = Floor(engine)
    before = load()
    server, port = serve(url)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            start_job(client, floor)
            http_round(client, floor, min(20, rounds))          # warm-up: imports, pools, caches
            api = http_round(client, floor, rounds)
    finally:
        server.terminate()
        server.wait(10)
    raw = raw_round(engine, floor, rounds)
    counts = in_process(engine, floor, min(50, rounds))
    after = load()
    engine.dispose()
    rows = []
    for what, target in TARGETS_MS.items():
        q, r = percentiles(api[what]), percentiles(raw[what])
        c = counts[what]
        rows.append([label, what, ms(q["p50"]), ms(q["p95"]), ms(r["p50"]), f"{q['p50'] / r['p50']:.1f}x",
                     int(c["statements"]), f"{c['ms']:.1f}", f"{c['sql ms']:.1f}",
                     f"{target:g}" if label == "PostgreSQL" else "-"])
    return rows, counts, f"{before} -> {after}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--label", default="after", help="section suffix: 'before' keeps a run beside later ones")
    args = parser.parse_args()
    rows, loads = [], []
    for db_label, url in databases(args.postgres):
        r, _, ld = run(db_label, url, args.rounds)
        rows += r
        loads.append(f"{db_label}: {ld}")
    body = (f"One sequential HTTP client (httpx, keep-alive) against one uvicorn worker of `rxapp.api.app:api`,\n"
            f"{args.rounds} rounds of create -> release -> `report_counts` after 20 warm-up rounds; raw SQL writes the same\n"
            "rows with SQLAlchemy Core, one transaction per write. Statements: SQL run by one request on the\n"
            "server, token check included (second round, caches warm). Load average (1/5/15 min) before -> after:\n"
            + "; ".join(loads) + ".\n\n"
            + "In process: the same requests through the app without a socket (Starlette's TestClient), p50 of the\n"
            "request and of the time inside the driver's execute calls (statement round trips; commit, pool\n"
            "checkout and its ping are outside it): the rest is Python (FastAPI, pydantic, the ORM, the services).\n\n"
            + table(["database", "request", "API p50 ms", "API p95 ms", "raw SQL p50 ms", "API / raw", "statements",
                     "in process p50 ms", "of which SQL ms", "target ms"], rows))
    write_section(f"api-{args.label}", f"Request path: sequential client, create / release / operator action ({args.label})",
                  body)


if __name__ == "__main__":
    main()
