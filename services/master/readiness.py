"""What a plant still lacks before its pages have something to show: the set-up steps, in the order a new
organization takes them (machines, a shift calendar with a shift, products, routings, customers).

`missing_steps(session, actor, plant_id=None, *, need=STEPS)` returns the keys of the steps of `need`
not done yet (at `plant_id`, or at any of the actor's plants), so a page shows an empty state that links
to the step instead of an error; `STEPS` names them in order.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from models.calendar import Shift, ShiftCalendar
from models.catalog import Customer, Product
from models.resources import Machine
from models.routing import Routing
from services.core.access import Actor, Permission, require, require_plant_visible

STEPS = ("machines", "calendar", "products", "routings", "customers")


def _plants(actor: Actor, plant_id: int | None) -> list[int]:
    if plant_id is None:
        return sorted(actor.plant_ids) or [-1]
    require_plant_visible(actor, plant_id, "Plant")
    return [plant_id]


def _done(session: Session, actor: Actor, step: str, plants: list[int]) -> bool:
    org = actor.organization_id
    if step == "machines":
        query = select(Machine.id).where(Machine.organization_id == org, col(Machine.plant_id).in_(plants),
                                         Machine.is_active == True)  # noqa: E712
    elif step == "calendar":
        query = select(ShiftCalendar.id).join(Shift, col(Shift.calendar_id) == ShiftCalendar.id).where(
            ShiftCalendar.organization_id == org, col(ShiftCalendar.plant_id).in_(plants),
            ShiftCalendar.is_active == True, ShiftCalendar.is_default == True)  # noqa: E712
    elif step == "products":
        query = select(Product.id).where(Product.organization_id == org, Product.is_active == True)  # noqa: E712
    elif step == "routings":
        query = select(Routing.id).where(Routing.organization_id == org, Routing.is_active == True)  # noqa: E712
    else:
        query = select(Customer.id).where(Customer.organization_id == org, Customer.is_active == True)  # noqa: E712
    return session.exec(query.limit(1)).first() is not None


def missing_steps(session: Session, actor: Actor, plant_id: int | None = None, *,
                  need: Iterable[str] = STEPS) -> list[str]:
    """The set-up steps of `need` (keys of STEPS, kept in STEPS' order) not done yet for the plant."""
    require(actor, Permission.VIEW)
    plants = _plants(actor, plant_id)
    wanted = set(need)
    return [step for step in STEPS if step in wanted and not _done(session, actor, step, plants)]
