"""Machine data ingest (services/shopfloor/ingest.py): mixed batches of good, bad and duplicate events, state
changes with their downtime events, jobs, one lock and one audit entry per machine, tenancy and limits."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.audit import AuditEntry
from models.orders import Operation, WorkOrder, WorkStatus
from models.resources import Machine, MachineState, MachineStatus
from models.shopfloor import EventKind, ProductionEvent
from services.core.errors import Forbidden, Invalid, RateLimited
from services.org import api_tokens
from services.shopfloor import ingest
from services.shopfloor.ingest_limits import InFlight, IngestLimits, TooLarge
from tests.conftest import T0
from tests.factories.db import actor_for, committed, count, fetch, snapshot, statements
from tests.factories.shopfloor import make_floor


def token_actor(session, world, plant_id, *, admin=None, kind="machine"):
    admin = admin or world.actor(world.admin_a)
    created = committed(session, api_tokens.create_api_token, admin,
                        api_tokens.ApiTokenCreate(plant_id=plant_id, name=f"gw {plant_id} {kind}", kind=kind), now=T0)
    return actor_for(session, created.token, now=T0)


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)


@pytest.fixture
def gateway(session, world):
    return token_actor(session, world, world.plant1)


def code_of(engine, machine_id):
    return fetch(engine, Machine, Machine.id == machine_id)[0].code


def send(session, actor, events, at=T0):
    return committed(session, ingest.ingest_batch, actor, events, now=at)


def iso(at):
    return at.isoformat()


def events_of(engine, machine_id):
    return fetch(engine, ProductionEvent, ProductionEvent.machine_id == machine_id, order_by=ProductionEvent.id)


def status_of(engine, machine_id) -> MachineStatus:
    return fetch(engine, MachineStatus, MachineStatus.machine_id == machine_id)[0]


# ----- counts, errors and duplicates in one batch ----------------------------------------------

def test_mixed_batch_keeps_good_events_answers_bad_ones_and_records_duplicates_once(session, engine, world, floor,
                                                                                  gateway, captured_events):
    code = code_of(engine, floor.machine_id)
    send(session, gateway, [{"client_id": "c-start", "machine": code, "type": "job_start",
                             "work_order": fetch(engine, WorkOrder, WorkOrder.id == floor.work_order_id)[0].number,
                             "operation": 10, "occurred_at": iso(T0)}], at=T0)
    captured_events.clear()
    at = T0 + timedelta(minutes=10)
    batch = [
        {"client_id": "c-1", "machine": code, "type": "count", "good": 5, "occurred_at": iso(at)},
        {"client_id": "c-2", "machine": code, "type": "count", "good": 3, "scrap": 2,
         "reason_code_id": floor.line.scrap_reason_id, "occurred_at": iso(at)},
        {"client_id": "c-bad", "machine": code, "type": "count", "good": -1},
        {"client_id": "c-1", "machine": code, "type": "count", "good": 5},                 # repeated in the batch
        {"client_id": "c-nomachine", "machine": "NOPE", "type": "count", "good": 1},
        {"client_id": "c-scrap-no-reason", "machine": code, "type": "count", "scrap": 1},
        "not an object",
        {"client_id": "c-3", "machine_id": floor.machine_id, "type": "count", "good": 7, "occurred_at": iso(at)},
    ]
    result = send(session, gateway, batch, at=at)

    assert [r.status for r in result.results] == ["accepted", "accepted", "error", "duplicate", "error", "error",
                                                  "error", "accepted"]
    assert (result.accepted, result.duplicates, result.rejected) == (3, 1, 4)
    assert result.results[2].errors[0].field == "good"
    assert result.results[4].errors[0].field == "machine"
    assert result.results[5].errors[0].field == "reason"
    assert result.results[6].client_id is None and result.results[6].errors[0].field == "event"
    counts = [e for e in events_of(engine, floor.machine_id) if e.kind == EventKind.COUNT]
    assert [(e.client_id, e.quantity_good, e.quantity_scrap, e.operation_id) for e in counts] == [
        ("c-1", 5, 0, floor.cut_id), ("c-2", 3, 2, floor.cut_id), ("c-3", 7, 0, floor.cut_id)]
    assert counts[1].reason_code_id == floor.line.scrap_reason_id
    assert all(e.api_token_id == gateway.api_token_id and e.user_id is None for e in counts)
    assert result.results[0].event_ids == [counts[0].id]
    op = fetch(engine, Operation, Operation.id == floor.cut_id)[0]
    assert (op.quantity_good, op.quantity_scrap) == (15, 2)
    wo = fetch(engine, WorkOrder, WorkOrder.id == floor.work_order_id)[0]
    assert wo.quantity_scrap == 2          # good comes from the last operation (Drill), still 0
    names = [e.name for e in captured_events]
    assert names.count("ingest.accepted") == 1 and names.count("count.reported") == 1
    reported = next(e for e in captured_events if e.name == "count.reported")
    assert reported.payload["quantity_good"] == 15 and reported.payload["quantity_scrap"] == 2
    assert reported.payload["operation_quantity_good"] == 15
    audits = fetch(engine, AuditEntry, AuditEntry.action == "ingest", order_by=AuditEntry.id)
    assert [(a.entity, a.entity_id) for a in audits] == [("api_token", str(gateway.api_token_id))] * 2
    assert audits[1].changes["machines"][code] == {
        "machine_id": floor.machine_id, "accepted": 3, "duplicates": 1, "events": 3, "good": 15, "scrap": 2,
        "first_event_id": counts[0].id, "last_event_id": counts[2].id}

    again = send(session, gateway, batch, at=at)            # the whole batch resent: nothing new
    assert [r.status for r in again.results] == ["duplicate", "duplicate", "error", "duplicate", "error", "error",
                                                 "error", "duplicate"]
    assert len([e for e in events_of(engine, floor.machine_id) if e.kind == EventKind.COUNT]) == 3
    assert fetch(engine, Operation, Operation.id == floor.cut_id)[0].quantity_good == 15


def test_counts_without_a_job_are_recorded_for_the_machine(session, engine, floor, gateway):
    code = code_of(engine, floor.machine_id)
    result = send(session, gateway, [{"client_id": "n-1", "machine": code, "type": "count", "good": 4}])
    assert result.accepted == 1
    (event,) = events_of(engine, floor.machine_id)
    assert (event.kind, event.operation_id, event.quantity_good) == (EventKind.COUNT, None, 4)


def test_an_all_bad_batch_changes_nothing(session, engine, floor, gateway):
    before = snapshot(engine)
    result = send(session, gateway, [{"client_id": "x", "machine": "NOPE", "type": "count", "good": 1},
                                     {"client_id": "y y", "type": "dance"}])
    assert result.rejected == 2 and result.accepted == 0
    assert {e.field for e in result.results[1].errors} == {"client_id", "type", "machine"}
    assert snapshot(engine) == before


@pytest.mark.parametrize("raw, field_name", [
    ({"good": "5"}, "good"),
    ({"good": 1, "occurred_at": "yesterday"}, "occurred_at"),
    ({"good": 1, "occurred_at": "2026-03-02T08:00:00"}, "occurred_at"),            # no zone
    ({"good": 1, "occurred_at": iso(T0 + timedelta(hours=1))}, "occurred_at"),     # in the future
    ({"good": 1, "occurred_at": iso(T0 - timedelta(days=8))}, "occurred_at"),      # too old
    ({"good": 2_000_000}, "good"),
    ({"good": 0}, "good"),
])
def test_bad_count_fields_are_named(session, engine, floor, gateway, raw, field_name):
    code = code_of(engine, floor.machine_id)
    result = send(session, gateway, [{"client_id": "f-1", "machine": code, "type": "count", **raw}])
    assert result.results[0].status == "error"
    assert field_name in {e.field for e in result.results[0].errors}


# ----- machine states ----------------------------------------------------------------------------

def test_state_changes_record_downtime_and_keep_the_machine_status(session, engine, floor, gateway, captured_events):
    code = code_of(engine, floor.machine_id)
    t = [T0 + timedelta(minutes=m) for m in range(6)]
    down, planned = floor.line.downtime_reason_id, floor.line.planned_stop_reason_id
    result = send(session, gateway, [
        {"client_id": "s-run", "machine": code, "type": "state", "state": "running", "occurred_at": iso(t[0])},
        {"client_id": "s-down", "machine": code, "type": "state", "state": "down", "reason_code_id": down,
         "occurred_at": iso(t[1])},
        {"client_id": "s-down-again", "machine": code, "type": "state", "state": "down", "reason_code_id": down,
         "occurred_at": iso(t[2])},
        {"client_id": "s-pm", "machine": code, "type": "state", "state": "planned_stop", "reason_code_id": planned,
         "occurred_at": iso(t[3])},
    ], at=t[5])
    assert [r.status for r in result.results] == ["accepted"] * 4
    stored = events_of(engine, floor.machine_id)
    assert [r.event_ids for r in result.results] == [[e.id] for e in stored]
    assert [(e.kind, e.reason_code_id, e.client_id, e.occurred_at) for e in stored] == [
        (EventKind.DOWNTIME_ENDED, None, "s-run", t[0]),          # not down: an end with nothing to close
        (EventKind.DOWNTIME_STARTED, down, "s-down", t[1]),
        (EventKind.DOWNTIME_STARTED, down, "s-down-again", t[2]),
        (EventKind.DOWNTIME_STARTED, planned, "s-pm", t[3])]        # a new start closes the one before
    status = status_of(engine, floor.machine_id)
    assert status.state == MachineState.PLANNED_STOP and status.since == t[3]
    assert status.open_downtime_event_id == stored[-1].id

    result = send(session, gateway, [
        {"client_id": "s-old", "machine": code, "type": "state", "state": "running", "occurred_at": iso(t[2])},
        {"client_id": "s-up", "machine": code, "type": "state", "state": "idle", "occurred_at": iso(t[4])}], at=t[5])
    late, last = events_of(engine, floor.machine_id)[-2:]
    assert result.results[0].event_ids == [late.id]          # older than the current state: history only
    assert (late.kind, late.occurred_at, late.reason_code_id) == (EventKind.DOWNTIME_ENDED, t[2], None)
    assert (last.kind, last.client_id, last.reason_code_id) == (EventKind.DOWNTIME_ENDED, "s-up", planned)
    status = status_of(engine, floor.machine_id)
    assert (status.state, status.open_downtime_event_id, status.reason_code_id) == (MachineState.IDLE, None, None)
    names = [e.name for e in captured_events]
    assert names.count("downtime.started") == 2 and names.count("downtime.ended") == 1


def test_state_events_in_any_order_give_the_same_stops(session, engine, world, floor):
    """The same stops whether a gateway's state events arrive in order, reversed or twice."""
    from models.kpi_rollup import KpiStop
    down = floor.line.downtime_reason_id
    t = [T0 + timedelta(minutes=10 * m) for m in range(8)]
    states = ["down", "running", "down", "running", "down", "idle", "down", "running"]

    def stops_for(machine_index, order):
        actor = token_actor(session, world, world.plant1)
        code = code_of(engine, floor.line.machine_ids[machine_index])
        events = [{"client_id": f"o{machine_index}-{i}", "machine": code, "type": "state", "state": state,
                   **({"reason_code_id": down} if state == "down" else {}), "occurred_at": iso(t[i])}
                  for i, state in enumerate(states)]
        for i in order:
            send(session, actor, [events[i]], at=t[-1] + timedelta(minutes=1))
        return sorted((s.start_at, s.end_at) for s in fetch(
            engine, KpiStop, KpiStop.machine_id == floor.line.machine_ids[machine_index]))

    in_order = stops_for(0, range(8))
    assert in_order == [(t[0], t[1]), (t[2], t[3]), (t[4], t[5]), (t[6], t[7])]
    assert stops_for(1, [7, 6, 5, 4, 3, 2, 1, 0, 3, 6]) == in_order


