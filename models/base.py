"""Shared column types and mixins for every table, and the typed reads of stored rows (pk, referenced, row_ids, id_map).

Invariants: every datetime stored or read is timezone-aware UTC (SQLite keeps no zone, so the
`UTCDateTime` type re-attaches UTC on the way out and refuses naive values on the way in).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel

K = TypeVar("K")
R = TypeVar("R", bound=SQLModel)


def utcnow() -> datetime:
    return datetime.now(UTC)


def pk(row: SQLModel) -> int:
    """A stored row's id as an `int`: tables declare `id: int | None` (None until the row is flushed),
    and code that passes a saved row's id on says so here instead of asserting at every call."""
    value = getattr(row, "id", None)
    if value is None:
        raise ValueError(f"{type(row).__name__} has no id yet: add and flush it first")
    return int(value)


def table_of(model: type[SQLModel]) -> sa.Table:
    """A table class's Core table, for set-based statements (SQLModel declares no `__table__` for type
    checkers; the mapper knows it)."""
    table = sa.inspect(model).local_table
    assert isinstance(table, sa.Table), f"{model.__name__} is not a table class"
    return table


def referenced(session: Session, model: type[R], row_id: int | None) -> R:
    """The row a foreign key of a stored row names (the constraint guarantees it exists)."""
    row = session.get(model, row_id) if row_id is not None else None
    assert row is not None, f"{model.__name__} {row_id}, named by a foreign key, is missing"
    return row


def row_ids(rows: Iterable[int | None]) -> list[int]:
    """Primary keys read back from the database (never None) as a list."""
    return [row_id for row_id in rows if row_id is not None]


def id_map(rows: Iterable[tuple[K, int | None]]) -> dict[K, int]:
    """(key, primary key) rows read back from the database as a dict (a stored row's id is never None)."""
    return {key: row_id for key, row_id in rows if row_id is not None}


class UTCDateTime(sa.types.TypeDecorator):
    """A DateTime column that only ever holds and returns aware UTC datetimes."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass a timezone-aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_cls: type, length: int = 32) -> sa.types.TypeEngine:
    """Store a StrEnum as its plain value in a VARCHAR (no database enum type to migrate)."""
    return sa.Enum(enum_cls, native_enum=False, create_constraint=False, length=length,
                   values_callable=lambda e: [m.value for m in e])


class TimestampMixin(SQLModel):
    """Who created and last changed a row, and when."""

    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    created_by: int | None = Field(default=None, nullable=True)  # user id; no FK (organizations and users refer to each other)
    updated_by: int | None = Field(default=None, nullable=True)
