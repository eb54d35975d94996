"""Work centers and machines of a plant, and machines' own ideal cycle times per product.

Invariants:
- a work center belongs to one plant and one department of that plant; a machine belongs to one
  work center and takes the plant of its work center, with a department of that same plant;
- codes are unique per plant (upper-case, 1-32 letters, digits, dot, dash, underscore);
- a work center with active machines cannot be deactivated, and a machine of an inactive work
  center cannot be (re)activated; nothing is deleted;
- a MachineProductRate (ideal cycle seconds > 0, 3 decimals) overrides the routing step's ideal
  cycle time for that machine and product: `effective_cycle_seconds` answers which one applies, and
  `cycle_overrides` lists them for many machines at once (the KPI rollups' performance uses them);
- a machine may keep a second name (services/core/display_names.second_name checks it with the code and
  name); its reads carry `display_name` in the viewer's language and search matches either name.
Reading needs VIEW at the plant; writing needs MANAGE_PLANTS or PLAN at the plant.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, func, or_, select

from models.base import pk
from models.catalog import Product
from models.organization import Department, Plant
from models.resources import Machine, MachineProductRate, WorkCenter
from services.core.access import Actor
from services.core.display_names import display_name, second_name, set_second_name
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.search import matches
from services.core.validation import CODE_RE, check
from services.master.common import (
    announce,
    apply_changes,
    decimal_problem,
    like_pattern,
    require_plant_master,
    require_view,
    stamp,
    stamp_new,
    text_problem,
    to_decimal,
    visible_plant,
)


class WorkCenterCreate(BaseModel):
    plant_id: int
    department_id: int
    code: str
    name: str


class WorkCenterUpdate(BaseModel):
    code: str | None = None
    name: str | None = None
    department_id: int | None = None


class WorkCenterRead(BaseModel):
    id: int
    organization_id: int
    plant_id: int
    plant_code: str
    department_id: int
    department_code: str
    code: str
    name: str
    is_active: bool
    machine_count: int


class MachineCreate(BaseModel):
    work_center_id: int
    code: str
    name: str
    name2: str = ""                        # the name in a second language (services/core/display_names.py)
    name2_language: str | None = None      # en, ja or ko; None: what name2's script says
    department_id: int | None = None       # default: the work center's department


class MachineUpdate(BaseModel):
    code: str | None = None
    name: str | None = None
    name2: str | None = None
    name2_language: str | None = None
    work_center_id: int | None = None
    department_id: int | None = None


class MachineRead(BaseModel):
    id: int
    organization_id: int
    plant_id: int
    plant_code: str
    department_id: int
    department_code: str
    work_center_id: int
    work_center_code: str
    code: str
    name: str
    name2: str = ""
    name2_language: str | None = None
    display_name: str = ""                 # the name in the viewer's language
    is_active: bool


class MachineRateInput(BaseModel):
    product_id: int
    ideal_cycle_seconds: Decimal | str


class MachineRateRead(BaseModel):
    id: int
    machine_id: int
    product_id: int
    product_code: str
    product_name: str
    ideal_cycle_seconds: Decimal


WORK_CENTER_COLUMNS = [("plant_code", t("Plant")), ("code", t("Code")), ("name", t("Name")), ("department_code", t("Department")),
                       ("machine_count", t("Machines")), ("is_active", t("Active"))]
MACHINE_COLUMNS = [("plant_code", t("Plant")), ("code", t("Code")), ("name", t("Name")), ("work_center_code", t("Work center")),
                   ("department_code", t("Department")), ("is_active", t("Active"))]


# ---- work centers -------------------------------------------------------------------------

def list_work_centers(session: Session, actor: Actor, *, plant_id: int | None = None, search: str | None = None,
                      active: bool | None = True) -> list[WorkCenterRead]:
    require_view(actor)
    query = select(WorkCenter).where(WorkCenter.organization_id == actor.organization_id,
                                     col(WorkCenter.plant_id).in_(actor.plant_ids or {-1}))
    if plant_id is not None:
        query = query.where(WorkCenter.plant_id == plant_id)
    if search and search.strip():
        pattern = like_pattern(search)
        query = query.where(or_(func.lower(WorkCenter.code).like(pattern, escape="\\"),
                                func.lower(WorkCenter.name).like(pattern, escape="\\")))
    if active is not None:
        query = query.where(WorkCenter.is_active == active)
    rows = session.exec(query.order_by(col(WorkCenter.plant_id), col(WorkCenter.code))).all()
    return _work_center_reads(session, list(rows))


def get_work_center(session: Session, actor: Actor, work_center_id: int) -> WorkCenterRead:
    require_view(actor)
    return _work_center_reads(session, [get_scoped(session, actor, WorkCenter, work_center_id, t("Work center"))])[0]


def create_work_center(session: Session, actor: Actor, data: WorkCenterCreate, *,
                       now: datetime) -> WorkCenterRead:
    plant = visible_plant(session, actor, data.plant_id)
    require_plant_master(actor, pk(plant))
    code, name = _code_name(data.code, data.name)
    dept = _department(session, actor, pk(plant), data.department_id)
    _unique(session, WorkCenter, pk(plant), code, t("work center"))
    wc = stamp_new(WorkCenter(organization_id=actor.organization_id, plant_id=pk(plant), department_id=pk(dept),
                              code=code, name=name), actor, now)
    session.add(wc)
    session.flush()
    announce(session, actor, "work_center", wc.id, "create", {"code": code, "name": name, "department_id": dept.id},
             now=now, plant_id=plant.id)
    return get_work_center(session, actor, wc.id)


def update_work_center(session: Session, actor: Actor, work_center_id: int, data: WorkCenterUpdate, *,
                       now: datetime) -> WorkCenterRead:
    wc = _writable(session, actor, WorkCenter, work_center_id, t("Work center"))
    code, name = _code_name(wc.code if data.code is None else data.code, wc.name if data.name is None else data.name)
    if code != wc.code:
        _unique(session, WorkCenter, wc.plant_id, code, t("work center"))
    dept_id = _department(session, actor, wc.plant_id, data.department_id).id if data.department_id is not None else None
    changes = apply_changes(wc, {"code": code, "name": name, "department_id": dept_id})
    if changes:
        session.add(stamp(wc, actor, now))
        announce(session, actor, "work_center", wc.id, "update", changes, now=now, plant_id=wc.plant_id)
    return get_work_center(session, actor, wc.id)


def set_work_center_active(session: Session, actor: Actor, work_center_id: int, active: bool, *,
                           now: datetime) -> WorkCenterRead:
    wc = _writable(session, actor, WorkCenter, work_center_id, t("Work center"))
    if not active:
        busy = session.exec(select(Machine.code).where(Machine.work_center_id == wc.id, Machine.is_active == True)  # noqa: E712
                            .order_by(Machine.code)).all()
        if busy:
            raise Conflict(t("Work center {code} still has active machines ({busy}): deactivate or move them first.",
                             code=wc.code, busy=', '.join(busy)))
    if wc.is_active != active:
        wc.is_active = active
        session.add(stamp(wc, actor, now))
        announce(session, actor, "work_center", wc.id, "reactivate" if active else "deactivate",
                 {"is_active": {"before": not active, "after": active}}, now=now, plant_id=wc.plant_id)
    return get_work_center(session, actor, wc.id)


# ---- machines -----------------------------------------------------------------------------

def list_machines(session: Session, actor: Actor, *, plant_id: int | None = None, work_center_id: int | None = None,
                  department_id: int | None = None, search: str | None = None,
                  active: bool | None = True) -> list[MachineRead]:
    require_view(actor)
    query = select(Machine).where(Machine.organization_id == actor.organization_id,
                                  col(Machine.plant_id).in_(actor.plant_ids or {-1}))
    for column, value in [(Machine.plant_id, plant_id), (Machine.work_center_id, work_center_id),
                          (Machine.department_id, department_id), (Machine.is_active, active)]:
        if value is not None:
            query = query.where(column == value)
    if search and search.strip():
        query = query.where(matches(search, Machine.code, Machine.name, Machine.name2))
    return _machine_reads(session, list(session.exec(query.order_by(col(Machine.plant_id), col(Machine.code))).all()))


def get_machine(session: Session, actor: Actor, machine_id: int) -> MachineRead:
    require_view(actor)
    return _machine_reads(session, [get_scoped(session, actor, Machine, machine_id, t("Machine"))])[0]


def create_machine(session: Session, actor: Actor, data: MachineCreate, *, now: datetime) -> MachineRead:
    wc = _work_center_field(session, actor, data.work_center_id)
    require_plant_master(actor, wc.plant_id)
    problems: dict[str, str] = {}
    name2, name2_language = second_name(data.name2, data.name2_language, problems)
    code, name = _code_name(data.code, data.name, problems)
    dept = _department(session, actor, wc.plant_id, data.department_id or wc.department_id)
    _unique(session, Machine, wc.plant_id, code, t("machine"))
    machine = stamp_new(Machine(organization_id=actor.organization_id, plant_id=wc.plant_id, department_id=pk(dept),
                                work_center_id=pk(wc), code=code, name=name, name2=name2,
                                name2_language=name2_language), actor, now)
    session.add(machine)
    session.flush()
    announce(session, actor, "machine", machine.id, "create",
             {"code": code, "name": name, "work_center_id": wc.id, "department_id": dept.id,
              **({"name2": name2, "name2_language": name2_language} if name2 else {})},
             now=now, plant_id=wc.plant_id)
    return get_machine(session, actor, machine.id)


def update_machine(session: Session, actor: Actor, machine_id: int, data: MachineUpdate, *,
                   now: datetime) -> MachineRead:
    """Rename, re-code or move a machine to another work center / department of the same plant."""
    machine = _writable(session, actor, Machine, machine_id, t("Machine"))
    problems: dict[str, str] = {}
    name2, name2_language = second_name(data.name2, data.name2_language, problems,
                                        current=(machine.name2, machine.name2_language))
    code, name = _code_name(machine.code if data.code is None else data.code,
                            machine.name if data.name is None else data.name, problems)
    if code != machine.code:
        _unique(session, Machine, machine.plant_id, code, t("machine"))
    wc_id = None
    if data.work_center_id is not None:
        wc = _work_center_field(session, actor, data.work_center_id)
        if wc.plant_id != machine.plant_id:
            raise Invalid(fields={"work_center_id": t("Pick a work center of the machine's plant.")})
        wc_id = wc.id
    dept_id = _department(session, actor, machine.plant_id, data.department_id).id if data.department_id else None
    changes = apply_changes(machine, {"code": code, "name": name, "work_center_id": wc_id, "department_id": dept_id})
    changes |= set_second_name(machine, name2, name2_language)
    if changes:
        session.add(stamp(machine, actor, now))
        announce(session, actor, "machine", machine.id, "update", changes, now=now, plant_id=machine.plant_id)
    return get_machine(session, actor, machine.id)


def set_machine_active(session: Session, actor: Actor, machine_id: int, active: bool, *,
                       now: datetime) -> MachineRead:
    machine = _writable(session, actor, Machine, machine_id, t("Machine"))
    work_center = session.get(WorkCenter, machine.work_center_id)
    if active and (work_center is None or not work_center.is_active):
        raise Conflict(t("The work center of {code} is inactive: reactivate it first, or move the machine.",
                         code=machine.code))
    if machine.is_active != active:
        machine.is_active = active
        session.add(stamp(machine, actor, now))
        announce(session, actor, "machine", machine.id, "reactivate" if active else "deactivate",
                 {"is_active": {"before": not active, "after": active}}, now=now, plant_id=machine.plant_id)
    return get_machine(session, actor, machine.id)


# ---- per-product cycle times --------------------------------------------------------------

def list_machine_rates(session: Session, actor: Actor, machine_id: int) -> list[MachineRateRead]:
    require_view(actor)
    machine = get_scoped(session, actor, Machine, machine_id, t("Machine"))
    rows = session.exec(select(MachineProductRate, Product).join(Product, col(Product.id) == MachineProductRate.product_id)
                        .where(MachineProductRate.machine_id == machine.id).order_by(Product.code)).all()
    return [_rate_read(rate, product) for rate, product in rows]


def set_machine_rate(session: Session, actor: Actor, machine_id: int, data: MachineRateInput, *,
                     now: datetime) -> MachineRateRead:
    """Create or change the machine's own ideal cycle time for one product."""
    machine = _writable(session, actor, Machine, machine_id, t("Machine"))
    try:
        product = get_scoped(session, actor, Product, data.product_id, t("Product"))
    except NotFound:
        raise Invalid(fields={"product_id": t("Unknown product.")}) from None
    problem = decimal_problem(data.ideal_cycle_seconds, places=3, max_digits=12, exclusive_minimum=Decimal(0))
    check({"ideal_cycle_seconds": problem} if problem else {})
    seconds = to_decimal(data.ideal_cycle_seconds, 3)
    rate = session.exec(select(MachineProductRate).where(MachineProductRate.machine_id == machine.id,
                                                         MachineProductRate.product_id == product.id)).first()
    before = None if rate is None else Decimal(rate.ideal_cycle_seconds)
    if rate is None:
        rate = stamp_new(MachineProductRate(organization_id=actor.organization_id, machine_id=machine.id,
                                            product_id=pk(product), ideal_cycle_seconds=seconds), actor, now)
    elif before != seconds:
        rate.ideal_cycle_seconds = seconds
        stamp(rate, actor, now)
    if before != seconds:
        session.add(rate)
        session.flush()
        announce(session, actor, "machine_rate", rate.id, "create" if before is None else "update",
                 {"product": product.code, "ideal_cycle_seconds": {"before": before, "after": seconds}},
                 now=now, plant_id=machine.plant_id, payload={"machine_id": machine.id, "product_id": product.id})
    return _rate_read(rate, product)


