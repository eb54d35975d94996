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

Entities plug in with `register_entity(entity_type, fields=..., on_state=...)`: `fields(session, id)`
gives the values conditions read (custom fields as `custom.<key>`), `on_state(session, id, state,
closed)` mirrors the state onto the entity. An instance stays on the workflow version it started
with. Every step is a WorkflowStep row, an audit entry and a `workflow.*` domain event.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, or_, select

from models.base import utcnow
from models.organization import Department
from models.user import Role, RoleAssignment, User, UserPlantAccess
from models.workflow import (
    Workflow,
    WorkflowInstance,
    WorkflowState,
    WorkflowStep,
    WorkflowTransition,
)
from services.config import notifications
from services.config import workflow_approvals as approvals
from services.config.workflow_defaults import default_spec
from services.config.workflow_specs import ANY_STATE, store_version
from services.core.access import (
    Actor,
    Permission,
    require,
    require_plant_visible,
    require_same_org,
)
from services.core.audit import audit
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.events import DomainEvent, record


@dataclass(frozen=True)
class EntityHooks:
    fields: Callable[[Session, int], dict[str, Any]] | None = None
    on_state: Callable[[Session, int, str, bool], None] | None = None
    label: Callable[[Session, int], str] | None = None        # "NCR-000012" in notifications
    watchers: Callable[[Session, int], list[int]] | None = None   # told of every transition
    link: Callable[[int], str] | None = None                  # a page path for notifications


_HOOKS: dict[str, EntityHooks] = {}
# Modules that register hooks for an entity type, imported on first need (e.g. by escalate_due).
ENTITY_MODULES: dict[str, str] = {"ncr": "services.quality.ncr", "sop_ticket": "services.quality.sop_tickets",
                                  "internal_reject": "services.quality.rejects", "customer_return": "services.quality.rejects",
                                  "studio_task": "services.studio.tasks",
                                  "maintenance_ticket": "services.maintenance.tickets"}


# Entity types partner accounts (STUDIO_PORTAL, no VIEW) may move; their own service checks what is shared.
PORTAL_ENTITY_TYPES = {"studio_task"}


def _require_participant(actor: Actor, entity_type: str, *, plant_id: int | None = None) -> None:
    if entity_type in PORTAL_ENTITY_TYPES and Permission.STUDIO_PORTAL in actor.permissions:
        require(actor, Permission.STUDIO_PORTAL, plant_id=plant_id)
        return
    require(actor, Permission.VIEW, plant_id=plant_id)


def register_entity(entity_type: str, *, fields=None, on_state=None, label=None, link=None, watchers=None) -> None:
    _HOOKS[entity_type] = EntityHooks(fields=fields, on_state=on_state, label=label, link=link, watchers=watchers)


def _hooks(entity_type: str) -> EntityHooks:
    if entity_type not in _HOOKS and entity_type in ENTITY_MODULES:
        importlib.import_module(ENTITY_MODULES[entity_type])
    return _HOOKS.get(entity_type, EntityHooks())


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

def active_workflow(session: Session, organization_id: int, entity_type: str) -> Workflow:
    """The version new instances start on; the shipped default becomes version 1 on first use."""
    flow = session.exec(select(Workflow).where(
        Workflow.organization_id == organization_id, Workflow.entity_type == entity_type,
        Workflow.is_active == True)).first()  # noqa: E712
    return flow or store_version(session, organization_id, entity_type, default_spec(entity_type))


def _states(session: Session, workflow_id: int) -> dict[str, WorkflowState]:
    rows = session.exec(select(WorkflowState).where(WorkflowState.workflow_id == workflow_id)
                        .order_by(WorkflowState.position)).all()
    return {s.key: s for s in rows}


def _transitions(session: Session, workflow_id: int) -> list[WorkflowTransition]:
    return list(session.exec(select(WorkflowTransition).where(WorkflowTransition.workflow_id == workflow_id)
                             .order_by(WorkflowTransition.position)).all())


def _instance(session: Session, actor: Actor, entity_type: str, entity_id: int, *, lock: bool = False) -> WorkflowInstance:
    query = select(WorkflowInstance).where(WorkflowInstance.organization_id == actor.organization_id,
                                           WorkflowInstance.entity_type == entity_type,
                                           WorkflowInstance.entity_id == entity_id)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound("This item has no workflow.")
    require_same_org(actor, row.organization_id, "Workflow")
    require_plant_visible(actor, row.plant_id, "Workflow")
    return row


