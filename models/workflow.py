"""Workflows: admin-defined state machines per entity type, versioned, and the instances that run on them.

A `Workflow` row is one immutable version of an organization's workflow for an entity type
("ncr", "sop_ticket", ...); saving a change creates the next version and makes it the active one.
An instance keeps the version it started on, so a change never breaks entities already in flight.
States and transitions belong to one version. Every step of an instance is a `WorkflowStep` row
(started, transition, approval requested/given/declined, escalated), never updated or deleted.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, utcnow


class Workflow(TimestampMixin, SQLModel, table=True):
    __tablename__ = "workflow"
    __table_args__ = (UniqueConstraint("organization_id", "entity_type", "version", name="uq_workflow_version"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    entity_type: str = Field(max_length=32, index=True)
    version: int = Field(default=1)
    name: str = Field(max_length=120)
    is_active: bool = Field(default=True, index=True)     # the version new instances start on


class WorkflowState(SQLModel, table=True):
    __tablename__ = "workflow_state"
    __table_args__ = (UniqueConstraint("workflow_id", "key", name="uq_workflow_state_key"),)
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = Field(foreign_key="workflow.id", index=True)
    key: str = Field(max_length=32)
    name: str = Field(max_length=120)
    position: int = Field(default=0)
    is_initial: bool = Field(default=False)
    is_done: bool = Field(default=False)
    is_rejected: bool = Field(default=False)
    due_minutes: int | None = Field(default=None)          # time allowed in this state before escalation
    escalate_to_role: str | None = Field(default=None, max_length=32)
    escalate_to_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    escalate_to_head: bool = Field(default=False)          # the head of the instance's department


class WorkflowTransition(SQLModel, table=True):
    __tablename__ = "workflow_transition"
    __table_args__ = (UniqueConstraint("workflow_id", "key", name="uq_workflow_transition_key"),)
    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = Field(foreign_key="workflow.id", index=True)
    key: str = Field(max_length=32)
    name: str = Field(max_length=120)
    position: int = Field(default=0)
    from_state: str = Field(max_length=32)
    to_state: str = Field(max_length=32)
    roles: list[str] = Field(default_factory=list, sa_type=sa.JSON)           # empty: anyone who may work on it
    conditions: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)  # [{"field", "op", "value"}]
    approval: str = Field(default="none", max_length=8)                        # none | any | all
    approver_roles: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    approver_user_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    require_comment: bool = Field(default=False)


class WorkflowInstance(TimestampMixin, SQLModel, table=True):
    __tablename__ = "workflow_instance"
    __table_args__ = (UniqueConstraint("organization_id", "entity_type", "entity_id", name="uq_workflow_instance_entity"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int | None = Field(default=None, foreign_key="plant.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    workflow_id: int = Field(foreign_key="workflow.id", index=True)
    entity_type: str = Field(max_length=32)
    entity_id: int
    state: str = Field(max_length=32, index=True)
    entered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    is_closed: bool = Field(default=False, index=True)     # in a done or rejected state
    pending_transition: str | None = Field(default=None, max_length=32)   # waiting for approvals
    pending_round: int = Field(default=0)                  # approvals count only within the current request
    pending_by: int | None = Field(default=None, foreign_key="app_user.id")
    pending_comment: str = Field(default="", max_length=2000)


class WorkflowStep(SQLModel, table=True):
    __tablename__ = "workflow_step"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    instance_id: int = Field(foreign_key="workflow_instance.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    kind: str = Field(max_length=16)          # started | transition | requested | approved | declined | escalated
    transition: str | None = Field(default=None, max_length=32)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str | None = Field(default=None, max_length=32)
    round: int = Field(default=0)
    role: str | None = Field(default=None, max_length=32)   # the role an approval was given in
    comment: str = Field(default="", max_length=2000)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
