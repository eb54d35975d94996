"""Finance's work waiting now, for the home page: purchase orders waiting for this person's approval, approved
orders with goods or work still to receive, orders with work ready to settle (a settlement posts it), settlements
not yet paid and customer invoices past their due date.

Each function answers document numbers, the most urgent first (the home page counts them and names the first).

Invariants: reads only; one organization; FINANCE reads all of it except the approval list, which any approver
(finance up to its limit, a manager above it) reads for the orders they may approve.
"""
from __future__ import annotations

from sqlmodel import Session, col, select

from models.base import pk
from models.purchasing import PurchaseOrder, PurchaseOrderLine, Settlement, SettlementLine
from models.studio_work import StudioTask
from services.core.access import Actor, Permission, require
from services.finance.po_approval import pending_for
from services.finance.po_receipts import received_quantities
from services.finance.purchasing import SETTLEABLE
from services.finance.settlements import settled_quantities


def pos_to_approve(session: Session, actor: Actor) -> list[str]:
    """Purchase orders waiting for this person's approval, oldest first."""
    return [po.number for po in pending_for(session, actor)]


def _open_lines(session: Session, actor: Actor) -> list[tuple[str, PurchaseOrderLine]]:
    return list(session.exec(
        select(PurchaseOrder.number, PurchaseOrderLine)
        .join(PurchaseOrderLine, col(PurchaseOrderLine.po_id) == PurchaseOrder.id)
        .where(PurchaseOrder.organization_id == actor.organization_id, col(PurchaseOrder.status).in_(SETTLEABLE))
        .order_by(col(PurchaseOrder.order_date), col(PurchaseOrder.id), col(PurchaseOrderLine.id))).all())


def pos_to_receive(session: Session, actor: Actor) -> list[str]:
    """Approved orders with a line without a task (goods, factory work) not yet received in full."""
    require(actor, Permission.FINANCE)
    lines = [(number, line) for number, line in _open_lines(session, actor) if line.task_id is None]
    received = received_quantities(session, [pk(line) for _n, line in lines])
    return list(dict.fromkeys(number for number, line in lines if received.get(pk(line), 0) < line.quantity))


def pos_ready_to_settle(session: Session, actor: Actor) -> list[str]:
    """Approved orders with work to settle now: a QC2-approved task not settled, or a line received beyond what was
    settled."""
    require(actor, Permission.FINANCE)
    lines = _open_lines(session, actor)
    untasked = [pk(line) for _n, line in lines if line.task_id is None]
    received, settled = received_quantities(session, untasked), settled_quantities(session, untasked)
    task_ids = [line.task_id for _n, line in lines if line.task_id is not None]
    approved = set(session.exec(select(StudioTask.id).where(col(StudioTask.id).in_(task_ids),
                                                            col(StudioTask.approved_at).is_not(None))).all()
                   ) if task_ids else set()
    done = set(session.exec(select(SettlementLine.task_id).where(col(SettlementLine.task_id).in_(approved))).all()
               ) if approved else set()
    ready = [number for number, line in lines
             if (line.task_id in approved and line.task_id not in done)
             or (line.task_id is None and received.get(pk(line), 0) > settled.get(pk(line), 0))]
    return list(dict.fromkeys(ready))


def unpaid_settlements(session: Session, actor: Actor) -> list[str]:
    """Settlements not yet paid, oldest first."""
    require(actor, Permission.FINANCE)
    return list(session.exec(select(Settlement.number).where(
        Settlement.organization_id == actor.organization_id, col(Settlement.paid_on).is_(None))
        .order_by(col(Settlement.settled_on), col(Settlement.id))).all())
