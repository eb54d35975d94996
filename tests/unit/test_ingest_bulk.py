"""Machine data ingest, set-based (services/kpi/rollups_bulk.py on PostgreSQL: one INSERT .. SELECT .. GROUP BY for
every count slice and day row of a batch): the rollups of batches sent late and out of order equal a rebuild from
the raw events, in a plant whose calendar cuts hours in two; the answers keep their shape."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlmodel import Session, col

from models.orders import Operation, WorkOrder, WorkStatus
from models.shopfloor import ProductionEvent
from services.core.db import transaction
from services.kpi import rollup_rebuild
from services.master.work_centers import MachineRateInput, set_machine_rate
from services.shopfloor import ingest, ingest_store
from tests.conftest import T0
from tests.factories.db import committed, count, fetch, statements
from tests.factories.kpi import rollup_state
from tests.factories.org import make_department, make_plant
from tests.factories.shopfloor import make_floor
from tests.unit.test_ingest import code_of, events_of, iso, send, token_actor
from tests.unit.test_shopfloor_idempotency import at_once


def test_batches_roll_up_set_based_as_a_rebuild_would(session, engine, world):
    """Kolkata is UTC+05:30, so its shift starts and local midnight cut UTC hours in two. Two machines (one running
    a job at its own rate for the product, one without a job), counts with and without scrap, stops, a job start,
    over 30 hours, sent in three batches out of order: every rollup table (count and stop slices and days, stops,
    runs) equals the rebuild of the plant."""
    plant = make_plant(session, world.org_a, "KOLB", timezone="Asia/Kolkata")
    floor = make_floor(session, world.org_a, plant, make_department(session, world.org_a, plant, "KB"), quantity=10_000)
    gateway = token_actor(session, world, plant)
    order = fetch(engine, WorkOrder, WorkOrder.id == floor.work_order_id)[0]
    committed(session, set_machine_rate, world.actor(world.admin_a), floor.machine_id,
              MachineRateInput(product_id=order.product_id, ideal_cycle_seconds="12.5"), now=T0)
    running, idle = code_of(engine, floor.machine_id), code_of(engine, floor.other_machine_id)
    start = T0 - timedelta(hours=31)
    events = [{"client_id": "b-start", "machine": running, "type": "job_start", "work_order": order.number,
               "occurred_at": iso(start)}]
    for i in range(1, 600):
        at = iso(start + timedelta(minutes=3 * i, seconds=i % 11))
        machine = running if i % 3 else idle
        if i % 97 == 0:
            events.append({"client_id": f"b-{i}", "machine": machine, "type": "state", "state": "down",
                           "reason_code_id": floor.line.downtime_reason_id, "occurred_at": at})
        elif i % 97 == 5:
            events.append({"client_id": f"b-{i}", "machine": machine, "type": "state", "state": "running",
                           "occurred_at": at})
        elif i % 13 == 0:
            events.append({"client_id": f"b-{i}", "machine": machine, "type": "count", "good": i % 7, "scrap": 2,
                           "reason_code_id": floor.line.scrap_reason_id, "occurred_at": at})
        else:
            events.append({"client_id": f"b-{i}", "machine": machine, "type": "count", "good": 1 + i % 5,
                           "occurred_at": at})
    send(session, gateway, events[:1], at=T0)
    rest = events[1:]
    random.Random(7).shuffle(rest)
    with statements(engine) as seen:
        for part in (rest[:250], rest[250:400], rest[400:]):
            result = send(session, gateway, part, at=T0)
            assert (result.accepted, result.rejected) == (len(part), 0)
    if engine.dialect.name == "postgresql":          # the set-based statement, not the per-row upserts
        assert sum("INSERT INTO kpi_count_slice" in s for s in seen) == 3
        assert sum("unnest(%(plant)s::integer[]" in s for s in seen) == 3
    incremental = rollup_state(engine)
    assert incremental["counts"] and incremental["count_days"] and incremental["stop_slices"] and incremental["runs"]
    assert len({row[3] for row in incremental["counts"]}) > 30                 # slices over 30 hours, cut ones too
    with transaction(session):
        rollup_rebuild.rebuild(session, plant_id=plant)
    assert rollup_state(engine) == incremental


def test_a_resent_batch_adds_nothing_to_the_rollups(session, engine, world):
    """Exactly once through the set-based rollups: the same batch again is all duplicates and leaves every
    rollup row as it was."""
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000)
    gateway = token_actor(session, world, world.plant1)
    code = code_of(engine, floor.machine_id)
    batch = [{"client_id": f"r-{i}", "machine": code, "type": "count", "good": 2,
              "occurred_at": iso(T0 + timedelta(minutes=i))} for i in range(120)]
    first = send(session, gateway, batch, at=T0 + timedelta(hours=2))
    before = rollup_state(engine)
    again = send(session, gateway, batch, at=T0 + timedelta(hours=2))
    assert (first.accepted, again.accepted, again.duplicates) == (120, 0, 120)
    assert rollup_state(engine) == before
    assert sum(row[8] for row in before["counts"]) == 240                      # good, summed over the slices
    assert ingest.result_json(again).startswith(b'{"accepted":0,"duplicates":120,"rejected":0,"results":[{"index":0,')


def test_overlapping_batches_sent_concurrently_are_counted_once(session, engine, world):
    """Three gateways at once: the same batch twice and one overlapping it by half, for two machines. Every client id
    is stored once, the jobs' quantities and the rollups count each event once, and the rollups equal a rebuild."""
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000)
    gateway = token_actor(session, world, world.plant1)
    codes = [code_of(engine, floor.machine_id), code_of(engine, floor.other_machine_id)]

    def batch(first: int, last: int) -> list[dict]:
        return [{"client_id": f"o-{i}", "machine": codes[i % 2], "type": "count", "good": 1 + i % 3,
                 "occurred_at": iso(T0 + timedelta(minutes=i))} for i in range(first, last)]

    def sender(events):
        return lambda s: ingest.ingest_batch(s, gateway, events, now=T0 + timedelta(hours=4))
    results = at_once(engine, [sender(batch(0, 100)), sender(batch(0, 100)), sender(batch(50, 150))])
    assert all(isinstance(r, ingest.IngestResult) for r in results), results
    assert sum(r.accepted for r in results) == 150 and sum(r.duplicates for r in results) == 150
    assert count(engine, ProductionEvent, col(ProductionEvent.client_id).startswith("o-")) == 150
    state = rollup_state(engine)
    assert sum(row[8] for row in state["counts"]) == sum(1 + i % 3 for i in range(150))
    assert sum(row[8] for row in state["count_days"]) == sum(1 + i % 3 for i in range(150))
    with transaction(session):
        rollup_rebuild.rebuild(session, plant_id=world.plant1)
    assert rollup_state(engine) == state


