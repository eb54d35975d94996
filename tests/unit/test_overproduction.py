"""Overproduction (issue 18): a job's good count beyond its quantity by more than the plant's tolerance is flagged
on the andon, the schedule board and the work order by one rule, with the same count on each, and raises one OVERPRODUCED schedule
exception and a notification for the plant's supervisors. Job of 40 parts, tolerance 10 % by default: flagged
from 45 good (45 x 100 > 40 x 110), not at 44."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.config import Notification
from models.orders import ExceptionKind, ScheduleException
from services.core.messages import from_data, render
from services.kpi import andon
from services.kpi import settings as kpi_settings
from services.production import scheduling, work_order_reads
from services.production.scheduling.exceptions import overproduced
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import committed
from tests.factories.org import make_user
from tests.factories.shopfloor import make_floor, new_client_id

DAY = T0.replace(hour=0)             # Monday 2026-03-02


def at(hour: int, minute: int = 0):
    return DAY + timedelta(hours=hour, minutes=minute)


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=40, planned_start=at(6))


def count(session, world, floor, good, now):
    committed(session, shopfloor.report_counts, world.actor(world.operator1), floor.machine_id, good=good,
              now=now, occurred_at=now, client_id=new_client_id())


def shown(session, world, floor, now):
    """(andon good, andon flag, schedule good, schedule flag) of the job."""
    planner = world.actor(world.planner1)
    tile = next(t for t in committed(session, andon.board, planner, world.plant1, now=now).tiles
                if t.machine_id == floor.machine_id)
    board = committed(session, scheduling.schedule_board, planner, world.plant1, start=at(0), end=at(48))
    op = next(o for m in board.machines for o in m.operations if o.operation_id == floor.cut_id)
    detail = committed(session, work_order_reads.get_work_order, planner, floor.work_order_id)
    cut = next(o for o in detail.operations if o.id == floor.cut_id)
    assert (cut.quantity_good, cut.overproduced) == (op.quantity_good, op.overproduced)   # the work order agrees
    return tile.good, tile.overproduced, op.quantity_good, op.overproduced


def exceptions_of(session, floor):
    return session.exec(select(ScheduleException).where(ScheduleException.operation_id == floor.cut_id,
                                                        ScheduleException.kind == ExceptionKind.OVERPRODUCED)).all()


def test_the_rule():
    assert (overproduced(44, 40, 10), overproduced(45, 40, 10), overproduced(40, 40, 0), overproduced(41, 40, 0)) == (
        False, True, False, True)
    assert overproduced(5, 0, 10) is False


def test_overproduction_is_flagged_alike_and_raised_once_for_the_supervisor(session, world, floor):
    supervisor = make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1], username="sup.one")
    committed(session, shopfloor.start_job, world.actor(world.operator1), floor.machine_id, floor.cut_id, now=at(6),
              occurred_at=at(6), client_id=new_client_id())
    count(session, world, floor, 44, at(7))
    assert shown(session, world, floor, at(7, 1)) == (44, False, 44, False)
    assert exceptions_of(session, floor) == []
    count(session, world, floor, 1, at(7, 10))
    assert shown(session, world, floor, at(7, 11)) == (45, True, 45, True)
    [raised] = exceptions_of(session, floor)
    assert raised.details == {"good": 45, "quantity": 40, "tolerance_percent": 10}
    notes = session.exec(select(Notification).where(Notification.user_id == supervisor)).all()
    assert [(n.kind, n.entity_type, n.entity_id) for n in notes] == [("alert", "operation", floor.cut_id)]
    assert "45 good of 40" in notes[0].title
    assert "の良品が 45（指示数 40）" in render(from_data(notes[0].title_message), "ja")    # read in each reader's language
    count(session, world, floor, 5, at(7, 20))
    assert len(exceptions_of(session, floor)) == 1                       # raised once per job
    committed(session, kpi_settings.set_plant_settings, world.actor(world.admin_a), world.plant1,
              idle_convention="loss", overproduction_tolerance_percent=50, now=at(7, 30))
    assert shown(session, world, floor, at(7, 31)) == (50, False, 50, False)   # 50 of 40 is within 50 %