def remove_machine_rate(session: Session, actor: Actor, rate_id: int, *, now: datetime) -> None:
    rate = get_scoped(session, actor, MachineProductRate, rate_id, t("Cycle-time override"))
    machine = _writable(session, actor, Machine, rate.machine_id, t("Cycle-time override"))
    snapshot = {"product_id": rate.product_id, "ideal_cycle_seconds": rate.ideal_cycle_seconds}
    session.delete(rate)
    session.flush()
    announce(session, actor, "machine_rate", rate_id, "delete", snapshot, now=now, plant_id=machine.plant_id,
             payload={"machine_id": machine.id, "product_id": snapshot["product_id"]})


def effective_cycle_seconds(session: Session, machine_id: int, product_id: int, routing_default: Decimal) -> Decimal:
    """The machine's own ideal cycle time for the product, else `routing_default`.

    No access check: callers are services that already scoped the machine to their actor.
    """
    seconds = session.exec(select(col(MachineProductRate.ideal_cycle_seconds)).where(
        MachineProductRate.machine_id == machine_id, MachineProductRate.product_id == product_id)).first()
    return Decimal(routing_default) if seconds is None else Decimal(seconds)


def cycle_overrides(session: Session, machine_ids: Iterable[int]) -> dict[tuple[int, int], Decimal]:
    """(machine id, product id) -> the machine's own ideal cycle seconds, for the machines that have any.

    No access check: callers are services that already scoped the machines to their actor.
    """
    ids = sorted(set(machine_ids))
    if not ids:
        return {}
    rows = session.exec(select(MachineProductRate).where(col(MachineProductRate.machine_id).in_(ids))).all()
    return {(r.machine_id, r.product_id): Decimal(r.ideal_cycle_seconds) for r in rows}


