"""Log-in, sessions, log-out, password change and the log-in rate limit (services/org/auth.py)."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from models.audit import AuditEntry
from models.auth import AuthSession, LoginAttempt
from models.user import Role
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound, RateLimited, Unauthorized
from services.org import auth, plants, users
from services.org.auth import (
    MAX_FAILURES,
    MAX_FAILURES_PER_IP,
    SESSION_MAX_AGE,
    SESSION_TTL,
)
from services.org.plants import PlantUpdate
from tests.factories.db import actor_for, count, fetch, log_in, snapshot, statements, stored_text
from tests.factories.org import PASSWORD

WRONG = "Wrong username or password, or the account is deactivated."
ENDED = "Your session has ended. Log in again."
NEW_PASSWORD = "Brand-new-secret-77"


def failed_login(session, username, password="Not-the-password-1", *, now, ip=None) -> Unauthorized:
    """One refused log-in in its own (rolled back) unit of work, as the UI and the API do it."""
    with pytest.raises(Unauthorized) as refused:
        log_in(session, username, password=password, now=now, ip=ip)
    return refused.value


# --- log-in -------------------------------------------------------------------------------

def test_login_returns_a_session_token_whose_row_holds_only_its_sha256(session, engine, world, now, captured_events):
    result = log_in(session, "op.one", now=now)

    assert (result.user_id, result.username) == (world.operator1, "op.one")
    assert result.token.startswith("tks_")
    assert result.expires_at == now + SESSION_TTL
    [row] = fetch(engine, AuthSession)
    assert row.user_id == world.operator1
    assert row.token_hash == hashlib.sha256(result.token.encode()).hexdigest()
    assert (row.created_at, row.expires_at, row.revoked_at) == (now, now + SESSION_TTL, None)
    secret_part = result.token.removeprefix("tks_")
    assert secret_part not in stored_text(engine)
    assert [e.name for e in captured_events] == ["user.logged_in"]
    assert captured_events[0].payload == {"user_id": world.operator1}


def test_the_token_resolves_to_the_users_actor(session, world, now):
    token = log_in(session, "op.one", now=now).token

    actor = actor_for(session, token, now=now + timedelta(minutes=5))

    assert (actor.user_id, actor.organization_id, actor.username) == (world.operator1, world.org_a, "op.one")
    assert actor.roles == {Role.OPERATOR}
    assert actor.plant_ids == {world.plant1}


def test_login_ignores_case_and_surrounding_spaces_in_the_username(session, world, now):
    assert log_in(session, "  OP.One ", now=now).user_id == world.operator1


def test_login_records_the_attempt_the_login_time_and_an_audit_row(session, engine, world, now):
    log_in(session, "op.one", now=now, ip="10.0.0.7")

    [attempt] = fetch(engine, LoginAttempt)
    assert (attempt.username, attempt.ip, attempt.at, attempt.succeeded) == ("op.one", "10.0.0.7", now, True)
    [entry] = fetch(engine, AuditEntry, AuditEntry.action == "login")
    assert (entry.user_id, entry.entity, entry.entity_id, entry.organization_id) == (
        world.operator1, "user", str(world.operator1), world.org_a)
    assert entry.changes == {"client": "ui", "ip": "10.0.0.7"}
    [user] = users.list_users(session, world.actor(world.admin_a), search="op.one")
    assert user.last_login_at == now


@pytest.mark.parametrize("username, password", [
    ("op.one", "Not-the-password-1"),      # wrong password
    ("nobody.here", PASSWORD),             # unknown user
], ids=["wrong-password", "unknown-user"])
def test_wrong_password_and_unknown_user_get_the_same_answer(session, engine, world, now, username, password):
    before = count(engine, AuthSession)

    refused = failed_login(session, username, password, now=now)

    assert str(refused) == WRONG and refused.fields == {}
    assert count(engine, AuthSession) == before
    assert count(engine, LoginAttempt, LoginAttempt.succeeded == False) == 1  # noqa: E712


def test_deactivated_user_cannot_log_in_with_the_right_password(session, engine, world, now):
    with transaction(session):
        users.set_active(session, world.actor(world.admin_a), world.operator1, False, now=now)

    refused = failed_login(session, "op.one", PASSWORD, now=now)

    assert str(refused) == WRONG
    assert count(engine, AuthSession) == 0


@pytest.mark.parametrize("username, password, fields", [
    ("", PASSWORD, {"username": "Required."}),
    ("op.one", "", {"password": "Required."}),
    ("   ", "", {"username": "Required.", "password": "Required."}),
])
def test_login_needs_both_username_and_password(session, engine, world, now, username, password, fields):
    before = snapshot(engine)
    with pytest.raises(Invalid) as refused:
        log_in(session, username, password=password, now=now)
    assert refused.value.message == "Enter your username and password."
    assert refused.value.fields == fields
    assert snapshot(engine) == before


def test_an_overlong_username_is_refused_like_any_wrong_one(session, engine, world, now):
    refused = failed_login(session, "x" * 300, now=now)

    assert str(refused) == WRONG
    [attempt] = fetch(engine, LoginAttempt)
    assert attempt.username == "x" * 64


# --- session expiry and renewal ---------------------------------------------------------------

def test_session_expires_after_the_ttl_when_unused(session, world, now):
    token = log_in(session, "op.one", now=now).token

    with pytest.raises(Unauthorized) as ended:
        actor_for(session, token, now=now + SESSION_TTL)
    assert str(ended.value) == ENDED


def test_use_slides_the_expiry_forward(session, engine, world, now):
    token = log_in(session, "op.one", now=now).token

    actor_for(session, token, now=now + SESSION_TTL - timedelta(hours=1))

    [row] = fetch(engine, AuthSession)
    assert row.expires_at == now + 2 * SESSION_TTL - timedelta(hours=1)
    assert actor_for(session, token, now=now + SESSION_TTL + timedelta(hours=1)).user_id == world.operator1


def test_sliding_renewal_stops_at_the_maximum_session_age(session, engine, world, now):
    token = log_in(session, "op.one", now=now).token
    step = SESSION_TTL - timedelta(hours=1)
    t = now
    while t + step < now + SESSION_MAX_AGE:
        t += step
        actor_for(session, token, now=t)                # each use well inside the TTL keeps it alive

    [row] = fetch(engine, AuthSession)
    assert row.expires_at == now + SESSION_MAX_AGE      # capped, although the last use was recent
    actor_for(session, token, now=now + SESSION_MAX_AGE - timedelta(seconds=1))
    with pytest.raises(Unauthorized) as ended:
        actor_for(session, token, now=now + SESSION_MAX_AGE)
    assert str(ended.value) == ENDED


@pytest.mark.parametrize("token", [None, "", "tks_not-a-real-token"])
def test_missing_or_unknown_session_tokens_are_refused(session, world, now, token):
    with pytest.raises(Unauthorized) as refused:
        actor_for(session, token, now=now)
    assert str(refused.value) == ("Log in first." if not token else ENDED)


def test_a_session_of_a_user_deactivated_meanwhile_is_refused(session, world, now):
    token = log_in(session, "op.one", now=now).token
    with transaction(session):
        users.set_active(session, world.actor(world.admin_a), world.operator1, False, now=now)

    with pytest.raises(Unauthorized) as refused:
        actor_for(session, token, now=now)
    assert str(refused.value) == ENDED


# --- log-out ------------------------------------------------------------------------------

def test_logout_revokes_the_session(session, engine, world, now):
    token = log_in(session, "op.one", now=now).token
    other = log_in(session, "op.one", now=now).token

    with transaction(session):
        auth.logout(session, token, now=now + timedelta(minutes=3))

    with pytest.raises(Unauthorized) as ended:
        actor_for(session, token, now=now + timedelta(minutes=4))
    assert str(ended.value) == ENDED
    assert actor_for(session, other, now=now + timedelta(minutes=4)).user_id == world.operator1
    revoked = fetch(engine, AuthSession, AuthSession.revoked_at.is_not(None))
    assert [r.revoked_at for r in revoked] == [now + timedelta(minutes=3)]
    [entry] = fetch(engine, AuditEntry, AuditEntry.action == "logout")
    assert (entry.entity_id, entry.organization_id) == (str(world.operator1), world.org_a)


def test_logout_twice_or_with_an_unknown_token_changes_nothing(session, engine, world, now):
    token = log_in(session, "op.one", now=now).token
    with transaction(session):
        auth.logout(session, token, now=now)
    before = snapshot(engine)

    with transaction(session):
        auth.logout(session, token, now=now + timedelta(minutes=1))
        auth.logout(session, "tks_unknown", now=now + timedelta(minutes=1))

    assert snapshot(engine) == before


# --- change password ----------------------------------------------------------------------

def change_password(session, token, current, new, *, now, keep=True):
    with transaction(session):
        actor = auth.actor_for_token(session, token, now=now)
        auth.change_password(session, actor, current, new, now=now, keep_token=token if keep else None)


def test_change_password_ends_the_other_sessions_and_keeps_this_one(session, engine, world, now, captured_events):
    kept = log_in(session, "op.one", now=now).token
    other = log_in(session, "op.one", now=now).token
    captured_events.clear()

    change_password(session, kept, PASSWORD, NEW_PASSWORD, now=now + timedelta(minutes=1))

    assert actor_for(session, kept, now=now + timedelta(minutes=2)).user_id == world.operator1
    with pytest.raises(Unauthorized):
        actor_for(session, other, now=now + timedelta(minutes=2))
    failed_login(session, "op.one", PASSWORD, now=now + timedelta(minutes=3))
    assert log_in(session, "op.one", password=NEW_PASSWORD, now=now + timedelta(minutes=3)).user_id == world.operator1
    assert [e.name for e in captured_events][:1] == ["user.password_changed"]
    assert count(engine, AuditEntry, AuditEntry.action == "change_password") == 1


def test_change_password_with_a_wrong_current_password_changes_nothing(session, engine, world, now):
    token = log_in(session, "op.one", now=now).token
    other = log_in(session, "op.one", now=now).token
    before = snapshot(engine)

    with pytest.raises(Invalid) as refused:
        change_password(session, token, "Not-the-password-1", NEW_PASSWORD, now=now)

    assert refused.value.message == "The current password is wrong."
    assert refused.value.fields == {"current_password": "Wrong password."}
    assert snapshot(engine) == before
    assert actor_for(session, other, now=now).user_id == world.operator1


@pytest.mark.parametrize("new, message, problem", [
    ("short-1", "The password is too weak.", "Use at least 10 characters."),
    ("op.one-and-more-1", "The password is too weak.", "The password must not contain the username."),
    (PASSWORD, "Choose a new password.", "Same as the current password."),
])
def test_change_password_refuses_a_weak_or_unchanged_new_password(session, engine, world, now, new, message, problem):
    token = log_in(session, "op.one", now=now).token
    before = snapshot(engine)

    with pytest.raises(Invalid) as refused:
        change_password(session, token, PASSWORD, new, now=now)

    assert refused.value.message == message
    assert refused.value.fields == {"new_password": problem}
    assert snapshot(engine) == before


def test_an_api_token_cannot_change_a_password(session, world, now):
    from services.org.api_tokens import ApiTokenCreate, create_api_token
    with transaction(session):
        raw = create_api_token(session, world.actor(world.admin_a), ApiTokenCreate(plant_id=world.plant1, name="M1"), now=now).token
    token_actor = actor_for(session, raw, now=now)

    with pytest.raises(Forbidden) as refused:
        auth.change_password(session, token_actor, PASSWORD, NEW_PASSWORD, now=now)
    assert str(refused.value) == "Only a person can change a password."


# --- rate limit ---------------------------------------------------------------------------

def test_after_max_failures_the_pair_waits_growing_delays_even_with_the_right_password(session, engine, world, now):
    here = "203.0.113.9"
    for _ in range(MAX_FAILURES):
        failed_login(session, "op.one", now=now, ip=here)

    with pytest.raises(RateLimited) as limited:
        log_in(session, "op.one", now=now + timedelta(seconds=10), ip=here)
    assert limited.value.retry_after_seconds == 21                       # 30 s after the last failure
    assert str(limited.value) == ("Too many failed log-in attempts for this account from your address. "
                                  "Try again in 21 seconds; an administrator can also clear this.")
    failed_login(session, "op.one", now=now + timedelta(seconds=31), ip=here)      # the 6th: 60 s now
    with pytest.raises(RateLimited) as longer:
        log_in(session, "op.one", now=now + timedelta(seconds=41), ip=here)
    assert longer.value.retry_after_seconds == 51
    assert count(engine, AuthSession) == 0

    assert log_in(session, "op.one", now=now + timedelta(seconds=92), ip=here).user_id == world.operator1


def test_failures_from_one_address_never_lock_the_owner_out_elsewhere(session, world, now):
    for _ in range(MAX_FAILURES):
        failed_login(session, "op.one", now=now, ip="203.0.113.9")

    assert log_in(session, "op.one", now=now, ip="198.51.100.1").user_id == world.operator1


def test_admins_see_and_clear_lockouts_of_their_organization_only(session, engine, world, now):
    from services.org import lockouts
    for _ in range(MAX_FAILURES):
        failed_login(session, "op.one", now=now, ip="203.0.113.9")
    admin, other_admin = world.actor(world.admin_a), world.actor(world.admin_b)
    [held] = lockouts.list_lockouts(session, admin, now=now)
    assert (held.username, held.ip, held.failures) == ("op.one", "203.0.113.9", MAX_FAILURES)
    assert held.blocked_until == now + auth.PAIR_DELAY
    assert lockouts.list_lockouts(session, other_admin, now=now) == []
    with pytest.raises(Forbidden):
        lockouts.list_lockouts(session, world.actor(world.operator1), now=now)
    with pytest.raises(NotFound), transaction(session):
        lockouts.clear_lockout(session, other_admin, "op.one", None, now=now)
    with transaction(session):
        assert lockouts.clear_lockout(session, admin, "op.one", "203.0.113.9", now=now) == MAX_FAILURES
    assert lockouts.list_lockouts(session, admin, now=now) == []
    assert log_in(session, "op.one", now=now, ip="203.0.113.9").user_id == world.operator1
    assert [e.action for e in fetch(engine, AuditEntry) if e.action == "clear_lockout"] == ["clear_lockout"]


def test_failures_below_the_limit_do_not_block(session, world, now):
    for _ in range(MAX_FAILURES - 1):
        failed_login(session, "op.one", now=now)

    assert log_in(session, "op.one", now=now).user_id == world.operator1


def test_a_successful_login_starts_the_failure_count_afresh(session, world, now):
    for _ in range(MAX_FAILURES - 1):
        failed_login(session, "op.one", now=now)
    log_in(session, "op.one", now=now + timedelta(minutes=1))
    for _ in range(MAX_FAILURES - 1):
        failed_login(session, "op.one", now=now + timedelta(minutes=2))

    assert log_in(session, "op.one", now=now + timedelta(minutes=3)).user_id == world.operator1


def test_the_limit_is_per_username(session, world, now):
    for _ in range(MAX_FAILURES):
        failed_login(session, "op.one", now=now)

    assert log_in(session, "planner.one", now=now).user_id == world.planner1


def test_many_failures_from_one_address_block_that_address(session, world, now):
    for i in range(MAX_FAILURES_PER_IP):
        failed_login(session, f"guess{i}", now=now, ip="203.0.113.9")

    with pytest.raises(RateLimited):
        log_in(session, "planner.one", now=now, ip="203.0.113.9")
    assert log_in(session, "planner.one", now=now, ip="198.51.100.1").user_id == world.planner1


def test_a_failed_attempt_counts_although_the_callers_transaction_rolls_back(session, engine, world, now):
    with pytest.raises(Unauthorized), transaction(session):
        auth.login(session, "op.one", "Not-the-password-1", now=now)

    [attempt] = fetch(engine, LoginAttempt)
    assert (attempt.username, attempt.succeeded, attempt.at) == ("op.one", False, now)


def test_a_failed_attempt_counts_when_the_caller_had_already_written_in_its_transaction(session, engine, world, now):
    """On SQLite the caller then holds the write lock: the failure must not wait for it or be lost."""
    admin = world.actor(world.admin_a)
    with pytest.raises(Unauthorized), transaction(session):
        plants.update_plant(session, admin, world.plant1, PlantUpdate(name="Renamed"), now=now)
        session.flush()
        auth.login(session, "op.one", "Not-the-password-1", now=now)

    assert [(a.username, a.succeeded) for a in fetch(engine, LoginAttempt)] == [("op.one", False)]
    assert plants.get_plant(session, admin, world.plant1).name == "Plant"


def test_failures_recorded_while_the_caller_writes_still_reach_the_limit(session, world, now):
    admin = world.actor(world.admin_a)
    for i in range(MAX_FAILURES):
        with pytest.raises(Unauthorized), transaction(session):
            plants.update_plant(session, admin, world.plant1, PlantUpdate(name=f"Renamed {i}"), now=now)
            session.flush()
            auth.login(session, "op.one", "Not-the-password-1", now=now)

    with pytest.raises(RateLimited):
        log_in(session, "op.one", now=now)



# --- the request path: one query per token check, nothing cached ------------------------------

def test_a_session_token_resolves_in_one_query_once_its_expiry_has_slid(session, engine, world, now):
    token = log_in(session, "op.one", now=now).token
    actor_for(session, token, now=now)                     # slides the expiry: one UPDATE besides

    with statements(engine) as seen:
        actor = actor_for(session, token, now=now + timedelta(seconds=30))
    assert (actor.user_id, actor.roles, actor.plant_ids) == (world.operator1, {Role.OPERATOR}, {world.plant1})
    assert [s.split()[0] for s in seen if s.split()[0] not in ("BEGIN", "COMMIT")] == ["SELECT"]


def test_an_admins_token_sees_every_plant_of_its_organization_and_no_other(session, world, now):
    token = log_in(session, "admin.a", now=now).token
    actor = actor_for(session, token, now=now)
    assert Role.ADMIN in actor.roles
    assert actor.plant_ids == {world.plant1, world.plant2}


def test_a_revoked_session_is_refused_on_its_very_next_use(session, world, now):
    token = log_in(session, "op.one", now=now).token
    assert actor_for(session, token, now=now).user_id == world.operator1
    with transaction(session):
        auth.logout(session, token, now=now)
    with pytest.raises(Unauthorized):
        actor_for(session, token, now=now)