def _read(session: Session, inst: WorkflowInstance) -> InstanceRead:
    states = _states(session, inst.workflow_id)
    state = states.get(inst.state)
    pending = _pending_transition(session, inst)
    given, missing = approvals.approval_status(session, inst, pending) if pending else ([], [])
    return InstanceRead(
        id=inst.id, entity_type=inst.entity_type, entity_id=inst.entity_id, workflow_id=inst.workflow_id,
        version=session.get(Workflow, inst.workflow_id).version, state=inst.state,
        state_name=state.name if state else inst.state, is_closed=inst.is_closed,
        is_done=bool(state and state.is_done), is_rejected=bool(state and state.is_rejected),
        entered_at=inst.entered_at, due_at=inst.due_at, escalated_at=inst.escalated_at,
        pending_transition=inst.pending_transition, pending_transition_name=pending.name if pending else None,
        approvals_given=given, approvals_missing=missing,
    )


def _pending_transition(session: Session, inst: WorkflowInstance) -> WorkflowTransition | None:
    if not inst.pending_transition:
        return None
    return next((t for t in _transitions(session, inst.workflow_id) if t.key == inst.pending_transition), None)


# ---- public reads --------------------------------------------------------------------------------

def instance(session: Session, actor: Actor, entity_type: str, entity_id: int) -> InstanceRead:
    _require_participant(actor, entity_type)
    return _read(session, _instance(session, actor, entity_type, entity_id))


def history(session: Session, actor: Actor, entity_type: str, entity_id: int) -> list[StepRead]:
    _require_participant(actor, entity_type)
    inst = _instance(session, actor, entity_type, entity_id)
    rows = session.exec(select(WorkflowStep, User.username).join(User, isouter=True)
                        .where(WorkflowStep.instance_id == inst.id).order_by(WorkflowStep.at, WorkflowStep.id)).all()
    return [StepRead(id=s.id, at=s.at, user_id=s.user_id, username=name, kind=s.kind, transition=s.transition,
                     from_state=s.from_state, to_state=s.to_state, role=s.role, comment=s.comment)
            for s, name in rows]


def available_transitions(session: Session, actor: Actor, entity_type: str, entity_id: int) -> list[TransitionOption]:
    """The transitions out of the current state, each with whether the actor may take it now."""
    _require_participant(actor, entity_type)
    inst = _instance(session, actor, entity_type, entity_id)
    states = _states(session, inst.workflow_id)
    fields = _fields(session, entity_type, entity_id, None)
    options = []
    for t in _leaving(session, inst, states):
        reasons = _refusals(inst, t, actor, fields, comment=None)
        options.append(TransitionOption(key=t.key, name=t.name, to_state=t.to_state,
                                        to_state_name=states[t.to_state].name if t.to_state in states else t.to_state,
                                        allowed=not reasons, reasons=reasons, approval=t.approval,
                                        require_comment=t.require_comment))
    return options


def _leaving(session: Session, inst: WorkflowInstance, states: dict[str, WorkflowState]) -> list[WorkflowTransition]:
    current = states.get(inst.state)
    is_open = current is not None and not (current.is_done or current.is_rejected)
    return [t for t in _transitions(session, inst.workflow_id)
            if t.from_state == inst.state or (t.from_state == ANY_STATE and is_open)]


# ---- guards --------------------------------------------------------------------------------------

def _fields(session: Session, entity_type: str, entity_id: int, data: dict | None) -> dict[str, Any]:
    hooks = _hooks(entity_type)
    values = dict(hooks.fields(session, entity_id)) if hooks.fields else {}
    values.update(data or {})
    return values


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def condition_holds(condition: dict[str, Any], fields: dict[str, Any]) -> bool:
    value, op, wanted = fields.get(condition["field"]), condition.get("op", "filled"), condition.get("value")
    if op == "filled":
        return _filled(value.strip() if isinstance(value, str) else value)
    if op == "empty":
        return not _filled(value)
    if op == "equals":
        return value == wanted or str(value) == str(wanted)
    if op == "not_equals":
        return not (value == wanted or str(value) == str(wanted))
    if op == "in":
        return value in (wanted or []) or str(value) in [str(w) for w in wanted or []]
    if op == "max":
        try:
            return value is not None and float(value) <= float(wanted)
        except (TypeError, ValueError):
            return False
    return False