@pytest.mark.parametrize("raw, field_name", [
    ({"state": "down"}, "reason"),
    ({"state": "sleeping"}, "state"),
    ({"state": "down", "reason": "NOPE"}, "reason"),
])
def test_bad_states_are_named(session, engine, floor, gateway, raw, field_name):
    code = code_of(engine, floor.machine_id)
    result = send(session, gateway, [{"client_id": "b-1", "machine": code, "type": "state", **raw}])
    assert result.results[0].status == "error" and result.results[0].errors[0].field == field_name


def test_a_planned_reason_for_down_and_a_scrap_reason_for_a_stop_are_refused(session, engine, floor, gateway):
    code = code_of(engine, floor.machine_id)
    result = send(session, gateway, [
        {"client_id": "r-1", "machine": code, "type": "state", "state": "down",
         "reason_code_id": floor.line.planned_stop_reason_id},
        {"client_id": "r-2", "machine": code, "type": "state", "state": "down",
         "reason_code_id": floor.line.scrap_reason_id}])
    assert [r.status for r in result.results] == ["error", "error"]
    assert events_of(engine, floor.machine_id) == []


# ----- jobs ---------------------------------------------------------------------------------------

def test_job_start_counts_and_complete_run_the_operator_rules(session, engine, floor, gateway, captured_events):
    code = code_of(engine, floor.machine_id)
    number = fetch(engine, WorkOrder, WorkOrder.id == floor.work_order_id)[0].number
    t = [T0 + timedelta(minutes=m) for m in range(0, 60, 10)]
    result = send(session, gateway, [
        {"client_id": "j-start", "machine": code, "type": "job_start", "work_order": number, "occurred_at": iso(t[0])},
        {"client_id": "j-count", "machine": code, "type": "count", "good": 100, "occurred_at": iso(t[1])},
        {"client_id": "j-done", "machine": code, "type": "job_complete", "occurred_at": iso(t[2])},
        {"client_id": "j-again", "machine": code, "type": "job_complete", "occurred_at": iso(t[3])},   # no job
        {"client_id": "j-wrong", "machine": code, "type": "job_start", "work_order": "WO-NOPE"},
    ], at=t[4])
    assert [r.status for r in result.results] == ["accepted", "accepted", "accepted", "error", "error"]
    assert result.results[4].errors[0].field == "work_order"
    kinds = [(e.kind, e.operation_id) for e in events_of(engine, floor.machine_id)]
    assert kinds == [(EventKind.JOB_STARTED, floor.cut_id), (EventKind.COUNT, floor.cut_id),
                     (EventKind.JOB_COMPLETED, floor.cut_id)]
    op = fetch(engine, Operation, Operation.id == floor.cut_id)[0]
    assert (op.status, op.quantity_good, op.started_at, op.completed_at) == (WorkStatus.DONE, 100, t[0], t[2])
    status = status_of(engine, floor.machine_id)
    assert (status.state, status.operation_id) == (MachineState.IDLE, None)
    names = [e.name for e in captured_events]
    assert "job.started" in names and "job.completed" in names


