"""Custom field values of lots and shipments over REST (services/trace/custom_values.py).

PATCH /lots/{lot_id}/custom and PATCH /shipments/{shipment_id}/custom with `{"custom": {key:
value}}`: only the given fields change (null or "" clears one); bad values answer 422 with one
message per field under `custom.<key>`. Values are set at receipt / creation with the `custom`
member of those bodies; lists filter by `?custom.<key>=value` and export one column per field.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.trace import custom_values as trace_custom
from services.trace.lots import LotRead
from services.trace.shipment_reads import ShipmentRead

router = APIRouter(responses=AUTHENTICATED)


class CustomBody(BaseModel):
    custom: dict[str, Any] = Field(description="Custom field values by key; null or \"\" clears a field.")


@router.patch("/lots/{lot_id}/custom", response_model=LotRead, tags=["traceability"],
              summary="Change a lot's custom field values")
def update_lot_custom(lot_id: int, body: CustomBody, actor: CurrentActor) -> LotRead:
    with db_session() as s, transaction(s):
        return trace_custom.update_lot_custom(s, actor, lot_id, body.custom, now=utcnow())


@router.patch("/shipments/{shipment_id}/custom", response_model=ShipmentRead, tags=["shipments"],
              summary="Change a shipment's custom field values")
def update_shipment_custom(shipment_id: int, body: CustomBody, actor: CurrentActor) -> ShipmentRead:
    with db_session() as s, transaction(s):
        return trace_custom.update_shipment_custom(s, actor, shipment_id, body.custom, now=utcnow())
