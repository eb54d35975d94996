"""Studio production, part 1: projects, their templates, partner organizations, member slots and the
breakdown (episodes -> sequences -> cuts/shots, assets cast into cuts).

A project is numbered per organization (PRJ-000001). Its steps (layout, key animation, ...) are
copied from a template when the project is created and carry an order and a weight; progress is
computed from tasks (models/studio_work.py) weighted by step. Partners are company records of the
tenant (client, committee, prime contractor, subcontractors) joined to projects with a role and a
tier; a member is a role slot that may later be linked to an account (user) or a vendor (partner).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin


class StudioTemplate(TimestampMixin, SQLModel, table=True):
    __tablename__ = "studio_template"
    __table_args__ = (UniqueConstraint("organization_id", "name", name="uq_studio_template_name"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=120)
    entity_kinds: list[str] = Field(default_factory=list, sa_type=sa.JSON)    # "cut", "asset"
    steps: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)  # [{key, name, weight, entity_kind}]


class StudioProject(TimestampMixin, SQLModel, table=True):
    __tablename__ = "studio_project"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_studio_project_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    number: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name2: str = Field(default="", max_length=200)               # second-language title
    name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en: the language of name2
    type_value_id: int | None = Field(default=None, index=True)  # type_list_value of studio_project_types
    template_id: int | None = Field(default=None, foreign_key="studio_template.id")
    client_partner_id: int | None = Field(default=None, foreign_key="studio_partner.id")
    budget: Decimal | None = Field(default=None, sa_type=sa.Numeric(16, 2))
    currency: str = Field(default="EUR", max_length=3)
    start_date: date | None = Field(default=None)
    deadline: date | None = Field(default=None)
    status: str = Field(default="planning", max_length=16, index=True)  # planning|active|on_hold|done|cancelled
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)

    NAMES: ClassVar[tuple[str, str, str]] = ("name", "name2", "name2_language")   # services/core/display_names.py


class StudioStep(SQLModel, table=True):
    __tablename__ = "studio_step"
    __table_args__ = (UniqueConstraint("project_id", "key", name="uq_studio_step_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="studio_project.id", index=True)
    key: str = Field(max_length=32)
    name: str = Field(max_length=120)
    position: int = Field(default=0)
    weight: Decimal = Field(default=Decimal("1"), sa_type=sa.Numeric(8, 3))
    entity_kind: str = Field(default="cut", max_length=8)         # cut | asset


class StudioPartner(TimestampMixin, SQLModel, table=True):
    """A company the studio works with: a client, a committee member, a prime or a subcontractor."""
    __tablename__ = "studio_partner"
    __table_args__ = (UniqueConstraint("organization_id", "name", name="uq_studio_partner_name"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=200)
    name2: str = Field(default="", max_length=200)
    name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en: the language of name2
    business_number: str = Field(default="", max_length=64)
    bank_account: str = Field(default="", max_length=64)          # shown masked unless FINANCE
    is_individual: bool = Field(default=False)                    # a freelancer (withholding tax applies)
    contacts: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)  # [{name, email, phone}]

    NAMES: ClassVar[tuple[str, str, str]] = ("name", "name2", "name2_language")   # services/core/display_names.py


class StudioProjectPartner(SQLModel, table=True):
    __tablename__ = "studio_project_partner"
    __table_args__ = (UniqueConstraint("project_id", "partner_id", "role", name="uq_studio_project_partner"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="studio_project.id", index=True)
    partner_id: int = Field(foreign_key="studio_partner.id", index=True)
    role: str = Field(max_length=16)                               # client|committee|prime|subcontractor
    tier: int = Field(default=0)                                   # 0-2 for subcontractors


class StudioMember(TimestampMixin, SQLModel, table=True):
    """A role slot in a project ("Lead Animator", department "CG"), filled later by an account or a vendor."""
    __tablename__ = "studio_member"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="studio_project.id", index=True)
    department: str = Field(default="", max_length=64)
    role_title: str = Field(max_length=120)
    role_title2: str = Field(default="", max_length=120)
    person_name: str = Field(default="", max_length=200)            # credited name
    person_name2: str = Field(default="", max_length=200)
    person_name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    partner_id: int | None = Field(default=None, foreign_key="studio_partner.id", index=True)
    position: int = Field(default=0)
    weekly_quota: int | None = Field(default=None)                  # approved tasks a week
    is_lead: bool = Field(default=False)                            # reviews QC1 for the tasks of its department

    NAMES: ClassVar[tuple[str, str, str]] = ("person_name", "person_name2", "person_name2_language")


class StudioEpisode(SQLModel, table=True):
    __tablename__ = "studio_episode"
    __table_args__ = (UniqueConstraint("project_id", "number", name="uq_studio_episode_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="studio_project.id", index=True)
    number: int
    name: str = Field(default="", max_length=200)
    name2: str = Field(default="", max_length=200)
    name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en: the language of name2
    deadline: date | None = Field(default=None)

    NAMES: ClassVar[tuple[str, str, str]] = ("name", "name2", "name2_language")   # services/core/display_names.py


class StudioSequence(SQLModel, table=True):
    __tablename__ = "studio_sequence"
    __table_args__ = (UniqueConstraint("project_id", "episode_id", "code", name="uq_studio_sequence_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="studio_project.id", index=True)
    episode_id: int | None = Field(default=None, foreign_key="studio_episode.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(default="", max_length=200)


class StudioCut(TimestampMixin, SQLModel, table=True):
    __tablename__ = "studio_cut"
    __table_args__ = (UniqueConstraint("project_id", "episode_id", "code", name="uq_studio_cut_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="studio_project.id", index=True)
    episode_id: int | None = Field(default=None, foreign_key="studio_episode.id", index=True)
    sequence_id: int | None = Field(default=None, foreign_key="studio_sequence.id", index=True)
    code: str = Field(max_length=32)                                  # C001, SH010
    position: int = Field(default=0)
    frame_in: int | None = Field(default=None)
    frame_out: int | None = Field(default=None)
    description: str = Field(default="", max_length=2000)
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class StudioAsset(TimestampMixin, SQLModel, table=True):
    __tablename__ = "studio_asset"
    __table_args__ = (UniqueConstraint("project_id", "code", name="uq_studio_asset_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="studio_project.id", index=True)
    kind_value_id: int | None = Field(default=None, index=True)      # type_list_value of studio_asset_kinds
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name2: str = Field(default="", max_length=200)
    name2_language: str | None = Field(default=None, max_length=8)   # ja, ko or en: the language of name2
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)

    NAMES: ClassVar[tuple[str, str, str]] = ("name", "name2", "name2_language")   # services/core/display_names.py


class StudioCasting(SQLModel, table=True):
    __tablename__ = "studio_casting"
    __table_args__ = (UniqueConstraint("cut_id", "asset_id", name="uq_studio_casting"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    cut_id: int = Field(foreign_key="studio_cut.id", index=True)
    asset_id: int = Field(foreign_key="studio_asset.id", index=True)


class StudioMilestone(TimestampMixin, SQLModel, table=True):
    """A dated goal of a project (animatic locked, delivery of episode 3 ...), open until reached or dropped."""
    __tablename__ = "studio_milestone"
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_studio_milestone_name"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="studio_project.id", index=True)
    name: str = Field(max_length=200)
    due_date: date
    status: str = Field(default="open", max_length=16)      # open | reached | dropped
    reached_on: date | None = Field(default=None)
    note: str = Field(default="", max_length=1000)