def test_a_job_does_not_start_while_the_machine_is_down_and_the_stop_stays_open(session, engine, floor, gateway):
    code = code_of(engine, floor.machine_id)
    number = fetch(engine, WorkOrder, WorkOrder.id == floor.work_order_id)[0].number
    result = send(session, gateway, [
        {"client_id": "d-1", "machine": code, "type": "state", "state": "down",
         "reason_code_id": floor.line.downtime_reason_id, "occurred_at": iso(T0)},
        {"client_id": "d-2", "machine": code, "type": "job_start", "work_order": number,
         "occurred_at": iso(T0 + timedelta(minutes=1))}], at=T0 + timedelta(minutes=2))
    assert [r.status for r in result.results] == ["accepted", "error"]
    assert "down" in result.results[1].message
    status = status_of(engine, floor.machine_id)
    assert status.state == MachineState.DOWN
    assert status.open_downtime_event_id == events_of(engine, floor.machine_id)[0].id


# ----- tenancy, permission and limits ------------------------------------------------------------

def test_a_token_of_another_plant_or_organization_cannot_ingest_for_this_machine(session, engine, world, floor):
    code = code_of(engine, floor.machine_id)
    other_plant = token_actor(session, world, world.plant2)
    other_org = token_actor(session, world, world.plant_b, admin=world.actor(world.admin_b))
    before = snapshot(engine)
    for actor in (other_plant, other_org):
        result = send(session, actor, [
            {"client_id": "t-1", "machine": code, "type": "count", "good": 1},
            {"client_id": "t-2", "machine_id": floor.machine_id, "type": "count", "good": 1}])
        assert [r.status for r in result.results] == ["error", "error"]
        assert result.results[0].errors[0].field == "machine" and result.results[1].errors[0].field == "machine_id"
    assert snapshot(engine) == before


