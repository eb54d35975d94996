"""Production-core benchmarks (issue 3), each against a raw baseline measured in the same run:

1. order import: 10,000 order lines from an .xlsx through services.production.order_import (preview + import)
   vs a raw executemany INSERT of the same 10,000 order_line rows;
2. completing 500 work orders in one action (services.production.work_orders.complete_work_orders) vs a raw
   UPDATE of the same 500 rows;
3. operator action round trip with 200 simulated operators, each on its own machine: the service
   call (shopfloor.perform) and the REST API (POST /api/v1/machines/{id}/actions, uvicorn, real
   HTTP), p50/p95/p99, vs a raw INSERT + COMMIT of one production_event row. Twice: at a shop-floor
   pace (each operator taps every `--think` seconds on average, Poisson) and flat out (no pause
   between taps), which measures saturation throughput in actions per second.

Usage: .venv/bin/python -m bench.production_bench [--postgres URL] [--operators 200] [--actions 7]
SQLite always runs (a fresh file); --postgres adds a fresh database next to URL's.
"""
from __future__ import annotations

import argparse
import asyncio
import io
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import sqlalchemy as sa
import xlsxwriter
from sqlmodel import Session, select

from bench.report import percentiles, table, write_section
from models.base import utcnow
from models.orders import Operation, WorkOrder, WorkStatus
from services.core import db as takt_db
from services.core.migrations import migrate
from services.master import customers, products, routings, work_centers
from services.master.calendar_shifts import add_shift
from services.master.calendars import CalendarCreate, ShiftInput, create_calendar
from services.org import auth, organizations, plants, users
from services.production import order_import, work_orders
from services.shopfloor import operator as shopfloor
from services.shopfloor.action_rules import ActionType
from services.shopfloor.operator import ShopfloorAction

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PASSWORD = "Bench-password-2026"


class Plant:
    """A plant for benchmarks: 24/7 calendar, one work center, `machines` machines, one product."""

    def __init__(self, session: Session, machines: int):
        with takt_db.transaction(session):
            org = organizations.create_organization(session, slug=f"bench-{secrets.token_hex(3)}", name="Bench", now=utcnow())
            self.org_id = org.id
            system = organizations.system_actor(session, org.id)
            plant = plants.create_plant(session, system, plants.PlantCreate(code="B1", name="Bench plant"), now=utcnow())
            self.plant_id = plant.id
            system = organizations.system_actor(session, org.id)
            dept = plants.create_department(session, system, plants.DepartmentCreate(plant_id=plant.id, code="D", name="D"), now=utcnow())
            cal = create_calendar(session, system, CalendarCreate(plant_id=plant.id, name="24/7"), now=utcnow())
            add_shift(session, system, cal.calendar.id, ShiftInput(name="Day", start_minute=0, end_minute=0, weekdays="1234567"),
                      now=utcnow())
            wc = work_centers.create_work_center(session, system, work_centers.WorkCenterCreate(
                plant_id=plant.id, department_id=dept.id, code="WC", name="WC"), now=utcnow())
            self.machine_ids = [work_centers.create_machine(session, system, work_centers.MachineCreate(
                work_center_id=wc.id, code=f"M{i:03d}", name=f"M{i}"), now=utcnow()).id for i in range(machines)]
            self.product_id = products.create_product(session, system, products.ProductCreate(code="FG-1", name="Part"), now=utcnow()).id
            products.create_product(session, system, products.ProductCreate(code="FG-2", name="Part 2"), now=utcnow())
            routings.create_routing(session, system, routings.RoutingCreate(product_id=self.product_id, steps=[
                routings.StepInput(name="Make", work_center_id=wc.id, setup_seconds=60, ideal_cycle_seconds="10")]), now=utcnow())
            self.customer_id = customers.create_customer(session, system, customers.CustomerCreate(code="C1", name="C1"), now=utcnow()).id
            self.planner = users.create_user(session, system, users.UserCreate(
                username=f"planner-{org.id}", password=PASSWORD, roles=["planner"], plant_ids=[plant.id]), now=utcnow()).id

    def actor(self, session: Session, user_id: int):
        from models.user import User
        return auth.actor_for_user(session, session.get(User, user_id))


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


# ----- 1. import ---------------------------------------------------------------------------

