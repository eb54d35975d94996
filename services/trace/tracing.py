"""Forward and backward trace over the genealogy, any depth, with one recursive SQL query.

- `forward(session, actor, lot_id) -> TraceResult`: every lot the lot went into (at any depth), the
  serials of those lots, the shipments that carried any of them and the customers they reached.
- `backward(session, actor, lot_id) -> TraceResult`: every lot that went into it, down to the
  supplier receipts (`receipts`).
- `forward_from(session, actor, lot_ids)` is the same walk from several lots at once (the recall).
- `serial_trace(session, actor, serial_id)`: a serial is traced through its lot; forward, a consumed
  serial starts from the lots it went into.

Invariants:
- the walk is one `WITH RECURSIVE` query (the same text on SQLite and PostgreSQL) over
  `genealogy_link`, seeded only with lots of the actor's organization; links only ever join lots
  of one organization (services/trace/genealogy.py), and every lot reached is checked again (a lot of
  another organization would count as hidden). The recursive step joins on the (input, output)
  indexes alone: an organization filter there makes the planners walk the organization index
  instead, 40 times slower at a million links. UNION (not UNION ALL) keeps each lot once, so a
  cycle (rework into an earlier lot) ends the walk instead of looping;
- edges carry the consumed quantity, kind, work order and production pass; `depth` of a lot is its
  shortest distance from the start;
- lots of plants the actor cannot see are counted in `hidden_lots` but not shown, and the walk does
  not continue past them (they are another plant's business);
- reading needs VIEW.
"""
from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Customer, Product
from models.lots import GenealogyLink, LinkKind, Lot, LotOrigin, LotStatus, Serial
from models.orders import WorkOrder
from models.shipments import Shipment, ShipmentItem, ShipmentStatus
from services.core.access import Actor, Permission, require
from services.core.display_names import display_name
from services.trace.lots import lot_row, serial_row

_KINDS = {kind.value: kind for kind in LinkKind}
CHUNK = 900           # ids per IN (...) list: under SQLite's default limit of 999 bound parameters

_WALK = {
    "forward": ("input_lot_id", "output_lot_id"),
    "backward": ("output_lot_id", "input_lot_id"),
}


def walk_sql(direction: str, seed_count: int) -> str:
    """The recursive query: the edges reached from `seed_count` seed lots (:s0, :s1, ...) in one direction."""
    start, step = _WALK[direction]
    seeds = ", ".join(f":s{i}" for i in range(seed_count))
    return (
        "WITH RECURSIVE reach(lot_id) AS ("
        f" SELECT id FROM lot WHERE organization_id = :org AND id IN ({seeds})"
        " UNION"
        f" SELECT g.{step} FROM genealogy_link g JOIN reach r ON g.{start} = r.lot_id"
        ") "
        "SELECT g.input_lot_id, g.output_lot_id, g.quantity, g.kind, g.work_order_id, g.pass_no, g.input_serial_id "
        f"FROM genealogy_link g JOIN reach r ON g.{start} = r.lot_id"
    )


class TraceLot(BaseModel):
    id: int
    number: str
    plant_id: int
    product_id: int
    product_code: str
    product_name: str
    quantity: int
    quantity_initial: int
    unit: str
    status: LotStatus
    origin: LotOrigin
    supplier: str
    supplier_lot_ref: str
    work_order_number: str
    pass_no: int | None
    is_byproduct: bool
    depth: int
    at: datetime | None


class TraceEdge(BaseModel):
    input_lot_id: int
    output_lot_id: int
    quantity: int
    kind: LinkKind
    work_order_number: str
    pass_no: int | None
    input_serial_id: int | None


class TraceSerial(BaseModel):
    id: int
    number: str
    lot_id: int
    status: LotStatus


class TraceShipment(BaseModel):
    id: int
    number: str
    status: ShipmentStatus
    customer_id: int
    customer_code: str
    customer_name: str
    shipped_at: datetime | None
    lot_ids: list[int]
    quantity: int
    lot_quantities: dict[int, int] = {}       # lot id -> quantity of it on this shipment


class TraceCustomer(BaseModel):
    id: int
    code: str
    name: str


class TraceResult(BaseModel):
    direction: str
    root_lot_ids: list[int]
    lots: list[TraceLot]                # the start lots first (depth 0), then by depth and number
    edges: list[TraceEdge]
    serials: list[TraceSerial] = []
    shipments: list[TraceShipment] = []
    customers: list[TraceCustomer] = []
    hidden_lots: int = 0

    @property
    def receipts(self) -> list[TraceLot]:
        return [lot for lot in self.lots if lot.origin == LotOrigin.RECEIPT]

    def lot(self, lot_id: int) -> TraceLot:
        return next(lot for lot in self.lots if lot.id == lot_id)


