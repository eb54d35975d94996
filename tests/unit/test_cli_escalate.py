"""`takt escalate`, run as cron would: the console script escalates overdue workflow items once."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from models.config import Notification
from services.config import workflow
from services.core.db import make_engine, transaction
from services.core.migrations import migrate
from services.quality import ncr
from services.quality.ncr import NcrCreate
from tests.conftest import T0
from tests.factories.org import actor_of, make_org, make_plant, make_user

TAKT = Path(sys.executable).with_name("takt")


def run(tmp_path: Path, db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.run([str(TAKT), "escalate", *args], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False)


def test_escalate_fires_for_overdue_items_only(tmp_path):
    db = tmp_path / "takt.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session, "cli-esc")
        plant = make_plant(session, org, "P1")
        quality = make_user(session, org, roles=["quality"], plant_ids=[plant])
        with transaction(session):       # the NCR default: 'open' is due after 3 days, escalated to quality
            workflow.start(session, actor_of(session, quality), "maintenance_ticket", 1, plant_id=plant, now=T0)
            ncr.create_ncr(session, actor_of(session, quality), NcrCreate(plant_id=plant, title="Crack"), now=T0)
    engine.dispose()

    early = run(tmp_path, db, "--at", (T0 + timedelta(days=2)).isoformat())
    assert early.returncode == 0 and "escalated 0 overdue item(s)" in early.stdout
    due = run(tmp_path, db, "--at", (T0 + timedelta(days=3)).isoformat())
    assert due.returncode == 0 and "escalated 1 overdue item(s)" in due.stdout
    assert run(tmp_path, db, "--at", "yesterday").returncode == 2
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        notes = session.exec(select(Notification).where(Notification.user_id == quality)).all()
        assert [n.kind for n in notes] == ["escalation"]     # the raiser is not told of their own NCR; overdue is
    engine.dispose()