def _condition_message(condition: dict[str, Any], transition: WorkflowTransition) -> str:
    if condition.get("message"):
        return condition["message"]
    field, op, wanted = condition["field"], condition.get("op", "filled"), condition.get("value")
    what = {"filled": "must be filled in", "empty": "must be empty", "equals": f"must be {wanted}",
            "not_equals": f"must not be {wanted}", "in": f"must be one of {wanted}",
            "max": f"must be at most {wanted}"}.get(op, "does not fit")
    return f"{field.replace('_', ' ').capitalize()} {what} before '{transition.name}'."


def _role_refusal(actor: Actor, t: WorkflowTransition) -> str | None:
    if not t.roles or actor.is_admin or any(role.value in t.roles for role in actor.roles):
        return None
    return f"Only {' or '.join(t.roles)} may '{t.name}'."


def _refusals(inst: WorkflowInstance, t: WorkflowTransition, actor: Actor, fields: dict[str, Any],
              *, comment: str | None) -> list[str]:
    reasons = []
    if inst.pending_transition:
        reasons.append("An approval is pending; it must be approved or declined first.")
    if (refusal := _role_refusal(actor, t)) is not None:
        reasons.append(refusal)
    if comment is not None and t.require_comment and not comment.strip():
        reasons.append(f"'{t.name}' needs a comment.")
    reasons += [_condition_message(c, t) for c in t.conditions or [] if not condition_holds(c, fields)]
    return reasons


# ---- writes --------------------------------------------------------------------------------------

def start(session: Session, actor: Actor, entity_type: str, entity_id: int, *, plant_id: int | None = None,
          department_id: int | None = None, now: datetime | None = None) -> InstanceRead:
    _require_participant(actor, entity_type, plant_id=plant_id)
    now = now or utcnow()
    exists = session.exec(select(WorkflowInstance.id).where(
        WorkflowInstance.organization_id == actor.organization_id, WorkflowInstance.entity_type == entity_type,
        WorkflowInstance.entity_id == entity_id)).first()
    if exists is not None:
        raise Conflict("This item already runs on a workflow.")
    flow = active_workflow(session, actor.organization_id, entity_type)
    initial = next(s for s in _states(session, flow.id).values() if s.is_initial)
    inst = WorkflowInstance(organization_id=actor.organization_id, plant_id=plant_id, department_id=department_id,
                            workflow_id=flow.id, entity_type=entity_type, entity_id=entity_id, state=initial.key,
                            entered_at=now, due_at=_due(initial, now), created_by=actor.user_id,
                            updated_by=actor.user_id, created_at=now, updated_at=now)
    session.add(inst)
    session.flush()
    _step(session, inst, actor.user_id, "started", now, to_state=initial.key)
    _after_state(session, inst, initial, actor, "workflow.started", now, transition=None, from_state=None)
    return _read(session, inst)


def transition(session: Session, actor: Actor, entity_type: str, entity_id: int, transition_key: str, *,
               comment: str = "", data: dict[str, Any] | None = None, now: datetime | None = None) -> InstanceRead:
    _require_participant(actor, entity_type)
    now = now or utcnow()
    inst = _instance(session, actor, entity_type, entity_id, lock=True)
    states = _states(session, inst.workflow_id)
    t = _pick(session, inst, states, transition_key)
    if inst.pending_transition:
        raise Conflict("An approval is pending on this item; it must be approved or declined first.")
    if (refusal := _role_refusal(actor, t)) is not None:
        raise Forbidden(refusal)
    _check_inputs(session, inst, t, comment, data)
    if t.approval != "none":
        return _request_approval(session, actor, inst, t, comment, now)
    _move(session, inst, t, states, actor, comment, now, data=data)
    return _read(session, inst)


def _pick(session: Session, inst: WorkflowInstance, states: dict[str, WorkflowState], key: str) -> WorkflowTransition:
    if inst.is_closed and not any(t.key == key for t in _leaving(session, inst, states)):
        raise Conflict(f"This item is {states[inst.state].name.lower()}; nothing more can happen to it.")
    found = next((t for t in _leaving(session, inst, states) if t.key == key), None)
    if found is None:
        state = states.get(inst.state)
        raise Invalid(f"'{key}' is not possible in the state '{state.name if state else inst.state}'.",
                      fields={"transition": "Not possible from the current state."})
    return found


