"""Custom field values of lots and shipments (services/config/custom_fields.py entity types "lot" and
"shipment"): change them after the receipt or the shipment's creation, and list exports with one
column per active field.

Interface:
- `update_lot_custom(session, actor, lot_id, values, *, now) -> LotRead`: only the given fields
  change (None or "" clears one); needs SCAN, SUPERVISE or QUALITY at the lot's plant;
- `update_shipment_custom(session, actor, shipment_id, values, *, now) -> ShipmentRead`: the same
  for a shipment (PLAN, SCAN or SUPERVISE at its plant), also once shipped: the values describe
  the shipment, they do not change what was shipped;
- `lot_export(session, actor, rows, columns)` / `shipment_export(...)`: list rows as export dicts
  with the custom columns appended (services/core/exports.py writes them).

Invariants: values are validated by `custom_fields.validate` (same `custom.<key>` field errors
through every door); a lot or shipment of another organization or plant is NotFound; a change
writes one audit entry and one domain event ("lot.custom_updated", "shipment.custom_updated");
no change writes nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from models.base import pk
from models.lots import Lot
from models.shipments import Shipment
from services.config import custom_field_views, custom_fields
from services.core.access import Actor, Permission
from services.core.audit import audit
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.trace.events import LotCustomUpdated, ShipmentCustomUpdated
from services.trace.lots import HANDLE, LotRead, lot_row, read_lot, require_any
from services.trace.shipment_reads import ShipmentRead, read_shipment
from services.trace.shipments import CREATE

EDIT_LOT = (*HANDLE, Permission.QUALITY)


def update_lot_custom(session: Session, actor: Actor, lot_id: int, values: dict[str, Any] | None, *,
                      now: datetime) -> LotRead:
    lot = lot_row(session, actor, lot_id, for_update=True)
    require_any(actor, EDIT_LOT, plant_id=lot.plant_id)
    changes = _store(session, actor, "lot", lot, values, now)
    if changes:
        record(session, LotCustomUpdated(organization_id=lot.organization_id, plant_id=lot.plant_id,
                                         actor_user_id=actor.user_id, at=now, lot_id=pk(lot), number=lot.number,
                                         custom=changes))
    return read_lot(session, lot)


def update_shipment_custom(session: Session, actor: Actor, shipment_id: int, values: dict[str, Any] | None, *,
                           now: datetime) -> ShipmentRead:
    shipment = get_scoped(session, actor, Shipment, shipment_id, t("Shipment"), for_update=True)
    require_any(actor, CREATE, plant_id=shipment.plant_id)
    changes = _store(session, actor, "shipment", shipment, values, now)
    if changes:
        record(session, ShipmentCustomUpdated(organization_id=shipment.organization_id, plant_id=shipment.plant_id,
                                              actor_user_id=actor.user_id, at=now, shipment_id=pk(shipment),
                                              number=shipment.number, custom=changes))
    return read_shipment(session, shipment)


def lot_export(session: Session, actor: Actor, rows: list[BaseModel], columns: list) -> tuple[list[dict], list]:
    return custom_field_views.with_custom_columns(session, actor, "lot", rows, columns)


def shipment_export(session: Session, actor: Actor, rows: list[BaseModel], columns: list) -> tuple[list[dict], list]:
    return custom_field_views.with_custom_columns(session, actor, "shipment", rows, columns)


def _store(session: Session, actor: Actor, entity: str, row: Lot | Shipment, values: dict[str, Any] | None,
           now: datetime) -> dict[str, dict[str, Any]]:
    """Validate and store the new values, audit what changed and answer it ({key: {before, after}}; empty: nothing)."""
    changes = custom_fields.store_values(session, actor, entity, row, values, now=now)
    if changes:
        audit(session, actor, entity, pk(row), "custom_update", {"custom": changes}, plant_id=row.plant_id, at=now)
    return changes
