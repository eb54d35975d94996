"""What operators do at a machine: start, pause (with a reason), resume and complete jobs, report
good and scrap counts (scrap with a reason), start and end downtime (with a reason).

Invariants:
- every accepted action appends exactly one `ProductionEvent` (never updated, never deleted) with
  the operator, machine, job, the time it happened and the client's own id, emits one domain
  event after commit ("job.started", "job.paused", "job.resumed", "job.completed",
  "count.reported", "downtime.started", "downtime.ended") and writes one audit entry;
- a client id is used once per organization: the same id sent again (also at the same moment,
  from two workers) returns the stored event and records nothing. Actions on one machine are
  serialised by locking the machine (PostgreSQL: its row; SQLite: the database's write lock)
  before its state is read; the event's INSERT .. ON CONFLICT DO NOTHING on the unique constraint
  (organization_id, client_id) settles a race the lock cannot see (the same id sent for two machines):
  the later action is refused (Conflict) and its caller rolls it back whole;
- one action runs about a dozen statements: the machine read with its lock, its state with the job and
  the replay check in one query, the job's changes, the event, the rollups, the output lot, and the audit
  entries in one INSERT (tests/api/test_request_path.py caps them);
- a machine runs at most one job at a time; a job is acted on only on the machine it is queued on;
  counts go only to a running or paused job; downtime marks the machine down (or in a planned
  stop) without pausing its job, and no job starts or resumes while it is down;
- operations move through services.production.transitions.WORK_TRANSITIONS (with status history); a work
  order is running once its first operation starts, counts its good quantity from its last
  operation and its scrap from all of them, and is done when all its operations are done;
- good parts counted at a work order's last step go into an output lot of the job's production pass
  (services/trace/output_lots.py; created or topped up in the same transaction);
- `MachineStatus` always tells the machine's state now, since when, its current job and reason;
- the event time is the client's (`occurred_at`), up to MAX_CLOCK_SKEW ahead of the server
  (clamped to now) and at most MAX_EVENT_AGE old; without it, the server's time.
Everything needs RUN_JOBS at the machine's plant; machines of other plants do not exist.
"""
from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from models.base import pk, table_of
from models.orders import Operation, WorkOrder
from models.resources import Machine, MachineState, MachineStatus
from models.shopfloor import EventKind, ProductionEvent
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import in_scope
from services.kpi import rollups
from services.shopfloor import machine_state
from services.shopfloor.action_rules import (
    APPLY,
    EVENT_OF,
    ActionContext,
    ActionType,
    ShopfloorAction,
)
from services.trace import output_lots

__all__ = [
    "ActionResult", "ActionType", "ProductionEventRead", "ShopfloorAction", "complete_job", "end_downtime",
    "event_time", "machine_or_not_found", "pause_job", "perform", "report_counts", "resume_job", "start_downtime",
    "start_job",
]

MAX_CLOCK_SKEW = timedelta(minutes=5)
MAX_EVENT_AGE = timedelta(days=7)
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")

class ProductionEventRead(BaseModel):
    id: int
    kind: EventKind
    client_id: str
    organization_id: int
    plant_id: int
    machine_id: int
    operation_id: int | None
    user_id: int | None
    quantity_good: int
    quantity_scrap: int
    reason_code_id: int | None
    occurred_at: datetime
    recorded_at: datetime


class ActionResult(BaseModel):
    event: ProductionEventRead
    recorded: bool            # False: this client id was seen before and nothing new was recorded


# ----- the actions ---------------------------------------------------------------------------

def perform(session: Session, actor: Actor, machine_id: int, action: ShopfloorAction, *,
            now: datetime) -> ActionResult:
    """Record one operator action on a machine, once per client id."""
    machine = _locked_machine(session, actor, machine_id)
    _check_client_id(action.client_id)
    status, loaded, seen = _machine_context(session, actor, machine, action)
    if seen:
        return _replay(_stored_event(session, actor, action.client_id), machine, action)
    at = event_time(action.occurred_at, now)
    if status is None:
        status = MachineStatus(machine_id=pk(machine), organization_id=machine.organization_id,
                               plant_id=machine.plant_id, state=MachineState.IDLE, since=at, updated_at=at)
        session.add(status)
    status.updated_at = now                  # touched by every action (with its state change: one UPDATE)
    ctx = ActionContext(session, actor, machine, status, action, at, now, loaded=loaded)
    event = APPLY[action.type](ctx)
    _save(ctx, event)
    _announce(ctx, event)
    return ActionResult(event=_read(event), recorded=True)


