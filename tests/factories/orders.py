"""Order test data on top of tests/factories/production.py: a plant with a line, routed products
with multi-level BOMs, and orders made through the service (each its own unit of work)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from models.catalog import BomLine, Customer, Product, ProductType
from models.routing import Routing, RoutingStep
from services.core import worker_cache
from services.core.access import Actor
from services.core.db import transaction
from services.production import orders
from tests.factories.org import World
from tests.factories.production import Line, add, make_line

_n = itertools.count(1)
PROMISED = date(2026, 3, 20)


def routed_product(session: Session, org_id: int, work_center_id: int, *, code: str | None = None,
                   type: ProductType = ProductType.FINISHED, steps=((10, "Mill", 120, "12.5"),),
                   active: bool = True) -> int:
    """A product with one active routing of `steps` (sequence, name, setup seconds, cycle seconds)."""
    with transaction(session):
        product = add(session, Product(organization_id=org_id, code=code or f"PR-{next(_n)}", name="Routed part",
                                       type=type, is_active=active))
        routing = add(session, Routing(organization_id=org_id, product_id=product.id, name="Standard"))
        for seq, name, setup, cycle in steps:
            add(session, RoutingStep(organization_id=org_id, routing_id=routing.id, sequence=seq, name=name,
                                     work_center_id=work_center_id, setup_seconds=setup,
                                     ideal_cycle_seconds=Decimal(cycle)))
    worker_cache.clear_all()            # written straight to the tables: no event drops the cached release plans
    return product.id


def plain_product(session: Session, org_id: int, *, code: str | None = None, type=ProductType.RAW,
                  active: bool = True) -> int:
    with transaction(session):
        product_id = add(session, Product(organization_id=org_id, code=code or f"RM-{next(_n)}", name="Plain part",
                                          type=type, is_active=active)).id
    worker_cache.clear_all()
    return product_id


def bom(session: Session, org_id: int, parent_id: int, component_id: int, quantity_per: str,
        scrap: str = "0") -> None:
    with transaction(session):
        add(session, BomLine(organization_id=org_id, parent_product_id=parent_id, component_product_id=component_id,
                             quantity_per=Decimal(quantity_per), scrap_factor=Decimal(scrap)))
    worker_cache.clear_all()


def customer(session: Session, org_id: int, code: str, *, active: bool = True) -> int:
    with transaction(session):
        customer_id = add(session, Customer(organization_id=org_id, code=code, name=f"Customer {code}",
                                            is_active=active)).id
    worker_cache.clear_all()
    return customer_id


def order(session: Session, actor: Actor, plant_id: int, customer_id: int, lines: list[tuple[int, int]], *,
          now, promised: date = PROMISED, reference: str = "") -> orders.OrderDetail:
    """An open order with (product id, quantity) lines promised for `promised`."""
    with transaction(session):
        return orders.create_order(session, actor, orders.OrderCreate(
            plant_id=plant_id, customer_id=customer_id, customer_reference=reference,
            lines=[orders.OrderLineInput(product_id=p, quantity=q, promised_date=promised) for p, q in lines]),
            now=now)


@dataclass
class Shop:
    """World + a line in plant 1 and one in plant 2, with the planner and admin actors."""
    world: World
    line: Line
    line2: Line
    planner: Actor
    admin: Actor


def make_shop(session: Session) -> Shop:
    world = World(session)
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    line2 = make_line(session, world.org_a, world.plant2, world.dept2)
    return Shop(world=world, line=line, line2=line2, planner=world.actor(world.planner1),
                admin=world.actor(world.admin_a))
