"""Work orders: releasing a customer order into work orders and operations, and every work-order
status change after that.

Invariants:
- Releasing an open order makes one work order per order line, plus child work orders
  (`parent_work_order_id`) for every SEMI-finished component of the product's BOM that has an
  active routing, level by level: child quantity = ceil(parent quantity x quantity_per x
  (1 + scrap_factor)). Every work order copies its product's active routing into operations (sequence,
  name, work center, setup, ideal cycle time; quantity = the work order's). A line product without an
  active routing, a routing without steps, or a step at a work center of another plant refuses the
  whole release (Invalid naming the product); nothing is written.
- Work orders and their operations are created `released`; the order becomes `released`.
- Status changes follow services/transitions.WORK_TRANSITIONS and write one StatusChange per row.
  Release/unrelease carry the operations along (unrelease only before any operation started);
  cancel cancels the open operations (refused while one runs); complete finishes running/paused
  operations and cancels those never started.
- Changes are set-based: one statement per kind of change whatever the number of work orders, so
  completing 500 work orders is a handful of round trips, all in the caller's one transaction.
- An order whose work orders are all done or cancelled (at least one done) becomes `done`.
- Every change needs PLAN at the work order's plant; rows outside the actor's plants are NotFound.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import case, insert, update
from sqlmodel import Session, col, func, select

from models.audit import AuditEntry
from models.base import pk
from models.catalog import Product, ProductType
from models.orders import (
    CustomerOrder,
    Operation,
    OrderLine,
    OrderStatus,
    StatusChange,
    WorkOrder,
    WorkStatus,
)
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.display_names import display_name
from services.core.errors import Conflict, Invalid, NotFound
from services.core.events import record
from services.core.messages import t
from services.core.numbering import next_numbers
from services.production.events import WORK_ORDER_EVENTS, OrderCompleted, OrderReleased
from services.production.lookups import ReleasePlan, product_facts, release_plans
from services.production.transitions import (
    ORDER_TRANSITIONS,
    WORK_TRANSITIONS,
    InvalidTransition,
    check_transition,
    table,
)
from services.production.work_order_reads import WorkOrderSummary, summaries

W = WorkStatus
MAX_BOM_DEPTH = 20
MAX_BULK = 5000
OPEN_WORK = (W.PLANNED, W.RELEASED, W.RUNNING, W.PAUSED)
_VERBS = {W.RELEASED: "release", W.PLANNED: "unrelease", W.CANCELLED: "cancel", W.DONE: "complete",
          W.RUNNING: "start", W.PAUSED: "pause"}


@dataclass
class _Planned:
    """A work order to be created by a release, before it has a row."""
    product_id: int
    quantity: int
    order_line_id: int
    due_date: date
    plan: ReleasePlan | None = None
    parent: _Planned | None = None
    id: int | None = None                   # set by _insert_level, level by level, parents first
    number: str = ""

    @property
    def routing_id(self) -> int:
        """Its routing's id (a release refuses a product without an active routing before any row is made)."""
        assert self.plan is not None and self.plan.routing_id is not None
        return self.plan.routing_id

    @property
    def work_order_id(self) -> int:
        assert self.id is not None, "the work order is inserted before it is used"
        return self.id


# ----- release ------------------------------------------------------------------------------

class ReleasedOrder(BaseModel):
    """The lean answer to releasing an order: its new status and the work orders made for it."""
    id: int
    number: str
    status: str
    work_order_ids: list[int]


def release_order(session: Session, actor: Actor, order_id: int, *, now: datetime) -> list[WorkOrderSummary]:
    """Release an open customer order: its work orders (with children) and their operations."""
    return summaries(session, actor, release_order_lean(session, actor, order_id, now=now).work_order_ids)


