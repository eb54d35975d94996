"""Soak (issue 12): operators, scanning stations, machine gateways and dashboard clients at once against a
production-mode server on PostgreSQL, for minutes; errors, p50/p95/p99 per kind, and the server's memory
over time, written to docs/benchmarks.md.

The server: a fresh PostgreSQL database (created here on --pg, dropped at the end), migrated and seeded with
the demo plant by this checkout's CLI; then the demo's published passwords are replaced (production mode has
none: TAKT_DEMO is unset for the server) and station, machine and display tokens are made for Berlin. The
Reflex backend with the REST API runs as `reflex run --env prod` runs it (granian, REFLEX_ENV_MODE=prod, one
worker); the page bundle is not built, the clients speak HTTP. Or give --url (and --pg-url of its database)
to soak a running server prepared the same way.

Clients (Locust users, each with its own think time):
- operator: logs in, lists its machines, reads a machine's queue, reports 1 good part on a running job
  (POST /machines/{id}/actions, the operator portal's path);
- station: a station token moving a lot between two locations by scanning its label (POST /scans);
- gateway: a machine token sending batches of 10 state and count events for one machine (POST /ingest/events);
- dashboard: a manager reading the plant's OEE summary and the andon board.
An error is a transport failure or an unexpected status (5xx, 401, 403, 429); a scan refused with 201
(ok=false) or an ingest answered 207 with refused events is the domain saying no, counted separately.

Usage: .venv/bin/python -m bench.soak [--operators 200 --stations 20 --gateways 50 --dashboards 50 --minutes 10]
       default: the reduced size 20/4/5/5 for 60 s (a shared machine); --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import gevent
import locust.env
import sqlalchemy as sa
from locust import HttpUser, between, task
from sqlmodel import Session, select

from bench.push_bench import free_port, stop, wait_http
from bench.report import percentiles, table, write_section
from models.base import utcnow
from models.lots import Location, Lot
from models.organization import Organization
from models.organization import Plant as PlantRow
from models.resources import Machine
from models.user import User
from services.core.db import make_engine, transaction
from services.org import api_tokens, organizations
from services.org.passwords import hash_password
from services.trace.label_payload import LabelKind, encode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Soak-own-password-2026"
KINDS = ("operator", "station", "gateway", "dashboard")
UNEXPECTED = {401, 403, 429}


@dataclass
class Plant:
    """What the clients need to know about the soaked plant (Berlin of the demo)."""
    id: int = 0
    machines: list[tuple[int, str]] = field(default_factory=list)      # (id, code)
    lots: list[str] = field(default_factory=list)                       # label payloads
    locations: list[int] = field(default_factory=list)
    station_tokens: list[str] = field(default_factory=list)
    machine_tokens: list[str] = field(default_factory=list)


PLANT = Plant()


# ----- measurements --------------------------------------------------------------------------------

class Tally:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.refused: dict[str, int] = defaultdict(int)
        self.examples: dict[str, str] = {}

    def request(self, request_type, name, response_time, response_length, response=None, exception=None, **_kw):
        kind = name.split(":", 1)[0]
        self.times[kind].append(response_time)
        status = getattr(response, "status_code", 0)
        if exception is not None or status >= 500 or status in UNEXPECTED or status == 0:
            self.errors[kind] += 1
            self.examples.setdefault(kind, f"{name} -> {status} {exception or ''} {getattr(response, 'text', '')[:160]}")
        elif status == 207 or (status == 201 and name.startswith("station") and '"ok":false' in response.text):
            self.refused[kind] += 1


TALLY = Tally()


def rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, MiB."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for child in Path(f"/proc/{p}/task").iterdir():
                kids = Path(f"/proc/{p}/task/{child.name}/children").read_text().split()
                todo.extend(int(k) for k in kids)
    return total / 1024


# ----- the clients -----------------------------------------------------------------------------------

class Operator(HttpUser):
    wait_time = between(2, 5)
    fixed_count = 0

    def on_start(self):
        answer = self.client.post("/api/v1/auth/token", json={"username": "operator", "password": PASSWORD},
                                  name="operator: log in")
        self.client.headers["Authorization"] = f"Bearer {answer.json().get('access_token', '')}"

    @task(3)
    def machines(self):
        self.client.get("/api/v1/shopfloor/machines", name="operator: machines")

    @task(3)
    def report(self):
        machine_id, _ = random.choice(PLANT.machines)
        queue = self.client.get(f"/api/v1/machines/{machine_id}/queue", name="operator: queue").json()
        current = queue.get("current") or {}
        if current.get("status") == "running":
            self.client.post(f"/api/v1/machines/{machine_id}/actions", name="operator: report 1 good", json={
                "type": "report_counts", "client_id": uuid.uuid4().hex, "operation_id": current["operation_id"],
                "good": 1})


class Station(HttpUser):
    wait_time = between(2, 5)
    fixed_count = 0
    numbers = itertools.count()

    def on_start(self):
        n = next(self.numbers)
        self.client.headers["Authorization"] = f"Bearer {PLANT.station_tokens[n % len(PLANT.station_tokens)]}"
        self.lot = PLANT.lots[n % len(PLANT.lots)]
        self.moves = itertools.cycle(PLANT.locations[:2])

    @task
    def move(self):
        self.client.post("/api/v1/scans", name="station: scan a lot to move it", json={
            "mode": "move", "raw": self.lot, "location_id": next(self.moves), "client_scan_id": uuid.uuid4().hex})


class Gateway(HttpUser):
    wait_time = between(1, 2)
    fixed_count = 0
    numbers = itertools.count()

    def on_start(self):
        n = next(self.numbers)
        self.client.headers["Authorization"] = f"Bearer {PLANT.machine_tokens[0]}"
        self.machine = PLANT.machines[n % len(PLANT.machines)][1]

    @task
    def batch(self):
        events = [{"client_id": f"soak-{uuid.uuid4().hex}", "type": "count", "machine": self.machine, "good": 1}
                  for _ in range(9)]
        events.append({"client_id": f"soak-{uuid.uuid4().hex}", "type": "state", "machine": self.machine,
                       "state": "running"})
        self.client.post("/api/v1/ingest/events", name="gateway: 10 events", json={"events": events})


class Dashboard(HttpUser):
    wait_time = between(5, 10)
    fixed_count = 0

    def on_start(self):
        answer = self.client.post("/api/v1/auth/token", json={"username": "manager", "password": PASSWORD},
                                  name="dashboard: log in")
        self.client.headers["Authorization"] = f"Bearer {answer.json().get('access_token', '')}"

    @task(2)
    def summary(self):
        now = time.time()
        day = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(now))
        tomorrow = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(now + 86400))
        self.client.get("/api/v1/kpi/summary", name="dashboard: OEE summary",
                        params={"plant_id": PLANT.id, "start": day, "end": tomorrow})

    @task(1)
    def andon(self):
        self.client.get("/api/v1/andon", params={"plant_id": PLANT.id}, name="dashboard: andon")


# ----- the server ----------------------------------------------------------------------------------

def create_database(admin_url: str) -> str:
    name = f"takt_soak_{os.getpid()}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, url: str) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    engine.dispose()


def server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TAKT_DEMO", "TAKT_DEV", "REFLEX_REDIS_URL")}
    env.update({"DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", "TAKT_LOG_LEVEL": "WARNING",
                "REFLEX_USE_SYSTEM_BUN": "1",     # the app compiles at start: bun from .tools (or PATH), as `make run`
                "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{BIN}{os.pathsep}{env.get('PATH', '')}"})
    return env


def seed(database_url: str) -> None:
    """Migrate and seed the demo plant with this checkout's CLI (demo mode for the seeding only)."""
    env = server_env(database_url)
    for command in ("migrate", "seed-demo"):
        subprocess.run([sys.executable, "-m", "rxapp.cli", command], cwd=ROOT, env={**env, "TAKT_DEMO": "1"},
                       check=True, capture_output=True, timeout=1200)


