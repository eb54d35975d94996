"""Row-level security on PostgreSQL (migration 0044_rls, services/core/tenancy.py): the second wall.

A query that forgets its organization filter, run as the app's non-superuser role (tests/conftest.py APP_ROLE)
inside a unit of work for organization A, finds nothing of organization B; an organization-B row cannot be
written under A's setting; without the setting (log-in lookups, CLI, system jobs) everything is visible.
SQLite has no row-level security: these tests run on PostgreSQL only.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import copy_context

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

import models  # noqa: F401  (registers every table)
from models.base import utcnow
from models.organization import Department, Plant
from models.user import User
from rxapp.state.org.auth import _person_for_token
from services.core import tenancy
from services.core.db import db_session, transaction, use_engine
from services.org import auth, organizations
from tests.conftest import APP_ROLE, grant_app_role
from tests.factories.org import PASSWORD, World


@pytest.fixture
def pg(request, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("row-level security exists on PostgreSQL only")
    grant_app_role(request.getfixturevalue("pg_engine"))     # as the superuser, also when TAKT_TEST_PG_AS_APP is set
    return engine


@pytest.fixture
def world(pg, session) -> World:
    return World(session)


def _tenant_tables() -> list[str]:
    return sorted(t.name for t in SQLModel.metadata.sorted_tables if "organization_id" in t.c)


def test_every_tenant_table_has_the_policy_enabled_and_forced(pg):
    with pg.connect() as conn:
        flags = {name: (enabled, forced) for name, enabled, forced in conn.exec_driver_sql(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'")}
        policies = {name for (name,) in conn.exec_driver_sql(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = 'tenant_isolation'")}
    tables = _tenant_tables()
    assert len(tables) > 100
    missing = [t for t in tables if flags.get(t) != (True, True) or t not in policies]
    assert missing == [], f"tenant tables without row-level security (call models/migrations/rls.enable): {missing}"


def _as_app(conn: sa.Connection, organization_id: int | None) -> None:
    conn.exec_driver_sql(f"SET LOCAL ROLE {APP_ROLE}")
    if organization_id is not None:
        conn.execute(sa.text("SELECT set_config('takt.organization_id', :org, true)"), {"org": str(organization_id)})


def test_a_query_without_organization_filter_sees_only_the_set_organization(pg, world):
    with pg.connect() as conn, conn.begin():
        _as_app(conn, world.org_a)
        for table in ("plant", "department", "app_user", "audit_log", "organization_branding"):
            orgs = {row[0] for row in conn.exec_driver_sql(f"SELECT organization_id FROM {table}")}
            assert orgs == {world.org_a}, table
        assert sorted(r[0] for r in conn.exec_driver_sql("SELECT code FROM plant")) == ["P1", "P2"]
        assert conn.exec_driver_sql(f"SELECT count(*) FROM plant WHERE id = {world.plant_b}").scalar() == 0
        assert conn.exec_driver_sql(f"UPDATE plant SET name = 'Taken' WHERE id = {world.plant_b}").rowcount == 0
        assert conn.exec_driver_sql(f"DELETE FROM department WHERE id = {world.dept_b}").rowcount == 0
    with pg.connect() as conn, conn.begin():
        _as_app(conn, world.org_b)
        assert [r[0] for r in conn.exec_driver_sql("SELECT username FROM app_user")] == ["admin.b"]
        assert conn.exec_driver_sql(f"SELECT name FROM plant WHERE id = {world.plant_b}").scalar() == "Plant"


def test_writing_a_row_of_another_organization_is_refused(pg, world):
    now = utcnow()
    with pg.connect() as conn, conn.begin():
        _as_app(conn, world.org_a)
        with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
            conn.execute(sa.insert(Department).values(organization_id=world.org_b, plant_id=world.plant_b, code="X",
                                                      name="Intruder", is_active=True, created_at=now, updated_at=now))
    with pg.connect() as conn, conn.begin():
        _as_app(conn, world.org_a)
        with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
            conn.exec_driver_sql(f"UPDATE plant SET organization_id = {world.org_b} WHERE id = {world.plant1}")
    with Session(pg) as s:
        assert s.exec(select(Department.code).where(Department.organization_id == world.org_b)).all() == ["PRESS"]
        assert s.get(Plant, world.plant1).organization_id == world.org_a


def test_without_the_setting_every_row_is_visible(pg, world):
    with pg.connect() as conn, conn.begin():
        _as_app(conn, None)
        orgs = {row[0] for row in conn.exec_driver_sql("SELECT organization_id FROM plant")}
        assert orgs == {world.org_a, world.org_b}


@pytest.fixture
def app_db(request, pg):
    """Services, UI and API on the app's non-superuser role, where the policies hold."""
    pg_app_engine = request.getfixturevalue("pg_app_engine")
    use_engine(pg_app_engine)
    yield pg_app_engine
    use_engine(pg)


