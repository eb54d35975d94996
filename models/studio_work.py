"""Studio production, part 2: tasks per entity and step, timesheets, versions with files, the two
review stages, the per-entity activity log, studio settings and partner (vendor/client) accounts.

A task belongs to one step and to exactly one cut or asset; its `status` mirrors its workflow
instance ("studio_task"; a task without an instance is in the initial state `todo`, the instance
is started on its first transition so bulk creation stays set-based). `rework_loops` counts
rejections; a task approved with 0 loops passed first time. Activity rows are a feed with a
retention (purged), unlike the audit trail, which stays.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, utcnow


class StudioTask(TimestampMixin, SQLModel, table=True):
    __tablename__ = "studio_task"
    __table_args__ = (
        UniqueConstraint("step_id", "cut_id", name="uq_studio_task_cut_step"),
        UniqueConstraint("step_id", "asset_id", name="uq_studio_task_asset_step"),
        sa.Index("ix_studio_task_project_episode", "project_id", "episode_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="studio_project.id", index=True)
    step_id: int = Field(foreign_key="studio_step.id", index=True)
    episode_id: int | None = Field(default=None, foreign_key="studio_episode.id")
    cut_id: int | None = Field(default=None, foreign_key="studio_cut.id", index=True)
    asset_id: int | None = Field(default=None, foreign_key="studio_asset.id", index=True)
    status: str = Field(default="todo", max_length=32, index=True)   # the workflow state
    assignee_member_id: int | None = Field(default=None, foreign_key="studio_member.id", index=True)
    vendor_partner_id: int | None = Field(default=None, foreign_key="studio_partner.id", index=True)
    start_date: date | None = Field(default=None)
    due_date: date | None = Field(default=None, index=True)
    estimate_hours: Decimal | None = Field(default=None, sa_type=sa.Numeric(8, 2))
    spent_minutes: int = Field(default=0)
    rework_loops: int = Field(default=0)
    qc1_passed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class StudioTimesheet(SQLModel, table=True):
    __tablename__ = "studio_timesheet"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    task_id: int = Field(foreign_key="studio_task.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="studio_member.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    day: date
    minutes: int
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StudioVersion(SQLModel, table=True):
    __tablename__ = "studio_version"
    __table_args__ = (UniqueConstraint("task_id", "number", name="uq_studio_version_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    task_id: int = Field(foreign_key="studio_task.id", index=True)
    number: int
    comment: str = Field(default="", max_length=2000)
    submitted_by: int | None = Field(default=None, foreign_key="app_user.id")
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status: str = Field(default="pending", max_length=16)           # pending|qc1_passed|approved|rejected


class StudioFile(SQLModel, table=True):
    __tablename__ = "studio_file"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    version_id: int = Field(foreign_key="studio_version.id", index=True)
    task_id: int = Field(foreign_key="studio_task.id", index=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=300)
    thumbnail_key: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StudioReview(SQLModel, table=True):
    __tablename__ = "studio_review"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    task_id: int = Field(foreign_key="studio_task.id", index=True)
    version_id: int = Field(foreign_key="studio_version.id", index=True)
    stage: str = Field(max_length=8)                                 # qc1 | qc2
    decision: str = Field(max_length=8)                              # approve | reject
    reason: str = Field(default="", max_length=200)
    comment: str = Field(default="", max_length=2000)
    frame: int | None = Field(default=None)
    timecode: str = Field(default="", max_length=16)
    annotation: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)  # strokes drawn on an image (services/studio/annotations.py)
    shared_with_client: bool = Field(default=False)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class StudioActivity(SQLModel, table=True):
    __tablename__ = "studio_activity"
    __table_args__ = (sa.Index("ix_studio_activity_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="studio_project.id", index=True)
    entity: str = Field(max_length=16)                               # project|cut|asset|task
    entity_id: int
    action: str = Field(max_length=32)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)  # {field: {before, after}}
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class StudioSettings(TimestampMixin, SQLModel, table=True):
    __tablename__ = "studio_settings"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", unique=True, index=True)
    activity_retention_days: int = Field(default=7)
    max_upload_mb: int = Field(default=200)


class StudioAccount(SQLModel, table=True):
    """A user of a partner: a vendor (subcontractor) or a client; sees only what is shared with it."""
    __tablename__ = "studio_account"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True, index=True)
    partner_id: int = Field(foreign_key="studio_partner.id", index=True)
    kind: str = Field(max_length=8)                                  # vendor | client
