"""KPI query benchmark (issue 4): OEE and FPY for 50 machines over 90 days from >= 10 million raw events.

A plant with three 8-hour shifts (each with a 30-minute break) every day, 50 machines making 5 products, one
work order operation per machine per fortnight. Per machine, counts arrive every 1.05-1.3 ideal cycles
(2% scrap) and breakdowns, set-ups, minor stops and planned stops interrupt production about every 2 hours.
The events are loaded raw (PostgreSQL: COPY; SQLite: executemany), the rollups are built with
`services.kpi.rollups.rebuild` (timed), and then, in the same run:

- the KPI reads through the services (`kpi.kpi_summary` for the plant over the 90 days, `kpi.fpy_by_product_step`,
  `kpi.oee_trend` per day), p50 of several runs after one warm-up;
- a raw GROUP BY over the raw events that computes only the count side of the same figures (good, scrap, ideal
  time per machine; good and scrap per product and step), p50 of a few runs. The rollup figures are checked
  equal to it.

With --keep the databases are kept (PostgreSQL `takt_kpi_bench_kept`, SQLite /tmp/takt-kpi-bench-kept/bench.db) and
a later --keep run reuses their raw events, rebuilding only the rollups (the raw load takes 10-25 minutes).

Usage: .venv/bin/python -m bench.kpi_bench [--postgres URL] [--no-sqlite] [--machines 50] [--days 90] [--runs 7]
                                           [--raw-runs 3] [--keep]
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from bench.report import table, write_section
from models.base import utcnow
from models.calendar import Shift, ShiftBreak, ShiftCalendar
from models.catalog import Product
from models.kpi_rollup import KpiCountDay, KpiStopDay
from models.orders import Operation, WorkOrder, WorkStatus
from models.organization import Department, Plant
from models.resources import LossCategory, Machine, ReasonCode, ReasonKind, WorkCenter
from models.shopfloor import ProductionEvent
from models.user import Role
from services.core import db as takt_db
from services.core.access import Actor
from services.core.migrations import migrate
from services.kpi import reads as kpi
from services.kpi import rollup_rebuild
from services.org import organizations

UTC = UTC
END = datetime(2026, 3, 2, tzinfo=UTC)
FORTNIGHT = 14 * 86400
KEEP_PG = "takt_kpi_bench_kept"
KEEP_SQLITE = "/tmp/takt-kpi-bench-kept/bench.db"
LIMITS = """Before the per-day rollups (same data, hour slices only): PostgreSQL 254.9 ms OEE summary, 161.3 ms FPY,
462.3 ms daily trend (2026-11-22 04:13, the same 11,004,728 events); SQLite 1,040 / 940 / 848 ms (03:49 run).