def order_file(lines: int) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("Orders")
    sheet.write_row(0, 0, ["order_ref", "customer_code", "product_code", "quantity", "promised_date", "unit_price"])
    for i in range(lines):
        sheet.write_row(i + 1, 0, [f"REF-{i // 10:05d}", "C1", "FG-1" if i % 2 else "FG-2", 1 + i % 50,
                                   (date(2026, 4, 1) + timedelta(days=i % 10)).isoformat(), "12.50"])
    book.close()
    return buf.getvalue()


def bench_import(engine, lines: int) -> dict:
    data = order_file(lines)
    with Session(engine) as session:
        p = Plant(session, 1)
        planner = p.actor(session, p.planner)
        preview, t_preview = timed(lambda: order_import.preview_import(session, planner, p.plant_id, "orders.xlsx", data))
        assert not preview.has_errors if hasattr(preview, "has_errors") else True

        def run():
            with takt_db.transaction(session):
                return order_import.import_orders(session, planner, p.plant_id, "orders.xlsx", data, now=NOW)
        _, t_import = timed(run)
    rows = [{"organization_id": p.org_id, "order_id": None, "line_no": i, "product_id": p.product_id, "quantity": 5,
             "promised_date": date(2026, 4, 1), "quantity_delivered": 0} for i in range(lines)]
    t_raw = raw_insert_lines(engine, p, rows)
    return {"preview": t_preview, "import": t_import, "raw": t_raw}


def raw_insert_lines(engine, p: Plant, rows: list[dict]) -> float:
    with engine.begin() as conn:
        order_id = conn.execute(sa.text(
            "INSERT INTO customer_order (organization_id, plant_id, number, customer_id, customer_reference, status, note,"
            " created_at, updated_at) VALUES (:o, :p, 'RAW-1', :c, 'raw', 'open', '', :t, :t) RETURNING id"),
            {"o": p.org_id, "p": p.plant_id, "c": p.customer_id, "t": NOW.replace(tzinfo=None)
             if engine.dialect.name == "sqlite" else NOW}).scalar_one()
    for row in rows:
        row["order_id"] = order_id
        row["created_at"] = row["updated_at"] = NOW.replace(tzinfo=None) if engine.dialect.name == "sqlite" else NOW
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO order_line (organization_id, order_id, line_no, product_id, quantity, promised_date,"
            " quantity_delivered, created_at, updated_at) VALUES (:organization_id, :order_id, :line_no, :product_id,"
            " :quantity, :promised_date, :quantity_delivered, :created_at, :updated_at)"), rows)
    return time.perf_counter() - start


# ----- 2. complete 500 work orders -----------------------------------------------------------

def bench_complete(engine, count: int) -> dict:
    with Session(engine) as session:
        p = Plant(session, 1)
        ids = make_work_orders(session, p, count * 2, status=WorkStatus.PAUSED)
        planner = p.actor(session, p.planner)

        def run():
            with takt_db.transaction(session):
                return work_orders.complete_work_orders(session, planner, ids[:count], now=NOW)
        done, t_service = timed(run)
        assert len(done) == count
    raw_ids = ids[count:]
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE work_order SET status = 'done', completed_at = :t WHERE id = :id"),
                     [{"t": NOW.replace(tzinfo=None) if engine.dialect.name == "sqlite" else NOW, "id": i} for i in raw_ids])
    return {"service": t_service, "raw": time.perf_counter() - start}


def make_work_orders(session: Session, p: Plant, count: int, *, status: WorkStatus) -> list[int]:
    with takt_db.transaction(session):
        rows = [WorkOrder(organization_id=p.org_id, plant_id=p.plant_id, number=f"WO-B{i:06d}", product_id=p.product_id,
                          quantity=10, status=status) for i in range(count)]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


# ----- 3. operator round trip ----------------------------------------------------------------

