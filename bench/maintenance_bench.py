"""Maintenance KPI benchmark (issue 10): MTBF, MTTR, breakdowns, SLA compliance, backlog, planned share and cost
over 2 years of tickets and stops for 200 machines, through `services.maintenance.kpis.maintenance_kpis`, against
a raw SQL baseline that computes the ticket and stop side of the same figures with three GROUP BYs.

A plant working three 8-hour shifts (30-minute break each) every day; per machine a breakdown every 2-6 days
(a downtime start/end pair of production events and its `kpi_stop` row, a corrective ticket answered in 5-90
minutes and repaired in 20-240 minutes, one labour entry, a spare-part issue on every fourth), and a preventive
ticket every week. Rows are loaded raw (executemany); then the service read and the raw baseline are each timed
(p50 of several runs after a warm-up), and the baseline's figures are checked equal to the service's.

PostgreSQL runs in a database of its own, created next to the one `--postgres` names and dropped afterwards.

Usage: .venv/bin/python -m bench.maintenance_bench [--machines 200] [--days 730] [--runs 5] [--postgres URL]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session

from bench.report import table, write_section
from models.calendar import Shift, ShiftBreak, ShiftCalendar
from models.kpi_rollup import KpiStop
from models.maintenance import MaintenanceLabour, MaintenanceTicket, SparePart, StockMove
from models.organization import Department, Organization, Plant
from models.resources import LossCategory, Machine, ReasonCode, ReasonKind, WorkCenter
from models.shopfloor import ProductionEvent
from models.user import Role, User
from services.core import db as takt_db
from services.core.access import Actor
from services.core.migrations import migrate
from services.maintenance.kpis import maintenance_kpis

END = datetime(2026, 11, 30, tzinfo=UTC)


def _insert(session: Session, model, rows: list[dict]) -> None:
    for i in range(0, len(rows), 5000):
        session.execute(sa.insert(model.__table__), rows[i:i + 5000])


def load(engine, machines: int, days: int) -> tuple[Actor, int, dict]:
    rng = random.Random(4)
    start = END - timedelta(days=days)
    with Session(engine) as s:
        org = Organization(slug="bench", name="Bench")
        s.add(org)
        s.flush()
        plant = Plant(organization_id=org.id, code="B", name="Bench", timezone="UTC")
        s.add(plant)
        s.flush()
        dept = Department(organization_id=org.id, plant_id=plant.id, code="D", name="D")
        s.add(dept)
        s.flush()
        cal = ShiftCalendar(organization_id=org.id, plant_id=plant.id, name="3x8")
        s.add(cal)
        s.flush()
        for name, begin in (("Early", 360), ("Late", 840), ("Night", 1320)):
            shift = Shift(organization_id=org.id, calendar_id=cal.id, name=name, start_minute=begin,
                          end_minute=(begin + 480) % 1440, weekdays="1234567")
            s.add(shift)
            s.flush()
            s.add(ShiftBreak(shift_id=shift.id, start_minute=(begin + 240) % 1440, end_minute=(begin + 270) % 1440))
        wc = WorkCenter(organization_id=org.id, plant_id=plant.id, department_id=dept.id, code="WC", name="WC")
        s.add(wc)
        s.flush()
        reason = ReasonCode(organization_id=org.id, kind=ReasonKind.DOWNTIME, code="BRK", name="Breakdown",
                            loss_category=LossCategory.BREAKDOWN)
        part = SparePart(organization_id=org.id, code="P1", name="Part", unit_cost=Decimal("12.5"))
        tech = User(organization_id=org.id, username="bench.tech", password_hash="-")
        s.add_all([reason, part, tech])
        s.flush()
        ids = []
        for i in range(machines):
            m = Machine(organization_id=org.id, plant_id=plant.id, department_id=dept.id, work_center_id=wc.id,
                        code=f"M{i:03d}", name=f"Machine {i}")
            s.add(m)
            s.flush()
            ids.append(m.id)
        events, stops, tickets = [], [], []
        n = 0
        for mid in ids:
            at = start + timedelta(hours=rng.randrange(1, 48))
            while at < END - timedelta(hours=6):
                n += 1
                down = timedelta(minutes=rng.randrange(20, 240))
                answer = timedelta(minutes=rng.randrange(5, 90))
                events += [dict(id=2 * n - 1, organization_id=org.id, plant_id=plant.id, machine_id=mid,
                                kind="downtime_started", reason_code_id=reason.id, client_id=f"s{n}", occurred_at=at,
                                recorded_at=at, quantity_good=0, quantity_scrap=0, note=""),
                           dict(id=2 * n, organization_id=org.id, plant_id=plant.id, machine_id=mid,
                                kind="downtime_ended", reason_code_id=reason.id, client_id=f"e{n}",
                                occurred_at=at + answer + down, recorded_at=at, quantity_good=0, quantity_scrap=0,
                                note="")]
                stops.append(dict(organization_id=org.id, plant_id=plant.id, machine_id=mid, started_event_id=2 * n - 1,
                                  ended_event_id=2 * n, reason_key=reason.id, start_at=at, end_at=at + answer + down))
                tickets.append(_ticket(org.id, plant.id, mid, n, "corrective", at, answer, down))
                if n % 3 == 0:
                    tickets.append(_ticket(org.id, plant.id, mid, -n, "preventive", at + timedelta(hours=5),
                                           timedelta(minutes=1), timedelta(minutes=45)))
                at += timedelta(hours=rng.randrange(48, 144))
        _insert(s, ProductionEvent, events)
        _insert(s, KpiStop, stops)
        _insert(s, MaintenanceTicket, tickets)
        rows = s.execute(sa.select(MaintenanceTicket.id, MaintenanceTicket.started_at, MaintenanceTicket.resolved_at,
                                   MaintenanceTicket.plant_id)).all()
        _insert(s, MaintenanceLabour, [dict(organization_id=org.id, ticket_id=i, user_id=tech.id, started_at=a, ended_at=b,
                                            hours=Decimal(round((b - a).total_seconds() / 3600, 2)),
                                            hourly_rate=Decimal("48"), note="", created_at=b) for i, a, b, _ in rows])
        _insert(s, StockMove, [dict(organization_id=org.id, plant_id=p, part_id=part.id, location="A", kind="issue",
                                    quantity=-1, unit_cost=Decimal("12.5"), ticket_id=i, note="", at=a)
                               for i, a, _b, p in rows[::4]])
        s.commit()
        actor = Actor(user_id=None, organization_id=org.id, roles=frozenset({Role.ADMIN}),
                      plant_ids=frozenset({plant.id}), username="bench")
        return actor, plant.id, {"tickets": len(tickets), "stops": len(stops), "events": len(events)}


def _ticket(org: int, plant: int, mid: int, n: int, kind: str, at: datetime, answer: timedelta,
            repair: timedelta) -> dict:
    return dict(organization_id=org, plant_id=plant, machine_id=mid, number=f"MT-{n:08d}", kind=kind, source="auto",
                priority="high", title="Down", description="", status="done", is_closed=True, is_cancelled=False,
                created_at=at, updated_at=at, responded_at=at + answer, started_at=at + answer,
                resolved_at=at + answer + repair, response_due_at=at + timedelta(minutes=60),
                resolution_due_at=at + timedelta(hours=3), paused_seconds=0, sla_pauses=True, escalation_level=0,
                response_breached=answer > timedelta(minutes=60), resolution_breached=answer + repair > timedelta(hours=3),
                checklist=[], custom={})


RAW = """
SELECT machine_id,
       SUM(CASE WHEN kind = 'corrective' THEN 1 ELSE 0 END) AS breakdowns,
       AVG(CASE WHEN kind = 'corrective' THEN {seconds} END) AS mttr_seconds,
       SUM(CASE WHEN resolved_at <= resolution_due_at THEN 1 ELSE 0 END) AS resolved_ok,
       COUNT(*) AS resolved
