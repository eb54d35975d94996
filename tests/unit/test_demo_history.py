"""A plant's history made by the machine model and recorded through the ingest service
(services/demo/history.py), and brought up to now later with no hole."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from models.orders import CustomerOrder, Operation, WorkOrder
from models.shopfloor import EventKind, ProductionEvent
from services.core.db import transaction
from services.demo import history, simulation
from services.org.organizations import system_actor
from tests.conftest import T0
from tests.factories.shopfloor import make_floor


def test_history_is_ingested_and_a_later_catch_up_fills_the_gap_since_the_last_event(session, world):
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=120)
    actor = system_actor(session, world.org_a)
    end = T0 + timedelta(hours=6)
    with transaction(session):
        result = history.record_history(session, actor, world.plant1, start=T0, end=end, seed=3)
    events = session.exec(select(ProductionEvent).where(ProductionEvent.plant_id == world.plant1)).all()
    assert result.events == len(events) > 0
    assert all(T0 <= e.occurred_at <= end for e in events)
    assert sum(e.quantity_good for e in events) == result.stats.good > 0
    assert result.stats.jobs_completed >= 1 and result.stats.orders_released >= 1   # the dry machine got work
    assert session.exec(select(func.count()).select_from(CustomerOrder)).one() >= 1
    for machine_id in floor.line.machine_ids:
        assert any(e.machine_id == machine_id and e.kind == EventKind.COUNT for e in events)

    later = T0 + timedelta(days=1, hours=10)                  # the next day, 10:00
    with transaction(session):
        caught_up = history.catch_up(session, world.org_a, now=later)
    assert [(r.plant_code, r.end) for r in caught_up] == [("P1", later)]
    assert caught_up[0].start == max(e.occurred_at for e in events) + timedelta(seconds=1)
    new = session.exec(select(ProductionEvent).where(ProductionEvent.plant_id == world.plant1,
                                                     ProductionEvent.occurred_at > end)).all()
    assert len(new) == caught_up[0].events > 0
    for machine_id in floor.line.machine_ids:                  # both machines worked this morning: no hole
        assert any(e.machine_id == machine_id and e.occurred_at >= later - timedelta(hours=2) for e in new)
    with transaction(session):
        assert history.catch_up(session, world.org_a, now=later) == []


def test_the_history_reads_the_queues_again_only_after_a_change_and_sees_what_a_fresh_read_sees(
        session, world, monkeypatch):
    """The model looks at a machine's queue whenever it is free; the history answers from one read of the plant's
    queues per ingest or planner call, and the events are the same as with a fresh read each time."""
    make_floor(session, world.org_a, world.plant1, world.dept1, quantity=120)
    actor = system_actor(session, world.org_a)

    def run() -> list[tuple]:
        savepoint = session.begin_nested()
        history.record_history(session, actor, world.plant1, start=T0, end=T0 + timedelta(hours=8), seed=5)
        jobs = {op.id: (number, op.sequence) for op, number in session.exec(
            select(Operation, WorkOrder.number).join(WorkOrder, WorkOrder.id == Operation.work_order_id)).all()}
        rows = [(e.client_id, e.kind, e.machine_id, jobs.get(e.operation_id), e.quantity_good, e.quantity_scrap,
                 e.occurred_at)             # jobs by number: PostgreSQL does not give rolled-back ids again
                for e in session.exec(select(ProductionEvent).order_by(ProductionEvent.id)).all()]
        savepoint.rollback()
        return rows

    reads, looks = [], []
    real_read, real_of = simulation.machines_jobs, history._Queues.of
    monkeypatch.setattr(simulation, "machines_jobs", lambda s, ids: reads.append(ids) or real_read(s, ids))
    monkeypatch.setattr(history._Queues, "of", lambda self, machine_id: looks.append(machine_id) or real_of(self, machine_id))
    cached = run()
    assert len(reads) < len(looks)
    monkeypatch.setattr(history._Queues, "of", lambda self, machine_id: simulation.machine_jobs(self.session, machine_id))
    assert run() == cached and len(cached) > 20
