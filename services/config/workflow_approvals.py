"""Approvals of a pending workflow transition: who has approved in the current round, what is
still missing, and whether an actor may approve now (used by services/config/workflow.py).

"any": one approval of a named user or of a holder of a named role completes the request; "all":
every named role and every named user must have approved, one approval per person. Approvals count
only within the instance's current `pending_round`; the requester never approves their own request.
"""
from __future__ import annotations

from sqlmodel import Session, select

from models.workflow import WorkflowInstance, WorkflowStep, WorkflowTransition
from services.core.access import Actor
from services.core.messages import t


def approvals(session: Session, inst: WorkflowInstance) -> list[WorkflowStep]:
    return list(session.exec(select(WorkflowStep).where(
        WorkflowStep.instance_id == inst.id, WorkflowStep.kind == "approved",
        WorkflowStep.round == inst.pending_round)).all())


def approval_status(session: Session, inst: WorkflowInstance, tr: WorkflowTransition) -> tuple[list[str], list[str]]:
    """(who approved, what is still missing), as short labels like 'role quality' and 'user #3'."""
    done = approvals(session, inst)
    given = [_role(s.role) if s.role else _user(s.user_id) for s in done]
    if tr.approval == "any":
        return given, ([] if done else [t("one of: {approvers}", approvers=", ".join(approver_labels(tr)))])
    got_roles = {s.role for s in done if s.role}
    got_users = {s.user_id for s in done}
    missing = [_role(r) for r in tr.approver_roles if r not in got_roles]
    missing += [_user(u) for u in tr.approver_user_ids if u not in got_users]
    return given, missing


def approver_labels(tr: WorkflowTransition) -> list[str]:
    return [_role(r) for r in tr.approver_roles] + [_user(u) for u in tr.approver_user_ids]


def _role(role: str) -> str:
    return t("role {role}", role=role)


def _user(user_id: int | None) -> str:
    return t("user #{user_id}", user_id=user_id)


def approval_capacity(session: Session, inst: WorkflowInstance, tr: WorkflowTransition, actor: Actor) -> tuple[bool, str | None]:
    """(may approve, the role approved in): a named user approves as themselves; else a held, still
    missing role (for "all"), or any held role (for "any")."""
    done = approvals(session, inst)
    if actor.user_id is None or actor.user_id == inst.pending_by:
        return False, None
    if any(s.user_id == actor.user_id for s in done):
        return False, None
    held = [r for r in tr.approver_roles if r in {role.value for role in actor.roles}]
    if actor.user_id in (tr.approver_user_ids or []) and (tr.approval == "any" or actor.user_id not in {s.user_id for s in done}):
        return True, None
    got_roles = {s.role for s in done if s.role}
    open_roles = held if tr.approval == "any" else [r for r in held if r not in got_roles]
    return (True, open_roles[0]) if open_roles else (False, None)


def why_not_approver(session: Session, inst: WorkflowInstance, tr: WorkflowTransition, actor: Actor) -> str:
    if actor.user_id is not None and actor.user_id == inst.pending_by:
        return t("You asked for this approval; someone else must approve it.")
    if any(s.user_id == actor.user_id for s in approvals(session, inst)):
        return t("You have already approved this.")
    approvers = ", ".join(approver_labels(tr))
    if tr.approval == "all":
        return t("Only {approvers} may approve '{transition}' (the roles still missing: {missing}).",
                 approvers=approvers, transition=tr.name, missing=", ".join(approval_status(session, inst, tr)[1]))
    return t("Only {approvers} may approve '{transition}'.", approvers=approvers, transition=tr.name)
