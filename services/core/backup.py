"""Backups of the whole database and their restore (the `takt backup` / `takt restore` commands).

- SQLite: Python's online backup API copies the live database page by page into one file, consistent
  while the app keeps writing (WAL); restore copies a backup file into the database file the same way.
- PostgreSQL: `pg_dump --format=custom` (consistent snapshot, no lock on writers) and `pg_restore
  --clean --if-exists --no-owner` into the configured database (Debian's postgresql-client).
Restoring is an administrator's operation, not the app's: it drops and creates the tables and writes every
organization's rows by COPY, which row-level security (migration 0044_rls) refuses to a role it holds. So a
PostgreSQL restore runs as the schema's owner with BYPASSRLS (`takt_owner` in docs/deployment.md, the role
`takt migrate` runs as) or a superuser; connected as the app's restricted role it is refused up front with a
message naming that role, before anything is dropped. A backup works as either role (`--enable-row-security`:
without the organization setting the policies restrict nothing, so the dump is whole).
Invariant: a restore refuses a database that already holds Takt data unless `force` is given.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def backup(url: str, dest: Path) -> Path:
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(dest) as target:
            source.backup(target)
        return dest
    # --enable-row-security: a role held by row-level security (0044_rls) may dump; without the organization
    # setting the policies restrict nothing, so the dump is whole
    _run(["pg_dump", "--format=custom", "--no-owner", "--enable-row-security", f"--file={dest}", _libpq(url)])
    return dest


def restore(url: str, source: Path, *, force: bool = False) -> None:
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup file {source}.")
    if not url.startswith("sqlite"):
        _check_restore_role(url)
    if not force and has_data(url):
        raise BackupError("The database already holds Takt data: restore into an empty database, or pass --force "
                          "to replace it.")
    if url.startswith("sqlite"):
        with sqlite3.connect(source) as backup_db, sqlite3.connect(_sqlite_path(url)) as target:
            backup_db.backup(target)
        return
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={_libpq(url)}",
          str(source)])


def _check_restore_role(url: str) -> None:
    """A PostgreSQL restore needs a role that row-level security does not hold (BYPASSRLS or a superuser)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            role, exempt = conn.execute(sa.text(
                "SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    finally:
        engine.dispose()
    if not exempt:
        raise BackupError(f"The database role {role} is held by row-level security, which refuses a restore's COPY: "
                          "run takt restore with DATABASE_URL naming the schema's owner with BYPASSRLS (takt_owner "
                          "in docs/deployment.md) or a superuser.")


def has_data(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("organization"):
                return False
            return conn.execute(sa.text("SELECT count(*) FROM organization")).scalar_one() > 0
    finally:
        engine.dispose()


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database has nothing to back up.")
    return path


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as libpq wants it (postgresql://, no driver)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ}, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: apt install postgresql-client).") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")