def _check_inputs(session: Session, inst: WorkflowInstance, t: WorkflowTransition, comment: str, data) -> None:
    problems: dict[str, str] = {}
    messages: list[str] = []
    if t.require_comment and not (comment or "").strip():
        problems["comment"] = "Required."
        messages.append(f"'{t.name}' needs a comment.")
    if len(comment or "") > 2000:
        problems["comment"] = "At most 2000 characters."
        messages.append("The comment is too long.")
    fields = _fields(session, inst.entity_type, inst.entity_id, data)
    for c in t.conditions or []:
        if not condition_holds(c, fields):
            problems.setdefault(c["field"], _condition_message(c, t))
            messages.append(_condition_message(c, t))
    if problems:
        raise Invalid(" ".join(messages), fields=problems)


def _move(session: Session, inst: WorkflowInstance, t: WorkflowTransition, states: dict[str, WorkflowState],
          actor: Actor, comment: str, now: datetime, *, data=None, user_id: int | None = None) -> None:
    source, target = inst.state, states[t.to_state]
    inst.state, inst.entered_at, inst.due_at, inst.escalated_at = target.key, now, _due(target, now), None
    inst.is_closed = target.is_done or target.is_rejected
    inst.pending_transition, inst.pending_by, inst.pending_comment = None, None, ""
    inst.updated_at, inst.updated_by = now, actor.user_id
    session.add(inst)
    _step(session, inst, user_id if user_id is not None else actor.user_id, "transition", now, transition=t.key,
          from_state=source, to_state=target.key, comment=comment, data=data)
    _after_state(session, inst, target, actor, "workflow.transitioned", now, transition=t.key, from_state=source)
    hooks = _hooks(inst.entity_type)
    watchers = [u for u in (hooks.watchers(session, inst.entity_id) if hooks.watchers else []) if u != actor.user_id]
    _notify(session, inst, title=f"{_label(session, inst)}: {t.name} ({target.name})", body=comment,
            kind="transition", user_ids=watchers, now=now)


def _after_state(session: Session, inst: WorkflowInstance, state: WorkflowState, actor: Actor, event: str,
                 now: datetime, *, transition: str | None, from_state: str | None) -> None:
    hooks = _hooks(inst.entity_type)
    if hooks.on_state:
        hooks.on_state(session, inst.entity_id, state.key, inst.is_closed)
    payload = {"entity_type": inst.entity_type, "entity_id": inst.entity_id, "instance_id": inst.id,
               "transition": transition, "from_state": from_state, "to_state": state.key,
               "done": state.is_done, "rejected": state.is_rejected}
    audit(session, actor, "workflow_instance", inst.id, event.split(".", 1)[1], payload, plant_id=inst.plant_id, at=now)
    record(session, DomainEvent(event, inst.organization_id, payload, plant_id=inst.plant_id,
                                actor_user_id=actor.user_id, at=now))


def _due(state: WorkflowState, now: datetime) -> datetime | None:
    return now + timedelta(minutes=state.due_minutes) if state.due_minutes else None


def _step(session: Session, inst: WorkflowInstance, user_id: int | None, kind: str, now: datetime, **values) -> None:
    values["data"] = _jsonable(values.get("data") or {})
    session.add(WorkflowStep(organization_id=inst.organization_id, instance_id=inst.id, at=now, user_id=user_id,
                             kind=kind, round=inst.pending_round, **values))
    session.flush()


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {str(k): v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v)
            for k, v in data.items()}


# ---- approvals -----------------------------------------------------------------------------------

def _request_approval(session: Session, actor: Actor, inst: WorkflowInstance, t: WorkflowTransition,
                      comment: str, now: datetime) -> InstanceRead:
    inst.pending_transition, inst.pending_by, inst.pending_comment = t.key, actor.user_id, comment or ""
    inst.pending_round += 1
    inst.updated_at, inst.updated_by = now, actor.user_id
    session.add(inst)
    _step(session, inst, actor.user_id, "requested", now, transition=t.key, from_state=inst.state,
          to_state=t.to_state, comment=comment)
    payload = {"entity_type": inst.entity_type, "entity_id": inst.entity_id, "instance_id": inst.id,
               "transition": t.key, "approval": t.approval}
    audit(session, actor, "workflow_instance", inst.id, "approval_requested", payload, plant_id=inst.plant_id, at=now)
    record(session, DomainEvent("workflow.approval_requested", inst.organization_id, payload, plant_id=inst.plant_id,
                                actor_user_id=actor.user_id, at=now))
    _notify(session, inst, title=f"Approval needed: {t.name} on {_label(session, inst)}",
            body=comment or "", kind="approval", user_ids=tuple(u for u in t.approver_user_ids if u != actor.user_id),
            roles=tuple(t.approver_roles), now=now)
    return _read(session, inst)


