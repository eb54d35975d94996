"""Approval of vendor purchase orders on the workflow engine (entity type "purchase_order"), with amount limits.

The organization's purchase-order workflow (services/config/workflow_defaults.PURCHASE_ORDER, then whatever admins
save) has approval routes out of "draft": finance approves up to a limit per currency (conditions on the fields
`currency` and `amount`, the adjusted total before taxes), a manager or an admin above it. `submit_po` asks for
the first route, in the workflow's order, whose conditions and roles hold; the approvers named by that route answer
with `approve_po` or `decline_po`. `approval_limits` reads the finance limits and `set_approval_limit` (admins,
CONFIGURE) saves a new workflow version with one changed; the workflow editor changes them too.

Invariants: the PO's status mirrors the workflow (approved on entering "approved", cancelled on "cancelled"); the
person who wrote the order never approves it, whichever door the approval comes through (the state hook refuses
it, so the transaction rolls back), and the requester never approves their own request (the engine); approvers
without FINANCE (managers) read the order they approve and the list waiting for them; every step is audited by the
engine and the approval is announced as `purchase_order.approved`.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from models.base import pk, referenced
from models.purchasing import PoStatus, PurchaseOrder
from models.workflow import WorkflowInstance, WorkflowStep
from services.config import workflow, workflow_admin, workflow_hooks
from services.config.workflow import InstanceRead
from services.config.workflow_defaults import po_finance_route
from services.config.workflow_hooks import Entered
from services.config.workflow_names import shipped_text
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.finance.events import PurchaseOrderApproved
from services.finance.purchasing import PoRead, read_any_po, status_word

ENTITY = "purchase_order"


class ApprovalLimit(BaseModel):
    """One approval route: who approves, and up to which amount in which currency (None: any)."""
    transition: str
    name: str
    currency: str | None
    limit: Decimal | None
    approver_roles: list[str]


class PoApproval(BaseModel):
    """Where a PO stands in its approval and what the reader may do about it."""
    po_id: int
    state: str                              # draft (no workflow yet too) | approved | cancelled
    pending_route: str | None               # the name of the route waiting for approval
    approvals_missing: list[str]
    may_submit: bool
    may_approve: bool
    why_not_submit: list[str]


def submit_po(session: Session, actor: Actor, po_id: int, *, now: datetime, comment: str = "") -> PoApproval:
    """Ask for approval on the first route whose limit and roles fit the order."""
    require(actor, Permission.FINANCE)
    po = get_scoped(session, actor, PurchaseOrder, po_id, t("Purchase order"), for_update=True)
    if po.status != PoStatus.DRAFT:
        raise Conflict(t("{number} is {status}: only a draft is submitted.", number=po.number,
                                 status=status_word(po.status)))
    _instance_or_start(session, actor, po, now)
    route, reasons = _route(session, actor, po)
    if route is None:
        why = " ".join(reasons)
        raise Invalid(t("{number} cannot be submitted: {reasons}", number=po.number, reasons=why), fields={"route": why})
    workflow.transition(session, actor, ENTITY, pk(po), route, comment=comment, now=now)
    return approval_of(session, actor, pk(po))


def approve_po(session: Session, actor: Actor, po_id: int, *, now: datetime, comment: str = "") -> PoRead:
    """An approver of the pending route approves; the order is approved when the route is complete."""
    po = _po_for_approver(session, actor, po_id)
    _refuse_writer(po, actor.user_id)     # also before a first of several approvals, which the state hook never sees
    _require_pending(session, po)
    workflow.approve(session, actor, ENTITY, pk(po), comment=comment, now=now)
    return read_any_po(session, po)


def decline_po(session: Session, actor: Actor, po_id: int, *, comment: str, now: datetime) -> PoApproval:
    """An approver sends the order back to its writer (it stays a draft; a comment says why)."""
    po = _po_for_approver(session, actor, po_id)
    _require_pending(session, po)
    workflow.decline(session, actor, ENTITY, pk(po), comment=comment, now=now)
    return approval_of(session, actor, pk(po))


def cancel_po(session: Session, actor: Actor, po_id: int, *, comment: str, now: datetime) -> PoRead:
    """Cancel a draft (finance; a comment says why)."""
    require(actor, Permission.FINANCE)
    po = get_scoped(session, actor, PurchaseOrder, po_id, t("Purchase order"), for_update=True)
    _instance_or_start(session, actor, po, now)
    workflow.transition(session, actor, ENTITY, pk(po), "cancel", comment=comment, now=now)
    return read_any_po(session, po)


def approval_of(session: Session, actor: Actor, po_id: int) -> PoApproval:
    po = _po_for_approver(session, actor, po_id)
    inst = _instance(session, po)
    read = workflow.instance(session, actor, ENTITY, pk(po)) if inst else None
    pending = bool(read and read.pending_transition)
    may_approve = pending and not _wrote(po, actor.user_id) and workflow.can_approve(session, actor, ENTITY, pk(po))
    reasons: list[str]
    if po.status != PoStatus.DRAFT or pending:
        reasons = [t("It is not a draft waiting to be submitted.")]
    elif Permission.FINANCE not in actor.permissions:
        reasons = [t("Only finance submits orders.")]
    else:
        reasons = _route(session, actor, po)[1] if inst else []
    return PoApproval(po_id=pk(po), state=read.state if read else "draft",
                      pending_route=read.pending_transition_name if read else None,
                      approvals_missing=read.approvals_missing if read else [], may_submit=not reasons,
                      may_approve=may_approve, why_not_submit=reasons)


def pending_for(session: Session, actor: Actor) -> list[PoRead]:
    """The orders waiting for this person's approval (finance or manager), oldest first."""
    require(actor, Permission.VIEW)
    rows = session.exec(select(WorkflowInstance, PurchaseOrder)
                        .join(PurchaseOrder, col(PurchaseOrder.id) == WorkflowInstance.entity_id)
                        .where(WorkflowInstance.organization_id == actor.organization_id,
                               WorkflowInstance.entity_type == ENTITY,
                               col(WorkflowInstance.pending_transition).is_not(None),
                               PurchaseOrder.organization_id == actor.organization_id)
                        .order_by(col(PurchaseOrder.id))).all()
    return [read_any_po(session, po) for inst, po in rows
            if not _wrote(po, actor.user_id) and workflow.can_approve(session, actor, ENTITY, pk(po))]


