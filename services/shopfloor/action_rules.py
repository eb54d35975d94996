"""The rules of each operator action at a machine (used by services/shopfloor/operator.py, which locks the
machine, keeps client ids unique and records the event).

Each `apply_*` function validates the action against the machine's current state, changes the job
(through WORK_TRANSITIONS, with history), its work order and the machine's status, and returns the
ProductionEvent to append. It raises Invalid or Conflict with a message for the operator before
changing anything it cannot finish. The machine's state, the counts and the work orders change through
the machine-state engine (machine_state.py), which gateway ingest uses too.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.orders import Operation, WorkOrder, WorkStatus
from models.resources import (
    Machine,
    MachineState,
    MachineStatus,
    ReasonCode,
    ReasonKind,
)
from models.shopfloor import EventKind, ProductionEvent
from services.core.access import Actor
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.production.transitions import WORK_TRANSITIONS, transition
from services.shopfloor import machine_state


class ActionType(StrEnum):
    START_JOB = "start_job"
    PAUSE_JOB = "pause_job"
    RESUME_JOB = "resume_job"
    COMPLETE_JOB = "complete_job"
    REPORT_COUNTS = "report_counts"
    START_DOWNTIME = "start_downtime"
    END_DOWNTIME = "end_downtime"


EVENT_OF = {
    ActionType.START_JOB: EventKind.JOB_STARTED, ActionType.PAUSE_JOB: EventKind.JOB_PAUSED,
    ActionType.RESUME_JOB: EventKind.JOB_RESUMED, ActionType.COMPLETE_JOB: EventKind.JOB_COMPLETED,
    ActionType.REPORT_COUNTS: EventKind.COUNT, ActionType.START_DOWNTIME: EventKind.DOWNTIME_STARTED,
    ActionType.END_DOWNTIME: EventKind.DOWNTIME_ENDED,
}


class ShopfloorAction(BaseModel):
    """One tap of an operator, as the UI and the API send it."""
    type: ActionType
    client_id: str
    operation_id: int | None = None
    good: int = 0
    scrap: int = 0
    reason_code_id: int | None = None
    occurred_at: datetime | None = None


@dataclass
class ActionContext:
    """What one action works on, after the machine is locked."""
    session: Session
    actor: Actor
    machine: Machine
    status: MachineStatus
    action: ShopfloorAction
    at: datetime
    now: datetime
    changes: dict = field(default_factory=dict)
    job: Operation | None = None              # the job the action works on, once read (held: the session's
    work_order_number: str | None = None      # identity map keeps rows only while someone refers to them)
    product_id: int | None = None             # the job's work order's product
    loaded: tuple[Operation, str, int] | None = None   # the job named in the action, else the machine's current
                                                        # one, with its work order's number and product, read with
                                                        # the machine's state (operator.py); not yet checked


# ----- one function per action: validate, change the job and the machine, build the event ----

def apply_start(ctx: ActionContext) -> ProductionEvent:
    if ctx.action.operation_id is None:
        raise Invalid(t("Choose the job to start."), fields={"operation_id": t("Choose a job from the queue.")})
    op = _job_on_machine(ctx, ctx.action.operation_id)
    _refuse_while_down(ctx, t("start a job"))
    if op.status == WorkStatus.PAUSED:
        raise Conflict(t("{ctx} is paused: tap Resume to continue it.", ctx=_job_label(ctx, op)))
    _refuse_second_running_job(ctx, op)
    _move_job(ctx, op, WorkStatus.RUNNING)
    if op.started_at is None:
        op.started_at = ctx.at
    wo = _locked_work_order(ctx, op)
    if wo.status == WorkStatus.RELEASED:
        transition(ctx.session, ctx.actor, wo, "work_order", f"Work order {wo.number}", WorkStatus.RUNNING,
                   WORK_TRANSITIONS, now=ctx.at, reason="first operation started")
    _set_machine(ctx, MachineState.RUNNING, operation_id=op.id, reason_code_id=None)
    return new_event(ctx, EventKind.JOB_STARTED, op)


def apply_pause(ctx: ActionContext) -> ProductionEvent:
    op = _chosen_job(ctx)
    if op.status == WorkStatus.PAUSED:
        raise Conflict(t("{ctx} is already paused.", ctx=_job_label(ctx, op)))
    if op.status != WorkStatus.RUNNING:
        raise Conflict(t("Only a running job can be paused; {ctx} is {status}.",
                         ctx=_job_label(ctx, op), status=op.status.value))
    reason = _reason(ctx, ReasonKind.PAUSE, t("Choose why the job is paused."))
    _move_job(ctx, op, WorkStatus.PAUSED, reason=reason.name)
    _set_machine(ctx, MachineState.PAUSED, operation_id=op.id, reason_code_id=reason.id)
    return new_event(ctx, EventKind.JOB_PAUSED, op, reason_code_id=reason.id)


def apply_resume(ctx: ActionContext) -> ProductionEvent:
    op = _chosen_job(ctx)
    if op.status != WorkStatus.PAUSED:
        raise Conflict(t("Only a paused job can be resumed; {ctx} is {status}.",
                         ctx=_job_label(ctx, op), status=op.status.value))
    _refuse_while_down(ctx, t("resume a job"))
    _refuse_second_running_job(ctx, op)
    _move_job(ctx, op, WorkStatus.RUNNING)
    _set_machine(ctx, MachineState.RUNNING, operation_id=op.id, reason_code_id=None)
    return new_event(ctx, EventKind.JOB_RESUMED, op)


def apply_complete(ctx: ActionContext) -> ProductionEvent:
    op = _chosen_job(ctx)
    if op.status not in (WorkStatus.RUNNING, WorkStatus.PAUSED):
        raise Conflict(t("Only a running or paused job can be completed; {ctx} is {status}.",
                         ctx=_job_label(ctx, op), status=op.status.value))
    _move_job(ctx, op, WorkStatus.DONE)
    op.completed_at = ctx.at
    machine_state.complete_work_order_if_done(ctx.session, ctx.actor, _locked_work_order(ctx, op), at=ctx.at,
                                              changes=ctx.changes)
    if ctx.status.operation_id == op.id:
        _set_machine(ctx, MachineState.IDLE, operation_id=None, reason_code_id=None)
    return new_event(ctx, EventKind.JOB_COMPLETED, op)


def apply_counts(ctx: ActionContext) -> ProductionEvent:
    good, scrap = ctx.action.good, ctx.action.scrap
    problems = machine_state.count_problems(good, scrap)
    if problems:
        raise Invalid(t("The quantities are not valid."), fields=problems)
    op = _chosen_job(ctx)
    if op.status not in (WorkStatus.RUNNING, WorkStatus.PAUSED):
        raise Conflict(t("Counts go to a running or paused job; {ctx} is {status}.",
                         ctx=_job_label(ctx, op), status=op.status.value))
    reason_id = _reason(ctx, ReasonKind.SCRAP, t("Choose why the parts are scrap.")).id if scrap else None
    totals = machine_state.add_counts(ctx.session, ctx.actor, {pk(op): (good, scrap)}, now=ctx.now)
    machine_state.refresh_work_orders(ctx.session, ctx.actor, [op.work_order_id], now=ctx.now)
    _, total_good, total_scrap = totals[pk(op)]
    ctx.changes.update(operation_good=total_good, operation_scrap=total_scrap)
    return new_event(ctx, EventKind.COUNT, op, good=good, scrap=scrap, reason_code_id=reason_id)


def apply_downtime_start(ctx: ActionContext) -> ProductionEvent:
    if ctx.status.open_downtime_event_id is not None:
        raise Conflict(t("Machine {code} is already down: end that downtime first.", code=ctx.machine.code))
    reason = _reason(ctx, ReasonKind.DOWNTIME, t("Choose why the machine is down."))
    op = _current_job(ctx)
    machine_state.start_downtime(ctx.status, reason, at=ctx.at, changes=ctx.changes)
    return new_event(ctx, EventKind.DOWNTIME_STARTED, op, reason_code_id=reason.id)


def apply_downtime_end(ctx: ActionContext) -> ProductionEvent:
    if ctx.status.open_downtime_event_id is None:
        raise Conflict(t("Machine {code} is not down: there is no downtime to end.", code=ctx.machine.code))
    op = _current_job(ctx)
    reason_id, _ = machine_state.end_downtime(ctx.session, ctx.status, at=ctx.at, changes=ctx.changes)
    return new_event(ctx, EventKind.DOWNTIME_ENDED, op, reason_code_id=reason_id)


APPLY: dict[ActionType, Callable[[ActionContext], ProductionEvent]] = {
    ActionType.START_JOB: apply_start, ActionType.PAUSE_JOB: apply_pause, ActionType.RESUME_JOB: apply_resume,
    ActionType.COMPLETE_JOB: apply_complete, ActionType.REPORT_COUNTS: apply_counts,
    ActionType.START_DOWNTIME: apply_downtime_start, ActionType.END_DOWNTIME: apply_downtime_end,
}


# ----- what may be done now, as the operator portal offers it ---------------------------------

JOB_ACTIONS = (ActionType.START_JOB, ActionType.RESUME_JOB, ActionType.PAUSE_JOB, ActionType.COMPLETE_JOB,
               ActionType.REPORT_COUNTS)


def job_actions(status: WorkStatus, *, machine_down: bool, other_running: bool) -> frozenset[ActionType]:
    """The job actions the `apply_*` functions accept for a job in `status` on its machine: start a released job
    and resume a paused one (WORK_TRANSITIONS to running) while the machine is not down and runs no other job;
    pause a running job; complete (to done) and count a running or paused one."""
    free = not machine_down and not other_running
    can_run = WorkStatus.RUNNING in WORK_TRANSITIONS[status]
    allowed = {
        ActionType.START_JOB: status == WorkStatus.RELEASED and can_run and free,
        ActionType.RESUME_JOB: status == WorkStatus.PAUSED and can_run and free,
        ActionType.PAUSE_JOB: WorkStatus.PAUSED in WORK_TRANSITIONS[status],
        ActionType.COMPLETE_JOB: status in (WorkStatus.RUNNING, WorkStatus.PAUSED)
        and WorkStatus.DONE in WORK_TRANSITIONS[status],
        ActionType.REPORT_COUNTS: status in (WorkStatus.RUNNING, WorkStatus.PAUSED),
    }
    return frozenset(action for action, ok in allowed.items() if ok)


# ----- rules shared by the actions -----------------------------------------------------------

def _job_on_machine(ctx: ActionContext, operation_id: int) -> Operation:
    """The job, read fresh now that the machine is locked, with its work order's number and product (one query,
    none when it came with the machine's state)."""
    found: tuple[Operation, str, int] | None = ctx.loaded
    if found is None or found[0].id != operation_id:
        found = ctx.session.exec(select(Operation, WorkOrder.number, WorkOrder.product_id)
                                 .join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
                                 .where(col(Operation.id) == operation_id)
                                 .execution_options(populate_existing=True)).first()
    if found is None or found[0].organization_id != ctx.actor.organization_id \
            or found[0].plant_id not in ctx.actor.plant_ids:
        raise NotFound(t("Job not found."))
    op, ctx.work_order_number, ctx.product_id = found
    ctx.job = op
    if op.machine_id != ctx.machine.id:
        raise Conflict(t("{ctx} is not queued on machine {code}.", ctx=_job_label(ctx, op), code=ctx.machine.code),
                       fields={"operation_id": t("Not in this machine's queue.")})
    return op


