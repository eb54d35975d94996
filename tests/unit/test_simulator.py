"""The shop-floor simulator (rxapp/simulator.py) against a real server: five simulated hours of a small
line in one past working morning, sent through the ingest API over HTTP, recorded plausibly: parts
counted only in working time, stops with reasons, jobs started and completed, more work released when
a queue runs dry, and parts made at close to the ideal rate once stops are taken out."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import Session, select

from models.base import utcnow
from models.orders import Operation
from models.resources import ReasonCode
from models.shopfloor import EventKind, ProductionEvent
from rxapp import simulator
from rxapp.api.app import api
from services.core.calendar_math import working_intervals, working_seconds
from services.master import calendars
from tests.api.conftest import serve
from tests.factories.shopfloor import make_floor


@pytest.fixture(scope="module")
def server_url():
    with serve(api) as url:
        yield url


def working_morning(now: datetime) -> datetime:
    """06:00 UTC of the latest weekday whose morning (to 11:00) is over, within the last 6 days."""
    day = (now - timedelta(hours=12)).date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(6), tzinfo=UTC)


def test_five_simulated_hours_are_recorded_plausibly(engine, session, world, server_url, tmp_path):
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=120)
    plant_code = "P1"
    start = working_morning(utcnow())
    end = start + timedelta(hours=5)

    stats = simulator.simulate(url=server_url, organization_id=world.org_a, plant_code=plant_code, speed=0,
                               duration=timedelta(hours=5), seed=7, start=start, token_path=tmp_path / "token")

    assert stats.sent > 0 and stats.rejected == 0, stats.problems
    assert stats.accepted == stats.sent and stats.duplicates == 0
    assert stats.orders_released >= 1                  # the second machine had no queue: the planner filled it
    with Session(engine) as s:
        spec = calendars.calendar_spec(s, world.plant1)
        events = s.exec(select(ProductionEvent).order_by(ProductionEvent.occurred_at, ProductionEvent.id)).all()
        ideal = {op.id: float(op.ideal_cycle_seconds) for op in s.exec(select(Operation)).all()}
        reasons = {r.id: r for r in s.exec(select(ReasonCode)).all()}
    assert len(events) == stats.recorded
    assert all(start <= e.occurred_at <= end for e in events)
    kinds = {e.kind for e in events}
    assert {EventKind.COUNT, EventKind.DOWNTIME_STARTED, EventKind.DOWNTIME_ENDED, EventKind.JOB_STARTED,
            EventKind.JOB_COMPLETED} <= kinds
    working = working_intervals(spec, start, end)
    counts = [e for e in events if e.kind == EventKind.COUNT]
    assert sum(e.quantity_good for e in counts) == stats.good > 0
    assert all(any(a <= e.occurred_at <= b for a, b in working) for e in counts)   # no parts in the coffee break
    assert all(reasons[e.reason_code_id].kind.value == "scrap" for e in counts if e.quantity_scrap)
    assert all(e.reason_code_id is not None for e in events if e.kind == EventKind.DOWNTIME_STARTED)
    for machine_id in floor.line.machine_ids:
        mine = [e for e in events if e.machine_id == machine_id]
        made = sum((e.quantity_good + e.quantity_scrap) * ideal[e.operation_id] for e in mine
                   if e.kind == EventKind.COUNT)
        stopped, opened = 0, None
        for e in mine:
            if e.kind == EventKind.DOWNTIME_STARTED and opened is None:
                opened = e.occurred_at
            elif e.kind == EventKind.DOWNTIME_ENDED and opened is not None:
                stopped, opened = stopped + working_seconds(spec, opened, e.occurred_at), None
        if opened is not None:
            stopped += working_seconds(spec, opened, end)
        run = working_seconds(spec, start, end) - stopped
        assert stopped > 0
        assert 0.75 <= made / run <= 1.0, (machine_id, made, run)     # near the ideal rate, never above it
