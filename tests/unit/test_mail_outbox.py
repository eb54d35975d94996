"""The email outbox sender against a real local SMTP server (aiosmtpd): delivery, failures with
retries and backoff, giving up, and a lapsed lease claimed again."""
from __future__ import annotations

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from models.config import EmailOutbox, OutboxStatus
from models.user import User
from services.config import mail_outbox, notifications
from services.config.mail_outbox import MAX_ATTEMPTS, SmtpSettings
from services.core.db import transaction
from tests.factories.mail import Inbox, free_port


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, SmtpSettings(host="127.0.0.1", port=controller.port, sender="takt@plant.example")
    controller.stop()


@pytest.fixture
def queued(session, world, now):
    session.get(User, world.operator1).email = "op.one@example.com"
    session.commit()
    with transaction(session):
        notifications.notify(session, organization_id=world.org_a, title="Machine M1 down", body="Since 08:00",
                             kind="alert", link="/andon", user_ids=[world.operator1], now=now)
    return session.exec(select(EmailOutbox)).one().id


def row(session, outbox_id) -> EmailOutbox:
    session.expire_all()
    return session.get(EmailOutbox, outbox_id)


def test_an_email_really_arrives(session, smtp, queued, now):
    inbox, settings = smtp
    report = mail_outbox.deliver_due(settings, now=now)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["op.one@example.com"] and envelope.mail_from == "takt@plant.example"
    text = envelope.content.decode()
    assert "Subject: Machine M1 down" in text and "Since 08:00" in text and "/andon" in text
    sent = row(session, queued)
    assert (sent.status, sent.attempts, sent.sent_at) == (OutboxStatus.SENT, 1, now)
    assert mail_outbox.deliver_due(settings, now=now + timedelta(hours=1)).attempted == 0


def test_a_refused_email_is_retried_with_backoff_then_sent(session, smtp, queued, now):
    inbox, settings = smtp
    inbox.refuse = 2
    assert mail_outbox.deliver_due(settings, now=now).retrying == 1
    first = row(session, queued)
    assert first.status == OutboxStatus.PENDING and "451" in first.last_error
    assert first.next_attempt_at == now + timedelta(minutes=1)
    assert mail_outbox.deliver_due(settings, now=now + timedelta(seconds=59)).attempted == 0   # not due yet
    assert mail_outbox.deliver_due(settings, now=now + timedelta(minutes=1)).retrying == 1
    assert row(session, queued).next_attempt_at == now + timedelta(minutes=1) + timedelta(minutes=2)
    assert mail_outbox.deliver_due(settings, now=now + timedelta(minutes=3)).sent == 1
    assert len(inbox.messages) == 1 and row(session, queued).attempts == 3


def test_an_unreachable_server_is_recorded_and_given_up_after_the_last_attempt(session, queued, now):
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)     # nobody listens there
    at = now
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = mail_outbox.deliver_due(settings, now=at)
        assert report.attempted == 1
        current = row(session, queued)
        assert current.attempts == attempt and current.last_error.startswith("connect:")
        at = current.next_attempt_at
    assert row(session, queued).status == OutboxStatus.FAILED
    assert mail_outbox.deliver_due(settings, now=at + timedelta(days=1)).attempted == 0
    assert mail_outbox.outbox_counts(session) == {"failed": 1}


def test_a_claim_whose_sender_died_is_taken_again_after_the_lease(session, smtp, queued, now):
    inbox, settings = smtp
    with transaction(session):
        [claimed] = mail_outbox.claim_due(session, now=now)         # ... and the sender dies here
    assert claimed.attempts == 1
    assert mail_outbox.deliver_due(settings, now=now + timedelta(minutes=1)).attempted == 0   # still leased
    assert mail_outbox.deliver_due(settings, now=now + mail_outbox.LEASE).sent == 1
    assert len(inbox.messages) == 1


def test_settings_come_from_the_environment():
    assert SmtpSettings.from_env({}) is None
    settings = SmtpSettings.from_env({"TAKT_SMTP_HOST": "mail.example", "TAKT_SMTP_TLS": "starttls",
                                      "TAKT_SMTP_USER": "takt", "TAKT_SMTP_PASSWORD": "s3cret",
                                      "TAKT_SMTP_FROM": "mes@example.com"})
    assert (settings.host, settings.port, settings.tls, settings.sender) == ("mail.example", 587, "starttls",
                                                                             "mes@example.com")
    assert "s3cret" not in repr(settings)
    with pytest.raises(ValueError):
        SmtpSettings.from_env({"TAKT_SMTP_HOST": "x", "TAKT_SMTP_TLS": "maybe"})
