"""Output lots from the shop floor: the good parts of a work order's last step become lots.

Interface (called inside the caller's transaction, under its machine lock):
- `sync(session, actor, jobs: Mapping[int, datetime]) -> list[OutputChange]`: `jobs` maps the
  jobs (Operation ids) an action just counted or completed to the time it happened. For each job
  that is the last live step of its work order (the highest sequence that is not cancelled), the
  good quantity not yet in one of its output lots goes into the output lot of its current
  production pass (services.genealogy's pass numbers): that lot is topped up while it is available,
  else a new lot is made by `genealogy.output_lot`, which links every input of the pass to it.
  services/shopfloor.py calls it after every count and completion of an operator, and
  services/ingest.py once per batch for the jobs the batch counted or completed, so a gateway and
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

from collections.abc import Mapping
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from models.catalog import Product
from models.lots import Lot, LotStatus, Serial
from models.orders import Operation, WorkOrder, WorkStatus
from models.shopfloor import EventKind
from services.access import Actor, Permission
from services.audit import audit
from services.events import DomainEvent, record
from services.genealogy import output_lot, pass_in_progress
from services.lots import require_any
from services.numbering import next_numbers

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
    """Lot the good parts of the last steps among `jobs` that are not in a lot yet."""
    if not jobs:
        return []
    changes = []
    for job in _last_steps(session, actor, list(jobs)):
        missing = job.quantity_good - _lotted(session, job.id)
        if missing > 0:
            require_any(actor, RECORD, plant_id=job.plant_id)
            changes.append(_add(session, actor, job, missing, jobs[job.id]))
    return changes


def _last_steps(session: Session, actor: Actor, operation_ids: list[int]) -> list[Operation]:
    later = aliased(Operation)
    has_later = (select(later.id).where(later.work_order_id == Operation.work_order_id,
                                        later.sequence > Operation.sequence, later.status != WorkStatus.CANCELLED)
                 .exists())
    query = (select(Operation).where(col(Operation.id).in_(sorted(operation_ids)),
                                     Operation.organization_id == actor.organization_id,
                                     Operation.status != WorkStatus.CANCELLED, ~has_later)
             .order_by(Operation.id).execution_options(populate_existing=True))
    return [job for job in session.exec(query).all() if job.plant_id in actor.plant_ids]


def _lotted(session: Session, operation_id: int) -> int:
    return session.exec(select(func.coalesce(func.sum(Lot.quantity_initial), 0))
                        .where(Lot.operation_id == operation_id, Lot.is_byproduct == False)).one()   # noqa: E712


def _add(session: Session, actor: Actor, job: Operation, quantity: int, at: datetime) -> OutputChange:
    pass_no = pass_in_progress(session, job.id)
    product_id = session.get(WorkOrder, job.work_order_id).product_id
    open_lot = session.exec(select(Lot).where(Lot.operation_id == job.id, Lot.pass_no == pass_no,
                                              Lot.is_byproduct == False, Lot.product_id == product_id,   # noqa: E712
                                              Lot.status == LotStatus.AVAILABLE)
                            .order_by(col(Lot.id).desc()).with_for_update()).first()
    if open_lot is None:
        lot = output_lot(session, actor, job, quantity=quantity, pass_no=pass_no, now=at)
        return OutputChange(operation_id=job.id, lot_id=lot.id, lot_number=lot.number, pass_no=pass_no,
                            added=quantity, created=True)
    _top_up(session, actor, open_lot, quantity, at)
    return OutputChange(operation_id=job.id, lot_id=open_lot.id, lot_number=open_lot.number, pass_no=pass_no,
                        added=quantity, created=False)


def _top_up(session: Session, actor: Actor, lot: Lot, quantity: int, at: datetime) -> None:
    lot.quantity += quantity
    lot.quantity_initial += quantity
    lot.produced_at = at
    lot.updated_at, lot.updated_by = at, actor.user_id
    session.add(lot)
    serials = 0
    if session.get(Product, lot.product_id).is_serialized:
        numbers = next_numbers(session, lot.organization_id, "SN", quantity)
        session.add_all([Serial(organization_id=lot.organization_id, plant_id=lot.plant_id, number=number,
                                product_id=lot.product_id, lot_id=lot.id, created_at=at, updated_at=at,
                                created_by=actor.user_id, updated_by=actor.user_id) for number in numbers])
        serials = len(numbers)
    session.flush()
    changes = {"operation_id": lot.operation_id, "work_order_id": lot.work_order_id, "pass_no": lot.pass_no,
               "added": quantity, "quantity": lot.quantity, "quantity_initial": lot.quantity_initial,
               "serials": serials}
    audit(session, actor, "lot", lot.id, "top_up", changes, plant_id=lot.plant_id, at=at)
    record(session, DomainEvent(name="lot.topped_up", organization_id=lot.organization_id, plant_id=lot.plant_id,
                                actor_user_id=actor.user_id, at=at,
                                payload={"lot_id": lot.id, "number": lot.number, **changes}))
