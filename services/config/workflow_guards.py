"""The guards of a workflow transition: conditions over the entity's fields, the roles that may take
it, a required comment. Each refusal is a sentence people can act on.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from models.workflow import WorkflowInstance, WorkflowTransition
from services.config.workflow_hooks import entity_fields
from services.core.access import Actor
from services.core.errors import Invalid


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
        try:   # exact: a money limit compared as floats lets amounts a hair above it through
            return value is not None and wanted is not None and Decimal(str(value)) <= Decimal(str(wanted))
        except (TypeError, ValueError, InvalidOperation):
            return False
    return False


def condition_message(condition: dict[str, Any], transition: WorkflowTransition) -> str:
    if condition.get("message"):
        return condition["message"]
    field, op, wanted = condition["field"], condition.get("op", "filled"), condition.get("value")
    what = {"filled": "must be filled in", "empty": "must be empty", "equals": f"must be {wanted}",
            "not_equals": f"must not be {wanted}", "in": f"must be one of {wanted}",
            "max": f"must be at most {wanted}"}.get(op, "does not fit")
    return f"{field.replace('_', ' ').capitalize()} {what} before '{transition.name}'."


def role_refusal(actor: Actor, t: WorkflowTransition) -> str | None:
    if not t.roles or actor.is_admin or any(role.value in t.roles for role in actor.roles):
        return None
    return f"Only {' or '.join(t.roles)} may '{t.name}'."


def refusals(inst: WorkflowInstance, t: WorkflowTransition, actor: Actor, fields: dict[str, Any],
             *, comment: str | None) -> list[str]:
    reasons = []
    if inst.pending_transition:
        reasons.append("An approval is pending; it must be approved or declined first.")
    if (refusal := role_refusal(actor, t)) is not None:
        reasons.append(refusal)
    if comment is not None and t.require_comment and not comment.strip():
        reasons.append(f"'{t.name}' needs a comment.")
    reasons += [condition_message(c, t) for c in t.conditions or [] if not condition_holds(c, fields)]
    return reasons


def check_inputs(session: Session, inst: WorkflowInstance, t: WorkflowTransition, comment: str, data) -> None:
    problems: dict[str, str] = {}
    messages: list[str] = []
    if t.require_comment and not (comment or "").strip():
        problems["comment"] = "Required."
        messages.append(f"'{t.name}' needs a comment.")
    if len(comment or "") > 2000:
        problems["comment"] = "At most 2000 characters."
        messages.append("The comment is too long.")
    fields = entity_fields(session, inst.entity_type, inst.entity_id, data)
    for c in t.conditions or []:
        if not condition_holds(c, fields):
            problems.setdefault(c["field"], condition_message(c, t))
            messages.append(condition_message(c, t))
    if problems:
        raise Invalid(" ".join(messages), fields=problems)
