"""The email outbox sender: delivers `email_outbox` rows over SMTP, with retries and backoff.

Settings come from the environment (`SmtpSettings.from_env`): TAKT_SMTP_HOST (unset: no email is
sent and rows wait), TAKT_SMTP_PORT (25), TAKT_SMTP_USER / TAKT_SMTP_PASSWORD (log-in when a user
is set), TAKT_SMTP_FROM (the sender address), TAKT_SMTP_TLS (`starttls`, `ssl` or `none`).

Invariants:
- a row is claimed before it is sent: its status becomes `sending`, its attempt count goes up and
  its lease runs until `next_attempt_at` (now + LEASE); claims skip rows another sender holds
  (FOR UPDATE SKIP LOCKED on PostgreSQL), and a lease that ran out (a sender died mid-send) is
  claimed again, so every email is sent at least once;
- no database transaction is held while talking to the SMTP server;
- a failed attempt is recorded (`last_error`) and retried after BASE_DELAY * 2^(attempts-1),
  at most MAX_DELAY; after MAX_ATTEMPTS the row is `failed` and stays for an admin to read;
- the sender works one organization at a time (`deliver_all_due`), each unit of work bound to it
  (services/core/system_jobs.py: row-level security on PostgreSQL).
"""
from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlmodel import Session, col, func, or_, select

from models.base import pk
from models.config import EmailOutbox, OutboxStatus
from services.core import tenancy
from services.core.db import db_session, transaction
from services.core.errors import NotFound
from services.core.system_jobs import organization_ids

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BASE_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = "takt@localhost"
    tls: str = "none"                  # starttls | ssl | none
    timeout: float = 20.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        env = os.environ if env is None else env
        host = env.get("TAKT_SMTP_HOST", "").strip()
        if not host:
            return None
        tls = env.get("TAKT_SMTP_TLS", "none").strip().lower() or "none"
        if tls not in ("starttls", "ssl", "none"):
            raise ValueError("TAKT_SMTP_TLS must be starttls, ssl or none")
        default_port = {"ssl": 465, "starttls": 587}.get(tls, 25)
        return cls(host=host, port=int(env.get("TAKT_SMTP_PORT", "") or default_port),
                   user=env.get("TAKT_SMTP_USER", ""), password=env.get("TAKT_SMTP_PASSWORD", ""),
                   sender=env.get("TAKT_SMTP_FROM", "") or "takt@localhost", tls=tls)


@dataclass(frozen=True)
class OutgoingMail:
    id: int
    to_address: str
    subject: str
    body: str
    attempts: int


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed

    def add(self, other: DeliveryReport) -> None:
        self.sent, self.retrying, self.failed = (self.sent + other.sent, self.retrying + other.retrying,
                                                 self.failed + other.failed)


def claim_due(session: Session, *, now: datetime, limit: int = 50,
              organization_id: int | None = None) -> list[OutgoingMail]:
    """Claim up to `limit` rows due now (pending, or sending with a lapsed lease), of one organization or of
    all; the caller commits."""
    query = select(EmailOutbox).where(
        or_(EmailOutbox.status == OutboxStatus.PENDING, EmailOutbox.status == OutboxStatus.SENDING),
        EmailOutbox.next_attempt_at <= now)
    if organization_id is not None:
        query = query.where(EmailOutbox.organization_id == organization_id)
    query = query.order_by(col(EmailOutbox.next_attempt_at), col(EmailOutbox.id)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.exec(query).all()
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = OutboxStatus.SENDING, row.attempts + 1, now + LEASE
        session.add(row)
    session.flush()
    return [OutgoingMail(pk(r), r.to_address, r.subject, r.body, r.attempts) for r in rows]


def record_result(session: Session, mail: OutgoingMail, error: str | None, *, now: datetime) -> OutboxStatus:
    """Mark one claimed row sent, or schedule its retry / give up; the caller commits."""
    row = session.get(EmailOutbox, mail.id)
    if row is None:
        raise NotFound("This outbox row is gone.")
    if error is None:
        row.status, row.sent_at, row.last_error = OutboxStatus.SENT, now, ""
    elif mail.attempts >= MAX_ATTEMPTS:
        row.status, row.last_error = OutboxStatus.FAILED, error[:1000]
    else:
        row.status, row.last_error = OutboxStatus.PENDING, error[:1000]
        row.next_attempt_at = now + retry_delay(mail.attempts)
    session.add(row)
    session.flush()
    return OutboxStatus(row.status)


def retry_delay(attempts: int) -> timedelta:
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def deliver_all_due(settings: SmtpSettings, *, now: datetime, limit: int = 50) -> DeliveryReport:
    """One pass for each organization (`deliver_due` bound to it); what they did together."""
    report = DeliveryReport()
    for organization_id in organization_ids():
        report.add(deliver_due(settings, now=now, limit=limit, organization_id=organization_id))
    return report


def deliver_due(settings: SmtpSettings, *, now: datetime, limit: int = 50, organization_id: int | None = None,
                sessions: Callable[[], AbstractContextManager[Session]] = db_session) -> DeliveryReport:
    """One pass: claim what is due (of one organization, its units of work bound to it; or of all), send it
    over one SMTP connection, record every outcome."""
    with sessions() as session, transaction(session):
        if organization_id is not None:
            tenancy.bind(session, organization_id)
        batch = claim_due(session, now=now, limit=limit, organization_id=organization_id)
    report = DeliveryReport()
    if not batch:
        return report
    results = _send_all(settings, batch)
    with sessions() as session, transaction(session):
        if organization_id is not None:
            tenancy.bind(session, organization_id)
        for mail in batch:
            status = record_result(session, mail, results[mail.id], now=now)
            if status == OutboxStatus.SENT:
                report.sent += 1
            elif status == OutboxStatus.FAILED:
                report.failed += 1
            else:
                report.retrying += 1
    return report


def outbox_counts(session: Session) -> dict[str, int]:
    rows = session.exec(select(EmailOutbox.status, func.count()).group_by(EmailOutbox.status)).all()
    return {OutboxStatus(status).value: count for status, count in rows}


def _send_all(settings: SmtpSettings, batch: list[OutgoingMail]) -> dict[int, str | None]:
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP server %s:%s unreachable: %s", settings.host, settings.port, exc)
        return {mail.id: f"connect: {exc}" for mail in batch}
    results: dict[int, str | None] = {}
    try:
        for mail in batch:
            try:
                client.send_message(_message(settings, mail))
                results[mail.id] = None
            except (OSError, smtplib.SMTPException) as exc:
                results[mail.id] = f"{type(exc).__name__}: {exc}"
    finally:
        with suppress(OSError, smtplib.SMTPException):
            client.quit()
    return results


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    client: smtplib.SMTP
    if settings.tls == "ssl":
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.tls == "starttls":
            client.starttls(context=ssl.create_default_context())
    if settings.user:
        client.login(settings.user, settings.password)
    return client


def _message(settings: SmtpSettings, mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = f"<takt-outbox-{mail.id}@{settings.sender.split('@')[-1]}>"
    message.set_content(mail.body or mail.subject)
    return message
