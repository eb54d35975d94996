"""Machine data ingest (issue 4): events per second through the ingest API, against a raw COPY
(PostgreSQL) / executemany (SQLite) of the same production_event rows, in the same run.

A plant of `--machines` machines (24/7 calendar), each running a job started through ingest; then
`--events` events (counts, 2 % with scrap and a reason, and a down/running pair every 250 events
per machine), spread over one hour (each path the next hour of the last six), are sent
1. as the service call alone (services.shopfloor.ingest.ingest_batch in-process, one batch after another);
2. through REST: POST /api/v1/ingest/events in batches of `--batch`, from `--senders` concurrent
   clients, against one uvicorn worker (a separate process, real HTTP on loopback);
3. through the websocket /api/v1/ingest/stream: `--senders` gateways streaming batches, each waiting
   for the answer to one batch before it sends the next;
then the raw baseline writes the same number of rows in one COPY (PostgreSQL) or one executemany
(SQLite). Request bodies are encoded before the clock starts. A cProfile of the service path gives
the hot spots; the CPU per event of the ingesting process (this one for the service call, the uvicorn workers
for REST and websocket, from /proc) says how far more workers can go.

Usage: .venv/bin/python -m bench.ingest_bench [--postgres URL] [--events 100000] [--batch 1000] [--workers 2]
SQLite always runs (a fresh file); --postgres (or TEST_DATABASE_URL) adds a fresh database.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import simple_websocket
import sqlalchemy as sa
from sqlmodel import Session, select

from bench.production_bench import (
    Plant,
    databases,
    free_port,
    make_work_orders,
    wait_http,
)
from bench.report import table, write_section
from models.base import utcnow
from models.orders import Operation, WorkStatus
from models.shopfloor import ProductionEvent
from services.core import db as takt_db
from services.core.migrations import migrate
from services.master import reason_codes
from services.org import api_tokens, auth, organizations
from services.shopfloor import ingest

EVENT_COLUMNS = ingest.EVENT_COLUMNS


class Floor:
    """The bench plant with a running job on every machine and a machine token."""

    def __init__(self, engine, machines: int):
        now = datetime.now(UTC)
        with Session(engine) as session:
            self.plant = Plant(session, machines)
            with takt_db.transaction(session):
                system = organizations.system_actor(session, self.plant.org_id)
                self.down = reason_codes.create_reason_code(session, system, reason_codes.ReasonCodeCreate(
                    kind="downtime", code="BRK", name="Breakdown", loss_category="breakdown"), now=utcnow()).code
                self.scrap = reason_codes.create_reason_code(session, system, reason_codes.ReasonCodeCreate(
                    kind="scrap", code="DIM", name="Dimension", loss_category="production_reject"), now=utcnow()).code
                self.token = api_tokens.create_api_token(session, system, api_tokens.ApiTokenCreate(
                    plant_id=self.plant.plant_id, name="bench gateway", kind="machine"), now=now).token
            wo_ids = make_work_orders(session, self.plant, machines, status=WorkStatus.RELEASED)
            with takt_db.transaction(session):
                wc = session.exec(select(Operation.work_center_id)).first()
                from models.resources import Machine
                wc = wc or session.get(Machine, self.plant.machine_ids[0]).work_center_id
                session.add_all([Operation(organization_id=self.plant.org_id, plant_id=self.plant.plant_id,
                                           work_order_id=wo, sequence=10, name="Make", work_center_id=wc,
                                           machine_id=m, queue_position=1, quantity=1_000_000,
                                           ideal_cycle_seconds="10", status=WorkStatus.RELEASED)
                                 for wo, m in zip(wo_ids, self.plant.machine_ids, strict=False)])
            with takt_db.transaction(session):
                from models.orders import WorkOrder
                from models.resources import Machine
                self.codes = [session.get(Machine, m).code for m in self.plant.machine_ids]
                numbers = [session.get(WorkOrder, wo).number for wo in wo_ids]
            self.actor = self._actor(session)
            start = now - timedelta(hours=7)
            self.window = now - timedelta(hours=6)           # each path's events get the next hour
            with takt_db.transaction(session):
                result = ingest.ingest_batch(session, self.actor, [
                    {"client_id": f"start-{i}", "machine": code, "type": "job_start", "work_order": number,
                     "occurred_at": start.isoformat()} for i, (code, number) in enumerate(zip(self.codes, numbers, strict=True))],
                    now=now)
            assert result.accepted == machines, result.results[:3]

    def _actor(self, session):
        with takt_db.transaction(session):
            return auth.actor_for_token(session, self.token, now=datetime.now(UTC))

    def events(self, run: str, count: int) -> list[dict]:
        """`count` events spread over the last hour, per machine in time order; every stop ends in the run."""
        begin, self.window = self.window, self.window + timedelta(hours=1)
        machines = len(self.codes)
        out = []
        down: set[int] = set()
        for i in range(count):
            m = i % machines
            at = (begin + timedelta(seconds=3600 * i / count)).isoformat()
            event = {"client_id": f"{run}-{i}", "machine": self.codes[m], "occurred_at": at}
            step = i // machines
            if step % 250 == 124 and step + 125 < count // machines:
                event.update(type="state", state="down", reason=self.down)
                down.add(m)
            elif step % 250 == 249 and m in down:
                event.update(type="state", state="running")
                down.discard(m)
            elif i % 50 == 7:
                event.update(type="count", good=4, scrap=1, reason=self.scrap)
            else:
                event.update(type="count", good=5)
            out.append(event)
        return out


def batches(events: list[dict], size: int) -> list[list[dict]]:
    return [events[i:i + size] for i in range(0, len(events), size)]


def bench_service(floor: Floor, events: list[dict], size: int, profile: bool = False) -> tuple[float, str]:
    profiler = cProfile.Profile() if profile else None
    statements: dict[str, list] = {}                       # first line of a statement -> [count, seconds]
    started: list[float] = [0.0]

    def before(conn, cursor, statement, params, context, executemany):
        started[0] = time.perf_counter()

    def after(conn, cursor, statement, params, context, executemany):
        entry = statements.setdefault(" ".join(statement.split())[:90], [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - started[0]

    engine = takt_db.get_engine()
    if profile:
        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)
    began, cpu_began = time.perf_counter(), time.process_time()
    with Session(engine, expire_on_commit=False) as session:
        for chunk in batches(events, size):
            if profiler:
                profiler.enable()
            with takt_db.transaction(session):
                result = ingest.ingest_batch(session, floor.actor, chunk, now=datetime.now(UTC))
            if profiler:
                profiler.disable()
            assert result.rejected == 0, [r for r in result.results if r.status == "error"][:3]
    wall = time.perf_counter() - began
    SERVICE_CPU[0] = time.process_time() - cpu_began
    report = ""
    if profiler:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
        n = max(1, len(batches(events, size)))
        count, spent = sum(c for c, _ in statements.values()), sum(t for _, t in statements.values())
        report = (f"{len(events):,} events in batches of {size:,}: {wall / n * 1000:.0f} ms a batch, of which "
                  f"{spent / n * 1000:.0f} ms in {count / n:.0f} SQL statements (cursor time; the COPY is "
                  "counted in the rest); the statements taking most time per batch:\n")
        for text, (c, t) in sorted(statements.items(), key=lambda kv: -kv[1][1])[:8]:
            report += f"  {c / n:5.1f} x {t / n * 1000:6.1f} ms  {text}\n"
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(14)
        report += out.getvalue()
    return wall, report


SERVICE_CPU = [0.0]                 # CPU seconds of this process in the last bench_service call


def tree_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and all its descendants (the uvicorn workers), from Linux /proc."""
    tick, parent_of, cpu = os.sysconf("SC_CLK_TCK"), {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent_of[int(entry)], cpu[int(entry)] = int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
    tree, grew = {pid}, True
    while grew:
        found = {p for p, parent in parent_of.items() if parent in tree} - tree
        tree |= found
        grew = bool(found)
    return sum(cpu.get(p, 0.0) for p in tree)


def start_server(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "rxapp.api.app:api", "--port", str(port),
                               "--log-level", "warning", "--workers", str(workers)], env=env)
    try:                                       # N workers import the app at once: minutes on a busy 2-core machine
        wait_http(f"http://127.0.0.1:{port}/api/v1/health", timeout=300)
    except Exception:
        server.terminate()
        raise
    return server, f"127.0.0.1:{port}"


