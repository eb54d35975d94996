"""`takt backup` / `takt restore` (services/core/backup.py): a backup restored into a fresh database holds
every row of every table, on SQLite (online backup) and PostgreSQL (pg_dump / pg_restore).

On PostgreSQL the roles are those of docs/deployment.md ("Row-level security"): the backup is taken as the app's
restricted role (tests/conftest.py APP_ROLE, held by row-level security), the restore runs as the schema's owner
with BYPASSRLS (a role that is not a superuser), and a restore attempted as the restricted role is refused up front
with a message naming the role to use. Creating those roles and databases needs the superuser: `pg_superuser`."""
from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

import models  # noqa: F401  (every table on the metadata)
from services.core import backup
from tests.conftest import APP_ROLE, grant_app_role
from tests.factories.org import World

pytestmark = pytest.mark.pg_superuser

OWNER_ROLE = "takt_rls_owner"   # cluster-wide like APP_ROLE: the schema owner of docs/deployment.md (BYPASSRLS)


def every_row(url: str) -> dict[str, list[tuple]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {table.name: sorted(tuple(map(repr, row)) for row in conn.execute(sa.select(table)))
                    for table in SQLModel.metadata.sorted_tables}
    finally:
        engine.dispose()


def as_role(url: str, role: str) -> str:
    """The same database, the connection's role set at start-up (libpq `options`: SQLAlchemy, pg_dump and
    pg_restore all take it), as a deployment's DATABASE_URL naming that role would."""
    return f"{url}?options={quote(f'-crole={role}')}"    # no space: SQLAlchemy would write it as '+'


@pytest.fixture
def fresh_url(engine, tmp_path):
    """An empty database of the same kind as the test's; on PostgreSQL owned by OWNER_ROLE."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"takt_restore_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DO $$ BEGIN CREATE ROLE {OWNER_ROLE} NOLOGIN NOSUPERUSER BYPASSRLS; "
                             "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"))
        conn.execute(sa.text(f'CREATE DATABASE "{name}" OWNER {OWNER_ROLE}'))
    yield engine.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_backup_restores_every_row_into_a_fresh_database(engine, session, tmp_path, fresh_url):
    World(session)
    session.commit()
    url = engine.url.render_as_string(hide_password=False)
    rows = every_row(url)
    assert sum(len(r) for r in rows.values()) > 20 and rows["app_user"]
    assert len({r for r in rows["plant"]}) >= 3          # two organizations' plants: the dump must be whole
    source, target = url, fresh_url
    if engine.dialect.name == "postgresql":
        grant_app_role(engine)
        source, target = as_role(url, APP_ROLE), as_role(fresh_url, OWNER_ROLE)

    dump = backup.backup(source, tmp_path / "takt.backup")
    assert not backup.has_data(target)
    backup.restore(target, dump)

    assert every_row(target) == rows
    with pytest.raises(backup.BackupError, match="already holds Takt data"):
        backup.restore(target, dump)
    backup.restore(target, dump, force=True)
    assert every_row(target) == rows


def test_a_restore_as_the_role_held_by_row_level_security_is_refused_before_anything_changes(engine, session,
                                                                                                tmp_path):
    if engine.dialect.name != "postgresql":
        pytest.skip("row-level security exists on PostgreSQL only")
    World(session)
    session.commit()
    grant_app_role(engine)
    url = engine.url.render_as_string(hide_password=False)
    dump = backup.backup(as_role(url, APP_ROLE), tmp_path / "takt.backup")
    before = every_row(url)

    for force in (False, True):
        with pytest.raises(backup.BackupError, match=f"role {APP_ROLE} is held by row-level security.*BYPASSRLS"):
            backup.restore(as_role(url, APP_ROLE), dump, force=force)
    assert every_row(url) == before
