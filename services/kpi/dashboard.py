"""The manager dashboard of a plant: OEE with A/P/Q, the OEE trend, the loss Pareto, FPY by product and
step, the OTD trend, WIP and capacity utilisation, for the filters plant, department, machine, shift
and period; the events behind each figure; the view as rows for CSV/Excel.

Filters: the period is "shift" (the current shift so far), "today", "yesterday", "7d", "30d" (whole
plant-local days up to now) or "custom" (plant-local days, inclusive); `window` turns it into UTC
[start, end) and a trend bucket. KPI figures and WIP come from services/kpi/reads.py (rollups); utilisation from
services/production/scheduling/capacity.py (day for one-day periods, else week).

Invariants: everything needs VIEW_DASHBOARDS at the plant; a department, machine or shift must belong
to the plant (else NotFound, like a plant of another organization). `dashboard_scope` checks this and
only then returns the live scope of the view (services/kpi/live.py), whose token is made on the server
from the organization and the filters, so screens with the same filters share one refresh.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.calendar import Shift, ShiftCalendar
from models.orders import CapacityPeriod
from models.organization import Department, Plant
from models.resources import Machine
from services.core.access import Actor, Permission, require
from services.core.display_names import display_name
from services.core.errors import Invalid, NotFound
from services.core.messages import t
from services.kpi import reads as kpi
from services.kpi.andon import current_shift
from services.kpi.live import Scope, event_time
from services.kpi.read_models import (
    EventsBehind,
    KpiSummary,
    LossPareto,
    OeeTrend,
    OtdTrend,
    WipSummary,
    YieldReport,
)
from services.master.calendars import calendar_spec
from services.production.scheduling.capacity import UtilisationRow, utilisation

PERIODS = ("shift", "today", "yesterday", "7d", "30d", "custom")
MAX_CUSTOM_DAYS = 366


class DashboardFilters(BaseModel):
    plant_id: int
    department_id: int | None = None
    machine_id: int | None = None
    shift_id: int | None = None
    period: str = "today"
    start_day: date | None = None            # custom period, plant-local, inclusive
    end_day: date | None = None


class Window(BaseModel):
    start: datetime
    end: datetime
    bucket: str                              # "hour" | "day" | "week"
    timezone: str
    until: datetime | None = None            # a count before this still falls in the view read now (the live channel)


class FilterChoice(BaseModel):
    id: int
    label: str
    parent_id: int | None = None             # a machine's department


class FilterChoices(BaseModel):
    plants: list[FilterChoice]
    departments: list[FilterChoice]
    machines: list[FilterChoice]
    shifts: list[FilterChoice]


# ----- filters, window, scope -----------------------------------------------------------------

def check_filters(session: Session, actor: Actor, filters: DashboardFilters) -> Plant:
    """The plant, after checking the actor may see its dashboard and that every filter belongs to it."""
    plant = session.get(Plant, filters.plant_id)
    if plant is None or plant.organization_id != actor.organization_id or plant.id not in actor.plant_ids:
        raise NotFound(t("Plant not found."))
    require(actor, Permission.VIEW_DASHBOARDS, plant_id=plant.id)
    if filters.department_id is not None:
        dept = session.get(Department, filters.department_id)
        if dept is None or dept.plant_id != plant.id:
            raise NotFound(t("Department not found."))
    if filters.machine_id is not None:
        machine = session.get(Machine, filters.machine_id)
        if machine is None or machine.plant_id != plant.id or (
                filters.department_id is not None and machine.department_id != filters.department_id):
            raise NotFound(t("Machine not found."))
    if filters.shift_id is not None:
        shift = session.get(Shift, filters.shift_id)
        cal = session.get(ShiftCalendar, shift.calendar_id) if shift is not None else None
        if cal is None or cal.plant_id != plant.id:
            raise NotFound(t("Shift not found."))
    return plant


def window(filters: DashboardFilters, timezone: str, now: datetime, *, shift_start: datetime | None = None,
           shift_end: datetime | None = None) -> Window:
    """[start, end) in UTC of the period, in the plant's days; `end` never lies after `now`. `until` is where the
    period stops growing: the end of the running shift, of today, of the custom period's last day, or `end`."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))

    period = filters.period
    if period not in PERIODS:
        raise Invalid(t("Pick a period."), fields={"period": t("Use one of: {choices}.", choices=", ".join(PERIODS))})
    until = midnight(today + timedelta(days=1))
    if period == "shift":
        start, bucket = shift_start or midnight(today), "hour"
        end, until = now, shift_end or until
    elif period == "today":
        start, end, bucket = midnight(today), now, "hour"
    elif period == "yesterday":
        start, end, bucket = midnight(today - timedelta(days=1)), midnight(today), "hour"
        until = end
    elif period in ("7d", "30d"):
        days = 7 if period == "7d" else 30
        start, end, bucket = midnight(today - timedelta(days=days - 1)), now, "day"
    else:
        first, last = filters.start_day, filters.end_day
        if first is None or last is None:
            raise Invalid(t("Give the first and the last day."), fields={"start_day": t("Required."), "end_day": t("Required.")})
        if last < first:
            raise Invalid(t("The last day is before the first."), fields={"end_day": t("Before the first day.")})
        if (last - first).days >= MAX_CUSTOM_DAYS:
            raise Invalid(t("Pick at most {days} days.", days=MAX_CUSTOM_DAYS), fields={"end_day": t("Too far from the first day.")})
        until = midnight(last + timedelta(days=1))
        start, end = midnight(first), min(until, now)
        bucket = "day" if (last - first).days < 62 else "week"
        if end <= start:
            raise Invalid(t("That period has not begun yet."), fields={"start_day": t("In the future.")})
    end = max(end, start + timedelta(seconds=1))
    return Window(start=start, end=end, bucket=bucket, timezone=timezone, until=max(until, end))


