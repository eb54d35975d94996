"""Shipments over REST: list (newest first; `after`, `count=true`, `fields=compact`, cursor and total in headers:
rxapp/api/paging.py; CSV/Excel), open order lines to ship, create, detail, pack, unpack,
ship, cancel, status history, packing list and shipment sheet PDFs."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from models.base import utcnow
from models.shipments import ShipmentStatus
from rxapp.api.config.settings import custom_filters
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import Format, listing
from rxapp.api.paging import PAGED_EXPORTABLE, After, Count, Fields, page_headers
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.core.messages import t
from services.trace import custom_values as trace_custom
from services.trace import shipment_packing, shipment_pdf, shipment_reads, shipments
from services.trace.shipment_packing import PackResult
from services.trace.shipment_reads import OpenOrderLine, ShipmentCompact, ShipmentRead, ShipmentSummary
from services.trace.shipments import ShipmentCreate

router = APIRouter(tags=["shipments"], responses=AUTHENTICATED)

SHIPMENT_COLUMNS = [("number", t("Shipment")), ("customer_code", t("Customer")), ("customer_name", t("Name")),
                    ("status", t("Status")), ("quantity", t("Quantity")), ("quantity_packed", t("Packed")),
                    ("carrier", t("Carrier")), ("tracking_number", t("Tracking")), ("shipped_at", t("Shipped")),
                    ("created_at", t("Created"))]


class PackBody(BaseModel):
    lot_id: int | None = None
    serial_id: int | None = None
    quantity: int | None = Field(default=None, description="Default: what the lot has, up to what the line needs.")
    shipment_line_id: int | None = None


class ShipBody(BaseModel):
    carrier: str
    tracking_number: str = ""


class CancelBody(BaseModel):
    reason: str


class HistoryEntry(BaseModel):
    from_status: str | None
    to_status: str
    reason: str
    user_id: int | None
    at: str


@router.get("/shipments", response_model=list[ShipmentSummary] | list[ShipmentCompact],
            responses=PAGED_EXPORTABLE,
            summary="Shipments of your plants, newest first (search number, customer or tracking; filter by "
                    "custom.<key>=value; page by keyset; export with custom field columns)")
def list_shipments(request: Request, response: Response, actor: CurrentActor, plant_id: int | None = None,
                   status_: Annotated[ShipmentStatus | None, Query(alias="status")] = None,
                   customer_id: int | None = None, q: Annotated[str, Query(max_length=100)] = "",
                   limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0)] = 0,
                   after: After = None, count: Count = False, fields: Fields = "full", format: Format = "json"):
    with db_session() as s, transaction(s):
        page = shipment_reads.shipments_page(s, actor, plant_id=plant_id, status=status_, customer_id=customer_id,
                                             search=q, limit=limit, offset=offset, custom=custom_filters(request),
                                             after=after, count=count, compact=format == "json" and fields == "compact")
        if format == "json":
            return page_headers(response, page)
        rows, columns = trace_custom.shipment_export(s, actor, page.items, SHIPMENT_COLUMNS)
    return listing(rows, columns, format, "shipments")


@router.get("/shipments/open-order-lines", response_model=list[OpenOrderLine],
            summary="Order lines of a plant with something left to ship")
def open_order_lines(actor: CurrentActor, plant_id: int, customer_id: int | None = None) -> list[OpenOrderLine]:
    with db_session() as s, transaction(s):
        return shipment_reads.open_order_lines(s, actor, plant_id=plant_id, customer_id=customer_id)


@router.post("/shipments", response_model=ShipmentRead, status_code=status.HTTP_201_CREATED,
             summary="Create a shipment from order lines of one customer")
def create_shipment(body: ShipmentCreate, actor: CurrentActor) -> ShipmentRead:
    with db_session() as s, transaction(s):
        return shipments.create_shipment(s, actor, body, now=utcnow())


@router.get("/shipments/by-number/{number}", response_model=ShipmentRead, summary="A shipment by its number")
def shipment_by_number(number: str, actor: CurrentActor) -> ShipmentRead:
    with db_session() as s, transaction(s):
        return shipment_reads.shipment_by_number(s, actor, number)


@router.get("/shipments/{shipment_id}", response_model=ShipmentRead, summary="A shipment with lines and packed items")
def get_shipment(shipment_id: int, actor: CurrentActor) -> ShipmentRead:
    with db_session() as s, transaction(s):
        return shipment_reads.get_shipment(s, actor, shipment_id)


@router.post("/shipments/{shipment_id}/pack", response_model=PackResult, status_code=status.HTTP_201_CREATED,
             summary="Pack a lot or a serial", responses=errors(409))
def pack(shipment_id: int, body: PackBody, actor: CurrentActor) -> PackResult:
    with db_session() as s, transaction(s):
        return shipment_packing.pack(s, actor, shipment_id, now=utcnow(), **body.model_dump())


@router.delete("/shipments/{shipment_id}/items/{item_id}", response_model=ShipmentRead,
               summary="Unpack an item (its quantity goes back to its lot)", responses=errors(409))
def unpack(shipment_id: int, item_id: int, actor: CurrentActor) -> ShipmentRead:
    with db_session() as s, transaction(s):
        return shipment_packing.unpack(s, actor, item_id, shipment_id=shipment_id, now=utcnow())


@router.post("/shipments/{shipment_id}/ship", response_model=ShipmentRead,
             summary="Ship what is packed, with carrier and tracking number", responses=errors(409))
def ship(shipment_id: int, body: ShipBody, actor: CurrentActor) -> ShipmentRead:
    with db_session() as s, transaction(s):
        return shipments.ship(s, actor, shipment_id, carrier=body.carrier, tracking_number=body.tracking_number,
                              now=utcnow())


@router.post("/shipments/{shipment_id}/cancel", response_model=ShipmentRead, summary="Cancel an open shipment",
             responses=errors(409))
def cancel(shipment_id: int, body: CancelBody, actor: CurrentActor) -> ShipmentRead:
    with db_session() as s, transaction(s):
        return shipments.cancel(s, actor, shipment_id, reason=body.reason, now=utcnow())


@router.get("/shipments/{shipment_id}/history", response_model=list[HistoryEntry], summary="Status history")
def history(shipment_id: int, actor: CurrentActor) -> list[HistoryEntry]:
    with db_session() as s, transaction(s):
        rows = shipment_reads.history(s, actor, shipment_id)
    return [HistoryEntry(**{**r, "at": r["at"].isoformat()}) for r in rows]


PDF = {200: {"description": "A PDF document", "content": {"application/pdf": {}}}}


@router.get("/shipments/{shipment_id}/packing-list.pdf", response_class=Response, responses=PDF,
            summary="Packing list PDF")
def packing_list(shipment_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        number = shipment_reads.get_shipment(s, actor, shipment_id).number
        body = shipment_pdf.packing_list_pdf(s, actor, shipment_id)
    return Response(content=body, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="packing-list-{number}.pdf"'})


@router.get("/shipments/{shipment_id}/sheet.pdf", response_class=Response, responses=PDF,
            summary="Shipment sheet PDF (for the box)")
def sheet(shipment_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        number = shipment_reads.get_shipment(s, actor, shipment_id).number
        body = shipment_pdf.shipment_sheet_pdf(s, actor, shipment_id)
    return Response(content=body, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="shipment-{number}.pdf"'})
