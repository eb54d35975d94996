"""Engine, sessions and the unit of work.

`DATABASE_URL` unset: the SQLite file `data/takt.db` (WAL, foreign keys on). Set: that database,
e.g. `postgresql+psycopg://user@host/db`. Services never commit; callers wrap a use case in
`transaction(session)`, which commits once and, only after a successful commit, dispatches the
domain events the services recorded (services/core/events.py). A unit of work that runs for an actor
carries its organization to PostgreSQL's row-level security (services/core/tenancy.py).

A request's unit of work (`RequestUnit`): the REST door checks the bearer token in a session it opens for the
request and hands that session, its transaction still open, to the request's first `db_session()`, so the token
check and the use case share one pool checkout and one commit. Only that first use gets it (a second unit of
work of the request, a nested one, or one running beside it gets a fresh session, as everywhere else); once the
request is over (`RequestUnit.close`) every `db_session()` of its context opens a fresh session again.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from services.core import tenancy  # noqa: F401  (sends the organization of a unit of work to PostgreSQL's RLS)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "takt.db"

_engine: Engine | None = None
_engine_listeners: list[Callable[[], None]] = []      # called when the engine is switched (worker caches)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = make_engine(database_url())
    return _engine


def use_engine(engine: Engine | None) -> None:
    """Point every door (UI, API, CLI) at this engine; tests use it for their clean database."""
    global _engine
    _engine = engine
    for listener in _engine_listeners:
        listener()


def on_engine_change(listener: Callable[[], None]) -> None:
    """Call `listener` whenever `use_engine` switches the engine (services/core/worker_cache registers its
    `clear_all`: cached rows of one database must not answer for another)."""
    _engine_listeners.append(listener)


class RequestUnit:
    """The session a request opened for its token check, waiting for the request's first `db_session()`."""

    def __init__(self, session: Session):
        self.session = session
        self._free = threading.Lock()       # held from the first hand-over on: the session is handed over once

    def take(self) -> Session | None:
        return self.session if self._free.acquire(blocking=False) else None

    def close(self, *, failed: bool) -> None:
        """End the request's use: commit what is still open (the token check's own write when no unit of work
        took the session), or roll it back when the request failed; later `db_session()` calls open their own."""
        self._free.acquire(blocking=False)
        try:
            if self.session.in_transaction():
                (self.session.rollback if failed else self.session.commit)()
        finally:
            self.session.close()


_request_unit: ContextVar[RequestUnit | None] = ContextVar("takt_request_unit", default=None)


def request_unit_limit(engine: Engine) -> int:
    """How many requests of one worker may hold their unit of work (a pooled connection) at once: half the pool,
    so that each can open one more unit of its own and the threads their routes run in are never all waiting for
    a connection that only a request waiting for a thread could give back (a stall until the pool's timeout)."""
    pool = engine.pool
    size = pool.size() if isinstance(pool, sa.pool.QueuePool) else 1
    overflow = max(0, getattr(pool, "_max_overflow", 0))
    return max(1, (size + overflow) // 2)


def open_request_unit() -> RequestUnit:
    """A session for this request (its token check runs in it first); `adopt` hands it to the request's context."""
    return RequestUnit(Session(get_engine(), expire_on_commit=False))


def adopt(unit: RequestUnit) -> None:
    """The next `db_session()` of this context (the request's task, and the worker thread its route runs in)
    continues `unit`'s session and transaction instead of opening one."""
    _request_unit.set(unit)


@contextmanager
def db_session() -> Iterator[Session]:
    unit = _request_unit.get()
    taken = unit.take() if unit is not None else None
    if taken is not None:
        yield taken                  # the request's session: its `close` ends it when the request is over
        return
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """One use case, one commit. Rolls back on any error; events go out only after commit."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
