"""The guards of a workflow transition: conditions over the entity's fields, the roles that may take
it, a required comment. Each refusal is a sentence people can act on.
"""
from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from models.workflow import WorkflowInstance, WorkflowTransition
from services.config.workflow_hooks import entity_fields
from services.config.workflow_names import shipped_text
from services.core.access import Actor
from services.core.errors import Invalid
from services.core.messages import t


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
        return shipped_text(condition["message"])     # a shipped workflow's words are in the catalogs
    field, op, wanted = condition["field"], condition.get("op", "filled"), condition.get("value")
    words = {"field": field.replace("_", " ").capitalize(), "transition": shipped_text(transition.name), "value": wanted}
    if op == "filled":
        return t("{field} must be filled in before '{transition}'.", **words)
    if op == "empty":
        return t("{field} must be empty before '{transition}'.", **words)
    if op == "equals":
        return t("{field} must be {value} before '{transition}'.", **words)
    if op == "not_equals":
        return t("{field} must not be {value} before '{transition}'.", **words)
    if op == "in":
        return t("{field} must be one of {value} before '{transition}'.", **words)
    if op == "max":
        return t("{field} must be at most {value} before '{transition}'.", **words)
    return t("{field} does not fit before '{transition}'.", **words)


def role_refusal(actor: Actor, tr: WorkflowTransition) -> str | None:
    if not tr.roles or actor.is_admin or any(role.value in tr.roles for role in actor.roles):
        return None
    return t("Only {roles} may '{transition}'.", roles=" or ".join(tr.roles), transition=shipped_text(tr.name))


def refusals(inst: WorkflowInstance, tr: WorkflowTransition, actor: Actor, fields: dict[str, Any],
             *, comment: str | None) -> list[str]:
    reasons: list[str] = []
    if inst.pending_transition:
        reasons.append(t("An approval is pending; it must be approved or declined first."))
    if (refusal := role_refusal(actor, tr)) is not None:
        reasons.append(refusal)
    if comment is not None and tr.require_comment and not comment.strip():
        reasons.append(t("'{transition}' needs a comment.", transition=shipped_text(tr.name)))
    reasons += [condition_message(c, tr) for c in tr.conditions or [] if not condition_holds(c, fields)]
    return reasons


def check_inputs(session: Session, inst: WorkflowInstance, tr: WorkflowTransition, comment: str, data) -> None:
    problems: dict[str, str] = {}
    messages: list[str] = []
    if tr.require_comment and not (comment or "").strip():
        problems["comment"] = t("Required.")
        messages.append(t("'{transition}' needs a comment.", transition=shipped_text(tr.name)))
    if len(comment or "") > 2000:
        problems["comment"] = t("At most {max_length} characters.", max_length=2000)
        messages.append(t("The comment is too long."))
    fields = entity_fields(session, inst.entity_type, inst.entity_id, data)
    for c in tr.conditions or []:
        if not condition_holds(c, fields):
            problems.setdefault(c["field"], condition_message(c, tr))
            messages.append(condition_message(c, tr))
    if problems:
        raise Invalid(functools.reduce(lambda first, then: t("{first} {then}", first=first, then=then), messages),
                      fields=problems)
