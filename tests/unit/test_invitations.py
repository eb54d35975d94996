"""Invitations (services/config/invitations.py): the mail through the outbox, one-time links that expire, are
single use and stop working when revoked or replaced, accepting logs in (or asks for the two-factor set-up the
role requires), and tenancy."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import col, select

from models.audit import AuditEntry
from models.base import utcnow
from models.config import EmailOutbox
from models.org_settings import OrganizationSettings
from models.user import User
from services.config import invitations
from services.config.invitations import InvitationAccept, InvitationCreate
from services.core.access import Permission
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from services.core.languages import use_language
from services.org import auth, role_grants, roles, two_factor, users
from services.org.roles import RoleCreate
from tests.factories.db import fetch, snapshot

NEW_PASSWORD = "Fresh-start-2026"


def token_of(link: str) -> str:
    return parse_qs(urlparse(link).query)["token"][0]


def invite(session, world, now, email="new.person@example.com", **extra):
    data = InvitationCreate(email=email, roles=["planner"], plant_ids=[world.plant2], **extra)
    with transaction(session):
        return invitations.invite(session, world.actor(world.admin_a), data, now=now)


def accept(session, token, now, username="new.person"):
    with transaction(session):
        return invitations.accept(session, token, InvitationAccept(username=username, full_name="New Person",
                                                                   password=NEW_PASSWORD), now=now, ip="10.1.1.1")


def test_an_invitation_is_mailed_through_the_outbox_with_a_link_whose_token_is_stored_only_hashed(
        session, engine, world, now, captured_events, monkeypatch):
    monkeypatch.setenv("TAKT_PUBLIC_URL", "https://takt.example/")
    sent = invite(session, world, now, email=" New.Person@Example.com ")

    assert sent.link.startswith("https://takt.example/invitation?token=tki_")
    assert (sent.invitation.email, sent.invitation.status, sent.invitation.roles) == ("new.person@example.com", "pending", ["planner"])
    assert sent.invitation.expires_at == now + timedelta(days=7)
    [mail] = fetch(engine, EmailOutbox)
    assert mail.to_address == "new.person@example.com" and sent.link in mail.body and "Org A" in mail.subject
    assert "email.queued" in [e.name for e in captured_events]
    secret = token_of(sent.link).removeprefix("tki_")
    elsewhere = {table: rows for table, rows in snapshot(engine).items() if table != "email_outbox"}
    assert secret not in repr(elsewhere)                  # only the mail waiting in the outbox carries it


def test_the_invitation_is_written_in_the_organizations_language_whoever_invites(session, engine, world, now,
                                                                               monkeypatch):
    monkeypatch.setenv("TAKT_PUBLIC_URL", "https://takt.example")
    with transaction(session):
        session.add(OrganizationSettings(organization_id=world.org_a, language="ja"))
    with use_language("en"):                        # an English-speaking admin invites
        sent = invite(session, world, now)
    [mail] = fetch(engine, EmailOutbox)
    until = f"{sent.invitation.expires_at:%Y-%m-%d %H:%M}"
    assert mail.subject == "Takt の Org A への招待"
    assert mail.body == (f"admin.a さんから Takt の Org A に招待されました。\n\n"
                         f"次のリンクを開いて、ユーザー名とパスワードを設定してください:\n{sent.link}\n\n"
                         f"このリンクは {until} UTC まで、1 回だけ使えます。")
    with transaction(session):
        session.get(OrganizationSettings, fetch(engine, OrganizationSettings)[0].id).language = "ko"
    with use_language("ja"), transaction(session):   # a resend follows the organization's language of now
        again = invitations.resend(session, world.actor(world.admin_a), sent.invitation.id, now=now)
    latest = max(fetch(engine, EmailOutbox), key=lambda m: m.id)
    assert latest.subject == "Takt의 Org A 초대" and again.link in latest.body and "한 번만" in latest.body


def test_the_language_the_admin_chooses_writes_the_email_and_becomes_the_accounts(session, engine, world, now):
    with transaction(session):
        session.add(OrganizationSettings(organization_id=world.org_a, language="ja"))
    sent = invite(session, world, now, language="ko")
    assert sent.invitation.language == "ko"
    assert invitations.preview(session, token_of(sent.link), now=now).language == "ko"
    [mail] = fetch(engine, EmailOutbox)
    assert mail.subject == "Takt의 Org A 초대" and mail.body.startswith("admin.a 님이 Takt의 Org A에 초대했습니다.")
    accept(session, token_of(sent.link), now)
    assert session.exec(select(User).where(User.username == "new.person")).one().language == "ko"
    entry = session.exec(select(AuditEntry).where(AuditEntry.entity == "invitation")       # its creation (PostgreSQL
                         .order_by(col(AuditEntry.id))).first()                            # answers in no order)
    assert entry.changes["language"] == "ko"
    other = invite(session, world, now, email="other@example.com")
    assert invitations.preview(session, token_of(other.link), now=now).language == "ja"   # the organization's


@pytest.mark.parametrize("bad", ["fr", "japanese", "ja-JP"])
def test_a_language_takt_does_not_speak_is_refused(session, world, now, bad):
    with pytest.raises(Invalid) as refused:
        invite(session, world, now, language=bad)
    assert set(refused.value.fields) == {"language"}


def test_without_settings_the_invitation_is_in_english(session, engine, world, now):
    sent = invite(session, world, now, language="")
    [mail] = fetch(engine, EmailOutbox)
    assert mail.subject == "Your invitation to Org A on Takt" and mail.body.startswith("admin.a invites you to Org A")
    accept(session, token_of(sent.link), now)
    assert sent.invitation.language is None
    assert invitations.preview(session, token_of(invite(session, world, now, email="x@example.com").link),
                               now=now).language is None                 # no settings: the browser's
    assert session.exec(select(User).where(User.username == "new.person")).one().language is None


def test_accepting_creates_the_user_with_the_roles_and_plants_and_logs_them_in(session, engine, world, now):
    sent = invite(session, world, now)
    preview = invitations.preview(session, token_of(sent.link), now=now)
    assert (preview.organization_name, preview.suggested_username) == ("Org A", "new.person")

    result = accept(session, token_of(sent.link), now + timedelta(days=1))

    assert isinstance(result, auth.LoginResult)
    actor = auth.actor_for_token(session, result.token, now=now + timedelta(days=1))
    user = users.get_user(session, actor, actor.user_id)
    assert (user.username, user.full_name, user.email, user.roles, user.plant_ids, user.organization_id) == (
        "new.person", "New Person", "new.person@example.com", ["planner"], [world.plant2], world.org_a)
    [row] = invitations.list_invitations(session, world.actor(world.admin_a), now=now)
    assert (row.status, row.accepted_user_id) == ("accepted", actor.user_id)
    assert "accept" in [e.action for e in fetch(engine, AuditEntry, AuditEntry.entity == "invitation")]


def test_a_link_cannot_be_used_twice(session, world, now):
    sent = invite(session, world, now)
    accept(session, token_of(sent.link), now)
    with pytest.raises(Unauthorized, match="not valid any more"):
        accept(session, token_of(sent.link), now, username="second.try")


def test_a_link_expires(session, world, now):
    sent = invite(session, world, now, valid_days=2)
    with pytest.raises(Unauthorized):
        accept(session, token_of(sent.link), now + timedelta(days=2))
    [row] = invitations.list_invitations(session, world.actor(world.admin_a), now=now + timedelta(days=2))
    assert row.status == "expired"
    with pytest.raises(Invalid), transaction(session):
        invitations.invite(session, world.actor(world.admin_a), InvitationCreate(
            email="x@example.com", roles=["viewer"], valid_days=31), now=now)


def test_a_revoked_link_is_refused_and_a_resend_replaces_the_link(session, engine, world, now):
    admin = world.actor(world.admin_a)
    first = invite(session, world, now)
    with transaction(session):
        again = invitations.resend(session, admin, first.invitation.id, now=now + timedelta(days=6))
    assert again.invitation.expires_at == now + timedelta(days=13) and again.invitation.send_count == 2
    assert len(fetch(engine, EmailOutbox)) == 2
    with pytest.raises(Unauthorized):
        accept(session, token_of(first.link), now + timedelta(days=6))          # the old link stopped working

    with transaction(session):
        assert invitations.revoke(session, admin, first.invitation.id, now=now).status == "revoked"
    with pytest.raises(Unauthorized):
        accept(session, token_of(again.link), now + timedelta(days=6))
    assert invitations.list_invitations(session, admin, now=now, pending_only=True) == []


def test_one_pending_invitation_per_address_and_none_to_a_users_address(session, world, now):
    invite(session, world, now)
    with pytest.raises(Conflict):
        invite(session, world, now)
    with transaction(session):
        session.get(User, world.operator1).email = "op.one@example.com"
    with pytest.raises(Conflict):
        invite(session, world, now, email="OP.ONE@example.com")


def test_bad_input_is_named_per_field(session, world, now):
    with pytest.raises(Invalid) as refused, transaction(session):
        invitations.invite(session, world.actor(world.admin_a), InvitationCreate(
            email="not-an-address", roles=["pilot"], plant_ids=[world.plant_b]), now=now)
    assert set(refused.value.fields) == {"email", "roles", "plant_ids"}
    sent = invite(session, world, now)
    with pytest.raises(Invalid) as weak, transaction(session):
        invitations.accept(session, token_of(sent.link), InvitationAccept(username="x", password="short"), now=now)
    assert {"username", "password"} <= set(weak.value.fields)
    accept(session, token_of(sent.link), now)                       # the refused attempt did not use the link up


def test_tenancy_admins_see_and_change_only_their_organizations_invitations(session, world, now):
    sent = invite(session, world, now)
    other = world.actor(world.admin_b)
    assert invitations.list_invitations(session, other, now=now) == []
    for call in (invitations.revoke, invitations.resend):
        with pytest.raises(NotFound), transaction(session):
            call(session, other, sent.invitation.id, now=now)
    with pytest.raises(Forbidden), transaction(session):
        invitations.invite(session, world.actor(world.operator1), InvitationCreate(email="a@example.com", roles=["viewer"]), now=now)


def test_an_invitee_whose_role_requires_two_factor_sets_it_up_before_the_first_session(session, world, now):
    with transaction(session):
        two_factor.set_policy(session, world.actor(world.admin_a), ["planner"], now=now)
    sent = invite(session, world, now)

    challenge = accept(session, token_of(sent.link), now)

    assert isinstance(challenge, auth.SecondFactorChallenge) and challenge.purpose == "enrol"
    with pytest.raises(Unauthorized):
        accept(session, token_of(sent.link), now, username="again.person")


def _own_role(session, world, name="Line lead Berlin", permissions=("view_audit",)) -> str:
    with transaction(session):
        return roles.create_role(session, world.actor(world.admin_a), RoleCreate(name=name, permissions=list(permissions)),
                                 now=utcnow()).key


def test_an_invitation_with_a_role_of_the_organizations_own_grants_it_at_each_invited_plant(session, world, now):
    key = _own_role(session, world)
    data = InvitationCreate(email="lead@example.com", roles=["operator", key], plant_ids=[world.plant1, world.plant2])
    with transaction(session):
        sent = invitations.invite(session, world.actor(world.admin_a), data, now=now)
    assert sorted(sent.invitation.roles) == sorted(["operator", key])

    result = accept(session, token_of(sent.link), now, username="lead.one")
    actor = auth.actor_for_token(session, result.token, now=now)
    user = users.get_user(session, actor, actor.user_id)
    assert (user.roles, user.plant_ids) == (["operator"], [world.plant1, world.plant2])
    granted = role_grants.list_grants(session, world.actor(world.admin_a), user_id=actor.user_id)
    assert sorted((g.role_name, g.plant_id, g.department_id) for g in granted) == [
        ("Line lead Berlin", world.plant1, None), ("Line lead Berlin", world.plant2, None)]
    assert actor.can(Permission.VIEW_AUDIT, plant_id=world.plant1) and actor.can(Permission.RUN_JOBS, plant_id=world.plant2)


def test_a_role_of_ones_own_needs_a_plant_and_another_organizations_role_is_unknown(session, world, now):
    key = _own_role(session, world)
    with transaction(session):
        foreign = roles.create_role(session, world.actor(world.admin_b), RoleCreate(name="Press lead"), now=now).key
    for roles_, plants, field in (([key], [], "plant_ids"), ([foreign], [world.plant1], "roles")):
        with pytest.raises(Invalid) as refused, transaction(session):
            invitations.invite(session, world.actor(world.admin_a), InvitationCreate(
                email="x@example.com", roles=roles_, plant_ids=plants), now=now)
        assert list(refused.value.fields) == [field]