def approve(session: Session, actor: Actor, entity_type: str, entity_id: int, *, comment: str = "",
            now: datetime | None = None) -> InstanceRead:
    _require_participant(actor, entity_type)
    now = now or utcnow()
    inst = _instance(session, actor, entity_type, entity_id, lock=True)
    t = _require_pending(session, inst)
    allowed, role = approvals.approval_capacity(session, inst, t, actor)
    if not allowed:
        raise Forbidden(approvals.why_not_approver(session, inst, t, actor))
    _step(session, inst, actor.user_id, "approved", now, transition=t.key, role=role, comment=comment)
    payload = {"entity_type": entity_type, "entity_id": entity_id, "instance_id": inst.id, "transition": t.key}
    record(session, DomainEvent("workflow.approved", inst.organization_id, payload, plant_id=inst.plant_id,
                                actor_user_id=actor.user_id, at=now))
    _, missing = approvals.approval_status(session, inst, t)
    if not missing:
        requester = inst.pending_by
        _move(session, inst, t, _states(session, inst.workflow_id), actor, inst.pending_comment, now, user_id=requester)
        _notify(session, inst, title=f"Approved: {t.name} on {_label(session, inst)}", body=comment,
                user_ids=(requester,) if requester else (), now=now)
    return _read(session, inst)


def decline(session: Session, actor: Actor, entity_type: str, entity_id: int, *, comment: str = "",
            now: datetime | None = None) -> InstanceRead:
    _require_participant(actor, entity_type)
    now = now or utcnow()
    inst = _instance(session, actor, entity_type, entity_id, lock=True)
    t = _require_pending(session, inst)
    if not approvals.approval_capacity(session, inst, t, actor)[0]:
        raise Forbidden(approvals.why_not_approver(session, inst, t, actor))
    if not comment.strip():
        raise Invalid("Say why you decline.", fields={"comment": "Required."})
    requester = inst.pending_by
    _step(session, inst, actor.user_id, "declined", now, transition=t.key, comment=comment)
    inst.pending_transition, inst.pending_by, inst.pending_comment = None, None, ""
    inst.updated_at, inst.updated_by = now, actor.user_id
    session.add(inst)
    payload = {"entity_type": entity_type, "entity_id": entity_id, "instance_id": inst.id, "transition": t.key}
    audit(session, actor, "workflow_instance", inst.id, "declined", payload, plant_id=inst.plant_id, at=now)
    record(session, DomainEvent("workflow.declined", inst.organization_id, payload, plant_id=inst.plant_id,
                                actor_user_id=actor.user_id, at=now))
    _notify(session, inst, title=f"Declined: {t.name} on {_label(session, inst)}", body=comment, kind="transition",
            user_ids=(requester,) if requester else (), now=now)
    return _read(session, inst)


def can_approve(session: Session, actor: Actor, entity_type: str, entity_id: int) -> bool:
    inst = _instance(session, actor, entity_type, entity_id)
    t = _pending_transition(session, inst)
    return t is not None and approvals.approval_capacity(session, inst, t, actor)[0]


def _require_pending(session: Session, inst: WorkflowInstance) -> WorkflowTransition:
    t = _pending_transition(session, inst)
    if t is None:
        raise Conflict("Nothing is waiting for approval on this item.")
    return t


# ---- escalation ----------------------------------------------------------------------------------

def escalate_due(session: Session, *, now: datetime) -> int:
    """Escalate every open instance past its due time that was not escalated in its current state.
    Runs for all organizations (a system job); returns how many were escalated."""
    due = session.exec(select(WorkflowInstance).where(
        WorkflowInstance.is_closed == False, col(WorkflowInstance.due_at).is_not(None),  # noqa: E712
        WorkflowInstance.due_at <= now, col(WorkflowInstance.escalated_at).is_(None))
        .order_by(WorkflowInstance.due_at).with_for_update()).all()
    for inst in due:
        _escalate(session, inst, now)
    return len(due)