How a read goes now: the whole plant-local days of the window come from `kpi_count_day` / `kpi_stop_day` (9,000
count rows and 17,115 stop rows for 50 machines x 90 days, instead of 198,776 and 62,793 slice rows), the
partial first and last days from the slices, each part a plain index range under one UNION ALL + GROUP BY
query per figure family. 8 statements per OEE summary (was 12): plant, calendar with shifts and breaks in one
join, holidays, machines, count sums, stop sums, open stops, reason codes. Profile of one plant-wide OEE summary
on PostgreSQL (per-statement timing, load average 4-6): about 45 ms in SQL (count sums 6-9 ms, stop sums 6-12
ms, the first statement of the transaction 10-17 ms, the others 0.2-3 ms each) and 30-45 ms of Python (exact
Fraction figures and pydantic models for 50 machines, SQLAlchemy statement building). The daily trend also
spends Python on 90 points of exact figures. What limits it now is that fixed part, not the data: a 90-day read
costs about what a 1-day read does plus the edge slices. Measured while other sessions loaded the same 2 cores.
The raw events were loaded once with --keep (PostgreSQL COPY 797 s, SQLite executemany 584 s) and reused.
"""
STOPS = [("BRK", False, LossCategory.BREAKDOWN, 900, 3600), ("SET", False, LossCategory.SETUP_ADJUSTMENT, 600, 1800),
         ("MIN", False, LossCategory.MINOR_STOP, 60, 300), ("PM", True, LossCategory.PLANNED_STOP, 900, 1800)]


class Floor:
    def __init__(self, session: Session, machines: int, days: int):
        self.start = END - timedelta(days=days)
        with takt_db.transaction(session):
            org = organizations.create_organization(session, slug=f"kpi-{secrets.token_hex(3)}", name="KPI bench", now=utcnow())
            self.org_id = org.id
            plant = self._add(session, Plant(organization_id=org.id, code="K1", name="KPI plant", timezone="UTC"))
            self.plant_id = plant.id
            dept = self._add(session, Department(organization_id=org.id, plant_id=plant.id, code="D", name="D"))
            wc = self._add(session, WorkCenter(organization_id=org.id, plant_id=plant.id, department_id=dept.id,
                                               code="WC", name="WC"))
            self.machine_ids = [self._add(session, Machine(
                organization_id=org.id, plant_id=plant.id, department_id=dept.id, work_center_id=wc.id,
                code=f"M{i:03d}", name=f"Machine {i}")).id for i in range(machines)]
            self.product_ids = [self._add(session, Product(organization_id=org.id, code=f"FG-{i}",
                                                           name=f"Part {i}")).id for i in range(5)]
            self.stop_reasons = [self._add(session, ReasonCode(
                organization_id=org.id, kind=ReasonKind.DOWNTIME, code=code, name=code, planned=planned,
                loss_category=category)).id for code, planned, category, _lo, _hi in STOPS]
            self.scrap_reason = self._add(session, ReasonCode(organization_id=org.id, kind=ReasonKind.SCRAP, code="DIM",
                                                              name="Dimension", loss_category=LossCategory.PRODUCTION_REJECT)).id
            cal = self._add(session, ShiftCalendar(organization_id=org.id, plant_id=plant.id, name="3 shifts"))
            for name, start in (("Early", 360), ("Late", 840), ("Night", 1320)):
                shift = self._add(session, Shift(organization_id=org.id, calendar_id=cal.id, name=name,
                                                 start_minute=start, end_minute=(start + 480) % 1440, weekdays="1234567"))
                self._add(session, ShiftBreak(shift_id=shift.id, start_minute=(start + 240) % 1440,
                                              end_minute=(start + 270) % 1440))
            self.ops: dict[int, list[tuple[int, int]]] = {}        # machine -> [(operation id, ideal ms)]
            fortnights = (days * 86400 + FORTNIGHT - 1) // FORTNIGHT
            for i, mid in enumerate(self.machine_ids):
                product = self.product_ids[i % 5]
                ideal = Decimal(22 + (i % 5) * 2)
                self.ops[mid] = []
                for f in range(fortnights):
                    wo = self._add(session, WorkOrder(organization_id=org.id, plant_id=plant.id,
                                                      number=f"WO-{i:03d}-{f:02d}", product_id=product, quantity=100_000,
                                                      status=WorkStatus.RUNNING))
                    op = self._add(session, Operation(organization_id=org.id, plant_id=plant.id, work_order_id=wo.id,
                                                      sequence=10 if i % 2 == 0 else 20, name="Make" if i % 2 == 0 else "Finish",
                                                      work_center_id=wc.id, machine_id=mid, quantity=100_000,
                                                      ideal_cycle_seconds=ideal, status=WorkStatus.RUNNING))
                    self.ops[mid].append((op.id, int(ideal * 1000)))
        self.actor = Actor(user_id=None, organization_id=self.org_id, roles=frozenset({Role.ADMIN}),
                           plant_ids=frozenset({self.plant_id}), username="bench")

    @classmethod
    def existing(cls, session: Session, days: int) -> Floor | None:
        """The bench plant of a kept database (its raw events are reused), or None if it has none yet."""
        plant = session.exec(sa.select(Plant).where(Plant.code == "K1", Plant.name == "KPI plant")
                             .order_by(Plant.id.desc())).scalars().first()
        if plant is None:
            return None
        floor = cls.__new__(cls)
        floor.start, floor.org_id, floor.plant_id = END - timedelta(days=days), plant.organization_id, plant.id
        floor.machine_ids = list(session.execute(sa.select(Machine.id).where(Machine.plant_id == plant.id)
                                                 .order_by(Machine.id)).scalars())
        floor.actor = Actor(user_id=None, organization_id=floor.org_id, roles=frozenset({Role.ADMIN}),
                            plant_ids=frozenset({floor.plant_id}), username="bench")
        return floor

    @staticmethod
    def _add(session: Session, row):
        session.add(row)
        session.flush()
        return row


def machine_events(floor: Floor, index: int, mid: int, rng: np.random.Generator) -> list[tuple]:
    """(machine, operation, kind, good, scrap, reason, client id, occurred_at) of one machine, in time order."""
    span = (END - floor.start).total_seconds()
    ideal_s = floor.ops[mid][0][1] / 1000
    n = int(span / (ideal_s * 1.1)) + 1000
    counts = np.cumsum(rng.uniform(1.05, 1.3, n) * ideal_s)
    counts = counts[counts < span]
    gaps = rng.exponential(7200, int(span / 7200) + 100)
    stop_starts = np.cumsum(gaps)
    stop_starts = stop_starts[stop_starts < span - 3600]
    kinds = rng.integers(0, len(STOPS), len(stop_starts))
    lengths = np.array([rng.uniform(STOPS[k][3], STOPS[k][4]) for k in kinds])
    stop_ends = np.minimum(stop_starts + lengths, np.append(stop_starts[1:], span))
    inside = np.searchsorted(stop_starts, counts, side="right") - 1
    keep = (inside < 0) | (counts >= stop_ends[np.maximum(inside, 0)])
    counts = counts[keep]
    scrap = rng.random(len(counts)) < 0.02
    ops = floor.ops[mid]
    base = floor.start.timestamp()
    rows = []
    for i, (t, s) in enumerate(zip(counts.tolist(), scrap.tolist(), strict=True)):
        op_id = ops[min(int(t // FORTNIGHT), len(ops) - 1)][0]
        rows.append((mid, op_id, "count", 0 if s else 1, 1 if s else 0, floor.scrap_reason if s else None,
                     f"c{index}-{i}", base + t))
    for j, (s, e, k) in enumerate(zip(stop_starts.tolist(), stop_ends.tolist(), kinds.tolist(), strict=True)):
        rows.append((mid, None, "downtime_started", 0, 0, floor.stop_reasons[k], f"s{index}-{j}", base + s))
        rows.append((mid, None, "downtime_ended", 0, 0, None, f"e{index}-{j}", base + e))
    return rows


def stamp(seconds: float, sqlite: bool) -> str:
    at = datetime.fromtimestamp(round(seconds, 3), UTC)
    return at.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else at.isoformat()


def load_events(engine: sa.Engine, floor: Floor) -> tuple[int, float]:
    """All machines' events, raw; returns (rows, seconds)."""
    sqlite = engine.dialect.name == "sqlite"
    rng = np.random.default_rng(20260302)
    total, began = 0, time.perf_counter()
    columns = ("organization_id, plant_id, machine_id, operation_id, kind, quantity_good, quantity_scrap, "
               "reason_code_id, note, client_id, occurred_at, recorded_at")
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for index, mid in enumerate(floor.machine_ids):
            rows = machine_events(floor, index, mid, rng)
            total += len(rows)
            if sqlite:
                cur.executemany(f"INSERT INTO production_event ({columns}) VALUES (?,?,?,?,?,?,?,?,'',?,?,?)",
                                [(floor.org_id, floor.plant_id, m, op, kind, g, s, r, cid, stamp(t, True),
                                  stamp(t, True)) for m, op, kind, g, s, r, cid, t in rows])
            else:
                with cur.copy(f"COPY production_event ({columns}) FROM STDIN") as copy:
                    for m, op, kind, g, s, r, cid, t in rows:
                        copy.write_row((floor.org_id, floor.plant_id, m, op, kind, g, s, r, "", cid,
                                        stamp(t, False), stamp(t, False)))
            raw.commit()
            if index % 10 == 9:
                print(f"  loaded {index + 1} machines, {total:,} events, {time.perf_counter() - began:.0f} s",
                      flush=True)
        if not sqlite:
            cur.execute("ANALYZE production_event")
            raw.commit()
    finally:
        raw.close()
    return total, time.perf_counter() - began


