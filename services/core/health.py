"""Liveness of the service layer: a real round trip to the database and its schema revision.

Invariant: a failed check raises `Unavailable` with a message fit for any caller; the database's own
error text (hosts, users, paths) is logged, never returned.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from services.core.errors import Unavailable
from services.core.messages import t

log = logging.getLogger(__name__)


class HealthRead(BaseModel):
    status: str
    database: str
    revision: str | None


def check_database(session: Session) -> HealthRead:
    try:
        session.connection().execute(sa.select(sa.literal(1))).one()
        revision = MigrationContext.configure(session.connection()).get_current_revision()
    except SQLAlchemyError as exc:
        log.warning("database health check failed: %s", exc)
        raise Unavailable(t("The database is not reachable.")) from None
    return HealthRead(status="ok", database="ok", revision=revision)