def test_client_ids_are_per_organization(session, engine, world, floor, gateway):
    """The same client id in another organization is its own event, and is not a duplicate here."""
    from tests.factories.shopfloor import make_floor as floor_of
    floor_b = floor_of(session, world.org_b, world.plant_b, world.dept_b)
    gateway_b = token_actor(session, world, world.plant_b, admin=world.actor(world.admin_b))
    a = send(session, gateway, [{"client_id": "same", "machine_id": floor.machine_id, "type": "count", "good": 1}])
    b = send(session, gateway_b, [{"client_id": "same", "machine_id": floor_b.machine_id, "type": "count", "good": 1}])
    assert a.results[0].status == b.results[0].status == "accepted"


def test_only_machine_tokens_ingest(session, world, floor):
    display = token_actor(session, world, world.plant1, kind="display")
    with pytest.raises(Forbidden):
        send(session, display, [])
    with pytest.raises(Forbidden):
        send(session, world.actor(world.admin_a), [])


def test_a_batch_over_the_limit_is_refused_whole(session, engine, floor, gateway):
    code = code_of(engine, floor.machine_id)
    too_many = [{"client_id": f"l-{i}", "machine": code, "type": "count", "good": 1}
                for i in range(ingest.LIMITS.max_events_per_batch + 1)]
    with pytest.raises(TooLarge):
        send(session, gateway, too_many)
    with pytest.raises(Invalid):
        send(session, gateway, {"events": []})
    assert events_of(engine, floor.machine_id) == []


