"""The organization a unit of work runs for, handed to PostgreSQL's row-level security.

Migration 0044_rls puts a policy on every tenant table (every table with `organization_id`):
a row is visible and writable only when `organization_id` equals the transaction's setting
`takt.organization_id`. No setting means no restriction: log-in and the bearer token/session lookup
(before the organization is known), migrations and the look-up of an organization by its slug run so.
Every unit of work that runs for an organization carries the setting: API requests (REST and the ingest
websocket, per batch), UI events, the andon display token's board, the live hub's refreshes (rxapp/live.py,
per scope) and the system jobs (escalation, retention purge, email outbox: one unit of work per organization,
services/core/system_jobs.py). A query that forgets its organization filter then finds nothing of another
organization: a second wall behind the services' checks. The CLI's commands bind too: `takt create-user` to
its organization, `takt seed-demo` to each demo organization as it seeds it, `takt rebuild-rollups` to each
plant's organization, `takt simulate` (rxapp/simulator.py) to the simulated plant's organization.

- `bind(session, organization_id)`: this session's current and later transactions run for it
  (the UI's resolver binds the session it resolved the person in). Called again inside a transaction with
  another organization, it first flushes what the session holds, then switches.
- `bind_transaction(session, organization_id)`: only the rest of the current transaction runs for it (creating an
  organization, services/org/organizations.py).
- `with working_for(session, organization_id):` only the block runs for it, then the session's own setting again
  (demo seeding and the rollup rebuild walk the organizations so, on a session their caller keeps).
- `act_for(organization_id)`: every session opened in this context runs for it (the API's actor
  dependency sets it once per request, after the token lookup, which binds the request's own unit of work itself).
- The setting is one `SELECT set_config('takt.organization_id', :org, true)` when a transaction begins
  (or when `bind` is called inside one): local to the transaction, so a pooled connection keeps nothing.
- `setting_column(organization_id)` + `bound_by_query(session, organization_id)`: a query that finds the
  organization sends the setting itself, as one more selected column (the API's token check: its one query
  finds the person and binds the rest of the request's unit of work). The query reads only rows of that
  organization, so whether a row is read before or after the setting takes effect does not change its answer.

SQLite has no row-level security: there, nothing is sent. The wall holds only when the app connects as a
role that is neither a superuser nor has BYPASSRLS (docs/architecture.md, "Row-level security").
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, SessionTransaction
from sqlalchemy.orm import Session as OrmSession

SETTING = "takt.organization_id"
_INFO_KEY = "takt.organization_id"
_APPLIED_KEY = "takt.organization_id.applied"   # (root transaction, organization) the setting was sent for
_organization: ContextVar[int | None] = ContextVar("takt_organization_id", default=None)
_SET = sa.text("SELECT set_config('takt.organization_id', :org, true)")


def act_for(organization_id: int) -> None:
    """Sessions opened from now on in this context (a request's task) run for this organization."""
    _organization.set(int(organization_id))


def current() -> int | None:
    return _organization.get()


def bind(session: OrmSession, organization_id: int) -> None:
    """This session's unit of work runs for `organization_id`, from now on (also inside a begun transaction)."""
    organization_id = int(organization_id)
    session.info[_INFO_KEY] = organization_id
    if session.in_transaction():
        _send(session, organization_id)


def setting_column(organization_id: sa.ColumnElement[int] | Mapped[int]) -> sa.ColumnElement[str]:
    """A column that sets the transaction's organization to `organization_id` when its row is read (PostgreSQL)."""
    return sa.func.set_config(SETTING, sa.cast(organization_id, sa.String), sa.true())


def bound_by_query(session: OrmSession, organization_id: int) -> None:
    """`bind`, after a query of this transaction selected `setting_column` for `organization_id` (nothing to send)."""
    organization_id = int(organization_id)
    session.info[_INFO_KEY] = organization_id
    session.info[_APPLIED_KEY] = (_root(session.get_transaction()), organization_id)


def bind_transaction(session: OrmSession, organization_id: int) -> None:
    """Only the rest of the session's current transaction (begun if none is) runs for `organization_id`; its
    later transactions run as before. Creating an organization binds so: its first rows are written for it,
    and a session that creates several (the demo seed, the tests' factories) is not left bound to the last."""
    session.connection()
    _send(session, int(organization_id))


@contextmanager
def working_for(session: OrmSession, organization_id: int) -> Iterator[None]:
    """The block's part of the session's transaction (begun if none is) runs for `organization_id`; afterwards the
    transaction runs as the session did before (its bound organization, its context's, or none). For a unit of work
    that walks several organizations (demo seeding, the rollup rebuild) on a session its caller keeps using."""
    bind_transaction(session, organization_id)
    try:
        yield
    finally:
        if session.in_transaction():
            _send(session, session.info.get(_INFO_KEY, _organization.get()))


def _send(session: OrmSession, organization_id: int | None) -> None:
    """Set the transaction's organization (None: no restriction) unless it is already the one set."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.connection()   # a transaction without a connection yet gets the setting from `_apply` here
    root = _root(session.get_transaction())
    if session.info.get(_APPLIED_KEY) != (root, organization_id):
        session.flush()    # rows added for the previous organization are written under its setting
        session.execute(_SET, {"org": "" if organization_id is None else str(organization_id)})
        session.info[_APPLIED_KEY] = (root, organization_id)


def _root(transaction: SessionTransaction | None) -> SessionTransaction | None:
    while transaction is not None and transaction.parent is not None:
        transaction = transaction.parent
    return transaction


@sa.event.listens_for(OrmSession, "after_begin")
def _apply(session: OrmSession, transaction: SessionTransaction, connection: sa.Connection) -> None:
    organization_id = session.info.get(_INFO_KEY, _organization.get())
    if organization_id is None or connection.dialect.name != "postgresql":
        return
    root = _root(transaction)
    applied = session.info.get(_APPLIED_KEY)
    if applied is not None and applied[0] is root:      # a savepoint inside a transaction that has its setting
        return
    connection.execute(_SET, {"org": str(organization_id)})
    session.info[_APPLIED_KEY] = (root, organization_id)