def release_order_lean(session: Session, actor: Actor, order_id: int, *, now: datetime) -> ReleasedOrder:
    """Release an open customer order; answers the ids of its new work orders without reading them back.
    Routings, steps and BOMs come from the per-worker release plans (services/production/lookups.py), rows
    are inserted in one statement per kind (work orders: per BOM level)."""
    order, lines = _order_with_lines(session, actor, order_id)
    require(actor, Permission.PLAN, plant_id=order.plant_id)
    check_transition(t("Order {number}", number=order.number), order.status, OrderStatus.RELEASED, ORDER_TRANSITIONS)
    if not lines:
        raise Invalid(t("Order {number} has no lines to release.",
                        number=order.number), fields={"lines": t("Add at least one line.")})
    tops = [_Planned(line.product_id, line.quantity, line.id, line.promised_date) for line in lines]
    levels = _explode(session, actor, tops)
    planned = [p for level in levels for p in level]
    _check_steps(session, actor, order.plant_id, planned)
    numbers = iter(next_numbers(session, actor.organization_id, "WO", len(planned)))
    for level in levels:
        _insert_level(session, actor, order.plant_id, level, numbers, now)
    _insert_operations(session, actor, order.plant_id, planned, now)
    _set_status(session, actor, CustomerOrder, [order.id], OrderStatus.RELEASED, now, {})
    _history(session, actor, "work_order", [(p.work_order_id, None) for p in planned], W.RELEASED, now,
             f"Released with order {order.number}",
             also=[("customer_order", order.id, order.status, OrderStatus.RELEASED, "")])
    ids = [p.work_order_id for p in planned]
    audit(session, actor, "customer_order", order.id, "release",
          {"work_orders": [p.number for p in planned]}, plant_id=order.plant_id, at=now)
    record(session, OrderReleased(organization_id=actor.organization_id, order_id=order.id, number=order.number,
                                  work_order_ids=ids, plant_id=order.plant_id, actor_user_id=actor.user_id, at=now))
    return ReleasedOrder(id=order.id, number=order.number, status=OrderStatus.RELEASED.value, work_order_ids=ids)


def _order_with_lines(session: Session, actor: Actor, order_id: int) -> tuple[Any, list[Any]]:
    """The order (id, number, status, plant_id), locked for the transaction, and its lines in line order, in one
    query; NotFound outside the actor's organization and plants (as services/core/scoping.get_scoped)."""
    query = (select(CustomerOrder.id, CustomerOrder.number, CustomerOrder.status, CustomerOrder.plant_id,  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
                    OrderLine.id.label("line_id"), OrderLine.product_id, OrderLine.quantity,  # type: ignore[union-attr]
                    OrderLine.promised_date)
             .outerjoin(OrderLine, col(OrderLine.order_id) == col(CustomerOrder.id))
             .where(col(CustomerOrder.id) == order_id, col(CustomerOrder.organization_id) == actor.organization_id)
             .order_by(col(OrderLine.line_no)).with_for_update(of=CustomerOrder))
    rows = session.exec(query).all()
    if not rows or rows[0].plant_id not in actor.plant_ids:
        raise NotFound(t("{what} not found.", what=t("Order")))
    lines = [_Line(r.line_id, r.product_id, r.quantity, r.promised_date) for r in rows if r.line_id is not None]
    return rows[0], lines


@dataclass(frozen=True)
class _Line:
    id: int
    product_id: int
    quantity: int
    promised_date: date


def _explode(session: Session, actor: Actor, tops: list[_Planned]) -> list[list[_Planned]]:
    """Levels of planned work orders: the lines, then their SEMI components with routings, and so on."""
    plans = release_plans(session, actor.organization_id, (p.product_id for p in tops))
    missing = sorted({p.product_id for p in tops if plans[p.product_id].routing_id is None})
    if missing:
        raise Invalid(_no_routing_message(session, missing), fields={"lines": t("A product has no active routing.")})
    for p in tops:
        p.plan = plans[p.product_id]
    levels, level = [tops], tops
    while level:
        if len(levels) > MAX_BOM_DEPTH:
            raise Invalid(t("The bill of materials nests deeper than {max_bom_depth} levels; check it for a cycle.",
                            max_bom_depth=MAX_BOM_DEPTH))
        level = _children(session, actor, level)
        if level:
            levels.append(level)
    return levels