# ---- helpers ------------------------------------------------------------------------------

def _writable(session: Session, actor: Actor, model, row_id: int, what: str):
    row = get_scoped(session, actor, model, row_id, what)
    require_plant_master(actor, row.plant_id)
    return row


def _code_name(code: str | None, name: str | None, problems: dict[str, str] | None = None) -> tuple[str, str]:
    """The checked code and name; their problems join `problems` (a second name's) and are raised together."""
    code, name = (code or "").strip().upper(), (name or "").strip()
    problems = {} if problems is None else problems
    if not CODE_RE.match(code):
        problems["code"] = t("Use 1 to 32 letters, digits, dot, dash or underscore.")
    if problem := text_problem(name, max_length=200):
        problems["name"] = problem
    check(problems)
    return code, name


def _department(session: Session, actor: Actor, plant_id: int, department_id: int | None) -> Department:
    dept = session.get(Department, department_id) if department_id is not None else None
    if dept is None or dept.organization_id != actor.organization_id or dept.plant_id != plant_id:
        raise Invalid(fields={"department_id": t("Pick a department of this plant.")})
    if not dept.is_active:
        raise Invalid(fields={"department_id": t("Department {code} is inactive.", code=dept.code)})
    return dept


def _work_center_field(session: Session, actor: Actor, work_center_id: int) -> WorkCenter:
    try:
        wc = get_scoped(session, actor, WorkCenter, work_center_id, t("Work center"))
    except NotFound:
        raise Invalid(fields={"work_center_id": t("Unknown work center.")}) from None
    if not wc.is_active:
        raise Invalid(fields={"work_center_id": t("Work center {code} is inactive.", code=wc.code)})
    return wc