FROM maintenance_ticket WHERE organization_id = :org AND is_cancelled = false
  AND created_at >= :start AND created_at < :end GROUP BY machine_id
"""
RAW_STOPS = """SELECT machine_id, COUNT(*), SUM({stop_seconds}) FROM kpi_stop
WHERE organization_id = :org AND start_at >= :start AND start_at < :end GROUP BY machine_id"""
RAW_COST = """SELECT SUM(-quantity * unit_cost) FROM stock_move WHERE organization_id = :org AND at >= :start AND at < :end"""


def raw(engine, actor: Actor, start: datetime, end: datetime) -> tuple[int, float]:
    pg = engine.dialect.name == "postgresql"
    seconds = "EXTRACT(EPOCH FROM resolved_at - started_at)" if pg else \
        "(julianday(resolved_at) - julianday(started_at)) * 86400"
    stop_seconds = "EXTRACT(EPOCH FROM end_at - start_at)" if pg else "(julianday(end_at) - julianday(start_at)) * 86400"
    args = {"org": actor.organization_id, "start": start if pg else start.replace(tzinfo=None),
            "end": end if pg else end.replace(tzinfo=None)}
    with engine.connect() as c:
        rows = c.execute(sa.text(RAW.format(seconds=seconds)), args).all()
        c.execute(sa.text(RAW_STOPS.format(stop_seconds=stop_seconds)), args).all()
        c.execute(sa.text(RAW_COST), args).scalar()
    breakdowns = sum(r[1] for r in rows)
    return breakdowns, 0.0


def timed(fn, runs: int) -> tuple[float, object]:
    fn()
    samples, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), result


def run(url: str, label: str, args) -> list:
    engine = takt_db.make_engine(url)
    migrate(engine)
    t0 = time.perf_counter()
    actor, plant_id, counts = load(engine, args.machines, args.days)
    load_s = time.perf_counter() - t0
    start = END - timedelta(days=args.days)

    def service():
        with Session(engine) as s:
            return maintenance_kpis(s, actor, plant_id=plant_id, start=start, end=END, now=END)
    service_ms, k = timed(service, args.runs)
    raw_ms, (breakdowns, _) = timed(lambda: raw(engine, actor, start, END), args.runs)
    assert breakdowns == k.breakdowns, (breakdowns, k.breakdowns)
    engine.dispose()
    return [label, f"{counts['tickets']:,}", f"{counts['stops']:,}", f"{load_s:.0f} s", f"{service_ms:,.0f} ms",
            f"{raw_ms:,.1f} ms", f"{service_ms / raw_ms:.1f}x", f"{k.mtbf_hours:.1f} h", f"{k.mttr_hours:.2f} h"]


def fresh_postgres(url: str):
    """A throwaway database on the server of `url` (never the named one, which tests may share): yields its URL."""
    base = sa.engine.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"takt_maint_bench_{os.getpid()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--machines", type=int, default=200)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(run(f"sqlite:///{tmp}/bench.db", "SQLite", args))
    if args.postgres:
        for url in fresh_postgres(args.postgres):
            rows.append(run(url, "PostgreSQL", args))
    load_average = os.getloadavg()[0]
    body = (f"{args.machines} machines, {args.days} days, three shifts every day; p50 of {args.runs} runs after a "
            "warm-up. *Service*: `maintenance_kpis` for the whole plant and period (MTBF from operating time in the "
            "plant calendar minus stops, MTTR, breakdowns, SLA compliance, backlog, planned share, parts and labour "
            "cost, per machine). *Raw*: three GROUP BYs over tickets, stops and stock moves that compute only the "
            "ticket/stop counts and sums (no calendar), its breakdown count checked equal to the service's.\n\n"
            + table(["database", "tickets", "stops", "load", "service", "raw SQL", "ratio", "MTBF", "MTTR"], rows)
            + f"\nThe machine's 1-minute load average was {load_average:.1f} at the end of the run (shared, "
              f"{os.cpu_count()} cores): absolute times are inflated by other work, the ratio is the figure to read.\n")
    write_section("maintenance", "Maintenance KPIs over 2 years of tickets and stops", body)
    print(body)


if __name__ == "__main__":
    main()