def start_job(session: Session, actor: Actor, machine_id: int, operation_id: int, *, client_id: str,
              occurred_at: datetime | None = None, now: datetime) -> ActionResult:
    return perform(session, actor, machine_id, ShopfloorAction(
        type=ActionType.START_JOB, client_id=client_id, operation_id=operation_id, occurred_at=occurred_at), now=now)


def pause_job(session: Session, actor: Actor, machine_id: int, reason_code_id: int | None, *, client_id: str,
              operation_id: int | None = None, occurred_at: datetime | None = None, now: datetime) -> ActionResult:
    return perform(session, actor, machine_id, ShopfloorAction(
        type=ActionType.PAUSE_JOB, client_id=client_id, operation_id=operation_id, reason_code_id=reason_code_id,
        occurred_at=occurred_at), now=now)


def resume_job(session: Session, actor: Actor, machine_id: int, *, client_id: str, operation_id: int | None = None,
               occurred_at: datetime | None = None, now: datetime) -> ActionResult:
    return perform(session, actor, machine_id, ShopfloorAction(
        type=ActionType.RESUME_JOB, client_id=client_id, operation_id=operation_id, occurred_at=occurred_at), now=now)


def complete_job(session: Session, actor: Actor, machine_id: int, *, client_id: str, operation_id: int | None = None,
                 occurred_at: datetime | None = None, now: datetime) -> ActionResult:
    return perform(session, actor, machine_id, ShopfloorAction(
        type=ActionType.COMPLETE_JOB, client_id=client_id, operation_id=operation_id, occurred_at=occurred_at),
        now=now)


def report_counts(session: Session, actor: Actor, machine_id: int, *, good: int, scrap: int = 0,
                  scrap_reason_code_id: int | None = None, client_id: str, operation_id: int | None = None,
                  occurred_at: datetime | None = None, now: datetime) -> ActionResult:
    return perform(session, actor, machine_id, ShopfloorAction(
        type=ActionType.REPORT_COUNTS, client_id=client_id, operation_id=operation_id, good=good, scrap=scrap,
        reason_code_id=scrap_reason_code_id, occurred_at=occurred_at), now=now)


def start_downtime(session: Session, actor: Actor, machine_id: int, reason_code_id: int | None, *, client_id: str,
                   occurred_at: datetime | None = None, now: datetime) -> ActionResult:
    return perform(session, actor, machine_id, ShopfloorAction(
        type=ActionType.START_DOWNTIME, client_id=client_id, reason_code_id=reason_code_id, occurred_at=occurred_at),
        now=now)


def end_downtime(session: Session, actor: Actor, machine_id: int, *, client_id: str,
                 occurred_at: datetime | None = None, now: datetime) -> ActionResult:
    return perform(session, actor, machine_id, ShopfloorAction(
        type=ActionType.END_DOWNTIME, client_id=client_id, occurred_at=occurred_at), now=now)


def event_time(occurred_at: datetime | None, now: datetime) -> datetime:
    """When the action happened: the client's time within the allowed window, else now."""
    if occurred_at is None:
        return now
    if occurred_at.tzinfo is None:
        raise Invalid(t("The time of the action has no time zone."),
                      fields={"occurred_at": t("Give the time with its time zone, e.g. 2026-03-02T08:00:00Z.")})
    occurred_at = occurred_at.astimezone(UTC)
    if occurred_at > now + MAX_CLOCK_SKEW:
        raise Invalid(t("The time of the action is in the future: check the clock of the phone or tablet."),
                      fields={"occurred_at": t("In the future.")})
    if occurred_at < now - MAX_EVENT_AGE:
        raise Invalid(t("This action is more than 7 days old and cannot be recorded any more: ask a supervisor to "
                        "correct the record."), fields={"occurred_at": t("Older than 7 days.")})
    return min(occurred_at, now)