def _chosen_job(ctx: ActionContext) -> Operation:
    """The job named in the action, else the machine's current job."""
    if ctx.action.operation_id is not None:
        return _job_on_machine(ctx, ctx.action.operation_id)
    if ctx.status.operation_id is None:
        raise Conflict(t("Machine {code} has no current job: start one from the queue.", code=ctx.machine.code),
                       fields={"operation_id": t("No current job.")})
    return _job_on_machine(ctx, ctx.status.operation_id)


def _current_job(ctx: ActionContext) -> Operation | None:
    """The machine's current job (a stop keeps it), if it has one: it is on this machine."""
    if ctx.status.operation_id is None:
        return None
    if ctx.loaded is not None and ctx.loaded[0].id == ctx.status.operation_id:
        ctx.job, ctx.work_order_number, ctx.product_id = ctx.loaded
        return ctx.job
    return ctx.session.get(Operation, ctx.status.operation_id)


def _refuse_while_down(ctx: ActionContext, what: str) -> None:
    if machine_state.is_down(ctx.status):
        raise Conflict(t("Machine {code} is down: end the downtime before you {what}.",
                         code=ctx.machine.code, what=what))


def _refuse_second_running_job(ctx: ActionContext, op: Operation) -> None:
    running = ctx.session.exec(select(Operation).where(
        Operation.machine_id == ctx.machine.id, Operation.status == WorkStatus.RUNNING,
        Operation.id != op.id)).first()
    if running is not None:
        raise Conflict(t("Machine {code} is already running {ctx}: pause or complete it first.",
                         code=ctx.machine.code, ctx=_job_label(ctx, running)))


