"""Human numbers, unique per organization: SO-000001 for customer orders, WO-000001 for work orders.

The counter row is locked for the rest of the transaction (SELECT ... FOR UPDATE on PostgreSQL;
SQLite serialises writers), so two concurrent releases never get the same number.
"""
from __future__ import annotations

from sqlmodel import Session, select

from models.numbering import NumberSequence

PREFIXES = {"SO": "SO", "WO": "WO"}


def next_number(session: Session, organization_id: int, key: str, *, width: int = 6) -> str:
    return f"{key}-{next_values(session, organization_id, key, 1)[0]:0{width}d}"


def next_numbers(session: Session, organization_id: int, key: str, count: int, *, width: int = 6) -> list[str]:
    return [f"{key}-{value:0{width}d}" for value in next_values(session, organization_id, key, count)]


def next_values(session: Session, organization_id: int, key: str, count: int) -> list[int]:
    query = select(NumberSequence).where(NumberSequence.organization_id == organization_id, NumberSequence.key == key)
    row = session.exec(query.with_for_update()).first()
    if row is None:
        row = NumberSequence(organization_id=organization_id, key=key, next_value=1)
        session.add(row)
        session.flush()
    first = row.next_value
    row.next_value = first + count
    session.add(row)
    session.flush()
    return list(range(first, first + count))