def _a_job_started_by_a_gateway(session, engine, world, client_id: str):
    """PostgreSQL only (SQLite takes its one write lock before the first read, so no batch inserts unlocked): a
    floor whose first machine's job a gateway started at T0; the floor, the gateway and the machine's code."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes its one write lock before the first read")
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000)
    gateway = token_actor(session, world, world.plant1)
    code = code_of(engine, floor.machine_id)
    number = fetch(engine, WorkOrder, WorkOrder.id == floor.work_order_id)[0].number
    send(session, gateway, [{"client_id": client_id, "machine": code, "type": "job_start", "work_order": number,
                             "occurred_at": iso(T0)}], at=T0 + timedelta(hours=1))
    return floor, gateway, code


def test_a_job_completed_while_a_batch_inserts_its_counts_takes_them_off_the_job(session, engine, world, monkeypatch):
    """PostgreSQL: a batch of counts reads its machines' jobs and inserts its events before it takes the machines'
    locks. Another batch completes the job meanwhile (it gets the locks at once, not after the first batch):
    under the locks the first batch finds the machine changed and is done again, so its count is the machine's
    without a job, as if it had come after the other batch, and the completed job's quantity stays as it was."""
    floor, gateway, code = _a_job_started_by_a_gateway(session, engine, world, "m-start")
    insert, completed = ingest_store.insert, []

    def insert_after_another_batch(s, rows):
        if s is session and not completed:
            with Session(engine) as other:
                other.connection().exec_driver_sql("SET lock_timeout = '5s'")   # waits for no lock of the first
                completed.append(send(other, gateway, [{"client_id": "m-done", "machine": code, "type": "job_complete",
                                                        "occurred_at": iso(T0 + timedelta(minutes=10))}],
                                      at=T0 + timedelta(hours=1)))
        return insert(s, rows)
    monkeypatch.setattr(ingest_store, "insert", insert_after_another_batch)
    result = send(session, gateway, [{"client_id": "m-count", "machine": code, "type": "count", "good": 7,
                                      "occurred_at": iso(T0 + timedelta(minutes=20))}], at=T0 + timedelta(hours=1))
    assert (completed[0].accepted, result.accepted) == (1, 1)
    op = fetch(engine, Operation, Operation.id == floor.cut_id)[0]
    assert (op.status, op.quantity_good) == (WorkStatus.DONE, 0)
    assert [(e.client_id, e.operation_id) for e in events_of(engine, floor.machine_id)] == [
        ("m-start", floor.cut_id), ("m-done", floor.cut_id), ("m-count", None)]


