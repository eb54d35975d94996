"""Small helpers for the service tests.

`snapshot(engine)` reads every row of every table through a fresh connection, so a test can
assert that a refused call left the database exactly as it was; `count` and `fetch` read what is
really committed, never the test session's identity map.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, func, select

from services.core.db import transaction
from services.org import auth
from tests.factories.org import PASSWORD


def snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (read outside the test's session)."""
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                for t in SQLModel.metadata.sorted_tables}


def count(engine: sa.Engine, model, *where) -> int:
    """Rows of `model` (matching `where`), read through a fresh session: what is really committed."""
    with Session(engine) as fresh:
        return fresh.exec(select(func.count()).select_from(model).where(*where)).one()


def fetch(engine: sa.Engine, model, *where, order_by=None) -> list:
    with Session(engine) as fresh:
        query = select(model).where(*where)
        if order_by is not None:
            query = query.order_by(order_by)
        return list(fresh.exec(query).all())


def committed(session: Session, fn: Callable, *args, **kwargs):
    """Run one service call as its own unit of work and return its result."""
    with transaction(session):
        return fn(session, *args, **kwargs)


def log_in(session: Session, username: str, *, now: datetime, password: str = PASSWORD, ip: str | None = None):
    with transaction(session):
        return auth.login(session, username, password, now=now, ip=ip)


def actor_for(session: Session, token: str, *, now: datetime):
    with transaction(session):
        return auth.actor_for_token(session, token, now=now)


def stored_text(engine: sa.Engine) -> str:
    """Every value in the database as one string, to prove a secret was never stored."""
    return "\n".join(repr(row) for rows in snapshot(engine).values() for row in rows)


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements `engine` runs inside the block (any thread: the API server's too), in order."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
