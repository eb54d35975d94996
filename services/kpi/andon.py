"""The andon board of a plant: a tile per active machine with its state now (running, idle, paused,
down with reason, planned stop) and since when, its current job with progress against plan, and
its OEE over the current shift. A job with more good parts than its quantity allows with the plant's tolerance
is flagged `overproduced` (services/production/scheduling/exceptions.overproduced, the schedule board's rule).

Invariants: reading the board needs DISPLAY (a plant-scoped display token), VIEW_DASHBOARDS or MAINTAIN at
the plant; a plant of another organization, or outside the actor's plants, is NotFound. The board's
live scope (`board_scope`) is handed out only after that check, so a wall screen is linked to the
shared board of its own plant and nothing else. The shift OEE is each machine's OEE in
`services.kpi.reads.kpi_summary` (rollups) over [start of the current shift, now); outside working time, or
without a shift calendar, it is None.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Product
from models.orders import Operation, WorkOrder
from models.organization import Department, Plant
from models.resources import Machine, MachineState, MachineStatus, ReasonCode
from services.core.access import Actor, Permission, can_any
from services.core.calendar_math import CalendarSpec, shift_windows
from services.core.display_names import display_name
from services.core.errors import Forbidden, Invalid, NotFound
from services.core.messages import t
from services.kpi import reads as kpi
from services.kpi.live import Scope, reader_for
from services.master.calendars import calendar_spec
from services.production.scheduling.common import expected_good
from services.production.scheduling.exceptions import overproduced, overproduction_tolerance

STATE_ORDER = {MachineState.DOWN: 0, MachineState.PAUSED: 1, MachineState.PLANNED_STOP: 2,
               MachineState.IDLE: 3, MachineState.RUNNING: 4}


class AndonTile(BaseModel):
    machine_id: int
    code: str
    name: str
    department: str
    state: MachineState
    since: datetime | None
    minutes_in_state: int
    reason: str                      # the downtime or pause reason, "" when none
    job: str                         # "WO-000123 · FG-100 · Cut", "" when no job is on the machine
    quantity: int
    good: int
    scrap: int
    expected_good: int               # what the plan expects to be good by now
    progress_percent: int            # good / quantity
    plan_percent: int                # expected / quantity
    shift_oee_percent: Decimal | None
    overproduced: bool = False       # good beyond quantity by more than the plant's tolerance (same rule as the schedule)
    operation_id: int | None = None  # the job on the machine (the live tiles count its reports at once)


class AndonBoard(BaseModel):
    plant_id: int
    plant_code: str
    plant_name: str
    timezone: str
    shift: str                       # name of the current shift, "" outside working time
    at: datetime
    tiles: list[AndonTile]


def board_scope(session: Session, actor: Actor, plant_id: int | None = None) -> Scope:
    """The live scope of a plant's board, after checking the actor may watch it. A display token
    names its one plant; a person names one of theirs."""
    plant = _visible_plant(session, actor, plant_id)
    return Scope("andon", actor.organization_id, pk(plant))


class BoardPlant(BaseModel):
    id: int
    code: str
    name: str


def board_plants(session: Session, actor: Actor) -> list[BoardPlant]:
    """The plants whose board the actor may watch, by code (a person with several chooses one)."""
    ids = [p for p in actor.plant_ids if can_any(actor, *READERS, plant_id=p)]
    rows = session.exec(select(Plant).where(Plant.organization_id == actor.organization_id, col(Plant.id).in_(ids),
                                            Plant.is_active == True).order_by(col(Plant.code))).all() if ids else []  # noqa: E712
    return [BoardPlant(id=pk(p), code=p.code, name=p.name) for p in rows]


def board(session: Session, actor: Actor, plant_id: int | None = None, *, now: datetime) -> AndonBoard:
    plant = _visible_plant(session, actor, plant_id)
    reader = reader_for(board_scope(session, actor, plant.id))
    spec = _calendar(session, pk(plant))
    shift = current_shift(spec, now) if spec else None
    rows = session.exec(
        select(Machine, MachineStatus, Department).join(Department, col(Department.id) == col(Machine.department_id))
        .outerjoin(MachineStatus, col(MachineStatus.machine_id) == col(Machine.id))
        .where(Machine.organization_id == actor.organization_id, Machine.plant_id == plant.id,
               Machine.is_active == True)  # noqa: E712
        .order_by(Department.code, Machine.code)).all()
    op_ids = {s.operation_id for _, s, _ in rows if s is not None and s.operation_id}
    jobs = {op.id: (op, wo, product) for op, wo, product in session.exec(
        select(Operation, WorkOrder, Product).join(WorkOrder, col(WorkOrder.id) == col(Operation.work_order_id))
        .join(Product, col(Product.id) == col(WorkOrder.product_id))
        .where(col(Operation.id).in_(op_ids or {-1}))).all()}
    reason_ids = {s.reason_code_id for _, s, _ in rows if s is not None and s.reason_code_id}
    reasons = dict(session.exec(select(ReasonCode.id, ReasonCode.name)
                                .where(col(ReasonCode.id).in_(reason_ids or {-1}))).all())
    shift_oee = _shift_oee(session, reader, pk(plant), shift, now)
    tolerance = overproduction_tolerance(session, pk(plant))
    tiles = [_tile(machine, status, dept, jobs, reasons, spec, shift_oee.get(pk(machine)), now, tolerance)
             for machine, status, dept in rows]
    return AndonBoard(plant_id=plant.id, plant_code=plant.code, plant_name=display_name(plant), timezone=plant.timezone,
                      shift=shift[0] if shift else "", at=now, tiles=tiles)


def current_shift(spec: CalendarSpec, now: datetime) -> tuple[str, datetime, datetime] | None:
    """(name, start, end) of the shift `now` falls in (a night shift may have started yesterday)."""
    today = now.astimezone(spec.zone).date()
    for day in (today - timedelta(days=1), today):
        for shift, start, end, _breaks in shift_windows(spec, day):
            if start <= now < end:
                return shift.name, start, end
    return None


# ----- helpers -------------------------------------------------------------------------------

READERS = (Permission.DISPLAY, Permission.VIEW_DASHBOARDS, Permission.MAINTAIN)   # maintenance watches machines go down


def _visible_plant(session: Session, actor: Actor, plant_id: int | None) -> Plant:
    if not any(actor.can(p) for p in READERS):
        raise Forbidden(t("You are not allowed to do this: it needs the '{permission}' permission.",
                          permission=Permission.VIEW_DASHBOARDS.value))
    if plant_id is None:
        if len(actor.plant_ids) != 1:
            raise Invalid(t("Choose a plant."), fields={"plant_id": t("Choose a plant.")})
        plant_id = next(iter(actor.plant_ids))
    plant = session.get(Plant, plant_id)
    if plant is None or plant.organization_id != actor.organization_id or plant.id not in actor.plant_ids:
        raise NotFound(t("Plant not found."))
    if not can_any(actor, *READERS, plant_id=pk(plant)):
        raise Forbidden(t("You are not allowed to do this at this plant: it needs the '{permission}' permission.",
                          permission=Permission.VIEW_DASHBOARDS.value))
    return plant


def _calendar(session: Session, plant_id: int) -> CalendarSpec | None:
    try:
        return calendar_spec(session, plant_id)
    except Invalid:
        return None


def _tile(machine: Machine, status: MachineStatus | None, dept: Department, jobs: dict, reasons: dict,
          spec: CalendarSpec | None, shift_oee: Decimal | None, now: datetime, tolerance: int) -> AndonTile:
    state = status.state if status is not None else MachineState.IDLE
    since = status.since if status is not None else None
    reason = reasons.get(status.reason_code_id, "") if status is not None and status.reason_code_id else ""
    job = jobs.get(status.operation_id) if status is not None and status.operation_id else None
    op = job[0] if job else None
    expected = expected_good(op, now, spec) if op is not None else 0
    return AndonTile(
        machine_id=machine.id, code=machine.code, name=display_name(machine), department=display_name(dept), state=state, since=since,
        minutes_in_state=max(0, int((now - since).total_seconds() // 60)) if since else 0,
        reason=reason, job=f"{job[1].number} · {job[2].code} · {op.name}" if job and op is not None else "",
        quantity=op.quantity if op else 0, good=op.quantity_good if op else 0, scrap=op.quantity_scrap if op else 0,
        expected_good=expected, progress_percent=percent_of(op.quantity_good, op.quantity) if op else 0,
        plan_percent=percent_of(expected, op.quantity) if op else 0,
        shift_oee_percent=shift_oee, overproduced=overproduced(op.quantity_good, op.quantity, tolerance) if op else False,
        operation_id=op.id if op else None)


def _shift_oee(session: Session, reader: Actor, plant_id: int, shift, now: datetime) -> dict[int, Decimal | None]:
    """OEE per machine over [shift start, now), from the rollups (one read for the whole plant)."""
    if shift is None or now <= shift[1]:
        return {}
    summary = kpi.kpi_summary(session, reader, plant_id=plant_id, start=shift[1], end=now, now=now)
    return {m.machine_id: m.figures.oee_percent for m in summary.machines}


def percent_of(part: int, whole: int) -> int:
    return max(0, min(100, part * 100 // whole)) if whole > 0 else 0


__all__ = ["AndonBoard", "AndonTile", "board", "board_scope", "current_shift", "percent_of"]