def history(session: Session, actor: Actor, po_id: int) -> list[workflow.StepRead]:
    po = _po_for_approver(session, actor, po_id)
    return workflow.history(session, actor, ENTITY, pk(po)) if _instance(session, po) else []


# ---- limits -----------------------------------------------------------------------------------------------------

def approval_limits(session: Session, actor: Actor) -> list[ApprovalLimit]:
    """The approval routes of the active purchase-order workflow, in the order they are tried."""
    spec = workflow_admin.get_spec(session, actor, ENTITY)
    out = []
    for transition in spec.transitions:
        if transition.from_state != "draft" or transition.approval == "none":
            continue
        currency = next((str(c.value) for c in transition.conditions if c.field == "currency" and c.op == "equals"), None)
        limit = next((_decimal(c.value) for c in transition.conditions if c.field == "amount" and c.op == "max"), None)
        out.append(ApprovalLimit(transition=transition.key, name=shipped_text(transition.name), currency=currency, limit=limit,
                                 approver_roles=list(transition.approver_roles)))
    return out


class LimitChange(BaseModel):
    currency: str = Field(min_length=3, max_length=3)
    limit: Decimal = Field(gt=0, lt=Decimal(10) ** 13)


def set_approval_limit(session: Session, actor: Actor, change: LimitChange, *, now: datetime) -> list[ApprovalLimit]:
    """Admins: finance approves orders in `currency` up to `limit` (saved as a new workflow version)."""
    require(actor, Permission.CONFIGURE)
    currency = change.currency.upper()
    spec = workflow_admin.get_spec(session, actor, ENTITY)
    route = po_finance_route(currency, f"{change.limit.normalize():f}")
    at = next((i for i, t in enumerate(spec.transitions) if t.key == route.key), None)
    if at is None:
        wider = [i for i, t in enumerate(spec.transitions) if t.from_state == "draft" and t.approval != "none"
                 and not any(c.field == "currency" for c in t.conditions)]
        spec.transitions.insert(wider[0] if wider else len(spec.transitions), route)
    else:
        spec.transitions[at] = route
    workflow_admin.save_workflow(session, actor, ENTITY, spec, now=now)
    return approval_limits(session, actor)


# ---- the engine's view of a PO ----------------------------------------------------------------------------------

