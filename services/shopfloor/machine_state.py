"""The machine-state engine: the one place that changes a machine's state now (MachineStatus), its jobs'
and work orders' quantities, and that says what a production event announces. Operator actions
(action_rules.py, through operator.py) and gateway ingest (ingest.py) both call it; each keeps only its
own policy (an operator is refused a second stop, a gateway's second stop closes the first).

Invariants:
- downtime outranks the job: while a stop is open, only the machine's current job changes; the
  state's `since` moves when the state or its reason changes, never backwards;
- a stop takes the state of its reason (planned: PLANNED_STOP, else DOWN) and keeps the job; ending it
  returns to the job's state (running: RUNNING; paused: PAUSED with the job's last pause reason) or to
  IDLE without a job;
- counts are added set-based, one UPDATE .. RETURNING for all jobs and one UPDATE for their work
  orders (good from the last live operation, scrap from all), whatever the number of jobs; loaded ORM
  copies get the new values without another query;
- a work order is done when all its operations are done or cancelled and at least one is done; its
  customer order is settled then;
- counts are whole numbers, not negative, at most MAX_COUNT per event, not both zero;
- a job whose good count goes beyond its quantity by more than the plant's tolerance gets one OVERPRODUCED
  schedule exception (services/production/scheduling/exceptions.py) and its plant's supervisors a notification.
Nothing here checks permissions or commits: its callers have locked the machine and checked the actor.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from models.base import pk, table_of
from models.orders import Operation, WorkOrder, WorkStatus
from models.resources import Machine, MachineState, MachineStatus, ReasonCode
from models.shopfloor import EventKind, ProductionEvent
from services.config import notifications
from services.core.access import Actor
from services.core.events import record
from services.core.messages import t
from services.production.scheduling import exceptions
from services.production.transitions import WORK_TRANSITIONS, transition
from services.production.work_orders import settle_orders_of
from services.shopfloor.events import ANNOUNCED

__all__ = [
    "DOWN_STATES", "MAX_COUNT", "add_counts", "announce", "complete_work_order_if_done",
    "count_problems", "end_downtime", "is_down", "last_pause_reason", "refresh_work_orders", "set_state", "start_downtime",
]

MAX_COUNT = 1_000_000
DOWN_STATES = (MachineState.DOWN, MachineState.PLANNED_STOP)


def is_down(status: MachineStatus) -> bool:
    return status.state in DOWN_STATES


# ----- the machine's state now ---------------------------------------------------------------

def set_state(status: MachineStatus, state: MachineState, *, operation_id: int | None, reason_code_id: int | None,
              at: datetime, changes: dict) -> bool:
    """Move the machine to `state` at `at` (downtime outranks the job); True when its state or reason changed."""
    before = status.state
    if status.open_downtime_event_id is not None and state not in DOWN_STATES:
        status.operation_id = operation_id
        return False
    changed = state != before or reason_code_id != status.reason_code_id
    if changed:
        status.since = max(at, status.since)
    status.state, status.operation_id, status.reason_code_id = state, operation_id, reason_code_id
    if state != before:
        changes["machine_state"] = {"before": before.value, "after": state.value}
    return changed


def start_downtime(status: MachineStatus, reason: ReasonCode, *, at: datetime, changes: dict) -> bool:
    """A stop with this (downtime) reason, keeping the current job; True when the state or reason changed.
    The caller sets `open_downtime_event_id` to the stop's event once it has an id."""
    state = MachineState.PLANNED_STOP if reason.planned else MachineState.DOWN
    return set_state(status, state, operation_id=status.operation_id, reason_code_id=reason.id, at=at,
                     changes=changes)


def end_downtime(session: Session, status: MachineStatus, *, at: datetime, changes: dict) -> tuple[int | None, bool]:
    """Close the open stop: back to the job's state, or idle. Returns the reason of the stop ended and
    whether the machine's state changed (False when no stop was open: nothing changes)."""
    if status.open_downtime_event_id is None:
        return None, False
    reason_id = status.reason_code_id
    status.open_downtime_event_id = None
    op = session.get(Operation, status.operation_id) if status.operation_id is not None else None
    if op is not None and op.status == WorkStatus.RUNNING:
        set_state(status, MachineState.RUNNING, operation_id=op.id, reason_code_id=None, at=at, changes=changes)
    elif op is not None and op.status == WorkStatus.PAUSED:
        set_state(status, MachineState.PAUSED, operation_id=pk(op), reason_code_id=last_pause_reason(session, pk(op)),
                  at=at, changes=changes)
    else:
        set_state(status, MachineState.IDLE, operation_id=None, reason_code_id=None, at=at, changes=changes)
    return reason_id, True