def bench_rest(floor: Floor, host: str, events: list[dict], size: int, senders: int) -> float:
    bodies = [json.dumps({"events": chunk}).encode() for chunk in batches(events, size)]
    headers = {"Authorization": f"Bearer {floor.token}", "Content-Type": "application/json"}
    lock, queue = threading.Lock(), list(reversed(bodies))
    retries = [0]

    def sender(_i: int) -> None:
        with httpx.Client(base_url=f"http://{host}", headers=headers, timeout=120) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    body = queue.pop()
                while True:
                    r = client.post("/api/v1/ingest/events", content=body)
                    if r.status_code in (429, 503):             # busy: wait as told, send again (ids dedupe)
                        retries[0] += 1
                        time.sleep(float(r.headers.get("Retry-After", 1)))
                        continue
                    if r.status_code != 200:
                        raise RuntimeError(f"{r.status_code} {r.text[:300]}")
                    break
    began = time.perf_counter()
    with ThreadPoolExecutor(senders) as pool:
        list(pool.map(sender, range(senders)))
    return time.perf_counter() - began


def bench_ws(floor: Floor, host: str, events: list[dict], size: int, senders: int) -> float:
    bodies = [json.dumps({"seq": n, "events": chunk}) for n, chunk in enumerate(batches(events, size))]
    lock, queue = threading.Lock(), list(reversed(bodies))

    def gateway(_i: int) -> None:
        ws = simple_websocket.Client.connect(f"ws://{host}/api/v1/ingest/stream",
                                             headers={"Authorization": f"Bearer {floor.token}"})
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    body = queue.pop()
                while True:
                    ws.send(body)
                    answer = json.loads(ws.receive(timeout=120))
                    if answer["type"] == "refused":
                        time.sleep(answer["retry_after"])
                        continue
                    if answer["type"] != "result" or answer["rejected"]:
                        raise RuntimeError(str(answer)[:300])
                    break
        finally:
            ws.close()
    began = time.perf_counter()
    with ThreadPoolExecutor(senders) as pool:
        list(pool.map(gateway, range(senders)))
    return time.perf_counter() - began