def _fields(session: Session, po_id: int) -> dict[str, Any]:
    po = referenced(session, PurchaseOrder, po_id)
    return {"amount": Decimal(po.adjusted), "currency": po.currency, "process_type": po.process_type,
            "vendor_partner_id": po.vendor_partner_id, "project_id": po.project_id}


def _on_state(session: Session, po_id: int, entered: Entered) -> None:
    po = referenced(session, PurchaseOrder, po_id)
    if entered.state == "approved" and po.status == PoStatus.DRAFT:
        approver = _last_approver(session, po)
        _refuse_writer(po, approver)
        po.status, po.approved_by, po.approved_at, po.updated_at = PoStatus.APPROVED, approver, entered.at, entered.at
        session.add(po)
        audit(session, None, "purchase_order", po.id, "approve", {"status": {"before": "draft", "after": "approved"},
                                                                  "approved_by": approver},
              organization_id=po.organization_id, at=entered.at)
        record(session, PurchaseOrderApproved(organization_id=po.organization_id, actor_user_id=approver,
                                              at=entered.at, purchase_order_id=pk(po)))
    elif entered.state == "cancelled" and po.status == PoStatus.DRAFT:
        po.status, po.updated_at = PoStatus.CANCELLED, entered.at
        session.add(po)


def _label(session: Session, po_id: int) -> str:
    po = session.get(PurchaseOrder, po_id)
    return po.number if po else f"PO #{po_id}"


workflow_hooks.register_entity(ENTITY, fields=_fields, on_state=_on_state, label=_label,
                               link=lambda po_id: f"/finance/purchase-orders/{po_id}")


# ---- helpers ----------------------------------------------------------------------------------------------------

def _wrote(po: PurchaseOrder, user_id: int | None) -> bool:
    """Whether `user_id` wrote the order (the person who never approves it)."""
    return user_id is not None and po.created_by == user_id


def _refuse_writer(po: PurchaseOrder, user_id: int | None) -> None:
    if _wrote(po, user_id):
        raise Forbidden(t("Someone other than the person who wrote the order approves it."))


def _po_for_approver(session: Session, actor: Actor, po_id: int) -> PurchaseOrder:
    """The PO for finance, or for someone it waits for (a manager approving above the finance limit)."""
    require(actor, Permission.VIEW)
    po = session.get(PurchaseOrder, po_id)
    if po is None or po.organization_id != actor.organization_id:
        raise NotFound(t("Purchase order not found."))
    if Permission.FINANCE in actor.permissions:
        return po
    inst = _instance(session, po)
    if inst is None or not inst.pending_transition or not workflow.can_approve(session, actor, ENTITY, pk(po)):
        raise NotFound(t("Purchase order not found."))
    return po


def _instance(session: Session, po: PurchaseOrder) -> WorkflowInstance | None:
    return session.exec(select(WorkflowInstance).where(WorkflowInstance.organization_id == po.organization_id,
                                                       WorkflowInstance.entity_type == ENTITY,
                                                       WorkflowInstance.entity_id == po.id)).first()


def _require_pending(session: Session, po: PurchaseOrder) -> None:
    inst = _instance(session, po)
    if inst is None or not inst.pending_transition:
        raise Conflict(t("{number} is not waiting for approval: it is submitted first.", number=po.number))


def _instance_or_start(session: Session, actor: Actor, po: PurchaseOrder, now: datetime) -> InstanceRead | None:
    if _instance(session, po) is not None:
        return None
    return workflow.start(session, actor, ENTITY, pk(po), now=now)


def _route(session: Session, actor: Actor, po: PurchaseOrder) -> tuple[str | None, list[str]]:
    """The first approval route the actor may ask for, else every route's reasons."""
    reasons: list[str] = []
    for option in workflow.available_transitions(session, actor, ENTITY, pk(po)):
        if option.approval == "none" or option.to_state != "approved":
            continue
        if option.allowed:
            return option.key, []
        reasons += [r for r in option.reasons if r not in reasons]
    return None, reasons or [t("The purchase-order workflow has no approval route.")]


def _last_approver(session: Session, po: PurchaseOrder) -> int | None:
    inst = _instance(session, po)
    if inst is None:
        return None
    return session.exec(select(WorkflowStep.user_id).where(WorkflowStep.instance_id == inst.id,
                                                           WorkflowStep.kind == "approved")
                        .order_by(col(WorkflowStep.id).desc())).first()


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
