"""Real databases for every test: a fresh SQLite file, and PostgreSQL when TEST_DATABASE_URL is set.

TAKT_TEST_BACKENDS (comma-separated) narrows the backends a run uses. Each test gets a clean database.
SQLite: a copy of a template file migrated once per run.
PostgreSQL: a database of the run's own (per xdist worker) is migrated once and emptied before each test
by one round trip of DELETEs (children first) and sequence resets. Measured under load on the 2-core CI
machine: ~0.12 s a test, against ~5 s for TRUNCATE of the 70 tables and ~0.9 s for a
CREATE DATABASE ... TEMPLATE copy (plus a new engine) per test.
`use_engine` points services.core.db (and so the UI state and the REST API) at the test database.
Row-level security (migration 0044_rls) never holds a superuser: `pg_app_engine` connects as the non-superuser
role APP_ROLE, as production should; TAKT_TEST_PG_AS_APP=1 runs every PostgreSQL test through it (CI runs
tests/unit, tests/api and tests/ui so), except the tests marked `pg_superuser`: they create roles or databases,
or restore a backup (an administrator's work, docs/deployment.md), and keep the superuser's engine; CI runs
them in a small phase of their own (`-m pg_superuser`, .ci/run).
"""
from __future__ import annotations

import os
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session, SQLModel

import models  # noqa: F401
from services.core import db as takt_db
from services.core.events import DomainEvent, bus
from services.core.migrations import migrate
from services.org import passwords

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

# The demo seed records machine history day by day (about 2.4 s of CPU a day): tests that seed the demo take a
# short history; test_demo_production checks the full one.
os.environ.setdefault("TAKT_DEMO_HISTORY_DAYS", "3")
# The application key (services/core/secret_box.py) of this run, so no test writes data/secret.key.
os.environ.setdefault("TAKT_SECRET_KEY", "rjE0Kq2rSC7bzdAJ0mn7w4q0qZjHhE-HQbtmB2VfYVs=")

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
if os.environ.get("TAKT_TEST_BACKENDS"):          # e.g. "postgresql": CI times each backend as its own phase
    BACKENDS = [b for b in BACKENDS if b in os.environ["TAKT_TEST_BACKENDS"].split(",")]


def _pg_url() -> str:
    url = os.environ["TEST_DATABASE_URL"]
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "takt.db"
    engine = takt_db.make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_engine():
    """A database of this test run's own (created next to TEST_DATABASE_URL's, dropped at the end),
    so concurrent runs on one PostgreSQL server never see each other's tables."""
    base = sa.engine.make_url(_pg_url())
    name = f"takt_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        # a throwaway database: commits need not wait for the WAL flush (this database only)
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    engine = takt_db.make_engine(base.set(database=name).render_as_string(hide_password=False))
    migrate(engine)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


APP_ROLE = "takt_rls_app"   # cluster-wide, made once and kept: no LOGIN, only the grants of each test database


def grant_app_role(engine) -> None:
    """Create APP_ROLE if missing (a concurrent run may race us to it) and grant it this database's tables."""
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DO $$ BEGIN CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS; "
                             "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}; "
                             f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}; "
                             f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")


def _as_app_role(dbapi_connection, _record) -> None:
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True        # else the pool's reset on return would roll the SET back
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {APP_ROLE}")
    dbapi_connection.autocommit = autocommit


@pytest.fixture(scope="session")
def pg_app_engine(pg_engine):
    """The run's PostgreSQL database seen as the app's non-superuser role: row-level security holds."""
    grant_app_role(pg_engine)
    engine = takt_db.make_engine(pg_engine.url.render_as_string(hide_password=False))
    sa.event.listen(engine, "connect", _as_app_role)
    yield engine
    engine.dispose()


def _empty_all(engine) -> None:
    """Every table emptied and every sequence restarted at 1, as a fresh database has them."""
    deletes = "".join(f'DELETE FROM "{t.name}";' for t in reversed(SQLModel.metadata.sorted_tables))
    restart = ("SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
               "WHERE c.relkind = 'S' AND n.nspname = current_schema()")
    with engine.begin() as conn:
        conn.exec_driver_sql(deletes + restart)


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path / "takt.db"
        shutil.copy(sqlite_template, path)
        eng = takt_db.make_engine(f"sqlite:///{path}")
    else:
        as_app = os.environ.get("TAKT_TEST_PG_AS_APP") and request.node.get_closest_marker("pg_superuser") is None
        eng = request.getfixturevalue("pg_app_engine" if as_app else "pg_engine")
        _empty_all(eng)
    takt_db.use_engine(eng)
    yield eng
    takt_db.use_engine(None)
    if request.param == "sqlite":
        eng.dispose()


@pytest.fixture
def app_db(request, engine):
    """PostgreSQL only: services, UI and API on the app's non-superuser role, where row-level security holds
    (the `session` fixture keeps the test's own engine, which sees every organization without a setting)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row-level security exists on PostgreSQL only")
    app_engine = request.getfixturevalue("pg_app_engine")
    takt_db.use_engine(app_engine)
    yield app_engine
    takt_db.use_engine(engine)


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """argon2id at its smallest cost while tests run: every World makes several users, and the production
    cost (~40 ms a hash, services/org/passwords.py) is CPU the suite need not spend. Hashes carry their
    parameters, so verification, the policy and the timing-safe dummy hash behave as in production."""
    production = passwords._hasher
    passwords._hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    yield
    passwords._hasher = production


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local S3-compatible server (moto) for the whole run, started on first use."""
    from tests.factories.s3 import start_server
    server, endpoint = start_server()
    yield endpoint
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint, monkeypatch, tmp_path):
    """A fresh bucket on the local S3 server, configured as the studio's file storage (the local folder
    is set too, so a test can show nothing lands there)."""
    from tests.factories.s3 import new_bucket
    bucket = new_bucket(s3_endpoint)
    for name, value in bucket.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return bucket


@pytest.fixture
def captured_events():
    """Every domain event dispatched (after commit) while the test runs."""
    seen: list[DomainEvent] = []
    unsubscribe = bus.on("*", seen.append)
    yield seen
    unsubscribe()


@pytest.fixture
def now() -> datetime:
    return T0
