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
from typing import Any, NamedTuple

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, func

from models.base import pk, table_of
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


def sync(session: Session, actor: Actor, jobs: Mapping[int, datetime], *, flushed: bool = False) -> list[OutputChange]:
    """Lot the good parts of the last steps among `jobs` that are not in a lot yet. `flushed`: the caller has
    flushed its changes to the jobs (their counts and statuses), so what it added since (an audit entry) is
    written with the top-up's audit entry in one INSERT.

    Set-based (a gateway batch counts dozens of jobs): the last steps with their products, what they have
    lotted and their passes are read in one query; the open lots of all of them are topped up in one
    UPDATE .. RETURNING; only a pass without an open lot makes a new one."""
    if not jobs:
        return []
    if not flushed:
        session.flush()                                    # the counts just added are what is compared
    steps = [step for step in _last_steps(session, actor, list(jobs)) if step.missing > 0]
    if not steps:
        return []
    for step in steps:
        require_any(actor, RECORD, plant_id=step.plant_id)
    topped = _top_up(session, actor, steps, jobs)
    changes = []
    for step in steps:
        at, lot = jobs[step.operation_id], topped.get(step.operation_id)
        if lot is None:
            job = session.get_one(Operation, step.operation_id)
            made = output_lot(session, actor, job, quantity=step.missing, pass_no=step.pass_no, now=at)
            lot = (pk(made), made.number)
        changes.append(OutputChange(operation_id=step.operation_id, lot_id=lot[0], lot_number=lot[1],
                                    pass_no=step.pass_no, added=step.missing, created=step.operation_id not in topped))
    return changes


class _Step(NamedTuple):
    """A job that is the last live step of its work order, with what its output lots hold."""
    operation_id: int
    work_order_id: int
    plant_id: int
    product_id: int
    serialized: bool
    missing: int              # good parts not yet in one of its output lots
    pass_no: int              # its production pass in progress


def _last_steps(session: Session, actor: Actor, operation_ids: list[int]) -> list[_Step]:
    """The jobs that are the last live step of their work order, with their product, what they have lotted (the
    initial quantity of their output lots, by-products aside, hand-made ones included) and their pass in
    progress (genealogy.pass_in_progress, for many jobs at once): one query."""
    with session.no_autoflush:                        # sync flushed (or its caller did) what this reads
        found = session.execute(_last_steps_query(), {"ids": sorted(operation_ids),
                                                      "organization_id": actor.organization_id}).all()
    return [_Step(op_id, wo_id, plant_id, product_id, bool(serialized), good - int(lotted or 0),
                  max(lot_pass or 0, used_pass or 0) or 1)
            for op_id, wo_id, plant_id, good, product_id, serialized, lotted, lot_pass, used_pass in found
            if plant_id in actor.plant_ids]


@functools.cache
def _last_steps_query() -> Any:
    """Built once per process (bound `ids` and `organization_id`): building it cost more than running it."""
    o, w, p = table_of(Operation), table_of(WorkOrder), table_of(Product)
    lot, used, later = table_of(Lot), table_of(LotConsumption), table_of(Operation).alias("later")
    has_later = (sa.select(later.c.id).where(later.c.work_order_id == o.c.work_order_id,
                                             later.c.sequence > o.c.sequence, later.c.status != WorkStatus.CANCELLED)
                 .exists())
    own = sa.case((lot.c.is_byproduct == sa.false(), lot.c.quantity_initial), else_=0)
    lotted = sa.select(func.coalesce(func.sum(own), 0)).where(lot.c.operation_id == o.c.id).scalar_subquery()
    lot_pass = sa.select(func.max(lot.c.pass_no)).where(lot.c.operation_id == o.c.id).scalar_subquery()
    used_pass = sa.select(func.max(used.c.pass_no)).where(used.c.operation_id == o.c.id).scalar_subquery()
    return (sa.select(o.c.id, o.c.work_order_id, o.c.plant_id, o.c.quantity_good, p.c.id, p.c.is_serialized,
                      lotted, lot_pass, used_pass)
            .join_from(o, w, w.c.id == o.c.work_order_id).join(p, p.c.id == w.c.product_id)
            .where(o.c.id.in_(sa.bindparam("ids", expanding=True)),
                   o.c.organization_id == sa.bindparam("organization_id"),
                   o.c.status != WorkStatus.CANCELLED, ~has_later)
            .order_by(o.c.id))


