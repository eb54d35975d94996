"""Credentials that are not passwords: log-in sessions, API tokens, log-in attempts.

Tokens are random and only their SHA-256 hash is stored; the raw value is shown once.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.base import TimestampMixin, UTCDateTime, str_enum, utcnow


class AuthSession(SQLModel, table=True):
    __tablename__ = "auth_session"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    client: str = Field(default="ui", max_length=16)  # ui | api
    ip: str | None = Field(default=None, max_length=64)


class ApiTokenKind(StrEnum):
    MACHINE = "machine"
    STATION = "station"
    DISPLAY = "display"


class ApiToken(TimestampMixin, SQLModel, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    name: str = Field(max_length=100)
    kind: ApiTokenKind = Field(sa_type=str_enum(ApiTokenKind, 16))
    token_prefix: str = Field(max_length=16)  # first characters, to recognise a token in lists
    token_hash: str = Field(max_length=64, unique=True, index=True)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)   # none: until revoked
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempt"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    ip: str | None = Field(default=None, max_length=64)
    at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    succeeded: bool = Field(default=False)
