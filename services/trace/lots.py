"""Lots, serial numbers and storage locations: receive, move, hold and release, look up.

Interface (stable; the scanning station, services/trace/scanning.py, calls these):
- `receive(session, actor, ReceiptCreate(plant_id, product_id, quantity, supplier, supplier_lot_ref,
  location_id=None, serial_numbers=[]), *, now) -> LotRead` creates an available lot (LOT-000001)
  of a supplier receipt; a serialized product gets one serial per unit (given or SN-000001 ...);
  `ReceiptCreate.custom` holds custom field values (entity "lot", checked with the receipt's other
  fields; later changes: services/trace/custom_values.py); `list_lots(..., custom={key: value})` filters.
- `move(session, actor, lot_id, location_id, *, now) -> LotRead`
- `hold(session, actor, lot_id, *, reason, now) -> LotRead`, `release(session, actor, lot_id, *, now,
  reason="") -> LotRead` (only on-hold lots; a recalled lot stays recalled).
- `lot_by_number(session, actor, number) -> LotRead`, `serial_by_number(session, actor, number) ->
  SerialRead`, `location_by_code(session, actor, code, *, plant_id=None) -> LocationRead`,
  `get_lot(session, actor, lot_id) -> LotRead`, `list_lots(...)`, `lot_serials(...)`.
- `create_location(session, actor, LocationCreate(plant_id, code, name)) -> LocationRead`,
  `list_locations(session, actor, *, plant_id=None, include_inactive=False)`,
  `deactivate_location(session, actor, location_id, *, now) -> LocationRead` (SUPERVISE or
  MANAGE_PLANTS; an inactive location takes no receipt or move, its lots stay where they are).

Invariants:
- quantities are whole numbers in the product's unit (models/lots.py); a lot's `quantity` is what
  is on hand and never negative; a lot whose last unit is consumed becomes `consumed`;
- a lot or location of another organization, or of a plant the actor cannot see, is NotFound;
- receiving and moving need SCAN or SUPERVISE at the lot's plant; hold and release need QUALITY
  or SUPERVISE; reading needs VIEW; `lot_actions(actor, plant_id)` says which of these the actor holds;
- consumed, shipped and recalled lots cannot move; every change writes one audit entry and
  records one domain event ("lot.received", "lot.moved", "lot.held", "lot.released").
Services do not commit: the caller's `transaction(session)` does.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, col, func, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from models.base import pk
from models.catalog import Product
from models.lots import Location, Lot, LotOrigin, LotStatus, Serial
from models.orders import WorkOrder
from services.config import custom_field_views, custom_fields, form_layouts
from services.config.form_layouts import BuiltinField
from services.core.access import Actor, Permission, can_any, require
from services.core.audit import audit
from services.core.display_names import display_name
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.events import record
from services.core.messages import Message, t, word
from services.core.numbering import next_number, next_numbers
from services.core.scoping import get_scoped
from services.core.validation import CODE_RE, check
from services.trace.events import LocationDeactivated, LotEvent, LotHeld, LotMoved, LotReceived, LotReleased

HANDLE = (Permission.SCAN, Permission.SUPERVISE)
PRODUCE = (Permission.RUN_JOBS, Permission.SCAN, Permission.SUPERVISE)
HOLD = (Permission.QUALITY, Permission.SUPERVISE)
LOCATE = (Permission.SUPERVISE, Permission.MANAGE_PLANTS)
MAX_QUANTITY = 1_000_000_000
MAX_PAGE = 500

STATUS_WORDS: dict[LotStatus, Message] = {
    LotStatus.AVAILABLE: word(t("Available"), "available"), LotStatus.ON_HOLD: word(t("On hold"), "on hold"),
    LotStatus.CONSUMED: word(t("Used up"), "used up"), LotStatus.SHIPPED: word(t("Shipped"), "shipped"),
    LotStatus.RECALLED: word(t("Recalled"), "recalled"),
}


def either(words: Sequence[str]) -> str:
    """`words` joined by "or" in the language being served ("a or b or c")."""
    joined: str = words[0] if words else ""
    for following in words[1:]:
        joined = t("{first} or {second}", first=joined, second=following)
    return joined


class ReceiptCreate(BaseModel):
    plant_id: int
    product_id: int
    quantity: int
    supplier: str
    supplier_lot_ref: str = ""
    location_id: int | None = None
    serial_numbers: list[str] = Field(default_factory=list)
    custom: dict[str, Any] | None = None        # custom field values (services/config/custom_fields.py, entity "lot")


# The receive-material form's built-in fields for its layout (services/config/form_layouts.py).
form_layouts.register_form("lot", "Lots", [
    BuiltinField("plant_id", "Plant", True), BuiltinField("product_id", "Product", True),
    BuiltinField("quantity", "Quantity", True), BuiltinField("supplier", "Supplier", True),
    BuiltinField("supplier_lot_ref", "Supplier lot reference"), BuiltinField("location_id", "Location"),
    BuiltinField("serial_numbers", "Serial numbers")])


class LocationCreate(BaseModel):
    plant_id: int
    code: str
    name: str = ""


class LocationRead(BaseModel):
    id: int
    plant_id: int
    code: str
    name: str
    is_active: bool = True


class LotRead(BaseModel):
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
    location_id: int | None
    location_code: str
    supplier: str
    supplier_lot_ref: str
    received_at: datetime | None
    work_order_id: int | None
    work_order_number: str
    operation_id: int | None
    machine_id: int | None
    pass_no: int | None
    is_byproduct: bool
    produced_at: datetime | None
    hold_reason: str
    created_at: datetime
    custom: dict[str, Any] = {}


class SerialRead(BaseModel):
    id: int
    number: str
    lot_id: int
    lot_number: str
    product_id: int
    status: LotStatus


# ----- permissions and lookups shared by the traceability services ----------------------------

def require_any(actor: Actor, permissions: Iterable[Permission], *, plant_id: int | None = None) -> None:
    """Forbidden unless the actor holds one of `permissions` (at `plant_id`, when given)."""
    permissions = tuple(permissions)
    if not any(p in actor.permissions for p in permissions):
        names = either([f"'{p.value}'" for p in permissions])
        raise Forbidden(t("You are not allowed to do this: it needs the {permissions} permission.", permissions=names))
    if plant_id is not None and plant_id not in actor.plant_ids:
        raise NotFound(t("Plant not found."))       # a plant the actor cannot see does not exist for them


def lot_actions(actor: Actor, plant_id: int | None = None) -> dict[str, bool]:
    """What the actor may do with lots at `plant_id` (None: at one of their plants), from the permissions the
    changes require: receive and move (`can_handle`), hold and release (`can_hold`), locations (`can_locate`)."""
    return {"can_handle": can_any(actor, *HANDLE, plant_id=plant_id), "can_hold": can_any(actor, *HOLD, plant_id=plant_id),
            "can_locate": can_any(actor, *LOCATE, plant_id=plant_id)}


def lot_row(session: Session, actor: Actor, lot_id: int | None, *, for_update: bool = False) -> Lot:
    return get_scoped(session, actor, Lot, lot_id, t("Lot"), for_update=for_update)


def serial_row(session: Session, actor: Actor, serial_id: int | None, *, for_update: bool = False) -> Serial:
    return get_scoped(session, actor, Serial, serial_id, t("Serial number"), for_update=for_update)


def check_usable(lot: Lot, action: str = "use") -> None:
    """Conflict unless the lot is available (on hold, used up, shipped and recalled lots are not)."""
    if lot.status != LotStatus.AVAILABLE:
        status = STATUS_WORDS[LotStatus(lot.status)]
        refusals = {"consume": t("Lot {number} is {status}: you cannot consume it.", number=lot.number, status=status),
                    "pack": t("Lot {number} is {status}: you cannot pack it.", number=lot.number, status=status)}
        raise Conflict(refusals.get(action) or t("Lot {number} is {status}: you cannot use it.", number=lot.number,
                                                 status=status),
                       fields={"lot": t("Lot is {status}.", status=status)})


def new_lot_number(session: Session, organization_id: int) -> str:
    return next_number(session, organization_id, "LOT")


def make_serials(session: Session, actor: Actor, lot: Lot, product: Product, numbers: list[str], *,
                 now: datetime) -> list[Serial]:
    """One serial per unit of `lot`: the numbers given (unique, new) or SN-000001 ... from the sequence."""
    numbers = [n.strip() for n in numbers if n.strip()]
    if not product.is_serialized:
        check({"serial_numbers": t("This product has no serial numbers.")} if numbers else {})
        return []
    if not numbers:
        numbers = next_numbers(session, actor.organization_id, "SN", lot.quantity_initial)
    _check_serial_numbers(session, actor, numbers, lot.quantity_initial)
    serials = [Serial(organization_id=lot.organization_id, plant_id=lot.plant_id, number=n, product_id=lot.product_id,
                      lot_id=pk(lot), created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
               for n in numbers]
    session.add_all(serials)
    session.flush()
    return serials


def _check_serial_numbers(session: Session, actor: Actor, numbers: list[str], quantity: int) -> None:
    problems = {}
    if len(numbers) != quantity:
        problems["serial_numbers"] = t("Give one serial number per unit: {expected} expected, {given} given.",
                                       expected=quantity, given=len(numbers))
    elif len(set(numbers)) != len(numbers):
        problems["serial_numbers"] = t("A serial number is given twice.")
    elif any(len(n) > 64 for n in numbers):
        problems["serial_numbers"] = t("A serial number is at most {limit} characters.", limit=64)
    else:
        taken = session.exec(select(Serial.number).where(Serial.organization_id == actor.organization_id,
                                                         col(Serial.number).in_(numbers))).first()
        if taken:
            problems["serial_numbers"] = t("Serial number {number} exists already.", number=taken)
    check(problems)


def _product(session: Session, actor: Actor, product_id: int) -> Product:
    product = get_scoped(session, actor, Product, product_id, t("Product"))
    if not product.is_active:
        raise Invalid(fields={"product_id": t("This product is no longer active.")})
    return product


def _location(session: Session, actor: Actor, location_id: int | None, plant_id: int) -> Location | None:
    if location_id is None:
        return None
    location = get_scoped(session, actor, Location, location_id, t("Location"))
    if location.plant_id != plant_id:
        raise Invalid(fields={"location_id": t("This location is in another plant.")})
    if not location.is_active:
        raise Invalid(fields={"location_id": t("This location is no longer in use.")})
    return location


def _announce(session: Session, actor: Actor, lot: Lot, action: str, event: type[LotEvent], now: datetime,
              **changes: Any) -> None:
    """Audit `changes` on the lot and record `event` with them (its fields besides the lot's id and number)."""
    audit(session, actor, "lot", pk(lot), action, changes, plant_id=lot.plant_id, at=now)
    record(session, event(organization_id=lot.organization_id, plant_id=lot.plant_id, actor_user_id=actor.user_id,
                          at=now, lot_id=pk(lot), number=lot.number, **changes))


# ----- receive, move, hold, release ------------------------------------------------------------

def receive(session: Session, actor: Actor, data: ReceiptCreate, *, now: datetime) -> LotRead:
    require_any(actor, HANDLE, plant_id=data.plant_id)
    product = _product(session, actor, data.product_id)
    location = _location(session, actor, data.location_id, data.plant_id)
    supplier, ref = data.supplier.strip(), data.supplier_lot_ref.strip()
    problems: dict[str, str] = {k: v for k, v in {
        "quantity": None if 0 < data.quantity <= MAX_QUANTITY else t("Give a whole quantity above 0."),
        "supplier": None if 0 < len(supplier) <= 200 else t("Name the supplier (at most {limit} characters).", limit=200),
        "supplier_lot_ref": None if len(ref) <= 64 else t("At most {limit} characters.", limit=64),
    }.items() if v}
    # a scanning station's token (SCAN only) receives without custom values; people fill them on the lot, and
    # their receipt form follows the organization's layout
    if actor.can(Permission.VIEW) or data.custom:
        custom = custom_fields.validate(session, actor, "lot", data.custom, problems=problems, builtin={
            "plant_id": data.plant_id, "product_id": data.product_id, "quantity": data.quantity, "supplier": supplier,
            "supplier_lot_ref": ref, "location_id": data.location_id,
            "serial_numbers": "\n".join(s.strip() for s in data.serial_numbers if s.strip())})
    else:
        check(problems)
        custom = {}
    lot = Lot(organization_id=actor.organization_id, plant_id=data.plant_id,
              number=new_lot_number(session, actor.organization_id), product_id=pk(product),
              quantity=data.quantity, quantity_initial=data.quantity, unit=product.unit, origin=LotOrigin.RECEIPT,
              location_id=location.id if location else None, supplier=supplier, supplier_lot_ref=ref, custom=custom,
              received_at=now, created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(lot)
    session.flush()
    serials = make_serials(session, actor, lot, product, data.serial_numbers, now=now)
    _announce(session, actor, lot, "receive", LotReceived, now, product_id=product.id, quantity=lot.quantity,
              supplier=supplier, supplier_lot_ref=ref, location_id=lot.location_id, serials=len(serials), custom=custom)
    return read_lot(session, lot)


def move(session: Session, actor: Actor, lot_id: int, location_id: int, *, now: datetime) -> LotRead:
    lot = lot_row(session, actor, lot_id, for_update=True)
    require_any(actor, HANDLE, plant_id=lot.plant_id)
    location = _location(session, actor, location_id, lot.plant_id)
    assert location is not None             # a location id was given
    if lot.status in (LotStatus.CONSUMED, LotStatus.SHIPPED, LotStatus.RECALLED):
        raise Conflict(t("Lot {number} is {status}: it cannot move.", number=lot.number,
                         status=STATUS_WORDS[LotStatus(lot.status)]))
    before = lot.location_id
    lot.location_id, lot.updated_at, lot.updated_by = location.id, now, actor.user_id
    session.add(lot)
    _announce(session, actor, lot, "move", LotMoved, now, location_id={"before": before, "after": location.id})
    return read_lot(session, lot)


def hold(session: Session, actor: Actor, lot_id: int, *, reason: str, now: datetime) -> LotRead:
    lot = lot_row(session, actor, lot_id, for_update=True)
    require_any(actor, HOLD, plant_id=lot.plant_id)
    reason = reason.strip()
    check({"reason": t("Say why the lot is held (at most {limit} characters).", limit=500)} if not 0 < len(reason) <= 500 else {})
    put_on_hold(session, actor, lot, reason, now=now)
    return read_lot(session, lot)


def put_on_hold(session: Session, actor: Actor, lot: Lot, reason: str, *, now: datetime, audited: bool = True) -> None:
    """Hold one available lot (and its available serials); the recall uses it with one audit entry for all."""
    if lot.status != LotStatus.AVAILABLE:
        raise Conflict(t("Lot {number} is {status}: only available lots can be held.", number=lot.number,
                         status=STATUS_WORDS[LotStatus(lot.status)]))
    lot.status, lot.hold_reason, lot.updated_at, lot.updated_by = LotStatus.ON_HOLD, reason, now, actor.user_id
    session.add(lot)
    for serial in session.exec(select(Serial).where(Serial.lot_id == lot.id, Serial.status == LotStatus.AVAILABLE)):
        serial.status, serial.updated_at = LotStatus.ON_HOLD, now
        session.add(serial)
    if audited:
        _announce(session, actor, lot, "hold", LotHeld, now, reason=reason)


def release(session: Session, actor: Actor, lot_id: int, *, now: datetime, reason: str = "") -> LotRead:
    lot = lot_row(session, actor, lot_id, for_update=True)
    require_any(actor, HOLD, plant_id=lot.plant_id)
    if lot.status != LotStatus.ON_HOLD:
        raise Conflict(t("Lot {number} is {status}, not on hold.", number=lot.number,
                         status=STATUS_WORDS[LotStatus(lot.status)]))
    lot.status = LotStatus.AVAILABLE if lot.quantity > 0 else LotStatus.CONSUMED
    held_for, lot.hold_reason, lot.updated_at, lot.updated_by = lot.hold_reason, "", now, actor.user_id
    session.add(lot)
    for serial in session.exec(select(Serial).where(Serial.lot_id == lot.id, Serial.status == LotStatus.ON_HOLD)):
        serial.status, serial.updated_at = LotStatus.AVAILABLE, now
        session.add(serial)
    _announce(session, actor, lot, "release", LotReleased, now, held_for=held_for, reason=reason.strip()[:500])
    return read_lot(session, lot)


# ----- locations -------------------------------------------------------------------------------

def create_location(session: Session, actor: Actor, data: LocationCreate, *, now: datetime) -> LocationRead:
    require_any(actor, LOCATE, plant_id=data.plant_id)
    code, name = data.code.strip().upper(), data.name.strip()
    check({k: v for k, v in {
        "code": None if CODE_RE.match(code) else t("Use 1-32 letters, digits, dot, dash or underscore."),
        "name": None if len(name) <= 200 else t("At most {limit} characters.", limit=200),
    }.items() if v})
    if session.exec(select(Location.id).where(Location.plant_id == data.plant_id, Location.code == code)).first():
        raise Conflict(t("Location {code} exists already in this plant.", code=code), fields={"code": t("Already in use.")})
    location = Location(organization_id=actor.organization_id, plant_id=data.plant_id, code=code, name=name,
                        created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(location)
    session.flush()
    audit(session, actor, "location", location.id, "create", {"code": code, "name": name}, plant_id=data.plant_id, at=now)
    return LocationRead.model_validate(location, from_attributes=True)


def list_locations(session: Session, actor: Actor, *, plant_id: int | None = None,
                   include_inactive: bool = False) -> list[LocationRead]:
    require(actor, Permission.VIEW)
    query = select(Location).where(Location.organization_id == actor.organization_id,
                                   col(Location.plant_id).in_(actor.plant_ids or [-1]))
    if not include_inactive:
        query = query.where(Location.is_active)
    if plant_id is not None:
        query = query.where(Location.plant_id == plant_id)
    return [LocationRead.model_validate(r, from_attributes=True) for r in session.exec(query.order_by(Location.code))]


def deactivate_location(session: Session, actor: Actor, location_id: int, *, now: datetime) -> LocationRead:
    """Take a location out of use: nothing is received or moved there any more; lots already there keep it."""
    location = get_scoped(session, actor, Location, location_id, t("Location"), for_update=True)
    require_any(actor, LOCATE, plant_id=location.plant_id)
    if not location.is_active:
        raise Conflict(t("Location {code} is already out of use.", code=location.code))
    location.is_active, location.updated_at, location.updated_by = False, now, actor.user_id
    session.add(location)
    session.flush()
    audit(session, actor, "location", location.id, "deactivate", {"code": location.code}, plant_id=location.plant_id,
          at=now)
    record(session, LocationDeactivated(organization_id=location.organization_id, plant_id=location.plant_id,
                                        actor_user_id=actor.user_id, at=now, location_id=pk(location),
                                        code=location.code))
    return LocationRead.model_validate(location, from_attributes=True)


def location_by_code(session: Session, actor: Actor, code: str, *, plant_id: int | None = None) -> LocationRead:
    require(actor, Permission.VIEW)
    query = select(Location).where(Location.organization_id == actor.organization_id, Location.code == code.strip().upper(),
                                   col(Location.plant_id).in_(actor.plant_ids or [-1]))
    if plant_id is not None:
        query = query.where(Location.plant_id == plant_id)
    location = session.exec(query.order_by(col(Location.id))).first()
    if location is None:
        raise NotFound(t("Location {code} not found.", code=code))
    return LocationRead.model_validate(location, from_attributes=True)


# ----- reads -----------------------------------------------------------------------------------

def get_lot(session: Session, actor: Actor, lot_id: int) -> LotRead:
    require(actor, Permission.VIEW)
    return read_lot(session, lot_row(session, actor, lot_id))


def lot_by_number(session: Session, actor: Actor, number: str) -> LotRead:
    require(actor, Permission.VIEW)
    lot = session.exec(select(Lot).where(Lot.organization_id == actor.organization_id,
                                         Lot.number == number.strip())).first()
    if lot is None or lot.plant_id not in actor.plant_ids:
        raise NotFound(t("Lot {number} not found.", number=number))
    return read_lot(session, lot)


def serial_by_number(session: Session, actor: Actor, number: str) -> SerialRead:
    require(actor, Permission.VIEW)
    serial = session.exec(select(Serial).where(Serial.organization_id == actor.organization_id,
                                               Serial.number == number.strip())).first()
    if serial is None or serial.plant_id not in actor.plant_ids:
        raise NotFound(t("Serial number {number} not found.", number=number))
    return read_serial(session, serial)


def lot_serials(session: Session, actor: Actor, lot_id: int) -> list[SerialRead]:
    require(actor, Permission.VIEW)
    lot = lot_row(session, actor, lot_id)
    rows = session.exec(select(Serial).where(Serial.lot_id == lot.id).order_by(Serial.number)).all()
    return [SerialRead(id=s.id, number=s.number, lot_id=lot.id, lot_number=lot.number, product_id=s.product_id,
                       status=s.status) for s in rows]


def list_lots(session: Session, actor: Actor, *, plant_id: int | None = None, status: LotStatus | None = None,
              product_id: int | None = None, search: str = "", limit: int = 100,
              offset: int = 0, custom: dict[str, Any] | None = None) -> tuple[list[LotRead], int]:
    """`custom` filters by custom field values ({key: value}, services/config/custom_fields.py)."""
    query = lots_query(session, actor, plant_id=plant_id, status=status, product_id=product_id, search=search,
                       custom=custom)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Lot.id).desc()).offset(max(offset, 0)).limit(min(max(limit, 1), MAX_PAGE))).all()
    return read_lots(session, rows), total


