"""Throughput of operator actions through the REST API on PostgreSQL (issue 17, target 2), measured with Locust:
200 users (bench/locustfile.py, FastHttpUser), each an operator at a machine of its own with a running job,
reporting 1 good part per request, against one app node started by deploy/takt-node (granian, backend only)
behind Debian's nginx running deploy/nginx/takt.conf (bench/cluster.py), once per `--workers` count
(TAKT_WORKERS; Reflex state and event fan-out in Redis). Each node runs two phases:

- paced: every user sends `--rate / --users` actions a second (Locust's constant_throughput), so 200
  connected clients offer `--rate` (160) actions/s together: at or above the target's 150;
- flat out: every user sends its next action as soon as the last is answered: the ceiling.

Beside them, in the same run on the same database: the raw baseline, one INSERT + COMMIT of the same
production_event row per action from 32 threads (bench/production_bench.py's raw round trip), and the bare
REST API (`rxapp.api.app:api` under granian, no Reflex, no nginx, no event fan-out) at the same offered rate,
whose CPU per action is what the REST API's own code costs; the node's CPU per action above it is the node's
overhead (Reflex's ASGI layers and lifespan tasks, the fan-out to Redis).

Figures per phase: actions/s achieved over the measured window (after all users are running), p50/p95/p99
of the answer time, failures, the load average before each phase, and where the cores went (CPU seconds per
second of the node, every PostgreSQL backend, nginx, Redis, Locust and the whole machine) with the node's and
PostgreSQL's CPU ms per action. Written to docs/benchmarks.md (section `throughput`).

Usage: .venv/bin/python -m bench.locust_bench [--users 200] [--rate 160] [--seconds 30] [--workers 1 2]
       [--no-bare] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/0]
       [--write-targets FILE]: also write the tokens and machines for `locust -f bench/locustfile.py`.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
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
from services.core.workers import worker_count
from services.shopfloor import operator as shopfloor
from services.shopfloor.action_rules import ActionType
from services.shopfloor.operator import ShopfloorAction

TARGET_RATE, TARGET_P95_MS = 150.0, 250.0
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


def cpu_use(node_pid: int, nginx_pid: int | None) -> dict[str, float]:
    """CPU seconds used so far by the node (all its workers), nginx, every PostgreSQL backend of the machine,
    Redis, this process (Locust) and the whole machine (all processes, every engineer's)."""
    with open("/proc/stat") as stat:
        jiffies = [int(v) for v in stat.readline().split()[1:]]
    busy = (sum(jiffies) - jiffies[3] - jiffies[4]) / os.sysconf("SC_CLK_TCK")
    return {"node": _cpu_seconds(_descendants(node_pid)),
            "nginx": _cpu_seconds(_descendants(nginx_pid)) if nginx_pid else 0.0,
            "postgres": _cpu_seconds(_named("postgres")), "redis": _cpu_seconds(_named("redis-server")),
            "locust": _cpu_seconds([os.getpid()]), "machine": busy}


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


def run_locust(url: str, users: int, pace: float, seconds: float, node_pid: int, nginx_pid: int | None) -> dict:
    """One phase: `users` Locust users at `pace` actions/s each (0: flat out); figures of the measured window."""
    Operator.paced(pace)
    samples = Samples()
    load = load_average()
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
            "offered": pace * users if pace > 0 else 0.0, "errors": samples.errors,
            "first_error": samples.first_error, "cpu": cpu, "load": load}


def phases(args) -> list[tuple[str, float]]:
    return [("paced", args.rate / args.users), ("flat out", 0.0)]


def start_nodes(database_url: str, redis_url: str, worker_counts: list[int], workdir: Path,
                nodes: list[cluster.Node]) -> None:
    """One node per worker count into `nodes`, all started at once (a node takes minutes to build its pages:
    they build side by side before anything is measured, and wait idle for their turn)."""
    for workers in worker_counts:
        env = cluster.node_environment(database_url, redis_url, workers, channel=f"takt.bench.{uuid.uuid4().hex}")
        env.pop("TAKT_DEMO", None)
        nodes.append(cluster.Node(f"w{workers}", cluster.free_port(), env, workdir))
    for node in nodes:
        node.wait_ready()