def dashboard_scope(session: Session, actor: Actor, filters: DashboardFilters, *, now: datetime) -> Scope:
    """The live scope of this view, after checking the actor's access, the filters and the period."""
    plant = check_filters(session, actor, filters)
    period_window(session, filters, plant, now)
    return Scope("dashboard", actor.organization_id, pk(plant), (
        ("department", filters.department_id), ("machine", filters.machine_id), ("shift", filters.shift_id),
        ("period", filters.period), ("start_day", filters.start_day), ("end_day", filters.end_day),
        ("timezone", plant.timezone)))


def filters_of(scope: Scope) -> DashboardFilters:
    params = dict(scope.params)
    return DashboardFilters(plant_id=scope.plant_id, department_id=params["department"], machine_id=params["machine"],
                            shift_id=params["shift"], period=params["period"], start_day=params["start_day"],
                            end_day=params["end_day"])


def scope_affected(scope: Scope, event) -> bool:
    """Does this event change the view? Its machine must match the filter, its time lie in the period."""
    params = dict(scope.params)
    machine = params.get("machine")
    if machine is not None and getattr(event, "machine_id", event.payload.get("machine_id")) not in (None, machine):
        return False
    if params.get("period") in ("yesterday", "custom"):
        at = event_time(event)
        win = window(filters_of(scope), params["timezone"], max(at, event.at))
        return win.start <= at < win.end
    return True


