"""Deciding on a revision from its document: submit, approve or reject it, and which of these the reader may do
now. A revision of an ordinary document goes through revisions.py; the one revision of a change order's document
goes through its change order (change_orders.py), so approving a change order from the documents list releases
every revision it lists together, exactly as approving it from the change order does.

Invariants: the same checks as the use cases it hands over to (writers submit, the workflows' approver roles
approve and reject, a rejection needs a comment); nothing here commits.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from models.base import pk
from models.documents import ChangeOrderStatus
from services.config import workflow
from services.core.access import Actor
from services.documents import change_orders, revisions
from services.documents.change_orders import ENTITY as CHANGE_ORDER
from services.documents.common import change_order_of, get_revision
from services.documents.documents import RevisionRead, read_revisions

DECISIONS = ("submit", "approve", "reject")


def submit(session: Session, actor: Actor, revision_id: int, *, comment: str = "", now: datetime) -> RevisionRead:
    return _decide(session, actor, revision_id, revisions.submit_revision, change_orders.submit_change_order,
                   comment=comment, now=now)


def approve(session: Session, actor: Actor, revision_id: int, *, comment: str = "", now: datetime) -> RevisionRead:
    return _decide(session, actor, revision_id, revisions.approve_revision, change_orders.approve_change_order,
                   comment=comment, now=now)


def reject(session: Session, actor: Actor, revision_id: int, *, comment: str, now: datetime) -> RevisionRead:
    return _decide(session, actor, revision_id, revisions.reject_revision, change_orders.reject_change_order,
                   comment=comment, now=now)


def _decide(session: Session, actor: Actor, revision_id: int, on_revision: Callable[..., RevisionRead],
            on_change_order: Callable[..., object], *, comment: str, now: datetime) -> RevisionRead:
    """The revision's own use case, or its change order's for a change order's document (the revision then
    read back: the change order's workflow has set its status)."""
    doc, rev = get_revision(session, actor, revision_id)
    order = change_order_of(session, doc)
    if order is None:
        return on_revision(session, actor, revision_id, comment=comment, now=now)
    on_change_order(session, actor, pk(order), comment=comment, now=now)
    return read_revisions(session, [rev])[0]


def available_actions(session: Session, actor: Actor, revision_id: int) -> list[str]:
    """The decisions the actor may take on the revision now (for the document page's buttons)."""
    doc, _rev = get_revision(session, actor, revision_id)
    order = change_order_of(session, doc)
    if order is None:
        return revisions.available_actions(session, actor, revision_id)
    if order.status not in (ChangeOrderStatus.DRAFT, ChangeOrderStatus.REVIEW):
        return []
    return [o.key for o in workflow.available_transitions(session, actor, CHANGE_ORDER, pk(order))
            if o.allowed and o.key in DECISIONS]
