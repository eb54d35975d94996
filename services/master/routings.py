"""Routings: how a product is made, as ordered steps (operations) at work centers.

Invariants:
- a routing belongs to one product of the organization; versions count up per product (1, 2, ...);
- at most one routing per product is active, and an active routing has at least one step
  (activating one deactivates the product's other routings; its last step cannot be removed);
- steps have unique positive sequences within their routing (10, 20, 30 ... after a reorder),
  a name, an active work center of a plant the actor can see, setup_seconds >= 0 (whole
  seconds, at most a week) and ideal_cycle_seconds > 0 (Decimal, 3 decimals, per unit);
- changing a routing needs PLAN and access to every plant whose work centers its steps use;
  reading needs VIEW. Routings are deactivated, never deleted; steps may be removed.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlmodel import Session, col, func, or_, select

from models.base import pk
from models.catalog import Product
from models.resources import WorkCenter
from models.routing import Routing, RoutingStep
from services.core.access import Actor
from services.core.display_names import display_name
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.master.common import (
    announce,
    apply_changes,
    decimal_problem,
    like_pattern,
    require_plan,
    require_view,
    stamp,
    stamp_new,
    text_problem,
    to_decimal,
)

SEQUENCE_STEP = 10
MAX_SETUP_SECONDS = 7 * 24 * 3600


class StepInput(BaseModel):
    name: str
    work_center_id: int
    setup_seconds: int = 0
    ideal_cycle_seconds: Decimal | str
    sequence: int | None = None            # default: after the last step


class StepUpdate(BaseModel):
    name: str | None = None
    work_center_id: int | None = None
    setup_seconds: int | None = None
    ideal_cycle_seconds: Decimal | str | None = None
    sequence: int | None = None


class RoutingCreate(BaseModel):
    product_id: int
    name: str = ""
    steps: list[StepInput] = Field(default_factory=list)
    activate: bool = True                  # only when it has steps


class RoutingUpdate(BaseModel):
    name: str | None = None


class StepRead(BaseModel):
    id: int
    routing_id: int
    sequence: int
    name: str
    work_center_id: int
    work_center_code: str
    plant_id: int
    setup_seconds: int
    ideal_cycle_seconds: Decimal


class RoutingRead(BaseModel):
    id: int
    organization_id: int
    product_id: int
    product_code: str
    product_name: str
    version: int
    name: str
    is_active: bool
    steps: list[StepRead]


ROUTING_COLUMNS = [("product_code", t("Product")), ("product_name", t("Product name")), ("version", t("Version")),
                   ("name", t("Name")), ("is_active", t("Active"))]
STEP_COLUMNS = [("sequence", t("Sequence")), ("name", t("Step")), ("work_center_code", t("Work center")),
                ("setup_seconds", t("Setup (s)")), ("ideal_cycle_seconds", t("Ideal cycle (s)"))]


def list_routings(session: Session, actor: Actor, *, product_id: int | None = None, search: str | None = None,
                  active: bool | None = None) -> list[RoutingRead]:
    """Routings of the organization by product code and version; `search` matches product or routing."""
    require_view(actor)
    query = select(Routing).join(Product, col(Product.id) == Routing.product_id).where(
        Routing.organization_id == actor.organization_id)
    if product_id is not None:
        query = query.where(Routing.product_id == product_id)
    if search and search.strip():
        pattern = like_pattern(search)
        query = query.where(or_(func.lower(Product.code).like(pattern, escape="\\"),
                                func.lower(Product.name).like(pattern, escape="\\"),
                                func.lower(Product.name2).like(pattern, escape="\\"),
                                func.lower(Routing.name).like(pattern, escape="\\")))
    if active is not None:
        query = query.where(Routing.is_active == active)
    rows = session.exec(query.order_by(col(Product.code), col(Routing.version))).all()
    return [_read(session, r) for r in rows]


def get_routing(session: Session, actor: Actor, routing_id: int) -> RoutingRead:
    require_view(actor)
    return _read(session, get_scoped(session, actor, Routing, routing_id, t("Routing")))


def active_routing(session: Session, actor: Actor, product_id: int) -> RoutingRead | None:
    """The product's active routing with its steps in sequence order, or None when it has none."""
    require_view(actor)
    product = get_scoped(session, actor, Product, product_id, t("Product"))
    routing = session.exec(select(Routing).where(Routing.product_id == product.id, Routing.is_active == True)  # noqa: E712
                           .order_by(col(Routing.version).desc())).first()
    return None if routing is None else _read(session, routing)


