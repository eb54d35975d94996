"""Demo data (services/demo/seed.py): two tenants, Acme's two plants, a person for every role, seeded once.

These tests seed the organization part only (`production=False`); the production history on top
has its own tests, and `takt seed-demo` runs the whole of it in tests/unit/test_cli.py.
"""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.organization import Organization
from models.user import Role, User
from services.core.db import transaction
from services.core.languages import use_language
from services.demo import seed as demo
from services.master import customers, work_centers
from services.org import plants, users
from services.org.organizations import system_actor
from tests.factories.db import log_in, snapshot


@pytest.fixture
def seeded(session, now):
    with transaction(session):
        assert demo.seed_demo(session, now=now, production=False) is True
    orgs = {o.slug: o.id for o in session.exec(select(Organization)).all()}
    return orgs


def test_two_organizations(session, seeded):
    assert sorted(seeded) == ["acme", "globex"]
    names = {o.slug: o.name for o in session.exec(select(Organization)).all()}
    assert names == {"acme": "Acme Precision Parts", "globex": "Globex Fabrication"}


def test_acme_has_berlin_and_porto_with_their_departments(session, seeded):
    acme = system_actor(session, seeded["acme"])

    assert [(p.code, p.timezone) for p in plants.list_plants(session, acme)] == [("BER", "Europe/Berlin"), ("POR", "Europe/Lisbon")]
    by_plant = {}
    for d in plants.list_departments(session, acme):
        by_plant.setdefault(d.plant_id, []).append(d.code)
    assert sorted(map(sorted, by_plant.values())) == [["ASSY", "FIN", "MACH"], ["ASSY", "PACK"]]


def test_acme_has_a_user_for_every_role(session, seeded):
    acme_users = users.list_users(session, system_actor(session, seeded["acme"]))

    assert {role for u in acme_users for role in u.roles} == {r.value for r in Role}
    assert all(u.is_active and u.email.endswith("@acme.example") for u in acme_users)


def test_globex_is_a_separate_tenant(session, seeded):
    globex = system_actor(session, seeded["globex"])

    assert [u.username for u in users.list_users(session, globex)] == ["globex.admin", "globex.operator"]
    assert [p.code for p in plants.list_plants(session, globex)] == ["OSA"]


@pytest.mark.parametrize("username", ["admin", "operator.porto", "globex.admin"])
def test_demo_users_log_in_with_the_demo_password(session, seeded, now, username):
    assert log_in(session, username, password=demo.DEMO_PASSWORD, now=now).username == username


def test_seeding_again_changes_nothing(session, engine, seeded, now):
    before = snapshot(engine)

    with transaction(session):
        assert demo.seed_demo(session, now=now, production=False) is False

    assert snapshot(engine) == before


def test_seeding_skips_a_database_that_already_has_an_organization(session, world, now):
    users_before = len(session.exec(select(User)).all())

    with transaction(session):
        assert demo.seed_demo(session, now=now, production=False) is False

    assert len(session.exec(select(User)).all()) == users_before
    assert not demo.has_demo(session)


def test_demo_logins_name_every_acme_user(seeded, session):
    listed = {username for username, password, _ in demo.demo_logins() if password == demo.DEMO_PASSWORD}
    acme = {u.username for u in users.list_users(session, system_actor(session, seeded["acme"]))}
    assert acme <= listed


def test_the_osaka_plant_names_its_press_line_customer_and_department_in_japanese(session, seeded):
    globex = system_actor(session, seeded["globex"])
    with use_language("ja"):
        machines = [m.display_name for m in work_centers.list_machines(session, globex)]
        known = [c.display_name for c in customers.list_customers(session, globex)]
        departments = [d.display_name for d in plants.list_departments(session, globex)]
    assert (machines, known, departments) == (["サーボプレス 1号機", "サーボプレス 2号機"], ["関西ロボティクス株式会社"],
                                              ["プレス課"])
    with use_language("en"):
        assert [m.display_name for m in work_centers.list_machines(session, globex)] == ["Servo press 1", "Servo press 2"]
    acme = system_actor(session, seeded["acme"])
    with use_language("ja"):
        assert "機械加工課" in [d.display_name for d in plants.list_departments(session, acme)]
