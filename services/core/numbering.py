"""Human numbers, unique per organization: SO-000001 for customer orders, WO-000001 for work orders.

Each document type (its key: SO, WO, PO, INV, NCR, ...) has one counter per organization and a pattern, the
organization's (`organization_settings.numbering`, set on the settings page) or `KEY-{seq:06}`. A pattern
holds `{seq}` exactly once (`{seq:06}` pads it to six digits) and may hold `{yyyy}`, `{yy}` and `{mm}` (the UTC
date of numbering); the counter never restarts, so a changed pattern cannot repeat a number it made before.
The counter row is advanced and locked for the rest of the transaction in one statement (UPDATE ... RETURNING;
SQLite serialises writers), so two concurrent releases never get the same number. The patterns are read
once per worker and kept until the organization's settings change (or 60 s pass).
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import cast

from sqlalchemy import Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from models.base import utcnow
from models.numbering import NumberSequence
from models.org_settings import OrganizationSettings
from services.core.messages import t
from services.core.worker_cache import WorkerCache

PREFIXES = {"SO": "SO", "WO": "WO"}
MAX_NUMBER = 32                      # the number columns' length
_TOKEN = re.compile(r"\{(seq(?::0(\d))?|yyyy|yy|mm)\}")


def default_pattern(key: str, width: int = 6) -> str:
    return f"{key}-{{seq:0{width}}}"


def render(pattern: str, value: int, at: datetime) -> str:
    def token(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("seq"):
            return f"{value:0{int(match.group(2) or 0)}d}"
        return {"yyyy": f"{at.year:04d}", "yy": f"{at.year % 100:02d}", "mm": f"{at.month:02d}"}[name]
    return _TOKEN.sub(token, pattern)


def pattern_problem(pattern: str) -> str | None:
    """Why a numbering pattern cannot be used, in words for the settings page; None when it can."""
    if len(_TOKEN.findall(pattern)) != len(re.findall(r"\{", pattern)) or "}" in _TOKEN.sub("", pattern):
        return t("Use only {seq}, {seq:06}, {yyyy}, {yy} and {mm} in braces.")
    if sum(1 for m in _TOKEN.finditer(pattern) if m.group(1).startswith("seq")) != 1:
        return t("Put {seq} (or {seq:06}) in the pattern exactly once.")
    if len(render(pattern, 10 ** 9, datetime(2000, 1, 1))) > MAX_NUMBER:
        return t("Numbers made from it would be longer than {max_number} characters.", max_number=MAX_NUMBER)
    return None


# Per worker: each organization's patterns, dropped when its settings change (services/org/settings.py
# announces organization_settings.updated) or after 60 s (services/core/worker_cache.py).
PATTERNS: WorkerCache[dict[str, str]] = WorkerCache("numbering patterns", invalidated_by=("organization_settings.*",))


def pattern_for(session: Session, organization_id: int, key: str, width: int = 6) -> str:
    numbering = PATTERNS.get(organization_id, lambda: dict(session.exec(select(OrganizationSettings.numbering).where(
        OrganizationSettings.organization_id == organization_id)).first() or {}), plant_id=None)
    return numbering.get(key) or default_pattern(key, width)


def next_number(session: Session, organization_id: int, key: str, *, width: int = 6, at: datetime | None = None) -> str:
    return next_numbers(session, organization_id, key, 1, width=width, at=at)[0]


def next_numbers(session: Session, organization_id: int, key: str, count: int, *, width: int = 6,
                 at: datetime | None = None) -> list[str]:
    pattern, when = pattern_for(session, organization_id, key, width), at or utcnow()
    return [render(pattern, value, when) for value in next_values(session, organization_id, key, count)]


def next_values(session: Session, organization_id: int, key: str, count: int) -> list[int]:
    """`count` consecutive values of the counter, taken in one statement (UPDATE ... RETURNING, which locks
    the row until the transaction ends). The counter's first use inserts it at 1 unless a concurrent first use
    already did (ON CONFLICT DO NOTHING waits for that transaction), then takes its values the same way: two
    transactions numbering the first lot of an organization at once get 1 and 2, not a unique-key error."""
    counters = cast(Table, NumberSequence.__table__)  # type: ignore[attr-defined]  # Core: no ORM bookkeeping
    connection = session.connection()
    advance = (update(counters).where(counters.c.organization_id == organization_id, counters.c.key == key)
               .values(next_value=counters.c.next_value + count).returning(counters.c.next_value))
    taken = connection.execute(advance).scalar()
    if taken is None:
        dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        connection.execute(dialect_insert(counters).values(organization_id=organization_id, key=key, next_value=1)
                           .on_conflict_do_nothing())
        taken = connection.execute(advance).scalar_one()
    return list(range(taken - count, taken))