def operator_plant(engine, operators: int):
    with Session(engine) as session:
        p = Plant(session, operators)
        with takt_db.transaction(session):
            system = organizations.system_actor(session, p.org_id)
            op_users = [users.create_user(session, system, users.UserCreate(
                username=f"op{i}-{p.org_id}", password=PASSWORD, roles=["operator"], plant_ids=[p.plant_id]), now=utcnow()).id
                for i in range(min(operators, 20))]
        wo_ids = make_work_orders(session, p, operators, status=WorkStatus.RELEASED)
        with takt_db.transaction(session):
            ops = [Operation(organization_id=p.org_id, plant_id=p.plant_id, work_order_id=wo, sequence=10, name="Make",
                             work_center_id=session.exec(select(Operation.work_center_id)).first() or
                             _work_center(session, p), machine_id=m, queue_position=1, quantity=1000,
                             ideal_cycle_seconds=Decimal("10"), status=WorkStatus.RELEASED)
                   for wo, m in zip(wo_ids, p.machine_ids, strict=False)]
            session.add_all(ops)
            session.flush()
            op_ids = [o.id for o in ops]
        tokens = []
        with takt_db.transaction(session):
            for _i, user_id in enumerate(op_users):
                from models.user import User
                tokens.append(auth.login(session, session.get(User, user_id).username, PASSWORD, now=datetime.now(UTC), client="api").token)
    return p, op_users, op_ids, tokens


def _work_center(session: Session, p: Plant) -> int:
    from models.resources import Machine
    return session.get(Machine, p.machine_ids[0]).work_center_id


def script(op_id: int, actions: int) -> list[ShopfloorAction]:
    steps = [ShopfloorAction(type=ActionType.START_JOB, client_id=str(uuid.uuid4()), operation_id=op_id)]
    steps += [ShopfloorAction(type=ActionType.REPORT_COUNTS, client_id=str(uuid.uuid4()), operation_id=op_id, good=3)
              for _ in range(max(0, actions - 2))]
    steps.append(ShopfloorAction(type=ActionType.COMPLETE_JOB, client_id=str(uuid.uuid4()), operation_id=op_id))
    return steps


def pause(rng, think: float) -> float:
    return rng.expovariate(1 / think) if think > 0 else 0.0


def bench_service_round_trip(engine, operators: int, actions: int, think: float) -> tuple[list[float], float]:
    import random
    p, op_users, op_ids, _ = operator_plant(engine, operators)
    latencies: list[float] = []

    def operator(i: int) -> None:
        rng = random.Random(i)
        with Session(engine) as session:
            actor = p.actor(session, op_users[i % len(op_users)])
        for action in script(op_ids[i], actions):
            time.sleep(pause(rng, think))
            start = time.perf_counter()
            with Session(engine, expire_on_commit=False) as session, takt_db.transaction(session):
                shopfloor.perform(session, actor, p.machine_ids[i], action, now=datetime.now(UTC))
            latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=operators if think > 0 else min(operators, 32)) as pool:
        list(pool.map(operator, range(operators)))
    return latencies, time.perf_counter() - began


def bench_api_round_trip(engine, url: str, operators: int, actions: int, think: float) -> tuple[list[float], float]:
    import random
    p, _, op_ids, tokens = operator_plant(engine, operators)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "rxapp.api.app:api", "--port", str(port),
                               "--log-level", "warning", "--timeout-keep-alive", "30"], env=env)
    latencies: list[float] = []
    try:
        wait_http(f"http://127.0.0.1:{port}/api/v1/health")

        async def operator(client: httpx.AsyncClient, i: int) -> None:
            rng = random.Random(i)
            headers = {"authorization": f"Bearer {tokens[i % len(tokens)]}"}
            for action in script(op_ids[i], actions):
                await asyncio.sleep(pause(rng, think))
                start = time.perf_counter()
                r = await client.post(f"/api/v1/machines/{p.machine_ids[i]}/actions", headers=headers,
                                      content=action.model_dump_json(exclude_none=True),
                                      timeout=60)
                latencies.append(time.perf_counter() - start)
                if r.status_code not in (200, 201):
                    raise RuntimeError(f"{r.status_code} {r.text}")

        async def main():
            # idle connections are dropped by the client before the server's keep-alive ends
            limits = httpx.Limits(max_connections=operators, keepalive_expiry=20)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                         headers={"content-type": "application/json"}) as client:
                await asyncio.gather(*(operator(client, i) for i in range(operators)))
        began = time.perf_counter()
        asyncio.run(main())
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(10)
    return latencies, wall