def prepare(database_url: str, stations: int) -> None:
    """Production passwords for the demo's people, tokens for Berlin, and what the clients will touch."""
    engine = make_engine(database_url)
    with Session(engine) as s, transaction(s):
        digest = hash_password(PASSWORD)
        for user in s.exec(select(User)).all():
            user.password_hash, user.demo_password = digest, False
            s.add(user)
        org = s.exec(select(Organization).where(Organization.slug == "acme")).one()
        plant = s.exec(select(PlantRow).where(PlantRow.organization_id == org.id, PlantRow.code == "BER")).one()
        system = organizations.system_actor(s, org.id)
        PLANT.id = plant.id
        PLANT.machines = [(m.id, m.code) for m in s.exec(select(Machine).where(Machine.plant_id == plant.id)
                                                          .order_by(Machine.id)).all()]
        PLANT.locations = [loc.id for loc in s.exec(select(Location).where(Location.plant_id == plant.id)
                                                    .order_by(Location.id)).all()]
        lots = s.exec(select(Lot).where(Lot.plant_id == plant.id, Lot.quantity > 0).order_by(Lot.id)).all()
        PLANT.lots = [encode(LabelKind.LOT, org.slug, lot.number) for lot in lots[:max(stations, 1)]]
        for kind, into in (("station", PLANT.station_tokens), ("machine", PLANT.machine_tokens)):
            for n in range(max(stations, 1) if kind == "station" else 1):
                into.append(api_tokens.create_api_token(s, system, api_tokens.ApiTokenCreate(
                    plant_id=plant.id, name=f"soak {kind} {n + 1}", kind=kind), now=utcnow()).token)
    engine.dispose()
    if len(PLANT.locations) < 2 or not PLANT.lots or not PLANT.machines:
        raise SystemExit("the demo plant lacks locations, lots or machines to soak with")


