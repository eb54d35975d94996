"""Finance benchmark (issue 15): the trial balance over 1,000,000 journal lines, posting entries one by one, and
the standard cost roll-up of a 5-level BOM with 2,000 items, each against raw SQL doing the same in the same run.

1. Trial balance: `ledger_reports.trial_balance` over N lines (N/4 entries of 4 lines, loaded with a raw bulk
   insert) against the raw GROUP BY over the same join; the figures must agree.
2. Posting: `journal.post` (checks, numbering, audit, event) per balanced 4-line entry, against a raw insert of the
   same entry and its lines in one transaction each.
3. Cost roll-up: `costing.cost_rollup` of the root of a 5-level BOM (2,000 items, routings with rates on every
   made item) against a raw recursive CTE computing the same unit cost; the figures must agree.
4. Settlement: `settlements.settle` of N QC2-approved tasks spread over POs of 1,000 lines each (one settlement
   with its lines and its journal entry per PO), against raw SQL doing the same per PO on a second, identical set
   (INSERT ... SELECT of the approved, unsettled lines, the totals, the entry and its two lines); the settled
   totals must agree. Tasks, POs and lines are loaded by raw bulk inserts; the POs carry no tax rules.

Usage: .venv/bin/python -m bench.finance_bench [--postgres URL] [--lines 1000000] [--items 2000] [--tasks 10000]
"""
from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session

from bench.production_bench import databases, ms
from bench.report import percentiles, table, write_section
from models.base import utcnow
from models.catalog import BomLine, Product
from models.finance import Account, FiscalPeriod, JournalEntry, JournalLine
from models.organization import Department
from models.purchasing import PurchaseOrder, PurchaseOrderLine, Settlement
from models.resources import WorkCenter
from models.routing import Routing, RoutingStep
from models.studio_work import StudioTask
from services.core import db as takt_db
from services.core.migrations import migrate
from services.finance import accounts, costing, journal, ledger_reports, periods, settlements
from services.finance.journal import EntryCreate, LineInput
from services.org import organizations, plants
from services.org.plants import DepartmentCreate, PlantCreate
from services.studio import partners, projects

YEAR = 2026


def prepare(engine):
    now = utcnow()
    with Session(engine, expire_on_commit=False) as s, takt_db.transaction(s):
        org = organizations.create_organization(s, slug=f"fin-{os.getpid()}-{random.randint(0, 9999)}", name="Finance bench", now=utcnow())
        actor = organizations.system_actor(s, org.id)
        plant = plants.create_plant(s, actor, PlantCreate(code="P1", name="Plant", timezone="UTC"), now=now)
        actor = organizations.system_actor(s, org.id)
        plants.create_department(s, actor, DepartmentCreate(plant_id=plant.id, code="D1", name="Dept"), now=now)
        accounts.apply_chart_template(s, actor, now=now)
        periods.open_year(s, actor, YEAR, now=now)
    return org.id, plant.id, organizations_actor(engine, org.id)


def organizations_actor(engine, org_id):
    with Session(engine) as s:
        return organizations.system_actor(s, org_id)


def load_lines(engine, org_id: int, lines: int) -> None:
    with Session(engine) as s:
        acc = [a.id for a in s.exec(sa.select(Account).where(Account.organization_id == org_id)).scalars()]
        period_ids = {p.start.month: p.id for p in s.exec(sa.select(FiscalPeriod).where(
            FiscalPeriod.organization_id == org_id)).scalars()}
    rng, now, entries = random.Random(7), utcnow(), lines // 4
    chunk = 20_000
    with engine.begin() as conn:
        first = conn.execute(sa.select(sa.func.coalesce(sa.func.max(JournalEntry.id), 0))).scalar() + 1
        for start in range(0, entries, chunk):
            rows, line_rows = [], []
            for i in range(start, min(entries, start + chunk)):
                day = date(YEAR, 1, 1) + timedelta(days=i % 365)
                rows.append({"id": first + i, "organization_id": org_id, "number": f"B-{i:07d}", "entry_date": day,
                             "period_id": period_ids[day.month], "currency": "EUR", "memo": "", "posted_at": now,
                             "created_at": now, "updated_at": now})
                a, b, c, d = rng.sample(acc, 4)
                amount = Decimal(rng.randint(100, 10_000_000)) / 100
                vat = (amount * Decimal("0.19")).quantize(Decimal("0.01"))
                for account, debit, credit in ((a, amount, 0), (d, Decimal("1.00"), 0),
                                               (b, 0, amount - vat + Decimal("1.00")), (c, 0, vat)):
                    line_rows.append({"organization_id": org_id, "entry_id": first + i, "account_id": account,
                                      "debit": debit, "credit": credit, "description": ""})
            conn.execute(sa.insert(JournalEntry.__table__), rows)
            conn.execute(sa.insert(JournalLine.__table__), line_rows)
        if engine.dialect.name == "postgresql":       # ids were given: move the sequence past them
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('journal_entry', 'id'), "
                                 "(SELECT MAX(id) FROM journal_entry))")
            conn.exec_driver_sql("ANALYZE journal_line")
            conn.exec_driver_sql("ANALYZE journal_entry")


