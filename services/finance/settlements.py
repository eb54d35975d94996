"""Settlements: paying a vendor for work done against its purchase order, posted to the ledger.

What can be settled: a PO line linked to a studio task once that task is approved (QC2 passed); a line without a
task (factory work, goods) for the quantity given, never beyond what was received against it and not yet settled
(services/finance/po_receipts.py; receipts never exceed the order). Each settlement computes its adjusted amount
(the lines' share of their adjusted amounts), VAT and withholding by the PO's rules on the settlement date, and net
payable = adjusted + VAT - withholding, and posts one entry: subcontracting expense and
input VAT to the debit; withholding tax payable and accounts payable to the credit.

Invariants: FINANCE only; the PO is approved or acknowledged; a task is settled at most once (a unique constraint,
so two concurrent settlements of the same work cannot both land); quantities never exceed what was received
(checked under a lock of the PO, which receipts take too); figures are exact in the currency's minor unit; the
payment date is recorded once.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from models.base import pk, referenced, row_ids
from models.purchasing import PurchaseOrder, PurchaseOrderLine, Settlement, SettlementLine
from models.studio_work import StudioTask
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid
from services.core.events import record
from services.core.messages import t
from services.core.numbering import next_number
from services.core.scoping import get_scoped
from services.finance import journal
from services.finance.accounts import account_for_role
from services.finance.events import SettlementCreated, SettlementPaid
from services.finance.journal import EntryCreate, LineInput
from services.finance.money import quantum, round_money
from services.finance.po_receipts import received_quantities
from services.finance.purchasing import SETTLEABLE, document_taxes, status_word


class SettleQuantity(BaseModel):
    po_line_id: int
    quantity: int = Field(gt=0, le=1_000_000)


class LineProgress(BaseModel):
    """A PO line without a task: ordered, received and settled so far."""
    po_line_id: int
    description: str
    ordered: int
    received: int
    settled: int

    @property
    def receivable(self) -> int:
        """How much more of the line may still be received."""
        return self.ordered - self.received

    @property
    def unsettled(self) -> int:
        """Received and not yet settled: what a settlement of the line may take."""
        return self.received - self.settled


class Settleable(BaseModel):
    """What settling a PO now would take: its QC2-approved, unsettled tasks and their adjusted amount."""
    tasks: int
    adjusted: Decimal


class SettlementRead(BaseModel):
    id: int
    number: str
    po_id: int
    po_number: str = ""
    currency: str = ""
    settled_on: date
    adjusted: Decimal
    vat: Decimal
    withholding: Decimal
    net_payable: Decimal
    paid_on: date | None
    task_ids: list[int]


def settle(session: Session, actor: Actor, po_id: int, *, settled_on: date, now: datetime,
           untasked: list[SettleQuantity] | None = None, received: bool = False) -> SettlementRead:
    """Settle every approved, unsettled task of the PO, plus the given quantities of lines without a task (or, with
    `received`, everything received on them and not yet settled)."""
    require(actor, Permission.FINANCE)
    po = get_scoped(session, actor, PurchaseOrder, po_id, t("Purchase order"), for_update=True)
    if po.status not in SETTLEABLE:
        raise Conflict(t("{number} is {status}: only an approved order is settled.", number=po.number,
                                 status=status_word(po.status)))
    if received and not untasked:
        untasked = [SettleQuantity(po_line_id=line_id, quantity=left)
                    for line_id, left in _received_unsettled(session, po).items() if left > 0]
    rows = _approved_task_lines(session, po) + _untasked_lines(session, po, untasked or [])
    if not rows:
        raise Conflict(t("Nothing on {number} is approved and unsettled.", number=po.number))
    adjusted = sum((amount for _line, _qty, amount in rows), Decimal(0))
    vat, wht = document_taxes(session, po, adjusted, settled_on)
    vat_total, wht_total = (vat.total if vat else Decimal(0)), (wht.total if wht else Decimal(0))
    settlement = Settlement(organization_id=actor.organization_id, number=next_number(session, actor.organization_id, "ST"),
                            po_id=pk(po), settled_on=settled_on, adjusted=adjusted, vat=vat_total, withholding=wht_total,
                            net_payable=adjusted + vat_total - wht_total, created_at=now, updated_at=now,
                            created_by=actor.user_id, updated_by=actor.user_id)
    session.add(settlement)
    session.flush()
    for line, qty, amount in rows:
        session.add(SettlementLine(organization_id=actor.organization_id, settlement_id=pk(settlement), po_line_id=pk(line),
                                   task_id=line.task_id, quantity=qty, adjusted=amount))
    try:
        session.flush()
    except IntegrityError as exc:          # another settlement took one of these tasks first
        raise Conflict(t("Some of this work was settled at the same moment by someone else: try again.")) from exc
    _post(session, actor, po, settlement, now)
    audit(session, actor, "settlement", settlement.id, "create",
          {"number": settlement.number, "po": po.number, "net_payable": str(settlement.net_payable)}, at=now)
    record(session, SettlementCreated(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                      settlement_id=pk(settlement), purchase_order_id=pk(po)))
    return read_settlement(session, actor, pk(settlement))


def mark_paid(session: Session, actor: Actor, settlement_id: int, paid_on: date, *, now: datetime) -> SettlementRead:
    """Record the payment of a settlement (bank debit against payable is posted with it)."""
    require(actor, Permission.FINANCE)
    settlement = get_scoped(session, actor, Settlement, settlement_id, t("Settlement"), for_update=True)
    if settlement.paid_on is not None:
        raise Conflict(t("{number} was paid on {day}.", number=settlement.number, day=settlement.paid_on))
    po = referenced(session, PurchaseOrder, settlement.po_id)
    payable = account_for_role(session, actor.organization_id, "payable")
    bank = account_for_role(session, actor.organization_id, "bank")
    journal.post(session, actor, EntryCreate(entry_date=paid_on, currency=po.currency,
                                             memo=f"Payment of {settlement.number}",
                                             lines=[LineInput(account_id=payable.id, debit=settlement.net_payable),
                                                    LineInput(account_id=bank.id, credit=settlement.net_payable)]),
                 now=now, source_type="settlement_payment", source_id=settlement.id)
    settlement.paid_on, settlement.updated_at = paid_on, now
    session.add(settlement)
    audit(session, actor, "settlement", settlement.id, "paid", {"paid_on": str(paid_on)}, at=now)
    record(session, SettlementPaid(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                   settlement_id=pk(settlement)))
    return read_settlement(session, actor, pk(settlement))


def read_settlement(session: Session, actor: Actor, settlement_id: int) -> SettlementRead:
    require(actor, Permission.FINANCE)
    s = get_scoped(session, actor, Settlement, settlement_id, t("Settlement"))
    po = referenced(session, PurchaseOrder, s.po_id)
    q = quantum(po.currency)
    tasks = session.exec(select(SettlementLine.task_id).where(SettlementLine.settlement_id == s.id,
                                                              col(SettlementLine.task_id).is_not(None))).all()
    return SettlementRead(id=s.id, number=s.number, po_id=s.po_id, po_number=po.number, currency=po.currency,
                          settled_on=s.settled_on,
                          adjusted=Decimal(s.adjusted).quantize(q), vat=Decimal(s.vat).quantize(q),
                          withholding=Decimal(s.withholding).quantize(q), net_payable=Decimal(s.net_payable).quantize(q),
                          paid_on=s.paid_on, task_ids=sorted(t for t in tasks if t is not None))


def list_settlements(session: Session, actor: Actor, *, po_id: int | None = None,
                     limit: int = 200) -> list[SettlementRead]:
    """Settlements of the organization (of one PO when given), newest first."""
    require(actor, Permission.FINANCE)
    query = select(Settlement.id).where(Settlement.organization_id == actor.organization_id)
    if po_id is not None:
        query = query.where(Settlement.po_id == po_id)
    ids = session.exec(query.order_by(col(Settlement.id).desc()).limit(limit)).all()
    return [read_settlement(session, actor, i) for i in row_ids(ids)]


def settleable(session: Session, actor: Actor, po_id: int) -> Settleable:
    require(actor, Permission.FINANCE)
    rows = _approved_task_lines(session, get_scoped(session, actor, PurchaseOrder, po_id, t("Purchase order")))
    return Settleable(tasks=len(rows), adjusted=sum((amount for _l, _q, amount in rows), Decimal(0)))


def line_progress(session: Session, actor: Actor, po_id: int) -> list[LineProgress]:
    """Receipts and settlements of the order's lines without a task (the factory half), in line order."""
    require(actor, Permission.FINANCE)
    po = get_scoped(session, actor, PurchaseOrder, po_id, t("Purchase order"))
    lines = session.exec(select(PurchaseOrderLine).where(PurchaseOrderLine.po_id == po.id)
                         .order_by(col(PurchaseOrderLine.id))).all()
    return _progress(session, lines)