# ----- the walks -------------------------------------------------------------------------------

def forward(session: Session, actor: Actor, lot_id: int) -> TraceResult:
    require(actor, Permission.VIEW)
    return forward_from(session, actor, [pk(lot_row(session, actor, lot_id))])


def backward(session: Session, actor: Actor, lot_id: int) -> TraceResult:
    require(actor, Permission.VIEW)
    lot = lot_row(session, actor, lot_id)
    return _trace(session, actor, "backward", [pk(lot)])


def forward_from(session: Session, actor: Actor, lot_ids: Iterable[int]) -> TraceResult:
    """Forward from several lots of the actor's (already checked) lots; also serials, shipments, customers."""
    require(actor, Permission.VIEW)
    result = _trace(session, actor, "forward", sorted(set(lot_ids)))
    ids = [lot.id for lot in result.lots]
    result.serials = _serials(session, ids)
    result.shipments = _shipments(session, ids)
    by_id = {s.customer_id: TraceCustomer(id=s.customer_id, code=s.customer_code, name=s.customer_name)
             for s in result.shipments}
    result.customers = sorted(by_id.values(), key=lambda c: c.code)
    return result


def serial_trace(session: Session, actor: Actor, serial_id: int, direction: str) -> TraceResult:
    """Trace a serial through its lot (backward), or (forward) from the lots a consumed serial went into."""
    require(actor, Permission.VIEW)
    serial = serial_row(session, actor, serial_id)
    if direction == "backward":
        return _trace(session, actor, "backward", [serial.lot_id])
    outputs = session.exec(select(GenealogyLink.output_lot_id).where(GenealogyLink.input_serial_id == serial.id)).all()
    return forward_from(session, actor, list(outputs) or [serial.lot_id])


def _trace(session: Session, actor: Actor, direction: str, seeds: list[int]) -> TraceResult:
    if not seeds:
        return TraceResult(direction=direction, root_lot_ids=[], lots=[], edges=[])
    raw_edges = [row for chunk in _chunks(seeds, CHUNK) for row in _walk(session, actor, direction, chunk)]
    raw_edges = list({(e[0], e[1], e[2], e[3], e[4], e[5], e[6]) for e in raw_edges})
    lots = _lots(session, {lot_id for e in raw_edges for lot_id in e[:2]} | set(seeds))
    visible = {lot_id for lot_id, lot in lots.items()
               if lot.organization_id == actor.organization_id and lot.plant_id in actor.plant_ids}
    edges = _visible_edges(raw_edges, direction, seeds, visible)
    reached = {e[0] for e in edges} | {e[1] for e in edges} | set(seeds)
    depth = _depths(edges, direction, seeds)
    work_orders = _work_order_numbers(session, {e[4] for e in edges if e[4]} | {lots[i].work_order_id for i in reached
                                                                                if lots[i].work_order_id})
    products = _by_id(session, Product, {lots[i].product_id for i in reached})
    trace_lots = [_trace_lot(lots[i], products[lots[i].product_id], work_orders, depth.get(i, 0)) for i in reached]
    trace_lots.sort(key=lambda t: (t.depth, t.number))
    trace_edges = sorted((TraceEdge.model_construct(input_lot_id=e[0], output_lot_id=e[1], quantity=e[2], kind=_KINDS[e[3]],
                                    work_order_number=work_orders.get(e[4], ""), pass_no=e[5], input_serial_id=e[6])
                          for e in edges), key=lambda e: (depth.get(e.output_lot_id if direction == "forward"
                                                                    else e.input_lot_id, 0), e.input_lot_id,
                                                          e.output_lot_id, e.quantity))
    hidden = len({i for i in lots if i not in visible})
    return TraceResult(direction=direction, root_lot_ids=seeds, lots=trace_lots, edges=trace_edges, hidden_lots=hidden)


def _walk(session: Session, actor: Actor, direction: str, seeds: list[int]) -> list[tuple]:
    params = {"org": actor.organization_id, **{f"s{i}": lot_id for i, lot_id in enumerate(seeds)}}
    return [tuple(row) for row in session.execute(sa.text(walk_sql(direction, len(seeds))), params)]


def _visible_edges(edges: list[tuple], direction: str, seeds: list[int], visible: set[int]) -> list[tuple]:
    """Edges reachable from the seeds without passing through a lot of a plant the actor cannot see."""
    start, step = (0, 1) if direction == "forward" else (1, 0)
    out = defaultdict(list)
    for e in edges:
        out[e[start]].append(e)
    kept, seen, queue = [], set(seeds), deque(s for s in seeds if s in visible)
    while queue:
        node = queue.popleft()
        for e in out[node]:
            if e[step] not in visible:
                continue
            kept.append(e)
            if e[step] not in seen:
                seen.add(e[step])
                queue.append(e[step])
    return kept


