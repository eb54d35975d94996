"""Receipts against purchase orders: goods (and subcontracted work) delivered on a PO line without a studio task.

A factory line is settled for what was received, not for what was ordered (services/finance/settlements.py): a
receipt says how much of the line arrived, when and from whom it was taken in. Goods become a lot at once
(services/trace/lots.receive, supplier = the vendor), so the lot's genealogy starts at the order that bought it; a
service confirmed as done (machining, coating sent out) is received without a lot.

Who: receiving goods into a plant is lot handling there (SCAN or SUPERVISE, as any receipt); confirming a service or
receiving without a lot is FINANCE's. Invariants: the order is approved or acknowledged; the line belongs to it and
pays no studio task; received never exceeds ordered (checked under the PO's row lock, which settlements take too).
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import Session, col, func, select

from models.base import pk, referenced
from models.lots import Lot
from models.purchasing import PoReceipt, PurchaseOrder, PurchaseOrderLine
from models.studio import StudioPartner
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.finance.events import PurchaseOrderReceived
from services.finance.purchasing import SETTLEABLE, status_word
from services.trace import lots
from services.trace.lots import ReceiptCreate


class PoReceiptCreate(BaseModel):
    po_line_id: int
    quantity: int = Field(gt=0, le=1_000_000)
    plant_id: int | None = None                   # with product_id: the goods become a lot in this plant
    product_id: int | None = None
    supplier_lot_ref: str = Field(default="", max_length=64)
    location_id: int | None = None
    note: str = Field(default="", max_length=200)


class PoReceiptRead(BaseModel):
    id: int
    po_id: int
    po_line_id: int
    quantity: int
    lot_id: int | None
    lot_number: str = ""
    note: str
    received_at: datetime
    received_by: int | None


def receive(session: Session, actor: Actor, po_id: int, data: PoReceiptCreate, *, now: datetime) -> PoReceiptRead:
    """Take `quantity` of a PO line in; with a product and plant, as a new lot there."""
    goods = data.product_id is not None or data.plant_id is not None
    if not goods:
        require(actor, Permission.FINANCE)
    po = get_scoped(session, actor, PurchaseOrder, po_id, t("Purchase order"), for_update=True)
    if po.status not in SETTLEABLE:
        raise Conflict(t("{number} is {status}: only an approved order is received.", number=po.number,
                                 status=status_word(po.status)))
    line = session.get(PurchaseOrderLine, data.po_line_id)
    problems: dict[str, str] = {}
    if line is None or line.po_id != po.id:
        problems["po_line_id"] = t("Not a line of this order.")
    elif line.task_id is not None:
        problems["po_line_id"] = t("This line pays for a studio task: it is settled when the task is approved.")
    elif data.quantity > (left := line.quantity - received_quantities(session, [pk(line)]).get(pk(line), 0)):
        problems["quantity"] = t("Only {left} of {quantity} is still to be received on this line.", left=left,
                                       quantity=line.quantity)
    if goods and (data.product_id is None or data.plant_id is None):
        problems["product_id" if data.product_id is None else "plant_id"] = t("Goods need both a product and a plant.")
    if problems:
        raise Invalid(t("This receipt cannot be recorded."), fields=problems)
    assert line is not None
    lot_id = None
    if goods:
        assert data.plant_id is not None and data.product_id is not None
        vendor = referenced(session, StudioPartner, po.vendor_partner_id)
        lot_id = lots.receive(session, actor, ReceiptCreate(
            plant_id=data.plant_id, product_id=data.product_id, quantity=data.quantity, supplier=vendor.name,
            supplier_lot_ref=data.supplier_lot_ref, location_id=data.location_id), now=now).id
    receipt = PoReceipt(organization_id=actor.organization_id, po_id=pk(po), po_line_id=pk(line), quantity=data.quantity,
                        lot_id=lot_id, note=data.note.strip(), received_at=now, received_by=actor.user_id)
    session.add(receipt)
    session.flush()
    audit(session, actor, "purchase_order", po.id, "receive",
          {"line": line.description, "quantity": data.quantity, "lot_id": lot_id}, at=now)
    record(session, PurchaseOrderReceived(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                          purchase_order_id=pk(po), receipt_id=pk(receipt)))
    return _read(receipt, referenced(session, Lot, lot_id).number if lot_id is not None else "")


def list_receipts(session: Session, actor: Actor, po_id: int) -> list[PoReceiptRead]:
    require(actor, Permission.FINANCE)
    po = get_scoped(session, actor, PurchaseOrder, po_id, t("Purchase order"))
    rows = session.exec(select(PoReceipt).where(PoReceipt.po_id == po.id).order_by(col(PoReceipt.id))).all()
    lot_ids = [r.lot_id for r in rows if r.lot_id is not None]
    numbers = dict(session.exec(select(Lot.id, Lot.number).where(col(Lot.id).in_(lot_ids))).all()) if lot_ids else {}
    return [_read(r, numbers.get(r.lot_id, "") if r.lot_id is not None else "") for r in rows]


def received_quantities(session: Session, line_ids: list[int]) -> dict[int, int]:
    """Quantity received so far per PO line (lines with nothing received are absent)."""
    if not line_ids:
        return {}
    rows = session.exec(select(PoReceipt.po_line_id, func.sum(PoReceipt.quantity))
                        .where(col(PoReceipt.po_line_id).in_(line_ids)).group_by(col(PoReceipt.po_line_id))).all()
    return {line_id: int(total or 0) for line_id, total in rows}


def _read(r: PoReceipt, lot_number: str) -> PoReceiptRead:
    return PoReceiptRead(id=pk(r), po_id=r.po_id, po_line_id=r.po_line_id, quantity=r.quantity, lot_id=r.lot_id,
                         lot_number=lot_number, note=r.note, received_at=r.received_at, received_by=r.received_by)
