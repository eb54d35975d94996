"""KPIs over REST (services/kpi/reads.py; all read the rollups): summary, trend, loss Pareto, FPY/RTY, OTD, WIP and the
raw events behind a figure. Lists export with `?format=csv|xlsx`. Needs VIEW_DASHBOARDS at the plant; a
display token may read the summary of its plant. `/kpi/settings` reads (VIEW_DASHBOARDS) and sets
(MANAGE_PLANTS) a plant's conventions: idle as an availability loss or not scheduled, the overproduction
tolerance. Periods are `start`/`end` instants with their zone
(e.g. 2026-03-02T06:00:00Z), OTD takes promised dates.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import EXPORTABLE, Format, listing
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.core.messages import t
from services.kpi import reads as kpi
from services.kpi import settings as kpi_settings
from services.kpi.read_models import (
    EventsBehind,
    KpiSummary,
    LossPareto,
    OeeRead,
    OeeTrend,
    OtdTrend,
    WipSummary,
    YieldReport,
)

router = APIRouter(prefix="/kpi", tags=["kpi"], responses=AUTHENTICATED)

FIGURE_COLUMNS = [("availability_percent", t("Availability %")), ("performance_percent", t("Performance %")),
                  ("quality_percent", t("Quality %")), ("oee_percent", t("OEE %")), ("good", t("Good")), ("scrap", t("Scrap")),
                  ("shift_minutes", t("Shift min")), ("planned_stop_minutes", t("Planned stop min")),
                  ("planned_production_minutes", t("Planned production min")), ("stop_minutes", t("Stop min")),
                  ("run_minutes", t("Run min")), ("idle_minutes", t("Idle min")),
                  ("performance_over_100", t("Performance over 100%"))]
Start = Annotated[datetime, Query(description="Start of the period, with its zone.")]
End = Annotated[datetime, Query(description="End of the period (excluded), with its zone.")]


def _flat(head: dict, figures: OeeRead) -> dict:
    return {**head, **figures.model_dump()}


@router.get("/summary", response_model=KpiSummary, summary="A, P, Q and OEE with every intermediate figure")
def summary(actor: CurrentActor, plant_id: int, start: Start, end: End, department_id: int | None = None,
            machine_id: int | None = None, shift_id: int | None = None) -> KpiSummary:
    with db_session() as s, transaction(s):
        return kpi.kpi_summary(s, actor, plant_id=plant_id, start=start, end=end, department_id=department_id,
                               machine_id=machine_id, shift_id=shift_id, now=utcnow())


@router.get("/machines", responses=EXPORTABLE, summary="The summary's figures per machine (export with ?format=)")
def machines(actor: CurrentActor, plant_id: int, start: Start, end: End, department_id: int | None = None,
             machine_id: int | None = None, shift_id: int | None = None, format: Format = "json"):
    with db_session() as s, transaction(s):
        machines = kpi.machine_figures(s, actor, plant_id=plant_id, start=start, end=end,
                                       department_id=department_id, machine_id=machine_id, shift_id=shift_id,
                                       now=utcnow())
    rows = [_flat({"machine_id": m.machine_id, "machine_code": m.machine_code, "machine_name": m.machine_name},
                  m.figures) for m in machines]
    return listing(rows, [("machine_code", t("Machine")), ("machine_name", t("Name")), *FIGURE_COLUMNS], format,
                   "kpi-machines")


@router.get("/trend", response_model=OeeTrend, responses=EXPORTABLE,
            summary="OEE per hour, shift, day or week in the plant's time zone")
def trend(actor: CurrentActor, plant_id: int, start: Start, end: End,
          bucket: Literal["hour", "shift", "day", "week"] = "day", department_id: int | None = None,
          machine_id: int | None = None, shift_id: int | None = None, format: Format = "json"):
    with db_session() as s, transaction(s):
        result = kpi.oee_trend(s, actor, plant_id=plant_id, start=start, end=end, bucket=bucket,
                               department_id=department_id, machine_id=machine_id, shift_id=shift_id, now=utcnow())
    if format == "json":
        return result
    rows = [_flat({"label": p.label, "start": p.start, "end": p.end}, p.figures) for p in result.points]
    return listing(rows, [("label", t("Period")), ("start", t("Start")), ("end", t("End")), *FIGURE_COLUMNS], format,
                   "oee-trend")


@router.get("/pareto", response_model=LossPareto, responses=EXPORTABLE,
            summary="Loss minutes (and, for stop reasons, the number of stops) by reason, largest first, and as "
                    "the six big losses")
def pareto(actor: CurrentActor, plant_id: int, start: Start, end: End, department_id: int | None = None,
           machine_id: int | None = None, shift_id: int | None = None, format: Format = "json"):
    with db_session() as s, transaction(s):
        result = kpi.loss_pareto(s, actor, plant_id=plant_id, start=start, end=end, department_id=department_id,
                                 machine_id=machine_id, shift_id=shift_id, now=utcnow())
    if format == "json":
        return result
    return listing(result.rows, [("kind", "Kind"), ("reason", "Reason"), ("reason_name", "Name"),
                                 ("loss_category", "Loss category"), ("minutes", "Minutes"), ("stops", "Stops"),
                                 ("cumulative_percent", "Cumulative %")], format, "loss-pareto")


@router.get("/fpy", response_model=YieldReport, responses=EXPORTABLE,
            summary="First-pass yield per product and routing step, rolled throughput yield per product")
def fpy(actor: CurrentActor, plant_id: int, start: Start, end: End, department_id: int | None = None,
        machine_id: int | None = None, shift_id: int | None = None, product_id: int | None = None,
        format: Format = "json"):
    with db_session() as s, transaction(s):
        result = kpi.fpy_by_product_step(s, actor, plant_id=plant_id, start=start, end=end,
                                         department_id=department_id, machine_id=machine_id, shift_id=shift_id,
                                         product_id=product_id, now=utcnow())
    if format == "json":
        return result
    rows = [{**step.model_dump(), "rty_percent": p.rty_percent} for p in result.products for step in p.steps]
    return listing(rows, [("product_code", t("Product")), ("product_name", t("Name")), ("step", t("Step")),
                          ("step_name", t("Step name")), ("units_in", t("Units in")), ("right_first_time", t("Right first time")),
                          ("fpy_percent", t("FPY %")), ("rty_percent", t("Product RTY %"))], format, "fpy")


@router.get("/otd", response_model=OtdTrend, responses=EXPORTABLE,
            summary="On-time delivery per period by order line or by order (export the periods or the lines)")
def otd(actor: CurrentActor, plant_id: int, start: date, end: date,
        bucket: Literal["day", "week", "month"] = "week", by: Literal["line", "order"] = "line",
        rows: Literal["periods", "lines"] = "periods", format: Format = "json"):
    with db_session() as s, transaction(s):
        result = kpi.otd_trend(s, actor, plant_id=plant_id, start=start, end=end, bucket=bucket, by=by, now=utcnow())
    if format == "json":
        return result
    if rows == "lines":
        return listing(result.lines, [("order_number", "Order"), ("line_no", "Line"), ("product_code", "Product"),
                                      ("quantity", "Quantity"), ("quantity_delivered", "Delivered"),
                                      ("promised_date", "Promised"), ("delivered_on", "Delivered on"),
                                      ("on_time", "On time")], format, "otd-lines")
    return listing(result.points, [("label", "Period"), ("due", "Due"), ("on_time", "On time"),
                                   ("percent", "OTD %")], format, "otd")


@router.get("/wip", response_model=WipSummary, summary="Work in progress of a plant, per department")
def wip(actor: CurrentActor, plant_id: int) -> WipSummary:
    with db_session() as s, transaction(s):
        return kpi.wip_summary(s, actor, plant_id=plant_id)


@router.get("/events", response_model=EventsBehind, responses=EXPORTABLE,
            summary="The raw production events behind a figure (counts, scrap or downtime)")
def events(actor: CurrentActor, plant_id: int, start: Start, end: End, department_id: int | None = None,
           machine_id: int | None = None, kind: Literal["count", "scrap", "downtime"] | None = None,
           reason_code_id: int | None = None, limit: Annotated[int, Query(ge=1, le=kpi.MAX_EVENTS)] = 1000,
           format: Format = "json"):
    with db_session() as s, transaction(s):
        result = kpi.events_behind(s, actor, plant_id=plant_id, start=start, end=end, department_id=department_id,
                                   machine_id=machine_id, kind=kind, reason_code_id=reason_code_id, limit=limit,
                                   now=utcnow())
    if format == "json":
        return result
    return listing(result.events, [("occurred_at", "Occurred at"), ("machine_code", "Machine"), ("kind", "Kind"),
                                   ("quantity_good", "Good"), ("quantity_scrap", "Scrap"), ("reason", "Reason"),
                                   ("operation_id", "Operation"), ("client_id", "Client id"),
                                   ("recorded_at", "Recorded at")], format, "kpi-events")


class KpiSettingsBody(BaseModel):
    idle_convention: Literal["loss", "not_scheduled"] = "loss"
    overproduction_tolerance_percent: int = kpi_settings.DEFAULT_TOLERANCE


@router.get("/settings", response_model=kpi_settings.KpiSettingsRead, summary="A plant's KPI conventions")
def get_settings(actor: CurrentActor, plant_id: int) -> kpi_settings.KpiSettingsRead:
    with db_session() as s, transaction(s):
        return kpi_settings.plant_settings(s, actor, plant_id)


@router.put("/settings", response_model=kpi_settings.KpiSettingsRead,
            summary="Set a plant's KPI conventions (idle as a loss or not scheduled, overproduction tolerance)")
def put_settings(actor: CurrentActor, plant_id: int, body: KpiSettingsBody) -> kpi_settings.KpiSettingsRead:
    with db_session() as s, transaction(s):
        return kpi_settings.set_plant_settings(s, actor, plant_id, idle_convention=body.idle_convention,
                                               overproduction_tolerance_percent=body.overproduction_tolerance_percent,
                                               now=utcnow())
