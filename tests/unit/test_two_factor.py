"""Two-factor log-in (services/org/two_factor.py and the second step of services/org/auth.py), on a fixed clock:
enrolment, codes of the current step only once, recovery codes single use, the rate limit on codes, the
organization's policy (enrol at the next log-in), API tokens untouched, the audit trail."""
from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from models.audit import AuditEntry
from models.auth import ApiTokenKind, RecoveryCode, UserTwoFactor
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, Unauthorized
from services.org import api_tokens, auth, lockouts, role_grants, roles, two_factor
from services.org.api_tokens import ApiTokenCreate
from services.org.role_grants import GrantCreate
from services.org.roles import RoleCreate
from tests.factories.db import count, fetch, stored_text
from tests.factories.org import PASSWORD


def code_at(secret: str, when) -> str:
    return pyotp.TOTP(secret).at(when)


def enrol(session, actor, now) -> tuple[str, list[str]]:
    """Turn two-factor log-in on for `actor` at `now`: (secret, recovery codes)."""
    with transaction(session):
        secret = two_factor.begin_enrolment(session, actor, now=now).secret
    with transaction(session):
        codes = two_factor.confirm_enrolment(session, actor, code_at(secret, now), now=now)
    return secret, codes


def password_step(session, username, *, now, ip=None, client="ui", code=None):
    with transaction(session):
        return auth.login(session, username, PASSWORD, now=now, ip=ip, client=client, code=code)


def second_step(session, challenge, code, *, now, ip=None):
    with transaction(session):
        return auth.finish_login(session, challenge, code, now=now, ip=ip)


def test_enrolment_shows_a_qr_code_of_an_otpauth_uri_and_turns_on_only_with_a_matching_code(session, world, now):
    actor = world.actor(world.operator1)
    with transaction(session):
        start = two_factor.begin_enrolment(session, actor, now=now)
    assert start.uri.startswith("otpauth://totp/") and f"secret={start.secret}" in start.uri
    assert start.qr_svg_data_url.startswith("data:image/svg+xml;base64,")
    assert two_factor.status(session, actor).pending and not two_factor.status(session, actor).enrolled

    with pytest.raises(Invalid), transaction(session):
        two_factor.confirm_enrolment(session, actor, "000000" if code_at(start.secret, now) != "000000" else "111111", now=now)
    with transaction(session):
        codes = two_factor.confirm_enrolment(session, actor, code_at(start.secret, now), now=now)

    assert len(codes) == 10 and len(set(codes)) == 10
    status = two_factor.status(session, actor)
    assert (status.enrolled, status.recovery_codes_left, status.confirmed_at) == (True, 10, now)
    assert not any(c in stored_text(session.get_bind()) for c in codes)        # stored only hashed
    with pytest.raises(Conflict), transaction(session):
        two_factor.begin_enrolment(session, actor, now=now)


def test_an_enrolled_person_gets_a_challenge_not_a_session_and_the_code_finishes_the_log_in(session, engine, world, now):
    secret, _ = enrol(session, world.actor(world.operator1), now)
    later = now + timedelta(minutes=3)

    challenge = password_step(session, "op.one", now=later)
    assert isinstance(challenge, auth.SecondFactorChallenge) and challenge.purpose == "code"
    with pytest.raises(Unauthorized), transaction(session):
        auth.actor_for_token(session, challenge.challenge, now=later)       # a challenge is no session

    result = second_step(session, challenge.challenge, code_at(secret, later), now=later)
    assert auth.actor_for_token(session, result.token, now=later).user_id == world.operator1
    with pytest.raises(Unauthorized), transaction(session):
        second_step(session, challenge.challenge, code_at(secret, later + timedelta(seconds=30)), now=later)   # single use
    [entry] = fetch(engine, AuditEntry, AuditEntry.action == "login")
    assert entry.changes["second_factor"] == "totp"


def test_a_code_is_accepted_one_step_either_side_but_never_twice(session, world, now):
    secret, _ = enrol(session, world.actor(world.operator1), now)
    t = now + timedelta(minutes=10)
    first = password_step(session, "op.one", now=t)
    second_step(session, first.challenge, code_at(secret, t - timedelta(seconds=30)), now=t)    # previous step: ok

    again = password_step(session, "op.one", now=t + timedelta(seconds=5))
    with pytest.raises(Unauthorized, match="wrong or was used"), transaction(session):
        second_step(session, again.challenge, code_at(secret, t - timedelta(seconds=30)), now=t + timedelta(seconds=5))
    with pytest.raises(Unauthorized), transaction(session):
        second_step(session, again.challenge, code_at(secret, t + timedelta(minutes=2)), now=t + timedelta(seconds=5))
    second_step(session, again.challenge, code_at(secret, t), now=t + timedelta(seconds=5))