def _unique(session: Session, model, plant_id: int, code: str, what: str) -> None:
    if session.exec(select(model.id).where(model.plant_id == plant_id, model.code == code)).first() is not None:
        raise Conflict(t("This plant already has a {what} with code {code}.",
                         what=what, code=code), fields={"code": t("Already used.")})


def _codes(session: Session, model, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(model.id, model.code).where(col(model.id).in_(ids))).all())


def _work_center_reads(session: Session, rows: list[WorkCenter]) -> list[WorkCenterRead]:
    plants = _codes(session, Plant, {r.plant_id for r in rows})
    depts = _codes(session, Department, {r.department_id for r in rows})
    counts = dict(session.exec(select(Machine.work_center_id, func.count(col(Machine.id))).where(
        col(Machine.work_center_id).in_({r.id for r in rows} or {-1}), Machine.is_active == True)  # noqa: E712
        .group_by(col(Machine.work_center_id))).all())
    return [WorkCenterRead(id=r.id, organization_id=r.organization_id, plant_id=r.plant_id, plant_code=plants[r.plant_id],
                           department_id=r.department_id, department_code=depts[r.department_id], code=r.code,
                           name=r.name, is_active=r.is_active, machine_count=counts.get(pk(r), 0)) for r in rows]


def _machine_reads(session: Session, rows: list[Machine]) -> list[MachineRead]:
    plants = _codes(session, Plant, {r.plant_id for r in rows})
    depts = _codes(session, Department, {r.department_id for r in rows})
    wcs = _codes(session, WorkCenter, {r.work_center_id for r in rows})
    return [MachineRead(id=r.id, organization_id=r.organization_id, plant_id=r.plant_id, plant_code=plants[r.plant_id],
                        department_id=r.department_id, department_code=depts[r.department_id],
                        work_center_id=r.work_center_id, work_center_code=wcs[r.work_center_id], code=r.code,
                        name=r.name, name2=r.name2, name2_language=r.name2_language, display_name=display_name(r),
                        is_active=r.is_active) for r in rows]


def _rate_read(rate: MachineProductRate, product: Product) -> MachineRateRead:
    return MachineRateRead(id=rate.id, machine_id=rate.machine_id, product_id=product.id, product_code=product.code,
                           product_name=display_name(product), ideal_cycle_seconds=Decimal(rate.ideal_cycle_seconds))