def lots_query(session: Session, actor: Actor, *, plant_id: int | None = None, status: LotStatus | None = None,
               product_id: int | None = None, search: str = "", custom: dict[str, Any] | None = None
               ) -> SelectOfScalar[Lot]:
    """The lots a list shows (VIEW; the actor's plants), filtered, unordered (services/trace/lot_pages.py pages it)."""
    require(actor, Permission.VIEW)
    query: SelectOfScalar[Lot] = select(Lot).where(Lot.organization_id == actor.organization_id,
                                                   col(Lot.plant_id).in_(actor.plant_ids or [-1]))
    query = custom_field_views.apply_filters(session, actor, "lot", query, Lot, custom)
    if plant_id is not None:
        query = query.where(Lot.plant_id == plant_id)
    if status is not None:
        query = query.where(Lot.status == status)
    if product_id is not None:
        query = query.where(Lot.product_id == product_id)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.join(Product, col(Product.id) == Lot.product_id).where(or_(
            func.lower(Lot.number).like(pattern), func.lower(Lot.supplier_lot_ref).like(pattern),
            func.lower(Lot.supplier).like(pattern), func.lower(Product.code).like(pattern)))
    return query


def read_lot(session: Session, lot: Lot) -> LotRead:
    return read_lots(session, [lot])[0]