# ----- idempotency, locking and the record --------------------------------------------------

def _check_client_id(client_id: str) -> None:
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        raise Invalid(t("Every action needs its own id from the app (a UUID)."),
                      fields={"client_id": t("Required: 1 to 64 letters, digits, dot, dash, colon or underscore.")})


def _locked_machine(session: Session, actor: Actor, machine_id: int) -> Machine:
    """The machine, locked before its state is read (see the module docstring): PostgreSQL reads and locks its
    row in one statement; SQLite takes the database's write lock first."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        assert driver is not None                    # an open connection has its DBAPI connection
        if not driver.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")      # SQLite's single write lock, waited for
        found = session.get(Machine, machine_id)
    else:
        found = session.exec(_locked_machine_query(), params={"id": machine_id}).first()
    return _usable(actor, found)


@functools.cache
def _locked_machine_query() -> Any:
    return (select(Machine).where(col(Machine.id) == sa.bindparam("id")).with_for_update(key_share=True)
            .execution_options(populate_existing=True))


def _machine_context(session: Session, actor: Actor, machine: Machine, action: ShopfloorAction) -> tuple[
        MachineStatus | None, tuple[Operation, str, int] | None, bool]:
    """In one query, now that the machine is locked: its state (None before its first action), the job the action
    names (else its current job) with the work order's number and product, and whether the client id was seen."""
    job_id = None if action.type in (ActionType.START_DOWNTIME, ActionType.END_DOWNTIME) else action.operation_id
    row = session.execute(_context_query(), {"machine_id": machine.id, "operation_id": job_id,
                                             "organization_id": actor.organization_id,
                                             "client_id": action.client_id}).one()
    status, op, number, product_id, seen = row
    return status, (op, number, product_id) if op is not None else None, seen is not None