def test_recovery_codes_work_once_each(session, world, now):
    _, codes = enrol(session, world.actor(world.operator1), now)
    t = now + timedelta(hours=1)

    challenge = password_step(session, "op.one", now=t)
    second_step(session, challenge.challenge, codes[0].upper().replace("-", " "), now=t)   # forgiving spelling
    assert two_factor.status(session, world.actor(world.operator1)).recovery_codes_left == 9

    challenge = password_step(session, "op.one", now=t + timedelta(minutes=1))
    with pytest.raises(Unauthorized), transaction(session):
        second_step(session, challenge.challenge, codes[0], now=t + timedelta(minutes=1))
    second_step(session, challenge.challenge, codes[1], now=t + timedelta(minutes=1))


def test_five_wrong_codes_hold_the_person_up_from_any_address_until_the_lock_ends(session, engine, world, now):
    secret, _ = enrol(session, world.actor(world.operator1), now)
    t = now + timedelta(hours=2)
    challenge = password_step(session, "op.one", now=t, ip="10.0.0.1")
    wrong = "123456" if code_at(secret, t) != "123456" else "654321"
    for i in range(auth.MAX_CODE_FAILURES):
        with pytest.raises(Unauthorized), transaction(session):
            second_step(session, challenge.challenge, wrong, now=t + timedelta(seconds=i), ip=f"10.0.0.{i}")

    with pytest.raises(RateLimited) as held, transaction(session):
        second_step(session, challenge.challenge, code_at(secret, t + timedelta(seconds=10)), now=t + timedelta(seconds=10))
    assert held.value.retry_after_seconds > 14 * 60
    # an admin sees the failures among the lockouts and can clear them
    admin = world.actor(world.admin_a)
    listed = lockouts.list_lockouts(session, admin, now=t + timedelta(seconds=10))
    assert {lk.username for lk in listed} == {"op.one"}
    assert {lk.blocked_until for lk in listed} == {t + timedelta(seconds=auth.MAX_CODE_FAILURES - 1) + auth.CODE_LOCK}

    after = t + auth.CODE_LOCK + timedelta(seconds=5)
    fresh = password_step(session, "op.one", now=after, ip="10.0.0.9")
    assert isinstance(second_step(session, fresh.challenge, code_at(secret, after), now=after), auth.LoginResult)


def test_the_api_sends_the_code_with_the_password_and_api_tokens_never_meet_a_second_factor(session, world, now):
    secret, _ = enrol(session, world.actor(world.admin_a), now)
    t = now + timedelta(minutes=5)
    with pytest.raises(auth.SecondFactorRequired), transaction(session):
        password_step(session, "admin.a", now=t, client="api")
    assert isinstance(password_step(session, "admin.a", now=t, client="api", code=code_at(secret, t)), auth.LoginResult)

    with transaction(session):
        token = api_tokens.create_api_token(session, world.actor(world.admin_a), ApiTokenCreate(
            name="Press 1", kind=ApiTokenKind.MACHINE, plant_id=world.plant1), now=t).token
    assert auth.actor_for_token(session, token, now=t).api_token_id is not None


def test_the_policy_makes_people_of_a_required_role_enrol_before_any_session(session, engine, world, now):
    admin = world.actor(world.admin_a)
    with transaction(session):
        policy = two_factor.set_policy(session, admin, ["operator", "Admin "], now=now)
    assert policy.required_roles == ["admin", "operator"]
    with pytest.raises(Invalid), transaction(session):
        two_factor.set_policy(session, admin, ["pilot"], now=now)

    challenge = password_step(session, "op.one", now=now)
    assert challenge.purpose == "enrol"
    with pytest.raises(Forbidden), transaction(session):
        password_step(session, "op.one", now=now, client="api")      # the API cannot set it up
    assert isinstance(password_step(session, "planner.one", now=now), auth.LoginResult)   # not a required role

    with transaction(session):
        start = auth.challenge_enrolment(session, challenge.challenge, now=now)
    with transaction(session):
        same = auth.challenge_enrolment(session, challenge.challenge, now=now)
    assert same.secret == start.secret                               # opening it again shows the same secret
    with pytest.raises(Unauthorized), transaction(session):
        auth.finish_login(session, challenge.challenge, code_at(start.secret, now), now=now)   # wrong purpose
    with transaction(session):
        result, codes = auth.finish_enrolment(session, challenge.challenge, code_at(start.secret, now), now=now)
    assert len(codes) == 10 and auth.actor_for_token(session, result.token, now=now).user_id == world.operator1
    with pytest.raises(Forbidden), transaction(session):
        two_factor.disable(session, world.actor(world.operator1), PASSWORD, now=now)   # required: stays on
    assert [e.action for e in fetch(engine, AuditEntry, AuditEntry.entity == "two_factor_policy")] == ["update"]


