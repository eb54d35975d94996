"""Pages of lists: a keyset cursor, and the total counted only when asked.

A list ordered newest id first takes `after` (the last id of the page before; the next page holds smaller
ids) besides `offset`; its page says `next_after` (the cursor for the next page, None on the last page).
A keyset page costs the same at page 1 and page 1,000, where an offset re-reads every row before it.
`count=False` leaves `total` None and skips the COUNT query (a second pass over every matching row).
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session, func, select


def keyset_page(session: Session, query: Any, id_column: Any, *, after: int | None, limit: int, offset: int,
                count: bool, max_page: int) -> tuple[list, int | None, int | None]:
    """(rows, total or None, next cursor) of `query`, newest `id_column` first. Rows are what `query` selects;
    `id_of` below reads a row's id for the cursor."""
    total = session.exec(select(func.count()).select_from(query.subquery())).one() if count else None
    limit = max(1, min(limit, max_page))
    if after is not None:
        query = query.where(id_column < after)
    rows = list(session.exec(query.order_by(id_column.desc()).offset(max(0, offset)).limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, total, (id_of(rows[-1]) if more and rows else None)


def id_of(row: Any) -> int:
    """The id of a result row: a model, or a tuple whose first item is the model or the id."""
    first = row[0] if isinstance(row, tuple) or hasattr(row, "_mapping") else row
    return first if isinstance(first, int) else first.id