def choices(session: Session, actor: Actor) -> FilterChoices:
    """What the filters offer: the actor's plants, and their departments, machines and shifts."""
    require(actor, Permission.VIEW_DASHBOARDS)
    plants = session.exec(select(Plant).where(Plant.organization_id == actor.organization_id,
                                              col(Plant.id).in_(actor.plant_ids or {-1}), Plant.is_active == True)  # noqa: E712
                          .order_by(Plant.code)).all()
    ids = [p.id for p in plants] or [-1]
    depts = session.exec(select(Department).where(col(Department.plant_id).in_(ids), Department.is_active == True)  # noqa: E712
                         .order_by(Department.code)).all()
    machines = session.exec(select(Machine).where(col(Machine.plant_id).in_(ids), Machine.is_active == True)  # noqa: E712
                            .order_by(Machine.code)).all()
    shifts = session.exec(select(Shift, ShiftCalendar)
                          .join(ShiftCalendar, col(ShiftCalendar.id) == col(Shift.calendar_id))
                          .where(col(ShiftCalendar.plant_id).in_(ids), ShiftCalendar.is_active == True,  # noqa: E712
                                 col(ShiftCalendar.is_default) == True)  # noqa: E712
                          .order_by(col(Shift.start_minute))).all()
    return FilterChoices(
        plants=[FilterChoice(id=p.id, label=f"{p.code} · {display_name(p)}") for p in plants],
        departments=[FilterChoice(id=d.id, label=display_name(d), parent_id=d.plant_id) for d in depts],
        machines=[FilterChoice(id=m.id, label=f"{m.code} · {display_name(m)}", parent_id=m.department_id) for m in machines],
        shifts=[FilterChoice(id=s.id, label=s.name, parent_id=c.plant_id) for s, c in shifts])


# ----- the view -----------------------------------------------------------------------------

def capacity(session: Session, actor: Actor, filters: DashboardFilters, win: Window):
    """Utilisation rows (machines, or departments without a machine filter) of the period's day or week."""
    check_filters(session, actor, filters)
    one_day = win.end - win.start <= timedelta(days=1)
    try:
        util = utilisation(session, actor, filters.plant_id, period=CapacityPeriod.DAY if one_day else CapacityPeriod.WEEK,
                           start=win.start)
    except Invalid:
        return None                                    # no shift calendar: nothing to weigh against
    if filters.machine_id is not None:
        return [r for r in util.machines if r.id == filters.machine_id]
    if filters.department_id is not None:
        return [r for r in util.machines if r.department_id == filters.department_id]
    return util.departments


class DashboardView(BaseModel):
    filters: DashboardFilters
    window: Window
    at: datetime
    summary: KpiSummary
    trend: OeeTrend
    pareto: LossPareto
    yields: YieldReport
    otd: OtdTrend
    wip: WipSummary
    utilisation: list[UtilisationRow] | None     # None: no shift calendar to weigh the plan against


DRILLS = {"oee": None, "availability": "downtime", "performance": "count", "quality": "scrap", "good": "count",
          "scrap": "scrap", "downtime": "downtime", "loss": None, "trend": None, "fpy": "count"}


def dashboard(session: Session, actor: Actor, filters: DashboardFilters, *, now: datetime) -> DashboardView:
    """Every figure of the dashboard for these filters, read once (a live refresh calls this per scope)."""
    plant = check_filters(session, actor, filters)
    win = period_window(session, filters, plant, now)
    scope: dict[str, Any] = dict(plant_id=pk(plant), start=win.start, end=win.end, department_id=filters.department_id,
                 machine_id=filters.machine_id, shift_id=filters.shift_id)
    zone = ZoneInfo(plant.timezone)
    first_day, last_day = win.start.astimezone(zone).date(), (win.end - timedelta(microseconds=1)).astimezone(zone).date()
    return DashboardView(
        filters=filters, window=win, at=now,
        summary=kpi.kpi_summary(session, actor, **scope, now=now),
        trend=kpi.oee_trend(session, actor, **scope, bucket=win.bucket, now=now),
        pareto=kpi.loss_pareto(session, actor, **scope, now=now),
        yields=kpi.fpy_by_product_step(session, actor, **scope, now=now),
        otd=kpi.otd_trend(session, actor, plant_id=pk(plant), start=first_day, end=last_day + timedelta(days=1),
                          bucket="day" if (last_day - first_day).days < 31 else "week", now=now),
        wip=kpi.wip_summary(session, actor, plant_id=pk(plant)),
        utilisation=capacity(session, actor, filters, win))


def period_window(session: Session, filters: DashboardFilters, plant: Plant, now: datetime) -> Window:
    shift_start = shift_end = None
    if filters.period == "shift":
        spec = _calendar(session, pk(plant))
        running = current_shift(spec, now) if spec is not None else None
        if running is None:
            raise Invalid(t("No shift is running now: pick another period."), fields={"period": t("No shift now.")})
        shift_start, shift_end = running[1], running[2]
    return window(filters, plant.timezone, now, shift_start=shift_start, shift_end=shift_end)


