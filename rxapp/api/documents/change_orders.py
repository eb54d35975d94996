"""Change orders over REST under /api/v1/documents/change-orders: create, list, read, list a draft revision or a
product on it, remove an item, submit, approve (releases every listed revision in one transaction), reject,
cancel. Writing needs DOCUMENTS, approving the workflow's approver roles; only writers and reviewers see them."""
from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from models.base import utcnow
from models.documents import ChangeOrderStatus
from rxapp.api.deps import CurrentActor
from rxapp.api.documents.documents import CommentBody
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.core.errors import Invalid
from services.documents import change_orders
from services.documents.change_orders import ChangeOrderCreate, ChangeOrderRead

router = APIRouter(prefix="/documents/change-orders", tags=["documents"], responses=AUTHENTICATED)


class ItemBody(BaseModel):
    revision_id: int | None = None
    product_id: int | None = None
    note: str = Field(default="", max_length=500)


@router.get("", response_model=list[ChangeOrderRead], summary="Change orders (writers and reviewers)")
def list_change_orders(actor: CurrentActor, search: str = "",
                       status: ChangeOrderStatus | None = None) -> list[ChangeOrderRead]:
    with db_session() as s, transaction(s):
        return change_orders.list_change_orders(s, actor, search=search, status=status)


@router.post("", response_model=ChangeOrderRead, status_code=status.HTTP_201_CREATED, summary="Create a change order")
def create_change_order(body: ChangeOrderCreate, actor: CurrentActor) -> ChangeOrderRead:
    with db_session() as s, transaction(s):
        return change_orders.create_change_order(s, actor, body, now=utcnow())


@router.get("/{change_order_id}", response_model=ChangeOrderRead, summary="A change order with its items")
def get_change_order(change_order_id: int, actor: CurrentActor) -> ChangeOrderRead:
    with db_session() as s, transaction(s):
        return change_orders.change_order(s, actor, change_order_id)


@router.post("/{change_order_id}/items", response_model=ChangeOrderRead, responses=errors(409),
             summary="List a draft revision (revision_id) or a changed product (product_id) on a draft")
def add_item(change_order_id: int, body: ItemBody, actor: CurrentActor) -> ChangeOrderRead:
    with db_session() as s, transaction(s):
        if (body.revision_id is None) == (body.product_id is None):
            raise Invalid("Give either revision_id or product_id.", fields={"revision_id": "One of the two."})
        if body.revision_id is not None:
            return change_orders.add_revision(s, actor, change_order_id, body.revision_id, note=body.note, now=utcnow())
        return change_orders.add_product(s, actor, change_order_id, body.product_id or 0, note=body.note, now=utcnow())


@router.delete("/{change_order_id}/items/{item_id}", response_model=ChangeOrderRead, responses=errors(409),
               summary="Remove an item from a draft")
def remove_item(change_order_id: int, item_id: int, actor: CurrentActor) -> ChangeOrderRead:
    with db_session() as s, transaction(s):
        return change_orders.remove_item(s, actor, change_order_id, item_id, now=utcnow())


@router.post("/{change_order_id}/submit", response_model=ChangeOrderRead, responses=errors(409),
             summary="Submit a draft for review")
def submit(change_order_id: int, body: CommentBody, actor: CurrentActor) -> ChangeOrderRead:
    with db_session() as s, transaction(s):
        return change_orders.submit_change_order(s, actor, change_order_id, comment=body.comment, now=utcnow())


@router.post("/{change_order_id}/approve", response_model=ChangeOrderRead, responses=errors(409),
             summary="Approve: every listed revision is released together, its predecessor made obsolete")
def approve(change_order_id: int, body: CommentBody, actor: CurrentActor) -> ChangeOrderRead:
    with db_session() as s, transaction(s):
        return change_orders.approve_change_order(s, actor, change_order_id, comment=body.comment, now=utcnow())


@router.post("/{change_order_id}/reject", response_model=ChangeOrderRead, responses=errors(409),
             summary="Send a change order in review back to draft (a comment says why)")
def reject(change_order_id: int, body: CommentBody, actor: CurrentActor) -> ChangeOrderRead:
    with db_session() as s, transaction(s):
        return change_orders.reject_change_order(s, actor, change_order_id, comment=body.comment, now=utcnow())


@router.post("/{change_order_id}/cancel", response_model=ChangeOrderRead, responses=errors(409),
             summary="Cancel a change order (a comment says why); its revisions stay drafts")
def cancel(change_order_id: int, body: CommentBody, actor: CurrentActor) -> ChangeOrderRead:
    with db_session() as s, transaction(s):
        return change_orders.cancel_change_order(s, actor, change_order_id, comment=body.comment, now=utcnow())
