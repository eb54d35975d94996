"""Maintenance KPIs of a plant (optionally one machine or one machine class) over [start, end), and a
machine's history. The definitions are shown on screen as written in DEFINITIONS, in the language being served.

Invariants: figures count only the actor's organization and the chosen plant; cancelled tickets count nowhere;
a figure with nothing to divide by is None ("not defined"), never 0; hours are floats, money Decimal.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.kpi_rollup import KpiStop
from models.maintenance import MaintenanceLabour, MaintenanceTicket, StockMove
from models.resources import LossCategory, Machine, ReasonCode
from services.core.display_names import display_name
from services.core.errors import Invalid
from services.core.messages import Message, render, t
from services.core.scoping import get_scoped
from services.maintenance.common import require_kpis
from services.maintenance.uptime import operating_by_machine
from services.master.common import visible_plant

DEFINITIONS: dict[str, Message] = {
    "breakdowns": t("Corrective tickets raised in the period (not cancelled); from stops: unplanned stops whose "
                    "reason is in the loss category 'breakdown', started in the period."),
    "mtbf": t("Mean time between failures, uptime-based: operating time (working time of the plant calendar minus "
              "all stops, from the machine's start: its creation or its first recorded event, whichever is earlier) "
              "/ number of breakdowns, in hours."),
    "mttr": t("Mean time to repair: from the start of work on the ticket (In progress) to Done, over corrective "
              "tickets done in the period; from stops: from the stop's start to its end, over breakdown stops."),
    "response": t("Share of tickets raised in the period (answered or overdue) whose first response came within the "
                  "response target (working time of the plant calendar)."),
    "resolution": t("Share of tickets done in the period that were done within the resolution target (working time, "
                    "waiting for parts excluded where the plant pauses the clock)."),
    "backlog": t("Open tickets now, by age since they were raised."),
    "planned_ratio": t("Preventive tickets done / all tickets done in the period."),
    "cost": t("Spare parts issued to tickets (at their unit cost when issued) plus labour (hours x rate) in the period."),
}
MACHINE_COLUMNS = [("machine_code", t("Machine")), ("machine_name", t("Name")), ("breakdowns", t("Breakdowns")),
                   ("breakdown_stops", t("Breakdown stops")), ("operating_hours", t("Operating h")),
                   ("mtbf_hours", t("MTBF h")), ("mttr_hours", t("MTTR h")), ("cost", t("Cost"))]   # the export of the per-machine figures
# backlog age buckets: the English label is the key the API answers; the board shows it translated (its msgid)
AGE_BUCKETS = ((1, t("< 1 day")), (3, t("1-3 days")), (7, t("3-7 days")), (30, t("7-30 days")), (None, t("> 30 days")))


class MachineFigures(BaseModel):
    machine_id: int
    machine_code: str
    machine_name: str
    breakdowns: int
    breakdown_stops: int
    operating_hours: float
    mtbf_hours: float | None
    mttr_hours: float | None
    cost: Decimal


class MaintenanceKpis(BaseModel):
    plant_id: int
    start: datetime
    end: datetime
    breakdowns: int
    breakdown_stops: int
    operating_hours: float
    mtbf_hours: float | None
    mtbf_hours_stops: float | None
    mttr_hours: float | None
    mttr_hours_stops: float | None
    response_compliance: float | None
    resolution_compliance: float | None
    preventive_done: int
    corrective_done: int
    planned_ratio: float | None
    parts_cost: Decimal
    labour_cost: Decimal
    labour_hours: Decimal
    backlog: dict[str, int]
    machines: list[MachineFigures]
    definitions: dict[str, str]                # DEFINITIONS in the language being served


def _machines(session: Session, actor, plant_id: int, machine_id: int | None, work_center_id: int | None):
    query = select(Machine).where(Machine.organization_id == actor.organization_id, Machine.plant_id == plant_id)
    if machine_id is not None:
        get_scoped(session, actor, Machine, machine_id, t("Machine"))
        query = query.where(Machine.id == machine_id)
    if work_center_id is not None:
        query = query.where(Machine.work_center_id == work_center_id)
    return {m.id: m for m in session.exec(query.order_by(Machine.code)).all()}


def _mean_hours(seconds: list[float]) -> float | None:
    return sum(seconds) / len(seconds) / 3600 if seconds else None


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def maintenance_kpis(session: Session, actor, *, plant_id: int, start: datetime, end: datetime,
                     machine_id: int | None = None, work_center_id: int | None = None,
                     now: datetime) -> MaintenanceKpis:
    plant = visible_plant(session, actor, plant_id)
    require_kpis(actor, pk(plant))
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise Invalid(fields={"end": t("The end must be after the start (times with zone).")})
    machines = _machines(session, actor, pk(plant), machine_id, work_center_id)
    ids = list(machines) or [-1]
    T = MaintenanceTicket
    rows = session.exec(select(col(T.machine_id), col(T.kind), col(T.created_at), col(T.started_at),  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
                               col(T.resolved_at), col(T.responded_at), col(T.response_due_at),
                               col(T.resolution_due_at), col(T.response_breached), col(T.is_closed)).where(
        col(T.organization_id) == actor.organization_id, col(T.machine_id).in_(ids),
        col(T.is_cancelled) == False,  # noqa: E712
        sa.or_(col(T.is_closed) == False, col(T.resolved_at) >= start), col(T.created_at) < end)).all()  # noqa: E712
    breakdowns: defaultdict[int, int] = defaultdict(int)
    repairs: defaultdict[int, list] = defaultdict(list)
    answered = answered_ok = resolved = resolved_ok = preventive = corrective = 0
    backlog = {label: 0 for _, label in AGE_BUCKETS}
    for m, kind, created, started, done_at, responded, resp_due, res_due, resp_breached, closed in rows:
        if start <= created < end:
            if kind == "corrective":
                breakdowns[m] += 1
            if responded is not None or resp_breached:
                answered += 1
                answered_ok += responded is not None and responded <= resp_due
        if closed and done_at is not None and start <= done_at < end:
            resolved += 1
            resolved_ok += done_at <= res_due
            preventive += kind == "preventive"
            corrective += kind == "corrective"
            if kind == "corrective" and started is not None:
                repairs[m].append((done_at - started).total_seconds())
        if not closed:
            age = (now - created).total_seconds() / 86400
            backlog[next(label for limit, label in AGE_BUCKETS if limit is None or age < limit)] += 1
    stops, stop_repairs = _breakdown_stops(session, actor, ids, start, end)
    operating = operating_by_machine(session, pk(plant), list(machines), start, end)
    parts = _parts_cost(session, actor, ids, start, end)
    labour_cost, labour_hours, labour_by = _labour(session, actor, ids, start, end)
    per_machine = []
    for mid, m in machines.items():
        hours = operating.get(mid, 0) / 3600
        per_machine.append(MachineFigures(
            machine_id=mid, machine_code=m.code, machine_name=display_name(m), breakdowns=breakdowns[mid],
            breakdown_stops=stops[mid], operating_hours=hours,
            mtbf_hours=hours / breakdowns[mid] if breakdowns[mid] else None, mttr_hours=_mean_hours(repairs[mid]),
            cost=parts.get(mid, Decimal("0")) + labour_by.get(mid, Decimal("0"))))
    total_hours = sum(operating.values()) / 3600
    n_break, n_stops = sum(breakdowns.values()), sum(stops.values())
    return MaintenanceKpis(
        plant_id=plant.id, start=start, end=end, breakdowns=n_break, breakdown_stops=n_stops,
        operating_hours=total_hours, mtbf_hours=total_hours / n_break if n_break else None,
        mtbf_hours_stops=total_hours / n_stops if n_stops else None,
        mttr_hours=_mean_hours([s for v in repairs.values() for s in v]), mttr_hours_stops=_mean_hours(stop_repairs),
        response_compliance=_share(answered_ok, answered), resolution_compliance=_share(resolved_ok, resolved),
        preventive_done=preventive, corrective_done=corrective, planned_ratio=_share(preventive, preventive + corrective),
        parts_cost=sum(parts.values(), Decimal("0")).quantize(Decimal("0.01")), labour_cost=labour_cost,
        labour_hours=labour_hours, backlog=backlog, machines=per_machine,
        definitions={key: render(text) for key, text in DEFINITIONS.items()})


def _breakdown_stops(session: Session, actor, ids: list[int], start: datetime, end: datetime):
    rows = session.exec(select(KpiStop.machine_id, KpiStop.start_at, KpiStop.end_at).join(
        ReasonCode, col(ReasonCode.id) == col(KpiStop.reason_key)).where(
        KpiStop.organization_id == actor.organization_id, col(KpiStop.machine_id).in_(ids),
        KpiStop.start_at >= start, KpiStop.start_at < end, ReasonCode.planned == False,  # noqa: E712
        ReasonCode.loss_category == LossCategory.BREAKDOWN)).all()
    counts: dict[int, int] = defaultdict(int)
    durations = []
    for m, s, e in rows:
        counts[m] += 1
        if e is not None:
            durations.append((e - s).total_seconds())
    return counts, durations


def _parts_cost(session: Session, actor, ids: list[int], start: datetime, end: datetime) -> dict[int, Decimal]:
    rows = session.exec(select(MaintenanceTicket.machine_id, sa.func.sum(-StockMove.quantity * StockMove.unit_cost))
                        .join(MaintenanceTicket, col(MaintenanceTicket.id) == col(StockMove.ticket_id)).where(
        StockMove.organization_id == actor.organization_id, col(MaintenanceTicket.machine_id).in_(ids),
        col(StockMove.at) >= start, col(StockMove.at) < end).group_by(col(MaintenanceTicket.machine_id))).all()
    return {m: Decimal(str(v or 0)) for m, v in rows}


def _labour(session: Session, actor, ids: list[int], start: datetime, end: datetime):
    rows = session.exec(select(col(MaintenanceTicket.machine_id), col(MaintenanceLabour.hours),
                               col(MaintenanceLabour.hourly_rate))
                        .join(MaintenanceTicket, col(MaintenanceTicket.id) == col(MaintenanceLabour.ticket_id)).where(
        col(MaintenanceLabour.organization_id) == actor.organization_id, col(MaintenanceTicket.machine_id).in_(ids),
        col(MaintenanceLabour.started_at) >= start, col(MaintenanceLabour.started_at) < end)).all()
    by: dict[int, Decimal] = defaultdict(lambda: Decimal("0"))
    hours = Decimal("0")
    for m, h, rate in rows:
        by[m] += h * rate
        hours += h
    return sum(by.values(), Decimal("0")).quantize(Decimal("0.01")), hours, dict(by)
