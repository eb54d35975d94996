"""Production's domain events, one class per name (services/core/events.py: typed events): customer
orders, work orders, the order import, and scheduling (operations on machines, re-plans, exceptions,
capacity targets).

Their payloads are the keys the hand-built events carried before: a plant-wide scheduling event
(schedule.replanned, schedule.late_detected) also names its plant in the payload, as it always did.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.orders import WorkStatus
from services.core.events import DomainEvent, event_type

__all__ = [
    "CapacityTargetCreated", "CapacityTargetDeleted", "CapacityTargetUpdated", "OperationMoved",
    "OperationScheduled", "OperationUnscheduled", "OrderCancelled", "OrderCompleted", "OrderCreated", "OrderEvent",
    "OrderReleased", "OrderUpdated", "OrdersImported", "ScheduleExceptionRecorded", "ScheduleLateDetected",
    "ScheduleReplanned", "WORK_ORDER_EVENTS", "WorkOrderCancelled", "WorkOrderCompleted", "WorkOrderEvent",
    "WorkOrderPaused", "WorkOrderReleased", "WorkOrderStarted", "WorkOrderUnreleased",
]


# ---- customer orders -------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class OrderEvent(DomainEvent):
    """Something happened to one customer order."""
    order_id: int
    number: str


@event_type
@dataclass(frozen=True, kw_only=True)
class OrderCreated(OrderEvent):
    NAME = "order.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class OrderUpdated(OrderEvent):
    NAME = "order.updated"


@event_type
@dataclass(frozen=True, kw_only=True)
class OrderCancelled(OrderEvent):
    NAME = "order.cancelled"


@event_type
@dataclass(frozen=True, kw_only=True)
class OrderCompleted(OrderEvent):
    NAME = "order.completed"


@event_type
@dataclass(frozen=True, kw_only=True)
class OrderReleased(OrderEvent):
    NAME = "order.released"
    work_order_ids: list[int] = field(default_factory=list)


@event_type
@dataclass(frozen=True, kw_only=True)
class OrdersImported(DomainEvent):
    """A file of order lines imported at a plant: how many orders and lines, and their number range."""
    NAME = "orders.imported"
    orders: int
    lines: int
    file: str
    first_number: str
    last_number: str


# ---- work orders -----------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class WorkOrderEvent(DomainEvent):
    """A work order changed status."""
    work_order_id: int
    number: str


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkOrderReleased(WorkOrderEvent):
    NAME = "work_order.released"


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkOrderUnreleased(WorkOrderEvent):
    NAME = "work_order.unreleased"


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkOrderCancelled(WorkOrderEvent):
    NAME = "work_order.cancelled"


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkOrderCompleted(WorkOrderEvent):
    NAME = "work_order.completed"


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkOrderStarted(WorkOrderEvent):
    NAME = "work_order.started"


@event_type
@dataclass(frozen=True, kw_only=True)
class WorkOrderPaused(WorkOrderEvent):
    NAME = "work_order.paused"


WORK_ORDER_EVENTS: dict[WorkStatus, type[WorkOrderEvent]] = {
    WorkStatus.RELEASED: WorkOrderReleased, WorkStatus.PLANNED: WorkOrderUnreleased,
    WorkStatus.CANCELLED: WorkOrderCancelled, WorkStatus.DONE: WorkOrderCompleted,
    WorkStatus.RUNNING: WorkOrderStarted, WorkStatus.PAUSED: WorkOrderPaused,
}


# ---- scheduling ------------------------------------------------------------------------------

@event_type
@dataclass(frozen=True, kw_only=True)
class OperationScheduled(DomainEvent):
    """An operation placed in a machine's queue, with the plan it got."""
    NAME = "operation.scheduled"
    operation_id: int
    work_order_id: int
    machine_id: int | None
    queue_position: int | None
    planned_start: datetime | None
    planned_end: datetime | None


@event_type
@dataclass(frozen=True, kw_only=True)
class OperationMoved(OperationScheduled):
    """An operation moved within its queue or to another machine's (then with a reason)."""
    NAME = "operation.moved"
    from_machine_id: int | None
    from_position: int | None
    reason: str


@event_type
@dataclass(frozen=True, kw_only=True)
class OperationUnscheduled(DomainEvent):
    """An operation taken off the machine it was queued on."""
    NAME = "operation.unscheduled"
    operation_id: int
    work_order_id: int
    machine_id: int | None


@dataclass(frozen=True, kw_only=True)
class _PlantWide(DomainEvent):
    """A plant-wide event: the payload names the plant too (the envelope's plant_id)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "payload", {"plant_id": self.plant_id, **self.payload})


@event_type
@dataclass(frozen=True, kw_only=True)
class ScheduleReplanned(_PlantWide):
    """Machine queues re-planned, and what caused it (assign, move, unassign, plan_machine, replan)."""
    NAME = "schedule.replanned"
    machine_ids: list[int]
    trigger: str
    changed_operation_ids: list[int]


@event_type
@dataclass(frozen=True, kw_only=True)
class ScheduleLateDetected(_PlantWide):
    """Late exceptions recorded for these operations by one detection run."""
    NAME = "schedule.late_detected"
    operation_ids: list[int]


@event_type
@dataclass(frozen=True, kw_only=True)
class ScheduleExceptionRecorded(DomainEvent):
    NAME = "schedule.exception_recorded"
    exception_id: int
    operation_id: int
    kind: str


@dataclass(frozen=True, kw_only=True)
class _CapacityTargetEvent(DomainEvent):
    capacity_target_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class CapacityTargetCreated(_CapacityTargetEvent):
    NAME = "capacity_target.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class CapacityTargetUpdated(_CapacityTargetEvent):
    NAME = "capacity_target.updated"


@event_type
@dataclass(frozen=True, kw_only=True)
class CapacityTargetDeleted(_CapacityTargetEvent):
    NAME = "capacity_target.deleted"
