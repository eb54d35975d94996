"""Demo maintenance for Acme Berlin: a team (the demo `maintenance` technician, a lead `maint.lead`, the plant
`manager` for second escalations), SLA targets, spare parts in two stores (one below its minimum), preventive
plans (weekly lubrication of the CNC class, a cutter change every 5,000 parts, a spindle check every 200 run
hours), about two months of corrective and preventive tickets worked through their workflow with parts and
labour (some answered late, so their SLA was breached and escalated; most met), and today's open work: a
critical breakdown nobody answered yet, one in progress and one waiting for parts. Seeded with a fixed random
generator, so every demo database tells the same story."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from models.base import pk, referenced
from models.maintenance import MaintenanceTicket
from models.organization import Plant
from models.resources import Machine, WorkCenter
from models.user import User
from services.core.access import Actor
from services.demo import DEMO_PASSWORD
from services.maintenance import parts, plans, settings, sla, ticket_work
from services.maintenance.tickets import create_ticket
from services.org import users
from services.org.auth import actor_for_user
from services.org.users import UserCreate

HISTORY_DAYS = 60
SYMPTOMS = ["Spindle noise", "Coolant leak", "Axis drive fault", "Tool changer jams", "Hydraulic pressure low",
            "Chuck does not clamp", "Door interlock fault", "Overheating alarm"]
PARTS = [("BRG-6204", "Deep groove bearing 6204", "8.40", "Store A", 12, 6),
         ("BLT-XPZ", "V-belt XPZ 1250", "14.90", "Store A", 4, 12),
         ("FLT-HYD", "Hydraulic filter element", "22.00", "Store B", 6, 2),
         ("SEN-PNP", "Inductive sensor PNP M12", "31.50", "Store B", 8, 3),
         ("CUT-DCMT", "Insert DCMT 11T304", "6.20", "Store A", 60, 20),
         ("SEAL-KIT", "Cylinder seal kit", "18.75", "Store B", 3, 2)]


def seed_demo_maintenance(session: Session, organization_id: int, technician: Actor, manager: Actor, admin: Actor, *,
                          now: datetime, days: int = HISTORY_DAYS) -> None:
    plant = session.exec(select(Plant).where(Plant.organization_id == organization_id, Plant.code == "BER")).one()
    machines = list(session.exec(select(Machine).where(Machine.plant_id == plant.id).order_by(Machine.code)).all())
    if not machines:
        return
    start = now - timedelta(days=days)
    lead = _lead(session, admin, pk(plant), start)
    settings.set_team(session, lead, pk(plant), lead_user_id=lead.user_id, manager_user_id=manager.user_id,
                      manager_after_minutes=60, now=start)
    settings.set_sla_target(session, lead, pk(plant), "critical", response_minutes=20, resolution_minutes=180,
                            warn_minutes=10, now=start)
    settings.create_auto_rule(session, lead, settings.AutoRuleCreate(plant_id=plant.id, threshold_minutes=45,
                                                                     priority="high"), now=start)
    stock = _parts(session, lead, pk(plant), start)
    _plans(session, lead, machines, start)
    rng = random.Random(10)
    day = start
    while day < now - timedelta(days=1):
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            at = day + timedelta(minutes=rng.randrange(6 * 60, 20 * 60))
            _history_ticket(session, technician, lead, rng.choice(machines), at, rng, stock)
        day += timedelta(days=1)
        if day.weekday() == 0:
            plans.generate_due(session, now=day, organization_id=organization_id)
            _close_preventive(session, technician, day, rng)
    _today(session, technician, lead, machines, now, stock)


def _lead(session: Session, admin: Actor, plant_id: int, now: datetime) -> Actor:
    user = users.create_user(session, admin, UserCreate(
        username="maint.lead", full_name="Lena Lead", email="maint.lead@acme.example", password=DEMO_PASSWORD,
        roles=["maintenance"], plant_ids=[plant_id]), now=now)
    return actor_for_user(session, referenced(session, User, user.id))


def _parts(session: Session, lead: Actor, plant_id: int, now: datetime) -> list[tuple[int, str]]:
    out = []
    for code, name, cost, location, quantity, minimum in PARTS:
        part = parts.create_part(session, lead, parts.PartCreate(code=code, name=name, unit_cost=Decimal(cost)), now=now)
        parts.receive(session, lead, part.id, plant_id, location, quantity, now=now)
        parts.set_minimum(session, lead, part.id, plant_id, location, minimum, now=now)
        out.append((part.id, location))
    return out


def _plans(session: Session, lead: Actor, machines: list[Machine], now: datetime) -> None:
    cnc = session.exec(select(WorkCenter).where(WorkCenter.id == machines[0].work_center_id)).one()
    plans.create_plan(session, lead, plans.PlanCreate(
        name="Lubricate guideways", work_center_id=cnc.id, interval=1, unit="weeks", lead_days=2, duration_minutes=45,
        priority="medium", checklist=["Grease guideways", "Check central lubrication level", "Clean chip conveyor"],
        anchor_at=now), now=now)
    plans.create_plan(session, lead, plans.PlanCreate(
        name="Change cutter inserts", machine_id=machines[0].id, trigger="count", interval=5000, lead_days=1,
        duration_minutes=30, checklist=["Change inserts", "Measure first part"], anchor_at=now), now=now)
    plans.create_plan(session, lead, plans.PlanCreate(
        name="Spindle inspection", machine_id=machines[-1].id, trigger="run_hours", interval=200, lead_days=3,
        duration_minutes=90, priority="high", checklist=["Vibration reading", "Bearing temperature", "Runout"],
        anchor_at=now), now=now)


def _history_ticket(session: Session, tech: Actor, lead: Actor, machine: Machine, at: datetime, rng: random.Random,
                    stock: list[tuple[int, str]]) -> None:
    priority = rng.choice(("critical", "high", "high", "medium", "low"))
    ticket = create_ticket(session, tech, machine, kind="corrective", source=rng.choice(("operator", "andon", "auto")),
                           title=rng.choice(SYMPTOMS), priority=priority, now=at)
    ticket_work.assign(session, lead, pk(ticket), tech.user_id, now=at + timedelta(minutes=2))
    late = rng.random() < 0.2
    answer = at + timedelta(minutes=rng.randrange(5, 15) if not late else rng.randrange(60, 180))
    if late:
        sla.check_due(session, now=answer - timedelta(minutes=1))
    ticket_work.act(session, tech, pk(ticket), "start_now", now=answer)
    repair = timedelta(minutes=rng.randrange(30, 150) if not late else rng.randrange(200, 400))
    if rng.random() < 0.25:
        part_id, location = rng.choice(stock)
        ticket_work.act(session, tech, pk(ticket), "wait_parts", now=answer + repair / 3)
        parts.receive(session, lead, part_id, ticket.plant_id, location, 2, now=answer + repair / 2)
        ticket_work.act(session, tech, pk(ticket), "resume", now=answer + repair / 2)
        parts.issue_to_ticket(session, tech, pk(ticket), part_id, location, 1, now=answer + repair / 2)
    if late:
        sla.check_due(session, now=answer + repair)
    ticket_work.act(session, tech, pk(ticket), "done", now=answer + repair)
    parts.add_labour(session, tech, pk(ticket), user_id=tech.user_id, started_at=answer, ended_at=answer + repair,
                     hourly_rate=Decimal("48.00"), now=answer + repair)


def _close_preventive(session: Session, tech: Actor, day: datetime, rng: random.Random) -> None:
    rows = session.exec(select(MaintenanceTicket).where(MaintenanceTicket.organization_id == tech.organization_id,
                                                        MaintenanceTicket.kind == "preventive",
                                                        MaintenanceTicket.is_closed == False)).all()  # noqa: E712
    for ticket in rows:
        begin = max(ticket.planned_start or day, ticket.created_at) + timedelta(minutes=rng.randrange(0, 120))
        if begin > day + timedelta(days=6):
            continue
        ticket_work.assign(session, tech, pk(ticket), tech.user_id, now=begin)
        ticket_work.act(session, tech, pk(ticket), "start_now", now=begin)
        for index in range(len(ticket.checklist or [])):
            ticket_work.set_checklist_item(session, tech, pk(ticket), index, done=True, now=begin)
        ticket_work.act(session, tech, pk(ticket), "done", now=begin + timedelta(minutes=40))


def _today(session: Session, tech: Actor, lead: Actor, machines: list[Machine], now: datetime,
           stock: list[tuple[int, str]]) -> None:
    waiting = create_ticket(session, tech, machines[1 % len(machines)], kind="corrective", source="operator",
                            title="Axis drive fault", priority="high", now=now - timedelta(hours=3))
    ticket_work.assign(session, lead, pk(waiting), tech.user_id, now=now - timedelta(hours=3))
    ticket_work.act(session, tech, pk(waiting), "start_now", now=now - timedelta(hours=2, minutes=50))
    ticket_work.act(session, tech, pk(waiting), "wait_parts", now=now - timedelta(hours=2))
    busy = create_ticket(session, tech, machines[2 % len(machines)], kind="corrective", source="andon",
                         title="Coolant leak", priority="medium", now=now - timedelta(minutes=50))
    ticket_work.assign(session, lead, pk(busy), tech.user_id, now=now - timedelta(minutes=45))
    ticket_work.act(session, tech, pk(busy), "start_now", now=now - timedelta(minutes=40))
    create_ticket(session, tech, machines[0], kind="corrective", source="operator", title="Tool changer jams",
                  priority="critical", now=now - timedelta(minutes=35))
    sla.check_due(session, now=now)
    plans.generate_due(session, now=now, organization_id=machines[0].organization_id)