def _progress(session: Session, lines: Iterable[PurchaseOrderLine]) -> list[LineProgress]:
    """Ordered, received and settled of the lines without a task among `lines`, in their order."""
    untasked = [x for x in lines if x.task_id is None]
    ids = [pk(x) for x in untasked]
    received, settled = received_quantities(session, ids), settled_quantities(session, ids)
    return [LineProgress(po_line_id=pk(x), description=x.description, ordered=x.quantity,
                         received=received.get(pk(x), 0), settled=settled.get(pk(x), 0)) for x in untasked]


def _approved_task_lines(session: Session, po: PurchaseOrder) -> list[tuple[PurchaseOrderLine, int, Decimal]]:
    settled = select(SettlementLine.task_id).where(col(SettlementLine.task_id).is_not(None))
    rows = session.exec(select(PurchaseOrderLine).join(StudioTask, col(StudioTask.id) == PurchaseOrderLine.task_id)
                        .where(PurchaseOrderLine.po_id == po.id, col(StudioTask.approved_at).is_not(None),
                               col(PurchaseOrderLine.task_id).not_in(settled))
                        .order_by(col(PurchaseOrderLine.id))).all()
    return [(line, line.quantity, Decimal(line.adjusted)) for line in rows]


def _untasked_lines(session: Session, po: PurchaseOrder,
                    picks: list[SettleQuantity]) -> list[tuple[PurchaseOrderLine, int, Decimal]]:
    lines = {x.id: x for x in session.exec(select(PurchaseOrderLine).where(PurchaseOrderLine.po_id == po.id)).all()}
    left = _received_unsettled(session, po, lines)
    out, problems = [], {}
    for i, pick in enumerate(picks):
        line = lines.get(pick.po_line_id)
        if line is None or line.task_id is not None:
            problems[f"lines.{i}"] = t("Not a line of this order without a task (tasks settle when approved).")
            continue
        if pick.quantity > left[pk(line)]:
            problems[f"lines.{i}"] = t("Only {left} of this line is received and not yet settled: record the receipt first.",
                                        left=left[pk(line)])
            continue
        left[pk(line)] -= pick.quantity
        share = round_money(Decimal(line.adjusted) * pick.quantity / line.quantity, po.currency)
        out.append((line, pick.quantity, share))
    if problems:
        raise Invalid(t("These quantities cannot be settled."), fields=problems)
    return out