def _escalate(session: Session, inst: WorkflowInstance, now: datetime) -> None:
    state = _states(session, inst.workflow_id)[inst.state]
    user_ids, roles, target = _escalation_target(session, inst, state)
    inst.escalated_at = now
    session.add(inst)
    _step(session, inst, None, "escalated", now, from_state=inst.state, to_state=inst.state,
          comment=f"Overdue since {inst.due_at:%Y-%m-%d %H:%M} UTC; escalated to {target}.")
    payload = {"entity_type": inst.entity_type, "entity_id": inst.entity_id, "instance_id": inst.id,
               "state": inst.state, "due_at": inst.due_at.isoformat(), "to": target}
    audit(session, None, "workflow_instance", inst.id, "escalated", payload, organization_id=inst.organization_id,
          plant_id=inst.plant_id, at=now)
    record(session, DomainEvent("workflow.escalated", inst.organization_id, payload, plant_id=inst.plant_id, at=now))
    _notify(session, inst, title=f"Overdue: {_label(session, inst)} is '{state.name}' past its due time",
            body=f"Due {inst.due_at:%Y-%m-%d %H:%M} UTC.", kind="escalation", user_ids=user_ids, roles=roles, now=now)


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

def _label(session: Session, inst: WorkflowInstance) -> str:
    hooks = _hooks(inst.entity_type)
    return hooks.label(session, inst.entity_id) if hooks.label else f"{inst.entity_type} #{inst.entity_id}"


def _notify(session: Session, inst: WorkflowInstance, *, title: str, body: str = "", kind: str = "info",
            user_ids=(), roles=(), now: datetime | None = None) -> None:
    hooks = _hooks(inst.entity_type)
    notify_people(session, organization_id=inst.organization_id, title=title, body=body,
                  link=hooks.link(inst.entity_id) if hooks.link else "", kind=kind, user_ids=user_ids, roles=roles,
                  plant_id=inst.plant_id, entity_type=inst.entity_type, entity_id=inst.entity_id, now=now)


def notify_people(session: Session, *, organization_id: int, title: str, body: str = "", link: str = "",
                  kind: str = "info", user_ids=(), roles=(), plant_id: int | None = None, entity_type: str = "",
                  entity_id: int | None = None, now: datetime | None = None, exclude_user_id: int | None = None) -> None:
    """Hand a notice to the notification centre (services/config/notifications.py) in this transaction.
    `exclude_user_id` (the person who acted) is left out, also when they hold one of `roles`."""
    if exclude_user_id is not None and roles:
        user_ids = (*user_ids, *_role_members(session, organization_id, roles, plant_id))
        roles = ()
    user_ids = tuple(dict.fromkeys(u for u in user_ids if u and u != exclude_user_id))
    if not user_ids and not roles:
        return
    notifications.notify(session, organization_id=organization_id, title=title[:200], body=(body or "")[:2000],
                         link=link, kind=kind, user_ids=user_ids, roles=tuple(roles), plant_id=plant_id,
                         entity_type=entity_type, entity_id=entity_id, now=now)


def set_department(session: Session, actor: Actor, entity_type: str, entity_id: int, department_id: int | None, *,
                   restart_due_at: datetime | None = None) -> None:
    """The department whose head receives escalations (e.g. after an SOP ticket is reassigned);
    `restart_due_at` starts the current state's due time again from that moment."""
    inst = _instance(session, actor, entity_type, entity_id, lock=True)
    inst.department_id = department_id
    if restart_due_at is not None and not inst.is_closed:
        inst.due_at = _due(_states(session, inst.workflow_id)[inst.state], restart_due_at)
        inst.escalated_at = None
    session.add(inst)


def _role_members(session: Session, organization_id: int, roles, plant_id: int | None) -> list[int]:
    """Active users holding one of `roles` who may work at `plant_id` (admins reach every plant)."""
    query = select(User.id).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
        User.organization_id == organization_id, User.is_active == True,  # noqa: E712
        col(RoleAssignment.role).in_([str(r) for r in roles]))
    if plant_id is not None:
        admins = select(RoleAssignment.user_id).where(RoleAssignment.role == Role.ADMIN)
        at_plant = select(UserPlantAccess.user_id).where(UserPlantAccess.plant_id == plant_id)
        query = query.where(or_(col(User.id).in_(admins), col(User.id).in_(at_plant)))
    return list(dict.fromkeys(session.exec(query).all()))
