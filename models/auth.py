"""Credentials that are not passwords: log-in sessions, API tokens, log-in attempts, second factors
(authenticator secrets, recovery codes, log-in challenges) and the organization's two-factor policy.

Tokens are random and only their SHA-256 hash is stored; the raw value is shown once.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
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
    kind: str = Field(default="password", max_length=16, sa_column_kwargs={"server_default": "password"})


class LoginAttemptKind(StrEnum):
    PASSWORD = "password"
    CODE = "code"              # a two-factor code (authenticator or recovery code) after the password


class UserTwoFactor(SQLModel, table=True):
    """A person's authenticator (TOTP) secret; enrolled once `confirmed_at` is set. `last_step` is the
    30-second time step of the last code accepted, so a code is never accepted twice."""
    __tablename__ = "user_two_factor"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True, index=True)
    secret: str = Field(max_length=255)     # encrypted with the application key (services/core/secret_box.py)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_step: int = Field(default=0, sa_type=sa.BigInteger)


class RecoveryCode(SQLModel, table=True):
    """One single-use recovery code, stored only as its SHA-256."""
    __tablename__ = "recovery_code"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    code_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginChallengePurpose(StrEnum):
    CODE = "code"              # enrolled: enter a code
    ENROL = "enrol"            # required by the organization's policy, not enrolled yet: set it up now


class LoginChallenge(SQLModel, table=True):
    """The password was right and a second factor is due: the short-lived token that finishes the log-in
    (only its SHA-256 is stored; single use)."""
    __tablename__ = "login_challenge"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    purpose: LoginChallengePurpose = Field(sa_type=str_enum(LoginChallengePurpose, 16))
    client: str = Field(default="ui", max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TwoFactorPolicy(SQLModel, table=True):
    """An organization's log-in policy: the roles whose people must log in with a second factor
    (comma-separated role names). Its history is the audit trail (entity `two_factor_policy`)."""
    __tablename__ = "two_factor_policy"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", unique=True, index=True)
    required_roles: str = Field(default="", max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_by: int | None = Field(default=None)