def raw_rows(floor: Floor, events: list[dict]) -> list[dict]:
    """The production_event rows ingest writes for these events, with other client ids."""
    with Session(takt_db.get_engine()) as s:
        machine_of = {code: mid for code, mid in zip(floor.codes, floor.plant.machine_ids, strict=True)}
        op_of = dict(s.exec(select(Operation.machine_id, Operation.id).where(
            Operation.plant_id == floor.plant.plant_id)).all())
    now = datetime.now(UTC)
    rows = []
    for e in events:
        mid = machine_of[e["machine"]]
        rows.append({"organization_id": floor.plant.org_id, "plant_id": floor.plant.plant_id, "machine_id": mid,
                     "operation_id": op_of[mid], "user_id": None, "api_token_id": floor.actor.api_token_id,
                     "kind": "count" if e["type"] == "count" else "downtime_started",
                     "quantity_good": e.get("good", 0), "quantity_scrap": e.get("scrap", 0), "reason_code_id": None,
                     "note": "", "client_id": "raw-" + e["client_id"], "occurred_at": e["occurred_at"],
                     "recorded_at": now.isoformat()})
    return rows


def bench_raw(engine, rows: list[dict]) -> float:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cols = ", ".join(EVENT_COLUMNS)
        began = time.perf_counter()
        if engine.dialect.name == "postgresql":
            with cur.copy(f"COPY production_event ({cols}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row([r[c] for c in EVENT_COLUMNS])
        else:
            marks = ", ".join("?" for _ in EVENT_COLUMNS)
            cur.executemany(f"INSERT INTO production_event ({cols}) VALUES ({marks})",
                            [tuple(r[c] for c in EVENT_COLUMNS) for r in rows])
        raw.commit()
        return time.perf_counter() - began
    finally:
        raw.close()


LIMITS_TEXT = """Issue 17 (target 4): the counts' KPI rollups are one SQL statement a batch on PostgreSQL
(services/kpi/rollups_bulk.py: the batch's counts as column arrays, put into their slice by a range join against
the plant calendar's slices of the batch's span, GROUP BY slice row and day row, INSERT .. ON CONFLICT DO UPDATE;
SQLite keeps the per-event rollups of services/kpi/rollups.py), the per-event answers are msgspec Structs encoded
in C, the doors decode bodies with msgspec, and each machine's id and columns are read once a batch. Measured in
process on PostgreSQL (20,000 events, batches of 1,000, no profiler, CPU of the ingesting process only, the same
script back to back, load 4-5): the service call with the body's JSON decoding and the answer's encoding took
116-122 us CPU an event before (d92bea5) and 87-91 after (344c671), 53 -> 50 statements a batch; the rollup
statement itself runs in ~2 ms.
The figures above are a short run (10,000 events per path) on a machine loaded by the whole team: read the ratios
and the CPU column, not the absolute rates. REST's CPU includes each new worker's warm-up (first compiles and
caches), spread over only 10 batches a worker here.

Issue 16 on a quiet machine (2026-12-07 01:10-01:16 UTC, load 0.2-3.3, 100,000 events per path, the same
command back to back): main before the session's architecture work (502fedb), then main after it (the table
above). SQLite: service 6,983 -> 7,385 events/s, REST 5,282 -> 6,145, websocket 5,134 -> 6,129, raw executemany
84,733 -> 80,242 (8 / 6 / 6 % -> 9 / 8 / 8 % of raw). PostgreSQL: service 4,582 -> 4,703, REST 3,721 -> 3,999,
websocket 2,940 -> 3,804 events/s; the raw COPY baseline itself read 19,226 then 37,180 rows/s (5.2 s, then
2.7 s for the same rows), so the ratios (24 / 19 / 15 % -> 13 / 11 / 10 %) moved with the baseline while every
ingest path got faster in absolute terms: no regression from the typed events, the clock passed in and the
strict-optional typing.

Before the one machine-state engine, the IngestEvent model and typed events (issue 16): the same
benchmark on the same machine right before the change (2026-12-06 20:43 UTC, load 5.5-5.9): SQLite 4,575
(service) / 2,609 (REST) / 2,731 (websocket) events/s against 42,396 raw (11 / 6 / 6 %), PostgreSQL 3,133 /
3,918 / 2,638 against a raw COPY of 19,027 (16 / 21 / 14 %); the SQLite profile 279 ms a 1,000-event batch,
115 statements. On 2026-11-22 (load 4.6-4.8): SQLite 3,900 / 3,222 / 3,048 against 51,426 raw (8 / 6 / 6 %),
PostgreSQL 2,753 / 2,482 / 3,170 against 20,524 (13 / 12 / 15 %).

Before that (same benchmark, 30,000 events per path, load 7-8): PostgreSQL 528 (service) / 633 (REST) /
512 (websocket) events/s against a raw COPY of 12,805 rows/s, about 620 statements per 1,000-event batch,
~450 of them from output lots (SQLite 1,202 / 1,151 / 1,552 against 24,369 raw); earlier still, before
output lots were added, PostgreSQL 1,274 / 1,126 / 1,789.
Changed since: output lots set-based (services/output_lots.sync reads last steps, lotted quantities,
passes, products and open lots in one query each for the whole batch and flushes the top-ups together:
about 8 statements a batch instead of ~9 per job), the rollup upserts one cached executemany instead of
a multi-row VALUES compiled anew per batch, the stored client ids one join of an array (an IN list of
1,000 keys cost ~40 ms of SQL compiling and psycopg query splitting per batch; `= ANY(array)` got a
generic plan scanning production_event), EventRow a NamedTuple (a frozen dataclass cost ~23 us a row),
accepted results built without validation. A batch of 1,000 counts now takes ~27 statements (62 when
stops are in it), ~50-100 ms of SQL.

What one batch of 1,000 events costs now, and so what limits the rate (see the profile below):
- Python per event, still the largest share (~0.1 ms an event of CPU in the ingesting process, the
  "Python CPU" column): the pydantic check of the batch and the rules across fields (_parse: ~15-20 us an event),
  applying each event to its machine in memory and its row dict, the bind processors and the COPY encoding
  (~10 us), the EventRow handed to the rollups, and cyclic garbage collection over the session's objects.
  The database server's CPU (the COPY, its six indexes, the statements below) comes on top on the same two cores:
  10,000 events/s needs all of it under ~0.2 ms an event, hence several workers (--workers 2) and bigger batches;
- output lots (services/trace/output_lots.sync): one top-up per job counted in the batch, each with its lot
  UPDATE, audit row and domain event: with 50 jobs a batch the largest block of Python and SQL left after the
  events themselves (~50 audit rows and events a batch);
- the stops: for every machine with a stop event in the batch the re-pairing of its stops (since issue 17
  target 4 for all the batch's machines at once: the neighbour starts in one statement, the stretches in one,
  the old stops read, deleted and the new inserted once); the count rollups are 1 statement;
- reading before writing, which the raw baseline does not do: the client ids already stored (one join of an
  array), the machines locked in id order (every batch here touches all 50 machines, so concurrent batches
  queue on those locks; since issue 17 target 4 a batch of counts and states reads, applies and inserts its
  events before it takes them, and holds them only for the writes to shared rows), their status rows, the jobs' and
  work orders' quantities (one UPDATE each) and one audit row; the commit, once per batch; SQLite has one
  writer, so concurrent batches queue on its write lock (REST answers 503 + Retry-After then);
- through the API also: the token lookup per request and the thread hop from the event loop; the websocket
  saves the per-request token lookup and HTTP parsing (its CPU an event is a third of REST's here). Bigger
  batches amortise all fixed costs (limits: 2,000 events, 2 MiB).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--machines", type=int, default=50)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()

    rows, profiles, load_before = [], {}, os.getloadavg()[0]
    for label, url in databases(args.postgres):
        engine = takt_db.make_engine(url)
        migrate(engine)
        takt_db.use_engine(engine)
        floor = Floor(engine, args.machines)
        n = args.events
        service, profiles[label] = bench_service(floor, floor.events("svc", n), args.batch, profile=False)
        service_cpu = SERVICE_CPU[0]
        _, profiles[label] = bench_service(floor, floor.events("prof", min(n, 20_000)), args.batch, profile=True)
        server, host = start_server(url, args.workers)
        try:
            rest_events, ws_events = floor.events("rest", n), floor.events("ws", n)
            cpu = tree_cpu(server.pid)
            rest = bench_rest(floor, host, rest_events, args.batch, args.senders)
            rest_cpu, cpu = tree_cpu(server.pid) - cpu, tree_cpu(server.pid)
            ws = bench_ws(floor, host, ws_events, args.batch, args.senders)
            ws_cpu = tree_cpu(server.pid) - cpu
        finally:
            server.terminate()
            server.wait(10)
        raw = bench_raw(engine, raw_rows(floor, floor.events("raw", n)))
        with Session(engine) as s:
            stored = s.exec(select(sa.func.count()).select_from(ProductionEvent)).one()
        expected = 4 * n + min(n, 20_000) + args.machines
        assert stored == expected, (stored, expected)
        for path, wall, cpu in [("service call (in-process)", service, service_cpu), ("REST batches", rest, rest_cpu),
                                ("websocket stream", ws, ws_cpu),
                                ("raw " + ("COPY" if "Postgre" in label else "executemany"), raw, None)]:
            rows.append([label, path, f"{wall:.2f}", f"{n / wall:,.0f}", f"{raw / wall * 100:.0f} %",
                         "" if cpu is None else f"{cpu / n * 1e6:.0f}"])
        engine.dispose()
        takt_db.use_engine(None)

    body = (f"{args.events:,} events per path ({args.machines} machines, each running a job; counts with 2 % "
            f"scrap, a down/running pair every 250 events per machine), batches of {args.batch:,}, "
            f"{args.senders} concurrent senders against {args.workers} uvicorn worker(s) on loopback; the raw "
            "baseline writes the same number of production_event rows in one COPY / executemany.\n\n"
            + table(["database", "path", "seconds", "events/s", "speed vs raw", "Python CPU µs/event"], rows)
            + "\nPython CPU µs/event: CPU time (user + system) per event of the process doing the ingest work: this "
            "process for the service call, the uvicorn processes (all workers) for REST and websocket; the database "
            "server's CPU comes on top (it shares the same cores).\n"
            + f"\nLoad average (1 min) {load_before:.1f} before and {os.getloadavg()[0]:.1f} after the run, on 2 cores "
            "shared with the other benchmarks and test runs of the team: the absolute figures move with it, the "
            "ratios to the raw baseline of the same run less.\n\n" + LIMITS_TEXT)
    for label, report in profiles.items():
        body += f"\n#### Hot path, service call on {label} (cProfile, top by own time)\n\n```\n"
        body += "\n".join(line for line in report.splitlines() if line.strip())[:5000] + "\n```\n"
    write_section("ingest", "Machine data ingest (events/s through the API vs raw)", body)


if __name__ == "__main__":
    main()
