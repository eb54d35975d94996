"""The workflow engine: entities (NCRs, SOP tickets, rejects, returns, ...) move through an
admin-defined state machine of their organization.

Interface (stable; other parts code against it):
- `start(session, actor, entity_type, entity_id, *, plant_id=None, department_id=None, now=None)
  -> InstanceRead`: puts the entity in the initial state of the organization's active workflow for
  that entity type (the shipped default is stored as version 1 on first use). One instance per entity.
- `transition(session, actor, entity_type, entity_id, transition_key, *, comment="", data=None,
  now=None) -> InstanceRead`: checks the guards in this order and refuses with a message people
  can act on: the instance is open and not waiting for approval (Conflict), the transition leaves the
  current state (Invalid), the actor holds one of its roles (Forbidden), a comment when required and
  every condition over the entity's fields (Invalid, `fields` says which). A transition with an
  approval step is then only requested: the instance waits until approvers complete it
  (`approve`) or one declines (`decline`).
- `approve(...)` / `decline(...)`: an approver answers the pending request. "any": one approval of
  a named user or a holder of a named role completes it; "all": every named role and every named
  user must have approved (one approval per person). The requester never approves their own request.
- `available_transitions(...) -> list[TransitionOption]` (with why a transition is not possible now),
  `history(...) -> list[StepRead]`, `instance(...) -> InstanceRead`.
- `escalate_due(session, *, now) -> int`: instances past their state's due time and not yet
  escalated in that state notify the state's escalation target (a role, a user, or the head of the
  instance's department, else the organization's admins), once per state entry.

Entities plug in with `workflow_hooks.register_entity(entity_type, fields=..., on_state=...)`: `fields(session, id)`
gives the values conditions read (custom fields as `custom.<key>`), `on_state(session, id, entered)`
mirrors the state onto the entity (`workflow_hooks.Entered`: the state, whether it is done or rejected,
and the move's time). An instance stays on the workflow version it started
with. Every step is a WorkflowStep row, an audit entry and a `workflow.*` domain event.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.organization import Department
from models.user import User
from models.workflow import (
    Workflow,
    WorkflowInstance,
    WorkflowState,
    WorkflowStep,
    WorkflowTransition,
)
from services.config import workflow_approvals as approvals
from services.config.events import (
    WorkflowApprovalRequested,
    WorkflowApproved,
    WorkflowDeclined,
    WorkflowEscalated,
    WorkflowStarted,
    WorkflowTransitioned,
)
from services.config.workflow_guards import check_inputs, refusals, role_refusal
from services.config.workflow_hooks import (
    Entered,
    entity_fields,
    entity_label,
    hooks_of,
    notify_about,
    require_participant,
)
from services.config.workflow_instances import (
    active_workflow,
    add_step,
    due_time,
    find_instance,
    leaving,
    pending_of,
    states_of,
    transitions_of,
)
from services.config.workflow_names import shipped_text
from services.core.access import Actor
from services.core.audit import audit
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.events import record
from services.core.messages import render, t
from services.org.languages import organization_language


class InstanceRead(BaseModel):
    id: int
    entity_type: str
    entity_id: int
    workflow_id: int
    version: int
    state: str
    state_name: str
    is_closed: bool
    is_done: bool
    is_rejected: bool
    entered_at: datetime
    due_at: datetime | None
    escalated_at: datetime | None
    pending_transition: str | None = None
    pending_transition_name: str | None = None
    approvals_given: list[str] = []
    approvals_missing: list[str] = []


class TransitionOption(BaseModel):
    key: str
    name: str
    to_state: str
    to_state_name: str
    allowed: bool
    reasons: list[str]             # why not, when not allowed
    approval: str                  # none | any | all
    require_comment: bool


class StepRead(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    username: str | None
    kind: str
    transition: str | None
    from_state: str | None
    to_state: str | None
    role: str | None
    comment: str


# ---- loading -------------------------------------------------------------------------------------


def _read(session: Session, inst: WorkflowInstance) -> InstanceRead:
    states = states_of(session, inst.workflow_id)
    state = states.get(inst.state)
    pending = pending_of(session, inst)
    given, missing = approvals.approval_status(session, inst, pending) if pending else ([], [])
    return InstanceRead(
        id=inst.id, entity_type=inst.entity_type, entity_id=inst.entity_id, workflow_id=inst.workflow_id,
        version=_version(session, inst.workflow_id), state=inst.state,
        state_name=shipped_text(state.name) if state else inst.state, is_closed=inst.is_closed,
        is_done=bool(state and state.is_done), is_rejected=bool(state and state.is_rejected),
        entered_at=inst.entered_at, due_at=inst.due_at, escalated_at=inst.escalated_at,
        pending_transition=inst.pending_transition, pending_transition_name=shipped_text(pending.name) if pending else None,
        approvals_given=given, approvals_missing=missing,
    )


def _version(session: Session, workflow_id: int) -> int:
    flow = session.get(Workflow, workflow_id)
    if flow is None:
        raise NotFound(t("This workflow version does not exist."))
    return flow.version


# ---- public reads --------------------------------------------------------------------------------

def instance(session: Session, actor: Actor, entity_type: str, entity_id: int) -> InstanceRead:
    require_participant(actor, entity_type)
    return _read(session, find_instance(session, actor, entity_type, entity_id))


def history(session: Session, actor: Actor, entity_type: str, entity_id: int) -> list[StepRead]:
    require_participant(actor, entity_type)
    inst = find_instance(session, actor, entity_type, entity_id)
    rows = session.exec(select(WorkflowStep, User.username).join(User, isouter=True)
                        .where(WorkflowStep.instance_id == inst.id).order_by(col(WorkflowStep.at), col(WorkflowStep.id))).all()
    return [StepRead(id=s.id, at=s.at, user_id=s.user_id, username=name, kind=s.kind, transition=s.transition,
                     from_state=s.from_state, to_state=s.to_state, role=s.role, comment=s.comment)
            for s, name in rows]


def available_transitions(session: Session, actor: Actor, entity_type: str, entity_id: int) -> list[TransitionOption]:
    """The transitions out of the current state, each with whether the actor may take it now."""
    require_participant(actor, entity_type)
    inst = find_instance(session, actor, entity_type, entity_id)
    return _options(session, actor, inst, states_of(session, inst.workflow_id), transitions_of(session, inst.workflow_id))


def available_transitions_of(session: Session, actor: Actor, entity_type: str,
                             entity_ids: list[int]) -> dict[int, list[TransitionOption]]:
    """`available_transitions` of many entities at once, by entity id: one query for their instances, one for the
    states and one for the transitions of their workflows. Entities without an instance the actor sees are left out."""
    require_participant(actor, entity_type)
    instances = [i for i in session.exec(select(WorkflowInstance).where(
        WorkflowInstance.organization_id == actor.organization_id, WorkflowInstance.entity_type == entity_type,
        col(WorkflowInstance.entity_id).in_(entity_ids or [-1]))).all()
        if i.plant_id is None or i.plant_id in actor.plant_ids]
    flows = {i.workflow_id for i in instances} or {-1}
    states: dict[int, dict[str, WorkflowState]] = defaultdict(dict)
    for s in session.exec(select(WorkflowState).where(col(WorkflowState.workflow_id).in_(flows))
                          .order_by(col(WorkflowState.position))).all():
        states[s.workflow_id][s.key] = s
    moves: dict[int, list[WorkflowTransition]] = defaultdict(list)
    for tr in session.exec(select(WorkflowTransition).where(col(WorkflowTransition.workflow_id).in_(flows))
                          .order_by(col(WorkflowTransition.position))).all():
        moves[tr.workflow_id].append(tr)
    return {i.entity_id: _options(session, actor, i, states[i.workflow_id], moves[i.workflow_id]) for i in instances}


def _options(session: Session, actor: Actor, inst: WorkflowInstance, states: dict[str, WorkflowState],
             transitions: list[WorkflowTransition]) -> list[TransitionOption]:
    fields = entity_fields(session, inst.entity_type, inst.entity_id, None)
    options = []
    for tr in leaving(inst.state, states, transitions):
        reasons = refusals(inst, tr, actor, fields, comment=None)
        options.append(TransitionOption(key=tr.key, name=shipped_text(tr.name), to_state=tr.to_state,
                                        to_state_name=shipped_text(states[tr.to_state].name) if tr.to_state in states else tr.to_state,
                                        allowed=not reasons, reasons=reasons, approval=tr.approval,
                                        require_comment=tr.require_comment))
    return options


def _leaving(session: Session, inst: WorkflowInstance, states: dict[str, WorkflowState]) -> list[WorkflowTransition]:
    return leaving(inst.state, states, transitions_of(session, inst.workflow_id))


# ---- guards --------------------------------------------------------------------------------------


# ---- writes --------------------------------------------------------------------------------------

def start(session: Session, actor: Actor, entity_type: str, entity_id: int, *, plant_id: int | None = None,
          department_id: int | None = None, now: datetime) -> InstanceRead:
    require_participant(actor, entity_type, plant_id=plant_id)
    exists = session.exec(select(WorkflowInstance.id).where(
        WorkflowInstance.organization_id == actor.organization_id, WorkflowInstance.entity_type == entity_type,
        WorkflowInstance.entity_id == entity_id)).first()
    if exists is not None:
        raise Conflict(t("This item already runs on a workflow."))
    flow = active_workflow(session, actor.organization_id, entity_type)
    initial = next(s for s in states_of(session, pk(flow)).values() if s.is_initial)
    inst = WorkflowInstance(organization_id=actor.organization_id, plant_id=plant_id, department_id=department_id,
                            workflow_id=pk(flow), entity_type=entity_type, entity_id=entity_id, state=initial.key,
                            entered_at=now, due_at=due_time(initial, now), created_by=actor.user_id,
                            updated_by=actor.user_id, created_at=now, updated_at=now)
    session.add(inst)
    session.flush()
    add_step(session, inst, actor.user_id, "started", now, to_state=initial.key)
    _after_state(session, inst, initial, actor, WorkflowStarted, now, transition=None, from_state=None)
    return _read(session, inst)


def transition(session: Session, actor: Actor, entity_type: str, entity_id: int, transition_key: str, *,
               comment: str = "", data: dict[str, Any] | None = None, now: datetime) -> InstanceRead:
    require_participant(actor, entity_type)
    inst = find_instance(session, actor, entity_type, entity_id, lock=True)
    states = states_of(session, inst.workflow_id)
    tr = _pick(session, inst, states, transition_key)
    if inst.pending_transition:
        raise Conflict(t("An approval is pending on this item; it must be approved or declined first."))
    if (refusal := role_refusal(actor, tr)) is not None:
        raise Forbidden(refusal)
    check_inputs(session, inst, tr, comment, data)
    if tr.approval != "none":
        return _request_approval(session, actor, inst, tr, comment, now)
    _move(session, inst, tr, states, actor, comment, now, data=data)
    return _read(session, inst)


def _pick(session: Session, inst: WorkflowInstance, states: dict[str, WorkflowState], key: str) -> WorkflowTransition:
    if inst.is_closed and not any(tr.key == key for tr in _leaving(session, inst, states)):
        raise Conflict(t("This item is {state}; nothing more can happen to it.", state=shipped_text(states[inst.state].name).lower()))
    found = next((tr for tr in _leaving(session, inst, states) if tr.key == key), None)
    if found is None:
        state = states.get(inst.state)
        raise Invalid(t("'{transition}' is not possible in the state '{state}'.", transition=key,
                        state=shipped_text(state.name) if state else inst.state),
                      fields={"transition": t("Not possible from the current state.")})
    return found


def _move(session: Session, inst: WorkflowInstance, tr: WorkflowTransition, states: dict[str, WorkflowState],
          actor: Actor, comment: str, now: datetime, *, data=None, user_id: int | None = None) -> None:
    source, target = inst.state, states[tr.to_state]
    inst.state, inst.entered_at, inst.due_at, inst.escalated_at = target.key, now, due_time(target, now), None
    inst.is_closed = target.is_done or target.is_rejected
    inst.pending_transition, inst.pending_by, inst.pending_comment = None, None, ""
    inst.updated_at, inst.updated_by = now, actor.user_id
    session.add(inst)
    add_step(session, inst, user_id if user_id is not None else actor.user_id, "transition", now, transition=tr.key,
             from_state=source, to_state=target.key, comment=comment, data=data)
    _after_state(session, inst, target, actor, WorkflowTransitioned, now, transition=tr.key, from_state=source)
    hooks = hooks_of(inst.entity_type)
    watchers = [u for u in (hooks.watchers(session, inst.entity_id) if hooks.watchers else []) if u != actor.user_id]
    notify_about(session, inst, title=t("{item}: {transition} ({state})", item=entity_label(session, inst),
                                                transition=shipped_text(tr.name), state=shipped_text(target.name)), body=comment,
                 kind="transition", user_ids=watchers, now=now)


def _after_state(session: Session, inst: WorkflowInstance, state: WorkflowState, actor: Actor,
                 entered: type[WorkflowStarted | WorkflowTransitioned], now: datetime, *, transition: str | None,
                 from_state: str | None) -> None:
    hooks = hooks_of(inst.entity_type)
    if hooks.on_state:
        hooks.on_state(session, inst.entity_id, Entered(state=state.key, closed=inst.is_closed, done=state.is_done,
                                                        rejected=state.is_rejected, at=inst.entered_at))
    event = entered(organization_id=inst.organization_id, plant_id=inst.plant_id, actor_user_id=actor.user_id, at=now,
                    entity_type=inst.entity_type, entity_id=inst.entity_id, instance_id=pk(inst),
                    transition=transition, from_state=from_state, to_state=state.key, done=state.is_done,
                    rejected=state.is_rejected)
    audit(session, actor, "workflow_instance", inst.id, entered.NAME.split(".", 1)[1], event.payload,
          plant_id=inst.plant_id, at=now)
    record(session, event)


# ---- approvals -----------------------------------------------------------------------------------

def _request_approval(session: Session, actor: Actor, inst: WorkflowInstance, tr: WorkflowTransition,
                      comment: str, now: datetime) -> InstanceRead:
    inst.pending_transition, inst.pending_by, inst.pending_comment = tr.key, actor.user_id, comment or ""
    inst.pending_round += 1
    inst.updated_at, inst.updated_by = now, actor.user_id
    session.add(inst)
    add_step(session, inst, actor.user_id, "requested", now, transition=tr.key, from_state=inst.state,
             to_state=tr.to_state, comment=comment)
    event = WorkflowApprovalRequested(organization_id=inst.organization_id, plant_id=inst.plant_id,
                                      actor_user_id=actor.user_id, at=now, entity_type=inst.entity_type,
                                      entity_id=inst.entity_id, instance_id=pk(inst), transition=tr.key,
                                      approval=tr.approval)
    audit(session, actor, "workflow_instance", inst.id, "approval_requested", event.payload, plant_id=inst.plant_id,
          at=now)
    record(session, event)
    notify_about(session, inst, title=t("Approval needed: {transition} on {item}", transition=shipped_text(tr.name),
                                          item=entity_label(session, inst)),
                 body=comment or "", kind="approval",
                 user_ids=tuple(u for u in tr.approver_user_ids if u != actor.user_id),
                 roles=tuple(tr.approver_roles), now=now)
    return _read(session, inst)


def approve(session: Session, actor: Actor, entity_type: str, entity_id: int, *, comment: str = "",
            now: datetime) -> InstanceRead:
    require_participant(actor, entity_type)
    inst = find_instance(session, actor, entity_type, entity_id, lock=True)
    tr = _require_pending(session, inst)
    allowed, role = approvals.approval_capacity(session, inst, tr, actor)
    if not allowed:
        raise Forbidden(approvals.why_not_approver(session, inst, tr, actor))
    add_step(session, inst, actor.user_id, "approved", now, transition=tr.key, role=role, comment=comment)
    record(session, WorkflowApproved(organization_id=inst.organization_id, plant_id=inst.plant_id,
                                     actor_user_id=actor.user_id, at=now, entity_type=entity_type,
                                     entity_id=entity_id, instance_id=pk(inst), transition=tr.key))
    _, missing = approvals.approval_status(session, inst, tr)
    if not missing:
        requester = inst.pending_by
        _move(session, inst, tr, states_of(session, inst.workflow_id), actor, inst.pending_comment, now, user_id=requester)
        notify_about(session, inst, title=t("Approved: {transition} on {item}", transition=shipped_text(tr.name),
                                              item=entity_label(session, inst)), body=comment,
                     user_ids=(requester,) if requester else (), now=now)
    return _read(session, inst)


def decline(session: Session, actor: Actor, entity_type: str, entity_id: int, *, comment: str = "",
            now: datetime) -> InstanceRead:
    require_participant(actor, entity_type)
    inst = find_instance(session, actor, entity_type, entity_id, lock=True)
    tr = _require_pending(session, inst)
    if not approvals.approval_capacity(session, inst, tr, actor)[0]:
        raise Forbidden(approvals.why_not_approver(session, inst, tr, actor))
    if not comment.strip():
        raise Invalid(t("Say why you decline."), fields={"comment": t("Required.")})
    requester = inst.pending_by
    add_step(session, inst, actor.user_id, "declined", now, transition=tr.key, comment=comment)
    inst.pending_transition, inst.pending_by, inst.pending_comment = None, None, ""
    inst.updated_at, inst.updated_by = now, actor.user_id
    session.add(inst)
    event = WorkflowDeclined(organization_id=inst.organization_id, plant_id=inst.plant_id, actor_user_id=actor.user_id,
                             at=now, entity_type=entity_type, entity_id=entity_id, instance_id=pk(inst),
                             transition=tr.key)
    audit(session, actor, "workflow_instance", inst.id, "declined", event.payload, plant_id=inst.plant_id, at=now)
    record(session, event)
    notify_about(session, inst, title=t("Declined: {transition} on {item}", transition=shipped_text(tr.name),
                                        item=entity_label(session, inst)), body=comment,
                 kind="transition", user_ids=(requester,) if requester else (), now=now)
    return _read(session, inst)


def can_approve(session: Session, actor: Actor, entity_type: str, entity_id: int) -> bool:
    inst = find_instance(session, actor, entity_type, entity_id)
    tr = pending_of(session, inst)
    return tr is not None and approvals.approval_capacity(session, inst, tr, actor)[0]


def _require_pending(session: Session, inst: WorkflowInstance) -> WorkflowTransition:
    tr = pending_of(session, inst)
    if tr is None:
        raise Conflict(t("Nothing is waiting for approval on this item."))
    return tr


# ---- escalation ----------------------------------------------------------------------------------

def escalate_due(session: Session, *, now: datetime, organization_id: int | None = None) -> int:
    """Escalate every open instance past its due time that was not escalated in its current state, of one
    organization (or of all: a system job); returns how many were escalated."""
    query = select(WorkflowInstance).where(
        WorkflowInstance.is_closed == False, col(WorkflowInstance.due_at).is_not(None),  # noqa: E712
        col(WorkflowInstance.due_at) <= now, col(WorkflowInstance.escalated_at).is_(None))
    if organization_id is not None:
        query = query.where(WorkflowInstance.organization_id == organization_id)
    due = session.exec(query.order_by(col(WorkflowInstance.due_at)).with_for_update()).all()
    for inst in due:
        _escalate(session, inst, now)
    return len(due)


def _escalate(session: Session, inst: WorkflowInstance, now: datetime) -> None:
    state = states_of(session, inst.workflow_id)[inst.state]
    user_ids, roles, target = _escalation_target(session, inst, state)
    due_at = inst.due_at
    assert due_at is not None                # escalate_due picks instances with a due time
    inst.escalated_at = now
    session.add(inst)
    # the history keeps plain text: written in the organization's default language (no reader yet)
    add_step(session, inst, None, "escalated", now, from_state=inst.state, to_state=inst.state,
             comment=render(t("Overdue since {due_at:%Y-%m-%d %H:%M} UTC; escalated to {target}.", due_at=due_at,
                              target=target), organization_language(session, inst.organization_id)))
    event = WorkflowEscalated(organization_id=inst.organization_id, plant_id=inst.plant_id, at=now,
                              entity_type=inst.entity_type, entity_id=inst.entity_id, instance_id=pk(inst),
                              state=inst.state, due_at=due_at, to=target)
    audit(session, None, "workflow_instance", inst.id, "escalated", event.payload,
          organization_id=inst.organization_id, plant_id=inst.plant_id, at=now)
    record(session, event)
    notify_about(session, inst, title=t("Overdue: {item} is '{state}' past its due time",
                                        item=entity_label(session, inst), state=shipped_text(state.name)),
                 body=t("Due {due:%Y-%m-%d %H:%M} UTC.", due=due_at), kind="escalation", user_ids=user_ids, roles=roles,
                 now=now)


def _escalation_target(session: Session, inst: WorkflowInstance, state: WorkflowState):
    if state.escalate_to_user_id:
        return (state.escalate_to_user_id,), (), f"user #{state.escalate_to_user_id}"
    if state.escalate_to_head:
        dept = session.get(Department, inst.department_id) if inst.department_id else None
        if dept is not None and dept.head_user_id:
            return (dept.head_user_id,), (), f"the head of {dept.name}"
    if state.escalate_to_role:
        return (), (state.escalate_to_role,), f"role {state.escalate_to_role}"
    return (), ("admin",), "the administrators"


# ---- notifications -------------------------------------------------------------------------------


def set_department(session: Session, actor: Actor, entity_type: str, entity_id: int, department_id: int | None, *,
                   restart_due_at: datetime | None = None) -> None:
    """The department whose head receives escalations (e.g. after an SOP ticket is reassigned);
    `restart_due_at` starts the current state's due time again from that moment."""
    inst = find_instance(session, actor, entity_type, entity_id, lock=True)
    inst.department_id = department_id
    if restart_due_at is not None and not inst.is_closed:
        inst.due_at = due_time(states_of(session, inst.workflow_id)[inst.state], restart_due_at)
        inst.escalated_at = None
    session.add(inst)