def bench_trial_balance(engine, actor, rounds: int = 5) -> dict:
    service, raw = [], []
    for _ in range(rounds):
        with Session(engine) as s:
            began = time.perf_counter()
            tb = ledger_reports.trial_balance(s, actor, currency="EUR")
            service.append(time.perf_counter() - began)
    sqlite = engine.dialect.name == "sqlite"       # SQLite's NUMERIC is a float: sum whole ten-thousandths there
    total = "SUM(CAST(ROUND({} * 10000) AS INTEGER))" if sqlite else "SUM({})"
    query = sa.text(f"SELECT l.account_id, {total.format('l.debit')}, {total.format('l.credit')} FROM journal_line l "
                    "JOIN journal_entry e ON e.id = l.entry_id WHERE e.organization_id = :org AND e.currency = 'EUR' "
                    "GROUP BY l.account_id")
    for _ in range(rounds):
        with engine.connect() as conn:
            began = time.perf_counter()
            rows = conn.execute(query, {"org": actor.organization_id}).all()
            raw.append(time.perf_counter() - began)
    unit = Decimal(10000) if sqlite else Decimal(1)
    raw_debit = sum(max((Decimal(d) - Decimal(c)) / unit, Decimal(0)) for _a, d, c in rows)
    assert raw_debit == tb.total_debit, (raw_debit, tb.total_debit)
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT COUNT(*) FROM journal_line WHERE organization_id = :o"),
                             {"o": actor.organization_id}).scalar()
    return {"lines": count, "service": percentiles(service)["p50"], "raw": percentiles(raw)["p50"],
            "balanced": tb.total_debit == tb.total_credit}


def bench_posting(engine, actor, entries: int) -> dict:
    with Session(engine) as s:
        acc = {a.role: a.id for a in s.exec(sa.select(Account).where(
            Account.organization_id == actor.organization_id)).scalars()}
    lines = [LineInput(account_id=acc["receivable"], debit=Decimal("119.00")),
             LineInput(account_id=acc["revenue"], credit=Decimal("100.00")),
             LineInput(account_id=acc["vat_output"], credit=Decimal("19.00")),
             LineInput(account_id=acc["bank"], debit=Decimal("0.01")), ]
    lines.append(LineInput(account_id=acc["equity"], credit=Decimal("0.01")))
    service = []
    for i in range(entries):
        with Session(engine) as s:
            began = time.perf_counter()
            with takt_db.transaction(s):
                journal.post(s, actor, EntryCreate(entry_date=date(YEAR, 6, 1), currency="EUR", memo=f"bench {i}",
                                                   lines=lines), now=utcnow())
            service.append(time.perf_counter() - began)
    with Session(engine) as s:
        period = s.exec(sa.select(FiscalPeriod).where(FiscalPeriod.organization_id == actor.organization_id,
                                                      FiscalPeriod.start == date(YEAR, 6, 1))).scalar_one()
    raw, now = [], utcnow()
    for i in range(entries):
        began = time.perf_counter()
        with engine.begin() as conn:
            entry_id = conn.execute(sa.insert(JournalEntry.__table__).returning(JournalEntry.__table__.c.id), {
                "organization_id": actor.organization_id, "number": f"RAW-{i}", "entry_date": date(YEAR, 6, 1),
                "period_id": period.id, "currency": "EUR", "memo": "", "posted_at": now, "created_at": now,
                "updated_at": now}).scalar()
            conn.execute(sa.insert(JournalLine.__table__), [
                {"organization_id": actor.organization_id, "entry_id": entry_id, "account_id": x.account_id,
                 "debit": x.debit, "credit": x.credit, "description": ""} for x in lines])
        raw.append(time.perf_counter() - began)
    return {"service": percentiles(service), "raw": percentiles(raw)}