def start_server(database_url: str, workdir: Path, port: int) -> subprocess.Popen:
    env = {**server_env(database_url), "REFLEX_ENV_MODE": "prod", "REFLEX_STATES_WORKDIR": str(workdir / ".states"),
           "REFLEX_WEB_WORKDIR": str(workdir / ".web")}
    log = workdir / "server.log"
    proc = subprocess.Popen([str(BIN / "granian"), "--interface", "asgi", "--factory", "--workers", "1",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "rxapp.rxapp:app"],
                            cwd=ROOT, env=env, stdout=open(log, "w"),  # noqa: SIM115 (the child owns it)
                            stderr=subprocess.STDOUT, start_new_session=True)
    wait_http(f"http://127.0.0.1:{port}/api/v1/health/ready", proc, log)
    return proc


# ----- the run -------------------------------------------------------------------------------------

def soak(url: str, counts: dict[str, int], seconds: float, server_pid: int | None) -> list[tuple[float, float]]:
    """Run the clients for `seconds`; the server's RSS every few seconds as (seconds since start, MiB)."""
    classes = {"operator": Operator, "station": Station, "gateway": Gateway, "dashboard": Dashboard}
    for kind, cls in classes.items():
        cls.fixed_count = counts[kind]
    users = [cls for kind, cls in classes.items() if counts[kind]]
    env = locust.env.Environment(user_classes=users, host=url)
    env.events.request.add_listener(TALLY.request)
    runner = env.create_local_runner()
    total = sum(counts.values())
    runner.start(total, spawn_rate=max(5, total / 20))
    memory, started = [], time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        if server_pid:
            memory.append((elapsed, rss_mib(server_pid)))
        gevent.sleep(min(5.0, seconds / 24))
    runner.quit()
    if server_pid:
        memory.append((time.monotonic() - started, rss_mib(server_pid)))
    return memory


def report(counts: dict[str, int], seconds: float, memory: list[tuple[float, float]], note: str) -> None:
    rows = []
    for kind in KINDS:
        times = TALLY.times.get(kind, [])
        if not counts[kind]:
            continue
        p = percentiles(times)
        rows.append([kind, counts[kind], len(times), f"{len(times) / seconds:.1f}", TALLY.errors.get(kind, 0),
                     TALLY.refused.get(kind, 0), f"{p['p50']:.0f}", f"{p['p95']:.0f}", f"{p['p99']:.0f}"])
    body = (f"{note}\n\nClients: {counts['operator']} operators, {counts['station']} scanning stations, "
            f"{counts['gateway']} machine gateways, {counts['dashboard']} dashboards, for {seconds:.0f} s.\n\n")
    body += table(["kind", "clients", "requests", "req/s", "errors", "refused (domain)", "p50 ms", "p95 ms", "p99 ms"],
                  rows)
    if memory:
        step = max(1, len(memory) // 8)
        picked = memory[::step] + ([memory[-1]] if (len(memory) - 1) % step else [])
        body += "\nServer memory (RSS of the server process and its workers):\n\n"
        body += table(["t (s)", "RSS (MiB)"], [[f"{t:.0f}", f"{m:.0f}"] for t, m in picked])
        settled = [m for t, m in memory if t >= seconds / 4] or [m for _, m in memory]
        body += (f"\nAfter the first quarter (warm-up): {settled[0]:.0f} -> {settled[-1]:.0f} MiB "
                 f"({settled[-1] - settled[0]:+.0f} MiB), peak {max(m for _, m in memory):.0f} MiB.\n")
    for kind, example in TALLY.examples.items():
        body += f"\nFirst {kind} error: `{example.strip()}`\n"
    write_section("soak", "Soak: operators, stations, gateways and dashboards at once (PostgreSQL)", body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--operators", type=int, default=20)
    parser.add_argument("--stations", type=int, default=4)
    parser.add_argument("--gateways", type=int, default=5)
    parser.add_argument("--dashboards", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--minutes", type=float, help="duration in minutes (overrides --seconds)")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL maintenance database URL: the soak database is created beside it")
    parser.add_argument("--url", help="soak this running server instead (prepared: see --pg-url)")
    parser.add_argument("--pg-url", help="with --url: the server's database, to prepare users and tokens")
    parser.add_argument("--note", default="", help="a sentence for the report (e.g. why the size is reduced)")
    args = parser.parse_args()
    seconds = args.minutes * 60 if args.minutes else args.seconds
    counts = {"operator": args.operators, "station": args.stations, "gateway": args.gateways,
              "dashboard": args.dashboards}
    if args.url:
        prepare(args.pg_url, args.stations)
        report(counts, seconds, soak(args.url.rstrip("/"), counts, seconds, None), args.note)
        return
    database_url = create_database(args.pg)
    proc = None
    try:
        with tempfile.TemporaryDirectory(prefix="takt-soak-") as tmp:
            seed(database_url)
            prepare(database_url, args.stations)
            port = free_port()
            proc = start_server(database_url, Path(tmp), port)
            memory = soak(f"http://127.0.0.1:{port}", counts, seconds, proc.pid)
            stop(proc)
            proc = None
            report(counts, seconds, memory, args.note)
    finally:
        if proc is not None:
            stop(proc)
        drop_database(args.pg, database_url)


if __name__ == "__main__":
    main()