def raw_oee(engine: sa.Engine, floor: Floor) -> dict[int, tuple[int, int, Decimal]]:
    sql = sa.text("""SELECT e.machine_id, SUM(e.quantity_good), SUM(e.quantity_scrap),
                            SUM((e.quantity_good + e.quantity_scrap) * o.ideal_cycle_seconds)
                     FROM production_event e LEFT JOIN operation o ON o.id = e.operation_id
                     WHERE e.plant_id = :plant AND e.kind = 'count' AND e.occurred_at >= :s AND e.occurred_at < :e
                     GROUP BY e.machine_id""")
    with engine.connect() as conn:
        return {r[0]: (int(r[1]), int(r[2]), Decimal(str(r[3]))) for r in conn.execute(sql, _window(engine, floor))}


def raw_fpy(engine: sa.Engine, floor: Floor) -> dict[tuple[int, int], tuple[int, int]]:
    sql = sa.text("""SELECT w.product_id, o.sequence, SUM(e.quantity_good + e.quantity_scrap), SUM(e.quantity_good)
                     FROM production_event e JOIN operation o ON o.id = e.operation_id
                     JOIN work_order w ON w.id = o.work_order_id
                     WHERE e.plant_id = :plant AND e.kind = 'count' AND e.occurred_at >= :s AND e.occurred_at < :e
                     GROUP BY w.product_id, o.sequence""")
    with engine.connect() as conn:
        return {(r[0], r[1]): (int(r[2]), int(r[3])) for r in conn.execute(sql, _window(engine, floor))}