def _depths(edges: list[tuple], direction: str, seeds: list[int]) -> dict[int, int]:
    start, step = (0, 1) if direction == "forward" else (1, 0)
    out = defaultdict(list)
    for e in edges:
        out[e[start]].append(e[step])
    depth = {s: 0 for s in seeds}
    queue = deque(seeds)
    while queue:
        node = queue.popleft()
        for nxt in out[node]:
            if nxt not in depth:
                depth[nxt] = depth[node] + 1
                queue.append(nxt)
    return depth


def _trace_lot(lot: sa.Row, product: Product, work_orders: dict[int, str], depth: int) -> TraceLot:
    """Built without re-validation: every value comes from typed columns (a trace can hold thousands)."""
    return TraceLot.model_construct(id=lot.id, number=lot.number, plant_id=lot.plant_id, product_id=lot.product_id,
                    product_code=product.code, product_name=display_name(product), quantity=lot.quantity,
                    quantity_initial=lot.quantity_initial, unit=lot.unit, status=lot.status, origin=lot.origin,
                    supplier=lot.supplier, supplier_lot_ref=lot.supplier_lot_ref,
                    work_order_number=work_orders.get(lot.work_order_id, "") if lot.work_order_id else "",
                    pass_no=lot.pass_no, is_byproduct=bool(lot.is_byproduct), depth=depth,
                    at=lot.produced_at or lot.received_at)


# ----- what the forward walk reached ------------------------------------------------------------

def _serials(session: Session, lot_ids: list[int]) -> list[TraceSerial]:
    rows = [s for chunk in _chunks(lot_ids, CHUNK) for s in session.exec(select(Serial).where(col(Serial.lot_id).in_(chunk)))]
    return sorted((TraceSerial(id=s.id, number=s.number, lot_id=s.lot_id, status=s.status) for s in rows),
                  key=lambda s: s.number)


def _shipments(session: Session, lot_ids: list[int]) -> list[TraceShipment]:
    per_shipment: dict[int, list[ShipmentItem]] = defaultdict(list)
    for chunk in _chunks(lot_ids, CHUNK):
        for item in session.exec(select(ShipmentItem).where(col(ShipmentItem.lot_id).in_(chunk))):
            per_shipment[item.shipment_id].append(item)
    if not per_shipment:
        return []
    shipments = session.exec(select(Shipment, Customer).join(Customer, col(Customer.id) == Shipment.customer_id)
                             .where(col(Shipment.id).in_(list(per_shipment)), Shipment.status != ShipmentStatus.CANCELLED)).all()
    return sorted((TraceShipment(id=s.id, number=s.number, status=s.status, customer_id=c.id, customer_code=c.code,
                                 customer_name=display_name(c), shipped_at=s.shipped_at,
                                 lot_ids=sorted({i.lot_id for i in per_shipment[pk(s)]}),
                                 quantity=sum(i.quantity for i in per_shipment[pk(s)]),
                                 lot_quantities=_per_lot(per_shipment[pk(s)])) for s, c in shipments),
                  key=lambda s: s.number)


def _per_lot(items: list[ShipmentItem]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for item in items:
        totals[item.lot_id] += item.quantity
    return dict(sorted(totals.items()))


# ----- helpers ---------------------------------------------------------------------------------

_LOT_COLUMNS: tuple[Any, ...] = (Lot.id, Lot.organization_id, Lot.plant_id, Lot.number, Lot.product_id, Lot.quantity,
                Lot.quantity_initial, Lot.unit, Lot.status, Lot.origin, Lot.supplier, Lot.supplier_lot_ref,
                Lot.work_order_id, Lot.pass_no, Lot.is_byproduct, Lot.produced_at, Lot.received_at)


def _lots(session: Session, ids: set[int]) -> dict[int, sa.Row]:
    """The lots' columns a trace shows, as plain rows (no ORM identity map for thousands of lots)."""
    return {row.id: row for chunk in _chunks(sorted(ids), CHUNK)
            for row in session.execute(sa.select(*_LOT_COLUMNS).where(col(Lot.id).in_(chunk)))}


def _work_order_numbers(session: Session, ids: set[int]) -> dict[int, str]:
    return {wid: number for chunk in _chunks(sorted(ids), CHUNK)
            for wid, number in session.exec(select(WorkOrder.id, WorkOrder.number).where(col(WorkOrder.id).in_(chunk)))
            if wid is not None}


def _by_id(session: Session, model, ids: set[int]) -> dict:
    return {row.id: row for chunk in _chunks(sorted(ids), CHUNK)
            for row in session.exec(select(model).where(model.id.in_(chunk)))}


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]
