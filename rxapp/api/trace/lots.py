"""Lots, locations, genealogy, trace and recall over REST.

/lots: list (newest first; `after`, `count=true`, `fields=compact`, cursor and total in headers: rxapp/api/paging.py;
CSV/Excel with ?format=), receive, detail, by number, move, hold, release, serials.
/locations: list, create and deactivate. /jobs/{operation_id}/consume and /produce: genealogy.
/trace/{lot_id}: forward + backward (JSON), or ?format=csv|xlsx|pdf as the indented table.
/recall/simulate and /recall/hold: recall from a lot, a supplier lot or a machine and time range.
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from models.base import utcnow
from models.lots import LinkKind, LotStatus
from rxapp.api.config.settings import custom_filters
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import Format, listing
from rxapp.api.paging import PAGED_EXPORTABLE, After, Count, Fields, page_headers
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.core.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from services.core.messages import t
from services.trace import custom_values as trace_custom
from services.trace import genealogy, lot_pages, lots, recall
from services.trace import report as trace_report
from services.trace import tracing as trace
from services.trace.genealogy import ConsumptionRead
from services.trace.lot_pages import LotCompact
from services.trace.lots import (
    LocationCreate,
    LocationRead,
    LotRead,
    ReceiptCreate,
    SerialRead,
)
from services.trace.recall import RecallHoldResult, RecallQuery, RecallResult
from services.trace.tracing import TraceResult

router = APIRouter(tags=["traceability"], responses=AUTHENTICATED)

LOT_COLUMNS = [("number", t("Lot")), ("product_code", t("Product")), ("product_name", t("Name")), ("quantity", t("On hand")),
               ("quantity_initial", t("Initial")), ("unit", t("Unit")), ("status", t("Status")), ("origin", t("Origin")),
               ("location_code", t("Location")), ("supplier", t("Supplier")), ("supplier_lot_ref", t("Supplier lot")),
               ("work_order_number", t("Work order")), ("pass_no", t("Pass")), ("created_at", t("Created"))]


class MoveBody(BaseModel):
    location_id: int


class HoldBody(BaseModel):
    reason: str = Field(description="Why the lot is held (shown on the lot and in the audit trail).")


class ReleaseBody(BaseModel):
    reason: str = ""


class ConsumeBody(BaseModel):
    lot_id: int | None = None
    serial_id: int | None = None
    quantity: int | None = Field(default=None, description="Default: all the lot has left (1 for a serial).")
    pass_no: int | None = Field(default=None, description="Production pass; default the job's current one.")
    kind: LinkKind = LinkKind.CONSUME


class ProduceBody(BaseModel):
    quantity: int
    pass_no: int | None = None
    product_id: int | None = Field(default=None, description="Default the work order's product; required for a by-product.")
    byproduct: bool = False
    location_id: int | None = None
    serial_numbers: list[str] = Field(default_factory=list)


class TraceBoth(BaseModel):
    lot: LotRead
    backward: TraceResult
    forward: TraceResult


class RecallHoldBody(RecallQuery):
    reason: str
    notify: bool = True
    mark_recalled: bool = False          # also mark affected lots that were shipped as recalled


# ----- lots ------------------------------------------------------------------------------------

@router.get("/lots", response_model=list[LotRead] | list[LotCompact],
            responses=PAGED_EXPORTABLE,
            summary="Lots of your plants, newest first (search number, supplier, supplier lot or product code; filter "
                    "by custom.<key>=value; page by keyset; export with custom field columns)")
def list_lots(request: Request, response: Response, actor: CurrentActor, plant_id: int | None = None,
              status_: Annotated[LotStatus | None, Query(alias="status")] = None,
              product_id: int | None = None, q: Annotated[str, Query(max_length=100)] = "",
              limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0)] = 0,
              after: After = None, count: Count = False, fields: Fields = "full", format: Format = "json"):
    with db_session() as s, transaction(s):
        page = lot_pages.lots_page(s, actor, plant_id=plant_id, status=status_, product_id=product_id, search=q,
                                   limit=limit, offset=offset, after=after, count=count,
                                   compact=format == "json" and fields == "compact", custom=custom_filters(request))
        if format == "json":
            return page_headers(response, page)
        rows, columns = trace_custom.lot_export(s, actor, page.items, LOT_COLUMNS)
    return listing(rows, columns, format, "lots")


@router.post("/lots/receipts", response_model=LotRead, status_code=status.HTTP_201_CREATED,
             summary="Receive material from a supplier: creates an available lot", responses=errors(409))
def receive(body: ReceiptCreate, actor: CurrentActor) -> LotRead:
    with db_session() as s, transaction(s):
        return lots.receive(s, actor, body, now=utcnow())


@router.get("/lots/by-number/{number}", response_model=LotRead, summary="A lot by its number (LOT-000001)")
def lot_by_number(number: str, actor: CurrentActor) -> LotRead:
    with db_session() as s, transaction(s):
        return lots.lot_by_number(s, actor, number)


@router.get("/lots/{lot_id}", response_model=LotRead, summary="One lot")
def get_lot(lot_id: int, actor: CurrentActor) -> LotRead:
    with db_session() as s, transaction(s):
        return lots.get_lot(s, actor, lot_id)


@router.get("/lots/{lot_id}/serials", response_model=list[SerialRead], summary="Serial numbers of a lot")
def lot_serials(lot_id: int, actor: CurrentActor) -> list[SerialRead]:
    with db_session() as s, transaction(s):
        return lots.lot_serials(s, actor, lot_id)


@router.post("/lots/{lot_id}/move", response_model=LotRead, summary="Move a lot to a location", responses=errors(409))
def move(lot_id: int, body: MoveBody, actor: CurrentActor) -> LotRead:
    with db_session() as s, transaction(s):
        return lots.move(s, actor, lot_id, body.location_id, now=utcnow())


@router.post("/lots/{lot_id}/hold", response_model=LotRead, summary="Put a lot on hold", responses=errors(409))
def hold(lot_id: int, body: HoldBody, actor: CurrentActor) -> LotRead:
    with db_session() as s, transaction(s):
        return lots.hold(s, actor, lot_id, reason=body.reason, now=utcnow())


@router.post("/lots/{lot_id}/release", response_model=LotRead, summary="Release a held lot", responses=errors(409))
def release(lot_id: int, body: ReleaseBody, actor: CurrentActor) -> LotRead:
    with db_session() as s, transaction(s):
        return lots.release(s, actor, lot_id, reason=body.reason, now=utcnow())


@router.get("/serials/by-number/{number}", response_model=SerialRead, summary="A serial number")
def serial_by_number(number: str, actor: CurrentActor) -> SerialRead:
    with db_session() as s, transaction(s):
        return lots.serial_by_number(s, actor, number)


@router.get("/locations", response_model=list[LocationRead], summary="Storage locations of your plants")
def list_locations(actor: CurrentActor, plant_id: int | None = None,
                   include_inactive: bool = False) -> list[LocationRead]:
    with db_session() as s, transaction(s):
        return lots.list_locations(s, actor, plant_id=plant_id, include_inactive=include_inactive)


@router.post("/locations", response_model=LocationRead, status_code=status.HTTP_201_CREATED,
             summary="Create a storage location", responses=errors(409))
def create_location(body: LocationCreate, actor: CurrentActor) -> LocationRead:
    with db_session() as s, transaction(s):
        return lots.create_location(s, actor, body, now=utcnow())


@router.post("/locations/{location_id}/deactivate", response_model=LocationRead,
             summary="Take a storage location out of use", responses=errors(409))
def deactivate_location(location_id: int, actor: CurrentActor) -> LocationRead:
    with db_session() as s, transaction(s):
        return lots.deactivate_location(s, actor, location_id, now=utcnow())


# ----- genealogy -------------------------------------------------------------------------------

@router.post("/jobs/{operation_id}/consume", response_model=ConsumptionRead, status_code=status.HTTP_201_CREATED,
             summary="Consume a lot (or a serial) into a production pass of a job", responses=errors(409))
def consume(operation_id: int, body: ConsumeBody, actor: CurrentActor) -> ConsumptionRead:
    with db_session() as s, transaction(s):
        return genealogy.consume(s, actor, operation_id=operation_id, now=utcnow(), **body.model_dump())


@router.post("/jobs/{operation_id}/produce", response_model=LotRead, status_code=status.HTTP_201_CREATED,
             summary="Record an output lot of a production pass, linked to what the pass consumed",
             responses=errors(409))
def produce(operation_id: int, body: ProduceBody, actor: CurrentActor) -> LotRead:
    with db_session() as s, transaction(s):
        return genealogy.produce(s, actor, operation_id=operation_id, now=utcnow(), **body.model_dump())


@router.get("/jobs/{operation_id}/consumptions", response_model=list[ConsumptionRead],
            summary="What a job consumed, per production pass")
def job_consumptions(operation_id: int, actor: CurrentActor) -> list[ConsumptionRead]:
    with db_session() as s, transaction(s):
        return genealogy.consumptions(s, actor, operation_id)


# ----- trace and recall -------------------------------------------------------------------------

TRACE_FILES = {200: {"description": "Both traces as JSON, or the indented table as CSV, Excel or PDF",
                     "content": {"text/csv": {}, XLSX_MEDIA_TYPE: {}, "application/pdf": {}}}}


@router.get("/trace/{lot_id}", response_model=TraceBoth, responses=TRACE_FILES,
            summary="Where a lot came from (backward) and where it went (forward), any depth")
def trace_lot(lot_id: int, actor: CurrentActor, format: Literal["json", "csv", "xlsx", "pdf"] = "json"):
    with db_session() as s, transaction(s):
        if format == "json":
            return TraceBoth(lot=lots.get_lot(s, actor, lot_id), backward=trace.backward(s, actor, lot_id),
                             forward=trace.forward(s, actor, lot_id))
        number = lots.get_lot(s, actor, lot_id).number
        content, media = {"csv": (trace_report.report_csv, CSV_MEDIA_TYPE),
                          "xlsx": (trace_report.report_xlsx, XLSX_MEDIA_TYPE),
                          "pdf": (trace_report.report_pdf, "application/pdf")}[format]
        body = content(s, actor, lot_id)
    return Response(content=body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="trace-{number}.{format}"'})


@router.post("/recall/simulate", response_model=RecallResult,
             summary="Every lot, serial, shipment and customer affected from a lot, a supplier lot, or a machine "
                     "and time range")
def simulate_recall(body: RecallQuery, actor: CurrentActor) -> RecallResult:
    with db_session() as s, transaction(s):
        return recall.simulate(s, actor, body)


@router.post("/recall/hold", response_model=RecallHoldResult,
             summary="Put every affected lot still in stock on hold, in one audited action, and notify")
def hold_recall(body: RecallHoldBody, actor: CurrentActor) -> RecallHoldResult:
    query = RecallQuery(**body.model_dump(exclude={"reason", "notify", "mark_recalled"}))
    with db_session() as s, transaction(s):
        return recall.hold_affected(s, actor, query, reason=body.reason, notify=body.notify,
                                    mark_recalled=body.mark_recalled, now=utcnow())

