"""System jobs per organization (services/core/system_jobs.py): the escalation clock, the retention purge and
the email outbox run one unit of work per organization, bound to it. On PostgreSQL as the app's non-superuser
role (row-level security holds) every job still does its work for every organization, and a query in a pass
that forgets its organization filter finds only that pass's organization. On both backends the job services
keep to the organization they are given."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from models.audit import AuditEntry
from models.base import utcnow
from models.config import EmailOutbox, OutboxStatus
from models.org_settings import OrganizationSettings
from models.organization import Plant
from models.user import User
from models.workflow import WorkflowInstance
from rxapp import activity_purge, escalation
from services import maintenance
from services.config import mail_outbox, notifications, workflow
from services.config.mail_outbox import SmtpSettings
from services.core.audit import audit
from services.core.db import transaction
from services.core.system_jobs import for_each_organization, organization_ids
from services.org import retention
from services.quality import ncr as ncr_service
from services.quality.ncr import NcrCreate
from services.studio import activity
from tests.factories.org import World, actor_of, make_user


@pytest.fixture
def world(session) -> World:
    return World(session)


def visible_organizations(session) -> set[int]:
    return set(session.exec(select(Plant.organization_id)).all())          # forgets `organization_id`


def test_each_pass_runs_bound_to_its_organization_and_a_failing_one_stops_no_other(world, app_db):
    passes: list[tuple[int, set[int]]] = []

    def work(session, organization_id: int) -> int:
        passes.append((organization_id, visible_organizations(session)))
        session.add(Plant(organization_id=organization_id, code=f"NEW{organization_id}", name="New", timezone="UTC"))
        if organization_id == world.org_a:
            raise RuntimeError("this organization's pass breaks")
        return 5

    assert organization_ids() == [world.org_a, world.org_b]
    assert for_each_organization(work) == 5
    assert passes == [(world.org_a, {world.org_a}), (world.org_b, {world.org_b})]
    added = for_each_organization(lambda s, org: len(s.exec(select(Plant).where(col(Plant.code).startswith("NEW"))).all()))
    assert added == 1                                                       # A's pass was rolled back


def test_the_jobs_pass_each_organization_to_their_services_in_its_own_unit_of_work(world, app_db, monkeypatch):
    calls: list[tuple[str, int | None, set[int]]] = []

    def probe(name, result):
        def service(session, *, now, organization_id=None):
            calls.append((name, organization_id, visible_organizations(session)))
            return result
        return service
    monkeypatch.setattr(workflow, "escalate_due", probe("escalate", 1))
    monkeypatch.setattr(maintenance, "run_due", probe("maintenance", 2))
    monkeypatch.setattr(activity, "purge_expired", probe("activity", 3))
    monkeypatch.setattr(retention, "purge_expired", probe("retention", {"audit": 4}))
    assert escalation.run_once() == (2, 4)
    assert activity_purge.run_once() == 14
    a, b = world.org_a, world.org_b
    assert calls == [("escalate", a, {a}), ("escalate", b, {b}), ("maintenance", a, {a}), ("maintenance", b, {b}),
                     ("activity", a, {a}), ("retention", a, {a}), ("activity", b, {b}), ("retention", b, {b})]


def _overdue_ncr(session, world, organization_id: int, plant_id: int, username: str) -> None:
    quality = make_user(session, organization_id, roles=["quality"], plant_ids=[plant_id], username=username)
    with transaction(session):       # raised four days ago: 'Open' is due after three
        ncr_service.create_ncr(session, actor_of(session, quality), NcrCreate(plant_id=plant_id, title="Old"),
                               now=world.now - timedelta(days=4))


@pytest.fixture
def overdue(session, world, now):
    world.now = now
    _overdue_ncr(session, world, world.org_a, world.plant1, "q.a")
    _overdue_ncr(session, world, world.org_b, world.plant_b, "q.b")


def escalated(session) -> dict[int, bool]:
    session.expire_all()
    return {i.organization_id: i.escalated_at is not None for i in session.exec(select(WorkflowInstance)).all()}


def test_escalation_keeps_to_the_organization_it_is_given(session, world, overdue, now):
    with transaction(session):
        assert workflow.escalate_due(session, now=now, organization_id=world.org_b) == 1
    assert escalated(session) == {world.org_a: False, world.org_b: True}


def test_the_escalation_clock_escalates_every_organization_under_row_level_security(session, world, overdue, now,
                                                                                   app_db):
    assert escalation.run_once(now)[0] == 2
    assert escalated(session) == {world.org_a: True, world.org_b: True}
    assert escalation.run_once(now)[0] == 0


def _old_and_new_audit(session, organization_id: int, now) -> None:
    with transaction(session):
        audit(session, None, "probe", 1, "old", organization_id=organization_id, at=now - timedelta(days=40))
        audit(session, None, "probe", 2, "new", organization_id=organization_id, at=now)
        settings = session.exec(select(OrganizationSettings).where(
            OrganizationSettings.organization_id == organization_id)).first()
        settings = settings or OrganizationSettings(organization_id=organization_id)
        settings.audit_retention_days = 30
        session.add(settings)


def probes_left(session) -> list[tuple[int, str]]:
    session.expire_all()
    return sorted((e.organization_id, e.action) for e in session.exec(select(AuditEntry).where(
        AuditEntry.entity == "probe")).all())


def test_the_retention_purge_keeps_to_the_organization_it_is_given(session, world, now):
    for org in (world.org_a, world.org_b):
        _old_and_new_audit(session, org, now)
    with transaction(session):
        assert retention.purge_expired(session, now=now, organization_id=world.org_a) == {"audit": 1,
                                                                                           "notifications": 0}
    assert probes_left(session) == [(world.org_a, "new"), (world.org_b, "new"), (world.org_b, "old")]


def test_the_retention_purge_runs_for_every_organization_under_row_level_security(session, world, app_db):
    now = utcnow()
    for org in (world.org_a, world.org_b):
        _old_and_new_audit(session, org, now)
    assert activity_purge.run_once() == 2
    assert probes_left(session) == [(world.org_a, "new"), (world.org_b, "new")]


@pytest.fixture
def mail_in_both(session, world, now):
    session.get(User, world.operator1).email = "op.one@example.com"
    session.get(User, world.admin_b).email = "admin.b@example.com"
    session.commit()
    with transaction(session):
        for org, user in ((world.org_a, world.operator1), (world.org_b, world.admin_b)):
            notifications.notify(session, organization_id=org, title="Machine down", body="Since 08:00",
                                 kind="alert", link="/andon", user_ids=[user], now=now)
    assert session.exec(select(func.count()).select_from(EmailOutbox)).one() == 2


def test_an_outbox_claim_keeps_to_the_organization_it_is_given(session, world, mail_in_both, now):
    with transaction(session):
        claimed = mail_outbox.claim_due(session, now=now, organization_id=world.org_b)
    assert [m.to_address for m in claimed] == ["admin.b@example.com"]


def test_the_outbox_sends_every_organizations_mail_under_row_level_security(session, world, mail_in_both, now,
                                                                           app_db, monkeypatch):
    sent: list[tuple[str, set[int]]] = []
    claim = mail_outbox.claim_due

    def claiming(s, **kwargs):
        batch = claim(s, **kwargs)
        sent.extend((m.to_address, visible_organizations(s)) for m in batch)
        return batch
    monkeypatch.setattr(mail_outbox, "claim_due", claiming)
    monkeypatch.setattr(mail_outbox, "_send_all", lambda _settings, batch: {m.id: None for m in batch})
    report = mail_outbox.deliver_all_due(SmtpSettings(host="127.0.0.1"), now=now)
    assert report.sent == 2
    assert sent == [("op.one@example.com", {world.org_a}), ("admin.b@example.com", {world.org_b})]
    session.expire_all()
    assert {r.status for r in session.exec(select(EmailOutbox)).all()} == {OutboxStatus.SENT}