def events_behind(session: Session, actor: Actor, filters: DashboardFilters, figure: str, *, now: datetime,
                  reason_code_id: int | None = None, start: datetime | None = None,
                  end: datetime | None = None) -> EventsBehind:
    """The raw events behind one figure of the view: `figure` names it (see DRILLS); a trend point
    narrows the period to its bucket [start, end), a loss row to its reason."""
    if figure not in DRILLS:
        raise Invalid(t("Unknown figure."), fields={"figure": t("Use one of: {choices}.", choices=", ".join(DRILLS))})
    plant = check_filters(session, actor, filters)
    win = period_window(session, filters, plant, now)
    first, last = win.start, win.end
    if start is not None and end is not None:
        first, last = max(first, start), min(last, end)
        if last <= first:
            raise Invalid(t("That point lies outside the period."), fields={"start": t("Outside the period.")})
    return kpi.events_behind(session, actor, plant_id=pk(plant), start=first, end=last,
                             department_id=filters.department_id, machine_id=filters.machine_id,
                             kind=DRILLS[figure], reason_code_id=reason_code_id, now=now)


def export_rows(view: DashboardView) -> list[dict]:
    """What the dashboard shows, one row per figure: section, item, measure, value (CSV/Excel)."""
    rows: list[dict] = []

    def add(section: str, item: str, measure: str, value) -> None:
        rows.append({"section": section, "item": item, "measure": measure, "value": value})

    f = view.summary.figures
    idle = t("Idle min (availability loss)") if f.idle_is_loss else t("Idle min (not scheduled)")
    for measure, value in [(t("OEE %"), f.oee_percent), (t("Availability %"), f.availability_percent),
                           (t("Performance %"), f.performance_percent), (t("Quality %"), f.quality_percent),
                           (t("Planned production min"), f.planned_production_minutes), (t("Run min"), f.run_minutes),
                           (t("Unplanned stop min"), f.stop_minutes), (idle, round(f.idle_minutes, 1)),
                           (t("Good"), f.good), (t("Scrap"), f.scrap), (t("Total"), f.total)]:
        add(t("OEE"), t("selection"), measure, value)
    for m in view.summary.machines:
        add(t("OEE by machine"), m.machine_code, t("OEE %"), m.figures.oee_percent)
    for p in view.trend.points:
        add(t("OEE trend"), p.label, t("OEE %"), p.figures.oee_percent)
    for r in view.pareto.rows:
        add(t("Loss Pareto"), t("idle - no job") if r.kind == "idle" else r.reason_name or r.reason or r.kind,
            t("minutes"), round(r.minutes, 1))
    for product in view.yields.products:
        for step in product.steps:
            add(t("FPY"), f"{product.product_code} / {step.step_name}", t("FPY %"), step.fpy_percent)
        add(t("RTY"), product.product_code, t("RTY %"), product.rty_percent)
    for point in view.otd.points:
        add(t("OTD trend"), point.label, t("OTD %"), point.percent)
    w = view.wip
    for measure, value in [(t("Work orders released"), w.work_orders_released),
                           (t("Work orders running"), w.work_orders_running),
                           (t("Operations queued"), w.operations_queued), (t("Operations running"), w.operations_running),
                           (t("Units open"), w.units_open)]:
        add(t("WIP"), t("plant"), measure, value)
    for u in view.utilisation or []:
        add(t("Capacity"), u.code, t("Utilisation %"), _percent(u.utilisation))
        add(t("Capacity"), u.code, t("Load %"), _percent(u.load))
    return rows


def _percent(ratio: Decimal | None) -> Decimal | None:
    return None if ratio is None else (ratio * 100).quantize(Decimal("0.1"))


def _calendar(session: Session, plant_id: int):
    try:
        return calendar_spec(session, plant_id)
    except Invalid:
        return None
