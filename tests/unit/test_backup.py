"""`takt backup` / `takt restore` (services/core/backup.py): a backup restored into a fresh database holds
every row of every table, on SQLite (online backup) and PostgreSQL (pg_dump / pg_restore)."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

import models  # noqa: F401  (every table on the metadata)
from services.core import backup
from tests.factories.org import World


def every_row(url: str) -> dict[str, list[tuple]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {table.name: sorted(tuple(map(repr, row)) for row in conn.execute(sa.select(table)))
                    for table in SQLModel.metadata.sorted_tables}
    finally:
        engine.dispose()


@pytest.fixture
def fresh_url(engine, tmp_path):
    """An empty database of the same kind as the test's."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"takt_restore_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
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

    dump = backup.backup(url, tmp_path / "takt.backup")
    assert not backup.has_data(fresh_url)
    backup.restore(fresh_url, dump)

    assert every_row(fresh_url) == rows
    with pytest.raises(backup.BackupError, match="already holds Takt data"):
        backup.restore(fresh_url, dump)
    backup.restore(fresh_url, dump, force=True)
    assert every_row(fresh_url) == rows
