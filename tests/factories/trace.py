"""Traceability test data: a plant with raw materials, two finished products, a by-product,
three customers with released orders, and users with the roles the trace services need."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from models.catalog import Customer, Product, ProductType
from models.orders import CustomerOrder, OrderLine, OrderStatus, WorkStatus
from services.core.access import Actor
from services.core.db import transaction
from tests.factories.org import World, make_user
from tests.factories.production import add, make_line, make_work_order

_n = itertools.count(1)


@dataclass
class TraceWorld:
    world: World
    line: object
    steel: int                 # raw, received in lots
    paint: int                 # raw
    bracket: int               # finished, the line's product
    frame: int                 # finished, made from brackets
    chips: int                 # by-product
    customers: list[int] = field(default_factory=list)
    admin: Actor | None = None
    operator: Actor | None = None
    quality: Actor | None = None
    viewer: Actor | None = None
    outsider: Actor | None = None          # admin of organization B
    other_plant: Actor | None = None       # operator of plant 2 only


def make_trace_world(session: Session) -> TraceWorld:
    world = World(session)
    org, plant = world.org_a, world.plant1
    line = make_line(session, org, plant, world.dept1, machines=2)
    with transaction(session):
        steel = add(session, Product(organization_id=org, code="STEEL", name="Steel sheet", unit="kg", type=ProductType.RAW)).id
        paint = add(session, Product(organization_id=org, code="PAINT", name="Paint", unit="l", type=ProductType.RAW)).id
        frame = add(session, Product(organization_id=org, code="FRAME", name="Frame", is_serialized=True)).id
        chips = add(session, Product(organization_id=org, code="CHIPS", name="Steel chips", unit="kg", type=ProductType.RAW)).id
        customers = [add(session, Customer(organization_id=org, code=f"CUST{i}", name=f"Customer {i}")).id
                     for i in (1, 2, 3)]
    tw = TraceWorld(world=world, line=line, steel=steel, paint=paint, bracket=line.product_id, frame=frame,
                    chips=chips, customers=customers)
    tw.admin = world.actor(world.admin_a)
    tw.operator = world.actor(make_user(session, org, roles=["operator"], plant_ids=[plant]))
    tw.quality = world.actor(make_user(session, org, roles=["quality"], plant_ids=[plant]))
    tw.viewer = world.actor(make_user(session, org, roles=["viewer"], plant_ids=[plant]))
    tw.outsider = world.actor(world.admin_b)
    tw.other_plant = world.actor(make_user(session, org, roles=["operator", "quality"], plant_ids=[world.plant2]))
    return tw


def make_job(session: Session, tw: TraceWorld, *, product_id: int | None = None, quantity: int = 100) -> tuple[int, int]:
    """A released work order on the line; returns (work order id, first operation id)."""
    wo_id, ops = make_work_order(session, tw.world.org_a, tw.world.plant1, tw.line, quantity=quantity,
                                 status=WorkStatus.RELEASED, machine_id=tw.line.machine_ids[0])
    if product_id is not None:
        from models.orders import WorkOrder
        with transaction(session):
            wo = session.get(WorkOrder, wo_id)
            wo.product_id = product_id
            session.add(wo)
    return wo_id, ops[0]


def make_order(session: Session, tw: TraceWorld, customer_id: int, lines: list[tuple[int, int]], *,
               promised: date = date(2026, 3, 10)) -> list[int]:
    """A released customer order of plant 1; `lines` are (product id, quantity); returns order line ids."""
    with transaction(session):
        order = add(session, CustomerOrder(organization_id=tw.world.org_a, plant_id=tw.world.plant1,
                                           number=f"SO-T{next(_n):05d}", customer_id=customer_id,
                                           status=OrderStatus.RELEASED))
        return [add(session, OrderLine(organization_id=tw.world.org_a, order_id=order.id, line_no=i + 1,
                                       product_id=product_id, quantity=quantity, promised_date=promised)).id
                for i, (product_id, quantity) in enumerate(lines)]
