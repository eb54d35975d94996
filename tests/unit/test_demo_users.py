"""Demo users outside demo mode (services/org/demo_users.py): the demo's people are flagged until they change
their password; without TAKT_DEMO=1 they may log in and look, but write nothing before they do."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.organization import Organization
from models.user import User
from services.core.db import transaction
from services.core.errors import Forbidden
from services.demo import seed as demo
from services.org import auth, plants, profile, users
from services.org.demo_users import CHANGE_PASSWORD_FIRST, DEMO_MODE_ENV
from services.org.plants import PlantCreate
from tests.factories.db import actor_for, log_in, snapshot

NEW_PASSWORD = "Chosen-by-me-2027"


@pytest.fixture
def acme(session, now):
    with transaction(session):
        demo.seed_demo(session, now=now, production=False)
    return session.exec(select(Organization.id).where(Organization.slug == "acme")).one()


@pytest.fixture
def production_mode(monkeypatch):
    monkeypatch.delenv(DEMO_MODE_ENV, raising=False)


def admin_actor(session, now, password=demo.DEMO_PASSWORD):
    return actor_for(session, log_in(session, "admin", now=now, password=password).token, now=now)


def test_the_seed_flags_every_demo_user_and_nobody_else(session, acme):
    flagged = session.exec(select(User.username).where(User.demo_password == True)).all()  # noqa: E712
    assert len(flagged) == len(session.exec(select(User)).all()) and "globex.admin" in flagged


def test_outside_demo_mode_a_demo_user_logs_in_looks_but_writes_nothing(session, engine, acme, now, production_mode):
    actor = admin_actor(session, now)
    assert [p.code for p in plants.list_plants(session, actor)] == ["BER", "POR"]
    me = profile.get_profile(session, actor)
    assert me.password_change_required and "admin" in me.demo_users and "operator" in me.demo_users
    before = snapshot(engine)
    with pytest.raises(Forbidden) as refused, transaction(session):
        plants.create_plant(session, actor, PlantCreate(code="NEW", name="New plant", timezone="UTC"), now=now)
    assert refused.value.message == CHANGE_PASSWORD_FIRST
    assert snapshot(engine) == before


def test_changing_the_password_lifts_the_block(session, acme, now, production_mode):
    actor = admin_actor(session, now)
    with transaction(session):
        auth.change_password(session, actor, demo.DEMO_PASSWORD, NEW_PASSWORD, now=now)
    actor = admin_actor(session, now, NEW_PASSWORD)
    with transaction(session):
        plants.create_plant(session, actor, PlantCreate(code="NEW", name="New plant", timezone="UTC"), now=now)
    me = profile.get_profile(session, actor)
    assert not me.password_change_required and "admin" not in me.demo_users and "planner" in me.demo_users


def test_an_admin_reset_ends_a_users_demo_password(session, acme, now, production_mode):
    actor = admin_actor(session, now)
    with transaction(session):
        auth.change_password(session, actor, demo.DEMO_PASSWORD, NEW_PASSWORD, now=now)
    actor = admin_actor(session, now, NEW_PASSWORD)
    planner = session.exec(select(User).where(User.username == "planner")).one()
    with transaction(session):
        users.reset_password(session, actor, planner.id, NEW_PASSWORD + "!", now=now)
    assert "planner" not in profile.get_profile(session, actor).demo_users


def test_in_demo_mode_the_demo_users_write_as_before(session, acme, now, monkeypatch):
    monkeypatch.setenv(DEMO_MODE_ENV, "1")
    actor = admin_actor(session, now)
    with transaction(session):
        plants.create_plant(session, actor, PlantCreate(code="NEW", name="New plant", timezone="UTC"), now=now)
    me = profile.get_profile(session, actor)
    assert not me.password_change_required and "admin" in me.demo_users       # the banner still shows
