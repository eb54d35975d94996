"""The CLI's commands and the simulator under row-level security (issue 14), on PostgreSQL as the app's
restricted role (tests/conftest.py APP_ROLE), each unit of work bound to its organization.

To prove the binding, not only that the default policies (which restrict nothing without the setting) let the
commands through, the database gets a second, RESTRICTIVE policy on every tenant table for the test: no row is
visible or writable without `takt.organization_id`. A command that reads or writes a tenant table outside a
unit of work bound to an organization then finds nothing or is refused. The test's own reads go through the
superuser's engine (`pg_engine`), which row-level security never holds.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, func, select
from typer.testing import CliRunner

import models  # noqa: F401  (registers every table)
from models.base import utcnow
from models.kpi_rollup import KpiCountDay
from models.organization import Organization, Plant
from models.user import Role, User
from rxapp import simulator
from rxapp.cli import cli
from services.core.db import db_session, transaction
from services.org.auth import actor_for_user
from tests.factories.org import PASSWORD, World

GUARD = "takt_bound_only"
_BOUND = "nullif(current_setting('takt.organization_id', true), '') IS NOT NULL"


@pytest.fixture
def strict(request, engine):
    """The app's restricted role (services, CLI) on a database where nothing is visible without the setting."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row-level security exists on PostgreSQL only")
    root = request.getfixturevalue("pg_engine")
    tables = sorted(t.name for t in SQLModel.metadata.sorted_tables if "organization_id" in t.c)
    with root.begin() as conn:
        conn.exec_driver_sql("".join(f'CREATE POLICY {GUARD} ON "{t}" AS RESTRICTIVE USING ({_BOUND}) '
                                     f"WITH CHECK ({_BOUND});" for t in tables))
    request.getfixturevalue("app_db")
    yield root
    with root.begin() as conn:
        conn.exec_driver_sql("".join(f'DROP POLICY IF EXISTS {GUARD} ON "{t}";' for t in tables))


def run(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_the_guard_refuses_a_unit_of_work_without_its_organization(strict):
    with Session(strict) as s:
        World(s)
    with db_session() as s:                                 # the app's role, no organization bound
        assert s.exec(select(Plant.code)).all() == []
        assert s.exec(select(Organization.slug).order_by(Organization.slug)).all() == ["org-a", "org-b"]
    with pytest.raises(sa.exc.ProgrammingError, match="row-level security"), db_session() as s, transaction(s):
        s.add(Plant(organization_id=1, code="X", name="X", timezone="UTC", created_at=utcnow(), updated_at=utcnow()))


def test_create_user_and_a_new_organization_from_the_cli_under_row_level_security(strict):
    with Session(strict) as s:
        world = World(s)
    out = run("create-user", "--username", "pia.planner", "--org", "org-a", "--role", "planner", "--plant", "P1",
              "--password", PASSWORD)
    assert "created user pia.planner" in out
    run("create-user", "--username", "first.admin", "--org", "org-c", "--create-org", "--role", "admin",
        "--password", PASSWORD)
    with Session(strict) as s:
        pia = s.exec(select(User).where(User.username == "pia.planner")).one()
        first = s.exec(select(User).where(User.username == "first.admin")).one()
        org_c = s.exec(select(Organization.id).where(Organization.slug == "org-c")).one()
        pia_actor, first_actor = actor_for_user(s, pia), actor_for_user(s, first)
    assert pia.organization_id == world.org_a and first.organization_id == org_c
    assert pia_actor.plant_ids == {world.plant1} and pia_actor.roles == {Role.PLANNER}
    assert first_actor.roles == {Role.ADMIN} and first_actor.organization_id == org_c


def test_demo_seeding_rollup_rebuild_escalation_and_the_simulator_under_row_level_security(strict, monkeypatch,
                                                                                          tmp_path):
    monkeypatch.setenv("TAKT_DEMO", "1")
    monkeypatch.setenv("TAKT_DEMO_HISTORY_DAYS", "1")
    assert "demo data created" in run("seed-demo")
    with Session(strict) as s:
        orgs = dict(s.exec(select(Organization.slug, Organization.id)).all())
        by_org = dict(s.exec(select(User.organization_id, func.count()).where(User.demo_password == True)  # noqa: E712
                             .group_by(col(User.organization_id))).all())
        rollups = s.exec(select(func.count()).select_from(KpiCountDay)).one()
    assert set(orgs) == {"acme", "globex"} and by_org[orgs["acme"]] > 10 and by_org[orgs["globex"]] == 2
    assert rollups > 0

    run("seed-demo", "--quiet")                           # the demo exists: its history caught up, bound to Acme
    out = run("rebuild-rollups")                          # every organization's plants, each bound to its own
    assert "rebuilt 3 plant(s)" in out and "plant OSA" in out
    with Session(strict) as s:
        assert s.exec(select(func.count()).select_from(KpiCountDay)).one() >= rollups
    assert "escalated" in run("escalate")
    assert "rebuilt 1 plant(s)" in run("rebuild-rollups", "--plant", "osa")

    now = utcnow()
    token, floor = simulator.prepare(organization_id=orgs["acme"], plant_code="BER", now=now,
                                     token_path=tmp_path / "sim.token")
    assert token and floor.plant_code == "BER" and len(floor.machines) >= 3 and floor.reasons
    refill, reload_jobs = simulator.planner_callbacks(orgs["acme"], floor.plant_id, seed=7)
    machine = floor.machines[0]
    before = reload_jobs(machine.id)
    queued = refill(machine.work_center_id, machine.id, now + timedelta(minutes=1), set())
    after = reload_jobs(machine.id)
    assert queued >= 1 and len(after) > len(before)
