"""Scanning stations: one scanned label (or supplier barcode) in, one unmistakable answer out.

Interface: `scan(session, actor, ScanRequest(mode, raw, client_scan_id, context...), *, now) -> ScanAnswer`,
`recent_scans(session, actor, *, limit=20)` and `receivable_products(session, actor)`. A fixed station calls it through `POST /api/v1/scans`
with a station token (SCAN); the scan page calls it for a logged-in operator.

Modes and what a scan does (the traceability services do the work and word the refusals):
- receive: a supplier's barcode (its lot reference) receives `quantity` of `product_id` from
  `supplier` as a new lot (`services.trace.lots.receive`); a location label sets where it goes.
- move: a location label sets the destination; a lot label moves the lot there (`lots.move`).
- consume: a work-order label picks its open job (`genealogy.job_for_work_order`); a lot or serial
  label consumes it into that job (`genealogy.consume`).
- pack: a shipment label picks the shipment; a lot or serial label packs it (`shipment_packing.pack_item`,
  which answers the packed item only, not the whole shipment).
- ship: a shipment label ships it with `carrier` and `tracking_number` (`shipments.ship`).
A label that sets the context answers OK with `context_*` filled: the station sends those ids with
the following scans, so a station never needs a mouse.

Invariants:
- every scan is recorded (`models.scans.Scan`), OK or error, with the words shown to the person;
  an error changes nothing else (the action runs in a savepoint that is rolled back);
- the same `client_scan_id` is answered with the first answer (`duplicate=True`) and never runs
  twice, also when two copies arrive at the same moment (unique constraint + savepoint);
- the same label scanned again in the same receive, consume or pack context is refused as
  "already scanned" and counted once; moving a lot to where it already is changes nothing;
- labels of another organization, unknown labels and malformed payloads are refused (labels.py);
- needs SCAN; the objects touched must be in the actor's plants (the services check).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Product
from models.lots import Lot
from models.scans import Scan, ScanMode, ScanResult
from services.core.access import Actor, Permission, require
from services.core.display_names import display_name
from services.core.errors import Conflict, DomainError, Invalid, NotFound
from services.core.events import record
from services.core.messages import render, t
from services.trace import genealogy, labels, lots, shipment_packing, shipments
from services.trace.events import ScanAccepted, ScanRefused
from services.trace.labels import KIND_WORDS, LabelError, LabelKind, LabelTarget

MAX_RAW = 200
CONTEXT_KIND = {ScanMode.RECEIVE: LabelKind.LOC, ScanMode.MOVE: LabelKind.LOC, ScanMode.CONSUME: LabelKind.WO,
                ScanMode.PACK: LabelKind.SHP}
ITEM_KINDS = {ScanMode.MOVE: (LabelKind.LOT,), ScanMode.CONSUME: (LabelKind.LOT, LabelKind.SER),
              ScanMode.PACK: (LabelKind.LOT, LabelKind.SER), ScanMode.SHIP: (LabelKind.SHP,)}
CONTEXT_WORDS = {"WO": "operation", "SHP": "shipment", "LOC": "location"}
COUNTED_ONCE = (ScanMode.RECEIVE, ScanMode.CONSUME, ScanMode.PACK)
REASON_WORDS = (     # matched in the refusal's English words, whatever language it was shown in
    ("wrong product", "wrong_product"), ("on hold", "on_hold"), ("already packed", "already_packed"),
                ("recalled", "recalled"), ("used up", "used_up"), ("nothing left", "used_up"),
                ("is shipped", "already_shipped"), ("over-pack", "over_pack"))


class ScanRequest(BaseModel):
    mode: ScanMode
    raw: str = Field(max_length=2000, description="What the scanner read (a Takt label or a supplier barcode).")
    client_scan_id: str | None = Field(default=None, max_length=64,
                                       description="The station's own id for this scan; resend it to retry safely.")
    plant_id: int | None = Field(default=None, description="receive: the plant (default: your only plant).")
    location_id: int | None = Field(default=None, description="receive/move: the location.")
    operation_id: int | None = Field(default=None, description="consume: the job.")
    shipment_id: int | None = Field(default=None, description="pack: the shipment.")
    product_id: int | None = Field(default=None, description="receive: the product received.")
    supplier: str = Field(default="", max_length=200, description="receive: the supplier.")
    delivery_ref: str = Field(default="", max_length=64, description="receive: the delivery note number.")
    quantity: int | None = Field(default=None, description="receive: quantity per label; consume/pack: how much "
                                                           "(default: all that is left / still needed).")
    carrier: str = Field(default="", max_length=100, description="ship: the carrier.")
    tracking_number: str = Field(default="", max_length=100, description="ship: the tracking number.")


class ScanAnswer(BaseModel):
    id: int
    ok: bool
    result: ScanResult
    reason: str = Field(description="For errors: unknown_label, wrong_product, on_hold, already_packed, "
                                    "already_scanned, foreign_org, malformed, ...; 'context' when a label set the context.")
    message: str
    mode: ScanMode
    raw: str
    plant_id: int | None = None
    label_kind: str = ""
    object_id: int | None = None
    quantity: int | None = None
    duplicate: bool = False
    context_kind: str = ""
    context_id: int | None = None
    context_label: str = ""
    at: datetime


class _Done(BaseModel):
    message: str
    object_id: int | None = None
    quantity: int | None = None
    reason: str = ""
    context_kind: str = ""
    context_id: int | None = None


def scan(session: Session, actor: Actor, request: ScanRequest, *, now: datetime) -> ScanAnswer:
    require(actor, Permission.SCAN)
    _take_write_lock(session)
    raw = request.raw.strip()[:MAX_RAW]
    client_id = (request.client_scan_id or "").strip() or None
    if client_id is not None and (earlier := _by_client_id(session, actor, client_id)) is not None:
        return _answer(earlier, duplicate=True)
    context = _context(request)
    try:
        with session.begin_nested():
            target, done = _perform(session, actor, request, raw, context, now)
            row = _row(actor, request, raw, client_id, context, ScanResult.OK, done.reason, done.message,
                       target, done, now)
            session.add(row)
            session.flush()
    except IntegrityError:
        earlier = _by_client_id(session, actor, client_id) if client_id else None
        if earlier is None:
            raise
        return _answer(earlier, duplicate=True)
    except DomainError as error:
        row = _row(actor, request, raw, client_id, context, ScanResult.ERROR, _reason(error), error.message,
                   None, None, now)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            earlier = _by_client_id(session, actor, client_id) if client_id else None
            if earlier is None:
                raise
            return _answer(earlier, duplicate=True)
    event = ScanAccepted if row.result == ScanResult.OK else ScanRefused
    record(session, event(organization_id=actor.organization_id, plant_id=row.plant_id, actor_user_id=actor.user_id,
                          at=now, scan_id=pk(row), mode=row.mode.value, reason=row.reason))
    return _answer(row)


def recent_scans(session: Session, actor: Actor, *, limit: int = 20) -> list[ScanAnswer]:
    """The latest scans of this station (token) or person, newest first."""
    require(actor, Permission.SCAN)
    query = select(Scan).where(Scan.organization_id == actor.organization_id)
    query = query.where(Scan.api_token_id == actor.api_token_id) if actor.api_token_id else \
        query.where(Scan.user_id == actor.user_id, col(Scan.api_token_id).is_(None))
    rows = session.exec(query.order_by(col(Scan.id).desc()).limit(max(1, min(limit, 200)))).all()
    return [_answer(row) for row in rows]


class ProductChoice(BaseModel):
    id: int
    code: str
    name: str
    unit: str


def receivable_products(session: Session, actor: Actor) -> list[ProductChoice]:
    """Active products of the organization, for choosing what a receive scan books in."""
    require(actor, Permission.SCAN)
    rows = session.exec(select(Product).where(Product.organization_id == actor.organization_id,
                                              Product.is_active == True).order_by(Product.code).limit(2000)).all()  # noqa: E712
    return [ProductChoice(id=p.id, code=p.code, name=display_name(p), unit=p.unit) for p in rows]


# --- one scan ----------------------------------------------------------------------------------------

def _perform(session: Session, actor: Actor, request: ScanRequest, raw: str, context: str,
             now: datetime) -> tuple[LabelTarget | None, _Done]:
    mode = request.mode
    if mode == ScanMode.RECEIVE and not raw.upper().startswith(labels.PREFIX + labels.SEPARATOR):
        return None, _receive(session, actor, request, raw, context, now)
    allowed = ITEM_KINDS.get(mode, ()) + ((CONTEXT_KIND[mode],) if mode in CONTEXT_KIND else ())
    if mode == ScanMode.RECEIVE:
        allowed = (LabelKind.LOC,)
    try:
        target = labels.resolve(session, actor, raw, kinds=allowed)
    except LabelError as error:
        if error.reason == "wrong_kind" and mode == ScanMode.RECEIVE:
            raise LabelError("wrong_kind", t("This is already a Takt label: in Receive, scan the supplier's label "
                                             "(or a location label).")) from None
        raise
    except NotFound as error:
        raise _UnknownLabel(error.message, fields={"payload": t("Unknown label.")}) from None
    if target.kind == CONTEXT_KIND.get(mode):
        return target, _set_context(session, actor, mode, target)
    _refuse_repeat(session, actor, mode, raw, context, target)
    return target, ACTIONS[mode](session, actor, request, target, now)


def _receive(session: Session, actor: Actor, request: ScanRequest, raw: str, context: str, now: datetime) -> _Done:
    if not raw:
        raise LabelError("malformed", t("Nothing was scanned."))
    if request.product_id is None or request.quantity is None or not request.supplier.strip():
        raise Invalid(t("Before receiving, choose the product, the supplier and the quantity per label."),
                      fields={"product_id": t("Required."), "supplier": t("Required."), "quantity": t("Required.")})
    if len(raw) > 64:
        raise Invalid(t("This barcode is too long for a supplier lot reference ({limit} characters at most).", limit=64))
    _refuse_repeat(session, actor, ScanMode.RECEIVE, raw, context, None)
    lot = lots.receive(session, actor, lots.ReceiptCreate(
        plant_id=_plant(actor, request), product_id=request.product_id, quantity=request.quantity,
        supplier=request.supplier, supplier_lot_ref=raw, location_id=request.location_id), now=now)
    return _Done(message=t("Received {quantity} {unit} as lot {number}.", quantity=lot.quantity, unit=lot.unit,
                           number=lot.number), object_id=lot.id,
                 quantity=lot.quantity)


def _move(session: Session, actor: Actor, request: ScanRequest, target: LabelTarget, now: datetime) -> _Done:
    if request.location_id is None:
        raise Invalid(t("Scan the location label first, then the lots to put there."),
                      fields={"location_id": t("Required.")})
    lot = session.get_one(Lot, target.id)
    if lot.location_id == request.location_id:
        return _Done(message=t("Lot {number} is already here: nothing to move.", number=target.code), object_id=target.id)
    moved = lots.move(session, actor, target.id, request.location_id, now=now)
    message = (t("Lot {number} moved to {location}.", number=moved.number, location=moved.location_code)
               if moved.location_code else t("Lot {number} moved to the location.", number=moved.number))
    return _Done(message=message, object_id=target.id)


def _consume(session: Session, actor: Actor, request: ScanRequest, target: LabelTarget, now: datetime) -> _Done:
    if request.operation_id is None:
        raise Invalid(t("Scan the work order label first, then the material."),
                      fields={"operation_id": t("Required.")})
    item: dict[str, Any] = {"serial_id": target.id} if target.kind == LabelKind.SER else {"lot_id": target.id}
    done = genealogy.consume(session, actor, operation_id=request.operation_id, quantity=request.quantity,
                             now=now, **item)
    return _Done(message=t("Consumed {quantity} from lot {number} into the job ({left} left in the lot).",
                           quantity=done.quantity, number=done.lot_number, left=done.lot_quantity_left),
                 object_id=target.id, quantity=done.quantity)


def _pack(session: Session, actor: Actor, request: ScanRequest, target: LabelTarget, now: datetime) -> _Done:
    if request.shipment_id is None:
        raise Invalid(t("Scan the shipment label first, then the lots or serial numbers."),
                      fields={"shipment_id": t("Required.")})
    item = {"serial_id": target.id} if target.kind == LabelKind.SER else {"lot_id": target.id}
    done = shipment_packing.pack_item(session, actor, request.shipment_id, quantity=request.quantity, now=now, **item)
    return _Done(message=t("Packed {quantity} of {code} into {shipment}.", quantity=done.item.quantity, code=target.code,
                           shipment=done.shipment_number),
                 object_id=target.id, quantity=done.item.quantity)


def _ship(session: Session, actor: Actor, request: ScanRequest, target: LabelTarget, now: datetime) -> _Done:
    shipped = shipments.ship(session, actor, target.id, carrier=request.carrier,
                             tracking_number=request.tracking_number, now=now)
    return _Done(message=t("Shipment {number} shipped with {carrier}.", number=shipped.number,
                           carrier=shipped.carrier), object_id=target.id)


ACTIONS = {ScanMode.MOVE: _move, ScanMode.CONSUME: _consume, ScanMode.PACK: _pack, ScanMode.SHIP: _ship}


def _set_context(session: Session, actor: Actor, mode: ScanMode, target: LabelTarget) -> _Done:
    if mode == ScanMode.CONSUME:
        job_id = genealogy.job_for_work_order(session, actor, target.id)
        return _Done(message=t("Material now goes to work order {number}. Scan the lots.", number=target.code),
                     reason="context",
                     object_id=target.id, context_kind="operation", context_id=job_id)
    words = {ScanMode.PACK: t("Packing shipment {number} ({customer}). Scan the lots or serials.", number=target.code,
                              customer=target.subtitle),
             ScanMode.MOVE: t("Putting away to {location}. Scan the lots.", location=target.code),
             ScanMode.RECEIVE: t("Receiving into {location}. Scan the supplier labels.", location=target.code)}
    kind = "shipment" if mode == ScanMode.PACK else "location"
    return _Done(message=words[mode], reason="context", object_id=target.id, context_kind=kind, context_id=target.id)


def _refuse_repeat(session: Session, actor: Actor, mode: ScanMode, raw: str, context: str,
                   target: LabelTarget | None) -> None:
    if mode not in COUNTED_ONCE or not context:
        return
    earlier = session.exec(select(Scan.id).where(
        Scan.organization_id == actor.organization_id, Scan.context == context, Scan.raw == raw,
        Scan.result == ScanResult.OK, Scan.reason == "")).first()
    if earlier is not None:
        what = (t("{kind} {code}", kind=KIND_WORDS[target.kind], code=target.code) if target
                else t("supplier lot {reference}", reference=raw))
        raise _Repeat({
            ScanMode.RECEIVE: t("Already scanned: {what} is already received. It was counted once.", what=what),
            ScanMode.CONSUME: t("Already scanned: {what} is already consumed into this job. It was counted once.",
                                what=what),
            ScanMode.PACK: t("Already scanned: {what} is already packed in this shipment. It was counted once.",
                             what=what)}[mode])


class _Repeat(Conflict):
    code = "already_scanned"


class _UnknownLabel(NotFound):
    """A label naming nothing in the person's plants (the scan's reason unknown_label; a NotFound to callers)."""


def _context(request: ScanRequest) -> str:
    mode = request.mode
    if mode == ScanMode.RECEIVE and request.product_id is not None:
        return (f"receive:{request.plant_id or ''}:{request.product_id}:{request.supplier.strip().lower()}"
                f":{request.delivery_ref.strip()}")[:120]
    ids = {ScanMode.MOVE: ("location", request.location_id), ScanMode.CONSUME: ("operation", request.operation_id),
           ScanMode.PACK: ("shipment", request.shipment_id)}.get(mode)
    return f"{ids[0]}:{ids[1]}" if ids and ids[1] is not None else ""


def _plant(actor: Actor, request: ScanRequest) -> int:
    if request.plant_id is not None:
        return request.plant_id
    if len(actor.plant_ids) == 1:
        return next(iter(actor.plant_ids))
    raise Invalid(t("Choose the plant you receive into."), fields={"plant_id": t("Required.")})


def _reason(error: DomainError) -> str:
    if isinstance(error, LabelError):
        return error.reason
    if isinstance(error, _Repeat):
        return error.code
    if isinstance(error, _UnknownLabel):
        return "unknown_label"
    text = " ".join(render(words, "en") for words in (error.message, *error.fields.values())).lower()
    return next((reason for words, reason in REASON_WORDS if words in text), error.code)


def _take_write_lock(session: Session) -> None:
    """SQLite: take the database's single write lock before reading (a scan always writes), so two
    scans at the same moment wait for each other instead of failing; PostgreSQL locks rows."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite" and driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _by_client_id(session: Session, actor: Actor, client_id: str) -> Scan | None:
    return session.exec(select(Scan).where(Scan.organization_id == actor.organization_id,
                                           Scan.client_scan_id == client_id)).first()


