"""The configuration domain's events, one class per name (services/core/events.py: typed events):
the notification centre, the mail outbox and the workflow engine. Definition changes (custom fields,
type lists) are announced as `EntityChanged` (services/core/changes.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.core.events import DomainEvent, event_type

__all__ = [
    "EmailQueued", "NotificationCreated", "NotificationMarkedRead", "WorkflowApprovalRequested", "WorkflowApproved",
    "WorkflowDeclined", "WorkflowEscalated", "WorkflowEvent", "WorkflowStarted", "WorkflowTransitioned",
    "WorkflowVersionSaved",
]


@event_type
@dataclass(frozen=True, kw_only=True)
class NotificationCreated(DomainEvent):
    """A notification for one person (their bell counts it at once)."""
    NAME = "notification.created"
    notification_id: int
    user_id: int
    kind: str
    title: str


@event_type
@dataclass(frozen=True, kw_only=True)
class NotificationMarkedRead(DomainEvent):
    """A person read some of their notifications."""
    NAME = "notification.read"
    user_id: int | None
    notification_ids: list[int] = field(default_factory=list)


@event_type
@dataclass(frozen=True, kw_only=True)
class EmailQueued(DomainEvent):
    """Mail is waiting in the outbox (the sender wakes up)."""
    NAME = "email.queued"


@dataclass(frozen=True, kw_only=True)
class WorkflowEvent(DomainEvent):
    """Something happened to one entity's workflow instance."""
    entity_type: str
    entity_id: int
    instance_id: int


@dataclass(frozen=True, kw_only=True)
class _WorkflowEntered(WorkflowEvent):
    transition: str | None
    from_state: str | None
    to_state: str
    done: bool
    rejected: bool


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkflowStarted(_WorkflowEntered):
    """The entity entered its workflow's initial state (transition and from_state are None)."""
    NAME = "workflow.started"


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkflowTransitioned(_WorkflowEntered):
    """The entity moved to `to_state`; `done`/`rejected` say whether that state closes it."""
    NAME = "workflow.transitioned"


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkflowApprovalRequested(WorkflowEvent):
    """A transition with an approval step waits for approvers ("any" or "all")."""
    NAME = "workflow.approval_requested"
    transition: str
    approval: str


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkflowApproved(WorkflowEvent):
    """One approver approved the pending transition (it moves once nobody is missing)."""
    NAME = "workflow.approved"
    transition: str


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkflowDeclined(WorkflowEvent):
    """An approver declined the pending transition; the instance stays where it was."""
    NAME = "workflow.declined"
    transition: str


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkflowEscalated(WorkflowEvent):
    """The instance is past its state's due time; `to` names who was told."""
    NAME = "workflow.escalated"
    state: str
    due_at: datetime
    to: str


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkflowVersionSaved(DomainEvent):
    """An admin saved a new active version of an entity type's workflow."""
    NAME = "workflow.version_saved"
    entity_type: str
    workflow_id: int
    version: int
