"""The studio demo (a TV series and a film with partners, accounts and reviews) and
`takt purge-activity` run as cron would."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, func, select

from models.studio_work import StudioActivity
from services.core.db import make_engine, transaction
from services.core.migrations import migrate
from services.demo import seed as demo
from services.demo.production import demo_actor
from services.demo.studio import seed_demo_studio
from services.studio import dashboard, projects, reviews, tasks
from tests.conftest import T0
from tests.factories.org import make_org, make_user

ROOT = Path(__file__).resolve().parents[2]


def test_demo_series_film_partners_and_reviews(session, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    monkeypatch.setenv("TAKT_DEMO", "1")     # the demo's studio is seeded as its people, after their flags are set
    with transaction(session):
        demo.seed_demo(session, now=T0, production=False)
    acme = demo_actor(session, "admin").organization_id
    with transaction(session):
        seed_demo_studio(session, acme, now=T0)
    admin = demo_actor(session, "admin")
    by_name = {p.name: p for p in projects.list_projects(session, admin)}
    series = by_name["Star Seeds"]
    assert by_name["The Lighthouse Keeper"].name2 == "灯台守"
    board = dashboard.dashboard(session, admin, series.id, today=T0.date())
    assert board.tasks == (300 + 11 * 40) * 8 and board.approved == 5 and board.rework_loops == 5
    vendor_tasks = tasks.list_tasks(session, demo_actor(session, "vendor.sakura"), limit=5000)
    assert vendor_tasks and all(t.step_key == "key_animation" for t in vendor_tasks)
    shared = reviews.client_reviews(session, demo_actor(session, "client.tv"))
    assert len(shared) == 5 and all(r.stage == "qc2" and r.decision == "approve" for r in shared)


def test_purge_activity_command(tmp_path):
    db = tmp_path / "takt.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session, "cli-purge")
        make_user(session, org, roles=["admin"], username="purge.admin")
        admin = demo_actor(session, "purge.admin")
        with transaction(session):
            projects.create_project(session, admin, projects.ProjectCreate(name="Old"), now=T0 - timedelta(days=30))
            projects.create_project(session, admin, projects.ProjectCreate(name="New"),
                                    now=datetime.now(UTC))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DATABASE_URL": f"sqlite:///{db}"}
    done = subprocess.run([sys.executable, "-m", "rxapp.cli", "purge-activity"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "purged 1 expired activity, audit and notification row(s)" in done.stdout
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(StudioActivity)).one() == 1
    engine.dispose()
