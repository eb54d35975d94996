"""Tenants and their places: organizations, branding, plants, departments.

Every tenant row carries `organization_id`; plant-scoped rows carry `plant_id` too.
"""
from __future__ import annotations

from typing import ClassVar

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin


class Organization(TimestampMixin, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    name2: str = Field(default="", max_length=200)                   # the name in a second language
    name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en: the language of name2
    is_active: bool = Field(default=True)

    NAMES: ClassVar[tuple[str, str, str]] = ("name", "name2", "name2_language")   # services/core/display_names.py


class OrganizationBranding(TimestampMixin, SQLModel, table=True):
    __tablename__ = "organization_branding"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", unique=True, index=True)
    display_name: str = Field(max_length=200)
    primary_color: str = Field(default="#2563eb", max_length=7)
    logo_svg: str | None = Field(default=None, max_length=200_000)  # inline SVG or data: URL


class Plant(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "code", name="uq_plant_org_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name2: str = Field(default="", max_length=200)
    name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en: the language of name2
    timezone: str = Field(default="UTC", max_length=64)
    is_active: bool = Field(default=True)

    NAMES: ClassVar[tuple[str, str, str]] = ("name", "name2", "name2_language")


class Department(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plant_id", "code", name="uq_department_plant_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name2: str = Field(default="", max_length=200)                   # the name in a second language
    name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en: the language of name2
    is_active: bool = Field(default=True)
    head_user_id: int | None = Field(default=None, foreign_key="app_user.id")  # escalations go to this person

    NAMES: ClassVar[tuple[str, str, str]] = ("name", "name2", "name2_language")   # services/core/display_names.py
