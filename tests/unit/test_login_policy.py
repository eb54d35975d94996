"""The organization's log-in policy (services/org/settings.py): session lengths the token check uses (in its one
query), password rules every password set meets, validation of the policy, and its history."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.auth import AuthSession
from services.core.db import transaction
from services.core.errors import Invalid, Unauthorized
from services.org import auth, passwords, settings, users
from services.org.passwords import PasswordPolicy
from services.org.settings import SettingsUpdate
from services.org.users import UserCreate
from tests.conftest import T0
from tests.factories.db import actor_for, fetch, log_in, statements
from tests.factories.org import PASSWORD

ENDED = "Your session has ended. Log in again."


def _update(session, world, **values):
    with transaction(session):
        return settings.update_settings(session, world.actor(world.admin_a), SettingsUpdate(**values), now=T0)


# --- the policy and its validation -------------------------------------------------------------

def test_the_default_policy_is_todays_rules(session, world):
    read = settings.settings_for(session, world.org_a)
    assert (read.session_idle_minutes, read.session_max_hours, read.password_min_length) == (720, 168, 10)
    assert timedelta(minutes=read.session_idle_minutes) == auth.SESSION_TTL
    assert timedelta(hours=read.session_max_hours) == auth.SESSION_MAX_AGE
    assert settings.password_policy(session, world.org_a) == PasswordPolicy(min_length=passwords.MIN_LENGTH)
    assert settings.session_lengths(session, world.org_a) == (auth.SESSION_TTL, auth.SESSION_MAX_AGE)


@pytest.mark.parametrize("values, fields", [
    ({"session_idle_minutes": 14}, {"session_idle_minutes"}),
    ({"session_idle_minutes": 1441}, {"session_idle_minutes"}),
    ({"session_max_hours": 0}, {"session_max_hours"}),
    ({"session_max_hours": 2161}, {"session_max_hours"}),
    ({"password_min_length": 7, "session_idle_minutes": 10}, {"password_min_length", "session_idle_minutes"}),
    ({"password_min_length": 65}, {"password_min_length"}),
    ({"session_idle_minutes": 180, "session_max_hours": 2}, {"session_idle_minutes"}),   # idle longer than absolute
])
def test_a_policy_out_of_bounds_is_refused_at_its_field_and_nothing_changes(session, world, values, fields):
    with pytest.raises(Invalid) as refused:
        _update(session, world, **values)
    assert set(refused.value.fields) == fields
    assert settings.settings_for(session, world.org_a).session_idle_minutes == 720
    assert settings.settings_history(session, world.actor(world.admin_a)) == []


def test_the_idle_length_must_fit_the_stored_absolute_length(session, world):
    _update(session, world, session_max_hours=1, session_idle_minutes=60)
    with pytest.raises(Invalid) as refused:
        _update(session, world, session_idle_minutes=61)
    assert refused.value.fields["session_idle_minutes"] == ("Use at most the session's longest length (1 hours = 60 "
                                                            "minutes).")


def test_a_policy_change_is_in_the_history_and_only_for_its_organization(session, world):
    _update(session, world, session_idle_minutes=30, password_min_length=14, password_require_symbol=True)
    [change] = settings.settings_history(session, world.actor(world.admin_a))
    assert change.username == "admin.a"
    assert change.changes == {"session_idle_minutes": {"before": 720, "after": 30},
                              "password_min_length": {"before": 10, "after": 14},
                              "password_require_symbol": {"before": False, "after": True}}
    assert settings.password_policy(session, world.org_b) == PasswordPolicy()
    assert settings.password_policy(session, world.org_a).require_symbol is True


# --- session lengths ----------------------------------------------------------------------------

def test_a_shorter_idle_length_expires_a_session_at_once(session, engine, world, now):
    token = log_in(session, "op.one", now=now).token
    assert actor_for(session, token, now=now + timedelta(minutes=20)).user_id == world.operator1
    _update(session, world, session_idle_minutes=15)

    # started under 12 hours idle; the 15 minutes in force now count from its last use
    assert actor_for(session, token, now=now + timedelta(minutes=34)).user_id == world.operator1
    with pytest.raises(Unauthorized) as ended:
        actor_for(session, token, now=now + timedelta(minutes=34 + 15))
    assert str(ended.value) == ENDED


def test_a_new_session_gets_the_organizations_lengths_and_slides_within_them(session, engine, world, now):
    _update(session, world, session_idle_minutes=60, session_max_hours=2)
    result = log_in(session, "op.one", now=now)
    assert result.expires_at == now + timedelta(minutes=60)
    actor_for(session, result.token, now=now + timedelta(minutes=50))
    actor_for(session, result.token, now=now + timedelta(minutes=100))
    [row] = fetch(engine, AuthSession)
    assert row.expires_at == now + timedelta(hours=2)            # capped by the absolute length
    with pytest.raises(Unauthorized):
        actor_for(session, result.token, now=now + timedelta(hours=2))
    other = log_in(session, "admin.b", now=now)                  # another organization keeps the defaults
    assert other.expires_at == now + auth.SESSION_TTL


def test_a_shorter_absolute_length_ends_an_older_session(session, world, now):
    token = log_in(session, "op.one", now=now).token
    actor_for(session, token, now=now + timedelta(hours=1, minutes=50))
    _update(session, world, session_max_hours=2, session_idle_minutes=60)
    actor_for(session, token, now=now + timedelta(hours=1, minutes=59))
    with pytest.raises(Unauthorized):
        actor_for(session, token, now=now + timedelta(hours=2))


def test_the_token_check_stays_one_query_with_a_policy(session, engine, world, now):
    _update(session, world, session_idle_minutes=30)
    token = log_in(session, "op.one", now=now).token
    actor_for(session, token, now=now)
    with statements(engine) as seen:
        actor_for(session, token, now=now + timedelta(seconds=30))
    assert [s.split()[0] for s in seen if s.split()[0] not in ("BEGIN", "COMMIT")] == ["SELECT"]


# --- password rules -----------------------------------------------------------------------------

STRICT = PasswordPolicy(min_length=12, require_digit=True, require_mixed_case=True, require_symbol=True)


@pytest.mark.parametrize("password, problem", [
    ("Short-1a", "Use at least 12 characters."),
    ("Long-enough-pass", "Use both letters and digits."),
    ("long-enough-pass-9", "Use both upper-case and lower-case letters."),
    ("Longenoughpass9X", "Use at least one symbol, such as ! ? # or %."),
    ("Olga-Rules-2026", "The password must not contain the person's name or email address."),
    ("My-Bakery-2026!", "The password must not contain the person's name or email address."),
])
def test_strict_rules_refuse_with_the_broken_one(password, problem):
    assert passwords.password_problem(password, username="op.one", policy=STRICT,
                                      personal=("Olga Petrova", None, "bakery@example.com")) == problem


@pytest.mark.parametrize("password", ["Correct-horse-42", "Zebra crossing 9!"])
def test_strict_rules_accept_good_passwords(password):
    assert passwords.password_problem(password, username="op.one", policy=STRICT,
                                      personal=("Olga Petrova", "", "o.p@example.com")) is None


@pytest.mark.parametrize("password, personal, refused", [
    ("Brand-new-pass-77", ("Sam New", "sam@a.example"), False),     # short words of a name are common words
    ("Sam-new-pass-77", ("Sam New",), False),
    ("Samnew-pass-77", ("Sam New",), True),                          # the whole name
    ("김민수-비밀번호-77", ("김민수",), True),
    ("Kim-2026-minsu!", (None, "", "kim.minsu@example.com"), True),
])
def test_personal_parts_are_refused_without_refusing_common_words(password, personal, refused):
    problem = passwords.password_problem(password, policy=PasswordPolicy(), personal=personal)
    assert (problem == "The password must not contain the person's name or email address.") is refused


def test_the_default_rules_accept_what_they_accepted_before():
    assert passwords.password_problem("onlyletters-andsymbols", username="op.one") is None
    assert passwords.password_problem("Correct-horse-42", personal=("Olga Petrova", None, None)) is None
    assert passwords.password_problem("Petrova-horse-42", personal=("Olga Petrova",)) is not None
    assert passwords.password_problem("Petrova-horse-42", personal=("Olga Petrova",),
                                      policy=PasswordPolicy(refuse_personal=False)) is None


def test_every_password_set_meets_the_organizations_rules(session, world, now):
    _update(session, world, password_min_length=14, password_require_symbol=True)
    admin = world.actor(world.admin_a)
    with pytest.raises(Invalid) as refused, transaction(session):
        users.create_user(session, admin, UserCreate(username="new.one", full_name="Mina Park", password="Longpassword42",
                                                     roles=["viewer"]), now=now)
    assert refused.value.fields == {"password": "Use at least one symbol, such as ! ? # or %."}
    with pytest.raises(Invalid) as refused, transaction(session):
        users.create_user(session, admin, UserCreate(username="new.one", full_name="Mina Park", password="Mina-park-2026!",
                                                     roles=["viewer"]), now=now)
    assert refused.value.fields == {"password": "The password must not contain the person's name or email address."}
    with pytest.raises(Invalid) as refused, transaction(session):
        users.reset_password(session, admin, world.operator1, "Horse-bat-42", now=now)
    assert refused.value.fields == {"password": "Use at least 14 characters."}
    with pytest.raises(Invalid) as refused, transaction(session):
        auth.change_password(session, world.actor(world.operator1), PASSWORD, "Horse-bat-42", now=now)
    assert refused.value.fields == {"new_password": "Use at least 14 characters."}
    with transaction(session):
        auth.change_password(session, world.actor(world.operator1), PASSWORD, "Correct-horse-42!", now=now)
    # another organization keeps the default rules
    with transaction(session):
        users.reset_password(session, world.actor(world.admin_b), world.admin_b, "Horse-bat-42", now=now)