def test_the_policy_is_per_organization(session, world, now):
    with transaction(session):
        two_factor.set_policy(session, world.actor(world.admin_b), ["admin", "operator"], now=now)
    assert isinstance(password_step(session, "op.one", now=now), auth.LoginResult)
    assert two_factor.get_policy(session, world.actor(world.admin_a)).required_roles == []
    with pytest.raises(Forbidden):
        two_factor.get_policy(session, world.actor(world.operator1))


def test_turning_off_and_new_recovery_codes_need_the_password_and_an_admin_resets_a_lost_phone(session, engine, world, now):
    op = world.actor(world.operator1)
    _, old = enrol(session, op, now)
    with pytest.raises(Invalid), transaction(session):
        two_factor.regenerate_recovery_codes(session, op, "not-it", now=now)
    with transaction(session):
        new = two_factor.regenerate_recovery_codes(session, op, PASSWORD, now=now)
    assert set(new).isdisjoint(old) and count(engine, RecoveryCode) == 10

    with transaction(session):
        two_factor.reset_for_user(session, world.actor(world.admin_a), world.operator1, now=now)
    assert count(engine, UserTwoFactor) == 0 and count(engine, RecoveryCode) == 0
    assert isinstance(password_step(session, "op.one", now=now), auth.LoginResult)
    with pytest.raises(NotFound), transaction(session):
        two_factor.reset_for_user(session, world.actor(world.admin_b), world.operator1, now=now)

    enrol(session, op, now + timedelta(minutes=1))
    with transaction(session):
        two_factor.disable(session, op, PASSWORD, now=now)
    assert not two_factor.status(session, op).enrolled
    actions = [e.action for e in fetch(engine, AuditEntry, AuditEntry.entity == "user", order_by=AuditEntry.id)]
    assert {"two_factor_enrol", "two_factor_recovery_codes", "two_factor_reset", "two_factor_disable"} <= set(actions)


def test_a_challenge_expires(session, world, now):
    secret, _ = enrol(session, world.actor(world.operator1), now)
    challenge = password_step(session, "op.one", now=now)
    late = now + auth.CHALLENGE_TTL + timedelta(seconds=1)
    with pytest.raises(Unauthorized, match="expired"), transaction(session):
        second_step(session, challenge.challenge, code_at(secret, late), now=late)


def test_the_policy_names_the_organizations_own_roles_too_held_through_a_grant_at_a_plant(session, world, now):
    admin = world.actor(world.admin_a)
    with transaction(session):
        role = roles.create_role(session, admin, RoleCreate(name="Line lead Berlin", permissions=["view", "supervise"]),
                                 now=now)
    with transaction(session):
        role_grants.grant_role(session, admin, GrantCreate(user_id=world.planner1, role_id=role.id, plant_id=world.plant1),
                               now=now)
    with transaction(session):
        policy = two_factor.set_policy(session, admin, [role.key], now=now)
    assert policy.required_roles == [role.key] and role.key in [r.key for r in policy.known_roles]
    with pytest.raises(Invalid), transaction(session):
        two_factor.set_policy(session, world.actor(world.admin_b), [role.key], now=now)   # not org B's role

    assert password_step(session, "planner.one", now=now).purpose == "enrol"
    assert isinstance(password_step(session, "op.one", now=now), auth.LoginResult)


def test_an_admin_clearing_the_lockout_lets_the_person_enter_codes_again(session, world, now):
    secret, _ = enrol(session, world.actor(world.operator1), now)
    t = now + timedelta(hours=3)
    challenge = password_step(session, "op.one", now=t)
    wrong = "123456" if code_at(secret, t) != "123456" else "654321"
    for i in range(auth.MAX_CODE_FAILURES):
        with pytest.raises(Unauthorized), transaction(session):
            second_step(session, challenge.challenge, wrong, now=t + timedelta(seconds=i))
    with pytest.raises(RateLimited), transaction(session):
        second_step(session, challenge.challenge, code_at(secret, t + timedelta(seconds=30)), now=t + timedelta(seconds=30))

    with transaction(session):
        assert lockouts.clear_lockout(session, world.actor(world.admin_a), "op.one", None, now=t) == auth.MAX_CODE_FAILURES
    later = t + timedelta(seconds=31)
    assert isinstance(second_step(session, challenge.challenge, code_at(secret, later), now=later), auth.LoginResult)
