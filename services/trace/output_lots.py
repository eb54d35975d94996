"""Output lots from the shop floor: the good parts of a work order's last step become lots.

Interface (called inside the caller's transaction, under its machine lock):
- `sync(session, actor, jobs: Mapping[int, datetime]) -> list[OutputChange]`: `jobs` maps the
  jobs (Operation ids) an action just counted or completed to the time it happened. For each job
  that is the last live step of its work order (the highest sequence that is not cancelled), the
  good quantity not yet in one of its output lots goes into the output lot of its current
  production pass (services.trace.genealogy's pass numbers): that lot is topped up while it is available,
  else a new lot is made by `genealogy.output_lot`, which links every input of the pass to it.
  services/shopfloor/operator.py calls it after every count and completion of an operator, and
  services/shopfloor/ingest.py once per batch for the jobs the batch counted or completed, so a gateway and
  an operator leave the same lots behind.

Invariants:
- the sum of `quantity_initial` of a last step's non-by-product output lots never exceeds its good
  count except when someone produced more by hand (genealogy.produce): hand-made output lots count
  as lotted, so no part is lotted twice; scrap makes no lot; earlier steps (work in progress) make
  none either;
- one lot per production pass: later counts in the same pass top up its lot (`quantity` and
  `quantity_initial`); a serialized product gets a new serial number (SN-...) per added unit;
  a lot that is no longer available (held, used up, shipped, recalled) is not topped up: the next
  good parts of that pass get a new lot, linked to the same inputs;
- the lot is produced at the time of the action, in the job's plant, without a location;
- needs RUN_JOBS or INGEST at the job's plant (the operator's or the gateway's own permission);
  a new lot writes genealogy's audit entry and "lot.produced" event, a top-up one audit entry
  ("top_up") and one "lot.topped_up" event.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from models.base import pk
from models.catalog import Product
from models.lots import Lot, LotConsumption, LotStatus, Serial
from models.orders import Operation, WorkOrder, WorkStatus
from models.shopfloor import EventKind
from services.core.access import Actor, Permission
from services.core.audit import audit
from services.core.events import record
from services.core.numbering import next_numbers
from services.trace.events import LotToppedUp
from services.trace.genealogy import output_lot
from services.trace.lots import require_any

__all__ = ["KINDS", "OutputChange", "sync"]

KINDS = (EventKind.COUNT, EventKind.JOB_COMPLETED)        # the production events that can add good parts
RECORD = (Permission.RUN_JOBS, Permission.INGEST)


class OutputChange(BaseModel):
    operation_id: int
    lot_id: int
    lot_number: str
    pass_no: int
    added: int
    created: bool


def sync(session: Session, actor: Actor, jobs: Mapping[int, datetime]) -> list[OutputChange]:
    """Lot the good parts of the last steps among `jobs` that are not in a lot yet.

    Set-based (a gateway batch counts dozens of jobs): the last steps with their products, what they have
    lotted with their passes, and their open lots are read in one query each; top-ups are flushed together."""
    if not jobs:
        return []
    steps, products = _last_steps(session, actor, list(jobs))
    lotted, passes = _lotted_and_passes(session, [pk(job) for job in steps])
    todo = [(job, job.quantity_good - lotted.get(pk(job), 0)) for job in steps]
    todo = [(job, missing) for job, missing in todo if missing > 0]
    if not todo:
        return []
    for job, _ in todo:
        require_any(actor, RECORD, plant_id=job.plant_id)
    open_lots = _open_lots(session, {pk(job): (passes[pk(job)], products[job.work_order_id][0]) for job, _ in todo})
    changes, topped = [], False
    for job, missing in todo:
        at, pass_no = jobs[pk(job)], passes[pk(job)]
        lot = open_lots.get(pk(job))
        if lot is None:
            lot = output_lot(session, actor, job, quantity=missing, pass_no=pass_no, now=at)
            changes.append(OutputChange(operation_id=pk(job), lot_id=lot.id, lot_number=lot.number, pass_no=pass_no,
                                        added=missing, created=True))
            continue
        _top_up(session, actor, lot, missing, at, serialized=products[job.work_order_id][1])
        topped = True
        changes.append(OutputChange(operation_id=pk(job), lot_id=lot.id, lot_number=lot.number, pass_no=pass_no,
                                    added=missing, created=False))
    if topped:
        session.flush()
    return changes


def _last_steps(session: Session, actor: Actor,
                operation_ids: list[int]) -> tuple[list[Operation], dict[int, tuple[int, bool]]]:
    """The jobs that are the last live step of their work order, and per work order (its product, whether
    that product is serialized)."""
    found = session.exec(_last_steps_query(), params={"ids": sorted(operation_ids),
                                                       "organization_id": actor.organization_id}).all()
    rows = [(job, _product_id(product_id), serialized) for job, product_id, serialized in found
            if job.plant_id in actor.plant_ids]
    return [job for job, _, _ in rows], {job.work_order_id: (product_id, serialized) for job, product_id, serialized in rows}


@functools.cache
def _last_steps_query() -> Any:
    """Built once per process (bound `ids` and `organization_id`): building it cost more than running it."""
    later = aliased(Operation)
    has_later = (select(later.id).where(later.work_order_id == Operation.work_order_id,
                                        later.sequence > Operation.sequence, later.status != WorkStatus.CANCELLED)
                 .exists())
    return (select(Operation, Product.id, Product.is_serialized)
            .join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
            .join(Product, col(Product.id) == WorkOrder.product_id)
            .where(col(Operation.id).in_(sa.bindparam("ids", expanding=True)),
                   Operation.organization_id == sa.bindparam("organization_id"),
                   Operation.status != WorkStatus.CANCELLED, ~has_later)
            .order_by(col(Operation.id)).execution_options(populate_existing=True))


def _product_id(product_id: int | None) -> int:
    assert product_id is not None                      # joined on the product's primary key
    return product_id


def _lotted_and_passes(session: Session, operation_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Per job, in one query: the initial quantity of its output lots (by-products aside, hand-made ones
    included), and its production pass in progress (genealogy.pass_in_progress, for many jobs at once)."""
    if not operation_ids:
        return {}, {}
    own = sa.case((col(Lot.is_byproduct) == sa.false(), col(Lot.quantity_initial)), else_=0)
    consumed: sa.Select[Any, Any, Any] = (
        sa.select(col(LotConsumption.operation_id).label("operation_id"), sa.literal(0).label("lotted"),
                  func.max(LotConsumption.pass_no).label("p"))
        .where(col(LotConsumption.operation_id).in_(operation_ids)).group_by(col(LotConsumption.operation_id)))
    produced: sa.Select[Any, Any, Any] = (
        sa.select(col(Lot.operation_id).label("operation_id"), func.coalesce(func.sum(own), 0).label("lotted"),
                  func.max(Lot.pass_no).label("p"))
        .where(col(Lot.operation_id).in_(operation_ids)).group_by(col(Lot.operation_id)))
    lotted: dict[int, int] = {}
    passes = dict.fromkeys(operation_ids, 0)
    for operation_id, quantity, pass_no in session.execute(sa.union_all(consumed, produced)).all():
        lotted[operation_id] = lotted.get(operation_id, 0) + int(quantity or 0)
        passes[operation_id] = max(passes[operation_id], pass_no or 0)
    return lotted, {operation_id: pass_no or 1 for operation_id, pass_no in passes.items()}


