"""Read models for work orders: lists with progress, the detail with operations, children and
status history, and the status history of any order-like entity.

Invariants: every query is scoped to the actor's organization and plants (a work order of a plant
the actor cannot see is NotFound); reading needs only VIEW, changes live in services/production/work_orders.py.
Progress is good units against the work order's quantity, capped at 100 %.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Product
from models.orders import (
    CustomerOrder,
    Operation,
    OrderLine,
    StatusChange,
    WorkOrder,
    WorkStatus,
)
from models.resources import Machine, WorkCenter
from models.user import User
from services.config import custom_field_views, custom_fields, form_layouts
from services.core.access import Actor, Permission, can_any, require, require_plant_visible
from services.core.display_names import pick
from services.core.messages import t
from services.core.paging import keyset_page
from services.core.scoping import get_scoped
from services.core.search import matches
from services.production.scheduling.exceptions import overproduced, overproduction_tolerance
from services.production.transitions import WORK_TRANSITIONS

# A work order is made by releasing an order, so its form holds only custom fields (the detail's "Save fields"):
# the layout arranges them and may require them (services/config/form_layouts.py).
form_layouts.register_form("work_order", "Work orders", [])

MAX_PAGE = 500
WORK_ORDER_COLUMNS = [("number", t("Work order")), ("product_code", t("Product")), ("product_name", t("Product name")),
                      ("quantity", t("Quantity")), ("quantity_good", t("Good")), ("quantity_scrap", t("Scrap")),
                      ("progress_percent", t("Progress %")), ("status", t("Status")), ("due_date", t("Due")),
                      ("order_number", t("Order")), ("parent_number", t("Parent")), ("released_at", t("Released")),
                      ("completed_at", t("Completed"))]


class HistoryEntry(BaseModel):
    from_status: str | None
    to_status: str
    reason: str
    user_id: int | None
    username: str | None
    at: datetime


class WorkOrderSummary(BaseModel):
    id: int
    number: str
    plant_id: int
    product_id: int
    product_code: str
    product_name: str                  # in the viewer's language (services/core/display_names.py)
    quantity: int
    quantity_good: int
    quantity_scrap: int
    progress_percent: int
    status: str
    due_date: date | None
    order_id: int | None
    order_number: str | None
    order_line_id: int | None
    parent_work_order_id: int | None
    parent_number: str | None
    released_at: datetime | None
    completed_at: datetime | None
    custom: dict[str, Any] = {}      # custom field values (services/config/custom_fields.py)


class OperationRead(BaseModel):
    id: int
    sequence: int
    name: str
    work_center_id: int
    work_center_code: str
    machine_id: int | None
    machine_code: str | None
    status: str
    quantity: int
    setup_seconds: int
    ideal_cycle_seconds: Decimal
    planned_start: datetime | None
    planned_end: datetime | None
    quantity_good: int
    quantity_scrap: int
    overproduced: bool = False          # beyond its quantity by more than the plant's tolerance (as andon and schedule)


class WorkOrderDetail(WorkOrderSummary):
    """One work order with its operations, children and history, and the statuses the actor may move it to now
    (WORK_TRANSITIONS from its status, for PLAN at its plant; empty otherwise)."""
    operations: list[OperationRead]
    children: list[WorkOrderSummary]
    history: list[HistoryEntry]
    next_statuses: list[WorkStatus] = []
    can_edit_fields: bool = False       # its custom field values (PLAN at its plant, as custom_fields.set_values)


class WorkOrderCompact(BaseModel):
    """A work order in a compact list (`fields=compact`): its own columns, nothing joined."""
    id: int
    number: str
    plant_id: int
    product_id: int
    quantity: int
    quantity_good: int
    quantity_scrap: int
    status: str
    due_date: date | None


class WorkOrderPage(BaseModel):
    items: list[WorkOrderSummary]
    total: int | None                   # None unless counted (count=True)
    next_after: int | None = None       # the cursor (`after`) of the next page; None on the last one
    can_complete: bool = False          # complete work orders from the list (PLAN at one of the actor's plants)


class WorkOrderCompactPage(BaseModel):
    items: list[WorkOrderCompact]
    total: int | None
    next_after: int | None = None


def progress_percent(good: int, quantity: int) -> int:
    return min(100, (good * 100) // quantity) if quantity > 0 else 0


def list_work_orders(session: Session, actor: Actor, *, plant_id: int | None = None, status: str | None = None,
                     order_id: int | None = None, search: str = "", limit: int = 50,
                     offset: int = 0, custom: dict[str, Any] | None = None, after: int | None = None,
                     count: bool = True) -> WorkOrderPage:
    """Work orders of the actor's plants, newest first, with optional filters (`custom`:
    {custom field key: value}, services/config/custom_fields.py); `after`/`count`: services/core/paging.py."""
    require(actor, Permission.VIEW)
    query = _filtered(session, actor, _summary_query(actor), plant_id=plant_id, status=status, order_id=order_id,
                      search=search, custom=custom)
    rows, total, next_after = keyset_page(session, query, col(WorkOrder.id), after=after, limit=limit, offset=offset,
                                          count=count, max_page=MAX_PAGE)
    return WorkOrderPage(items=[_summary(*row) for row in rows], total=total, next_after=next_after,
                         can_complete=can_any(actor, Permission.PLAN))


def list_work_orders_compact(session: Session, actor: Actor, *, plant_id: int | None = None,
                             status: str | None = None, order_id: int | None = None, search: str = "",
                             limit: int = 50, offset: int = 0, custom: dict[str, Any] | None = None,
                             after: int | None = None, count: bool = False) -> WorkOrderCompactPage:
    """The same list with the work orders' own columns only: no product, order or parent joined unless a
    filter needs them."""
    require(actor, Permission.VIEW)
    query = select(WorkOrder).where(col(WorkOrder.organization_id) == actor.organization_id,
                                    col(WorkOrder.plant_id).in_(actor.plant_ids or {-1}))
    if search.strip() or order_id is not None:
        query = (query.join(Product, col(Product.id) == col(WorkOrder.product_id))
                 .join(OrderLine, col(OrderLine.id) == col(WorkOrder.order_line_id), isouter=True)
                 .join(CustomerOrder, col(CustomerOrder.id) == col(OrderLine.order_id), isouter=True))
    query = _filtered(session, actor, query, plant_id=plant_id, status=status, order_id=order_id, search=search,
                      custom=custom)
    rows, total, next_after = keyset_page(session, query, col(WorkOrder.id), after=after, limit=limit, offset=offset,
                                          count=count, max_page=MAX_PAGE)
    return WorkOrderCompactPage(items=[WorkOrderCompact(
        id=pk(wo), number=wo.number, plant_id=wo.plant_id, product_id=wo.product_id, quantity=wo.quantity,
        quantity_good=wo.quantity_good, quantity_scrap=wo.quantity_scrap, status=str(WorkStatus(wo.status).value),
        due_date=wo.due_date) for wo in rows], total=total, next_after=next_after)


def _filtered(session: Session, actor: Actor, query: Any, *, plant_id: int | None, status: str | None,
              order_id: int | None, search: str, custom: dict[str, Any] | None) -> Any:
    if plant_id is not None:
        require_plant_visible(actor, plant_id, "Plant")
        query = query.where(WorkOrder.plant_id == plant_id)
    if status:
        query = query.where(WorkOrder.status == WorkStatus(status))
    if order_id is not None:
        query = query.where(OrderLine.order_id == order_id)
    if search.strip():
        query = query.where(matches(search, WorkOrder.number, Product.code, Product.name, Product.name2,
                                   CustomerOrder.number))
    return custom_field_views.apply_filters(session, actor, "work_order", query, WorkOrder, custom)


def summaries(session: Session, actor: Actor, ids: list[int]) -> list[WorkOrderSummary]:
    """The given work orders (those the actor may see), in number order."""
    if not ids:
        return []
    query = _summary_query(actor).where(col(WorkOrder.id).in_(ids)).order_by(WorkOrder.number)
    return [_summary(*row) for row in session.exec(query).all()]


def summaries_for_order(session: Session, actor: Actor, order_id: int) -> list[WorkOrderSummary]:
    query = _summary_query(actor).where(OrderLine.order_id == order_id).order_by(WorkOrder.number)
    return [_summary(*row) for row in session.exec(query).all()]


def get_work_order(session: Session, actor: Actor, work_order_id: int) -> WorkOrderDetail:
    require(actor, Permission.VIEW)
    wo = get_scoped(session, actor, WorkOrder, work_order_id, t("Work order"))
    summary = summaries(session, actor, [pk(wo)])[0]
    child_ids = [pk(c) for c in session.exec(select(WorkOrder).where(WorkOrder.parent_work_order_id == wo.id)).all()]
    return WorkOrderDetail(**summary.model_dump(), operations=operations_of(session, pk(wo)),
                           children=summaries(session, actor, child_ids),
                           history=history(session, actor, "work_order", pk(wo)),
                           next_statuses=next_statuses(actor, wo.plant_id, WorkStatus(wo.status)),
                           can_edit_fields=custom_fields.may_set_values(actor, "work_order", plant_id=wo.plant_id))


def next_statuses(actor: Actor, plant_id: int, status: WorkStatus) -> list[WorkStatus]:
    """The statuses a work order in `status` may move to now, by WORK_TRANSITIONS, for a PLAN holder at its plant."""
    if not actor.can(Permission.PLAN, plant_id=plant_id):
        return []
    return sorted(WORK_TRANSITIONS[status], key=list(WorkStatus).index)


def operations_of(session: Session, work_order_id: int) -> list[OperationRead]:
    query = (select(Operation, WorkCenter.code, Machine.code)
             .join(WorkCenter, col(WorkCenter.id) == col(Operation.work_center_id))
             .join(Machine, col(Machine.id) == col(Operation.machine_id), isouter=True)
             .where(col(Operation.work_order_id) == work_order_id).order_by(col(Operation.sequence)))
    rows = session.exec(query).all()
    tolerance = overproduction_tolerance(session, rows[0][0].plant_id) if rows else 0
    return [OperationRead(id=op.id, sequence=op.sequence, name=op.name, work_center_id=op.work_center_id,
                          work_center_code=wc_code, machine_id=op.machine_id, machine_code=m_code,
                          status=str(op.status.value), quantity=op.quantity, setup_seconds=op.setup_seconds,
                          ideal_cycle_seconds=op.ideal_cycle_seconds, planned_start=op.planned_start,
                          planned_end=op.planned_end, quantity_good=op.quantity_good,
                          quantity_scrap=op.quantity_scrap,
                          overproduced=overproduced(op.quantity_good, op.quantity, tolerance))
            for op, wc_code, m_code in rows]


def history(session: Session, actor: Actor, entity: str, entity_id: int) -> list[HistoryEntry]:
    """Status changes of one row, oldest first, with who made them."""
    query = (select(StatusChange, col(User.username))
             .join(User, col(User.id) == col(StatusChange.user_id), isouter=True)
             .where(StatusChange.organization_id == actor.organization_id, StatusChange.entity == entity,
                    StatusChange.entity_id == entity_id)
             .order_by(col(StatusChange.at), col(StatusChange.id)))
    return [HistoryEntry(from_status=sc.from_status, to_status=sc.to_status, reason=sc.reason, user_id=sc.user_id,
                         username=username, at=sc.at) for sc, username in session.exec(query).all()]


def _summary_query(actor: Actor):
    parent = aliased(WorkOrder)
    return (select(WorkOrder, col(Product.code), col(Product.name), col(Product.name2),  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
                   col(Product.name2_language), col(CustomerOrder.id), col(CustomerOrder.number), parent.number)
            .join(Product, col(Product.id) == col(WorkOrder.product_id))
            .join(OrderLine, col(OrderLine.id) == col(WorkOrder.order_line_id), isouter=True)
            .join(CustomerOrder, col(CustomerOrder.id) == col(OrderLine.order_id), isouter=True)
            .join(parent, parent.id == col(WorkOrder.parent_work_order_id), isouter=True)
            .where(col(WorkOrder.organization_id) == actor.organization_id,
                   col(WorkOrder.plant_id).in_(actor.plant_ids or {-1})))


def _summary(wo: WorkOrder, product_code: str, product_name: str, product_name2: str, product_name2_language: str | None,
             order_id: int | None, order_number: str | None, parent_number: str | None) -> WorkOrderSummary:
    return WorkOrderSummary(
        id=wo.id, number=wo.number, plant_id=wo.plant_id, product_id=wo.product_id, product_code=product_code,
        product_name=pick(product_name, product_name2, product_name2_language), quantity=wo.quantity, quantity_good=wo.quantity_good,
        quantity_scrap=wo.quantity_scrap, progress_percent=progress_percent(wo.quantity_good, wo.quantity),
        status=str(WorkStatus(wo.status).value), due_date=wo.due_date, order_id=order_id, order_number=order_number,
        order_line_id=wo.order_line_id, parent_work_order_id=wo.parent_work_order_id, parent_number=parent_number,
        released_at=wo.released_at, completed_at=wo.completed_at, custom=dict(wo.custom or {}))