def _children(session: Session, actor: Actor, parents: list[_Planned]) -> list[_Planned]:
    """The next level: each parent's active SEMI components that have an active routing."""
    components = [(parent, c) for parent in parents for c in parent.plan.components  # type: ignore[union-attr]
                  if c.type == ProductType.SEMI and c.is_active]
    plans = release_plans(session, actor.organization_id, (c.product_id for _, c in components))
    children = []
    for parent, component in components:
        plan = plans[component.product_id]
        if plan.routing_id is None:
            continue
        quantity = required_quantity(parent.quantity, component.quantity_per, component.scrap_factor)
        if quantity > 0:
            children.append(_Planned(component.product_id, quantity, parent.order_line_id, parent.due_date,
                                     plan=plan, parent=parent))
    return children


def required_quantity(parent_quantity: int, quantity_per: Decimal, scrap_factor: Decimal) -> int:
    """Whole component units a parent quantity needs, scrap allowance included, rounded up."""
    return math.ceil(Decimal(parent_quantity) * Decimal(quantity_per) * (1 + Decimal(scrap_factor)))


def _no_routing_message(session: Session, product_ids: list[int]) -> str:
    products = session.exec(select(Product).where(col(Product.id).in_(product_ids)).order_by(Product.code)).all()
    names = ", ".join(f"{p.code} ({display_name(p)})" for p in products)
    return (t("Product {names} has no active routing; add one before releasing.", names=names) if len(products) == 1
            else t("Products {names} have no active routing; add them before releasing.", names=names))


def _check_steps(session: Session, actor: Actor, plant_id: int, planned: list[_Planned]) -> None:
    """Refuse routings without steps or with work centers of another plant (nothing is written yet)."""
    empty = {p.product_id for p in planned if not p.plan.steps}  # type: ignore[union-attr]
    foreign = sorted((p.routing_id, p.product_id, step.work_center_code) for p in planned
                     for step in p.plan.steps if step.plant_id != plant_id)  # type: ignore[union-attr]
    if not empty and not foreign:
        return
    codes = {i: facts.code for i, facts in product_facts(session, actor.organization_id, empty | {
        product_id for _, product_id, _ in foreign}).items() if facts is not None}
    if empty:
        names = ", ".join(sorted(codes[product_id] for product_id in empty))
        raise Invalid(t("The active routing of {names} has no operations; add them before releasing.", names=names))
    _, product_id, wc = foreign[0]
    raise Invalid(t("The routing of {product} uses work center {wc} of another plant; use a routing with this plant's work centers.",
                    product=codes[product_id], wc=wc))


def _insert_level(session: Session, actor: Actor, plant_id: int, level: list[_Planned], numbers,
                  now: datetime) -> None:
    """One BOM level's work orders in one statement; their ids and numbers go back on the planned rows."""
    for p in level:
        p.number = next(numbers)
    rows: list[dict[str, Any]] = [dict(organization_id=actor.organization_id, plant_id=plant_id, number=p.number, product_id=p.product_id,
                 quantity=p.quantity, order_line_id=p.order_line_id,
                 parent_work_order_id=p.parent.work_order_id if p.parent else None, routing_id=p.routing_id,
                 status=W.RELEASED, due_date=p.due_date, quantity_good=0, quantity_scrap=0, released_at=now,
                 completed_at=None, custom={}, created_at=now, updated_at=now, created_by=actor.user_id,
                 updated_by=actor.user_id) for p in level]
    work_orders = table(WorkOrder)
    inserted = session.connection().execute(
        insert(work_orders).returning(work_orders.c.id, sort_by_parameter_order=True), rows)
    for p, work_order_id in zip(level, inserted.scalars(), strict=True):
        p.id = work_order_id


def _insert_operations(session: Session, actor: Actor, plant_id: int, planned: list[_Planned],
                       now: datetime) -> None:
    rows = [dict(organization_id=actor.organization_id, plant_id=plant_id, work_order_id=p.work_order_id,
                 sequence=s.sequence, name=s.name, work_center_id=s.work_center_id, status=W.RELEASED,
                 quantity=p.quantity, setup_seconds=s.setup_seconds, ideal_cycle_seconds=s.ideal_cycle_seconds,
                 quantity_good=0, quantity_scrap=0, created_at=now, updated_at=now, created_by=actor.user_id,
                 updated_by=actor.user_id)
            for p in planned for s in p.plan.steps]  # type: ignore[union-attr]
    session.connection().execute(insert(table(Operation)), rows)


