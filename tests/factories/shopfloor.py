"""A machine with a released work order queued on it, for the shop-floor tests (services, API, UI, e2e).

`make_floor(session, org_id, plant_id, dept_id)` builds tests/factories/production.py.make_line and one
work order of `quantity` whose two operations (Cut, then Drill) are queued on the line's first
machine at positions 1 and 2, Cut planned from `planned_start` by the routing's times (no breaks
in between at the default 08:00 start on a Monday).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from models.orders import Operation, WorkStatus
from services.core.db import transaction
from tests.factories.production import Line, make_line, make_work_order


@dataclass
class Floor:
    line: Line
    machine_id: int
    other_machine_id: int
    work_order_id: int
    cut_id: int                 # first operation (sequence 10), queue position 1
    drill_id: int               # last operation (sequence 20), queue position 2


def make_floor(session: Session, org_id: int, plant_id: int, dept_id: int, *, quantity: int = 100,
               planned_start: datetime | None = None, status: WorkStatus = WorkStatus.RELEASED) -> Floor:
    line = make_line(session, org_id, plant_id, dept_id)
    machine_id = line.machine_ids[0]
    wo_id, (cut_id, drill_id) = make_work_order(session, org_id, plant_id, line, quantity=quantity, status=status,
                                                machine_id=machine_id)
    with transaction(session):
        for position, op_id in enumerate((cut_id, drill_id), start=1):
            op = session.get(Operation, op_id)
            op.queue_position = position
            if planned_start is not None:
                op.planned_start = planned_start
                op.planned_end = planned_start + timedelta(seconds=op.setup_seconds
                                                           + int(op.ideal_cycle_seconds) * op.quantity)
                planned_start = op.planned_end
            session.add(op)
    return Floor(line=line, machine_id=machine_id, other_machine_id=line.machine_ids[1], work_order_id=wo_id,
                 cut_id=cut_id, drill_id=drill_id)


def new_client_id() -> str:
    return str(uuid.uuid4())