def test_the_stops_of_a_batch_are_paired_in_as_many_statements_for_two_machines_as_for_one(session, engine, world):
    """Every machine with a stop in a batch has its stops re-paired (services/kpi/rollups.py): the events around them
    are read for all the batch's machines at once, not machine by machine."""
    floor = make_floor(session, world.org_a, world.plant1, world.dept1)
    gateway = token_actor(session, world, world.plant1)
    codes = [code_of(engine, floor.machine_id), code_of(engine, floor.other_machine_id)]

    def stops(batch: str, machines: list[str], hour: int) -> list[dict]:
        return [{"client_id": f"{batch}-{code}-{state}", "machine": code, "type": "state", "state": state,
                 "occurred_at": iso(T0 + timedelta(hours=hour, minutes=minute)),
                 **({"reason_code_id": floor.line.downtime_reason_id} if state == "down" else {})}
                for code in machines for state, minute in (("down", 1), ("running", 5))]
    reads = []
    for batch, machines, hour in (("one", codes[:1], 1), ("two", codes, 2)):
        with statements(engine) as seen:
            assert send(session, gateway, stops(batch, machines, hour), at=T0 + timedelta(hours=3)).accepted == \
                2 * len(machines)
        reads.append(sum("FROM production_event" in s for s in seen))
    assert reads[0] == reads[1]
    incremental = rollup_state(engine)
    with transaction(session):
        rollup_rebuild.rebuild(session, plant_id=world.plant1)
    assert rollup_state(engine) == incremental and len(incremental["stops"]) == 3


def test_counts_stand_when_their_machine_only_went_down_while_they_were_inserted(session, engine, world, monkeypatch,
                                                                                captured_events):
    """PostgreSQL: a batch of counts inserted without the locks is not done again when another batch meanwhile only
    stopped the machine (the same job: the counts are that job's either way); it reads the machine's status
    again, so what it announces is the machine down."""
    floor, gateway, code = _a_job_started_by_a_gateway(session, engine, world, "d-start")
    insert, inserts = ingest_store.insert, []

    def insert_after_a_stop(s, rows):
        if s is session:
            inserts.append(len(rows))
            if len(inserts) == 1:
                with Session(engine) as other:
                    send(other, gateway, [{"client_id": "d-down", "machine": code, "type": "state", "state": "down",
                                           "reason_code_id": floor.line.downtime_reason_id,
                                           "occurred_at": iso(T0 + timedelta(minutes=10))}], at=T0 + timedelta(hours=1))
        return insert(s, rows)
    monkeypatch.setattr(ingest_store, "insert", insert_after_a_stop)
    result = send(session, gateway, [{"client_id": "d-count", "machine": code, "type": "count", "good": 7,
                                      "occurred_at": iso(T0 + timedelta(minutes=20))}], at=T0 + timedelta(hours=1))
    assert (result.accepted, inserts) == (1, [1])
    assert fetch(engine, Operation, Operation.id == floor.cut_id)[0].quantity_good == 7
    assert [(e.client_id, e.operation_id) for e in events_of(engine, floor.machine_id)] == [
        ("d-start", floor.cut_id), ("d-down", floor.cut_id), ("d-count", floor.cut_id)]
    accepted = [e for e in captured_events if e.name == "ingest.accepted"]
    assert [(e.accepted, e.machine_state) for e in accepted][-1] == (1, "down")
