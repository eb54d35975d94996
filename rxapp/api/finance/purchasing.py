"""Vendor purchase orders (finance writes; the vendor's portal account reads and acknowledges its own) and
settlements of approved work (finance)."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.config.workflow import StepRead
from services.core.db import db_session, transaction
from services.finance import po_approval, po_receipts, purchasing, settlements
from services.finance.po_approval import ApprovalLimit, LimitChange, PoApproval
from services.finance.po_receipts import PoReceiptCreate, PoReceiptRead
from services.finance.purchasing import PoCreate, PoRead
from services.finance.settlements import LineProgress, SettlementRead, SettleQuantity

router = APIRouter(prefix="/finance", tags=["finance"], responses=AUTHENTICATED)


class SettleRequest(BaseModel):
    settled_on: date
    untasked: list[SettleQuantity] = Field(default_factory=list, max_length=5000)
    received: bool = Field(default=False, description="Settle everything received on lines without a task and not "
                                                       "yet settled (ignored when `untasked` is given)")


class PaidRequest(BaseModel):
    paid_on: date


class CommentRequest(BaseModel):
    comment: str = Field(default="", max_length=2000)


@router.get("/purchase-orders", response_model=list[PoRead], summary="Purchase orders (a vendor sees its own)")
def list_pos(actor: CurrentActor, project_id: int | None = None) -> list[PoRead]:
    with db_session() as s, transaction(s):
        return purchasing.list_pos(s, actor, project_id=project_id)


@router.post("/purchase-orders", response_model=PoRead, status_code=status.HTTP_201_CREATED, responses=errors(409),
             summary="A draft purchase order to a vendor, lines linked to tasks")
def create_po(body: PoCreate, actor: CurrentActor) -> PoRead:
    with db_session() as s, transaction(s):
        return purchasing.create_po(s, actor, body, now=utcnow())


@router.get("/purchase-orders/{po_id}", response_model=PoRead, summary="A purchase order with its taxes")
def get_po(po_id: int, actor: CurrentActor) -> PoRead:
    with db_session() as s, transaction(s):
        return purchasing.read_po(s, actor, po_id)


@router.get("/purchase-orders/approvals/pending", response_model=list[PoRead],
            summary="Orders waiting for my approval (finance, or a manager above the finance limit)")
def pending_approvals(actor: CurrentActor) -> list[PoRead]:
    with db_session() as s, transaction(s):
        return po_approval.pending_for(s, actor)


@router.get("/purchase-orders/approvals/limits", response_model=list[ApprovalLimit],
            summary="The approval routes: finance up to a limit per currency, a manager above it")
def approval_limits(actor: CurrentActor) -> list[ApprovalLimit]:
    with db_session() as s, transaction(s):
        return po_approval.approval_limits(s, actor)


@router.put("/purchase-orders/approvals/limits", response_model=list[ApprovalLimit], responses=errors(422),
            summary="Set the limit up to which finance approves in a currency (admins)")
def set_approval_limit(body: LimitChange, actor: CurrentActor) -> list[ApprovalLimit]:
    with db_session() as s, transaction(s):
        return po_approval.set_approval_limit(s, actor, body, now=utcnow())


@router.get("/purchase-orders/{po_id}/approval", response_model=PoApproval,
            summary="Where the order stands in its approval and what I may do")
def get_approval(po_id: int, actor: CurrentActor) -> PoApproval:
    with db_session() as s, transaction(s):
        return po_approval.approval_of(s, actor, po_id)


@router.get("/purchase-orders/{po_id}/approval/history", response_model=list[StepRead],
            summary="The approval steps of the order")
def approval_history(po_id: int, actor: CurrentActor) -> list[StepRead]:
    with db_session() as s, transaction(s):
        return po_approval.history(s, actor, po_id)


@router.post("/purchase-orders/{po_id}/submit", response_model=PoApproval, responses=errors(409, 422),
             summary="Ask for approval on the route the amount falls in")
def submit_po(po_id: int, actor: CurrentActor, body: CommentRequest | None = None) -> PoApproval:
    with db_session() as s, transaction(s):
        return po_approval.submit_po(s, actor, po_id, comment=body.comment if body else "", now=utcnow())


@router.post("/purchase-orders/{po_id}/approve", response_model=PoRead, responses=errors(409),
             summary="Approve a submitted order (an approver of its route, never its writer)")
def approve_po(po_id: int, actor: CurrentActor, body: CommentRequest | None = None) -> PoRead:
    with db_session() as s, transaction(s):
        return po_approval.approve_po(s, actor, po_id, comment=body.comment if body else "", now=utcnow())


@router.post("/purchase-orders/{po_id}/decline", response_model=PoApproval, responses=errors(409, 422),
             summary="Send a submitted order back to its writer, saying why")
def decline_po(po_id: int, body: CommentRequest, actor: CurrentActor) -> PoApproval:
    with db_session() as s, transaction(s):
        return po_approval.decline_po(s, actor, po_id, comment=body.comment, now=utcnow())


@router.post("/purchase-orders/{po_id}/cancel", response_model=PoRead, responses=errors(409, 422),
             summary="Cancel a draft, saying why")
def cancel_po(po_id: int, body: CommentRequest, actor: CurrentActor) -> PoRead:
    with db_session() as s, transaction(s):
        return po_approval.cancel_po(s, actor, po_id, comment=body.comment, now=utcnow())


@router.post("/purchase-orders/{po_id}/acknowledge", response_model=PoRead,
             summary="The vendor accepts its approved order (vendor portal accounts)")
def acknowledge_po(po_id: int, actor: CurrentActor) -> PoRead:
    with db_session() as s, transaction(s):
        return purchasing.acknowledge_po(s, actor, po_id, now=utcnow())


@router.post("/purchase-orders/{po_id}/settlements", response_model=SettlementRead,
             status_code=status.HTTP_201_CREATED, responses=errors(409),
             summary="Settle every approved, unsettled task of the order (and given quantities of other lines)")
def settle(po_id: int, body: SettleRequest, actor: CurrentActor) -> SettlementRead:
    with db_session() as s, transaction(s):
        return settlements.settle(s, actor, po_id, settled_on=body.settled_on, untasked=body.untasked,
                                  received=body.received, now=utcnow())


@router.post("/purchase-orders/{po_id}/receipts", response_model=PoReceiptRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409, 422),
             summary="Receive goods (as a new lot in a plant) or confirm work done on a line without a task")
def receive(po_id: int, body: PoReceiptCreate, actor: CurrentActor) -> PoReceiptRead:
    with db_session() as s, transaction(s):
        return po_receipts.receive(s, actor, po_id, body, now=utcnow())


@router.get("/purchase-orders/{po_id}/receipts", response_model=list[PoReceiptRead],
            summary="What was received against the order (finance)")
def list_receipts(po_id: int, actor: CurrentActor) -> list[PoReceiptRead]:
    with db_session() as s, transaction(s):
        return po_receipts.list_receipts(s, actor, po_id)


@router.get("/purchase-orders/{po_id}/progress", response_model=list[LineProgress],
            summary="Ordered, received and settled per line without a task (finance)")
def line_progress(po_id: int, actor: CurrentActor) -> list[LineProgress]:
    with db_session() as s, transaction(s):
        return settlements.line_progress(s, actor, po_id)


@router.get("/settlements/{settlement_id}", response_model=SettlementRead, summary="A settlement")
def get_settlement(settlement_id: int, actor: CurrentActor) -> SettlementRead:
    with db_session() as s, transaction(s):
        return settlements.read_settlement(s, actor, settlement_id)


@router.post("/settlements/{settlement_id}/paid", response_model=SettlementRead, responses=errors(409),
             summary="Record that a settlement was paid (posts bank against payable)")
def mark_paid(settlement_id: int, body: PaidRequest, actor: CurrentActor) -> SettlementRead:
    with db_session() as s, transaction(s):
        return settlements.mark_paid(s, actor, settlement_id, body.paid_on, now=utcnow())