def create_routing(session: Session, actor: Actor, data: RoutingCreate, *, now: datetime) -> RoutingRead:
    """A new version for the product, with its steps; active (replacing the current one) when
    `activate` and it has steps."""
    require_plan(actor)
    try:
        product = get_scoped(session, actor, Product, data.product_id, t("Product"))
    except NotFound:
        raise Invalid(fields={"product_id": t("Unknown product.")}) from None
    name = _name(data.name)
    steps = [_step_values(session, actor, s, position=i) for i, s in enumerate(data.steps)]
    _sequences(steps)
    version = (session.exec(select(func.max(Routing.version)).where(Routing.product_id == product.id)).one() or 0) + 1
    routing = stamp_new(Routing(organization_id=actor.organization_id, product_id=pk(product), version=version,
                                name=name, is_active=False), actor, now)
    session.add(routing)
    session.flush()
    for values in steps:
        session.add(stamp_new(RoutingStep(organization_id=actor.organization_id, routing_id=routing.id, **values),
                              actor, now))
    session.flush()
    announce(session, actor, "routing", routing.id, "create",
             {"product": product.code, "version": version, "name": name, "steps": len(steps)}, now=now,
             payload={"product_id": product.id})
    if data.activate and steps:
        _activate(session, actor, routing, now)
    return _read(session, routing)


def update_routing(session: Session, actor: Actor, routing_id: int, data: RoutingUpdate, *,
                   now: datetime) -> RoutingRead:
    routing = _writable(session, actor, routing_id)
    changes = apply_changes(routing, {"name": _name(data.name) if data.name is not None else None})
    if changes:
        session.add(stamp(routing, actor, now))
        announce(session, actor, "routing", routing.id, "update", changes, now=now,
                 payload={"product_id": routing.product_id})
    return _read(session, routing)


def set_routing_active(session: Session, actor: Actor, routing_id: int, active: bool, *,
                       now: datetime) -> RoutingRead:
    """Activate (the product's other routings stop being active) or deactivate a routing."""
    routing = _writable(session, actor, routing_id)
    if active:
        _activate(session, actor, routing, now)
    elif routing.is_active:
        routing.is_active = False
        session.add(stamp(routing, actor, now))
        announce(session, actor, "routing", routing.id, "deactivate", {"is_active": {"before": True, "after": False}},
                 now=now, payload={"product_id": routing.product_id})
    return _read(session, routing)