def test_in_flight_slots_per_token_and_per_worker():
    flight = InFlight(IngestLimits(max_in_flight_per_token=2, max_in_flight_per_worker=3))
    with flight.slot(1), flight.slot(1):
        with pytest.raises(RateLimited) as refused, flight.slot(1):
            pass
        assert refused.value.retry_after_seconds >= 1
        with flight.slot(2), pytest.raises(RateLimited), flight.slot(3):
            pass
    assert flight.total == 0
    with flight.slot(1), flight.slot(1):
        pass


def test_many_events_for_several_machines_in_one_batch(session, engine, world, floor, gateway):
    codes = [code_of(engine, m) for m in floor.line.machine_ids]
    batch = [{"client_id": f"m-{i}", "machine": codes[i % 2], "type": "count", "good": 1,
              "occurred_at": iso(T0 + timedelta(seconds=i))} for i in range(1500)]
    result = send(session, gateway, batch, at=T0 + timedelta(hours=1))
    assert result.accepted == 1500
    assert count(engine, ProductionEvent) == 1500
    ids = [r.event_ids[0] for r in result.results]
    assert len(set(ids)) == 1500
    (entry,) = fetch(engine, AuditEntry, AuditEntry.action == "ingest")
    assert entry.changes["events"] == 1500 and len(entry.changes["machines"]) == 2
    first = fetch(engine, ProductionEvent, ProductionEvent.client_id == "m-7")[0]
    assert first.id == result.results[7].event_ids[0] and first.machine_id == floor.line.machine_ids[1]



