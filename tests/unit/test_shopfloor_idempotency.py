"""A retried or duplicated operator action is recorded once: the same client id again (also sent at
the same moment from two sessions, as two API workers would) returns the original event and
changes nothing; and operators see only the machines of their plants."""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session

from models.audit import AuditEntry
from models.orders import Operation, WorkStatus
from models.resources import MachineState, MachineStatus
from models.shopfloor import ProductionEvent
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, NotFound
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import committed, count, fetch, snapshot
from tests.factories.org import make_user
from tests.factories.shopfloor import make_floor, new_client_id

THREADS = 2


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)


@pytest.fixture
def op(world):
    return world.actor(world.operator1)


def test_the_same_client_id_twice_records_once_and_answers_the_original(session, engine, floor, op, captured_events):
    committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id="tap-1", now=T0)
    first = committed(session, shopfloor.report_counts, op, floor.machine_id, good=10, scrap=1,
                      scrap_reason_code_id=floor.line.scrap_reason_id, client_id="tap-2", now=T0)
    before = snapshot(engine)
    announced = len(captured_events)

    again = committed(session, shopfloor.report_counts, op, floor.machine_id, good=10, scrap=1,
                      scrap_reason_code_id=floor.line.scrap_reason_id, client_id="tap-2",
                      now=T0 + timedelta(minutes=3))

    assert (first.recorded, again.recorded) == (True, False)
    assert again.event == first.event
    assert snapshot(engine) == before                    # no event, no count, no audit entry
    assert len(captured_events) == announced             # and nothing announced
    assert fetch(engine, Operation, Operation.id == floor.cut_id)[0].quantity_good == 10


def test_a_retry_answers_the_original_even_when_the_action_would_now_be_refused(session, engine, floor, op):
    first = committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id="tap-1", now=T0)
    # Starting a running job again would be refused; the retry of the same tap is not.
    again = committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id="tap-1",
                      now=T0 + timedelta(days=8))
    assert again.event == first.event and again.recorded is False
    assert count(engine, ProductionEvent) == 1


def test_a_client_id_used_for_another_action_is_refused(session, engine, floor, op):
    committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id="tap-1", now=T0)
    before = snapshot(engine)
    with pytest.raises(Conflict) as refused:
        committed(session, shopfloor.report_counts, op, floor.machine_id, good=1, client_id="tap-1", now=T0)
    assert refused.value.fields == {"client_id": "Already used."}
    with pytest.raises(Conflict):
        committed(session, shopfloor.start_downtime, op, floor.other_machine_id, floor.line.downtime_reason_id,
                  client_id="tap-1", now=T0)
    assert snapshot(engine) == before