def add_step(session: Session, actor: Actor, routing_id: int, data: StepInput, *,
             now: datetime) -> RoutingRead:
    routing = _writable(session, actor, routing_id)
    existing = _steps(session, pk(routing))
    values = _step_values(session, actor, data)
    if values["sequence"] is None:
        values["sequence"] = (max((s.sequence for s in existing), default=0) // SEQUENCE_STEP + 1) * SEQUENCE_STEP
    elif any(s.sequence == values["sequence"] for s in existing):
        raise Invalid(fields={"sequence": t("Step {sequence} exists: pick another sequence number.",
                                            sequence=values['sequence'])})
    step = stamp_new(RoutingStep(organization_id=actor.organization_id, routing_id=pk(routing), **values), actor, now)
    session.add(step)
    session.flush()
    announce(session, actor, "routing_step", step.id, "create", values, now=now,
             payload={"routing_id": routing.id, "product_id": routing.product_id})
    return _read(session, routing)


def update_step(session: Session, actor: Actor, step_id: int, data: StepUpdate, *,
                now: datetime) -> RoutingRead:
    step = get_scoped(session, actor, RoutingStep, step_id, t("Routing step"))
    routing = _writable(session, actor, step.routing_id)
    values = _step_values(session, actor, StepInput(
        name=step.name if data.name is None else data.name,
        work_center_id=step.work_center_id if data.work_center_id is None else data.work_center_id,
        setup_seconds=step.setup_seconds if data.setup_seconds is None else data.setup_seconds,
        ideal_cycle_seconds=step.ideal_cycle_seconds if data.ideal_cycle_seconds is None else data.ideal_cycle_seconds,
        sequence=step.sequence if data.sequence is None else data.sequence))
    if any(s.sequence == values["sequence"] and s.id != step.id for s in _steps(session, pk(routing))):
        raise Invalid(fields={"sequence": t("Step {sequence} exists: pick another sequence number.",
                                            sequence=values['sequence'])})
    changes = {k: {"before": getattr(step, k), "after": v} for k, v in values.items()
               if (Decimal(getattr(step, k)) != v if k == "ideal_cycle_seconds" else getattr(step, k) != v)}
    if changes:
        for key in changes:
            setattr(step, key, values[key])
        session.add(stamp(step, actor, now))
        announce(session, actor, "routing_step", step.id, "update", changes, now=now,
                 payload={"routing_id": routing.id, "product_id": routing.product_id})
    return _read(session, routing)


def remove_step(session: Session, actor: Actor, step_id: int, *, now: datetime) -> RoutingRead:
    step = get_scoped(session, actor, RoutingStep, step_id, t("Routing step"))
    routing = _writable(session, actor, step.routing_id)
    if routing.is_active and len(_steps(session, pk(routing))) == 1:
        raise Conflict(t("This is the only step of an active routing: deactivate the routing first, or add another step."))
    snapshot = {"sequence": step.sequence, "name": step.name, "work_center_id": step.work_center_id}
    session.delete(step)
    session.flush()
    announce(session, actor, "routing_step", step_id, "delete", snapshot, now=now,
             payload={"routing_id": routing.id, "product_id": routing.product_id})
    return _read(session, routing)


def reorder_steps(session: Session, actor: Actor, routing_id: int, step_ids: list[int], *,
                  now: datetime) -> RoutingRead:
    """Put the routing's steps in the order of `step_ids` (every step exactly once), renumbered 10, 20, ..."""
    routing = _writable(session, actor, routing_id)
    steps = {pk(s): s for s in _steps(session, pk(routing))}
    if sorted(step_ids) != sorted(steps) or len(set(step_ids)) != len(step_ids):
        raise Invalid(t("List every step of this routing exactly once."), fields={"step_ids": t("Not this routing's steps.")})
    before = [steps[i].sequence for i in step_ids]
    for temp, step_id in enumerate(step_ids, start=1):       # two passes keep (routing, sequence) unique
        steps[step_id].sequence = -temp
        session.add(steps[step_id])
    session.flush()
    for index, step_id in enumerate(step_ids, start=1):
        steps[step_id].sequence = index * SEQUENCE_STEP
        session.add(stamp(steps[step_id], actor, now))
    session.flush()
    announce(session, actor, "routing", routing.id, "reorder",
             {"order": {"before": before, "after": [steps[i].sequence for i in step_ids]}, "step_ids": step_ids},
             now=now, event="routing.reordered", payload={"product_id": routing.product_id})
    return _read(session, routing)


# ---- helpers ------------------------------------------------------------------------------

def _activate(session: Session, actor: Actor, routing: Routing, now: datetime) -> None:
    if not _steps(session, pk(routing)):
        raise Invalid(t("Add at least one step before activating this routing."), fields={"steps": t("No steps.")})
    product = session.get(Product, routing.product_id)
    if product is None or not product.is_active:
        raise Conflict(t("The product is inactive: reactivate it before activating its routing."))
    others = session.exec(select(Routing).where(Routing.product_id == routing.product_id, Routing.id != routing.id,
                                                Routing.is_active == True)).all()  # noqa: E712
    for other in others:
        other.is_active = False
        session.add(stamp(other, actor, now))
        announce(session, actor, "routing", other.id, "deactivate", {"is_active": {"before": True, "after": False},
                 "replaced_by": routing.id}, now=now, payload={"product_id": other.product_id})
    if not routing.is_active:
        routing.is_active = True
        session.add(stamp(routing, actor, now))
        announce(session, actor, "routing", routing.id, "activate", {"is_active": {"before": False, "after": True}},
                 now=now, event="routing.activated", payload={"product_id": routing.product_id})
    session.flush()


def _writable(session: Session, actor: Actor, routing_id: int) -> Routing:
    """The routing, when the actor may plan and sees every plant its steps use."""
    require_plan(actor)
    routing = get_scoped(session, actor, Routing, routing_id, t("Routing"))
    plants = set(session.exec(select(WorkCenter.plant_id).join(RoutingStep, col(RoutingStep.work_center_id) == WorkCenter.id)
                              .where(RoutingStep.routing_id == routing.id)).all())
    if not plants <= actor.plant_ids:
        raise Forbidden(t("This routing uses work centers of plants you have no access to: ask a planner of those plants."))
    return routing


def _name(name: str | None) -> str:
    name = (name or "").strip()
    problem = text_problem(name, max_length=200, required=False)
    check({"name": problem} if problem else {})
    return name


def _step_values(session: Session, actor: Actor, data: StepInput, *, position: int | None = None) -> dict:
    prefix = f"steps.{position}." if position is not None else ""
    problems: dict[str, str] = {}
    name = (data.name or "").strip()
    if problem := text_problem(name, max_length=200):
        problems[prefix + "name"] = problem
    if data.setup_seconds is None or not 0 <= data.setup_seconds <= MAX_SETUP_SECONDS:
        problems[prefix + "setup_seconds"] = t("Enter 0 to 604800 seconds (a week).")
    cycle_problem = decimal_problem(data.ideal_cycle_seconds, places=3, max_digits=12, exclusive_minimum=Decimal(0))
    if cycle_problem:
        problems[prefix + "ideal_cycle_seconds"] = cycle_problem
    if data.sequence is not None and not 0 < data.sequence < 1_000_000:
        problems[prefix + "sequence"] = t("Use a positive whole number like 10, 20, 30.")
    wc = session.get(WorkCenter, data.work_center_id)
    if wc is None or wc.organization_id != actor.organization_id or wc.plant_id not in actor.plant_ids:
        problems[prefix + "work_center_id"] = t("Unknown work center.")
    elif not wc.is_active:
        problems[prefix + "work_center_id"] = t("Work center {code} is inactive.", code=wc.code)
    check(problems)
    assert wc is not None                    # check() refused an unknown work center
    return {"name": name, "work_center_id": pk(wc), "setup_seconds": int(data.setup_seconds),
            "ideal_cycle_seconds": to_decimal(data.ideal_cycle_seconds, 3), "sequence": data.sequence}


def _sequences(steps: list[dict]) -> None:
    """Number steps without a sequence after the highest given one; refuse duplicates."""
    seen: set[int] = set()
    for i, values in enumerate(steps):
        if values["sequence"] is None:
            values["sequence"] = (max(seen, default=0) // SEQUENCE_STEP + 1) * SEQUENCE_STEP
        if values["sequence"] in seen:
            raise Invalid(fields={f"steps.{i}.sequence": t("Step {sequence} appears twice.",
                                                           sequence=values['sequence'])})
        seen.add(values["sequence"])


def _steps(session: Session, routing_id: int) -> list[RoutingStep]:
    return list(session.exec(select(RoutingStep).where(RoutingStep.routing_id == routing_id)
                             .order_by(col(RoutingStep.sequence))).all())


def _read(session: Session, routing: Routing) -> RoutingRead:
    product = session.get(Product, routing.product_id)
    if product is None:
        raise NotFound(t("Product not found."))
    rows = session.exec(select(RoutingStep, WorkCenter).join(WorkCenter, col(WorkCenter.id) == RoutingStep.work_center_id)
                        .where(RoutingStep.routing_id == routing.id).order_by(col(RoutingStep.sequence))).all()
    steps = [StepRead(id=s.id, routing_id=s.routing_id, sequence=s.sequence, name=s.name, work_center_id=wc.id,
                      work_center_code=wc.code, plant_id=wc.plant_id, setup_seconds=s.setup_seconds,
                      ideal_cycle_seconds=Decimal(s.ideal_cycle_seconds)) for s, wc in rows]
    return RoutingRead(id=routing.id, organization_id=routing.organization_id, product_id=pk(product),
                       product_code=product.code, product_name=display_name(product), version=routing.version,
                       name=routing.name, is_active=routing.is_active, steps=steps)
