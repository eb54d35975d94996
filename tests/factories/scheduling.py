"""Shared set-up for the scheduling tests: a plant (in a chosen time zone) with the two-shift line
of tests/factories/production.py (early 06:00-14:00 with breaks 09:00-09:15 and 12:00-12:30, late
14:00-22:00 with a break 18:00-18:30, Monday to Friday), a planner who may schedule there, and
small readers of what is really committed.

The line's routing: step 10 "Cut" (setup 600 s, 30 s a unit), step 20 "Drill" (setup 300 s,
45 s a unit). So 100 units take 3600 s to cut and 4800 s to drill.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from models.calendar import CalendarHoliday
from models.orders import Operation
from services.core.access import Actor
from services.core.db import transaction
from tests.factories.org import World, actor_of, make_department, make_plant, make_user
from tests.factories.production import Line, make_line, make_work_order

UTC = UTC
_plants = itertools.count(1)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(zone: str, *parts: int) -> datetime:
    """A wall-clock time in `zone`, as UTC."""
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@dataclass
class Floor:
    world: World
    plant_id: int
    dept_id: int
    line: Line
    planner: Actor
    zone: str

    @property
    def m1(self) -> int:
        return self.line.machine_ids[0]

    @property
    def m2(self) -> int:
        return self.line.machine_ids[1]

    def work_order(self, session: Session, quantity: int = 100, **kw) -> tuple[int, int, int]:
        """(work order id, cut op id, drill op id), not on any machine."""
        wo_id, (cut, drill) = make_work_order(session, self.world.org_a, self.plant_id, self.line, quantity=quantity, **kw)
        return wo_id, cut, drill


def floor(session: Session, world: World, *, zone: str = "UTC", machines: int = 2) -> Floor:
    """A line in plant 1 (UTC) or, for another zone, in a new plant of org A with its own planner."""
    if zone == "UTC":
        plant_id, dept_id, planner_id = world.plant1, world.dept1, world.planner1
    else:
        plant_id = make_plant(session, world.org_a, f"TZ{next(_plants)}", timezone=zone)
        dept_id = make_department(session, world.org_a, plant_id)
        planner_id = make_user(session, world.org_a, roles=["planner"], plant_ids=[plant_id])
    line = make_line(session, world.org_a, plant_id, dept_id, machines=machines)
    return Floor(world=world, plant_id=plant_id, dept_id=dept_id, line=line, planner=actor_of(session, planner_id),
                 zone=zone)


def add_holiday(session: Session, calendar_id: int, day: date) -> None:
    with transaction(session):
        session.add(CalendarHoliday(calendar_id=calendar_id, day=day, name="Holiday"))


def update_operation(session: Session, op_id: int, **values) -> None:
    """Change an operation's row as the shop floor would (status, counts, start)."""
    with transaction(session):
        op = session.get(Operation, op_id)
        for key, value in values.items():
            setattr(op, key, value)
        session.add(op)


def plans(engine: sa.Engine, *op_ids: int) -> dict[int, tuple]:
    """What is committed: op id -> (machine id, queue position, planned start, planned end)."""
    with Session(engine) as fresh:
        out = {}
        for op_id in op_ids:
            op = fresh.get(Operation, op_id)
            out[op_id] = (op.machine_id, op.queue_position, op.planned_start, op.planned_end)
        return out


def window(engine: sa.Engine, op_id: int) -> tuple[datetime, datetime]:
    _machine, _position, start, end = plans(engine, op_id)[op_id]
    return start, end
