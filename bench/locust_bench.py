"""Throughput of operator actions through the REST API on PostgreSQL (issue 17, target 2), measured with Locust:
200 users (bench/locustfile.py), each an operator at a machine of its own with a running job, reporting 1 good
part after another with no pause, against one app node started by deploy/takt-node (granian, backend only)
behind Debian's nginx running deploy/nginx/takt.conf (bench/cluster.py), once with TAKT_WORKERS=1 and once with
TAKT_WORKERS=2 (Reflex state and event fan-out in Redis). Beside them, in the same run on the same database: the
raw baseline, one INSERT + COMMIT of the same production_event row per action from 32 threads
(bench/production_bench.py's raw round trip).

Figures: actions/s over the measured window (after all users are running), p50/p95/p99 of the answer time,
errors, and the load average before each phase. Written to docs/benchmarks.md (section `throughput`).

Usage: .venv/bin/python -m bench.locust_bench [--users 200] [--seconds 60] [--workers 1 2]
       [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/0]
       [--write-targets FILE]: also write the tokens and machines for `locust -f bench/locustfile.py`.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import gevent
import locust.env
from sqlmodel import Session

from bench import cluster
from bench.locustfile import Operator, Targets
from bench.production_bench import bench_raw_round_trip, operator_plant
from bench.report import percentiles, table, write_section
from services.core import db as takt_db
from services.core.migrations import migrate
from services.shopfloor import operator as shopfloor
from services.shopfloor.action_rules import ActionType
from services.shopfloor.operator import ShopfloorAction

RAMP_SECONDS = 10.0           # users are spawned over this time; the measured window starts after it


class Samples:
    """Answer times and errors of the measured window (Locust's request event)."""

    def __init__(self) -> None:
        self.measuring = False
        self.times: list[float] = []
        self.errors = 0
        self.first_error = ""

    def request(self, request_type, name, response_time, response_length, response=None, exception=None, **_kw):
        if not self.measuring:
            return
        status = getattr(response, "status_code", 0)
        if exception is not None or status not in (200, 201):
            self.errors += 1
            self.first_error = self.first_error or f"{status} {exception or ''} {getattr(response, 'text', '')[:160]}"
            return
        self.times.append(response_time)


def prepare(database_url: str, users: int) -> None:
    """A plant with one machine and one running job per user, and operator tokens (Targets)."""
    engine = takt_db.make_engine(database_url)
    migrate(engine)
    plant, op_users, op_ids, tokens = operator_plant(engine, users)
    with Session(engine) as s:
        actor = plant.actor(s, op_users[0])
    for machine_id, op_id in zip(plant.machine_ids, op_ids, strict=True):
        with Session(engine, expire_on_commit=False) as s, takt_db.transaction(s):
            shopfloor.perform(s, actor, machine_id, ShopfloorAction(type=ActionType.START_JOB, client_id=str(uuid.uuid4()),
                                                                    operation_id=op_id), now=datetime.now(UTC))
    engine.dispose()
    Targets.tokens = tokens
    Targets.machines = list(zip(plant.machine_ids, op_ids, strict=True))


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(k) for k in (task / "children").read_text().split())
    return found


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])          # utime, stime
    return total / ticks


