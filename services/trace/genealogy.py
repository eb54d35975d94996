"""Genealogy: material consumed into a job, and the lots a job produces, linked with quantities.

Interface (stable; the scanning station's "consume to job" mode calls `consume`):
- `consume(session, actor, *, operation_id, lot_id=None, serial_id=None, quantity=None, pass_no=None,
  kind=LinkKind.CONSUME, now) -> ConsumptionRead`: take `quantity` (default: all that is left, or 1
  for a serial) from an available lot into one production pass of a job. `kind` is CONSUME or REWORK.
- `produce(session, actor, *, operation_id, quantity, pass_no=None, product_id=None, byproduct=False,
  location_id=None, serial_numbers=(), now) -> LotRead`: create an output lot of that pass (the work
  order's product, or any product for a by-product) and link every input of the pass to it.
- `job_for_work_order(session, actor, work_order_id) -> int`: the job material goes to when a work
  order (not a job) is scanned: the running or paused one, else the first open one.
- `current_pass(session, actor, operation_id) -> int`, `start_pass(session, actor, operation_id) -> int`.
- `consumptions(session, actor, operation_id)`, `outputs(session, actor, operation_id)`.
- `output_lot(session, actor, job, ...) -> Lot` and `pass_in_progress(session, operation_id)`: the
  same without the permission check, for services/trace/output_lots.py (the caller scoped and locked the job).

Invariants:
- a production pass is (operation, pass_no); `pass_no=None` means the job's current pass (the
  highest used so far, 1 at first); `start_pass` opens the next one. What one pass consumed is
  linked only to what the same pass produced, never to another pass of the same work order;
- one `GenealogyLink` per (consumption, output lot): an input consumed after an output was produced
  is linked to that output too; the link carries the consumed quantity and its kind (BYPRODUCT when
  the output is a by-product, else the consumption's kind);
- partial consumption leaves the rest of the lot available; the last unit marks it consumed; a
  consumed serial is consumed and takes one unit from its lot;
- on-hold, used-up, shipped and recalled lots and serials are refused; a serialized lot is consumed
  by serial; lots must be in the job's plant; cancelled and finished jobs take no material;
- everything needs RUN_JOBS, SCAN or SUPERVISE at the job's plant; each call writes one audit entry
  and records one domain event ("lot.consumed", "lot.produced").
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.catalog import Product
from models.lots import (
    GenealogyLink,
    LinkKind,
    Lot,
    LotConsumption,
    LotOrigin,
    LotStatus,
    Serial,
)
from models.orders import Operation, WorkOrder, WorkStatus
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.production.transitions import status_word
from services.trace.events import LotConsumed, LotProduced
from services.trace.lots import (
    MAX_QUANTITY,
    PRODUCE,
    STATUS_WORDS,
    LotRead,
    _location,
    check_usable,
    lot_row,
    make_serials,
    new_lot_number,
    read_lot,
    read_lots,
    require_any,
    serial_row,
)

CLOSED_JOB = (WorkStatus.CANCELLED, WorkStatus.DONE)


class ConsumptionRead(BaseModel):
    id: int
    lot_id: int
    lot_number: str
    serial_id: int | None
    operation_id: int
    work_order_id: int
    pass_no: int
    quantity: int
    kind: LinkKind
    lot_quantity_left: int
    linked_output_lot_ids: list[int]
    at: datetime


def _job(session: Session, actor: Actor, operation_id: int, *, for_update: bool = False) -> Operation:
    job = get_scoped(session, actor, Operation, operation_id, t("Job"), for_update=for_update)
    require_any(actor, PRODUCE, plant_id=job.plant_id)
    return job


def _pass_no(session: Session, job: Operation, pass_no: int | None) -> int:
    if pass_no is None:
        return _highest_pass(session, pk(job)) or 1
    if not 1 <= pass_no <= 100_000:
        raise Invalid(fields={"pass_no": t("A production pass is a number from 1.")})
    return pass_no


def _highest_pass(session: Session, operation_id: int) -> int:
    consumed = session.exec(select(func.max(LotConsumption.pass_no)).where(LotConsumption.operation_id == operation_id)).one()
    produced = session.exec(select(func.max(Lot.pass_no)).where(Lot.operation_id == operation_id)).one()
    return max(consumed or 0, produced or 0)


def pass_in_progress(session: Session, operation_id: int) -> int:
    """The job's current production pass (no permission check: the caller has scoped the job)."""
    return _highest_pass(session, operation_id) or 1


