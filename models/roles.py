"""Roles as data: each organization's roles (the built-in templates and its own) and who holds them where.

A built-in role's defaults stay in `services.core.access.ROLE_PERMISSIONS`; the row keeps the organization's
changes to them. A built-in role (`builtin`, key = a `models.user.Role` value) is held organization-wide through
`role_assignment`; any role, built-in or not, can also be granted to a person at one plant, optionally bound
to one department of that plant (`role_grant`).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin


class OrgRole(TimestampMixin, SQLModel, table=True):
    __tablename__ = "org_role"
    __table_args__ = (UniqueConstraint("organization_id", "key", name="uq_org_role_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    key: str = Field(max_length=64)                   # a built-in role's value ("operator"), or made from the name
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=500)
    builtin: bool = Field(default=False)
    # Permission values. A role holds (its built-in defaults, none for a custom role) + granted - revoked, so a
    # permission added to a built-in role in code reaches every organization that did not take it away.
    granted: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    revoked: list[str] = Field(default_factory=list, sa_type=sa.JSON)


class RoleGrant(TimestampMixin, SQLModel, table=True):
    __tablename__ = "role_grant"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    role_id: int = Field(foreign_key="org_role.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")