def _named(prefix: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip().startswith(prefix):
                    pids.append(int(entry.name))
    return pids


def cpu_use(node_pid: int, nginx_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the node (all its workers), nginx, every PostgreSQL backend of the machine,
    Redis, this process (Locust) and the whole machine (all processes, every engineer's)."""
    with open("/proc/stat") as stat:
        jiffies = [int(v) for v in stat.readline().split()[1:]]
    busy = (sum(jiffies) - jiffies[3] - jiffies[4]) / os.sysconf("SC_CLK_TCK")
    return {"node": _cpu_seconds(_descendants(node_pid)), "nginx": _cpu_seconds(_descendants(nginx_pid)),
            "postgres": _cpu_seconds(_named("postgres")), "redis": _cpu_seconds(_named("redis-server")),
            "locust": _cpu_seconds([os.getpid()]), "machine": busy}


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


def run_locust(url: str, users: int, seconds: float, node_pid: int, nginx_pid: int) -> dict:
    samples = Samples()
    env = locust.env.Environment(user_classes=[Operator], host=url)
    env.events.request.add_listener(samples.request)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users / RAMP_SECONDS)
    gevent.sleep(RAMP_SECONDS + 2)
    cpu_before = cpu_use(node_pid, nginx_pid)
    samples.measuring = True
    began = time.monotonic()
    gevent.sleep(seconds)
    samples.measuring = False
    wall = time.monotonic() - began
    cpu_after = cpu_use(node_pid, nginx_pid)
    runner.quit()
    cpu = {k: (cpu_after[k] - cpu_before[k]) / wall for k in cpu_before}     # cores busy on average
    return {**percentiles(samples.times), "count": len(samples.times), "rate": len(samples.times) / wall,
            "errors": samples.errors, "first_error": samples.first_error, "cpu": cpu}


def run_node(database_url: str, redis_url: str, workers: int, users: int, seconds: float, workdir: Path) -> dict:
    env = cluster.node_environment(database_url, redis_url, workers, channel=f"takt.bench.{uuid.uuid4().hex}")
    env.pop("TAKT_DEMO", None)
    node = cluster.Node(f"w{workers}", cluster.free_port(), env, workdir)
    proxy = None
    try:
        node.wait_ready()
        proxy = cluster.Nginx(workdir / f"w{workers}", cluster.free_port(), [node.port])
        load = load_average()
        result = run_locust(proxy.url, users, seconds, node.proc.pid, proxy.proc.pid)
        return {**result, "load": load}
    finally:
        if proxy is not None:
            proxy.stop()
        node.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured window per phase, after the ramp")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--write-targets", help="write tokens and machines as JSON for bench/locustfile.py")
    parser.add_argument("--note", default="", help="a sentence for the report")
    args = parser.parse_args()

    database_url = cluster.create_database(args.pg, "takt_locust")
    rows, notes, cpu_rows = [], [], []
    try:
        with tempfile.TemporaryDirectory(prefix="takt-locust-") as tmp:
            workdir = Path(tmp)
            prepare(database_url, args.users)
            if args.write_targets:
                Path(args.write_targets).write_text(json.dumps({"tokens": Targets.tokens, "machines": Targets.machines}))
            engine = takt_db.make_engine(database_url)
            load = load_average()
            raw_times, raw_wall = bench_raw_round_trip(engine, args.users, 7, 0.0)
            engine.dispose()
            raw = percentiles([t * 1000 for t in raw_times])
            raw_rate = len(raw_times) / raw_wall
            rows.append(["raw INSERT + COMMIT (32 threads)", "-", f"{raw_rate:,.0f}", f"{raw['p50']:.1f}",
                         f"{raw['p95']:.1f}", f"{raw['p99']:.1f}", 0, load, "1.0x"])
            for workers in args.workers:
                r = run_node(database_url, args.redis, workers, args.users, args.seconds, workdir)
                print(workers, r, flush=True)
                rows.append([f"REST API via nginx, TAKT_WORKERS={workers}", args.users, f"{r['rate']:,.0f}",
                             f"{r['p50']:.0f}", f"{r['p95']:.0f}", f"{r['p99']:.0f}", r["errors"], r["load"],
                             f"{raw_rate / max(r['rate'], 0.001):.0f}x"])
                c = r["cpu"]
                cpu_rows.append([workers, *(f"{c[k]:.2f}" for k in ("node", "postgres", "nginx", "redis", "locust",
                                                                     "machine")),
                                 f"{c['node'] / max(r['rate'], 0.001) * 1000:.1f}"])
                if r["first_error"]:
                    notes.append(f"First error with TAKT_WORKERS={workers}: `{r['first_error'].strip()}`")
    finally:
        cluster.drop_database(args.pg, database_url)
    body = (f"{args.note}\n\n" if args.note else "") + (
        f"{args.users} Locust users (bench/locustfile.py), each an operator at its own machine with a running job, "
        f"reporting 1 good part per request with no pause, for {args.seconds:.0f} s after a {RAMP_SECONDS:.0f} s ramp; "
        "one app node (deploy/takt-node --backend-only: granian) behind nginx (deploy/nginx/takt.conf), Reflex state "
        "and events in Redis, PostgreSQL. Locust, nginx, the node, PostgreSQL and Redis share the machine's cores. "
        "Raw: one INSERT + COMMIT of the same production_event row per action, 32 threads, same database, same run. "
        "Load average (1 / 5 min) read before each phase.\n\n"
        + table(["path", "users", "actions/s", "p50 ms", "p95 ms", "p99 ms", "errors", "load avg", "raw / this"], rows))
    body += ("\nWhere the cores went during each measured window (CPU seconds per second: 1.00 is one core busy; "
             "`machine` counts every process on it, other engineers' runs included; last column: node CPU per action):"
             "\n\n" + table(["TAKT_WORKERS", "node", "postgres (all)", "nginx", "redis", "locust", "machine",
                              "node CPU ms / action"], cpu_rows))
    if notes:
        body += "\n" + "\n\n".join(notes) + "\n"
    write_section("throughput", "Throughput: operator actions through the API under Locust (PostgreSQL)", body)


if __name__ == "__main__":
    main()
