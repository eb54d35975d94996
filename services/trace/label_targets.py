"""The objects labels name, found by id (to print) or by the code on a scanned label.

One finder pair per label kind. Every lookup is limited to the actor's organization and plants; a
row outside them is `NotFound`, worded like an unknown label ("No work order WO-1 in your plants").
Machines and locations are unique per plant, so their label code is `<plant code>/<code>`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Customer, Product
from models.lots import Location, Lot, Serial
from models.orders import WorkOrder
from models.organization import Plant
from models.resources import Machine
from models.shipments import Shipment
from services.core.access import Actor
from services.core.display_names import display_name
from services.core.errors import NotFound
from services.core.messages import t
from services.core.validation import like_pattern
from services.trace.label_payload import (
    KIND_NAMES,
    KIND_WORDS,
    LabelKind,
    LabelPayload,
    LabelTarget,
    org_slug_of,
)

ById = Callable[[Session, Actor, int, str], LabelTarget | None]
ByCode = Callable[[Session, Actor, str, str], LabelTarget | None]
FINDERS: dict[LabelKind, tuple[ById, ByCode]] = {}


def register(kind: LabelKind, by_id: ById, by_code: ByCode) -> None:
    FINDERS[kind] = (by_id, by_code)


def find_by_id(session: Session, actor: Actor, kind: LabelKind, object_id: int) -> LabelTarget:
    by_id, _ = _finders(kind)
    target = by_id(session, actor, object_id, org_slug_of(session, actor))
    if target is None or not _visible(actor, target):
        raise NotFound(t("{what} not found.", what=KIND_NAMES[kind]))
    return target


def find_by_code(session: Session, actor: Actor, payload: LabelPayload) -> LabelTarget:
    _, by_code = _finders(payload.kind)
    target = by_code(session, actor, payload.code, payload.org_slug)
    if target is None or not _visible(actor, target):
        raise NotFound(t("Unknown label: no {kind} {code} in your plants.", kind=KIND_WORDS[payload.kind],
                         code=payload.code), fields={"payload": t("Unknown label.")})
    return target


def _finders(kind: LabelKind) -> tuple[ById, ByCode]:
    return FINDERS[kind]


def _visible(actor: Actor, target: LabelTarget) -> bool:
    return target.plant_id is None or target.plant_id in actor.plant_ids


# --- work orders -------------------------------------------------------------------------------------

def _work_order_target(session: Session, wo: WorkOrder | None, slug: str, actor: Actor) -> LabelTarget | None:
    if wo is None or wo.organization_id != actor.organization_id:
        return None
    product = session.get(Product, wo.product_id)
    return LabelTarget(LabelKind.WO, pk(wo), wo.number, slug, wo.plant_id, t("Work order {number}", number=wo.number),
                       f"{product.code} {display_name(product)} x {wo.quantity}" if product else "")


def _work_order_by_id(session: Session, actor: Actor, object_id: int, slug: str) -> LabelTarget | None:
    return _work_order_target(session, session.get(WorkOrder, object_id), slug, actor)


def _work_order_by_code(session: Session, actor: Actor, code: str, slug: str) -> LabelTarget | None:
    wo = session.exec(select(WorkOrder).where(WorkOrder.organization_id == actor.organization_id,
                                              WorkOrder.number == code)).first()
    return _work_order_target(session, wo, slug, actor)


# --- machines ----------------------------------------------------------------------------------------

def _machine_target(session: Session, machine: Machine | None, slug: str, actor: Actor) -> LabelTarget | None:
    if machine is None or machine.organization_id != actor.organization_id:
        return None
    plant = session.get_one(Plant, machine.plant_id)
    return LabelTarget(LabelKind.MAC, pk(machine), f"{plant.code}/{machine.code}", slug, machine.plant_id,
                       t("Machine {code}", code=machine.code), f"{display_name(machine)} ({plant.code})")


def _machine_by_id(session: Session, actor: Actor, object_id: int, slug: str) -> LabelTarget | None:
    return _machine_target(session, session.get(Machine, object_id), slug, actor)


def _machine_by_code(session: Session, actor: Actor, code: str, slug: str) -> LabelTarget | None:
    plant_code, _, machine_code = code.partition("/")
    machine = session.exec(select(Machine).join(Plant, col(Plant.id) == Machine.plant_id).where(
        Machine.organization_id == actor.organization_id, Plant.code == plant_code,
        Machine.code == machine_code)).first()
    return _machine_target(session, machine, slug, actor)


register(LabelKind.WO, _work_order_by_id, _work_order_by_code)
register(LabelKind.MAC, _machine_by_id, _machine_by_code)


# --- lots, serials, locations, shipments (tables in models/lots.py, models/shipments.py) ---------------

def _product_words(session: Session, product_id: int) -> str:
    product = session.get(Product, product_id)
    return f"{product.code} {display_name(product)}" if product else ""


def _lot_target(session: Session, lot: Lot | None, slug: str, actor: Actor) -> LabelTarget | None:
    if lot is None or lot.organization_id != actor.organization_id:
        return None
    return LabelTarget(LabelKind.LOT, pk(lot), lot.number, slug, lot.plant_id, t("Lot {number}", number=lot.number),
                       f"{_product_words(session, lot.product_id)} · {lot.quantity_initial} {lot.unit}")


def _lot_by_id(session: Session, actor: Actor, object_id: int, slug: str) -> LabelTarget | None:
    return _lot_target(session, session.get(Lot, object_id), slug, actor)


def _lot_by_code(session: Session, actor: Actor, code: str, slug: str) -> LabelTarget | None:
    lot = session.exec(select(Lot).where(Lot.organization_id == actor.organization_id, Lot.number == code)).first()
    return _lot_target(session, lot, slug, actor)


def _serial_target(session: Session, serial: Serial | None, slug: str, actor: Actor) -> LabelTarget | None:
    if serial is None or serial.organization_id != actor.organization_id:
        return None
    return LabelTarget(LabelKind.SER, pk(serial), serial.number, slug, serial.plant_id, t("Serial {number}", number=serial.number),
                       _product_words(session, serial.product_id))


def _serial_by_id(session: Session, actor: Actor, object_id: int, slug: str) -> LabelTarget | None:
    return _serial_target(session, session.get(Serial, object_id), slug, actor)


def _serial_by_code(session: Session, actor: Actor, code: str, slug: str) -> LabelTarget | None:
    serial = session.exec(select(Serial).where(Serial.organization_id == actor.organization_id,
                                               Serial.number == code)).first()
    return _serial_target(session, serial, slug, actor)


def _location_target(session: Session, location: Location | None, slug: str, actor: Actor) -> LabelTarget | None:
    if location is None or location.organization_id != actor.organization_id:
        return None
    plant = session.get_one(Plant, location.plant_id)
    return LabelTarget(LabelKind.LOC, pk(location), f"{plant.code}/{location.code}", slug, location.plant_id,
                       t("Location {code}", code=location.code), f"{location.name} ({plant.code})".strip())


def _location_by_id(session: Session, actor: Actor, object_id: int, slug: str) -> LabelTarget | None:
    return _location_target(session, session.get(Location, object_id), slug, actor)


def _location_by_code(session: Session, actor: Actor, code: str, slug: str) -> LabelTarget | None:
    plant_code, _, location_code = code.partition("/")
    location = session.exec(select(Location).join(Plant, col(Plant.id) == Location.plant_id).where(
        Location.organization_id == actor.organization_id, Plant.code == plant_code,
        Location.code == location_code)).first()
    return _location_target(session, location, slug, actor)


def _shipment_target(session: Session, shipment: Shipment | None, slug: str, actor: Actor) -> LabelTarget | None:
    if shipment is None or shipment.organization_id != actor.organization_id:
        return None
    customer = session.get(Customer, shipment.customer_id)
    return LabelTarget(LabelKind.SHP, pk(shipment), shipment.number, slug, shipment.plant_id,
                       t("Shipment {number}", number=shipment.number), display_name(customer) if customer else "")


def _shipment_by_id(session: Session, actor: Actor, object_id: int, slug: str) -> LabelTarget | None:
    return _shipment_target(session, session.get(Shipment, object_id), slug, actor)


def _shipment_by_code(session: Session, actor: Actor, code: str, slug: str) -> LabelTarget | None:
    shipment = session.exec(select(Shipment).where(Shipment.organization_id == actor.organization_id,
                                                   Shipment.number == code)).first()
    return _shipment_target(session, shipment, slug, actor)


register(LabelKind.LOT, _lot_by_id, _lot_by_code)
register(LabelKind.SER, _serial_by_id, _serial_by_code)
register(LabelKind.LOC, _location_by_id, _location_by_code)
register(LabelKind.SHP, _shipment_by_id, _shipment_by_code)


# --- choosing what to print --------------------------------------------------------------------------

_LISTS: dict[LabelKind, tuple[type[Any], Any, Callable[..., LabelTarget | None]]] = {
    LabelKind.LOT: (Lot, Lot.number, _lot_target), LabelKind.SER: (Serial, Serial.number, _serial_target),
    LabelKind.WO: (WorkOrder, WorkOrder.number, _work_order_target),
    LabelKind.MAC: (Machine, Machine.code, _machine_target), LabelKind.LOC: (Location, Location.code, _location_target),
    LabelKind.SHP: (Shipment, Shipment.number, _shipment_target),
}


def candidates(session: Session, actor: Actor, kind: LabelKind, *, search: str = "", limit: int = 200) -> list[LabelTarget]:
    """Objects of one kind in the actor's plants whose number or code contains `search`, newest first."""
    model, code_column, build = _LISTS[kind]
    query = select(model).where(model.organization_id == actor.organization_id,
                                col(model.plant_id).in_(actor.plant_ids or {-1}))
    if search.strip():
        query = query.where(col(code_column).ilike(like_pattern(search.strip()[:64]), escape="\\"))
    rows = session.exec(query.order_by(col(model.id).desc()).limit(max(1, min(limit, 500)))).all()
    slug = org_slug_of(session, actor)
    return [target for row in rows if (target := build(session, row, slug, actor)) is not None]