def _reason(ctx: ActionContext, kind: ReasonKind, missing: str) -> ReasonCode:
    reason_id = ctx.action.reason_code_id
    reason = ctx.session.get(ReasonCode, reason_id) if reason_id is not None else None
    if reason is None or reason.organization_id != ctx.actor.organization_id or not reason.is_active \
            or reason.kind != kind:
        raise Invalid(missing, fields={"reason_code_id": t("Choose a {kind} reason from the list.", kind=kind.value)})
    return reason


def _job_label(ctx: ActionContext, op: Operation) -> str:
    wo = ctx.session.get(WorkOrder, op.work_order_id)
    assert wo is not None                            # an operation's work order (foreign key)
    return f"Job {wo.number} {op.name}"


def _move_job(ctx: ActionContext, op: Operation, wanted: WorkStatus, *, reason: str = "") -> None:
    before = op.status
    transition(ctx.session, ctx.actor, op, "operation", _job_label(ctx, op), wanted, WORK_TRANSITIONS,
               now=ctx.at, reason=reason)
    op.updated_at = ctx.now
    ctx.changes["operation_status"] = {"before": before.value, "after": wanted.value}


def _locked_work_order(ctx: ActionContext, op: Operation) -> WorkOrder:
    """The job's work order, locked: its operations may run on other machines at the same moment."""
    ctx.session.flush()
    query = select(WorkOrder).where(WorkOrder.id == op.work_order_id).with_for_update(key_share=True)
    return ctx.session.exec(query.execution_options(populate_existing=True)).one()


def _set_machine(ctx: ActionContext, state: MachineState, *, operation_id: int | None,
                 reason_code_id: int | None) -> None:
    machine_state.set_state(ctx.status, state, operation_id=operation_id, reason_code_id=reason_code_id, at=ctx.at,
                            changes=ctx.changes)


def new_event(ctx: ActionContext, kind: EventKind, op: Operation | None, *, good: int = 0, scrap: int = 0,
              reason_code_id: int | None = None) -> ProductionEvent:
    return ProductionEvent(
        organization_id=ctx.machine.organization_id, plant_id=ctx.machine.plant_id, machine_id=pk(ctx.machine),
        operation_id=op.id if op is not None else None, user_id=ctx.actor.user_id,
        api_token_id=ctx.actor.api_token_id, kind=kind, quantity_good=good, quantity_scrap=scrap,
        reason_code_id=reason_code_id, client_id=ctx.action.client_id, occurred_at=ctx.at, recorded_at=ctx.now)
