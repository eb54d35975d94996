"""System jobs (escalation clock, retention purge, email outbox) run once per organization.

A job that serves every organization runs one unit of work per organization, bound to it
(services/core/tenancy.py), so on PostgreSQL row-level security holds each pass to that organization's
rows, as it holds a person's request: a job query that forgets its organization filter finds nothing of
another organization. The job's services also filter by the organization they are given (the first wall;
SQLite has no second one). One organization's failure is logged and does not stop the others.

- `organization_ids()`: every organization, read without a setting (the `organization` table is not a
  tenant table);
- `unit_of_work_for(organization_id)`: a session in a transaction bound to the organization;
- `for_each_organization(work)`: `work(session, organization_id)` in a unit of work per organization,
  summing what each returns.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlmodel import Session, col, select

from models.organization import Organization
from services.core import tenancy
from services.core.db import db_session, transaction

log = logging.getLogger(__name__)


def organization_ids() -> list[int]:
    with db_session() as session:
        return [int(i) for i in session.exec(select(Organization.id).order_by(col(Organization.id))).all()
                if i is not None]


@contextmanager
def unit_of_work_for(organization_id: int) -> Iterator[Session]:
    """One transaction that runs for `organization_id` (committed when the block ends without an error)."""
    with db_session() as session, transaction(session):
        tenancy.bind(session, organization_id)
        yield session


def for_each_organization(work: Callable[[Session, int], int], *, name: str = "system job") -> int:
    """Run `work` for every organization in a unit of work of its own; the sum of what the passes returned.
    A pass that raises is rolled back and logged; the other organizations still run."""
    total = 0
    for organization_id in organization_ids():
        try:
            with unit_of_work_for(organization_id) as session:
                total += work(session, organization_id)
        except Exception:
            log.exception("%s failed for organization %s", name, organization_id)
    return total
