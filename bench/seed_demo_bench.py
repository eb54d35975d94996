"""How long `takt seed-demo` takes on an empty database (issue 18): wall and CPU seconds of `seed_demo`, and
with --profile the cProfile entries that cost most (by own time and by cumulative time), plus what the seed
produced (Berlin's OEE with A, P and Q over the history, good and scrap, production events, jobs completed),
so a faster seed can be checked to make the same plant.

A fresh SQLite database in a temporary directory (or --postgres URL: a new database there, dropped after),
migrated, seeded at --now (default: a fixed instant, so runs compare). The figures go to stdout; nothing else
is written unless --profile-out names a file for the raw profile (pstats).

Usage: .venv/bin/python -m bench.seed_demo_bench [--now 2026-12-07T03:00:00Z] [--postgres URL] [--profile]
       [--top 25] [--history-days N] [--profile-out FILE]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select

from models.organization import Organization, Plant
from models.shopfloor import EventKind, ProductionEvent
from services.core import db as takt_db
from services.core.migrations import migrate
from services.demo import production
from services.demo import seed as demo
from services.kpi import reads as kpi
from services.org.organizations import system_actor

DEFAULT_NOW = "2026-12-07T03:00:00Z"


@contextmanager
def _database(postgres: str | None) -> Iterator[sa.Engine]:
    if not postgres:
        with tempfile.TemporaryDirectory() as tmp:
            engine = takt_db.make_engine(f"sqlite:///{os.path.join(tmp, 'demo.db')}")
            yield engine
            engine.dispose()
        return
    name = f"takt_seed_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = takt_db.make_engine(postgres.rsplit("/", 1)[0] + "/" + name)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _seed(engine: sa.Engine, now: datetime, profiler: cProfile.Profile | None) -> tuple[float, float]:
    """Wall and CPU seconds of one `seed_demo` in one transaction, as `takt seed-demo` runs it."""
    with Session(engine, expire_on_commit=False) as session:
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        with takt_db.transaction(session):
            demo.seed_demo(session, now=now)
        if profiler is not None:
            profiler.disable()
        return time.perf_counter() - wall, time.process_time() - cpu


def _produced(engine: sa.Engine, now: datetime) -> list[str]:
    """What the seed made in Berlin: the KPI figures over the history and the event counts."""
    with Session(engine) as session:
        acme = session.exec(select(Organization).where(Organization.slug == "acme")).one()
        berlin = session.exec(select(Plant).where(Plant.organization_id == acme.id, Plant.code == "BER")).one()
        actor = system_actor(session, acme.id)
        start = now - timedelta(days=production.history_days())
        f = kpi.kpi_summary(session, actor, plant_id=berlin.id, start=start, end=now, now=now).figures
        kinds = dict(session.exec(select(ProductionEvent.kind, func.count()).where(
            ProductionEvent.plant_id == berlin.id).group_by(ProductionEvent.kind)).all())
    return [f"Berlin over {production.history_days()} days: OEE {f.oee_percent:.1f} %  A {f.availability_percent:.1f} %  "
            f"P {f.performance_percent:.1f} %  Q {f.quality_percent:.1f} %  good {f.good}  scrap {f.scrap}",
            f"production events {sum(kinds.values())}: jobs started {kinds.get(EventKind.JOB_STARTED, 0)}, "
            f"completed {kinds.get(EventKind.JOB_COMPLETED, 0)}, counts {kinds.get(EventKind.COUNT, 0)}, "
            f"stops {kinds.get(EventKind.DOWNTIME_STARTED, 0)}"]


def _top(profiler: cProfile.Profile, sort: str, count: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(count)
    text = out.getvalue()
    return text[text.find("   ncalls"):] if "   ncalls" in text else text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--now", default=DEFAULT_NOW)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--profile", action="store_true", help="run under cProfile and print the top entries")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--profile-out", default="", help="write the raw profile (pstats) to this file")
    parser.add_argument("--history-days", type=int, default=0, help="1-60 (sets TAKT_DEMO_HISTORY_DAYS)")
    args = parser.parse_args()
    if args.history_days:
        os.environ["TAKT_DEMO_HISTORY_DAYS"] = str(args.history_days)
    production.history_days()                       # a bad TAKT_DEMO_HISTORY_DAYS fails before a database is made
    now = datetime.fromisoformat(args.now.replace("Z", "+00:00"))
    profiler = cProfile.Profile() if args.profile or args.profile_out else None
    with _database(args.postgres or None) as engine:
        takt_db.use_engine(engine)
        migrate(engine)
        wall, cpu = _seed(engine, now, profiler)
        print(f"seed_demo on {'PostgreSQL' if args.postgres else 'SQLite'} at {now.isoformat()}, "
              f"{production.history_days()} days of history: {wall:.1f} s wall, {cpu:.1f} s CPU "
              f"({platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f})")
        for line in _produced(engine, now):
            print(line)
        takt_db.use_engine(None)
    if profiler is not None and args.profile:
        print(f"\ntop {args.top} by own time\n" + _top(profiler, "tottime", args.top))
        print(f"top {args.top} by cumulative time\n" + _top(profiler, "cumulative", args.top))
    if profiler is not None and args.profile_out:
        profiler.dump_stats(args.profile_out)


if __name__ == "__main__":
    main()
