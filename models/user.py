"""People who log in, their roles and the plants they may work in."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    PLANNER = "planner"
    SUPERVISOR = "supervisor"
    OPERATOR = "operator"
    QUALITY = "quality"
    MAINTENANCE = "maintenance"
    FINANCE = "finance"
    VIEWER = "viewer"
    VENDOR = "vendor"          # an account of a subcontractor (studio): sees only its own tasks and files
    CLIENT = "client"          # an account of a client (studio): sees only the reviews shared with it


class User(TimestampMixin, SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    username: str = Field(max_length=64, unique=True, index=True)  # unique across Takt: log-in needs no org
    full_name: str = Field(default="", max_length=200)
    full_name2: str = Field(default="", max_length=200)             # the name in a second language
    full_name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en
    email: str | None = Field(default=None, max_length=254)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True, index=True)
    password_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    demo_password: bool = Field(default=False)     # still the published demo password (set by the demo seed)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    language: str | None = Field(default=None, max_length=8)   # en, ja, ko; None: the organization's default

    NAMES: ClassVar[tuple[str, str, str]] = ("full_name", "full_name2", "full_name2_language")   # services/core/display_names.py


class RoleAssignment(SQLModel, table=True):
    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_role_assignment_user_role"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    role: Role = Field(sa_type=str_enum(Role))


class UserPlantAccess(SQLModel, table=True):
    __tablename__ = "user_plant_access"
    __table_args__ = (UniqueConstraint("user_id", "plant_id", name="uq_user_plant_access"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)


class Invitation(TimestampMixin, SQLModel, table=True):
    """An admin's invitation of a person by email, with the roles (comma-separated) and plants (comma-separated
    ids) they get. The one-time link carries a random token of which only the SHA-256 is stored; a resend
    replaces it. Pending until accepted, revoked or past `expires_at`."""
    __tablename__ = "invitation"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    email: str = Field(max_length=254, index=True)
    full_name: str = Field(default="", max_length=200)
    roles: str = Field(default="", max_length=500)
    plant_ids: str = Field(default="", max_length=1000)
    language: str | None = Field(default=None, max_length=8)   # en, ja, ko: the email's and the new account's;
    #                                                            None: the organization's default
    token_hash: str = Field(max_length=64, unique=True, index=True)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    sent_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    send_count: int = Field(default=1)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepted_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
