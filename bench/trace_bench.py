"""Trace benchmark (issue 6): forward and backward trace over a genealogy of 1,000,000 links,
12 levels deep (a trace walks 11 links), through the service (services.trace.tracing.forward / backward:
the recursive query, then lots, products, work orders, serials and shipments, as read models)
vs the raw recursive SQL query alone (the same walk, rows fetched, nothing else), same run.

The genealogy: `levels` levels of `width` lots; every lot above the first consumed three lots of
the level below (j, j+1 and j+7, wrapping), so a trace from one lot fans out like a real bill of
materials (about 500 lots over 11 levels) while the table holds a million links. Lots and links
are bulk-loaded (executemany on SQLite, COPY on PostgreSQL), then ANALYZEd.

Usage: .venv/bin/python -m bench.trace_bench [--postgres URL] [--links 1000000] [--levels 12] [--samples 30]
SQLite always runs (a fresh file); --postgres adds a fresh database next to URL's.
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import time
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from bench.production_bench import databases
from bench.report import percentiles, table, write_section
from models.base import utcnow
from models.catalog import Product
from models.user import User
from services.core import db as takt_db
from services.core.migrations import migrate
from services.org import auth, organizations, plants, users
from services.trace import tracing as trace

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OFFSETS = (0, 1, 7)
RAW_WALK = {
    "forward": ("WITH RECURSIVE reach(lot_id) AS (SELECT CAST(:start AS INTEGER) UNION "
                "SELECT g.output_lot_id FROM genealogy_link g JOIN reach r ON g.input_lot_id = r.lot_id) "
                "SELECT g.input_lot_id, g.output_lot_id, g.quantity FROM genealogy_link g "
                "JOIN reach r ON g.input_lot_id = r.lot_id"),
    "backward": ("WITH RECURSIVE reach(lot_id) AS (SELECT CAST(:start AS INTEGER) UNION "
                 "SELECT g.input_lot_id FROM genealogy_link g JOIN reach r ON g.output_lot_id = r.lot_id) "
                 "SELECT g.input_lot_id, g.output_lot_id, g.quantity FROM genealogy_link g "
                 "JOIN reach r ON g.output_lot_id = r.lot_id"),
}


def setup(engine) -> tuple[int, int, int, int]:
    """An organization, a plant, a product and a viewer; returns (org, plant, product, user) ids."""
    with Session(engine) as session, takt_db.transaction(session):
        org = organizations.create_organization(session, slug=f"trace-{secrets.token_hex(3)}", name="Trace bench", now=utcnow())
        system = organizations.system_actor(session, org.id)
        plant = plants.create_plant(session, system, plants.PlantCreate(code="T1", name="Trace plant"), now=utcnow())
        product = Product(organization_id=org.id, code="PART", name="Part")
        session.add(product)
        session.flush()
        system = organizations.system_actor(session, org.id)
        user = users.create_user(session, system, users.UserCreate(username=f"viewer-{org.id}", password="Bench-pass-2026",
                                                                   roles=["viewer"], plant_ids=[plant.id]), now=utcnow())
        return org.id, plant.id, product.id, user.id


def lot_id(level: int, j: int, width: int) -> int:
    return level * width + j + 1


def load(engine, org: int, plant: int, product: int, levels: int, width: int) -> int:
    """Bulk-load levels x width lots and 3 links per lot above the first level; returns the link count."""
    lots = [(lot_id(k, j, width), org, plant, f"LOT-B{lot_id(k, j, width):07d}", product, 10, 10, "pcs", "available",
             "receipt" if k == 0 else "production", "", "", False, "") for k in range(levels) for j in range(width)]
    links = [(org, lot_id(k, (j + off) % width, width), lot_id(k + 1, j, width), 1, "consume", 1)
             for k in range(levels - 1) for j in range(width) for off in OFFSETS]
    lot_cols = ("id, organization_id, plant_id, number, product_id, quantity, quantity_initial, unit, status, origin, "
                "supplier, supplier_lot_ref, is_byproduct, hold_reason, created_at, updated_at")
    link_cols = "organization_id, input_lot_id, output_lot_id, quantity, kind, pass_no, at"
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cur.copy(f"COPY lot ({lot_cols}) FROM STDIN") as copy:
                for row in lots:
                    copy.write_row((*row, NOW, NOW))
            with cur.copy(f"COPY genealogy_link ({link_cols}) FROM STDIN") as copy:
                for row in links:
                    copy.write_row((*row, NOW))
            cur.execute("SELECT setval(pg_get_serial_sequence('lot', 'id'), (SELECT max(id) FROM lot))")
        else:
            stamp = NOW.replace(tzinfo=None).isoformat(" ")
            cur.executemany(f"INSERT INTO lot ({lot_cols}) VALUES ({', '.join('?' * 16)})",
                            [(*row, stamp, stamp) for row in lots])
            cur.executemany(f"INSERT INTO genealogy_link ({link_cols}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(*row, stamp) for row in links])
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return len(links)


def run_traces(engine, actor, direction: str, starts: list[int]) -> dict:
    walk = trace.forward if direction == "forward" else trace.backward
    service, raw, sizes = [], [], set()
    for start in starts:
        t0 = time.perf_counter()
        with Session(engine) as session:
            result = walk(session, actor, start)
        service.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with engine.connect() as conn:
            rows = conn.execute(sa.text(RAW_WALK[direction]), {"start": start}).all()
        raw.append(time.perf_counter() - t0)
        reached = {r[0] for r in rows} | {r[1] for r in rows} | {start}
        assert len(reached) == len(result.lots) and len(rows) == len(result.edges), "service and raw disagree"
        sizes.add((len(result.lots), len(result.edges), max(lot.depth for lot in result.lots)))
    return {"service": percentiles(service), "raw": percentiles(raw), "sizes": sorted(sizes)}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--levels", type=int, default=12)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    width = -(-args.links // (len(OFFSETS) * (args.levels - 1)))
    rng = random.Random(6)
    rows, load_rows = [], []
    for label, url in databases(args.postgres):
        engine = takt_db.make_engine(url)
        migrate(engine)
        org, plant, product, user_id = setup(engine)
        t0 = time.perf_counter()
        n_links = load(engine, org, plant, product, args.levels, width)
        load_rows.append([label, f"{args.levels * width:,}", f"{n_links:,}", f"{time.perf_counter() - t0:.1f}"])
        with Session(engine) as session:
            actor = auth.actor_for_user(session, session.get(User, user_id))
        bottom = [lot_id(0, rng.randrange(width), width) for _ in range(args.samples)]
        top = [lot_id(args.levels - 1, rng.randrange(width), width) for _ in range(args.samples)]
        for direction, starts in (("forward", bottom), ("backward", top)):
            run_traces(engine, actor, direction, starts[:3])           # warm caches
            r = run_traces(engine, actor, direction, starts)
            lots, edges, depth = r["sizes"][0]
            rows.append([label, direction, f"{lots:,}", f"{edges:,}", depth, ms(r["service"]["p50"]),
                         ms(r["service"]["p95"]), ms(r["raw"]["p50"]), ms(r["raw"]["p95"]),
                         f"{r['service']['p50'] / r['raw']['p50']:.1f}x"])
        engine.dispose()
    body = (f"Genealogy of {args.levels} levels x {width:,} lots, 3 inputs per produced lot: "
            f"{n_links:,} links. Each trace starts from a random lot of the first (forward) or last (backward)\n"
            f"level and walks {args.levels - 1} links deep; {args.samples} traces per row after 3 warm-up traces.\n"
            "Service = services.trace.tracing (recursive CTE + lots, products, work orders, serials, shipments as read\n"
            "models, new session each); raw = the bare recursive query with its rows fetched.\n\n"
            + table(["database", "lots", "links", "bulk load s"], load_rows) + "\n"
            + table(["database", "direction", "lots reached", "links walked", "depth", "service p50 ms",
                     "service p95 ms", "raw p50 ms", "raw p95 ms", "service / raw (p50)"], rows))
    write_section("trace", "Traceability: forward and backward trace over 1,000,000 genealogy links", body)


if __name__ == "__main__":
    main()