def _received_unsettled(session: Session, po: PurchaseOrder,
                        lines: dict[int | None, PurchaseOrderLine] | None = None) -> dict[int, int]:
    """Per line without a task: received so far minus settled so far."""
    if lines is None:
        lines = {x.id: x for x in session.exec(select(PurchaseOrderLine).where(PurchaseOrderLine.po_id == po.id)).all()}
    return {p.po_line_id: p.unsettled for p in _progress(session, lines.values())}


def settled_quantities(session: Session, line_ids: list[int]) -> dict[int, int]:
    """Quantity settled so far per PO line (lines with nothing settled are absent)."""
    if not line_ids:
        return {}
    rows = session.exec(select(SettlementLine.po_line_id, func.sum(SettlementLine.quantity))
                        .where(col(SettlementLine.po_line_id).in_(line_ids))
                        .group_by(col(SettlementLine.po_line_id))).all()
    return {line_id: int(total or 0) for line_id, total in rows}


def _post(session: Session, actor: Actor, po: PurchaseOrder, s: Settlement, now: datetime) -> None:
    role = lambda name: account_for_role(session, actor.organization_id, name).id  # noqa: E731
    lines = [LineInput(account_id=role("subcontracting"), debit=s.adjusted, description=s.number)]
    if s.vat:
        lines.append(LineInput(account_id=role("vat_input"), debit=s.vat, description=s.number))
    if s.withholding:
        lines.append(LineInput(account_id=role("withholding_payable"), credit=s.withholding, description=s.number))
    lines.append(LineInput(account_id=role("payable"), credit=s.net_payable, description=s.number))
    journal.post(session, actor, EntryCreate(entry_date=s.settled_on, currency=po.currency,
                                             memo=f"Settlement {s.number} of {po.number}", lines=lines),
                 now=now, source_type="settlement", source_id=s.id)
