"""Recall simulation: from a suspect lot, a supplier receipt, or a machine and a time range, every
affected lot, serial, shipment and customer; optionally hold the affected stock in one action.

- `simulate(session, actor, RecallQuery) -> RecallResult` reads only.
- `hold_affected(session, actor, RecallQuery, *, reason, now, notify=True) -> RecallHoldResult`
  puts every affected lot that is still available (stock on hand, including the suspect lots
  themselves) on hold, writes ONE audit entry ("recall", "hold") listing them, records one
  "recall.held" domain event, and notifies quality, supervisors and managers of the plants
  concerned (services/config/notifications.py). With `mark_recalled=True` the affected lots that were
  shipped (and their shipped serials) are marked `recalled` in the same action (listed in the
  audit entry, the event and `RecallHoldResult.recalled_lot_*`).

A query names exactly one starting point:
- `lot_id`: that lot;
- `supplier_lot_ref` (and optionally `supplier`): every receipt lot with that supplier lot
  reference (case-insensitive), i.e. one delivery that may have been split into several lots;
- `machine_id` with `start` < `end` (aware datetimes): every lot produced on that machine in
  [start, end).
Affected = the starting lots and everything the forward trace (services/trace/tracing.py) reaches.
Simulating needs VIEW; holding needs QUALITY or SUPERVISE at every plant holding affected stock.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.lots import Lot, LotOrigin, LotStatus, Serial
from models.resources import Machine
from services.config import notifications
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Invalid, NotFound
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.trace.events import RecallHeld
from services.trace.lots import HOLD, put_on_hold, require_any
from services.trace.tracing import TraceLot, TraceResult, forward_from

NOTIFY_ROLES = ("quality", "supervisor", "manager")


class RecallQuery(BaseModel):
    lot_id: int | None = None
    supplier: str | None = None
    supplier_lot_ref: str | None = None
    machine_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None

    def describe(self) -> str:
        if self.lot_id is not None:
            return t("lot #{id}", id=self.lot_id)
        if self.supplier_lot_ref:
            if self.supplier:
                return t("supplier lot {reference} of {supplier}", reference=self.supplier_lot_ref,
                         supplier=self.supplier)
            return t("supplier lot {reference}", reference=self.supplier_lot_ref)
        return t("machine #{id} from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC", id=self.machine_id,
                 start=self.start, end=self.end)


class RecallResult(BaseModel):
    query: RecallQuery
    suspect_lot_ids: list[int]
    trace: TraceResult
    holdable_lot_ids: list[int]       # what `hold_affected` would put on hold now: available lots with stock left
    may_hold: bool                    # QUALITY or SUPERVISE at every plant of the holdable and shipped lots

    @property
    def lots(self) -> list[TraceLot]:
        return self.trace.lots

    @property
    def on_hand(self) -> list[TraceLot]:
        """Affected lots still in the plant: available or on hold, with something left."""
        return [lot for lot in self.trace.lots if lot.status in (LotStatus.AVAILABLE, LotStatus.ON_HOLD)
                and lot.quantity > 0]


class RecallHoldResult(BaseModel):
    held_lot_ids: list[int]
    held_lot_numbers: list[str]
    recalled_lot_ids: list[int] = []          # with mark_recalled: shipped lots now marked recalled
    recalled_lot_numbers: list[str] = []
    notified_user_ids: list[int]
    result: RecallResult


def simulate(session: Session, actor: Actor, query: RecallQuery) -> RecallResult:
    require(actor, Permission.VIEW)
    suspects = _suspect_lots(session, actor, query)
    trace = forward_from(session, actor, suspects)
    holdable = _holdable(trace.lots)
    shipped = [lot for lot in trace.lots if lot.status == LotStatus.SHIPPED]
    plants = {lot.plant_id for lot in holdable + shipped}
    return RecallResult(query=query, suspect_lot_ids=suspects, trace=trace, holdable_lot_ids=[lot.id for lot in holdable],
                        may_hold=any(p in actor.permissions for p in HOLD) and plants <= set(actor.plant_ids))


def _holdable(lots: list[TraceLot]) -> list[TraceLot]:
    """The affected lots a hold takes: available, with stock left."""
    return [lot for lot in lots if lot.status == LotStatus.AVAILABLE and lot.quantity > 0]


def hold_affected(session: Session, actor: Actor, query: RecallQuery, *, reason: str, now: datetime,
                  notify: bool = True, mark_recalled: bool = False) -> RecallHoldResult:
    reason = reason.strip()
    check({"reason": t("Say why the stock is held (at most {limit} characters).", limit=400)} if not 0 < len(reason) <= 400 else {})
    result = simulate(session, actor, query)
    to_hold = _holdable(result.trace.lots)
    shipped = [lot for lot in result.trace.lots if lot.status == LotStatus.SHIPPED] if mark_recalled else []
    for plant_id in sorted({lot.plant_id for lot in to_hold + shipped}):
        require_any(actor, HOLD, plant_id=plant_id)
    rows = session.exec(select(Lot).where(col(Lot.id).in_([lot.id for lot in to_hold])).order_by(col(Lot.id))
                        .with_for_update()).all() if to_hold else []
    hold_reason = t("Recall ({query}): {reason}", query=query.describe(), reason=reason)[:500]
    for lot in rows:
        put_on_hold(session, actor, lot, hold_reason, now=now, audited=False)
    numbers = [lot.number for lot in rows]
    recalled = _mark_recalled(session, actor, [lot.id for lot in shipped], now)
    changes: dict[str, Any] = {"query": query.model_dump(mode="json"), "reason": reason, "held_lot_ids": [lot.id for lot in rows],
               "held_lot_numbers": numbers, "recalled_lot_numbers": [lot.number for lot in recalled],
               "affected_lots": len(result.trace.lots),
               "shipments": [s.number for s in result.trace.shipments],
               "customers": [c.code for c in result.trace.customers]}
    audit(session, actor, "recall", None, "hold", changes, at=now)
    record(session, RecallHeld(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now, **changes))
    notified = _notify(session, actor, result, numbers, reason, now) if notify and (rows or recalled) else []
    return RecallHoldResult(held_lot_ids=[lot.id for lot in rows], held_lot_numbers=numbers,
                            recalled_lot_ids=[lot.id for lot in recalled],
                            recalled_lot_numbers=[lot.number for lot in recalled],
                            notified_user_ids=notified, result=simulate(session, actor, query))


def _mark_recalled(session: Session, actor: Actor, lot_ids: list[int], now: datetime) -> list[Lot]:
    """Shipped lots (and their shipped serials) become recalled: they are at customers and are called back."""
    if not lot_ids:
        return []
    rows = session.exec(select(Lot).where(col(Lot.id).in_(lot_ids), Lot.status == LotStatus.SHIPPED).order_by(col(Lot.id))
                        .with_for_update()).all()
    for lot in rows:
        lot.status, lot.updated_at, lot.updated_by = LotStatus.RECALLED, now, actor.user_id
        session.add(lot)
    serials = session.exec(select(Serial).where(col(Serial.lot_id).in_([lot.id for lot in rows]),
                                                Serial.status == LotStatus.SHIPPED)).all() if rows else []
    for serial in serials:
        serial.status, serial.updated_at, serial.updated_by = LotStatus.RECALLED, now, actor.user_id
        session.add(serial)
    session.flush()
    return list(rows)


def _suspect_lots(session: Session, actor: Actor, query: RecallQuery) -> list[int]:
    modes = [query.lot_id is not None, bool((query.supplier_lot_ref or "").strip()), query.machine_id is not None]
    if sum(modes) != 1:
        raise Invalid(t("Start the recall from one lot, one supplier lot reference, or one machine and time range."),
                      fields={"query": t("Give exactly one starting point.")})
    if query.lot_id is not None:
        return [pk(get_scoped(session, actor, Lot, query.lot_id, t("Lot")))]
    visible = col(Lot.plant_id).in_(actor.plant_ids or [-1])
    reference, supplier = (query.supplier_lot_ref or "").strip(), (query.supplier or "").strip()
    if modes[1]:
        stmt = select(Lot.id).where(Lot.organization_id == actor.organization_id, visible,
                                    Lot.origin == LotOrigin.RECEIPT, func.lower(Lot.supplier_lot_ref) == reference.lower())
        if supplier:
            stmt = stmt.where(func.lower(Lot.supplier) == supplier.lower())
        ids = _ids(session.exec(stmt.order_by(col(Lot.id))).all())
        if not ids:
            raise NotFound(t("No receipt with supplier lot {reference} found.", reference=reference))
        return ids
    machine = get_scoped(session, actor, Machine, query.machine_id, t("Machine"))
    start, end = query.start, query.end
    if start is None or end is None or start.tzinfo is None or end.tzinfo is None:
        raise Invalid(fields={"start": t("Give a start and an end with a time zone.")})
    check({"end": t("The end comes after the start.")} if start >= end else {})
    return _ids(session.exec(select(Lot.id).where(Lot.organization_id == actor.organization_id, visible,
                                                  Lot.machine_id == machine.id, col(Lot.produced_at) >= start,
                                                  col(Lot.produced_at) < end).order_by(col(Lot.id))).all())


def _ids(ids: Sequence[int | None]) -> list[int]:
    """Primary keys read from the database (never None; the column type says optional)."""
    return [i for i in ids if i is not None]


def _notify(session: Session, actor: Actor, result: RecallResult, numbers: list[str], reason: str,
            now: datetime) -> list[int]:
    title = t("Recall hold: {count} lot(s) put on hold", count=len(numbers))
    none = t("none")
    body = t("Started from {query} by {person}: {reason}\nHeld: {lots}\nShipments affected: {shipments}\n"
             "Customers affected: {customers}", query=result.query.describe(), person=actor.label(), reason=reason,
             lots=", ".join(numbers[:50]) + (" ..." if len(numbers) > 50 else ""),
             shipments=", ".join(s.number for s in result.trace.shipments) or none,
             customers=", ".join(c.code for c in result.trace.customers) or none)
    link = f"/trace?lot={result.suspect_lot_ids[0]}" if result.suspect_lot_ids else "/trace"
    notified: set[int] = set()
    for plant_id in sorted({lot.plant_id for lot in result.trace.lots}):
        notified.update(notifications.notify(session, organization_id=actor.organization_id, title=title, body=body,
                                             link=link, kind="alert", roles=NOTIFY_ROLES, plant_id=plant_id,
                                             entity_type="recall", now=now))
    return sorted(notified)