def _top_up(session: Session, actor: Actor, steps: list[_Step],
            jobs: Mapping[int, datetime]) -> dict[int, tuple[int, str]]:
    """Add each step's missing parts to the newest available output lot of its pass and product, in one UPDATE ..
    RETURNING (the update locks the lots; one that stopped being available meanwhile is left alone); serials are
    numbered now; each top-up is audited and announced. Step (operation) id -> (lot id, number), for those that
    had an open lot."""
    params: dict[str, Any] = {"keys": [(s.operation_id, s.pass_no, s.product_id) for s in steps],
                              "user": actor.user_id}
    for i, step in enumerate(steps):
        params.update({f"op_{i}": step.operation_id, f"added_{i}": step.missing, f"at_{i}": jobs[step.operation_id]})
    with session.no_autoflush:
        rows = session.execute(_top_up_statement(len(steps)), params).all()
    by_id = {step.operation_id: step for step in steps}
    topped: dict[int, tuple[int, str]] = {}
    for lot in rows:
        step, at = by_id[lot.operation_id], jobs[lot.operation_id]
        _set_loaded(session, lot, at, actor.user_id)
        serials = _serials(session, actor, lot, step.missing, at) if step.serialized else 0
        changes: dict[str, Any] = {
            "operation_id": lot.operation_id, "work_order_id": lot.work_order_id, "pass_no": lot.pass_no,
            "added": step.missing, "quantity": lot.quantity, "quantity_initial": lot.quantity_initial,
            "serials": serials}
        audit(session, actor, "lot", lot.id, "top_up", changes, plant_id=lot.plant_id, at=at)
        record(session, LotToppedUp(organization_id=lot.organization_id, plant_id=lot.plant_id,
                                    actor_user_id=actor.user_id, at=at, lot_id=lot.id, number=lot.number, **changes))
        topped[step.operation_id] = (lot.id, lot.number)
    return topped


@functools.lru_cache(maxsize=64)
def _top_up_statement(jobs: int) -> Any:
    """The top-up of `jobs` open lots (bound op_i, added_i, at_i, keys, user), built once per batch size."""
    lot, newest = table_of(Lot), table_of(Lot).alias("newest")

    def per_job(name: str, type_: Any) -> Any:
        return sa.case(*[(sa.bindparam(f"op_{i}", type_=sa.Integer), sa.bindparam(f"{name}_{i}", type_=type_))
                         for i in range(jobs)], value=lot.c.operation_id)
    added, at = per_job("added", sa.Integer), per_job("at", lot.c.produced_at.type)
    wanted = (sa.select(func.max(newest.c.id))
              .where(sa.tuple_(newest.c.operation_id, newest.c.pass_no, newest.c.product_id)
                     .in_(sa.bindparam("keys", expanding=True)),
                     newest.c.is_byproduct == sa.false(), newest.c.status == LotStatus.AVAILABLE)
              .group_by(newest.c.operation_id))
    return (sa.update(lot)
            .where(lot.c.id.in_(wanted), lot.c.is_byproduct == sa.false(), lot.c.status == LotStatus.AVAILABLE)
            .values(quantity=lot.c.quantity + added, quantity_initial=lot.c.quantity_initial + added,
                    produced_at=at, updated_at=at, updated_by=sa.bindparam("user"))
            .returning(*[lot.c[name] for name in _LOT_COLUMNS]))


_LOT_COLUMNS = ("id", "organization_id", "plant_id", "number", "product_id", "work_order_id", "operation_id", "pass_no",
                "quantity", "quantity_initial")


def _set_loaded(session: Session, lot: Any, at: datetime, user_id: int | None) -> None:
    """A lot topped up by the UPDATE: its copy loaded in this session (if any) gets the new figures, no query."""
    loaded = session.identity_map.get(identity_key(Lot, lot.id))
    if loaded is not None:
        for name, value in {"quantity": lot.quantity, "quantity_initial": lot.quantity_initial, "produced_at": at,
                            "updated_at": at, "updated_by": user_id}.items():
            set_committed_value(loaded, name, value)


def _serials(session: Session, actor: Actor, lot: Any, quantity: int, at: datetime) -> int:
    """A new serial number (SN-...) per unit added to a serialized product's lot."""
    numbers = next_numbers(session, lot.organization_id, "SN", quantity)
    session.add_all([Serial(organization_id=lot.organization_id, plant_id=lot.plant_id, number=number,
                            product_id=lot.product_id, lot_id=lot.id, created_at=at, updated_at=at,
                            created_by=actor.user_id, updated_by=actor.user_id) for number in numbers])
    return len(numbers)
