"""An organization's settings: regional defaults, document numbering patterns, retention periods and the log-in
policy (session lengths, password rules).

One row per organization (absent: the defaults of `services.org.settings`); its history is the audit trail
(entity "organization_settings": who changed which setting from what to what, and when).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin


class OrganizationSettings(TimestampMixin, SQLModel, table=True):
    __tablename__ = "organization_settings"
    __table_args__ = (UniqueConstraint("organization_id", name="uq_organization_settings_org"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    timezone: str = Field(default="UTC", max_length=64)           # new plants start in it
    week_start: int = Field(default=0)                             # 0 = Monday ... 6 = Sunday
    language: str = Field(default="en", max_length=8)
    currency: str = Field(default="EUR", max_length=3)
    number_format: str = Field(default="1,234.56", max_length=16)
    units: str = Field(default="metric", max_length=16)           # metric | imperial
    numbering: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)   # document key -> pattern
    audit_retention_days: int | None = Field(default=None)        # None: kept for ever
    notification_retention_days: int | None = Field(default=None)
    # the log-in policy (services/org/settings.py checks the bounds; the token check reads the lengths)
    session_idle_minutes: int = Field(default=720, sa_column_kwargs={"server_default": "720"})
    session_max_hours: int = Field(default=168, sa_column_kwargs={"server_default": "168"})
    password_min_length: int = Field(default=10, sa_column_kwargs={"server_default": "10"})
    password_require_digit: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    password_require_mixed_case: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    password_require_symbol: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    password_refuse_personal: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
