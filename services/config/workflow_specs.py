"""Workflow definitions as plain data (`WorkflowSpec`), their validation and storage as a new version.

A spec is what an admin edits and what a default ships as. `check_spec` returns every problem at
once, keyed by where it is (`states.2.key`, `transitions.0.to_state`, ...). `store_version` writes a
checked spec as the organization's next version of that entity type's workflow and makes it the
active one; earlier versions stay, so instances that started on them keep running unchanged.

Transition `from_state` "*" means "from any state that is not done or rejected".
Condition ops: filled, empty, equals, not_equals, in (value a list), max (number <= value).
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlmodel import Session, col, func, select

from models.base import pk
from models.user import Role
from models.workflow import Workflow, WorkflowState, WorkflowTransition
from services.core.errors import NotFound
from services.core.messages import t
from services.core.validation import CODE_RE

ANY_STATE = "*"
CONDITION_OPS = ("filled", "empty", "equals", "not_equals", "in", "max")
APPROVAL_MODES = ("none", "any", "all")
MAX_DUE_MINUTES = 60 * 24 * 366


class ConditionSpec(BaseModel):
    field: str
    op: Literal["filled", "empty", "equals", "not_equals", "in", "max"] = "filled"
    value: Any = None
    message: str = ""                 # shown when the condition fails; default says what is missing


class StateSpec(BaseModel):
    key: str
    name: str
    is_initial: bool = False
    is_done: bool = False
    is_rejected: bool = False
    due_minutes: int | None = None
    escalate_to_role: str | None = None
    escalate_to_user_id: int | None = None
    escalate_to_head: bool = False


class TransitionSpec(BaseModel):
    key: str
    name: str
    from_state: str
    to_state: str
    roles: list[str] = Field(default_factory=list)
    conditions: list[ConditionSpec] = Field(default_factory=list)
    approval: Literal["none", "any", "all"] = "none"
    approver_roles: list[str] = Field(default_factory=list)
    approver_user_ids: list[int] = Field(default_factory=list)
    require_comment: bool = False


class WorkflowSpec(BaseModel):
    name: str
    states: list[StateSpec]
    transitions: list[TransitionSpec]


def _key_problem(key: str) -> str | None:
    if not key:
        return t("Required.")
    if len(key) > 32 or not CODE_RE.match(key):
        return t("Use up to 32 letters, digits, '.', '-' or '_'.")
    return None


def _role_problems(roles: list[str]) -> str | None:
    unknown = [r for r in roles if r not in {role.value for role in Role}]
    return t("Unknown role: {roles}.", roles=", ".join(unknown)) if unknown else None


def check_spec(spec: WorkflowSpec) -> dict[str, str]:
    """Every problem of a spec, keyed by its place; empty when the spec can be stored."""
    problems: dict[str, str] = {}
    if not spec.name.strip() or len(spec.name) > 120:
        problems["name"] = t("Give the workflow a name of at most {max_length} characters.", max_length=120)
    keys = [s.key for s in spec.states]
    for i, state in enumerate(spec.states):
        if (p := _key_problem(state.key)) or (p := t("Used twice.") if keys.count(state.key) > 1 else None):
            problems[f"states.{i}.key"] = p
        if not state.name.strip() or len(state.name) > 120:
            problems[f"states.{i}.name"] = t("Required, at most {max_length} characters.", max_length=120)
        if state.is_done and state.is_rejected:
            problems[f"states.{i}.is_done"] = t("A state is done or rejected, not both.")
        if state.due_minutes is not None and not 1 <= state.due_minutes <= MAX_DUE_MINUTES:
            problems[f"states.{i}.due_minutes"] = t("Between 1 and {max_minutes} minutes, or empty.",
                                                    max_minutes=MAX_DUE_MINUTES)
        if state.escalate_to_role and (p := _role_problems([state.escalate_to_role])):
            problems[f"states.{i}.escalate_to_role"] = p
    initial = [s for s in spec.states if s.is_initial]
    if len(initial) != 1:
        problems["states"] = t("Mark exactly one state as the initial state.")
    elif initial[0].is_done or initial[0].is_rejected:
        problems["states"] = t("The initial state cannot be done or rejected.")
    problems.update(_transition_problems(spec, set(keys)))
    return problems


def _transition_problems(spec: WorkflowSpec, state_keys: set[str]) -> dict[str, str]:
    problems: dict[str, str] = {}
    keys = [tr.key for tr in spec.transitions]
    for i, tr in enumerate(spec.transitions):
        if (p := _key_problem(tr.key)) or (p := t("Used twice.") if keys.count(tr.key) > 1 else None):
            problems[f"transitions.{i}.key"] = p
        if not tr.name.strip() or len(tr.name) > 120:
            problems[f"transitions.{i}.name"] = t("Required, at most {max_length} characters.", max_length=120)
        if tr.from_state != ANY_STATE and tr.from_state not in state_keys:
            problems[f"transitions.{i}.from_state"] = t("Choose one of the states (or * for any open state).")
        if tr.to_state not in state_keys:
            problems[f"transitions.{i}.to_state"] = t("Choose one of the states.")
        if p := _role_problems(tr.roles + tr.approver_roles):
            problems[f"transitions.{i}.roles"] = p
        if tr.approval != "none" and not (tr.approver_roles or tr.approver_user_ids):
            problems[f"transitions.{i}.approval"] = t("Name the roles or users who approve.")
        for j, c in enumerate(tr.conditions):
            if not c.field.strip():
                problems[f"transitions.{i}.conditions.{j}.field"] = t("Name the field to check.")
    return problems


def next_version(session: Session, organization_id: int, entity_type: str) -> int:
    latest = session.exec(select(func.max(Workflow.version)).where(
        Workflow.organization_id == organization_id, Workflow.entity_type == entity_type)).one()
    return (latest or 0) + 1


def store_version(session: Session, organization_id: int, entity_type: str, spec: WorkflowSpec, *,
                  user_id: int | None = None) -> Workflow:
    """Write a checked spec as the next, active version (the previous active one is kept, inactive)."""
    for old in session.exec(select(Workflow).where(
            Workflow.organization_id == organization_id, Workflow.entity_type == entity_type,
            Workflow.is_active == True)).all():  # noqa: E712
        old.is_active = False
        session.add(old)
    flow = Workflow(organization_id=organization_id, entity_type=entity_type, name=spec.name.strip(),
                    version=next_version(session, organization_id, entity_type), is_active=True,
                    created_by=user_id, updated_by=user_id)
    session.add(flow)
    session.flush()
    for i, s in enumerate(spec.states):
        session.add(WorkflowState(workflow_id=pk(flow), position=i, **s.model_dump()))
    for i, tr in enumerate(spec.transitions):
        data = tr.model_dump()
        data["conditions"] = [c.model_dump() for c in tr.conditions]
        session.add(WorkflowTransition(workflow_id=pk(flow), position=i, **data))
    session.flush()
    return flow


def spec_of(session: Session, workflow_id: int) -> WorkflowSpec:
    """The stored version back as a spec (the admin editor starts from it)."""
    flow = session.get(Workflow, workflow_id)
    if flow is None:
        raise NotFound(t("This workflow version does not exist."))
    states = session.exec(select(WorkflowState).where(WorkflowState.workflow_id == workflow_id)
                          .order_by(col(WorkflowState.position))).all()
    transitions = session.exec(select(WorkflowTransition).where(WorkflowTransition.workflow_id == workflow_id)
                               .order_by(col(WorkflowTransition.position))).all()
    return WorkflowSpec(
        name=flow.name,
        states=[StateSpec.model_validate(s, from_attributes=True) for s in states],
        transitions=[TransitionSpec.model_validate(tr, from_attributes=True) for tr in transitions],
    )