def read_lots(session: Session, lots: Sequence[Lot]) -> list[LotRead]:
    products = _by_id(session, Product, {lot.product_id for lot in lots})
    locations = _by_id(session, Location, {lot.location_id for lot in lots if lot.location_id})
    work_orders = _by_id(session, WorkOrder, {lot.work_order_id for lot in lots if lot.work_order_id})
    return [LotRead(
        id=lot.id, number=lot.number, plant_id=lot.plant_id, product_id=lot.product_id,
        product_code=products[lot.product_id].code, product_name=display_name(products[lot.product_id]),
        quantity=lot.quantity, quantity_initial=lot.quantity_initial, unit=lot.unit, status=lot.status,
        origin=lot.origin, location_id=lot.location_id,
        location_code=locations[lot.location_id].code if lot.location_id else "",
        supplier=lot.supplier, supplier_lot_ref=lot.supplier_lot_ref, received_at=lot.received_at,
        work_order_id=lot.work_order_id,
        work_order_number=work_orders[lot.work_order_id].number if lot.work_order_id else "",
        operation_id=lot.operation_id, machine_id=lot.machine_id, pass_no=lot.pass_no, is_byproduct=lot.is_byproduct,
        produced_at=lot.produced_at, hold_reason=lot.hold_reason, created_at=lot.created_at,
        custom=dict(lot.custom or {})) for lot in lots]


def read_serial(session: Session, serial: Serial) -> SerialRead:
    lot = session.get_one(Lot, serial.lot_id)
    return SerialRead(id=serial.id, number=serial.number, lot_id=lot.id, lot_number=lot.number,
                      product_id=serial.product_id, status=serial.status)


def _by_id(session: Session, model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(model).where(model.id.in_(ids)))}
