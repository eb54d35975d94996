"""The quality domain's events, one class per name (services/core/events.py: typed events)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.core.events import DomainEvent, event_type

__all__ = ["CustomerReturnReworkCreated", "InternalRejectReworkCreated", "SpcAlertRaised",
           "rework_created"]


@event_type
@dataclass(frozen=True, kw_only=True)
class SpcAlertRaised(DomainEvent):
    """A Western Electric rule fired on a characteristic's chart."""
    NAME = "spc.alert_raised"
    alert_id: int
    characteristic_id: int
    rule: int
    chart: str


@event_type
@dataclass(frozen=True, kw_only=True)
class InternalRejectReworkCreated(DomainEvent):
    """An internal reject dispositioned as rework got its rework operation on the work order."""
    NAME = "internal_reject.rework_created"
    internal_reject_id: int
    operation_id: int
    work_order_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class CustomerReturnReworkCreated(DomainEvent):
    """A customer return dispositioned as rework got its rework operation on the work order."""
    NAME = "customer_return.rework_created"
    customer_return_id: int
    operation_id: int
    work_order_id: int


def rework_created(kind: str, case_id: int, *, operation_id: int, work_order_id: int, organization_id: int,
                   plant_id: int, at: datetime) -> InternalRejectReworkCreated | CustomerReturnReworkCreated:
    """The rework event of a quality case of `kind` ("internal_reject" or "customer_return"); the system
    creates the operation, so no actor."""
    if kind == "internal_reject":
        return InternalRejectReworkCreated(organization_id=organization_id, plant_id=plant_id, at=at,
                                           internal_reject_id=case_id, operation_id=operation_id,
                                           work_order_id=work_order_id)
    return CustomerReturnReworkCreated(organization_id=organization_id, plant_id=plant_id, at=at,
                                       customer_return_id=case_id, operation_id=operation_id,
                                       work_order_id=work_order_id)
