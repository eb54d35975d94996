"""Where a live push's time goes (issue 17): the operator's report through the REST API and one reading of the
dashboard's live tiles (what the live channel does per report), on the demo plant: wall time, SQL statements,
and the functions that take the time (cProfile, cumulative).

A fresh SQLite demo database (as bench/push_bench.py seeds it: migrate, seed-demo with 2 days of history, a
running job on a machine of its own); the API app runs in this process (Starlette's TestClient, no network),
the tiles are read with the live stream's own `read_tiles` for the Berlin "today" dashboard scope. Each step
runs `--rounds` times, alternating (report, then reading), after 3 warm-up rounds; the statements are counted
by an SQLAlchemy `before_cursor_execute` listener.

Usage: .venv/bin/python -m bench.push_profile [--rounds 40] [--top 14]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import tempfile
import time
import uuid
from pathlib import Path

from bench.push_bench import PASSWORD, ROOT, seed_running_job, seeded_environment
from bench.report import percentiles, table, write_section

BEFORE = """Before (the same bench, 2026-12-07 17:57 UTC, load 5.8): 19 statements per tiles reading (the KPI summary and
the trend's last bucket in one resolved scope, each reading the rollups for itself: counts, closed stops, open stops,
runs, stops and bookings twice), p50/p95 55.3/95.9 ms, 2883 ms cumulative over 30 readings under cProfile
(machine_times 1004 ms in 60 calls, the per-machine figures 257 ms); the report 75.6/144.8 ms through the API (20
statements), 45.9/67.5 ms as a service call (19). Earlier (14:16 UTC, load 13.7): 28 statements with a separately
resolved `oee_trend`. Now `services/kpi/live_figures.py` reads each rollup table once for the window and takes the
last bucket's share from the same rows (runs, stops and bookings cut at its start), without figures per machine,
and the plant's calendar and idle convention come from per-worker caches dropped by their events.
The report's own cost (output lots, rollups, work-order state: above) is another engineer's (issue 17, target 1);
the live channel sends a count's counters and quality from its event before this reading (see "Live push latency")."""


class Statements:
    def __init__(self) -> None:
        import sqlalchemy as sa
        from sqlalchemy.engine import Engine
        self.count = 0
        sa.event.listen(Engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def top(profile: cProfile.Profile, n: int) -> str:
    """The project's functions (and SQLAlchemy's execute) by cumulative time, as 'ms  calls  function'."""
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    rows = []
    for (path, line, name), (_cc, calls, _tt, cumulative, _callers) in stats.stats.items():   # type: ignore[attr-defined]
        mine = str(ROOT) in path and "/.venv/" not in path and "/bench/" not in path
        if mine or (name == "execute" and "sqlalchemy/orm/session.py" in path):
            short = path.replace(str(ROOT) + "/", "") if mine else "sqlalchemy Session"
            rows.append((cumulative, calls, f"{short}:{line} {name}"))
    rows.sort(reverse=True)
    return "\n".join(f"    {c * 1000:8.1f} ms {n_:6d}x  {where}" for c, n_, where in rows[:n])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--top", type=int, default=14)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="takt-push-profile-") as tmp:
        env = seeded_environment(Path(tmp), timeout=900)
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "TAKT_EVENT_BACKEND", "TAKT_DEMO", "TAKT_DEMO_HISTORY_DAYS")})
        result = measure(env["DATABASE_URL"], args.rounds, args.top)
    load = os.getloadavg()[0]
    rows = [[name, f"{p['p50']:.1f}", f"{p['p95']:.1f}", f"{statements:.0f}"]
            for name, p, statements in result["rows"]]
    body = (f"{args.rounds} rounds after 3 warm-up rounds, SQLite, the API in-process (TestClient); load average (1 min) "
            f"{result['load']:.1f} before, {load:.1f} after (a shared machine: up to eight engineers' tests and builds on "
            "the same 2 cores).\n\n"
            + table(["step", "p50 ms", "p95 ms", "SQL statements"], rows)
            + "\nWhere a reading of the tiles spends its time (cProfile, cumulative over all rounds):\n\n```\n"
            + result["tiles_profile"] + "\n```\n\nWhere the report's service call spends its time:\n\n```\n"
            + result["report_profile"] + "\n```\n\n" + BEFORE)
    write_section("push-profile", "Live push: where a report's time goes (API request, tiles reading)", body)


def measure(database_url: str, rounds: int, n_top: int) -> dict:
    from starlette.testclient import TestClient

    from models.base import utcnow
    from rxapp.api.app import api
    from rxapp.api.deps import actor_for_token
    from rxapp.api.kpi.live_stream import read_tiles, scope_for
    from services.core.db import db_session, transaction
    from services.shopfloor import operator as shopfloor
    from services.shopfloor.action_rules import ShopfloorAction

    load = os.getloadavg()[0]
    machine_id, operation_id = seed_running_job(database_url)
    client = TestClient(api)

    def token(username: str) -> str:
        answer = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    operator, manager = token("operator"), token("manager")
    headers = {"authorization": f"Bearer {operator}"}
    action = f"/api/v1/machines/{machine_id}/actions"
    started = client.post(action, headers=headers, json={"type": "start_job", "operation_id": operation_id,
                                                         "client_id": str(uuid.uuid4())})
    assert started.status_code in (200, 201), started.text
    plants = client.get("/api/v1/plants", headers={"authorization": f"Bearer {manager}"}).json()
    items = plants["items"] if isinstance(plants, dict) else plants
    berlin = next(p["id"] for p in items if p["code"] == "BER")
    scope = scope_for(actor_for_token(manager), "dashboard", {"plant_id": berlin, "period": "today"}, utcnow())
    actor = actor_for_token(operator)

    counter = Statements()
    times: dict[str, list[float]] = {"request": [], "service": [], "tiles": []}
    statements: dict[str, list[int]] = {"request": [], "service": [], "tiles": []}

    def timed(name: str, fn) -> None:
        before, t0 = counter.count, time.perf_counter()
        fn()
        times[name].append((time.perf_counter() - t0) * 1000)
        statements[name].append(counter.count - before)

    def request() -> None:
        answer = client.post(action, headers=headers, json={"type": "report_counts", "good": 1,
                                                            "client_id": str(uuid.uuid4())})
        assert answer.status_code in (200, 201), answer.text

    def service() -> None:
        with db_session() as s, transaction(s):
            shopfloor.perform(s, actor, machine_id, ShopfloorAction(type="report_counts", good=1,
                                                                   client_id=str(uuid.uuid4())), now=utcnow())

    for i in range(rounds + 3):
        if i == 3:
            for name in times:
                times[name].clear()
                statements[name].clear()
        timed("request", request)
        timed("tiles", lambda: read_tiles(scope))
        timed("service", service)

    tiles_profile, report_profile = cProfile.Profile(), cProfile.Profile()
    for _ in range(rounds):
        tiles_profile.runcall(read_tiles, scope)
        report_profile.runcall(service)
    names = {"request": "report: POST /machines/{id}/actions (in-process, token check, service, answer)",
             "service": "report: the service call alone (shopfloor.perform in its transaction)",
             "tiles": "one reading of the dashboard's live tiles (`read_tiles`, Berlin today)"}
    return {"load": load, "rows": [(names[k], percentiles(times[k]), sum(statements[k]) / max(len(statements[k]), 1))
                                   for k in ("request", "service", "tiles")],
            "tiles_profile": top(tiles_profile, n_top), "report_profile": top(report_profile, n_top)}


if __name__ == "__main__":
    main()