# ----- status changes -------------------------------------------------------------------------

class WorkOrderState(BaseModel):
    """The lean answer to a work-order status change: which work order, and its status now."""
    id: int
    number: str
    status: str


def change_work_order_status(session: Session, actor: Actor, work_order_id: int, status: WorkStatus | str, *,
                             now: datetime, reason: str = "") -> WorkOrderSummary:
    """Move one work order (release, unrelease, start, pause, complete, cancel) through the table."""
    return transition_work_orders(session, actor, [work_order_id], W(status), now=now, reason=reason)[0]


def complete_work_orders(session: Session, actor: Actor, ids: list[int], *, now: datetime,
                         reason: str = "") -> list[WorkOrderSummary]:
    """Complete many work orders in one go (all or none)."""
    return transition_work_orders(session, actor, ids, W.DONE, now=now, reason=reason)


def cancel_work_order(session: Session, actor: Actor, work_order_id: int, *, now: datetime,
                      reason: str = "") -> WorkOrderSummary:
    return change_work_order_status(session, actor, work_order_id, W.CANCELLED, now=now, reason=reason)


def transition_work_orders(session: Session, actor: Actor, ids: list[int], wanted: WorkStatus, *, now: datetime,
                           reason: str = "", settle: bool = True) -> list[WorkOrderSummary]:
    """Move every given work order to `wanted`, or none of them; answers their summaries (read back)."""
    moved = transition_work_orders_lean(session, actor, ids, wanted, now=now, reason=reason, settle=settle)
    return summaries(session, actor, [state.id for state in moved])


def transition_work_orders_lean(session: Session, actor: Actor, ids: list[int], wanted: WorkStatus | str, *,
                                now: datetime, reason: str = "", settle: bool = True) -> list[WorkOrderState]:
    """Move every given work order to `wanted`, or none of them (set-based); answers each one's id, number and
    new status in number order, without reading them back. `settle=False` leaves the orders' status alone
    (for cancelling a whole order)."""
    wanted = W(wanted)
    require(actor, Permission.PLAN)
    rows = _locked_work_orders(session, actor, ids)
    _check_all(rows, wanted)
    ops = _open_operations(session, [r.id for r in rows])
    op_moves = _operation_moves(rows, ops, wanted)
    values = {"released_at": now} if wanted == W.RELEASED else {"completed_at": now} if wanted == W.DONE else {}
    _set_status(session, actor, WorkOrder, [r.id for r in rows], wanted, now, values)
    history = [("work_order", r.id, r.status, wanted, reason) for r in rows]
    for op_wanted, moved in op_moves.items():
        extra = {"completed_at": now} if op_wanted == W.DONE else {}
        _set_status(session, actor, Operation, [op.id for op in moved], op_wanted, now, extra)
        history += [("operation", op.id, op.status, op_wanted, reason) for op in moved]
    _history(session, actor, "work_order", [], wanted, now, reason, also=history)
    audit_many(session, actor, "work_order", _VERBS[wanted],
               [(r.id, r.plant_id, {"status": {"before": W(r.status).value, "after": wanted.value}}) for r in rows],
               at=now)
    for r in rows:
        record(session, WORK_ORDER_EVENTS[wanted](organization_id=actor.organization_id, work_order_id=pk(r),
                                                  number=r.number, plant_id=r.plant_id, actor_user_id=actor.user_id,
                                                  at=now))
    if settle and wanted in (W.DONE, W.CANCELLED):
        settle_orders(session, actor, _order_ids(session, [r.id for r in rows]), now=now)
    return [WorkOrderState(id=r.id, number=r.number, status=wanted.value) for r in rows]