def last_pause_reason(session: Session, operation_id: int) -> int | None:
    """The reason of the job's last pause."""
    return session.exec(select(ProductionEvent.reason_code_id).where(
        ProductionEvent.operation_id == operation_id, ProductionEvent.kind == EventKind.JOB_PAUSED)
        .order_by(col(ProductionEvent.id).desc())).first()


# ----- counts, jobs and work orders ----------------------------------------------------------

def count_problems(good: object, scrap: object) -> dict[str, str]:
    """What is wrong with a count (field -> message); empty when it may be recorded."""
    problems: dict[str, str] = {}
    for name, value in (("good", good), ("scrap", scrap)):
        if type(value) is not int:
            problems[name] = t("A whole number.")
        elif value < 0:
            problems[name] = t("Cannot be negative.")
        elif value > MAX_COUNT:
            problems[name] = t("At most {max_count:,} in one report.", max_count=MAX_COUNT)
    if not problems and good == 0 and scrap == 0:
        problems["good"] = t("Enter how many good or scrap parts to report.")
    return problems


def add_counts(session: Session, actor: Actor, counts: dict[int, tuple[int, int]], *,
               now: datetime) -> dict[int, tuple[int, int, int]]:
    """Add (good, scrap) to each job in one UPDATE .. RETURNING; job -> (work order id, good, scrap) after."""
    if not counts:
        return {}
    session.flush()
    params: dict[str, object] = {"ids": sorted(counts), "now": now, "user": actor.user_id}
    for i, (op_id, (good, scrap)) in enumerate(counts.items()):
        params.update({f"op_{i}": op_id, f"good_{i}": good, f"scrap_{i}": scrap})
    statement = _add_counts_statement(len(counts))
    totals, beyond = {}, []
    for op_id, wo_id, total_good, total_scrap, quantity in session.execute(statement, params).all():
        totals[op_id] = (wo_id, total_good, total_scrap)
        _set_loaded(session, Operation, op_id, quantity_good=total_good, quantity_scrap=total_scrap,
                    updated_at=now, updated_by=actor.user_id)
        if counts[op_id][0] > 0 and total_good > quantity:
            beyond.append(op_id)
    # no tolerance (>= 0) flags a job at or under its quantity: the usual count costs no further query
    _flag_overproduction(session, actor, sorted(beyond), now)
    return totals


def _flag_overproduction(session: Session, actor: Actor, op_ids: list[int], now: datetime) -> None:
    """Jobs whose good count just went beyond their plant's tolerance: an exception (once per job) and a
    notification to the plant's supervisors."""
    for row in exceptions.record_overproduction(session, actor, op_ids, now=now):
        op = session.get(Operation, row.operation_id)
        wo = session.get(WorkOrder, op.work_order_id) if op is not None else None
        if op is None or wo is None:
            continue
        notifications.notify_people(
            session, organization_id=op.organization_id, kind="alert", roles=("supervisor",), plant_id=op.plant_id,
            title=t("Overproduction: {number} · {operation} has {good} good of {quantity}", number=wo.number,
                    operation=op.name, good=op.quantity_good, quantity=op.quantity),
            body=row.reason, link=f"/work-orders?id={wo.id}", entity_type="operation", entity_id=op.id, now=now)


def refresh_work_orders(session: Session, actor: Actor, work_order_ids: Iterable[int], *, now: datetime) -> None:
    """The work orders' quantities from their operations, in one UPDATE: good from the last live operation,
    scrap from all (several work orders are locked first in id order: no deadlock between batches)."""
    wo_ids = sorted(set(work_order_ids))
    if not wo_ids:
        return
    session.flush()
    if len(wo_ids) > 1 and session.connection().dialect.name == "postgresql":
        session.exec(select(col(WorkOrder.id)).where(col(WorkOrder.id).in_(wo_ids)).order_by(col(WorkOrder.id))
                     .with_for_update(key_share=True)).all()
    rows = session.execute(_refresh_statement(), {"ids": wo_ids, "now": now, "user": actor.user_id}).all()
    for wo_id, total_good, total_scrap in rows:
        _set_loaded(session, WorkOrder, wo_id, quantity_good=total_good, quantity_scrap=total_scrap,
                    updated_at=now, updated_by=actor.user_id)


