"""Per-organization counters for human numbers (SO-000001, WO-000001)."""
from __future__ import annotations

from sqlmodel import Field, SQLModel, UniqueConstraint


class NumberSequence(SQLModel, table=True):
    __tablename__ = "number_sequence"
    __table_args__ = (UniqueConstraint("organization_id", "key", name="uq_number_sequence_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    key: str = Field(max_length=16)       # SO, WO, ...
    next_value: int = Field(default=1)