def build_bom(engine, org_id: int, plant_id: int, items: int) -> int:
    """A 5-level tree of `items` products: 1 root, then 8, 48, 288 parts, the rest raw leaves."""
    rng, now = random.Random(11), utcnow()
    sizes = [1, 8, 48, 288]
    sizes.append(items - sum(sizes))
    with Session(engine) as s, takt_db.transaction(s):
        dept = s.exec(sa.select(Department).where(Department.organization_id == org_id)).scalars().first()
        wc = WorkCenter(organization_id=org_id, plant_id=plant_id, department_id=dept.id, code="WC", name="WC",
                        machine_rate_per_hour=Decimal("72"), labour_rate_per_hour=Decimal("36"))
        s.add(wc)
        s.flush()
        levels, n = [], 0
        for depth, size in enumerate(sizes):
            level = []
            for _ in range(size):
                leaf = depth == len(sizes) - 1
                p = Product(organization_id=org_id, code=f"I{n:05d}", name=f"Item {n}", created_at=now, updated_at=now,
                            standard_cost=Decimal(rng.randint(10, 5000)) / 100 if leaf else None)
                s.add(p)
                level.append(p)
                n += 1
            s.flush()
            levels.append(level)
        for depth in range(1, len(levels)):
            parents = levels[depth - 1]
            for i, child in enumerate(levels[depth]):
                s.add(BomLine(organization_id=org_id, parent_product_id=parents[i % len(parents)].id,
                              component_product_id=child.id, quantity_per=Decimal(rng.randint(1, 4)),
                              scrap_factor=Decimal(rng.choice(["0", "0.02", "0.05"])), created_at=now, updated_at=now))
        for level in levels[:-1]:
            for p in level:
                r = Routing(organization_id=org_id, product_id=p.id, created_at=now, updated_at=now)
                s.add(r)
                s.flush()
                s.add(RoutingStep(organization_id=org_id, routing_id=r.id, sequence=10, name="Make", work_center_id=wc.id,
                                  ideal_cycle_seconds=Decimal(rng.randint(5, 300)), created_at=now, updated_at=now))
        return levels[0][0].id


RAW_ROLLUP = """
WITH RECURSIVE tree(product_id, qty, depth) AS (
    SELECT CAST(:root AS INTEGER), CAST(1 AS NUMERIC), 0
    UNION ALL
    SELECT b.component_product_id, t.qty * b.quantity_per * (1 + b.scrap_factor), t.depth + 1
    FROM bom_line b JOIN tree t ON b.parent_product_id = t.product_id WHERE t.depth < 20
)
SELECT
  (SELECT COALESCE(SUM(t.qty * p.standard_cost), 0) FROM tree t JOIN product p ON p.id = t.product_id
   WHERE NOT EXISTS (SELECT 1 FROM bom_line b WHERE b.parent_product_id = t.product_id)),
  (SELECT COALESCE(SUM(t.qty * rs.ideal_cycle_seconds * (COALESCE(w.machine_rate_per_hour, 0)
                                                          + COALESCE(w.labour_rate_per_hour, 0)) / 3600.0), 0)
   FROM tree t JOIN routing r ON r.product_id = t.product_id AND r.is_active
   JOIN routing_step rs ON rs.routing_id = r.id JOIN work_center w ON w.id = rs.work_center_id)
"""


def bench_rollup(engine, actor, root: int, rounds: int = 5) -> dict:
    service, raw = [], []
    for _ in range(rounds):
        with Session(engine) as s:
            began = time.perf_counter()
            result = costing.cost_rollup(s, actor, root)
            service.append(time.perf_counter() - began)
    for _ in range(rounds):
        with engine.connect() as conn:
            began = time.perf_counter()
            material, conversion = conn.execute(sa.text(RAW_ROLLUP), {"root": root}).one()
            raw.append(time.perf_counter() - began)
    total = (Decimal(str(material)) + Decimal(str(conversion))).quantize(Decimal("0.01"))
    agree = abs(total - result.unit_cost) <= Decimal("0.01")
    return {"service": percentiles(service)["p50"], "raw": percentiles(raw)["p50"], "unit_cost": result.unit_cost,
            "raw_cost": total, "agree": agree, "lines": len(result.lines)}


PER_PO = 1000


