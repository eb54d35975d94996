"""Authenticator secrets at rest (services/core/secret_box.py, services/org/two_factor.py): stored encrypted with
the application key (TAKT_SECRET_KEY, or a development key made once into the data directory with mode 0600),
never as the secret; a server with another key refuses clearly instead of reading them; keys rotate."""
from __future__ import annotations

import stat
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.auth import LoginAttempt, LoginAttemptKind, UserTwoFactor
from services.core import secret_box
from services.core.db import transaction
from services.core.secret_box import SecretKeyMismatch, SecretKeyMissing
from services.org import auth, two_factor
from tests.factories.db import stored_text
from tests.unit.test_two_factor import code_at, enrol, password_step, second_step

LATER = timedelta(minutes=5)        # a later step than the enrolment's code


def stored_secret(engine) -> str:
    with Session(engine) as s:
        return s.exec(select(UserTwoFactor.secret)).one()


def test_the_stored_column_holds_a_token_of_the_application_key_not_the_secret(session, engine, world, now):
    secret, _ = enrol(session, world.actor(world.operator1), now)
    stored = stored_secret(engine)
    assert stored != secret and secret not in stored_text(engine)
    assert secret_box.decrypt(stored) == secret
    later = now + LATER
    challenge = password_step(session, "op.one", now=later)
    assert isinstance(second_step(session, challenge.challenge, code_at(secret, later), now=later), auth.LoginResult)


def test_a_server_with_another_key_refuses_clearly_and_counts_no_wrong_code(session, engine, world, now, monkeypatch):
    secret, _ = enrol(session, world.actor(world.operator1), now)
    first_key = secret_box.new_key()
    monkeypatch.setenv(secret_box.KEY_ENV, first_key)
    challenge = password_step(session, "op.one", now=now)
    with pytest.raises(SecretKeyMismatch, match="TAKT_SECRET_KEY") as refused:
        second_step(session, challenge.challenge, code_at(secret, now + LATER), now=now + LATER)
    assert "another key" in refused.value.message
    with Session(engine) as s:                       # the server's fault, not the person's: no wrong code counted
        assert s.exec(select(LoginAttempt).where(LoginAttempt.kind == LoginAttemptKind.CODE.value)).all() == []


def test_keys_rotate_the_first_encrypts_and_each_decrypts(monkeypatch):
    old, new = secret_box.new_key(), secret_box.new_key()
    monkeypatch.setenv(secret_box.KEY_ENV, old)
    token = secret_box.encrypt("JBSWY3DPEHPK3PXP")
    monkeypatch.setenv(secret_box.KEY_ENV, f"{new},{old}")
    assert secret_box.decrypt(token) == "JBSWY3DPEHPK3PXP"
    rotated = secret_box.encrypt("JBSWY3DPEHPK3PXP")
    monkeypatch.setenv(secret_box.KEY_ENV, new)
    assert secret_box.decrypt(rotated) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(SecretKeyMismatch):
        secret_box.decrypt(token)


def test_a_malformed_key_is_refused_with_how_to_make_one(monkeypatch):
    monkeypatch.setenv(secret_box.KEY_ENV, "not-a-key")
    with pytest.raises(SecretKeyMissing, match="takt new-secret-key"):
        secret_box.encrypt("JBSWY3DPEHPK3PXP")


def test_without_a_key_development_makes_one_file_of_mode_0600_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.delenv(secret_box.KEY_ENV)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(secret_box, "DATA_DIR", tmp_path / "data")
    token = secret_box.encrypt("JBSWY3DPEHPK3PXP")
    path = secret_box.key_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text()
    assert secret_box.decrypt(token) == "JBSWY3DPEHPK3PXP" and secret_box.encrypt("x") and path.read_text() == key
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]          # no draft left behind


def test_postgresql_without_a_key_is_refused_outside_the_demo(monkeypatch, tmp_path):
    monkeypatch.delenv(secret_box.KEY_ENV)
    monkeypatch.delenv("TAKT_DEMO", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://takt@db/takt")
    monkeypatch.setattr(secret_box, "DATA_DIR", tmp_path)
    with pytest.raises(SecretKeyMissing, match="Set TAKT_SECRET_KEY"):
        secret_box.encrypt("JBSWY3DPEHPK3PXP")
    assert not secret_box.key_file().exists()
    monkeypatch.setenv("TAKT_DEMO", "1")
    assert secret_box.decrypt(secret_box.encrypt("JBSWY3DPEHPK3PXP")) == "JBSWY3DPEHPK3PXP"


def test_an_enrolment_started_under_one_key_is_refused_under_another(session, world, now, monkeypatch):
    actor = world.actor(world.operator1)
    with transaction(session):
        start = two_factor.begin_enrolment(session, actor, now=now)
    monkeypatch.setenv(secret_box.KEY_ENV, secret_box.new_key())
    with pytest.raises(SecretKeyMismatch), transaction(session):
        two_factor.confirm_enrolment(session, actor, code_at(start.secret, now), now=now)
