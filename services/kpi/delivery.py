"""On-time delivery per period (by order line or by order) and work in progress of a plant.

A line is delivered complete when `quantity_delivered >= quantity` at `delivered_at` (set by shipments); until
shipments set them, a customer order moved to done counts its lines delivered complete on the day (in the
plant's time zone) it was done. A line is on time when delivered complete on or before its promised date.
Lines of cancelled orders are not due. A line is due in the period of its promised date once that date has
come (local `now`) or it is delivered. An order is due on its latest promised date and is on time when every
line is. Periods: day, ISO week (Monday) or calendar month of the promised date.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.catalog import Product
from models.orders import (
    CustomerOrder,
    Operation,
    OrderLine,
    OrderStatus,
    StatusChange,
    WorkOrder,
    WorkStatus,
)
from models.organization import Department, Plant
from models.resources import WorkCenter
from services.core.access import Actor, Permission, require, require_plant_visible
from services.core.errors import Invalid
from services.core.messages import t
from services.core.scoping import get_scoped
from services.kpi import formulas as kpi_math
from services.kpi.read_models import (
    OtdLineRead,
    OtdPoint,
    OtdTrend,
    WipDepartment,
    WipSummary,
    exact,
)

OTD_BUCKETS = ("day", "week", "month")
OTD_BY = ("line", "order")


def otd_trend(session: Session, actor: Actor, *, plant_id: int, start: date, end: date, bucket: str = "week",
              by: str = "line", now: datetime) -> OtdTrend:
    """OTD per period over promised dates in [start, end), with the lines behind it."""
    plant = get_scoped(session, actor, Plant, plant_id, t("Plant"))
    require_plant_visible(actor, plant.id, t("Plant"))
    require(actor, Permission.VIEW_DASHBOARDS, plant_id=plant.id)
    if bucket not in OTD_BUCKETS:
        raise Invalid(t("Choose the period among {choices}.", choices=", ".join(OTD_BUCKETS)), fields={"bucket": t("Unknown period.")})
    if by not in OTD_BY:
        raise Invalid(t("Count by line or by order."), fields={"by": t("Unknown.")})
    if end <= start:
        raise Invalid(t("The end of the period must be after its start."), fields={"end": t("Before the start.")})
    zone = ZoneInfo(plant.timezone)
    today = now.astimezone(zone).date()
    lines = _lines(session, actor, plant, start, end, zone)
    items = lines if by == "line" else _orders(lines)
    due = [i for i in items if i.promised_date <= today or i.delivered_on is not None]
    periods: dict[date, list] = defaultdict(list)
    for item in due:
        periods[_period(item.promised_date, bucket)].append(item)
    points = []
    cursor = _period(start, bucket)
    while cursor < end:
        group = periods.get(cursor, [])
        f = kpi_math.otd([kpi_math.OrderLine(i.promised_date, i.delivered_on if i.on_time else None) for i in group])
        points.append(OtdPoint(period_start=cursor, label=_label(cursor, bucket), due=f.due, on_time=f.on_time,
                               ratio=exact(f.ratio), percent=kpi_math.display(f.ratio)))
        cursor = _next(cursor, bucket)
    whole = kpi_math.otd([kpi_math.OrderLine(i.promised_date, i.delivered_on if i.on_time else None) for i in due])
    return OtdTrend(plant_id=plant.id, by=by, bucket=bucket, start=start, end=end, points=points, due=whole.due,
                    on_time=whole.on_time, percent=kpi_math.display(whole.ratio), lines=lines)


def _lines(session: Session, actor: Actor, plant: Plant, start: date, end: date, zone) -> list[OtdLineRead]:
    rows = session.exec(select(OrderLine, CustomerOrder, Product.code)
                        .join(CustomerOrder, col(CustomerOrder.id) == col(OrderLine.order_id))
                        .join(Product, col(Product.id) == col(OrderLine.product_id))
                        .where(CustomerOrder.organization_id == actor.organization_id,
                               CustomerOrder.plant_id == plant.id, CustomerOrder.status != OrderStatus.CANCELLED,
                               OrderLine.promised_date >= start, OrderLine.promised_date < end)
                        .order_by(col(OrderLine.promised_date), col(CustomerOrder.number),
                                  col(OrderLine.line_no))).all()
    done_ids = [o.id for _l, o, _c in rows if o.status == OrderStatus.DONE]
    done_at: dict[int, datetime] = {}
    if done_ids:
        for entity_id, at in session.exec(select(StatusChange.entity_id, sa.func.max(StatusChange.at))
                                          .where(StatusChange.entity == "customer_order",
                                                 col(StatusChange.entity_id).in_(done_ids),
                                                 StatusChange.to_status == OrderStatus.DONE.value)
                                          .group_by(col(StatusChange.entity_id))).all():
            done_at[entity_id] = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    out = []
    for line, order, code in rows:
        delivered_on = None
        if line.delivered_at is not None and line.quantity_delivered >= line.quantity:
            delivered_on = line.delivered_at.astimezone(zone).date()
        elif order.status == OrderStatus.DONE and order.id in done_at:
            at = done_at[order.id]
            delivered_on = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(zone).date()
        out.append(OtdLineRead(order_id=order.id, order_number=order.number, line_no=line.line_no, product_code=code,
                               quantity=line.quantity, quantity_delivered=line.quantity_delivered,
                               promised_date=line.promised_date, delivered_on=delivered_on,
                               on_time=delivered_on is not None and delivered_on <= line.promised_date))
    return out


def _orders(lines: list[OtdLineRead]) -> list[OtdLineRead]:
    """One item per order: due on its latest promised date, on time when every line is, delivered with its last."""
    by_order: dict[int, list[OtdLineRead]] = defaultdict(list)
    for line in lines:
        by_order[line.order_id].append(line)
    out = []
    for group in by_order.values():
        delivered = [g.delivered_on for g in group]
        out.append(OtdLineRead(
            order_id=group[0].order_id, order_number=group[0].order_number, line_no=0, product_code="",
            quantity=sum(g.quantity for g in group), quantity_delivered=sum(g.quantity_delivered for g in group),
            promised_date=max(g.promised_date for g in group),
            delivered_on=None if None in delivered else max(d for d in delivered if d is not None),
            on_time=all(g.on_time for g in group)))
    return out


def _period(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _next(day: date, bucket: str) -> date:
    if bucket == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=7 if bucket == "week" else 1)


def _label(day: date, bucket: str) -> str:
    if bucket == "week":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return f"{day:%Y-%m}" if bucket == "month" else day.isoformat()


# ----- work in progress ----------------------------------------------------------------------

def wip_summary(session: Session, actor: Actor, *, plant_id: int) -> WipSummary:
    """Released and running work orders, queued and running operations per department, and open units."""
    plant = get_scoped(session, actor, Plant, plant_id, t("Plant"))
    require_plant_visible(actor, plant.id, t("Plant"))
    require(actor, Permission.VIEW_DASHBOARDS, plant_id=plant.id)
    open_wo = (WorkStatus.RELEASED, WorkStatus.RUNNING, WorkStatus.PAUSED)
    wo_counts = dict(session.exec(select(WorkOrder.status, sa.func.count()).where(
        WorkOrder.plant_id == plant.id, col(WorkOrder.status).in_(open_wo)).group_by(WorkOrder.status)).all())
    units = session.exec(select(sa.func.coalesce(sa.func.sum(WorkOrder.quantity - WorkOrder.quantity_good), 0))
                         .where(WorkOrder.plant_id == plant.id, col(WorkOrder.status).in_(open_wo))).one()
    rows = session.exec(select(col(Department.id), col(Department.code), col(Operation.status), sa.func.count(),  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
                               sa.func.sum(col(Operation.quantity) - col(Operation.quantity_good)))
                        .join(WorkCenter, col(WorkCenter.id) == col(Operation.work_center_id))
                        .join(Department, col(Department.id) == col(WorkCenter.department_id))
                        .where(col(Operation.plant_id) == plant.id, col(Operation.status).in_(open_wo))
                        .group_by(col(Department.id), col(Department.code), col(Operation.status))).all()
    departments: dict[int, WipDepartment] = {}
    for dept_id, code, status, n, open_units in rows:
        d = departments.setdefault(dept_id, WipDepartment(department_id=dept_id, department_code=code,
                                                          operations_queued=0, operations_running=0, units_open=0))
        if status == WorkStatus.RELEASED:
            d.operations_queued += n
        else:
            d.operations_running += n
        d.units_open += max(int(open_units or 0), 0)
    deps = sorted(departments.values(), key=lambda d: d.department_code)
    return WipSummary(plant_id=plant.id, work_orders_released=wo_counts.get(WorkStatus.RELEASED, 0),
                      work_orders_running=wo_counts.get(WorkStatus.RUNNING, 0) + wo_counts.get(WorkStatus.PAUSED, 0),
                      operations_queued=sum(d.operations_queued for d in deps),
                      operations_running=sum(d.operations_running for d in deps), units_open=int(units or 0),
                      departments=deps)
