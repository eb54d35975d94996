"""The demo plant's numbers (issue 18): how long `seed_demo` takes, and OEE with A, P and Q per plant over the
whole seeded history and per day, read through the KPI service (`services.kpi.reads.kpi_summary`, what
GET /api/v1/kpi/summary answers), plus per machine and per shift over the history, and per machine the share
of working time it had a job (the rest is idle: an availability loss when idle is not counted as running).

A fresh SQLite database in a temporary directory (or --postgres URL, a new database there), migrated, seeded
at --now (default: now). Prints the figures; writes nothing else.

Usage: .venv/bin/python -m bench.demo_bench [--now 2026-12-07T03:00:00Z] [--postgres URL] [--days N] [--history-days N]
"""
from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.base import utcnow
from models.calendar import Shift, ShiftCalendar
from models.organization import Organization, Plant
from models.shopfloor import EventKind, ProductionEvent
from services.core import db as takt_db
from services.core.calendar_math import working_intervals
from services.core.errors import DomainError
from services.core.migrations import migrate
from services.demo import production
from services.demo import seed as demo
from services.kpi import reads as kpi
from services.master import calendars
from services.org.organizations import system_actor


def _engine(postgres: str | None, tmp: str) -> sa.Engine:
    if postgres:
        name = f"takt_demo_bench_{secrets.token_hex(4)}"
        admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        return takt_db.make_engine(postgres.rsplit("/", 1)[0] + "/" + name)
    return takt_db.make_engine(f"sqlite:///{os.path.join(tmp, 'demo.db')}")


def _pct(value) -> str:
    return "   -  " if value is None else f"{float(value):6.1f}"


def _line(label: str, f) -> str:
    return f"{label:<24} OEE {_pct(f.oee_percent)}  A {_pct(f.availability_percent)}  P {_pct(f.performance_percent)}  " \
           f"Q {_pct(f.quality_percent)}  good {f.good:>6} scrap {f.scrap:>4}" + \
           (f"  idle {100 * f.idle_minutes / f.shift_minutes:4.1f} %" if getattr(f, "idle_minutes", 0) and f.shift_minutes
            else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--now", default="")
    parser.add_argument("--postgres", default="")
    parser.add_argument("--days", type=int, default=21)
    parser.add_argument("--history-days", type=int, default=0,
                        help="seed a shorter history, 1-60 days (a quick look): sets TAKT_DEMO_HISTORY_DAYS")
    args = parser.parse_args()
    if args.history_days:
        os.environ["TAKT_DEMO_HISTORY_DAYS"] = str(args.history_days)
    production.history_days()                       # a bad TAKT_DEMO_HISTORY_DAYS fails before the database is made
    now = datetime.fromisoformat(args.now.replace("Z", "+00:00")) if args.now else utcnow()
    with tempfile.TemporaryDirectory() as tmp:
        engine = _engine(args.postgres or None, tmp)
        takt_db.use_engine(engine)
        migrate(engine)
        with Session(engine, expire_on_commit=False) as session:
            began = time.perf_counter()
            with takt_db.transaction(session):
                demo.seed_demo(session, now=now)
            print(f"seed_demo: {time.perf_counter() - began:.1f} s (now {now.isoformat()})")
            _report(session, now, args.days)


def _busy(session: Session, plant_id: int, start: datetime, end: datetime) -> dict[int, float]:
    """Per machine: the share of working time with a job started and not yet completed (the rest is idle)."""
    try:
        spec = calendars.calendar_spec(session, plant_id)
    except DomainError:
        return {}
    working = working_intervals(spec, start, end)
    total = sum((e - s).total_seconds() for s, e in working) or 1
    events = session.exec(select(ProductionEvent).where(ProductionEvent.plant_id == plant_id, col(
        ProductionEvent.kind).in_((EventKind.JOB_STARTED, EventKind.JOB_COMPLETED))).order_by(
        col(ProductionEvent.occurred_at), col(ProductionEvent.id))).all()
    opened: dict[int, datetime] = {}
    spans: dict[int, list] = {}
    for e in events:
        at = e.occurred_at if e.occurred_at.tzinfo else e.occurred_at.replace(tzinfo=UTC)
        if e.kind == EventKind.JOB_STARTED:
            opened.setdefault(e.machine_id, at)
        elif e.machine_id in opened:
            spans.setdefault(e.machine_id, []).append((opened.pop(e.machine_id), at))
    for machine_id, at in opened.items():
        spans.setdefault(machine_id, []).append((at, end))
    busy = {}
    for machine_id, pieces in spans.items():
        seconds = sum(max(0.0, (min(b, e2) - max(a, s2)).total_seconds()) for a, b in pieces for s2, e2 in working)
        busy[machine_id] = seconds / total
    return busy


def _report(session: Session, now: datetime, days: int) -> None:
    acme = session.exec(select(Organization).where(Organization.slug == "acme")).one()
    actor = system_actor(session, acme.id)
    for plant in session.exec(select(Plant).where(Plant.organization_id == acme.id).order_by(Plant.code)).all():
        start = now - timedelta(days=days)
        whole = kpi.kpi_summary(session, actor, plant_id=plant.id, start=start, end=now, now=now)
        busy = _busy(session, plant.id, start, now)
        print(_line(f"{plant.code} {days} days", whole.figures)
              + f"  with a job {100 * sum(busy.values()) / max(len(whole.machines), 1):5.1f} %")
        for m in whole.machines:
            print("  " + _line(m.machine_code, m.figures) + f"  with a job {100 * busy.get(m.machine_id, 0):5.1f} %")
        shifts = session.exec(select(Shift).join(ShiftCalendar, ShiftCalendar.id == Shift.calendar_id)
                              .where(ShiftCalendar.plant_id == plant.id).order_by(Shift.id)).all()
        for shift in shifts:
            s = kpi.kpi_summary(session, actor, plant_id=plant.id, start=start, end=now, shift_id=shift.id, now=now)
            print("  " + _line(f"shift {shift.name}", s.figures))
        day_start = datetime.combine((now - timedelta(days=days)).date(), datetime.min.time(), tzinfo=UTC)
        while day_start < now:
            end = min(day_start + timedelta(days=1), now)
            s = kpi.kpi_summary(session, actor, plant_id=plant.id, start=day_start, end=end, now=now)
            print("  " + _line(f"{day_start:%a %Y-%m-%d}", s.figures))
            day_start = end


if __name__ == "__main__":
    main()
