"""Configuration engine benchmark (issue 5): notifications and the email outbox, custom-field
validation and the custom-field list filter, each against a raw baseline in the same run.

1. `notify` to every member of a role (200 people, in-app + email per their defaults) in one unit
   of work, against a raw executemany of the same notification and outbox rows;
2. email outbox delivery to a real local SMTP server (aiosmtpd): `deliver_due` passes until the
   outbox is empty, against raw smtplib sending the same messages over one connection;
3. `custom_fields.validate` of one value per field type (6 fields), per call;
4. products filtered by a custom field among 10,000 products (`list_products(custom=...)`), against
   the raw JSON query (json_extract on SQLite, ->> on PostgreSQL).

Usage: .venv/bin/python -m bench.config_bench [--postgres URL] [--people 200] [--emails 500]
"""
from __future__ import annotations

import argparse
import os
import secrets
import smtplib
import time
from email.message import EmailMessage

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlmodel import Session

from bench.production_bench import databases, free_port, ms
from bench.report import percentiles, table, write_section
from models.base import utcnow
from models.catalog import Product
from models.config import EmailOutbox, Notification
from services.config import custom_fields, mail_outbox, notifications, type_lists
from services.config.custom_fields import CustomFieldCreate
from services.core import db as takt_db
from services.core.migrations import migrate
from services.org import organizations, users
from services.org.users import UserCreate


class Inbox:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def prepare(engine, people: int):
    with Session(engine, expire_on_commit=False) as s, takt_db.transaction(s):
        org = organizations.create_organization(s, slug=f"cfg-{secrets.token_hex(3)}", name="Config bench", now=utcnow())
        system = organizations.system_actor(s, org.id)
        tag = secrets.token_hex(2)
        ids = []
        for i in range(people):
            ids.append(users.create_user(s, system, UserCreate(
                username=f"q{tag}{i:04d}", email=f"q{i}@bench.example", password="Bench-password-42",
                roles=["quality"]), now=utcnow()).id)
        return org.id, system, ids


def bench_notify(engine, org_id: int, rounds: int = 5) -> dict:
    samples = []
    for _ in range(rounds):
        with Session(engine, expire_on_commit=False) as s:
            began = time.perf_counter()
            with takt_db.transaction(s):
                sent = notifications.notify(s, organization_id=org_id, title="SPC alert: bore 12H7", kind="alert",
                                            body="Rule 1: a point beyond 3 sigma", link="/quality/spc/1",
                                            roles=["quality"], now=utcnow())
            samples.append(time.perf_counter() - began)
    recipients = len(sent)
    raw = []
    for _ in range(rounds):
        now = utcnow()
        began = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(sa.insert(Notification.__table__), [
                {"organization_id": org_id, "user_id": 1, "kind": "alert", "title": "SPC alert", "body": "Rule 1",
                 "link": "/q", "entity_type": "", "created_at": now} for _ in range(recipients)])
            conn.execute(sa.insert(EmailOutbox.__table__), [
                {"organization_id": org_id, "to_address": "q@bench.example", "subject": "SPC alert", "body": "Rule 1",
                 "status": "pending", "attempts": 0, "next_attempt_at": now, "last_error": "", "created_at": now}
                for _ in range(recipients)])
        raw.append(time.perf_counter() - began)
    with engine.begin() as conn:                      # the raw rows must not be mailed
        conn.execute(sa.delete(EmailOutbox.__table__).where(EmailOutbox.__table__.c.to_address == "q@bench.example"))
    return {"recipients": recipients, "p50": percentiles(samples)["p50"], "raw": percentiles(raw)["p50"]}


def bench_outbox(engine, org_id: int) -> dict:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings = mail_outbox.SmtpSettings(host="127.0.0.1", port=controller.port, sender="takt@bench.example")
        with Session(engine) as s:
            queued = mail_outbox.outbox_counts(s).get("pending", 0)
        began = time.perf_counter()
        while mail_outbox.deliver_due(settings, limit=100, now=utcnow()).attempted:
            pass
        took = time.perf_counter() - began
        sent = inbox.count
        began = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", controller.port) as client:
            for i in range(sent):
                message = EmailMessage()
                message["From"], message["To"], message["Subject"] = "takt@bench.example", f"q{i}@bench.example", "x"
                message.set_content("Rule 1")
                client.send_message(message)
        raw = time.perf_counter() - began
    finally:
        controller.stop()
    return {"queued": queued, "sent": sent, "seconds": took, "raw": raw}


