"""The master data that creating and releasing orders read, cached per worker: a customer's and a product's
code and active flag, and a product's release plan (its active routing with the steps' work centers, and
its bill of materials' components with their type and active flag).

Invariants:
- Entries are keyed by organization and id, loaded with the organization in the query: no organization
  reads another's; an id that is not the organization's is cached as absent (None).
- Entries are dropped by the committed events that change them (customer.*, product.*, routing.*,
  routing_step.*, bom_line.*, work_center.*) and live at most 60 s (services/core/worker_cache.py).
- A unit of work that has itself recorded one of those events (changed master data, not yet committed)
  reads the tables, not the cache, so it sees its own changes.
- Values are frozen dataclasses, safe to share between threads.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fnmatch import fnmatch
from typing import TypeVar, cast

from sqlmodel import Session, col, select

from models.catalog import BomLine, Customer, Product, ProductType
from models.resources import WorkCenter
from models.routing import Routing, RoutingStep
from services.core.events import pending
from services.core.worker_cache import WorkerCache

V = TypeVar("V")


@dataclass(frozen=True)
class Facts:
    """What an order's checks need of a customer or a product."""
    code: str
    is_active: bool
    type: ProductType | None = None              # products only


@dataclass(frozen=True)
class Step:
    """A routing step as a release copies it into an operation, with its work center's plant and code."""
    sequence: int
    name: str
    work_center_id: int
    setup_seconds: int
    ideal_cycle_seconds: Decimal
    plant_id: int
    work_center_code: str


@dataclass(frozen=True)
class Component:
    """A BOM line of a product: the component, how many per parent unit, its scrap allowance, type and state."""
    product_id: int
    quantity_per: Decimal
    scrap_factor: Decimal
    type: ProductType
    is_active: bool


@dataclass(frozen=True)
class ReleasePlan:
    """A product's active routing (None: none) with its steps in sequence, and its BOM components in position."""
    routing_id: int | None
    steps: tuple[Step, ...]
    components: tuple[Component, ...]


CUSTOMER_EVENTS = ("customer.*",)
PRODUCT_EVENTS = ("product.*",)
PLAN_EVENTS = ("product.*", "routing.*", "routing_step.*", "bom_line.*", "work_center.*")
CUSTOMERS: WorkerCache[Facts | None] = WorkerCache("order customers", invalidated_by=CUSTOMER_EVENTS)
PRODUCTS: WorkerCache[Facts | None] = WorkerCache("order products", invalidated_by=PRODUCT_EVENTS)
PLANS: WorkerCache[ReleasePlan] = WorkerCache("release plans", invalidated_by=PLAN_EVENTS)


def customer_facts(session: Session, organization_id: int, customer_id: int) -> Facts | None:
    """The customer's code and active flag; None when it is not one of the organization's."""
    def load(ids: list[int]) -> dict[int, Facts | None]:
        rows = session.exec(select(Customer.id, Customer.code, Customer.is_active).where(
            Customer.organization_id == organization_id, col(Customer.id).in_(ids))).all()
        return {cast(int, row[0]): Facts(row[1], bool(row[2])) for row in rows}
    return _cached(session, CUSTOMERS, CUSTOMER_EVENTS, organization_id, [customer_id], load)[customer_id]


def product_facts(session: Session, organization_id: int, product_ids: Iterable[int]) -> dict[int, Facts | None]:
    """Code, active flag and type of each product; None for an id that is not one of the organization's."""
    def load(ids: list[int]) -> dict[int, Facts | None]:
        rows = session.exec(select(Product.id, Product.code, Product.is_active, Product.type).where(
            Product.organization_id == organization_id, col(Product.id).in_(ids))).all()
        return {cast(int, row[0]): Facts(row[1], bool(row[2]), ProductType(row[3])) for row in rows}
    return _cached(session, PRODUCTS, PRODUCT_EVENTS, organization_id, product_ids, load)


