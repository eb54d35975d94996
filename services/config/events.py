"""The configuration domain's events, one class per name (services/core/events.py: typed events):
the notification centre and the mail outbox."""
from __future__ import annotations

from dataclasses import dataclass, field

from services.core.events import DomainEvent, event_type

__all__ = ["EmailQueued", "NotificationCreated", "NotificationMarkedRead"]


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