def bench_validate(engine, system, calls: int = 2000) -> dict:
    with Session(engine, expire_on_commit=False) as s, takt_db.transaction(s):
        for spec in (dict(key="weight", field_type="number", unit="kg", min_value="0", max_value="1000"),
                     dict(key="drawing", field_type="text"), dict(key="approved", field_type="date"),
                     dict(key="hazard", field_type="boolean"),
                     dict(key="defect", field_type="choice", type_list_key="defect_codes"),
                     dict(key="owner", field_type="user")):
            custom_fields.create_definition(s, system, CustomFieldCreate(entity_type="product", label=spec["key"].title(),
                                                                         **spec), now=utcnow())
        defect = type_lists.values(s, system, "defect_codes")[0].id
    owner = None
    with Session(engine) as s:
        owner = s.exec(sa.text(f"SELECT id FROM app_user WHERE organization_id = {system.organization_id} LIMIT 1")).scalar()
    values = {"weight": "12.5", "drawing": "DRW-7", "approved": "2026-03-02", "hazard": "yes", "defect": defect,
              "owner": owner}
    samples = []
    with Session(engine) as s:
        for _ in range(calls):
            began = time.perf_counter()
            custom_fields.validate(s, system, "product", values)
            samples.append(time.perf_counter() - began)
    return percentiles(samples)


def bench_filter(engine, system, products: int) -> dict:
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(sa.insert(Product.__table__), [
            {"organization_id": system.organization_id, "code": f"B{i:06d}", "name": "Bench part", "description": "",
             "unit": "pcs", "type": "finished", "is_active": True, "is_serialized": False, "created_at": now,
             "updated_at": now, "custom": {"weight": str(i % 500), "drawing": f"DRW-{i}"}} for i in range(products)])
    samples, found = [], 0
    with Session(engine) as s:
        for _ in range(20):
            began = time.perf_counter()
            found = len(products_filter(s, system))
            samples.append(time.perf_counter() - began)
    dialect = engine.dialect.name
    expr = "custom ->> 'weight'" if dialect == "postgresql" else "CAST(json_extract(custom, '$.\"weight\"') AS TEXT)"
    raw = []
    with engine.connect() as conn:
        for _ in range(20):
            began = time.perf_counter()
            conn.execute(sa.text(f"SELECT * FROM product WHERE organization_id = :o AND is_active AND {expr} = '7' "
                                 "ORDER BY code"), {"o": system.organization_id}).all()
            raw.append(time.perf_counter() - began)
    return {"found": found, "p50": percentiles(samples)["p50"], "raw": percentiles(raw)["p50"]}


def products_filter(session, actor):
    from services.master import products
    return products.list_products(session, actor, custom={"weight": "7"}, limit=10_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--products", type=int, default=10_000)
    args = parser.parse_args()
    rows = []
    for label, url in databases(args.postgres):
        engine = takt_db.make_engine(url)
        migrate(engine)
        takt_db.use_engine(engine)
        org_id, system, _ = prepare(engine, args.people)
        n = bench_notify(engine, org_id)
        o = bench_outbox(engine, org_id)
        v = bench_validate(engine, system)
        f = bench_filter(engine, system, args.products)
        rows.append([label, f"{n['recipients']}", ms(n["p50"]), ms(n["raw"]), f"{n['p50'] / n['raw']:.1f}x",
                     f"{o['sent']}", f"{o['sent'] / o['seconds']:,.0f}", f"{o['sent'] / o['raw']:,.0f}",
                     f"{v['p50'] * 1e6:,.0f}", f"{f['found']}", ms(f["p50"]), ms(f["raw"]),
                     f"{f['p50'] / f['raw']:.1f}x"])
        takt_db.use_engine(None)
        engine.dispose()
    write_section("config", "Configuration engine: notifications, email outbox, custom fields", (
        "`notify` reaches every quality person of the organization (in-app row + outbox row each, one unit of "
        "work) against a raw executemany of the same rows; the outbox is delivered to a local aiosmtpd server "
        "with claim/send/record passes against raw smtplib over one connection; `validate` checks one value of "
        "each of the six field types; the custom-field filter finds products among "
        f"{args.products:,} by a JSON value against the raw JSON query.\n\n"
        + table(["database", "recipients", "notify p50 ms", "raw ms", "ratio", "emails", "outbox emails/s",
                 "raw smtplib emails/s", "validate p50 µs", "filter hits", "filter p50 ms", "raw ms", "ratio"], rows)))


if __name__ == "__main__":
    main()