def _window(engine: sa.Engine, floor: Floor) -> dict:
    sqlite = engine.dialect.name == "sqlite"
    s, e = floor.start, END
    return {"plant": floor.plant_id, "s": s.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else s,
            "e": e.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else e}


def timed(fn, runs: int, warmup: int = 1) -> tuple[float, object]:
    result = None
    for _ in range(warmup):
        result = fn()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples), result


def bench(engine: sa.Engine, machines: int, days: int, runs: int, reuse: bool, raw_runs: int = 3) -> dict:
    with Session(engine, expire_on_commit=False) as session:
        floor = Floor.existing(session, days) if reuse else None
        if floor is not None:
            # a kept database: rollup tables added to migration 0003 after it was built are created here
            SQLModel.metadata.create_all(engine, tables=[m.__table__ for m in (KpiCountDay, KpiStopDay)])
            events = session.execute(sa.select(sa.func.count()).select_from(ProductionEvent)
                                     .where(ProductionEvent.plant_id == floor.plant_id)).scalar_one()
            load_s = None
    if floor is None:
        with Session(engine, expire_on_commit=False) as session:
            floor = Floor(session, machines, days)
        print(f"loading events for {machines} machines over {days} days ...", flush=True)
        events, load_s = load_events(engine, floor)
    else:
        print(f"reusing the {events:,} raw events of the kept database", flush=True)
    print(f"  {events:,} events; rebuilding rollups ...", flush=True)
    with Session(engine, expire_on_commit=False) as session:
        began = time.perf_counter()
        with takt_db.transaction(session):
            built = rollup_rebuild.rebuild(session, plant_id=floor.plant_id, progress=lambda m: print("  " + m, flush=True))
        rebuild_s = time.perf_counter() - began
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE kpi_count_slice; ANALYZE kpi_stop_slice; ANALYZE kpi_stop; "
                                 "ANALYZE kpi_count_day; ANALYZE kpi_stop_day")
    now = END + timedelta(days=1)
    with Session(engine, expire_on_commit=False) as session:
        args = {"plant_id": floor.plant_id, "start": floor.start, "end": END}
        oee_s, summary = timed(lambda: kpi.kpi_summary(session, floor.actor, now=now, **args), runs)
        fpy_s, yields = timed(lambda: kpi.fpy_by_product_step(session, floor.actor, now=now, **args), runs)
        trend_s, trend = timed(lambda: kpi.oee_trend(session, floor.actor, bucket="day", now=now, **args), runs)
        session.rollback()
    raw_runs = max(1, min(raw_runs, runs))
    raw_oee_s, oee_rows = timed(lambda: raw_oee(engine, floor), raw_runs, warmup=0)
    raw_fpy_s, fpy_rows = timed(lambda: raw_fpy(engine, floor), raw_runs, warmup=0)
    good, scrap = sum(r[0] for r in oee_rows.values()), sum(r[1] for r in oee_rows.values())
    ideal = sum((r[2] for r in oee_rows.values()), Decimal(0))
    assert (summary.figures.good, summary.figures.scrap) == (good, scrap), "rollups and raw events disagree"
    assert Decimal(summary.figures.ideal_seconds.split("/")[0]) / Decimal(summary.figures.ideal_seconds.split("/")[1]) \
        == ideal, "ideal time differs"
    steps = {(s.product_id, s.step): (s.units_in, s.right_first_time) for p in yields.products for s in p.steps}
    assert steps == fpy_rows, "FPY differs from the raw GROUP BY"
    return {"events": events, "load_s": load_s, "rebuild_s": rebuild_s, "built": built, "oee_s": oee_s,
            "fpy_s": fpy_s, "trend_s": trend_s, "raw_oee_s": raw_oee_s, "raw_fpy_s": raw_fpy_s,
            "oee": summary.figures.oee_percent, "points": len(trend.points)}


