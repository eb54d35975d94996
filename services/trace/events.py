"""Traceability's domain events, one class per name (services/core/events.py: typed events): lots,
locations, shipments, scans and recalls.

Invariants: a lot event carries the lot's id and number, a shipment event the shipment's; the payload
keys are the field names, so subscribers and the live hub read the same keys as before the classes
existed; `LotMoved.location_id` is {before, after}; `ShipmentShipped.delivered` maps order line ids to
the quantities shipped on them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.core.events import DomainEvent, event_type

__all__ = [
    "LocationDeactivated", "LotConsumed", "LotCustomUpdated", "LotEvent", "LotHeld", "LotMoved", "LotProduced",
    "LotReceived", "LotReleased", "LotToppedUp", "RecallHeld", "ScanAccepted", "ScanEvent", "ScanRefused",
    "ShipmentCancelled", "ShipmentCreated", "ShipmentCustomUpdated", "ShipmentEvent", "ShipmentPacked",
    "ShipmentShipped", "ShipmentUnpacked",
]


@dataclass(frozen=True, kw_only=True)
class LotEvent(DomainEvent):
    """Something happened to one lot."""
    lot_id: int
    number: str


@event_type
@dataclass(frozen=True, kw_only=True)
class LotReceived(LotEvent):
    NAME = "lot.received"
    product_id: int
    quantity: int
    supplier: str
    supplier_lot_ref: str
    location_id: int | None
    serials: int
    custom: dict[str, Any]


@event_type
@dataclass(frozen=True, kw_only=True)
class LotMoved(LotEvent):
    NAME = "lot.moved"
    location_id: dict[str, int | None]          # {"before": ..., "after": ...}


@event_type
@dataclass(frozen=True, kw_only=True)
class LotHeld(LotEvent):
    NAME = "lot.held"
    reason: str


@event_type
@dataclass(frozen=True, kw_only=True)
class LotReleased(LotEvent):
    NAME = "lot.released"
    held_for: str
    reason: str


@event_type
@dataclass(frozen=True, kw_only=True)
class LotConsumed(LotEvent):
    """Material taken from a lot into one production pass of a job (`kind`: consume or rework)."""
    NAME = "lot.consumed"
    consumption_id: int
    operation_id: int
    work_order_id: int
    pass_no: int
    quantity: int
    kind: str
    serial_id: int | None
    left: int


@event_type
@dataclass(frozen=True, kw_only=True)
class LotProduced(LotEvent):
    NAME = "lot.produced"
    operation_id: int
    work_order_id: int
    pass_no: int
    product_id: int
    quantity: int
    byproduct: bool
    inputs: int
    serials: int


@event_type
@dataclass(frozen=True, kw_only=True)
class LotToppedUp(LotEvent):
    """Good parts added to an open output lot (`added`; `quantity` and `quantity_initial` after it)."""
    NAME = "lot.topped_up"
    operation_id: int | None
    work_order_id: int | None
    pass_no: int | None
    added: int
    quantity: int
    quantity_initial: int
    serials: int


@event_type
@dataclass(frozen=True, kw_only=True)
class LotCustomUpdated(LotEvent):
    """Custom field values changed: {key: {before, after}} of the changed keys only."""
    NAME = "lot.custom_updated"
    custom: dict[str, Any]


@event_type
@dataclass(frozen=True, kw_only=True)
class LocationDeactivated(DomainEvent):
    NAME = "location.deactivated"
    location_id: int
    code: str


@dataclass(frozen=True, kw_only=True)
class ShipmentEvent(DomainEvent):
    """Something happened to one shipment."""
    shipment_id: int
    number: str


@event_type
@dataclass(frozen=True, kw_only=True)
class ShipmentCreated(ShipmentEvent):
    NAME = "shipment.created"
    lines: list[dict[str, int]]                  # [{"order_line_id": ..., "quantity": ...}]
    custom: dict[str, Any]


@event_type
@dataclass(frozen=True, kw_only=True)
class ShipmentPacked(ShipmentEvent):
    NAME = "shipment.packed"
    lot_id: int
    lot_number: str
    serial_id: int | None
    quantity: int
    shipment_line_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class ShipmentUnpacked(ShipmentEvent):
    NAME = "shipment.unpacked"
    lot_id: int
    serial_id: int | None
    quantity: int


@event_type
@dataclass(frozen=True, kw_only=True)
class ShipmentShipped(ShipmentEvent):
    NAME = "shipment.shipped"
    carrier: str
    tracking_number: str
    delivered: dict[int, int]                    # order line id -> quantity shipped on it


@event_type
@dataclass(frozen=True, kw_only=True)
class ShipmentCancelled(ShipmentEvent):
    NAME = "shipment.cancelled"
    reason: str


@event_type
@dataclass(frozen=True, kw_only=True)
class ShipmentCustomUpdated(ShipmentEvent):
    """Custom field values changed: {key: {before, after}} of the changed keys only."""
    NAME = "shipment.custom_updated"
    custom: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class ScanEvent(DomainEvent):
    """One scan stored: its row, mode and (for a refusal) its machine-readable reason."""
    scan_id: int
    mode: str
    reason: str


@event_type
@dataclass(frozen=True, kw_only=True)
class ScanAccepted(ScanEvent):
    NAME = "scan.accepted"


@event_type
@dataclass(frozen=True, kw_only=True)
class ScanRefused(ScanEvent):
    NAME = "scan.refused"


@event_type
@dataclass(frozen=True, kw_only=True)
class RecallHeld(DomainEvent):
    """A recall's hold: the query (as JSON), what was held and marked recalled, and who it reached."""
    NAME = "recall.held"
    query: dict[str, Any]
    reason: str
    held_lot_ids: list[int]
    held_lot_numbers: list[str]
    recalled_lot_numbers: list[str]
    affected_lots: int
    shipments: list[str]
    customers: list[str]
