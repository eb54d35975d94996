"""The demo plant: Acme's Berlin Works with 10 machines in 3 departments, products with 2- and
3-level BOMs, routings, three shifts a day seven days a week (Porto: two, on weekdays) with breaks,
capacity targets, customers, products at standard cost, three weeks of history up to `now` made by the
machine model the live simulator runs (services/demo/history.py: orders released by the demo planner as
queues drain, machines reporting through the ingest service), and open orders queued on the machines
for the days ahead.

Everything goes through the same services as the UI and the API, acting as the demo planner and the
plant's machine gateway, with the clock passed in: the history is what those services would have recorded.
The random choices come from a fixed seed, so two seedings at the same `now` are identical.
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from models.base import pk, referenced
from models.kpi_rollup import DEFAULT_OVERPRODUCTION_TOLERANCE, IdleConvention
from models.orders import Operation, WorkOrder
from models.organization import Department, Plant
from models.user import User
from services.core.access import Actor
from services.demo import history
from services.kpi import settings as kpi_settings
from services.master import (
    boms,
    calendar_shifts,
    calendars,
    customers,
    products,
    reason_codes,
    routings,
    work_centers,
)
from services.org.auth import actor_for_user
from services.production import orders, scheduling, work_orders
from services.production.scheduling import CapacityTargetCreate

HISTORY_DAYS = 21      # days of machine history the seed records; TAKT_DEMO_HISTORY_DAYS overrides (1-60)


def history_days() -> int:
    """The days of history to seed: TAKT_DEMO_HISTORY_DAYS when set (the test suite seeds a short history, as
    each day costs about 2.4 s of CPU), else HISTORY_DAYS."""
    text = os.environ.get("TAKT_DEMO_HISTORY_DAYS", "").strip()
    if not text:
        return HISTORY_DAYS
    if not text.isdigit() or not 1 <= int(text) <= 60:
        raise ValueError(f"TAKT_DEMO_HISTORY_DAYS must be a whole number of days from 1 to 60, not {text!r}.")
    return int(text)

# code, name, department, machines
WORK_CENTERS = [
    ("CNC", "CNC turning", "MACH", ["CNC-01", "CNC-02", "CNC-03"]),
    ("MILL", "Milling", "MACH", ["MILL-01", "MILL-02"]),
    ("WELD", "Welding", "ASSY", ["WELD-01"]),
    ("ASM", "Assembly", "ASSY", ["ASM-01", "ASM-02"]),
    ("PAINT", "Powder coating", "FIN", ["PAINT-01"]),
    ("PACK", "Packing", "FIN", ["PACK-01"]),
]

# the machines' Japanese names: the work center's and the machine's number ("CNC旋盤 01号機")
WORK_CENTER_NAMES_JA = {"CNC": "CNC旋盤", "MILL": "フライス盤", "WELD": "溶接機", "ASM": "組立セル", "PAINT": "粉体塗装ライン",
                        "PACK": "梱包ライン"}

# code, name, type, unit, standard cost
PRODUCTS = [
    ("RM-STEEL-40", "Steel bar 40 mm", "raw", "m", "6.80"),
    ("RM-ALU-3", "Aluminium sheet 3 mm", "raw", "kg", "4.10"),
    ("RM-BOLT-M8", "Bolt M8x25", "raw", "pcs", "0.12"),
    ("RM-BOX-L", "Carton, large", "raw", "pcs", "0.90"),
    ("SF-SHAFT", "Machined shaft", "semi", "pcs", "7.45"),          # material, machine and labour at standard
    ("SF-BRACKET", "Milled bracket", "semi", "pcs", "6.20"),
    ("SF-FRAME", "Welded frame, coated", "semi", "pcs", "24.80"),
    ("FG-GEARBOX", "Gearbox housing assembly", "finished", "pcs", "58.90"),
    ("FG-PUMPKIT", "Pump bracket kit", "finished", "pcs", "17.60"),
    ("FG-SHAFTSET", "Shaft set (4)", "finished", "pcs", "32.40"),
]

# The Japanese names of some products (a Japanese planner sees these; services/core/display_names.py)
PRODUCT_NAMES_JA = {"RM-STEEL-40": "丸鋼 40 mm", "SF-SHAFT": "機械加工シャフト", "FG-GEARBOX": "ギアボックスハウジング組立",
                    "FG-PUMPKIT": "ポンプブラケットキット", "FG-SHAFTSET": "シャフトセット（4本）"}

# parent, component, quantity per, scrap factor
BOM = [
    ("SF-SHAFT", "RM-STEEL-40", "0.35", "0.02"),
    ("SF-BRACKET", "RM-ALU-3", "0.8", "0.05"),
    ("SF-FRAME", "SF-BRACKET", "2", "0"),
    ("SF-FRAME", "RM-BOLT-M8", "4", "0.01"),
    ("FG-GEARBOX", "SF-FRAME", "1", "0"),
    ("FG-GEARBOX", "SF-SHAFT", "2", "0"),
    ("FG-GEARBOX", "RM-BOLT-M8", "8", "0.01"),
    ("FG-GEARBOX", "RM-BOX-L", "1", "0"),
    ("FG-PUMPKIT", "SF-BRACKET", "2", "0"),
    ("FG-PUMPKIT", "RM-BOLT-M8", "4", "0.01"),
    ("FG-PUMPKIT", "RM-BOX-L", "1", "0"),
    ("FG-SHAFTSET", "SF-SHAFT", "4", "0"),
    ("FG-SHAFTSET", "RM-BOX-L", "1", "0"),
]

# product: [(step name, work center, setup s, ideal cycle s)]
ROUTINGS = {
    "SF-SHAFT": [("Turn", "CNC", 1200, "95")],
    "SF-BRACKET": [("Mill", "MILL", 900, "42")],
    "SF-FRAME": [("Weld", "WELD", 600, "150"), ("Powder coat", "PAINT", 1200, "110")],
    "FG-GEARBOX": [("Assemble", "ASM", 300, "240"), ("Pack", "PACK", 300, "75")],
    "FG-PUMPKIT": [("Assemble", "ASM", 300, "90"), ("Pack", "PACK", 300, "45")],
    "FG-SHAFTSET": [("Pack", "PACK", 300, "60")],
}

# kind, code, name, planned, six-big-loss category
REASONS = [
    ("downtime", "BREAKDOWN", "Machine breakdown", False, "breakdown"),
    ("downtime", "TOOL", "Tool change", False, "setup_adjustment"),
    ("downtime", "CHANGEOVER", "Changeover", False, "setup_adjustment"),
    ("downtime", "NO-MAT", "No material", False, "minor_stop"),
    ("downtime", "JAM", "Jam / minor stop", False, "minor_stop"),
    ("downtime", "PM", "Planned maintenance", True, "planned_stop"),
    ("downtime", "MEETING", "Team meeting", True, "planned_stop"),
    ("scrap", "DIM", "Dimension out of tolerance", False, "production_reject"),
    ("scrap", "SURFACE", "Surface defect", False, "production_reject"),
    ("scrap", "STARTUP", "Start-up reject", False, "startup_reject"),
    ("pause", "WAIT-MAT", "Waiting for material", False, "minor_stop"),
    ("pause", "QC-HOLD", "Waiting for quality check", False, "minor_stop"),
    ("pause", "AWAY", "Operator called away", False, "minor_stop"),
    ("exception", "RUSH", "Rush order", False, None),
    ("exception", "MACHINE-DOWN", "Machine down, moved", False, None),
]

CUSTOMERS = [
    ("NORDWIND", "Nordwind Antriebe GmbH", "orders@nordwind.example"),
    ("RIVERA", "Rivera Pumps S.L.", "purchasing@rivera.example"),
    ("KESTREL", "Kestrel Agritech Ltd", "supply@kestrel.example"),
    ("HANSA", "Hansa Fördertechnik AG", "einkauf@hansa.example"),
]

# finished product, quantity range
DEMAND = [("FG-GEARBOX", (8, 24)), ("FG-PUMPKIT", (20, 60)), ("FG-SHAFTSET", (10, 30))]


@dataclass
class _Ids:
    plant: Plant
    departments: dict[str, int]
    machines: dict[str, list[int]] = field(default_factory=dict)   # work center code -> machine ids
    work_centers: dict[str, int] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)
    customers: list[int] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)


def seed_demo_plant(session: Session, organization_id: int, *, now: datetime) -> None:
    """Master data, history and open work for the Berlin plant; a small line for Porto."""
    admin = demo_actor(session, "admin")
    berlin = session.exec(select(Plant).where(Plant.organization_id == organization_id, Plant.code == "BER")).one()
    ids = _master_data(session, admin, berlin, now)
    rng = random.Random(20260302)
    planner = demo_actor(session, "planner")
    history.record_history(session, planner, pk(berlin), start=now - timedelta(days=history_days()), end=now,
                           seed=20260302)
    _open_work(session, planner, ids, rng, now)
    scheduling.replan_plant(session, planner, pk(berlin), now=now)
    scheduling.detect_late(session, planner, pk(berlin), now=now)
    porto = session.exec(select(Plant).where(Plant.organization_id == organization_id, Plant.code == "POR")).one()
    _porto_line(session, admin, porto, now)


# ----- master data --------------------------------------------------------------------------

def _master_data(session: Session, admin: Actor, plant: Plant, now: datetime) -> _Ids:
    depts = {d.code: pk(d) for d in session.exec(select(Department).where(Department.plant_id == plant.id)).all()}
    ids = _Ids(plant=plant, departments=depts)
    _round_the_clock_calendar(session, admin, pk(plant), now)
    for code, name, dept, machine_codes in WORK_CENTERS:
        wc = work_centers.create_work_center(session, admin, work_centers.WorkCenterCreate(
            plant_id=plant.id, department_id=depts[dept], code=code, name=name), now=now)
        ids.work_centers[code] = wc.id
        ids.machines[code] = [work_centers.create_machine(session, admin, work_centers.MachineCreate(
            work_center_id=wc.id, code=m, name=f"{name} {m.split('-')[1]}",
            name2=f"{WORK_CENTER_NAMES_JA[code]} {m.split('-')[1]}号機"), now=now).id for m in machine_codes]
    for code, name, type_, unit, cost in PRODUCTS:
        ids.products[code] = products.create_product(session, admin, products.ProductCreate(
            code=code, name=name, name2=PRODUCT_NAMES_JA.get(code, ""), type=type_, unit=unit, standard_cost=cost),
            now=now).id
    for parent, component, qty, scrap in BOM:
        boms.add_component(session, admin, ids.products[parent], boms.BomLineCreate(
            component_product_id=ids.products[component], quantity_per=qty, scrap_factor=scrap), now=now)
    for product, steps in ROUTINGS.items():
        routings.create_routing(session, admin, routings.RoutingCreate(product_id=ids.products[product], name="Standard", steps=[
            routings.StepInput(name=n, work_center_id=ids.work_centers[wc], setup_seconds=s, ideal_cycle_seconds=c)
            for n, wc, s, c in steps]), now=now)
    # CNC-03 is a newer lathe: faster on shafts
    work_centers.set_machine_rate(session, admin, ids.machines["CNC"][2], work_centers.MachineRateInput(
        product_id=ids.products["SF-SHAFT"], ideal_cycle_seconds="80"), now=now)
    for kind, code, name, planned, loss in REASONS:
        ids.reasons[code] = reason_codes.create_reason_code(session, admin, reason_codes.ReasonCodeCreate(
            kind=kind, code=code, name=name, planned=planned, loss_category=loss), now=now).id
    for code, name, email in CUSTOMERS:
        ids.customers.append(customers.create_customer(session, admin, customers.CustomerCreate(
            code=code, name=name, email=email), now=now).id)
    for _wc_code, machine_ids in ids.machines.items():     # three shifts less breaks: 22.25 h a day
        for machine_id in machine_ids:
            scheduling.create_target(session, admin, CapacityTargetCreate(
                plant_id=plant.id, machine_id=machine_id, period="day", target_hours=Decimal("22.25")), now=now)
    return ids


def _two_shift_calendar(session: Session, admin: Actor, plant_id: int, now: datetime) -> None:
    """Porto: an early and a late shift on weekdays."""
    _shift_calendar(session, admin, plant_id, now, name="Two shifts", weekdays="12345", night=False)


def _round_the_clock_calendar(session: Session, admin: Actor, plant_id: int, now: datetime) -> None:
    """Berlin runs continuously: early, late and night shift every day of the week (so the demo plant,
    and the simulator that drives it, is at work whenever someone opens it)."""
    _shift_calendar(session, admin, plant_id, now, name="Three shifts, seven days", weekdays="1234567", night=True)


def _shift_calendar(session: Session, admin: Actor, plant_id: int, now: datetime, *, name: str, weekdays: str,
                    night: bool) -> None:
    cal = calendars.create_calendar(session, admin, calendars.CalendarCreate(plant_id=plant_id, name=name), now=now)
    shifts = [("Early", 6 * 60, 14 * 60), ("Late", 14 * 60, 22 * 60)] + ([("Night", 22 * 60, 6 * 60)] if night else [])
    ids: dict[str, int] = {}
    for shift_name, start, end in shifts:
        read = calendar_shifts.add_shift(session, admin, cal.calendar.id, calendars.ShiftInput(
            name=shift_name, start_minute=start, end_minute=end, weekdays=weekdays), now=now)
        ids[shift_name] = next(s.id for s in read.shifts if s.name == shift_name)
    breaks = [("Early", "Coffee", 9 * 60, 9 * 60 + 15), ("Early", "Lunch", 12 * 60, 12 * 60 + 30),
              ("Late", "Dinner", 18 * 60, 18 * 60 + 30), ("Night", "Night break", 2 * 60, 2 * 60 + 30)]
    for shift_name, break_name, start, end in breaks:
        if shift_name in ids:
            calendar_shifts.add_break(session, admin, ids[shift_name], calendars.BreakInput(
                name=break_name, start_minute=start, end_minute=end), now=now)


def _porto_line(session: Session, admin: Actor, plant: Plant, now: datetime) -> None:
    dept = session.exec(select(Department).where(Department.plant_id == plant.id, Department.code == "ASSY")).one()
    _two_shift_calendar(session, admin, pk(plant), now)
    wc = work_centers.create_work_center(session, admin, work_centers.WorkCenterCreate(
        plant_id=plant.id, department_id=dept.id, code="ASM", name="Assembly"), now=now)
    for code in ["ASM-P1", "ASM-P2"]:
        work_centers.create_machine(session, admin, work_centers.MachineCreate(
            work_center_id=wc.id, code=code, name=f"Assembly cell {code[-1]}"), now=now)
    # Porto assembles to order and has no work yet: its idle shifts are "not scheduled" (TEEP style), so
    # its dashboard says there was no planned production instead of 0 % availability.
    kpi_settings.set_plant_settings(session, admin, pk(plant), idle_convention=IdleConvention.NOT_SCHEDULED.value,
                                    overproduction_tolerance_percent=DEFAULT_OVERPRODUCTION_TOLERANCE, now=now)


# ----- open work ------------------------------------------------------------------------------

def _open_work(session: Session, planner: Actor, ids: _Ids, rng: random.Random, now: datetime) -> None:
    today = now.date()
    for i in range(10):
        order_id = _order(session, planner, ids, rng, created=now - timedelta(hours=10 - i),
                          promised=today + timedelta(days=rng.randint(1, 12)))
        if i >= 7:
            continue                      # left open: for the planner to release
        released = work_orders.release_order(session, planner, order_id, now=now)
        for wo in sorted(released, key=lambda w: -_depth(session, w.id)):
            for op in session.exec(select(Operation).where(Operation.work_order_id == wo.id).order_by(col(Operation.sequence))).all():
                if i < 5:                  # the rest waits on the board's "unscheduled" list
                    wc_code = next(c for c, wc_id in ids.work_centers.items() if wc_id == op.work_center_id)
                    scheduling.assign_operation(session, planner, pk(op), rng.choice(ids.machines[wc_code]), now=now)


def _order(session: Session, planner: Actor, ids: _Ids, rng: random.Random, *, created: datetime, promised: date) -> int:
    lines = []
    for product, (low, high) in rng.sample(DEMAND, rng.randint(1, 2)):
        lines.append(orders.OrderLineInput(product_id=ids.products[product], quantity=rng.randint(low, high),
                                           promised_date=promised, unit_price=Decimal(rng.randint(40, 400))))
    order = orders.create_order(session, planner, orders.OrderCreate(
        plant_id=ids.plant.id, customer_id=rng.choice(ids.customers),
        customer_reference=f"PO-{rng.randint(10000, 99999)}", lines=lines), now=created)
    return order.id


def _depth(session: Session, work_order_id: int) -> int:
    depth, wo = 0, referenced(session, WorkOrder, work_order_id)
    while wo.parent_work_order_id is not None:
        depth, wo = depth + 1, referenced(session, WorkOrder, wo.parent_work_order_id)
    return depth


def demo_actor(session: Session, username: str) -> Actor:
    """The demo person with this username, as an actor (the seed's users have unique usernames)."""
    return actor_for_user(session, session.exec(select(User).where(User.username == username)).one())