def load_tasks(engine, actor, tasks: int) -> tuple[list[int], list[int]]:
    """Two identical sets of `tasks` approved tasks on approved POs of PER_PO lines: (service POs, raw POs)."""
    now = utcnow()
    with Session(engine, expire_on_commit=False) as s, takt_db.transaction(s):
        vendor = partners.create_partner(s, actor, partners.PartnerCreate(name="Bench vendor"), now=now)
        projects.ensure_default_templates(s, actor.organization_id)
        template = projects.list_templates(s, actor)[0]
        project = projects.create_project(s, actor, projects.ProjectCreate(name="Bench", template_id=template.id), now=now)
        step_id = projects.steps(s, actor, project.id)[0].id
    org, po_ids = actor.organization_id, []
    with engine.begin() as conn:
        task_first = conn.execute(sa.select(sa.func.coalesce(sa.func.max(StudioTask.id), 0))).scalar() + 1
        conn.execute(sa.insert(StudioTask.__table__), [
            {"id": task_first + i, "organization_id": org, "project_id": project.id, "step_id": step_id,
             "status": "approved", "vendor_partner_id": vendor.id, "approved_at": now, "spent_minutes": 0,
             "rework_loops": 0, "custom": {}, "created_at": now, "updated_at": now} for i in range(2 * tasks)])
        for n in range(2 * tasks // PER_PO):
            po_ids.append(conn.execute(sa.insert(PurchaseOrder.__table__).returning(PurchaseOrder.__table__.c.id), {
                "organization_id": org, "number": f"BPO-{n:05d}", "vendor_partner_id": vendor.id,
                "project_id": project.id, "process_type": "In-between", "currency": "KRW", "vat_rule_code": "",
                "withholding_rule_code": "", "order_date": date(YEAR, 3, 1), "status": "approved",
                "base": Decimal(10_000 * PER_PO), "adjusted": Decimal(18_000 * PER_PO), "note": "", "created_at": now,
                "updated_at": now}).scalar())
            conn.execute(sa.insert(PurchaseOrderLine.__table__), [
                {"organization_id": org, "po_id": po_ids[-1], "task_id": task_first + n * PER_PO + i,
                 "description": f"task {n * PER_PO + i}", "quantity": 1, "unit_price": Decimal(10_000),
                 "difficulty_rate": Decimal("1.2"), "urgency_rate": Decimal("1.5"), "base": Decimal(10_000),
                 "adjusted": Decimal(18_000)} for i in range(PER_PO)])
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('studio_task', 'id'), (SELECT MAX(id) FROM studio_task))")
            for name in ("studio_task", "purchase_order_line", "settlement_line"):
                conn.exec_driver_sql(f"ANALYZE {name}")
    half = len(po_ids) // 2
    return po_ids[:half], po_ids[half:]


RAW_SETTLE = [
    "INSERT INTO settlement_line (organization_id, settlement_id, po_line_id, task_id, quantity, adjusted) "
    "SELECT l.organization_id, :sid, l.id, l.task_id, l.quantity, l.adjusted FROM purchase_order_line l "
    "JOIN studio_task t ON t.id = l.task_id WHERE l.po_id = :po AND t.approved_at IS NOT NULL "
    "AND l.task_id NOT IN (SELECT task_id FROM settlement_line WHERE task_id IS NOT NULL)",
    "UPDATE settlement SET adjusted = (SELECT SUM(adjusted) FROM settlement_line WHERE settlement_id = :sid), "
    "net_payable = (SELECT SUM(adjusted) FROM settlement_line WHERE settlement_id = :sid) WHERE id = :sid",
]