def _open_lots(session: Session, wanted: dict[int, tuple[int, int]]) -> dict[int, Lot]:
    """Per job: the newest available output lot of its pass in progress and its work order's product,
    locked (one query for all jobs)."""
    keys = sorted((operation_id, pass_no) for operation_id, (pass_no, _) in wanted.items())
    lots = session.exec(select(Lot).where(sa.tuple_(Lot.operation_id, Lot.pass_no).in_(keys),
                                          Lot.is_byproduct == False, Lot.status == LotStatus.AVAILABLE)   # noqa: E712
                        .order_by(col(Lot.id)).with_for_update()).all()
    found: dict[int, Lot] = {}
    for lot in lots:                                        # in id order: the newest one wins
        if lot.operation_id is not None and lot.product_id == wanted[lot.operation_id][1]:
            found[lot.operation_id] = lot
    return found


def _top_up(session: Session, actor: Actor, lot: Lot, quantity: int, at: datetime, *, serialized: bool) -> None:
    """Add to an open lot in memory (the caller flushes all top-ups at once); serials are numbered now."""
    lot.quantity += quantity
    lot.quantity_initial += quantity
    lot.produced_at = at
    lot.updated_at, lot.updated_by = at, actor.user_id
    session.add(lot)
    serials = 0
    if serialized:
        numbers = next_numbers(session, lot.organization_id, "SN", quantity)
        session.add_all([Serial(organization_id=lot.organization_id, plant_id=lot.plant_id, number=number,
                                product_id=lot.product_id, lot_id=pk(lot), created_at=at, updated_at=at,
                                created_by=actor.user_id, updated_by=actor.user_id) for number in numbers])
        serials = len(numbers)
    changes: dict[str, Any] = {"operation_id": lot.operation_id, "work_order_id": lot.work_order_id, "pass_no": lot.pass_no,
               "added": quantity, "quantity": lot.quantity, "quantity_initial": lot.quantity_initial,
               "serials": serials}
    audit(session, actor, "lot", lot.id, "top_up", changes, plant_id=lot.plant_id, at=at)
    record(session, LotToppedUp(organization_id=lot.organization_id, plant_id=lot.plant_id, actor_user_id=actor.user_id,
                                at=at, lot_id=pk(lot), number=lot.number, **changes))