def current_pass(session: Session, actor: Actor, operation_id: int) -> int:
    require(actor, Permission.VIEW)
    job = get_scoped(session, actor, Operation, operation_id, t("Job"))
    return _highest_pass(session, pk(job)) or 1


def start_pass(session: Session, actor: Actor, operation_id: int) -> int:
    """The number of a new production pass of this job (nothing is stored until it is used)."""
    job = _job(session, actor, operation_id)
    return _highest_pass(session, pk(job)) + 1


def job_for_work_order(session: Session, actor: Actor, work_order_id: int) -> int:
    work_order = get_scoped(session, actor, WorkOrder, work_order_id, t("Work order"))
    jobs = session.exec(select(Operation).where(Operation.work_order_id == work_order.id)
                        .order_by(col(Operation.sequence))).all()
    for wanted in ((WorkStatus.RUNNING, WorkStatus.PAUSED), (WorkStatus.RELEASED, WorkStatus.PLANNED)):
        for job in jobs:
            if job.status in wanted:
                return pk(job)
    raise Conflict(t("Work order {number} has no open job to take material.", number=work_order.number))


def consume(session: Session, actor: Actor, *, operation_id: int, lot_id: int | None = None,
            serial_id: int | None = None, quantity: int | None = None, pass_no: int | None = None,
            kind: LinkKind = LinkKind.CONSUME, now: datetime) -> ConsumptionRead:
    job = _job(session, actor, operation_id, for_update=True)
    if job.status in CLOSED_JOB:
        raise Conflict(t("Job {name} is {status}: it takes no more material.", name=job.name,
                         status=status_word(job.status.value)))
    kind = LinkKind(kind)
    check({"kind": t("Material is consumed or reworked; a by-product is an output.")} if kind == LinkKind.BYPRODUCT else {})
    lot, serial = _input(session, actor, lot_id, serial_id)
    if lot.plant_id != job.plant_id:
        raise Invalid(t("Lot {number} is in another plant than this job.", number=lot.number),
                      fields={"lot_id": t("Another plant.")})
    quantity = _quantity_to_take(lot, serial, quantity)
    pass_no = _pass_no(session, job, pass_no)
    consumption = LotConsumption(organization_id=job.organization_id, plant_id=job.plant_id, lot_id=pk(lot),
                                 serial_id=serial.id if serial else None, operation_id=pk(job),
                                 work_order_id=job.work_order_id, pass_no=pass_no, quantity=quantity, kind=kind,
                                 user_id=actor.user_id, at=now)
    session.add(consumption)
    _take(session, lot, serial, quantity, actor, now)
    session.flush()
    outputs = session.exec(select(Lot).where(Lot.operation_id == job.id, Lot.pass_no == pass_no)).all()
    for output in outputs:
        session.add(_link(consumption, output, now))
    changes: dict[str, Any] = {"operation_id": job.id, "work_order_id": job.work_order_id, "pass_no": pass_no,
               "quantity": quantity, "kind": kind.value, "serial_id": consumption.serial_id, "left": lot.quantity}
    audit(session, actor, "lot", lot.id, "consume", changes, plant_id=lot.plant_id, at=now)
    record(session, LotConsumed(organization_id=lot.organization_id, plant_id=lot.plant_id, actor_user_id=actor.user_id,
                                at=now, lot_id=pk(lot), number=lot.number, consumption_id=pk(consumption), **changes))
    return ConsumptionRead(id=consumption.id, lot_id=lot.id, lot_number=lot.number, serial_id=consumption.serial_id,
                           operation_id=job.id, work_order_id=job.work_order_id, pass_no=pass_no, quantity=quantity,
                           kind=kind, lot_quantity_left=lot.quantity, linked_output_lot_ids=[o.id for o in outputs],
                           at=now)


