"""Scans at scanning stations: every scan is recorded with what it did (or why it was refused).

- `client_scan_id` is the station's own id for one scan; it is unique per organization, so a scan
  sent twice (a retry, a double-fired scanner) is recorded and counted once.
- `context` names what the scan was made against (e.g. "shipment:12", "operation:5",
  "location:3", "receipt:DN-4711"); with `mode` and `raw` it finds a re-scan of the same label in
  the same context, which is answered without counting it twice.
- `result` is ok or error; `reason` is a short machine-readable word for errors (unknown_label,
  wrong_product, on_hold, already_packed, ...), `message` the sentence shown to the person.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import UTCDateTime, str_enum, utcnow


class ScanMode(StrEnum):
    RECEIVE = "receive"
    MOVE = "move"
    CONSUME = "consume"
    PACK = "pack"
    SHIP = "ship"


class ScanResult(StrEnum):
    OK = "ok"
    ERROR = "error"


class Scan(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("organization_id", "client_scan_id", name="uq_scan_client_scan_id"),
        sa.Index("ix_scan_context_raw", "organization_id", "context", "raw"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int | None = Field(default=None, foreign_key="plant.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    api_token_id: int | None = Field(default=None, foreign_key="api_token.id", index=True)
    mode: ScanMode = Field(sa_type=str_enum(ScanMode, 16))
    context: str = Field(default="", max_length=120)
    raw: str = Field(max_length=200)
    client_scan_id: str | None = Field(default=None, max_length=64)
    result: ScanResult = Field(sa_type=str_enum(ScanResult, 8))
    reason: str = Field(default="", max_length=32)
    message: str = Field(default="", max_length=500)
    label_kind: str = Field(default="", max_length=8)
    object_id: int | None = Field(default=None)
    quantity: int | None = Field(default=None)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
