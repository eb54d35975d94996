"""The objects labels name, found by id (to print) or by the code on a scanned label.

One finder pair per label kind. Every lookup is limited to the actor's organization and plants; a
row outside them is `NotFound`, worded like an unknown label ("No work order WO-1 in your plants").
Machines and locations are unique per plant, so their label code is `<plant code>/<code>`.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, col, select

from models.catalog import Product
from models.orders import WorkOrder
from models.organization import Plant
from models.resources import Machine
from services.access import Actor
from services.errors import NotFound
from services.labels import KIND_WORDS, LabelKind, LabelPayload, LabelTarget, org_slug_of

ById = Callable[[Session, Actor, int, str], LabelTarget | None]
ByCode = Callable[[Session, Actor, str, str], LabelTarget | None]
FINDERS: dict[LabelKind, tuple[ById, ByCode]] = {}


def register(kind: LabelKind, by_id: ById, by_code: ByCode) -> None:
    FINDERS[kind] = (by_id, by_code)


def find_by_id(session: Session, actor: Actor, kind: LabelKind, object_id: int) -> LabelTarget:
    by_id, _ = _finders(kind)
    target = by_id(session, actor, object_id, org_slug_of(session, actor))
    if target is None or not _visible(actor, target):
        raise NotFound(f"{KIND_WORDS[kind].capitalize()} not found.")
    return target


def find_by_code(session: Session, actor: Actor, payload: LabelPayload) -> LabelTarget:
    _, by_code = _finders(payload.kind)
    target = by_code(session, actor, payload.code, payload.org_slug)
    if target is None or not _visible(actor, target):
        raise NotFound(f"Unknown label: no {KIND_WORDS[payload.kind]} {payload.code} in your plants.",
                       fields={"payload": "Unknown label."})
    return target


def _finders(kind: LabelKind) -> tuple[ById, ByCode]:
    if kind not in FINDERS:
        raise NotFound(f"Takt has no {KIND_WORDS[kind]}s to print or scan yet.")
    return FINDERS[kind]


def _visible(actor: Actor, target: LabelTarget) -> bool:
    return target.plant_id is None or target.plant_id in actor.plant_ids


# --- work orders -------------------------------------------------------------------------------------

def _work_order_target(session: Session, wo: WorkOrder | None, slug: str, actor: Actor) -> LabelTarget | None:
    if wo is None or wo.organization_id != actor.organization_id:
        return None
    product = session.get(Product, wo.product_id)
    return LabelTarget(LabelKind.WO, wo.id, wo.number, slug, wo.plant_id, f"Work order {wo.number}",
                       f"{product.code} {product.name} x {wo.quantity}" if product else "")


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
    plant = session.get(Plant, machine.plant_id)
    return LabelTarget(LabelKind.MAC, machine.id, f"{plant.code}/{machine.code}", slug, machine.plant_id,
                       f"Machine {machine.code}", f"{machine.name} ({plant.code})")


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
