"""Alembic environment: the same migrations serve SQLite and PostgreSQL.

Run through `takt migrate` (services/core/migrations.py), which passes the connection in
`config.attributes["connection"]`; plain `alembic` falls back to DATABASE_URL. Migrations that encrypt
stored secrets (0047_secret_key) find the application key's box in `config.attributes["secret_box"]`.
"""
from alembic import context
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from services.core import secret_box
from services.core.db import get_engine

config = context.config
config.attributes.setdefault("secret_box", secret_box)
target_metadata = SQLModel.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",   # SQLite alters tables by copy
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    with get_engine().connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