@functools.lru_cache(maxsize=64)
def _add_counts_statement(jobs: int) -> Any:
    """The counts UPDATE of `jobs` jobs (bound ids, op_i, good_i, scrap_i, now, user), built once per number of jobs:
    building it cost more than running it."""
    ops = table_of(Operation)

    def per_job(name: str) -> Any:
        return sa.case(*[(sa.bindparam(f"op_{i}", type_=sa.Integer), sa.bindparam(f"{name}_{i}", type_=sa.Integer))
                         for i in range(jobs)], value=ops.c.id, else_=0)
    return (sa.update(ops).where(ops.c.id.in_(sa.bindparam("ids", expanding=True)))
            .values(quantity_good=ops.c.quantity_good + per_job("good"),
                    quantity_scrap=ops.c.quantity_scrap + per_job("scrap"),
                    updated_at=sa.bindparam("now"), updated_by=sa.bindparam("user"))
            .returning(ops.c.id, ops.c.work_order_id, ops.c.quantity_good, ops.c.quantity_scrap, ops.c.quantity))


@functools.cache
def _refresh_statement() -> Any:
    """The work orders' quantities UPDATE (bound ids, now, user), built once per process."""
    w, o = table_of(WorkOrder), table_of(Operation).alias("o")
    last_good = (sa.select(o.c.quantity_good).where(o.c.work_order_id == w.c.id)
                 .order_by(o.c.status == WorkStatus.CANCELLED, o.c.sequence.desc()).limit(1).scalar_subquery())
    all_scrap = sa.select(sa.func.coalesce(sa.func.sum(o.c.quantity_scrap), 0)).where(
        o.c.work_order_id == w.c.id).scalar_subquery()
    return (sa.update(w).where(w.c.id.in_(sa.bindparam("ids", expanding=True)))
            .values(quantity_good=last_good, quantity_scrap=all_scrap, updated_at=sa.bindparam("now"),
                    updated_by=sa.bindparam("user"))
            .returning(w.c.id, w.c.quantity_good, w.c.quantity_scrap))


def complete_work_order_if_done(session: Session, actor: Actor, wo: WorkOrder, *, at: datetime,
                                changes: dict) -> None:
    """Done when every operation is done or cancelled (and one is done); then its order is settled."""
    session.flush()
    statuses = session.exec(select(Operation.status).where(Operation.work_order_id == wo.id)).all()
    finished = all(s in (WorkStatus.DONE, WorkStatus.CANCELLED) for s in statuses)
    if not finished or wo.status == WorkStatus.DONE or WorkStatus.DONE not in statuses:
        return
    before = wo.status
    transition(session, actor, wo, "work_order", f"Work order {wo.number}", WorkStatus.DONE,
               WORK_TRANSITIONS, now=at, reason="all operations done")
    wo.completed_at = at
    changes["work_order_status"] = {"before": before.value, "after": WorkStatus.DONE.value}
    session.flush()
    settle_orders_of(session, actor, [pk(wo)], now=at)   # the order is done when all its work is


def _set_loaded(session: Session, model: type, row_id: int, **values: object) -> None:
    """A row changed by a Core UPDATE: its ORM copy in this session (if loaded) gets the new values."""
    loaded = session.identity_map.get(identity_key(model, row_id))
    if loaded is not None:
        for name, value in values.items():
            set_committed_value(loaded, name, value)


# ----- what a production event announces ----------------------------------------------------

def announce(session: Session, kind: EventKind, *, machine: Machine, status: MachineStatus, event_id: int,
             client_id: str, operation_id: int | None, occurred_at: datetime, at: datetime,
             actor_user_id: int | None = None, work_order_id: int | None = None, work_order_number: str | None = None,
             quantity_good: int = 0, quantity_scrap: int = 0, operation_quantity_good: int | None = None,
             operation_quantity_scrap: int | None = None, reason_code_id: int | None = None, events: int = 1,
             changes: dict | None = None) -> None:
    """Record the typed domain event of a production event (one operator action, or a gateway's events of
    one kind on one machine: `events` of them, quantities summed), after commit."""
    record(session, ANNOUNCED[kind](
        organization_id=machine.organization_id, plant_id=machine.plant_id, actor_user_id=actor_user_id, at=at,
        event_id=event_id, client_id=client_id, machine_id=pk(machine), machine_code=machine.code,
        machine_state=status.state.value, operation_id=operation_id, work_order_id=work_order_id,
        work_order_number=work_order_number, quantity_good=quantity_good, quantity_scrap=quantity_scrap,
        operation_quantity_good=operation_quantity_good, operation_quantity_scrap=operation_quantity_scrap,
        reason_code_id=reason_code_id, occurred_at=occurred_at, events=events, changes=changes or {}))
