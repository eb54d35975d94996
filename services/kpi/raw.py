"""KPIs of one machine straight from its raw production events: the reference the rollup reads of
services/kpi/reads.py are tested against (dashboards read the rollups).

Reads the machine's ProductionEvents, turns them into services/kpi_math inputs (downtime started/ended
paired into stops, counts weighed with their ideal cycle time on this machine: the machine's own rate for the product, else
the operation's) and returns every figure,
exact ("a/b" strings) and for display (float minutes, Decimal percentages), with the event ids behind it.
Events are ordered by when they happened (occurred_at, then id), never by when they were recorded. Job events
are paired into run intervals (services/kpi/runs.py) from the machine's first one: working time with no run and
no stop is idle, counted by the plant's convention (services/kpi/settings.py); booked planned downtime
(`kpi_planned_downtime`) is taken out of the machine's working time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.kpi_rollup import KpiPlannedDowntime
from models.orders import Operation, WorkOrder
from models.resources import LossCategory, Machine, ReasonCode
from models.shopfloor import EventKind, ProductionEvent
from services.core.access import Actor, Permission, require
from services.core.errors import Invalid
from services.core.messages import t
from services.core.scoping import get_scoped
from services.kpi import formulas as kpi_math
from services.kpi.runs import JOB_KINDS, pair_runs
from services.kpi.settings import conventions
from services.master.calendars import calendar_spec
from services.master.work_centers import cycle_overrides

_DOWNTIME = (EventKind.DOWNTIME_STARTED, EventKind.DOWNTIME_ENDED)


class StopRead(BaseModel):
    start: datetime
    end: datetime
    open: bool                              # no downtime_ended yet: runs to the end of the window
    planned: bool
    reason_code_id: int | None
    reason: str | None
    loss_category: LossCategory | None
    started_event_id: int
    ended_event_id: int | None


class MachineOee(BaseModel):
    machine_id: int
    plant_id: int
    start: datetime
    end: datetime
    shift_minutes: float
    planned_stop_minutes: float
    planned_production_minutes: float
    stop_minutes: float
    run_minutes: float
    shift_seconds: str                      # exact, "a/b"
    planned_stop_seconds: str
    planned_production_seconds: str
    stop_seconds: str
    run_seconds: str
    good: int
    scrap: int
    total: int
    ideal_seconds: str
    fully_productive_seconds: str
    availability: str | None
    performance: str | None
    quality: str | None
    oee: str | None
    availability_percent: Decimal | None
    performance_percent: Decimal | None
    quality_percent: Decimal | None
    oee_percent: Decimal | None
    performance_over_100: bool
    idle_minutes: float
    idle_seconds: str
    idle_is_loss: bool
    stops: list[StopRead]
    stop_event_ids: list[int]
    count_event_ids: list[int]


class ParetoRowRead(BaseModel):
    reason: str | None
    loss_category: LossCategory | None
    minutes: float
    minutes_exact: str
    cumulative_share: str
    cumulative_percent: Decimal | None


class MachineLossPareto(BaseModel):
    machine_id: int
    plant_id: int
    start: datetime
    end: datetime
    rows: list[ParetoRowRead]
    stop_event_ids: list[int]
    count_event_ids: list[int]


@dataclass
class _Inputs:
    machine: Machine
    runs: list[tuple[datetime, datetime]]
    booked: list[tuple[datetime, datetime]]
    idle_is_loss: bool
    stops: list[kpi_math.Stop]
    stop_reads: list[StopRead]
    counts: list[kpi_math.Count]
    scraps: list[kpi_math.ScrapLoss]
    stop_event_ids: list[int]
    count_event_ids: list[int]


def machine_oee(session: Session, actor: Actor, machine_id: int, *, start: datetime, end: datetime) -> MachineOee:
    """Every OEE figure of the machine over [start, end), with the events behind them."""
    inputs = _inputs(session, actor, machine_id, start, end)
    cal = calendar_spec(session, inputs.machine.plant_id)
    f = kpi_math.oee(cal, start, end, inputs.stops, inputs.counts, runs=inputs.runs, booked=inputs.booked,
                     idle_is_loss=inputs.idle_is_loss)
    return MachineOee(
        machine_id=inputs.machine.id, plant_id=inputs.machine.plant_id, start=start, end=end,
        shift_minutes=_minutes(f.shift_time), planned_stop_minutes=_minutes(f.planned_stop_time),
        planned_production_minutes=_minutes(f.planned_production_time), stop_minutes=_minutes(f.stop_time),
        run_minutes=_minutes(f.run_time),
        shift_seconds=_exact(_seconds(f.shift_time)), planned_stop_seconds=_exact(_seconds(f.planned_stop_time)),
        planned_production_seconds=_exact(_seconds(f.planned_production_time)),
        stop_seconds=_exact(_seconds(f.stop_time)), run_seconds=_exact(_seconds(f.run_time)),
        good=f.good, scrap=f.scrap, total=f.total,
        ideal_seconds=_exact(f.ideal_time), fully_productive_seconds=_exact(f.fully_productive_time),
        availability=_exact(f.availability), performance=_exact(f.performance), quality=_exact(f.quality),
        oee=_exact(f.oee),
        availability_percent=kpi_math.display(f.availability), performance_percent=kpi_math.display(f.performance),
        quality_percent=kpi_math.display(f.quality), oee_percent=kpi_math.display(f.oee),
        performance_over_100=f.performance_over_100, idle_minutes=_minutes(f.idle_time),
        idle_seconds=_exact(_seconds(f.idle_time)) or "0/1", idle_is_loss=f.idle_is_loss,
        stops=inputs.stop_reads, stop_event_ids=inputs.stop_event_ids, count_event_ids=inputs.count_event_ids)


def loss_pareto_for_machine(session: Session, actor: Actor, machine_id: int, *, start: datetime,
                            end: datetime) -> MachineLossPareto:
    """Loss minutes per reason over [start, end): unplanned stops in working time, and scrap as ideal time."""
    inputs = _inputs(session, actor, machine_id, start, end)
    cal = calendar_spec(session, inputs.machine.plant_id)
    rows = kpi_math.loss_pareto(inputs.stops, inputs.scraps, cal=cal, start=start, end=end, runs=inputs.runs,
                                booked=inputs.booked, idle_is_loss=inputs.idle_is_loss)
    return MachineLossPareto(
        machine_id=inputs.machine.id, plant_id=inputs.machine.plant_id, start=start, end=end,
        rows=[ParetoRowRead(reason=r.reason, loss_category=r.loss_category, minutes=float(r.minutes),
                            minutes_exact=_exact(r.minutes), cumulative_share=_exact(r.cumulative_share),
                            cumulative_percent=kpi_math.display(r.cumulative_share)) for r in rows],
        stop_event_ids=inputs.stop_event_ids, count_event_ids=inputs.count_event_ids)


def _ideal_cycles(session: Session, machine_id: int, op_ids: set[int]) -> dict[int, Decimal]:
    """operation id -> its ideal cycle seconds on this machine: the machine's own rate for the product, else the
    operation's (the routing step's)."""
    if not op_ids:
        return {}
    rows = session.exec(select(col(Operation.id), col(Operation.ideal_cycle_seconds), col(WorkOrder.product_id))
                        .join(WorkOrder, col(WorkOrder.id) == col(Operation.work_order_id))
                        .where(col(Operation.id).in_(op_ids))).all()
    own = cycle_overrides(session, [machine_id])
    return {op_id: own.get((machine_id, product_id), Decimal(seconds)) for op_id, seconds, product_id in rows
            if op_id is not None}


# ----- reading the events ------------------------------------------------------------------

def _inputs(session: Session, actor: Actor, machine_id: int, start: datetime, end: datetime) -> _Inputs:
    machine = get_scoped(session, actor, Machine, machine_id, t("Machine"))
    require(actor, Permission.VIEW_DASHBOARDS, plant_id=machine.plant_id)
    if start.tzinfo is None or end.tzinfo is None:
        raise Invalid(t("Give the period with its time zone."), fields={"start": t("Needs a time zone.")})
    if end <= start:
        raise Invalid(t("The end of the period must be after its start."), fields={"end": t("Before the start.")})

    mine = (ProductionEvent.organization_id == actor.organization_id, ProductionEvent.machine_id == machine.id)
    carried = session.exec(select(ProductionEvent.occurred_at).where(
        *mine, ProductionEvent.kind == EventKind.DOWNTIME_STARTED, ProductionEvent.occurred_at < start)
        .order_by(col(ProductionEvent.occurred_at).desc(), col(ProductionEvent.id).desc())).first()
    since = carried if carried is not None else start
    downtime = list(session.exec(select(ProductionEvent).where(
        *mine, col(ProductionEvent.kind).in_(_DOWNTIME), ProductionEvent.occurred_at >= since,
        ProductionEvent.occurred_at < end)).all())
    counts = list(session.exec(select(ProductionEvent).where(
        *mine, ProductionEvent.kind == EventKind.COUNT, ProductionEvent.occurred_at >= start,
        ProductionEvent.occurred_at < end)).all())

    jobs = list(session.exec(select(ProductionEvent).where(
        *mine, col(ProductionEvent.kind).in_(JOB_KINDS), ProductionEvent.occurred_at < end)).all())
    runs = [(s, e if e is not None else end) for s, e in pair_runs(jobs) if (e is None or e > start)]
    booked = [(b.start_at, b.end_at) for b in session.exec(select(KpiPlannedDowntime).where(
        KpiPlannedDowntime.machine_id == machine.id, KpiPlannedDowntime.start_at < end,
        KpiPlannedDowntime.end_at > start)).all()]
    reason_ids = {e.reason_code_id for e in downtime + counts if e.reason_code_id is not None}
    reasons = {r.id: r for r in session.exec(select(ReasonCode).where(col(ReasonCode.id).in_(reason_ids))).all()} \
        if reason_ids else {}
    op_ids = {e.operation_id for e in counts if e.operation_id is not None}
    ideal = _ideal_cycles(session, pk(machine), op_ids)

    stops, stop_reads, stop_event_ids = [], [], []
    for started, ended in _pair(downtime):
        stop_end = ended.occurred_at if ended is not None else end
        if stop_end <= start:
            continue                        # ended before the window
        reason = reasons.get(started.reason_code_id)
        planned = bool(reason and reason.planned)
        category = reason.loss_category if reason else None
        label = reason.code if reason else None
        stops.append(kpi_math.Stop(start=started.occurred_at, end=stop_end, planned=planned, loss_category=category,
                                   reason=label, key=started.id))
        stop_reads.append(StopRead(start=started.occurred_at, end=stop_end, open=ended is None, planned=planned,
                                   reason_code_id=started.reason_code_id, reason=label, loss_category=category,
                                   started_event_id=started.id, ended_event_id=ended.id if ended else None))
        stop_event_ids += [pk(started)] + ([pk(ended)] if ended is not None else [])

    count_rows, scraps = [], []
    for e in sorted(counts, key=_order):
        cycle = ideal.get(e.operation_id or 0, Decimal(0))
        count_rows.append(kpi_math.Count(at=e.occurred_at, good=e.quantity_good, scrap=e.quantity_scrap,
                                         ideal_cycle_seconds=cycle, key=e.id))
        if e.quantity_scrap:
            reason = reasons.get(e.reason_code_id)
            scraps.append(kpi_math.ScrapLoss(quantity=e.quantity_scrap, ideal_cycle_seconds=cycle,
                                             reason=reason.code if reason else None,
                                             loss_category=reason.loss_category if reason else None, key=e.id))
    idle_is_loss = conventions(session, machine.plant_id).idle_is_loss
    return _Inputs(machine, runs, booked, idle_is_loss, stops, stop_reads, count_rows, scraps, sorted(stop_event_ids),
                   [pk(e) for e in sorted(counts, key=_order)])


def _order(event: ProductionEvent) -> tuple[datetime, int]:
    return (event.occurred_at, pk(event))


def _pair(events: list[ProductionEvent]) -> list[tuple[ProductionEvent, ProductionEvent | None]]:
    """downtime_started/ended in the order they happened: each end closes the open start; a start left open
    runs to the end of the window; an end without an open start (its start before the read range) is dropped."""
    out: list[tuple[ProductionEvent, ProductionEvent | None]] = []
    open_start: ProductionEvent | None = None
    for e in sorted(events, key=_order):
        if e.kind == EventKind.DOWNTIME_STARTED:
            if open_start is not None:      # a second start without an end: the first ends here
                out.append((open_start, e))
            open_start = e
        elif open_start is not None:
            out.append((open_start, e))
            open_start = None
    if open_start is not None:
        out.append((open_start, None))
    return out


def _seconds(value: timedelta) -> Fraction:
    return Fraction(value // timedelta(microseconds=1), 1_000_000)


def _minutes(value: timedelta) -> float:
    return float(_seconds(value) / 60)


def _exact(value: Fraction | None) -> str | None:
    if value is None:
        return None
    value = Fraction(value)
    return f"{value.numerator}/{value.denominator}"