def bench_settlement(engine, actor, service_pos: list[int], raw_pos: list[int]) -> dict:
    service, service_total = [], Decimal(0)
    for po_id in service_pos:
        with Session(engine) as s:
            began = time.perf_counter()
            with takt_db.transaction(s):
                done = settlements.settle(s, actor, po_id, settled_on=date(YEAR, 3, 31), now=utcnow())
            service.append(time.perf_counter() - began)
            service_total += done.adjusted
    with Session(engine) as s:
        acc = {a.role: a.id for a in s.exec(sa.select(Account).where(
            Account.organization_id == actor.organization_id)).scalars()}
        period = s.exec(sa.select(FiscalPeriod).where(FiscalPeriod.organization_id == actor.organization_id,
                                                      FiscalPeriod.start == date(YEAR, 3, 1))).scalar_one()
    raw, raw_total, now = [], Decimal(0), utcnow()
    for n, po_id in enumerate(raw_pos):
        began = time.perf_counter()
        with engine.begin() as conn:
            sid = conn.execute(sa.insert(Settlement.__table__).returning(Settlement.__table__.c.id), {
                "organization_id": actor.organization_id, "number": f"RAW-ST-{n}", "po_id": po_id,
                "settled_on": date(YEAR, 3, 31), "adjusted": 0, "vat": 0, "withholding": 0, "net_payable": 0,
                "created_at": now, "updated_at": now}).scalar()
            for statement in RAW_SETTLE:
                conn.execute(sa.text(statement), {"sid": sid, "po": po_id})
            total = Decimal(str(conn.execute(sa.text("SELECT adjusted FROM settlement WHERE id = :sid"),
                                             {"sid": sid}).scalar()))
            entry = conn.execute(sa.insert(JournalEntry.__table__).returning(JournalEntry.__table__.c.id), {
                "organization_id": actor.organization_id, "number": f"RAW-SJ-{n}", "entry_date": date(YEAR, 3, 31),
                "period_id": period.id, "currency": "KRW", "memo": "", "posted_at": now, "created_at": now,
                "updated_at": now, "source_type": "raw_settlement", "source_id": sid}).scalar()
            conn.execute(sa.insert(JournalLine.__table__), [
                {"organization_id": actor.organization_id, "entry_id": entry, "account_id": acc["subcontracting"],
                 "debit": total, "credit": 0, "description": ""},
                {"organization_id": actor.organization_id, "entry_id": entry, "account_id": acc["payable"],
                 "debit": 0, "credit": total, "description": ""}])
        raw.append(time.perf_counter() - began)
        raw_total += total
    return {"service": sum(service), "raw": sum(raw), "service_total": service_total, "raw_total": raw_total,
            "per_po": percentiles(service)["p50"], "raw_per_po": percentiles(raw)["p50"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    tb_rows, post_rows, roll_rows, settle_rows = [], [], [], []
    for label, url in databases(args.postgres):
        engine = takt_db.make_engine(url)
        migrate(engine)
        takt_db.use_engine(engine)
        org_id, plant_id, actor = prepare(engine)
        began = time.perf_counter()
        load_lines(engine, org_id, args.lines)
        loaded = time.perf_counter() - began
        tb = bench_trial_balance(engine, actor)
        tb_rows.append([label, f"{tb['lines']:,}", f"{loaded:.0f}", ms(tb["service"]), ms(tb["raw"]),
                        f"{tb['service'] / tb['raw']:.2f}x", "yes" if tb["balanced"] else "NO"])
        post = bench_posting(engine, actor, args.entries)
        post_rows.append([label, args.entries, ms(post["service"]["p50"]), ms(post["service"]["p95"]),
                          ms(post["raw"]["p50"]), f"{post['service']['p50'] / post['raw']['p50']:.1f}x"])
        root = build_bom(engine, org_id, plant_id, args.items)
        roll = bench_rollup(engine, actor, root)
        roll_rows.append([label, args.items, roll["lines"], ms(roll["service"]), ms(roll["raw"]),
                          f"{roll['service'] / roll['raw']:.2f}x", f"{roll['unit_cost']} / {roll['raw_cost']}"])
        service_pos, raw_pos = load_tasks(engine, actor, args.tasks)
        st = bench_settlement(engine, actor, service_pos, raw_pos)
        settle_rows.append([label, f"{args.tasks:,}", len(service_pos), f"{st['service']:.2f}", ms(st["per_po"]),
                            f"{st['raw']:.2f}", ms(st["raw_per_po"]), f"{st['service'] / st['raw']:.1f}x",
                            "yes" if st["service_total"] == st["raw_total"] else f"NO {st['service_total']} / {st['raw_total']}"])
        engine.dispose()
        takt_db.use_engine(None)
    body = ("### Trial balance\n\nLines loaded by a raw bulk insert; the service's figures are checked against the raw "
            "GROUP BY.\n\n"
            + table(["database", "journal lines", "load s", "service p50 ms", "raw GROUP BY p50 ms", "service / raw",
                     "balanced"], tb_rows)
            + "\n### Posting one balanced 5-line entry per transaction\n\n"
            + table(["database", "entries", "service p50 ms", "service p95 ms", "raw insert p50 ms", "service / raw"],
                    post_rows)
            + "\n### Standard cost roll-up of a 5-level BOM\n\nThe raw baseline is one recursive CTE computing the same "
              "unit cost (material of the leaves, conversion of every made item); both figures are shown.\n\n"
            + table(["database", "items", "BOM lines walked", "service p50 ms", "raw CTE p50 ms", "service / raw",
                     "unit cost service / raw"], roll_rows)
            + "\n### Settling approved tasks into settlements\n\nEach settlement takes the approved, unsettled tasks of one PO "
              f"of {PER_PO:,} lines, writes its lines and posts its entry; the raw baseline does the same with SQL on an "
              "identical second set. Load average (1/5/15 min) at the start of the run: " + load + ".\n\n"
            + table(["database", "tasks", "settlements", "service s", "service per settlement p50 ms", "raw s",
                     "raw per settlement p50 ms", "service / raw", "totals agree"], settle_rows))
    write_section("finance", "Finance (trial balance, posting, cost roll-up)", body)


if __name__ == "__main__":
    main()