def _input(session: Session, actor: Actor, lot_id: int | None, serial_id: int | None) -> tuple[Lot, Serial | None]:
    if lot_id is None and serial_id is None:
        raise Invalid(t("Scan or choose one lot or one serial number."), fields={"lot_id": t("Give a lot or a serial.")})
    serial = serial_row(session, actor, serial_id, for_update=True) if serial_id is not None else None
    lot = lot_row(session, actor, serial.lot_id if serial else lot_id, for_update=True)
    if serial and lot_id is not None and lot_id != serial.lot_id:
        raise Invalid(t("Serial {serial} is not in lot {lot}.", serial=serial.number, lot=lot.number),
                      fields={"serial_id": t("Not in this lot.")})
    check_usable(lot, "consume")
    if serial is not None and serial.status != LotStatus.AVAILABLE:
        raise Conflict(t("Serial {number} is {status}: you cannot consume it.", number=serial.number,
                         status=STATUS_WORDS[LotStatus(serial.status)]))
    if serial is None and session.exec(select(Serial.id).where(Serial.lot_id == lot.id)).first() is not None:
        raise Invalid(t("Lot {number} is serialized: scan the serial numbers you use.", number=lot.number),
                      fields={"serial_id": t("Scan the serial numbers.")})
    return lot, serial


def _quantity_to_take(lot: Lot, serial: Serial | None, quantity: int | None) -> int:
    if serial is not None:
        check({"quantity": t("A serial number is one unit.")} if quantity not in (None, 1) else {})
        return 1
    if lot.quantity == 0:
        raise Conflict(t("Lot {number} has nothing left.", number=lot.number), fields={"lot_id": t("Nothing left.")})
    if quantity is None:
        return lot.quantity
    check({"quantity": t("Give a whole quantity above 0.")} if not 0 < quantity <= MAX_QUANTITY else {})
    if quantity > lot.quantity:
        raise Conflict(t("Lot {number} has only {quantity} {unit} left.", number=lot.number, quantity=lot.quantity,
                         unit=lot.unit), fields={"quantity": t("At most {limit}.", limit=lot.quantity)})
    return quantity


def _take(session: Session, lot: Lot, serial: Serial | None, quantity: int, actor: Actor, now: datetime) -> None:
    lot.quantity -= quantity
    if lot.quantity == 0:
        lot.status = LotStatus.CONSUMED
    lot.updated_at, lot.updated_by = now, actor.user_id
    session.add(lot)
    if serial is not None:
        serial.status, serial.updated_at, serial.updated_by = LotStatus.CONSUMED, now, actor.user_id
        session.add(serial)


def _link(consumption: LotConsumption, output: Lot, now: datetime) -> GenealogyLink:
    return GenealogyLink(organization_id=consumption.organization_id, input_lot_id=consumption.lot_id,
                         input_serial_id=consumption.serial_id, output_lot_id=pk(output), consumption_id=consumption.id,
                         quantity=consumption.quantity,
                         kind=LinkKind.BYPRODUCT if output.is_byproduct else consumption.kind,
                         work_order_id=consumption.work_order_id, operation_id=consumption.operation_id,
                         pass_no=consumption.pass_no, at=now)


def produce(session: Session, actor: Actor, *, operation_id: int, quantity: int, pass_no: int | None = None,
            product_id: int | None = None, byproduct: bool = False, location_id: int | None = None,
            serial_numbers: list[str] | tuple[str, ...] = (), now: datetime) -> LotRead:
    job = _job(session, actor, operation_id, for_update=True)
    return read_lot(session, output_lot(session, actor, job, quantity=quantity, pass_no=pass_no, product_id=product_id,
                                        byproduct=byproduct, location_id=location_id,
                                        serial_numbers=serial_numbers, now=now))