def run_node(node: cluster.Node, args, workdir: Path) -> list[dict]:
    """Both phases against one node behind nginx; the node is stopped after them."""
    proxy = None
    try:
        proxy = cluster.Nginx(workdir / node.name, cluster.free_port(), [node.port])
        return [{**run_locust(proxy.url, args.users, pace, args.seconds, node.proc.pid, proxy.proc.pid), "phase": name}
                for name, pace in phases(args)]
    finally:
        if proxy is not None:
            proxy.stop()
        node.stop()


def run_bare(database_url: str, args, workdir: Path) -> dict:
    """The bare REST API (granian, `rxapp.api.app:api`, one worker, no Reflex, nginx or fan-out), paced."""
    env = cluster.node_environment(database_url, args.redis, 1, channel=f"takt.bench.{uuid.uuid4().hex}")
    env.pop("TAKT_DEMO", None)
    env["TAKT_EVENT_BACKEND"] = "local"
    port = cluster.free_port()
    with open(workdir / "bare.log", "w") as log:
        proc = subprocess.Popen([str(cluster.BIN / "granian"), "--interface", "asgi", "--workers", "1", "--host",
                                 "127.0.0.1", "--port", str(port), "--log-level", "warning", "rxapp.api.app:api"],
                                cwd=cluster.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        cluster.wait_answering(proc, f"http://127.0.0.1:{port}", workdir / "bare.log")
        return {**run_locust(f"http://127.0.0.1:{port}", args.users, args.rate / args.users, args.seconds,
                             proc.pid, None), "phase": "paced"}
    finally:
        cluster.stop_group(proc)


def _row(path: str, users, r: dict, raw_rate: float) -> list:
    offered = f"{r['offered']:,.0f}" if r["offered"] else "flat out"
    return [path, users, offered, f"{r['rate']:,.0f}", f"{r['p50']:.0f}", f"{r['p95']:.0f}", f"{r['p99']:.0f}",
            r["errors"], r["load"], f"{raw_rate / max(r['rate'], 0.001):.0f}x"]


def _cpu_row(path: str, r: dict) -> list:
    c, rate = r["cpu"], max(r["rate"], 0.001)
    return [path, *(f"{c[k]:.2f}" for k in ("node", "postgres", "nginx", "redis", "locust", "machine")),
            f"{c['node'] / rate * 1000:.1f}", f"{c['postgres'] / rate * 1000:.1f}"]


def verdict(results: list[tuple[str, dict]], users: int) -> str:
    """Issue 17, target 2 against the node's paced phases: >= TARGET_RATE actions/s with p95 < TARGET_P95_MS."""
    paced = [(path, r) for path, r in results if path.startswith("node") and r["phase"] == "paced"]
    met = [path for path, r in paced if r["rate"] >= TARGET_RATE and r["p95"] < TARGET_P95_MS and not r["errors"]]
    best = max((r["rate"] for path, r in results if path.startswith("node")), default=0.0)
    head = (f"Target (issue 17, 2): >= {TARGET_RATE:.0f} actions/s with p95 < {TARGET_P95_MS:.0f} ms at {users} "
            "clients. ")
    if met:
        return head + "**Reached** by: " + "; ".join(met) + "."
    return head + f"**Not reached** in this run (best node rate {best:,.0f} actions/s); see the analysis below."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rate", type=float, default=160.0,
                        help="actions/s all users offer together when paced (above the target's 150, so 150 can be met)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured window per phase, after the ramp")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-bare", action="store_true", help="skip the bare REST API phase")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--write-targets", help="write tokens and machines as JSON for bench/locustfile.py")
    parser.add_argument("--note", default="", help="a sentence for the report")
    args = parser.parse_args()

    default_workers = worker_count({"REFLEX_REDIS_URL": args.redis})
    database_url = cluster.create_database(args.pg, "takt_locust")
    rows, notes, cpu_rows = [], [], []
    nodes: list[cluster.Node] = []
    try:
        with tempfile.TemporaryDirectory(prefix="takt-locust-") as tmp:
            workdir = Path(tmp)
            prepare(database_url, args.users)
            start_nodes(database_url, args.redis, args.workers, workdir, nodes)
            if args.write_targets:
                Path(args.write_targets).write_text(json.dumps({"tokens": Targets.tokens, "machines": Targets.machines}))
            engine = takt_db.make_engine(database_url)
            load = load_average()
            raw_times, raw_wall = bench_raw_round_trip(engine, args.users, 7, 0.0)
            engine.dispose()
            raw = percentiles([t * 1000 for t in raw_times])
            raw_rate = len(raw_times) / raw_wall
            rows.append(["raw INSERT + COMMIT (32 threads)", "-", "flat out", f"{raw_rate:,.0f}", f"{raw['p50']:.1f}",
                         f"{raw['p95']:.1f}", f"{raw['p99']:.1f}", 0, load, "1.0x"])
            results: list[tuple[str, dict]] = []
            if not args.no_bare:
                r = run_bare(database_url, args, workdir)
                results.append(("bare REST API (granian, 1 worker, no Reflex, no nginx), paced", r))
            for workers, node in zip(args.workers, nodes, strict=True):
                label = f"TAKT_WORKERS={workers}" + (" (default here)" if workers == default_workers else "")
                for r in run_node(node, args, workdir):
                    results.append((f"node via nginx, {label}, {r['phase']}", r))
            for path, r in results:
                print(path, {k: v for k, v in r.items() if k != "first_error"}, flush=True)
                rows.append(_row(path, args.users, r, raw_rate))
                cpu_rows.append(_cpu_row(path, r))
                if r["first_error"]:
                    notes.append(f"First failure ({path}): `{r['first_error'].strip()}`")
    finally:
        for node in nodes:
            node.stop()
        cluster.drop_database(args.pg, database_url)
    body = (f"{args.note}\n\n" if args.note else "") + (
        f"{args.users} Locust users (bench/locustfile.py, FastHttpUser), each an operator at its own machine with a "
        f"running job, reporting 1 good part per request, {args.seconds:.0f} s measured after a {RAMP_SECONDS:.0f} s "
        f"ramp per phase. **Paced**: each user sends {args.rate / args.users:.2f} actions/s (Locust's "
        f"constant_throughput), so the {args.users} connected clients offer {args.rate:.0f} actions/s together: this "
        f"is how \"{args.users} concurrent clients\" is modelled (by Little's law, {args.users} clients sending without "
        f"pause at p95 < 250 ms would need > {args.users / 0.25:.0f} actions/s). **Flat out**: no pause, the ceiling. "
        "One app node (deploy/takt-node --backend-only: granian) behind nginx (deploy/nginx/takt.conf), Reflex state "
        f"and events in Redis, PostgreSQL; TAKT_WORKERS unset gives {default_workers} here (the cores, Redis "
        "configured). Bare REST API: `rxapp.api.app:api` under granian, one worker, no Reflex, no nginx, no event "
        "fan-out: what the API's own code costs. Locust, nginx, the node, PostgreSQL and Redis share the machine's "
        "cores. Raw: one INSERT + COMMIT of the same production_event row per action, 32 threads, same database, "
        "same run. Load average (1 / 5 min) read before each phase.\n\n"
        + table(["path", "users", "offered /s", "actions/s", "p50 ms", "p95 ms", "p99 ms", "failures", "load avg",
                 "raw / this"], rows))
    body += ("\nWhere the cores went during each measured window (CPU seconds per second: 1.00 is one core busy; "
             "`machine` counts every process on it, other engineers' runs included; last columns: CPU ms per "
             "action of the node and of all PostgreSQL backends):\n\n"
             + table(["path", "node", "postgres (all)", "nginx", "redis", "locust", "machine",
                      "node ms / action", "postgres ms / action"], cpu_rows))
    body += "\n" + verdict(results, args.users) + "\n"
    if notes:
        body += "\n" + "\n\n".join(notes) + "\n"
    write_section("throughput", "Throughput: operator actions through the API under Locust (PostgreSQL)", body)


if __name__ == "__main__":
    main()