def databases(pg_url: str | None, sqlite: bool, keep: bool):
    """(label, url) of each database to run on: fresh ones dropped afterwards, or with `keep` the fixed
    KEEP_PG / KEEP_SQLITE ones, created when missing and left in place (their raw events are reused)."""
    if pg_url:
        base = sa.engine.make_url(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
        name = KEEP_PG if keep else f"takt_kpi_bench_{os.getpid()}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).first()
            if not (keep and exists):
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield "PostgreSQL", base.set(database=name).render_as_string(hide_password=False)
        finally:
            if not keep:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if sqlite:
        if keep:
            os.makedirs(os.path.dirname(KEEP_SQLITE), exist_ok=True)
            yield "SQLite", f"sqlite:///{KEEP_SQLITE}"
            return
        tmp = tempfile.mkdtemp(prefix="takt-kpi-bench-")
        try:
            yield "SQLite", f"sqlite:///{tmp}/bench.db"
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--machines", type=int, default=50)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--raw-runs", type=int, default=3, help="runs of each raw GROUP BY (seconds each)")
    parser.add_argument("--keep", action="store_true",
                        help=f"keep the databases ({KEEP_PG}, {KEEP_SQLITE}) and reuse their raw events next time")
    args = parser.parse_args()
    rows, build_rows = [], []
    for label, url in databases(args.postgres, not args.no_sqlite, args.keep):
        engine = takt_db.make_engine(url)
        migrate(engine)
        r = bench(engine, args.machines, args.days, args.runs, args.keep, args.raw_runs)
        engine.dispose()
        ms = lambda s: f"{s * 1000:,.1f}"  # noqa: E731
        rows += [[label, "OEE summary (plant, per machine)", ms(r["oee_s"]), "raw GROUP BY counts per machine",
                  ms(r["raw_oee_s"]), f"{r['raw_oee_s'] / r['oee_s']:,.0f}x"],
                 [label, "FPY per product and step", ms(r["fpy_s"]), "raw GROUP BY per product and step",
                  ms(r["raw_fpy_s"]), f"{r['raw_fpy_s'] / r['fpy_s']:,.0f}x"],
                 [label, f"OEE trend per day ({r['points']} points)", ms(r["trend_s"]), "", "", ""]]
        b = r["built"]
        build_rows.append([label, f"{r['events']:,}", "reused" if r["load_s"] is None else f"{r['load_s']:.0f}", f"{r['rebuild_s']:.1f}",
                           f"{b.count_rows:,}", f"{b.stops:,}", f"{b.stop_rows:,}", f"{r['oee']}"])
    body = (f"{args.machines} machines, {args.days} days, three 8-hour shifts a day with a 30-minute break each; "
            "counts every 1.05-1.3 ideal cycles with 2% scrap, a stop about every 2 hours. The service reads "
            f"the rollups; the raw GROUP BY computes only the count side of the same figures from the raw events "
            f"(no downtime pairing, no calendar), and the rollup figures are checked equal to it. p50 of "
            f"{args.runs} runs after a warm-up (raw: p50 of {max(1, min(args.raw_runs, args.runs))}).\n\n"
            + table(["database", "KPI read", "service ms", "raw baseline", "raw ms", "raw / service"], rows)
            + "\n" + LIMITS + "\n### Loading and rebuilding the rollups\n\n"
            + table(["database", "raw events", "raw load s (COPY / executemany)", "rebuild s", "count rows",
                     "stops", "stop rows", "plant OEE %"], build_rows))
    write_section("kpi", "KPI query: OEE and FPY from rollups vs a raw GROUP BY", body)


if __name__ == "__main__":
    main()