def at_once(engine, calls: list[Callable[[Session], object]]) -> list:
    """Run each call in its own thread and session, released together; results (or errors) in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int) -> None:
        with Session(engine, expire_on_commit=False) as s:
            barrier.wait()
            try:
                with transaction(s):
                    results[i] = calls[i](s)
            except Exception as error:            # noqa: BLE001 - handed back to the test to assert on
                results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_the_same_count_sent_concurrently_is_recorded_once(session, engine, floor, op):
    committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id="tap-1", now=T0)

    def send(s):
        return shopfloor.report_counts(s, op, floor.machine_id, good=10, scrap=1,
                                       scrap_reason_code_id=floor.line.scrap_reason_id, client_id="tap-2", now=T0)
    results = at_once(engine, [send] * THREADS)

    assert all(isinstance(r, shopfloor.ActionResult) for r in results), results
    assert sorted(r.recorded for r in results) == [False, True]
    assert results[0].event == results[1].event
    assert count(engine, ProductionEvent, ProductionEvent.client_id == "tap-2") == 1
    cut = fetch(engine, Operation, Operation.id == floor.cut_id)[0]
    assert (cut.quantity_good, cut.quantity_scrap) == (10, 1)
    assert count(engine, AuditEntry, AuditEntry.entity == "production_event") == 2


def test_the_same_start_sent_concurrently_is_recorded_once(session, engine, floor, op):
    def send(s):
        return shopfloor.start_job(s, op, floor.machine_id, floor.cut_id, client_id="tap-1", now=T0)
    results = at_once(engine, [send] * THREADS)

    assert all(isinstance(r, shopfloor.ActionResult) for r in results), results
    assert results[0].event == results[1].event
    assert count(engine, ProductionEvent) == 1
    assert fetch(engine, Operation, Operation.id == floor.cut_id)[0].status == WorkStatus.RUNNING


def test_two_different_jobs_started_concurrently_on_one_machine_run_one(session, engine, floor, op):
    def start(op_id):
        return lambda s: shopfloor.start_job(s, op, floor.machine_id, op_id, client_id=new_client_id(), now=T0)
    results = at_once(engine, [start(floor.cut_id), start(floor.drill_id)])

    assert sorted(type(r).__name__ for r in results) == ["ActionResult", "Conflict"]
    assert count(engine, ProductionEvent) == 1
    assert count(engine, Operation, Operation.status == WorkStatus.RUNNING) == 1


def test_one_client_id_sent_concurrently_for_two_machines_is_recorded_once(session, world, engine, op):
    """Different machines are not serialised by the machine lock: the unique constraint decides,
    and the loser is refused and rolled back whole."""
    a = make_floor(session, world.org_a, world.plant1, world.dept1)
    b = make_floor(session, world.org_a, world.plant1, world.dept1)

    def start(f):
        return lambda s: shopfloor.start_job(s, op, f.machine_id, f.cut_id, client_id="tap-same", now=T0)
    results = at_once(engine, [start(a), start(b)])

    assert sorted(type(r).__name__ for r in results) == ["ActionResult", "Conflict"]
    [event] = fetch(engine, ProductionEvent)
    winner = a if event.machine_id == a.machine_id else b
    loser = b if winner is a else a
    assert fetch(engine, Operation, Operation.id == winner.cut_id)[0].status == WorkStatus.RUNNING
    assert fetch(engine, Operation, Operation.id == loser.cut_id)[0].status == WorkStatus.RELEASED
    assert count(engine, MachineStatus, MachineStatus.machine_id == loser.machine_id,
                 MachineStatus.state == MachineState.RUNNING) == 0


# ----- isolation -----------------------------------------------------------------------------------

def test_an_operator_of_plant_1_finds_no_machine_of_plant_2(session, engine, world, op):
    other = make_floor(session, world.org_a, world.plant2, world.dept2)
    before = snapshot(engine)
    with pytest.raises(NotFound, match="Machine not found"):
        committed(session, shopfloor.start_job, op, other.machine_id, other.cut_id, client_id=new_client_id(), now=T0)
    assert snapshot(engine) == before


def test_a_job_of_another_plant_is_not_found_on_ones_own_machine(session, world, floor, op):
    other = make_floor(session, world.org_a, world.plant2, world.dept2)
    with pytest.raises(NotFound, match="Job not found"):
        committed(session, shopfloor.start_job, op, floor.machine_id, other.cut_id, client_id=new_client_id(), now=T0)


def test_another_organization_finds_no_machine(session, world, floor):
    with pytest.raises(NotFound):
        committed(session, shopfloor.start_job, world.actor(world.admin_b), floor.machine_id, floor.cut_id,
                  client_id=new_client_id(), now=T0)


def test_people_without_run_jobs_may_not_act(session, engine, world, floor):
    with pytest.raises(Forbidden, match="run_jobs"):
        committed(session, shopfloor.start_job, world.actor(world.planner1), floor.machine_id, floor.cut_id,
                  client_id=new_client_id(), now=T0)
    assert count(engine, ProductionEvent) == 0


def test_client_ids_are_unique_per_organization_not_globally(session, world, floor, op):
    org_b_floor = make_floor(session, world.org_b, world.plant_b, world.dept_b)
    operator_b = world.actor(make_user(session, world.org_b, roles=["operator"], plant_ids=[world.plant_b]))
    committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id="tap-1", now=T0)
    result = committed(session, shopfloor.start_job, operator_b, org_b_floor.machine_id, org_b_floor.cut_id,
                       client_id="tap-1", now=T0)
    assert result.recorded is True
