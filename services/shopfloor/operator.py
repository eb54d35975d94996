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
  before its state is read; the unique constraint (organization_id, client_id), checked inside a
  SAVEPOINT, settles a race the lock cannot see (the same id sent for two machines);
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

import re
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.base import pk
from models.orders import Operation, WorkOrder
from models.resources import Machine, MachineState, MachineStatus
from models.shopfloor import EventKind, ProductionEvent
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
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
    machine = machine_or_not_found(session, actor, machine_id)
    _check_client_id(action.client_id)
    _lock_machine(session, machine)
    stored = _stored_event(session, actor, action.client_id)
    if stored is not None:
        return _replay(stored, machine, action)
    at = event_time(action.occurred_at, now)
    try:
        with session.begin_nested():
            ctx = ActionContext(session, actor, machine, _status_of(session, machine, at), action, at, now)
            event = APPLY[action.type](ctx)
            _save(ctx, event)
            if event.operation_id is not None and event.kind in output_lots.KINDS:
                output_lots.sync(session, actor, {event.operation_id: at})     # good parts of a last step -> lot
    except IntegrityError:
        stored = _stored_event(session, actor, action.client_id)
        if stored is None:
            raise
        return _replay(stored, machine, action)
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


def _lock_machine(session: Session, machine: Machine) -> None:
    """Serialise actions on one machine before its state is read (see the module docstring)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        assert driver is not None                    # an open connection has its DBAPI connection
        if not driver.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")      # SQLite's single write lock, waited for
        return
    session.exec(select(Machine.id).where(Machine.id == machine.id).with_for_update(key_share=True)).one()


def _stored_event(session: Session, actor: Actor, client_id: str) -> ProductionEvent | None:
    query = select(ProductionEvent).where(ProductionEvent.organization_id == actor.organization_id,
                                          ProductionEvent.client_id == client_id)
    return session.exec(query.execution_options(populate_existing=True)).first()


def _replay(stored: ProductionEvent, machine: Machine, action: ShopfloorAction) -> ActionResult:
    """The same client id again: the original result, if it really is the same action."""
    if stored.machine_id != machine.id or stored.kind != EVENT_OF[action.type]:
        raise Conflict(t("This action's id was already used for a different action; the app must send a new id."),
                       fields={"client_id": t("Already used.")})
    return ActionResult(event=_read(stored), recorded=False)


def _status_of(session: Session, machine: Machine, at: datetime) -> MachineStatus:
    query = select(MachineStatus).where(MachineStatus.machine_id == machine.id)
    status = session.exec(query.execution_options(populate_existing=True)).first()
    if status is None:
        status = MachineStatus(machine_id=pk(machine), organization_id=machine.organization_id,
                               plant_id=machine.plant_id, state=MachineState.IDLE, since=at, updated_at=at)
        session.add(status)
    return status


def _save(ctx: ActionContext, event: ProductionEvent) -> None:
    ctx.session.add(event)
    ctx.session.flush()
    job = ctx.job if ctx.job is not None and ctx.job.id == event.operation_id else None
    rollups.apply(ctx.session, [event], known_operations={
        pk(job): (job.ideal_cycle_seconds, ctx.product_id, job.sequence)} if job is not None else None)
    if event.kind == EventKind.DOWNTIME_STARTED:
        ctx.status.open_downtime_event_id = event.id
    ctx.status.updated_at = ctx.now
    ctx.session.add(ctx.status)
    audit(ctx.session, ctx.actor, "production_event", event.id, event.kind.value, {
        "machine_id": event.machine_id, "operation_id": event.operation_id, "client_id": event.client_id,
        "quantity_good": event.quantity_good, "quantity_scrap": event.quantity_scrap,
        "reason_code_id": event.reason_code_id, "occurred_at": event.occurred_at, **ctx.changes,
    }, plant_id=event.plant_id, at=ctx.now)
    ctx.session.flush()


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
    machine = get_scoped(session, actor, Machine, machine_id, t("Machine"))
    if not machine.is_active:
        raise NotFound(t("Machine not found."))
    require(actor, Permission.RUN_JOBS, plant_id=machine.plant_id)
    return machine