def _locked_work_orders(session: Session, actor: Actor, ids: list[int]) -> Sequence[Any]:
    wanted_ids = list(dict.fromkeys(int(i) for i in ids))
    if not wanted_ids:
        raise Invalid(t("Choose at least one work order."), fields={"ids": t("Empty.")})
    if len(wanted_ids) > MAX_BULK:
        raise Invalid(t("Change at most {maximum} work orders at once.",
                        maximum=MAX_BULK), fields={"ids": t("Too many.")})
    query = (select(WorkOrder.id, WorkOrder.number, WorkOrder.status, WorkOrder.plant_id)
             .where(WorkOrder.organization_id == actor.organization_id, col(WorkOrder.id).in_(wanted_ids),
                    col(WorkOrder.plant_id).in_(actor.plant_ids or {-1}))
             .order_by(WorkOrder.number).with_for_update())
    rows: Sequence[Any] = session.exec(query).all()               # (id, number, status, plant_id) rows
    if len(rows) != len(wanted_ids):
        missing = sorted(set(wanted_ids) - {r.id for r in rows})
        raise NotFound(t("Work order not found.") if len(wanted_ids) == 1
                       else t("Work orders not found: ids {ids}.", ids=", ".join(map(str, missing))))
    for plant_id in sorted({r.plant_id for r in rows}):
        require(actor, Permission.PLAN, plant_id=plant_id)
    return rows


def _check_all(rows: Sequence[Any], wanted: WorkStatus) -> None:
    refusals: dict[str, str] = {}
    first: InvalidTransition | None = None
    for r in rows:
        try:
            check_transition(t("Work order {number}", number=r.number), r.status, wanted, WORK_TRANSITIONS)
        except InvalidTransition as exc:
            first = first or exc
            refusals[r.number] = exc.message
    if first is None:
        return
    if len(rows) == 1:
        raise first
    raise InvalidTransition(t("{count} of {count2} work orders cannot become {wanted}; nothing was changed. {message}",
                              count=len(refusals), count2=len(rows), wanted=wanted.value, message=first.message), fields=refusals)


def _open_operations(session: Session, wo_ids: list[int]) -> list:
    query = (select(col(Operation.id), col(Operation.work_order_id),  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
                    col(Operation.status), col(Operation.sequence), col(Operation.name))
             .where(col(Operation.work_order_id).in_(wo_ids), col(Operation.status).in_(OPEN_WORK))
             .order_by(col(Operation.work_order_id), col(Operation.sequence)))
    return list(session.exec(query).all())


def _operation_moves(rows: Sequence[Any], ops: list, wanted: WorkStatus) -> dict[WorkStatus, list]:
    """What happens to a work order's operations when it moves to `wanted`."""
    numbers = {r.id: r.number for r in rows}
    by_status: dict[WorkStatus, list] = defaultdict(list)
    for op in ops:
        by_status[W(op.status)].append(op)
    started = by_status[W.RUNNING] + by_status[W.PAUSED]
    if wanted == W.PLANNED and started:
        op = started[0]
        raise Conflict(t("Work order {work_order} has started (operation {sequence} {name}); it can no longer be unreleased.",
                         work_order=numbers[op.work_order_id], sequence=op.sequence, name=op.name))
    if wanted == W.CANCELLED and by_status[W.RUNNING]:
        op = by_status[W.RUNNING][0]
        raise Conflict(t("Operation {sequence} {name} of work order {work_order} is running; pause or complete it before cancelling.",
                         sequence=op.sequence, name=op.name, work_order=numbers[op.work_order_id]))
    if wanted == W.RELEASED:
        return {W.RELEASED: by_status[W.PLANNED]}
    if wanted == W.PLANNED:
        return {W.PLANNED: by_status[W.RELEASED]}
    if wanted == W.CANCELLED:
        return {W.CANCELLED: by_status[W.PLANNED] + by_status[W.RELEASED] + by_status[W.PAUSED]}
    if wanted == W.DONE:
        return {W.DONE: started, W.CANCELLED: by_status[W.PLANNED] + by_status[W.RELEASED]}
    return {}


def _set_status(session: Session, actor: Actor, model, ids: list[int], wanted, now: datetime, values: dict) -> None:
    if ids:
        session.execute(update(model).where(col(model.id).in_(ids))      # ORM-enabled: loaded rows follow
                        .values(status=wanted, updated_at=now, updated_by=actor.user_id, **values))