def test_ingested_events_keep_the_kpi_rollups_equal_to_a_rebuild(session, engine, world, floor, gateway):
    from models.kpi_rollup import KpiCountSlice, KpiStop, KpiStopSlice
    from services.kpi import rollup_rebuild
    code = code_of(engine, floor.machine_id)
    number = fetch(engine, WorkOrder, WorkOrder.id == floor.work_order_id)[0].number
    t = [T0 + timedelta(minutes=m) for m in range(0, 300, 7)]
    events = [{"client_id": "k-start", "machine": code, "type": "job_start", "work_order": number,
               "occurred_at": iso(t[0])}]
    for i in range(1, 40):
        if i % 9 == 0:
            events.append({"client_id": f"k-{i}", "machine": code, "type": "state", "state": "down",
                           "reason_code_id": floor.line.downtime_reason_id, "occurred_at": iso(t[i])})
        elif i % 9 == 2 and i > 2:
            events.append({"client_id": f"k-{i}", "machine": code, "type": "state", "state": "running",
                           "occurred_at": iso(t[i])})
        else:
            events.append({"client_id": f"k-{i}", "machine": code, "type": "count", "good": i, "scrap": i % 3,
                           "reason_code_id": floor.line.scrap_reason_id, "occurred_at": iso(t[i])})
    send(session, gateway, events[:20], at=t[-1])
    send(session, gateway, events[20:], at=t[-1])

    def rollup_rows():
        return {model.__name__: sorted(tuple(v for k, v in row.model_dump().items() if k != "id")
                                       for row in fetch(engine, model))
                for model in (KpiCountSlice, KpiStopSlice, KpiStop)}
    incremental = rollup_rows()
    assert incremental["KpiCountSlice"] and incremental["KpiStopSlice"]
    committed(session, lambda s: rollup_rebuild.rebuild(s, plant_id=world.plant1))
    assert rollup_rows() == incremental


def test_stops_ended_in_one_batch_read_the_running_job_once(session, engine, floor, gateway):
    """A gateway's batch of many short stops during one job: the job is read once, not once per stop ended
    (the session holds unchanged rows weakly, so each end of a stop used to load the job again)."""
    code = code_of(engine, floor.machine_id)
    number = fetch(engine, WorkOrder, WorkOrder.id == floor.work_order_id)[0].number
    send(session, gateway, [{"client_id": "s-start", "machine": code, "type": "job_start", "work_order": number,
                             "occurred_at": iso(T0)}], at=T0)
    stops = []
    for i in range(20):
        at = T0 + timedelta(minutes=2 * i + 1)
        stops += [{"client_id": f"s-down-{i}", "machine": code, "type": "state", "state": "down",
                   "reason_code_id": floor.line.downtime_reason_id, "occurred_at": iso(at)},
                  {"client_id": f"s-up-{i}", "machine": code, "type": "state", "state": "running",
                   "occurred_at": iso(at + timedelta(seconds=30))}]
    with statements(engine) as seen:
        result = send(session, gateway, stops, at=T0 + timedelta(hours=1))
    assert result.accepted == 40
    job_reads = [s for s in seen if s.lstrip().startswith("SELECT") and "FROM operation" in s
                 and "WHERE operation.id =" in s]
    assert len(job_reads) <= 1, job_reads
    status = status_of(engine, floor.machine_id)
    assert (status.state, status.operation_id, status.open_downtime_event_id) == (MachineState.RUNNING, floor.cut_id, None)
