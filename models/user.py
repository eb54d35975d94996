"""People who log in, their roles and the plants they may work in."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

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
    email: str | None = Field(default=None, max_length=254)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True, index=True)
    password_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    demo_password: bool = Field(default=False)     # still the published demo password (set by the demo seed)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


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