@contextmanager
def statements_sent(engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def seen(_conn, _cursor, statement, _params, _context, _many) -> None:
        sent.append(statement)
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


def test_the_ui_resolver_binds_its_unit_of_work_to_the_persons_organization(world, app_db):
    with db_session() as s, transaction(s):
        token = auth.login(s, "admin.b", PASSWORD, now=utcnow()).token
    with statements_sent(app_db) as sent, db_session() as s, transaction(s):
        actor = _person_for_token(s, token)
        lookup = next(i for i, st in enumerate(sent) if "auth_session" in st)
        assert [i for i, st in enumerate(sent) if "set_config" in st] == [len(sent) - 1] != [lookup]  # after it
        unfiltered = s.exec(select(Plant.code)).all()                       # forgets `organization_id`
        users = s.exec(select(User.username)).all()
    assert actor.organization_id == world.org_b
    assert unfiltered == ["PB"] and users == ["admin.b"]
    assert sum("set_config" in st for st in sent) == 1


def test_sessions_opened_for_an_organization_send_the_setting_once_per_transaction(world, app_db):
    context = copy_context()

    def unit_of_work() -> tuple[list[str], list[str]]:
        tenancy.act_for(world.org_a)
        with statements_sent(app_db) as sent, db_session() as s:
            with transaction(s):
                codes = sorted(s.exec(select(Plant.code)).all())
                s.exec(select(User.username)).all()
            with transaction(s):
                s.exec(select(Plant.code)).all()
        return codes, sent

    codes, sent = context.run(unit_of_work)
    assert codes == ["P1", "P2"]
    assert sum("set_config" in st for st in sent) == 2                       # one per transaction
    with db_session() as s:                                                  # outside that context: system
        assert sorted(s.exec(select(Plant.code)).all()) == ["P1", "P2", "PB"]


def test_working_for_binds_only_its_block_and_a_new_organization_only_its_transaction(world, app_db):
    with db_session() as s, transaction(s):
        assert sorted(s.exec(select(Plant.code)).all()) == ["P1", "P2", "PB"]     # no setting: the system's view
        with tenancy.working_for(s, world.org_b):
            assert s.exec(select(Plant.code)).all() == ["PB"]
        assert sorted(s.exec(select(Plant.code)).all()) == ["P1", "P2", "PB"]     # the session's own view again
        tenancy.bind(s, world.org_a)
        with tenancy.working_for(s, world.org_b):
            assert s.exec(select(Plant.code)).all() == ["PB"]
        assert sorted(s.exec(select(Plant.code)).all()) == ["P1", "P2"]           # back to its bound organization
    with db_session() as s:
        with transaction(s):
            org_c = organizations.create_organization(s, slug="org-c", name="Org C", now=utcnow()).id
            assert s.exec(select(User.username)).all() == []                      # the rest of it runs for org C
        assert sorted(s.exec(select(User.username)).all()) == ["admin.a", "admin.b", "op.one", "planner.one"]
    assert org_c