def _history(session: Session, actor: Actor, entity: str, moves: list[tuple[int, object]], wanted, now: datetime,
             reason: str, *, also: Sequence[tuple[str, int, object, Any, str]] = ()) -> None:
    """One StatusChange row per moved row, inserted as one batch; `also` adds rows of other entities to the same
    batch as (entity, id, before, wanted, reason)."""
    rows: list[tuple[str, int, object, Any, str]] = [(entity, row_id, before, wanted, reason) for row_id, before in moves]
    rows += also
    if rows:
        session.connection().execute(insert(table(StatusChange)), [
            dict(organization_id=actor.organization_id, entity=row_entity, entity_id=row_id,
                 from_status=None if before is None else str(getattr(before, "value", before)),
                 to_status=row_wanted.value, reason=(row_reason or "")[:500], user_id=actor.user_id, at=now)
            for row_entity, row_id, before, row_wanted, row_reason in rows])


def _order_ids(session: Session, wo_ids: list[int]) -> set[int]:
    query = (select(col(OrderLine.order_id)).join(WorkOrder, col(WorkOrder.order_line_id) == col(OrderLine.id))
             .where(col(WorkOrder.id).in_(wo_ids)).distinct())
    return set(session.exec(query).all())


def settle_orders_of(session: Session, actor: Actor, work_order_ids: list[int], *, now: datetime) -> list[int]:
    """For callers that finish work orders themselves (the shop floor completing the last
    operation): the orders of those work orders become done when all their work is finished."""
    return settle_orders(session, actor, _order_ids(session, list(work_order_ids)), now=now)


def settle_orders(session: Session, actor: Actor, order_ids: set[int], *, now: datetime) -> list[int]:
    """Released orders whose work orders are all done or cancelled (one done at least) become done."""
    if not order_ids:
        return []
    open_count = func.sum(case((col(WorkOrder.status).in_(OPEN_WORK), 1), else_=0))
    done_count = func.sum(case((col(WorkOrder.status) == W.DONE, 1), else_=0))
    query = (select(CustomerOrder.id, CustomerOrder.number, CustomerOrder.plant_id)
             .join(OrderLine, col(OrderLine.order_id) == col(CustomerOrder.id))
             .join(WorkOrder, col(WorkOrder.order_line_id) == col(OrderLine.id))
             .where(col(CustomerOrder.id).in_(order_ids), CustomerOrder.status == OrderStatus.RELEASED)
             .group_by(col(CustomerOrder.id), col(CustomerOrder.number), col(CustomerOrder.plant_id))
             .having(open_count == 0, done_count > 0))
    finished: Sequence[Any] = session.exec(query).all()           # (id, number, plant_id) rows
    _set_status(session, actor, CustomerOrder, [o.id for o in finished], OrderStatus.DONE, now, {})
    _history(session, actor, "customer_order", [(o.id, OrderStatus.RELEASED) for o in finished], OrderStatus.DONE,
             now, "All work orders finished")
    audit_many(session, actor, "customer_order", "complete",
               [(o.id, o.plant_id, {"status": {"before": "released", "after": "done"}}) for o in finished], at=now)
    for o in finished:
        record(session, OrderCompleted(organization_id=actor.organization_id, order_id=o.id, number=o.number,
                                       plant_id=o.plant_id, actor_user_id=actor.user_id, at=now))
    return [o.id for o in finished]


def audit_many(session: Session, actor: Actor, entity: str, action: str, entries: list[tuple[int, int | None, dict]],
               *, at: datetime) -> None:
    """One audit row per (entity id, plant id, changes), written as one batch (services.core.audit.audit
    writes one row per call, which a flush sends one by one)."""
    if entries:
        session.connection().execute(insert(table(AuditEntry)), [
            dict(organization_id=actor.organization_id, plant_id=plant_id, user_id=actor.user_id, at=at, entity=entity,
                 entity_id=str(entity_id), action=action, changes=json.loads(json.dumps(changes, default=str)))
            for entity_id, plant_id, changes in entries])