@functools.cache
def _context_query() -> Any:
    """Built once per process (bound machine_id, operation_id, organization_id, client_id)."""
    seen = (select(ProductionEvent.id).where(ProductionEvent.organization_id == sa.bindparam("organization_id"),
                                             ProductionEvent.client_id == sa.bindparam("client_id"))
            .scalar_subquery())
    job_id = sa.func.coalesce(sa.bindparam("operation_id", type_=sa.Integer), MachineStatus.operation_id)
    return (sa.select(MachineStatus, Operation, col(WorkOrder.number), col(WorkOrder.product_id), seen)
            .select_from(Machine)
            .outerjoin(MachineStatus, col(MachineStatus.machine_id) == Machine.id)
            .outerjoin(Operation, col(Operation.id) == job_id)
            .outerjoin(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
            .where(col(Machine.id) == sa.bindparam("machine_id"))
            .execution_options(populate_existing=True))


def _stored_event(session: Session, actor: Actor, client_id: str) -> ProductionEvent:
    query = select(ProductionEvent).where(ProductionEvent.organization_id == actor.organization_id,
                                          ProductionEvent.client_id == client_id)
    return session.exec(query.execution_options(populate_existing=True)).one()


def _replay(stored: ProductionEvent, machine: Machine, action: ShopfloorAction) -> ActionResult:
    """The same client id again: the original result, if it really is the same action."""
    if stored.machine_id != machine.id or stored.kind != EVENT_OF[action.type]:
        raise Conflict(t("This action's id was already used for a different action; the app must send a new id."),
                       fields={"client_id": t("Already used.")})
    return ActionResult(event=_read(stored), recorded=False)


def _save(ctx: ActionContext, event: ProductionEvent) -> None:
    """Append the event (claiming its client id), then the rollups, the output lot and the audit entries (the
    event's and a lot top-up's in one INSERT); the job's, work order's and machine's changes are flushed once."""
    session = ctx.session
    event.id = _insert_event(session, ctx, event)
    if event.kind == EventKind.DOWNTIME_STARTED:
        ctx.status.open_downtime_event_id = event.id
    session.flush()
    job = ctx.job if ctx.job is not None and ctx.job.id == event.operation_id else None
    rollups.apply(session, [event], known_operations={
        pk(job): (job.ideal_cycle_seconds, ctx.product_id, job.sequence)} if job is not None else None)
    audit(session, ctx.actor, "production_event", event.id, event.kind.value, {
        "machine_id": event.machine_id, "operation_id": event.operation_id, "client_id": event.client_id,
        "quantity_good": event.quantity_good, "quantity_scrap": event.quantity_scrap,
        "reason_code_id": event.reason_code_id, "occurred_at": event.occurred_at, **ctx.changes,
    }, plant_id=event.plant_id, at=ctx.now)
    if event.operation_id is not None and event.kind in output_lots.KINDS:     # good parts of a last step -> lot
        output_lots.sync(session, ctx.actor, {event.operation_id: ctx.at}, flushed=True)
    session.flush()


def _insert_event(session: Session, ctx: ActionContext, event: ProductionEvent) -> int:
    """INSERT .. ON CONFLICT (organization_id, client_id) DO NOTHING RETURNING id: the unique constraint settles
    the race the machine lock cannot see (the same id sent for another machine at the same moment), without a
    savepoint: the other action won, this one is refused and its transaction rolled back by the caller."""
    values = {name: getattr(event, name) for name in _EVENT_COLUMNS}
    new_id = session.execute(_insert_event_statement(session.get_bind().dialect.name), values).scalar()
    if new_id is not None:
        return new_id
    stored = _stored_event(session, ctx.actor, event.client_id)
    _replay(stored, ctx.machine, ctx.action)          # another machine's or another kind's: refused
    raise Conflict(t("This action was recorded by another request at the same moment; send it again to get its "
                     "result."), fields={"client_id": t("Already used.")})


_EVENT_COLUMNS = ("organization_id", "plant_id", "machine_id", "operation_id", "user_id", "api_token_id", "kind",
                  "quantity_good", "quantity_scrap", "reason_code_id", "note", "client_id", "occurred_at",
                  "recorded_at")


@functools.cache
def _insert_event_statement(dialect: str) -> Any:
    table = table_of(ProductionEvent)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (insert(table).on_conflict_do_nothing(index_elements=["organization_id", "client_id"])
            .returning(table.c.id))


def _announce(ctx: ActionContext, event: ProductionEvent) -> None:
    op, number = ctx.job, ctx.work_order_number
    if op is None or op.id != event.operation_id:
        op = ctx.session.get(Operation, event.operation_id) if event.operation_id else None
        wo = ctx.session.get(WorkOrder, op.work_order_id) if op is not None else None
        number = wo.number if wo is not None else None
    machine_state.announce(
        ctx.session, event.kind, machine=ctx.machine, status=ctx.status, event_id=pk(event), client_id=event.client_id,
        operation_id=event.operation_id, occurred_at=event.occurred_at, at=ctx.now, actor_user_id=ctx.actor.user_id,
        work_order_id=op.work_order_id if op else None, work_order_number=number,
        quantity_good=event.quantity_good, quantity_scrap=event.quantity_scrap,
        operation_quantity_good=op.quantity_good if op else None,
        operation_quantity_scrap=op.quantity_scrap if op else None, reason_code_id=event.reason_code_id,
        changes=ctx.changes)


def _read(event: ProductionEvent) -> ProductionEventRead:
    return ProductionEventRead.model_validate(event, from_attributes=True)


def machine_or_not_found(session: Session, actor: Actor, machine_id: int) -> Machine:
    """The machine, if the actor may run jobs on it; NotFound outside their plants."""
    return _usable(actor, session.get(Machine, machine_id))


def _usable(actor: Actor, machine: Machine | None) -> Machine:
    machine = in_scope(actor, machine, t("Machine"))
    if not machine.is_active:
        raise NotFound(t("Machine not found."))
    require(actor, Permission.RUN_JOBS, plant_id=machine.plant_id)
    return machine
