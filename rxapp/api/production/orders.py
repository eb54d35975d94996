"""Customer orders, their release into work orders, work-order status changes, and order import
from Excel/CSV (all: PLAN at the order's plant; reading work orders: anyone of the plant).

Writes answer lean: `POST /orders` answers 201 with `id`, `number`, `status` and `line_ids` (`PATCH
/orders/{id}` the same), `POST /orders/{id}/release` 200 with `id`, `number`, `status` and `work_order_ids`,
`POST /orders/{id}/cancel` with `id`, `number` and `status`; `?view=full` answers the whole order
(`OrderDetail`, as `GET /orders/{id}`) instead, read back in the same transaction. Work-order status changes
(`POST /work-orders/{id}/transitions`, `POST /work-orders/complete`) answer `id`, `number` and the new `status`
of each work order; `?view=full` their summaries (`WorkOrderSummary`, as the list has them).

Lists (`GET /orders`, `GET /work-orders`) are newest first and take `after` (a keyset cursor: the page's
`next_after`), `count=true` to fill `total` (null otherwise: no COUNT query) and `fields=compact` for the
items' own columns only (services/core/paging.py).

Import: `POST /orders/import/preview` answers 200 with the row-by-row report (`ok` says whether it
would import); `POST /orders/import` imports all lines or nothing and answers 422 with the error
body plus the same report under `report` when any row is bad.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from models.base import utcnow
from models.orders import OrderStatus, WorkStatus
from rxapp.api.config.settings import custom_filters
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import EXPORTABLE, Format, listing
from rxapp.api.paging import After, Count, Fields
from rxapp.api.schemas import AUTHENTICATED, ErrorDetail, error_body, errors
from services.config import custom_field_views
from services.core.db import db_session, transaction
from services.production import order_import, orders, work_order_reads, work_orders
from services.production.order_import import ImportPreview, ImportRejected, ImportResult
from services.production.orders import (
    CreatedOrder,
    OrderCompactPage,
    OrderCreate,
    OrderDetail,
    OrderPage,
    OrderState,
    OrderUpdate,
)
from services.production.work_order_reads import (
    WorkOrderCompactPage,
    WorkOrderDetail,
    WorkOrderPage,
    WorkOrderSummary,
)
from services.production.work_orders import ReleasedOrder, WorkOrderState

router = APIRouter(tags=["orders"], responses=AUTHENTICATED)
work_router = APIRouter(tags=["work orders"], responses=AUTHENTICATED)

Limit = Annotated[int, Query(ge=1, le=500)]
View = Annotated[Literal["lean", "full"], Query(description=(
    "lean (default): the id and what a caller needs to go on; full: the whole read model, as GET answers it "
    "(costs a read-back of the order, its lines, history and work orders)."))]
Offset = Annotated[int, Query(ge=0)]
UploadedFile = Annotated[UploadFile, File(description="An .xlsx workbook or a .csv file (UTF-8, comma or semicolon).")]
PlantField = Annotated[int, Form(description="The plant the orders are for.")]
TEMPLATE_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "csv": "text/csv; charset=utf-8"}


class CancelBody(BaseModel):
    reason: str = Field(default="", max_length=500)


class TransitionBody(BaseModel):
    status: WorkStatus = Field(description="released, planned (unrelease), running, paused, done or cancelled")
    reason: str = Field(default="", max_length=500)


class BulkCompleteBody(BaseModel):
    ids: list[int] = Field(description="Work order ids; all are completed or none.", max_length=5000)
    reason: str = Field(default="", max_length=500)


class ImportErrorBody(BaseModel):
    error: ErrorDetail
    report: ImportPreview

    @staticmethod
    def report_for(message: str) -> dict:
        """The report of a request refused before its file was read (app.py adds it to any 422 here)."""
        return ImportPreview(filename="", rows=[], file_errors=[message], orders=0, lines=0,
                             error_rows=0).model_dump(mode="json")


# ----- import (declared before /orders/{order_id}) ------------------------------------------

@router.get("/orders/import/template", summary="Download the order import template",
            responses={200: {"content": {TEMPLATE_TYPES["xlsx"]: {}, "text/csv": {}}}})
def import_template(actor: CurrentActor,
                    fmt: Annotated[Literal["xlsx", "csv"], Query(alias="format")] = "xlsx") -> Response:
    data = order_import.import_template_xlsx() if fmt == "xlsx" else order_import.import_template_csv()
    return Response(data, media_type=TEMPLATE_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="takt-order-import-template.{fmt}"'})


@router.post("/orders/import/preview", response_model=ImportPreview,
             summary="Check an order file row by row without importing it")
def preview_import(file: UploadedFile, plant_id: PlantField, actor: CurrentActor) -> ImportPreview:
    data = _read(file)
    with db_session() as s, transaction(s):
        return order_import.preview_import(s, actor, plant_id, file.filename or "", data)


@router.post("/orders/import", response_model=ImportResult, status_code=status.HTTP_201_CREATED,
             summary="Import every line of an order file, or nothing",
             responses={422: {"model": ImportErrorBody, "description": "Nothing imported; the report says why"}})
def import_orders(file: UploadedFile, plant_id: PlantField, actor: CurrentActor):
    data = _read(file)
    try:
        with db_session() as s, transaction(s):
            return order_import.import_orders(s, actor, plant_id, file.filename or "", data, now=utcnow())
    except ImportRejected as rejected:
        body = error_body(rejected.code, rejected.message, rejected.fields)
        body["report"] = rejected.preview.model_dump(mode="json")
        return JSONResponse(body, status_code=422)


def _read(file: UploadFile) -> bytes:
    """At most one byte more than the service accepts, so it can say the file is too large."""
    return file.file.read(order_import.MAX_BYTES + 1)


# ----- orders -------------------------------------------------------------------------------

@router.get("/orders", response_model=OrderPage | OrderCompactPage, summary="List customer orders")
def list_orders(actor: CurrentActor, plant_id: int | None = None,
                search: Annotated[str, Query(description="Number, customer reference, customer code or name")] = "",
                status: OrderStatus | None = None, customer_id: int | None = None,
                promised_from: date | None = None, promised_to: date | None = None,
                limit: Limit = 50, offset: Offset = 0, after: After = None, count: Count = False,
                fields: Fields = "full") -> OrderPage | OrderCompactPage:
    with db_session() as s, transaction(s):
        return orders.list_orders(s, actor, plant_id=plant_id, search=search, status=status, customer_id=customer_id,
                                  promised_from=promised_from, promised_to=promised_to, limit=limit, offset=offset,
                                  after=after, count=count, compact=fields == "compact")


@router.post("/orders", response_model=CreatedOrder | OrderDetail, status_code=status.HTTP_201_CREATED,
             summary="Create a customer order with its lines (lean answer; view=full for the whole order)")
def create_order(body: OrderCreate, actor: CurrentActor, view: View = "lean") -> CreatedOrder | OrderDetail:
    with db_session() as s, transaction(s):
        if view == "full":
            return orders.create_order(s, actor, body, now=utcnow())
        return orders.create_order_lean(s, actor, body, now=utcnow())


@router.get("/orders/{order_id}", response_model=OrderDetail, summary="An order with lines, history and work orders")
def get_order(order_id: int, actor: CurrentActor) -> OrderDetail:
    with db_session() as s, transaction(s):
        return orders.get_order(s, actor, order_id)


@router.patch("/orders/{order_id}", response_model=CreatedOrder | OrderDetail, responses=errors(409),
              summary="Change an open order (reference, note, or its complete list of lines; lean answer, view=full "
                      "for the whole order)")
def update_order(order_id: int, body: OrderUpdate, actor: CurrentActor, view: View = "lean") -> CreatedOrder | OrderDetail:
    with db_session() as s, transaction(s):
        if view == "full":
            return orders.update_order(s, actor, order_id, body, now=utcnow())
        return orders.update_order_lean(s, actor, order_id, body, now=utcnow())


@router.post("/orders/{order_id}/release", response_model=ReleasedOrder | OrderDetail, responses=errors(409),
             summary="Release an order: work orders (with sub-assemblies) and their operations (lean answer; "
                     "view=full for the whole order)")
def release_order(order_id: int, actor: CurrentActor, view: View = "lean") -> ReleasedOrder | OrderDetail:
    with db_session() as s, transaction(s):
        released = work_orders.release_order_lean(s, actor, order_id, now=utcnow())
        return orders.get_order(s, actor, order_id) if view == "full" else released


@router.post("/orders/{order_id}/cancel", response_model=OrderState | OrderDetail, responses=errors(409),
             summary="Cancel an order and its open work orders (lean answer; view=full for the whole order)")
def cancel_order(order_id: int, actor: CurrentActor, body: CancelBody | None = None,
                 view: View = "lean") -> OrderState | OrderDetail:
    with db_session() as s, transaction(s):
        cancelled = orders.cancel_order_lean(s, actor, order_id, now=utcnow(), reason=body.reason if body else "")
        return orders.get_order(s, actor, order_id) if view == "full" else cancelled


# ----- work orders --------------------------------------------------------------------------

@work_router.get("/work-orders", response_model=WorkOrderPage | WorkOrderCompactPage, responses=EXPORTABLE,
                 summary="List work orders with progress (filter by custom.<key>=value; export with custom columns)")
def list_work_orders(request: Request, actor: CurrentActor, plant_id: int | None = None,
                     status: WorkStatus | None = None, order_id: int | None = None,
                     search: Annotated[str, Query(description="Work order number, product or order number")] = "",
                     limit: Limit = 50, offset: Offset = 0, after: After = None, count: Count = False,
                     fields: Fields = "full", format: Format = "json"):
    filters = dict(plant_id=plant_id, status=status, order_id=order_id, search=search, limit=limit, offset=offset,
                   custom=custom_filters(request), after=after)
    with db_session() as s, transaction(s):
        if format == "json" and fields == "compact":
            return work_order_reads.list_work_orders_compact(s, actor, count=count, **filters)
        page = work_order_reads.list_work_orders(s, actor, count=count, **filters)
        if format == "json":
            return page
        rows, columns = custom_field_views.with_custom_columns(s, actor, "work_order", page.items,
                                                         work_order_reads.WORK_ORDER_COLUMNS)
    return listing(rows, columns, format, "work-orders")


@work_router.post("/work-orders/complete", response_model=list[WorkOrderState] | list[WorkOrderSummary],
                  responses=errors(409),
                  summary="Complete many work orders at once, all or none (lean answer; view=full for summaries)")
def complete_work_orders(body: BulkCompleteBody, actor: CurrentActor,
                         view: View = "lean") -> list[WorkOrderState] | list[WorkOrderSummary]:
    with db_session() as s, transaction(s):
        done = work_orders.transition_work_orders_lean(s, actor, body.ids, WorkStatus.DONE, now=utcnow(),
                                                       reason=body.reason)
        return work_order_reads.summaries(s, actor, [w.id for w in done]) if view == "full" else done


@work_router.get("/work-orders/{work_order_id}", response_model=WorkOrderDetail,
                 summary="A work order with operations, children and history")
def get_work_order(work_order_id: int, actor: CurrentActor) -> WorkOrderDetail:
    with db_session() as s, transaction(s):
        return work_order_reads.get_work_order(s, actor, work_order_id)


@work_router.post("/work-orders/{work_order_id}/transitions", response_model=WorkOrderState | WorkOrderSummary,
                  responses=errors(409),
                  summary="Change a work order's status: release, unrelease, start, pause, complete, cancel (lean "
                          "answer; view=full for its summary)")
def transition_work_order(work_order_id: int, body: TransitionBody, actor: CurrentActor,
                          view: View = "lean") -> WorkOrderState | WorkOrderSummary:
    with db_session() as s, transaction(s):
        moved = work_orders.transition_work_orders_lean(s, actor, [work_order_id], body.status, now=utcnow(),
                                                        reason=body.reason)[0]
        return work_order_reads.summaries(s, actor, [moved.id])[0] if view == "full" else moved