def release_plans(session: Session, organization_id: int, product_ids: Iterable[int]) -> dict[int, ReleasePlan]:
    """Each product's release plan (a product without an active routing has routing_id None)."""
    def load(ids: list[int]) -> dict[int, ReleasePlan]:
        return _load_plans(session, organization_id, ids)
    plans = _cached(session, PLANS, PLAN_EVENTS, organization_id, product_ids, load)
    return {product_id: plan for product_id, plan in plans.items() if plan is not None}   # every id has a plan


def _load_plans(session: Session, organization_id: int, ids: list[int]) -> dict[int, ReleasePlan]:
    """Three queries for any number of products: active routings, their steps, BOM lines."""
    routing_of: dict[int, int] = {}
    for routing_id, product_id in session.exec(
            select(Routing.id, Routing.product_id)
            .where(Routing.organization_id == organization_id, Routing.is_active == True,  # noqa: E712
                   col(Routing.product_id).in_(ids))
            .order_by(col(Routing.product_id), col(Routing.version))).all():
        routing_of[product_id] = cast(int, routing_id)             # the highest active version wins
    steps: dict[int, list[Step]] = {routing_id: [] for routing_id in routing_of.values()}
    if steps:
        for step, plant_id, code in session.exec(
                select(RoutingStep, WorkCenter.plant_id, WorkCenter.code)
                .join(WorkCenter, col(WorkCenter.id) == col(RoutingStep.work_center_id))
                .where(col(RoutingStep.routing_id).in_(list(steps)))
                .order_by(col(RoutingStep.routing_id), col(RoutingStep.sequence))).all():
            steps[step.routing_id].append(Step(step.sequence, step.name, step.work_center_id, step.setup_seconds,
                                               Decimal(step.ideal_cycle_seconds), plant_id, code))
    components: dict[int, list[Component]] = {product_id: [] for product_id in ids}
    for parent_id, component_id, quantity_per, scrap, ptype, active in session.exec(
            select(col(BomLine.parent_product_id), col(BomLine.component_product_id),  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
                   col(BomLine.quantity_per), col(BomLine.scrap_factor), col(Product.type), col(Product.is_active))
            .join(Product, col(Product.id) == col(BomLine.component_product_id))
            .where(col(BomLine.organization_id) == organization_id, col(BomLine.parent_product_id).in_(ids))
            .order_by(col(BomLine.parent_product_id), col(BomLine.position), col(BomLine.id))).all():
        components[parent_id].append(Component(component_id, Decimal(quantity_per), Decimal(scrap or 0),
                                               ProductType(ptype), bool(active)))
    return {product_id: ReleasePlan(routing_of.get(product_id),
                                    tuple(steps.get(routing_of.get(product_id, -1), ())),
                                    tuple(components[product_id])) for product_id in ids}


def _cached(session: Session, cache: WorkerCache, patterns: tuple[str, ...], organization_id: int,
            ids: Iterable[int], load: Callable[[list[int]], dict[int, V]]) -> dict[int, V | None]:
    """Values of `ids` from `cache`, the missing ones loaded in one batch and kept (absent ids as None)."""
    wanted = list(dict.fromkeys(ids))
    if _changed_here(session, patterns):
        loaded = load(wanted)
        return {i: loaded.get(i) for i in wanted}
    found: dict[int, V | None] = {}
    missing = []
    for i in wanted:
        hit, value = cache.lookup((organization_id, i))
        if hit:
            found[i] = value
        else:
            missing.append(i)
    if missing:
        generation = cache.generation()
        loaded = load(missing)
        for i in missing:
            found[i] = loaded.get(i)
            cache.store((organization_id, i), found[i], plant_id=None, loaded_at_generation=generation)
    return found


def _changed_here(session: Session, patterns: tuple[str, ...]) -> bool:
    """Whether this unit of work recorded an event that would drop these entries once committed."""
    return any(fnmatch(event.name, pattern) for event in pending(session) for pattern in patterns)
