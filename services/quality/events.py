"""The quality domain's events, one class per name (services/core/events.py: typed events)."""
from __future__ import annotations

from dataclasses import dataclass

from services.core.events import DomainEvent, event_type

__all__ = ["SpcAlertRaised"]


@event_type
@dataclass(frozen=True, kw_only=True)
class SpcAlertRaised(DomainEvent):
    """A Western Electric rule fired on a characteristic's chart."""
    NAME = "spc.alert_raised"
    alert_id: int
    characteristic_id: int
    rule: int
    chart: str
