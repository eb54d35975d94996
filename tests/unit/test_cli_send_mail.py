"""`takt send-mail`, run as cron runs it: the console script delivers the outbox to a real SMTP server."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlmodel import Session

from models.base import utcnow
from models.user import User
from services.config import notifications
from services.core.db import make_engine, transaction
from services.core.migrations import migrate
from tests.factories.mail import Inbox, free_port
from tests.factories.org import make_org, make_user

TAKT = Path(sys.executable).with_name("takt")


def run(tmp_path: Path, db: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("TAKT_SMTP") and k != "DATABASE_URL"}
    return subprocess.run([str(TAKT), "send-mail"], env={**base, "DATABASE_URL": f"sqlite:///{db}", **env},
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)


def test_send_mail_delivers_the_outbox(tmp_path):
    db = tmp_path / "takt.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session, "cli-mail")
        user = make_user(session, org, roles=["quality"])
        session.get(User, user).email = "quality@example.com"
        session.commit()
        with transaction(session):
            notifications.notify(session, organization_id=org, title="NCR-7 needs you", kind="approval",
                                 user_ids=[user], now=utcnow())
    engine.dispose()

    assert run(tmp_path, db).returncode == 2                      # no TAKT_SMTP_HOST: says so, sends nothing
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        done = run(tmp_path, db, TAKT_SMTP_HOST="127.0.0.1", TAKT_SMTP_PORT=str(controller.port),
                   TAKT_SMTP_FROM="takt@example.com")
    finally:
        controller.stop()
    assert done.returncode == 0, done.stderr
    assert "sent 1, to retry 0, given up 0" in done.stdout
    assert [m.rcpt_tos for m in inbox.messages] == [["quality@example.com"]]