def output_lot(session: Session, actor: Actor, job: Operation, *, quantity: int, pass_no: int | None = None,
               product_id: int | None = None, byproduct: bool = False, location_id: int | None = None,
               serial_numbers: list[str] | tuple[str, ...] = (), now: datetime) -> Lot:
    """`produce` on a job the caller has already scoped, locked and checked the actor's permission for
    (services/trace/output_lots.py: the shop floor's RUN_JOBS or a gateway's INGEST)."""
    if job.status == WorkStatus.CANCELLED:
        raise Conflict(t("Job {name} is cancelled: it produces nothing.", name=job.name))
    work_order = session.get_one(WorkOrder, job.work_order_id)
    product = _output_product(session, actor, work_order, product_id, byproduct)
    check({"quantity": t("Give a whole quantity above 0.")} if not 0 < quantity <= MAX_QUANTITY else {})
    location = _location(session, actor, location_id, job.plant_id)
    pass_no = _pass_no(session, job, pass_no)
    lot = Lot(organization_id=job.organization_id, plant_id=job.plant_id,
              number=new_lot_number(session, job.organization_id), product_id=pk(product), quantity=quantity,
              quantity_initial=quantity, unit=product.unit, origin=LotOrigin.PRODUCTION,
              location_id=location.id if location else None, work_order_id=work_order.id, operation_id=job.id,
              machine_id=job.machine_id, pass_no=pass_no, is_byproduct=byproduct, produced_at=now,
              created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(lot)
    session.flush()
    serials = make_serials(session, actor, lot, product, list(serial_numbers), now=now)
    inputs = session.exec(select(LotConsumption).where(LotConsumption.operation_id == job.id,
                                                       LotConsumption.pass_no == pass_no)
                          .order_by(col(LotConsumption.id))).all()
    for consumption in inputs:
        session.add(_link(consumption, lot, now))
    changes: dict[str, Any] = {"operation_id": job.id, "work_order_id": work_order.id, "pass_no": pass_no,
               "product_id": product.id,
               "quantity": quantity, "byproduct": byproduct, "inputs": len(inputs), "serials": len(serials)}
    audit(session, actor, "lot", lot.id, "produce", changes, plant_id=lot.plant_id, at=now)
    record(session, LotProduced(organization_id=lot.organization_id, plant_id=lot.plant_id, actor_user_id=actor.user_id,
                                at=now, lot_id=pk(lot), number=lot.number, **changes))
    return lot


def _output_product(session: Session, actor: Actor, work_order: WorkOrder, product_id: int | None,
                    byproduct: bool) -> Product:
    if byproduct and product_id is None:
        raise Invalid(fields={"product_id": t("Choose the product of the by-product.")})
    if not byproduct and product_id not in (None, work_order.product_id):
        raise Invalid(t("Work order {number} makes another product; record this as a by-product.", number=work_order.number),
                      fields={"product_id": t("Not the work order's product.")})
    product = get_scoped(session, actor, Product, product_id or work_order.product_id, t("Product"))
    if product_id is not None and not product.is_active:
        raise Invalid(fields={"product_id": t("This product is no longer active.")})
    return product


def consumptions(session: Session, actor: Actor, operation_id: int) -> list[ConsumptionRead]:
    require(actor, Permission.VIEW)
    job = get_scoped(session, actor, Operation, operation_id, t("Job"))
    rows = session.exec(select(LotConsumption, Lot).join(Lot, col(Lot.id) == LotConsumption.lot_id)
                        .where(LotConsumption.operation_id == job.id).order_by(col(LotConsumption.id))).all()
    links = session.exec(select(GenealogyLink.consumption_id, GenealogyLink.output_lot_id)
                         .where(GenealogyLink.operation_id == job.id)).all()
    return [ConsumptionRead(id=c.id, lot_id=lot.id, lot_number=lot.number, serial_id=c.serial_id, operation_id=job.id,
                            work_order_id=c.work_order_id, pass_no=c.pass_no, quantity=c.quantity, kind=c.kind,
                            lot_quantity_left=lot.quantity,
                            linked_output_lot_ids=[o for cid, o in links if cid == c.id], at=c.at)
            for c, lot in rows]


def outputs(session: Session, actor: Actor, operation_id: int) -> list[LotRead]:
    require(actor, Permission.VIEW)
    job = get_scoped(session, actor, Operation, operation_id, t("Job"))
    return read_lots(session, session.exec(select(Lot).where(Lot.operation_id == job.id).order_by(col(Lot.id))).all())


__all__ = ["ConsumptionRead", "consume", "consumptions", "current_pass", "job_for_work_order", "output_lot",
           "outputs", "pass_in_progress", "produce", "start_pass"]
