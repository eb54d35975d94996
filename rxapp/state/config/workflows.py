"""/admin/workflows state: pick an entity type, edit its active workflow as rows of states and
transitions (guards: roles, conditions, approvals, comment; due times with escalation), see the
state machine drawn, save it as the next version (services.config.workflow_admin.save_workflow; entities
in flight keep their version) or go back to the shipped default.

Conditions are edited as text, one per `;`: `field op value | message`, e.g.
`root_cause filled | Describe the root cause first; open_actions max 0`."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass

import plotly.graph_objects as go
import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.config.workflow_figure import workflow_figure
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState
from services.config import workflow_admin
from services.config.workflow_specs import (
    CONDITION_OPS,
    ConditionSpec,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
)
from services.core.errors import DomainError, Invalid

STATE_FIELDS = {"key", "name", "is_initial", "is_done", "is_rejected", "due_minutes", "escalate_to_role",
                "escalate_to_head"}
TRANSITION_FIELDS = {"key", "name", "from_state", "to_state", "roles", "conditions", "approval", "approver_roles",
                     "require_comment"}


@dataclass
class StateEdit:
    key: str = ""
    name: str = ""
    is_initial: bool = False
    is_done: bool = False
    is_rejected: bool = False
    due_minutes: str = ""
    escalate_to_role: str = ""
    escalate_to_head: bool = False


@dataclass
class TransitionEdit:
    key: str = ""
    name: str = ""
    from_state: str = ""
    to_state: str = ""
    roles: str = ""
    conditions: str = ""
    approval: str = "none"
    approver_roles: str = ""
    require_comment: bool = False


@dataclass
class VersionRow:
    version: int = 0
    name: str = ""
    is_active: bool = False
    created: str = ""
    open_instances: int = 0


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace(";", ",").split(",") if w.strip()]


def conditions_text(conditions: list[ConditionSpec]) -> str:
    parts = []
    for c in conditions:
        text = f"{c.field} {c.op}" + ("" if c.value in (None, "") else f" {c.value}")
        parts.append(text + (f" | {c.message}" if c.message else ""))
    return "; ".join(parts)


def _number_or_text(value: str):
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def parse_conditions(text: str, where: str) -> list[ConditionSpec]:
    out = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        rule, _sep, message = part.partition("|")
        words = rule.split(None, 2)
        op = words[1] if len(words) > 1 else "filled"
        if op not in CONDITION_OPS:
            raise Invalid(fields={where: _("Unknown condition '{op}': use one of {ops}.").format(
                op=op, ops=", ".join(CONDITION_OPS))})
        value = words[2].strip() if len(words) > 2 else None
        if op == "in" and value:
            value = _words(value)
        elif value is not None:
            value = _number_or_text(value)
        out.append(ConditionSpec(field=words[0], op=op, value=value, message=message.strip()))
    return out


def edits_of(spec: WorkflowSpec) -> tuple[list[StateEdit], list[TransitionEdit]]:
    states = [StateEdit(key=s.key, name=s.name, is_initial=s.is_initial, is_done=s.is_done, is_rejected=s.is_rejected,
                        due_minutes="" if s.due_minutes is None else str(s.due_minutes),
                        escalate_to_role=s.escalate_to_role or "", escalate_to_head=s.escalate_to_head)
              for s in spec.states]
    transitions = [TransitionEdit(key=t.key, name=t.name, from_state=t.from_state, to_state=t.to_state,
                                  roles=", ".join(t.roles), conditions=conditions_text(t.conditions),
                                  approval=t.approval, approver_roles=", ".join(t.approver_roles),
                                  require_comment=t.require_comment) for t in spec.transitions]
    return states, transitions


def spec_of_edits(name: str, states: list[StateEdit], transitions: list[TransitionEdit]) -> WorkflowSpec:
    problems: dict[str, str] = {}
    state_specs = []
    for i, s in enumerate(states):
        due = s.due_minutes.strip()
        if due and not due.isdigit():
            problems[f"states.{i}.due_minutes"] = _("Whole minutes, or empty.")
        state_specs.append(StateSpec(key=s.key.strip(), name=s.name.strip(), is_initial=s.is_initial,
                                     is_done=s.is_done, is_rejected=s.is_rejected,
                                     due_minutes=int(due) if due.isdigit() else None,
                                     escalate_to_role=s.escalate_to_role.strip() or None,
                                     escalate_to_head=s.escalate_to_head))
    transition_specs = []
    for i, t in enumerate(transitions):
        try:
            conditions = parse_conditions(t.conditions, f"transitions.{i}.conditions")
        except Invalid as error:
            problems.update(error.fields)
            conditions = []
        transition_specs.append(TransitionSpec(
            key=t.key.strip(), name=t.name.strip(), from_state=t.from_state.strip(), to_state=t.to_state.strip(),
            roles=_words(t.roles), conditions=conditions,
            approval=t.approval if t.approval in ("none", "any", "all") else "none",
            approver_roles=_words(t.approver_roles), require_comment=t.require_comment))
    if problems:
        raise Invalid(_("Some fields are not valid."), fields=problems)
    return WorkflowSpec(name=name, states=state_specs, transitions=transition_specs)


class WorkflowsAdminState(AuthState):
    entity_type: str = "ncr"
    entity_options: list[Option] = []
    name: str = ""
    states: list[StateEdit] = []
    transitions: list[TransitionEdit] = []
    versions: list[VersionRow] = []
    figure: go.Figure = go.Figure()
    errors: dict[str, str] = {}
    revision: int = 0                  # re-keys the inputs after a load
    loading: bool = True
    load_error: str = ""

    @rx.var
    def state_keys(self) -> list[str]:
        return ["*"] + [s.key for s in self.states if s.key]

    @rx.event
    def enter(self):
        self.entity_options = [Option(value=k, label=label) for k, label in workflow_admin.entity_types().items()]
        self.loading, self.errors = True, {}
        return WorkflowsAdminState.load

    @rx.event
    def load(self):
        try:
            spec, versions = self._use_case(lambda s, a: (workflow_admin.get_spec(s, a, self.entity_type),
                                                          workflow_admin.list_workflows(s, a, entity_type=self.entity_type)))
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.name = spec.name
        self.states, self.transitions = edits_of(spec)
        self.versions = [VersionRow(version=v.version, name=v.name, is_active=v.is_active,
                                    created=self._when(v.created_at), open_instances=v.open_instances)
                         for v in versions]
        self.figure = workflow_figure(spec)
        self.loading, self.load_error, self.revision = False, "", self.revision + 1

    @rx.event
    def set_entity_type(self, value: str):
        self.entity_type = value if value in workflow_admin.entity_types() else "ncr"
        self.errors = {}
        return WorkflowsAdminState.load

    @rx.event
    def set_name(self, value: str):
        self.name = str(value or "")[:120]

    @rx.event
    def set_state_field(self, index: int, field: str, value):
        if field in STATE_FIELDS and 0 <= int(index) < len(self.states):
            setattr(self.states[int(index)], field, value if isinstance(value, bool) else str(value or "")[:200])
            self.states = list(self.states)
            self._redraw()

    @rx.event
    def set_transition_field(self, index: int, field: str, value):
        if field in TRANSITION_FIELDS and 0 <= int(index) < len(self.transitions):
            setattr(self.transitions[int(index)], field, value if isinstance(value, bool) else str(value or "")[:1000])
            self.transitions = list(self.transitions)
            self._redraw()

    def _redraw(self) -> None:
        with contextlib.suppress(Invalid):     # the picture keeps the last drawable version while typing
            self.figure = workflow_figure(spec_of_edits(self.name, self.states, self.transitions))

    @rx.event
    def add_state(self):
        self.states = [*self.states, StateEdit(key=f"state{len(self.states) + 1}", name=_("New state"))]
        self.revision += 1
        self._redraw()

    @rx.event
    def remove_state(self, index: int):
        self.states = [s for i, s in enumerate(self.states) if i != int(index)]
        self.revision += 1
        self._redraw()

    @rx.event
    def add_transition(self):
        first = self.states[0].key if self.states else ""
        self.transitions = [*self.transitions, TransitionEdit(key=f"step{len(self.transitions) + 1}",
                                                              name=_("New step"), from_state=first, to_state=first)]
        self.revision += 1
        self._redraw()

    @rx.event
    def remove_transition(self, index: int):
        self.transitions = [t for i, t in enumerate(self.transitions) if i != int(index)]
        self.revision += 1
        self._redraw()

    @rx.event
    def save(self):
        try:
            spec = spec_of_edits(self.name, self.states, self.transitions)
            saved = self._use_case(workflow_admin.save_workflow, self.entity_type, spec, now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors = {}
        return [rx.toast.success(_("Saved as version {n}").format(n=saved.version)), WorkflowsAdminState.load]

    @rx.event
    def reset_default(self):
        try:
            saved = self._use_case(workflow_admin.reset_to_default, self.entity_type, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Default saved as version {n}").format(n=saved.version)), WorkflowsAdminState.load]