def _row(actor: Actor, request: ScanRequest, raw: str, client_id: str | None, context: str, result: ScanResult,
         reason: str, message: str, target: LabelTarget | None, done: _Done | None, now: datetime) -> Scan:
    plant_id = target.plant_id if target else (request.plant_id if request.plant_id in actor.plant_ids else None)
    if plant_id is None and len(actor.plant_ids) == 1:
        plant_id = next(iter(actor.plant_ids))
    return Scan(organization_id=actor.organization_id, plant_id=plant_id, user_id=actor.user_id,
                api_token_id=actor.api_token_id, mode=request.mode, context=context, raw=raw or "(empty)",
                client_scan_id=client_id, result=result, reason=reason[:32], message=message[:500],
                label_kind=target.kind.value if target else "",
                object_id=(done.context_id if done.reason == "context" else done.object_id) if done else None,
                quantity=done.quantity if done else None, at=now)


def _answer(row: Scan, *, duplicate: bool = False) -> ScanAnswer:
    is_context = row.result == ScanResult.OK and row.reason == "context"
    return ScanAnswer(id=row.id, ok=row.result == ScanResult.OK, result=row.result, reason=row.reason,
                      message=row.message, mode=row.mode, raw=row.raw, plant_id=row.plant_id, label_kind=row.label_kind,
                      object_id=row.object_id, quantity=row.quantity, duplicate=duplicate,
                      context_kind=CONTEXT_WORDS.get(row.label_kind, "") if is_context else "",
                      context_id=row.object_id if is_context else None,
                      context_label=row.message if is_context else "", at=row.at)