def bench_raw_round_trip(engine, operators: int, actions: int, think: float) -> tuple[list[float], float]:
    import random
    p, op_users, op_ids, _ = operator_plant(engine, operators)
    latencies = []
    stmt = sa.text("INSERT INTO production_event (organization_id, plant_id, machine_id, operation_id, user_id, kind,"
                   " quantity_good, quantity_scrap, note, client_id, occurred_at, recorded_at)"
                   " VALUES (:o, :p, :m, :op, :u, 'count', 3, 0, '', :c, :t, :t)")

    def operator(i: int) -> None:
        rng = random.Random(i)
        for _ in range(actions):
            time.sleep(pause(rng, think))
            now = datetime.now(UTC)
            start = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(stmt, {"o": p.org_id, "p": p.plant_id, "m": p.machine_ids[i], "op": op_ids[i],
                                    "u": op_users[0], "c": str(uuid.uuid4()),
                                    "t": now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now})
            latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=operators if think > 0 else min(operators, 32)) as pool:
        list(pool.map(operator, range(operators)))
    return latencies, time.perf_counter() - began


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


# ----- running ---------------------------------------------------------------------------------

def databases(pg_url: str | None):
    tmp = tempfile.mkdtemp(prefix="takt-bench-")
    yield "SQLite", f"sqlite:///{tmp}/bench.db"
    if pg_url:
        base = sa.engine.make_url(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
        name = f"takt_bench_{os.getpid()}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield "PostgreSQL", base.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--operators", type=int, default=200)
    parser.add_argument("--actions", type=int, default=7, help="actions per operator: start, counts..., complete")
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--complete", type=int, default=500)
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds between one operator's taps (paced run)")
    args = parser.parse_args()

    import_rows, complete_rows, trip_rows = [], [], []
    for label, url in databases(args.postgres):
        engine = takt_db.make_engine(url)
        migrate(engine)
        takt_db.use_engine(engine)
        imp = bench_import(engine, args.lines)
        import_rows.append([label, f"{imp['preview']:.2f}", f"{imp['import']:.2f}", f"{args.lines / imp['import']:,.0f}",
                            f"{imp['raw']:.3f}", f"{imp['import'] / imp['raw']:.1f}x"])
        comp = bench_complete(engine, args.complete)
        complete_rows.append([label, ms(comp["service"]), ms(comp["raw"]), f"{comp['service'] / comp['raw']:.1f}x"])
        for pace, think in [(f"every {args.think:g} s", args.think), ("flat out", 0.0)]:
            runs = [("raw INSERT + COMMIT", bench_raw_round_trip(engine, args.operators, args.actions, think)),
                    ("service call", bench_service_round_trip(engine, args.operators, args.actions, think)),
                    ("REST API over HTTP", bench_api_round_trip(engine, url, args.operators, args.actions, think))]
            raw = percentiles(runs[0][1][0])
            for name, (samples, wall) in runs:
                q = percentiles(samples)
                trip_rows.append([label, pace, name, ms(q["p50"]), ms(q["p95"]), ms(q["p99"]),
                                  f"{q['p50'] / raw['p50']:.1f}x", f"{q['p95'] / raw['p95']:.1f}x",
                                  f"{len(samples) / wall:,.0f}"])
        engine.dispose()
        takt_db.use_engine(None)

    n_actions = args.operators * args.actions
    body = (f"### Order import: {args.lines:,} lines from .xlsx\n\n"
            + table(["database", "preview s", "import s", "lines/s", "raw executemany s", "import / raw"], import_rows)
            + f"\n### Completing {args.complete} work orders in one action\n\n"
            + table(["database", "service ms", "raw UPDATE ms", "service / raw"], complete_rows)
            + f"\n### Operator action round trip: {args.operators} operators x {args.actions} actions = {n_actions:,}\n\n"
            + "Each operator works its own machine: start, counts, complete. Paced: every operator taps every\n"
            + f"{args.think:g} s on average (up to {args.operators / args.think:.0f} actions/s while all are at work; the last column\n"
            + "is actions over the whole run, tail included); flat out: no pause, service and raw\n"
            + f"calls on 32 threads, API calls from {args.operators} concurrent HTTP clients against one uvicorn\n"
            + "worker, so latency there is queueing behind the throughput limit (last column).\n\n"
            + table(["database", "pace", "path", "p50 ms", "p95 ms", "p99 ms", "p50 / raw", "p95 / raw", "actions/s"],
                    trip_rows))
    write_section("production", "Production core (import, bulk complete, operator round trip)", body)


if __name__ == "__main__":
    main()
