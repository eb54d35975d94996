"""Operator actions at a machine: each action's effects exactly, and illegal actions refused with
messages an operator understands (services/shopfloor/operator.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.audit import AuditEntry
from models.orders import Operation, StatusChange, WorkOrder, WorkStatus
from models.resources import MachineState, MachineStatus
from models.shopfloor import EventKind, ProductionEvent
from services.core.errors import Conflict, Invalid
from services.production.transitions import InvalidTransition
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import committed, count, fetch, snapshot
from tests.factories.shopfloor import make_floor, new_client_id


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)


@pytest.fixture
def op(world):
    return world.actor(world.operator1)


def act(session, fn, actor, *args, at=T0, **kwargs):
    """One operator action as its own unit of work, with a fresh client id unless one is given."""
    kwargs.setdefault("client_id", new_client_id())
    return committed(session, fn, actor, *args, now=at, **kwargs)


def start(session, op, floor, op_id=None, **kw):
    return act(session, shopfloor.start_job, op, floor.machine_id, op_id or floor.cut_id, **kw)


def events(engine):
    return fetch(engine, ProductionEvent, order_by=ProductionEvent.id)


def status(engine, floor) -> MachineStatus:
    return fetch(engine, MachineStatus, MachineStatus.machine_id == floor.machine_id)[0]


def row(engine, model, row_id):
    return fetch(engine, model, model.id == row_id)[0]


# ----- each action's effects ---------------------------------------------------------------------

def test_start_job_records_the_event_runs_the_job_work_order_and_machine(session, engine, world, floor, op,
                                                                       captured_events):
    result = start(session, op, floor, client_id="c-start-1")

    assert result.recorded is True
    [event] = events(engine)
    assert (event.kind, event.client_id, event.machine_id, event.operation_id, event.user_id, event.plant_id,
            event.organization_id) == (EventKind.JOB_STARTED, "c-start-1", floor.machine_id, floor.cut_id,
                                       world.operator1, world.plant1, world.org_a)
    assert (event.occurred_at, event.recorded_at, event.quantity_good, event.quantity_scrap) == (T0, T0, 0, 0)
    assert result.event.id == event.id and result.event.kind == EventKind.JOB_STARTED

    cut = row(engine, Operation, floor.cut_id)
    assert (cut.status, cut.started_at, cut.completed_at) == (WorkStatus.RUNNING, T0, None)
    assert row(engine, WorkOrder, floor.work_order_id).status == WorkStatus.RUNNING
    machine = status(engine, floor)
    assert (machine.state, machine.since, machine.operation_id, machine.reason_code_id) == (
        MachineState.RUNNING, T0, floor.cut_id, None)

    history = fetch(engine, StatusChange, order_by=StatusChange.id)
    assert [(h.entity, h.entity_id, h.from_status, h.to_status, h.user_id, h.at) for h in history] == [
        ("operation", floor.cut_id, "released", "running", world.operator1, T0),
        ("work_order", floor.work_order_id, "released", "running", world.operator1, T0)]

    [entry] = fetch(engine, AuditEntry, AuditEntry.entity == "production_event")
    assert (entry.entity_id, entry.action, entry.user_id, entry.plant_id) == (
        str(event.id), "job_started", world.operator1, world.plant1)
    assert entry.changes["operation_status"] == {"before": "released", "after": "running"}
    assert entry.changes["machine_state"] == {"before": "idle", "after": "running"}

    [announced] = [e for e in captured_events if e.name.startswith(("job.", "count.", "downtime."))]
    assert (announced.name, announced.plant_id, announced.organization_id, announced.actor_user_id) == (
        "job.started", world.plant1, world.org_a, world.operator1)
    assert announced.payload["machine_id"] == floor.machine_id
    assert announced.payload["operation_id"] == floor.cut_id
    assert announced.payload["work_order_id"] == floor.work_order_id
    assert announced.payload["event_id"] == event.id


def test_pause_needs_a_pause_reason_and_then_pauses_job_and_machine(session, engine, floor, op, captured_events):
    start(session, op, floor)
    with pytest.raises(Invalid) as missing:
        act(session, shopfloor.pause_job, op, floor.machine_id, None)
    assert "why the job is paused" in missing.value.message and "reason_code_id" in missing.value.fields
    with pytest.raises(Invalid):                         # a scrap reason is not a pause reason
        act(session, shopfloor.pause_job, op, floor.machine_id, floor.line.scrap_reason_id)

    later = T0 + timedelta(minutes=20)
    act(session, shopfloor.pause_job, op, floor.machine_id, floor.line.pause_reason_id, at=later)

    assert row(engine, Operation, floor.cut_id).status == WorkStatus.PAUSED
    machine = status(engine, floor)
    assert (machine.state, machine.since, machine.operation_id, machine.reason_code_id) == (
        MachineState.PAUSED, later, floor.cut_id, floor.line.pause_reason_id)
    paused = events(engine)[-1]
    assert (paused.kind, paused.reason_code_id, paused.operation_id, paused.occurred_at) == (
        EventKind.JOB_PAUSED, floor.line.pause_reason_id, floor.cut_id, later)
    assert fetch(engine, StatusChange, StatusChange.to_status == "paused")[0].reason == "MAT reason"
    assert [e.name for e in captured_events if e.name.startswith("job.")] == ["job.started", "job.paused"]


def test_resume_runs_the_paused_job_again(session, engine, floor, op, captured_events):
    start(session, op, floor)
    act(session, shopfloor.pause_job, op, floor.machine_id, floor.line.pause_reason_id)
    later = T0 + timedelta(minutes=5)
    act(session, shopfloor.resume_job, op, floor.machine_id, at=later)

    cut = row(engine, Operation, floor.cut_id)
    assert (cut.status, cut.started_at) == (WorkStatus.RUNNING, T0)         # the first start stays
    machine = status(engine, floor)
    assert (machine.state, machine.since, machine.reason_code_id) == (MachineState.RUNNING, later, None)
    assert [e.kind for e in events(engine)] == [EventKind.JOB_STARTED, EventKind.JOB_PAUSED, EventKind.JOB_RESUMED]
    assert captured_events[-1].name == "job.resumed"


def test_counts_add_to_the_job_and_the_work_order_counts_good_from_its_last_operation(session, engine, floor, op,
                                                                                    captured_events):
    start(session, op, floor)
    act(session, shopfloor.report_counts, op, floor.machine_id, good=10, scrap=1,
        scrap_reason_code_id=floor.line.scrap_reason_id)
    act(session, shopfloor.report_counts, op, floor.machine_id, good=5)

    cut = row(engine, Operation, floor.cut_id)
    assert (cut.quantity_good, cut.quantity_scrap, cut.status) == (15, 1, WorkStatus.RUNNING)
    wo = row(engine, WorkOrder, floor.work_order_id)
    assert (wo.quantity_good, wo.quantity_scrap) == (0, 1)      # nothing through Drill yet; scrap anywhere counts
    reports = [e for e in events(engine) if e.kind == EventKind.COUNT]
    assert [(e.quantity_good, e.quantity_scrap, e.reason_code_id) for e in reports] == [
        (10, 1, floor.line.scrap_reason_id), (5, 0, None)]
    counted = [e for e in captured_events if e.name == "count.reported"]
    assert [(e.payload["quantity_good"], e.payload["quantity_scrap"], e.payload["operation_quantity_good"])
            for e in counted] == [(10, 1, 10), (5, 0, 15)]

    act(session, shopfloor.complete_job, op, floor.machine_id)
    start(session, op, floor, floor.drill_id)
    act(session, shopfloor.report_counts, op, floor.machine_id, good=14, scrap=1,
        scrap_reason_code_id=floor.line.scrap_reason_id)
    wo = row(engine, WorkOrder, floor.work_order_id)
    assert (wo.quantity_good, wo.quantity_scrap) == (14, 2)


def test_counts_go_to_a_paused_job_too(session, engine, floor, op):
    start(session, op, floor)
    act(session, shopfloor.pause_job, op, floor.machine_id, floor.line.pause_reason_id)
    act(session, shopfloor.report_counts, op, floor.machine_id, good=3, operation_id=floor.cut_id)
    assert row(engine, Operation, floor.cut_id).quantity_good == 3


def test_complete_finishes_the_job_frees_the_machine_and_the_last_one_finishes_the_work_order(
        session, engine, world, floor, op, captured_events):
    start(session, op, floor)
    first_done = T0 + timedelta(hours=1)
    act(session, shopfloor.complete_job, op, floor.machine_id, at=first_done)

    cut = row(engine, Operation, floor.cut_id)
    assert (cut.status, cut.completed_at) == (WorkStatus.DONE, first_done)
    machine = status(engine, floor)
    assert (machine.state, machine.since, machine.operation_id) == (MachineState.IDLE, first_done, None)
    assert row(engine, WorkOrder, floor.work_order_id).status == WorkStatus.RUNNING

    start(session, op, floor, floor.drill_id, at=first_done)
    act(session, shopfloor.report_counts, op, floor.machine_id, good=100, at=first_done)
    done = T0 + timedelta(hours=3)
    act(session, shopfloor.complete_job, op, floor.machine_id, at=done)

    wo = row(engine, WorkOrder, floor.work_order_id)
    assert (wo.status, wo.completed_at, wo.quantity_good) == (WorkStatus.DONE, done, 100)
    assert fetch(engine, StatusChange, StatusChange.entity == "work_order", order_by=StatusChange.id)[-1].to_status \
        == "done"
    assert [e.name for e in captured_events if e.name.startswith("job.")] == [
        "job.started", "job.completed", "job.started", "job.completed"]


def test_a_paused_job_can_be_completed(session, engine, floor, op):
    start(session, op, floor)
    act(session, shopfloor.pause_job, op, floor.machine_id, floor.line.pause_reason_id)
    act(session, shopfloor.complete_job, op, floor.machine_id, operation_id=floor.cut_id)
    assert row(engine, Operation, floor.cut_id).status == WorkStatus.DONE
    assert status(engine, floor).state == MachineState.IDLE


# ----- illegal actions ---------------------------------------------------------------------------

def test_one_running_job_per_machine(session, engine, floor, op):
    start(session, op, floor)
    before = snapshot(engine)
    with pytest.raises(Conflict) as refused:
        start(session, op, floor, floor.drill_id)
    assert "already running" in refused.value.message and "Cut" in refused.value.message
    assert "pause or complete it first" in refused.value.message
    assert snapshot(engine) == before


def test_resume_is_refused_while_another_job_runs(session, engine, floor, op):
    start(session, op, floor)
    act(session, shopfloor.pause_job, op, floor.machine_id, floor.line.pause_reason_id)
    start(session, op, floor, floor.drill_id)                          # a paused job does not block a start
    with pytest.raises(Conflict, match="already running"):
        act(session, shopfloor.resume_job, op, floor.machine_id, operation_id=floor.cut_id)


def test_a_job_is_run_only_on_the_machine_it_is_queued_on(session, engine, floor, op):
    with pytest.raises(Conflict) as refused:
        act(session, shopfloor.start_job, op, floor.other_machine_id, floor.cut_id)
    assert "is not queued on machine" in refused.value.message
    assert refused.value.fields == {"operation_id": "Not in this machine's queue."}
    assert count(engine, ProductionEvent) == 0


def test_start_needs_a_job(session, floor, op):
    with pytest.raises(Invalid) as refused:
        committed(session, shopfloor.perform, op, floor.machine_id,
                  shopfloor.ShopfloorAction(type="start_job", client_id=new_client_id()), now=T0)
    assert refused.value.fields == {"operation_id": "Choose a job from the queue."}


def test_a_paused_job_is_resumed_not_started(session, floor, op):
    start(session, op, floor)
    act(session, shopfloor.pause_job, op, floor.machine_id, floor.line.pause_reason_id)
    with pytest.raises(Conflict, match="is paused: tap Resume"):
        start(session, op, floor)


def test_jobs_that_are_not_released_cannot_start(session, engine, world):
    planned = make_floor(session, world.org_a, world.plant1, world.dept1, status=WorkStatus.PLANNED)
    with pytest.raises(InvalidTransition) as refused:
        start(session, world.actor(world.operator1), planned)
    assert refused.value.message.startswith("Job WO-")
    assert "is planned and cannot become running" in refused.value.message


def test_a_done_job_cannot_be_started_paused_resumed_or_counted(session, engine, floor, op):
    start(session, op, floor)
    act(session, shopfloor.complete_job, op, floor.machine_id)
    before = snapshot(engine)
    with pytest.raises(InvalidTransition, match="is done and cannot become running"):
        start(session, op, floor)
    with pytest.raises(Conflict, match="Only a running job can be paused"):
        act(session, shopfloor.pause_job, op, floor.machine_id, floor.line.pause_reason_id, operation_id=floor.cut_id)
    with pytest.raises(Conflict, match="Only a paused job can be resumed"):
        act(session, shopfloor.resume_job, op, floor.machine_id, operation_id=floor.cut_id)
    with pytest.raises(Conflict, match="Counts go to a running or paused job"):
        act(session, shopfloor.report_counts, op, floor.machine_id, good=1, operation_id=floor.cut_id)
    with pytest.raises(Conflict, match="has no current job"):
        act(session, shopfloor.complete_job, op, floor.machine_id)
    assert snapshot(engine) == before


def test_counts_on_a_released_job_are_refused(session, floor, op):
    with pytest.raises(Conflict, match="Counts go to a running or paused job"):
        act(session, shopfloor.report_counts, op, floor.machine_id, good=1, operation_id=floor.cut_id)


@pytest.mark.parametrize("good, scrap, reason, fields", [
    (-1, 0, None, {"good": "Cannot be negative."}),
    (1, -2, None, {"scrap": "Cannot be negative."}),
    (0, 0, None, {"good": "Enter how many good or scrap parts to report."}),
    (2_000_000, 0, None, {"good": "At most 1,000,000 in one report."}),
    (5, 1, None, {"reason_code_id": "Choose a scrap reason from the list."}),
    (5, 1, "pause", {"reason_code_id": "Choose a scrap reason from the list."}),
])
def test_bad_counts_are_refused(session, engine, floor, op, good, scrap, reason, fields):
    start(session, op, floor)
    before = snapshot(engine)
    reason_id = floor.line.pause_reason_id if reason == "pause" else None
    with pytest.raises(Invalid) as refused:
        act(session, shopfloor.report_counts, op, floor.machine_id, good=good, scrap=scrap,
            scrap_reason_code_id=reason_id)
    assert refused.value.fields == fields
    assert snapshot(engine) == before


# ----- downtime ----------------------------------------------------------------------------------

def test_downtime_while_running_marks_the_machine_down_and_pauses_nothing(session, engine, floor, op,
                                                                         captured_events):
    start(session, op, floor)
    down_at = T0 + timedelta(minutes=30)
    act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id, at=down_at)

    machine = status(engine, floor)
    assert (machine.state, machine.since, machine.reason_code_id, machine.operation_id) == (
        MachineState.DOWN, down_at, floor.line.downtime_reason_id, floor.cut_id)
    down_event = events(engine)[-1]
    assert machine.open_downtime_event_id == down_event.id
    assert (down_event.kind, down_event.operation_id, down_event.reason_code_id) == (
        EventKind.DOWNTIME_STARTED, floor.cut_id, floor.line.downtime_reason_id)
    assert row(engine, Operation, floor.cut_id).status == WorkStatus.RUNNING

    act(session, shopfloor.report_counts, op, floor.machine_id, good=4)        # parts made before the stop
    with pytest.raises(Conflict, match="already down"):
        act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id)

    up_at = T0 + timedelta(minutes=45)
    act(session, shopfloor.end_downtime, op, floor.machine_id, at=up_at)
    machine = status(engine, floor)
    assert (machine.state, machine.since, machine.reason_code_id, machine.operation_id,
            machine.open_downtime_event_id) == (MachineState.RUNNING, up_at, None, floor.cut_id, None)
    ended = events(engine)[-1]
    assert (ended.kind, ended.reason_code_id, ended.operation_id) == (
        EventKind.DOWNTIME_ENDED, floor.line.downtime_reason_id, floor.cut_id)
    assert [e.name for e in captured_events if e.name.startswith("downtime.")] == [
        "downtime.started", "downtime.ended"]


def test_no_job_starts_or_resumes_while_the_machine_is_down(session, engine, floor, op):
    act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id)
    with pytest.raises(Conflict, match="is down: end the downtime before you start a job"):
        start(session, op, floor)
    act(session, shopfloor.end_downtime, op, floor.machine_id)
    assert status(engine, floor).state == MachineState.IDLE
    start(session, op, floor)
    act(session, shopfloor.pause_job, op, floor.machine_id, floor.line.pause_reason_id)
    act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id)
    with pytest.raises(Conflict, match="before you resume a job"):
        act(session, shopfloor.resume_job, op, floor.machine_id)


def test_pausing_during_downtime_keeps_the_machine_down_and_ending_it_shows_the_pause(session, engine, floor, op):
    start(session, op, floor)
    act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id)
    act(session, shopfloor.pause_job, op, floor.machine_id, floor.line.pause_reason_id)
    machine = status(engine, floor)
    assert (machine.state, machine.reason_code_id) == (MachineState.DOWN, floor.line.downtime_reason_id)
    assert row(engine, Operation, floor.cut_id).status == WorkStatus.PAUSED

    act(session, shopfloor.end_downtime, op, floor.machine_id)
    machine = status(engine, floor)
    assert (machine.state, machine.reason_code_id, machine.operation_id) == (
        MachineState.PAUSED, floor.line.pause_reason_id, floor.cut_id)


def test_completing_during_downtime_leaves_the_machine_down_without_a_job(session, engine, floor, op):
    start(session, op, floor)
    act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id)
    act(session, shopfloor.complete_job, op, floor.machine_id)
    machine = status(engine, floor)
    assert (machine.state, machine.operation_id) == (MachineState.DOWN, None)
    act(session, shopfloor.end_downtime, op, floor.machine_id)
    assert status(engine, floor).state == MachineState.IDLE


def test_a_planned_stop_reason_puts_the_machine_in_a_planned_stop(session, engine, floor, op):
    act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.planned_stop_reason_id)
    machine = status(engine, floor)
    assert (machine.state, machine.operation_id) == (MachineState.PLANNED_STOP, None)
    assert events(engine)[-1].operation_id is None


def test_downtime_needs_a_downtime_reason_and_an_end_needs_a_downtime(session, engine, floor, op):
    with pytest.raises(Invalid) as refused:
        act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.pause_reason_id)
    assert refused.value.fields == {"reason_code_id": "Choose a downtime reason from the list."}
    with pytest.raises(Conflict, match="is not down: there is no downtime to end"):
        act(session, shopfloor.end_downtime, op, floor.machine_id)
    assert count(engine, ProductionEvent) == 0


# ----- the time of an action ---------------------------------------------------------------------

def test_the_client_time_is_used_within_the_allowed_window(session, engine, floor, op):
    tapped = T0 - timedelta(hours=2)
    start(session, op, floor, occurred_at=tapped)
    [event] = events(engine)
    assert (event.occurred_at, event.recorded_at) == (tapped, T0)
    assert row(engine, Operation, floor.cut_id).started_at == tapped


def test_a_slightly_fast_client_clock_is_clamped_to_now(session, engine, floor, op):
    start(session, op, floor, occurred_at=T0 + timedelta(minutes=2))
    assert events(engine)[0].occurred_at == T0


@pytest.mark.parametrize("occurred_at, field_message", [
    (T0 + timedelta(minutes=6), "In the future."),
    (T0 - timedelta(days=7, seconds=1), "Older than 7 days."),
    (T0.replace(tzinfo=None), "Give the time with its time zone, e.g. 2026-03-02T08:00:00Z."),
])
def test_times_outside_the_window_are_refused(session, engine, floor, op, occurred_at, field_message):
    with pytest.raises(Invalid) as refused:
        start(session, op, floor, occurred_at=occurred_at)
    assert refused.value.fields == {"occurred_at": field_message}
    assert count(engine, ProductionEvent) == 0


@pytest.mark.parametrize("client_id", ["", " ", "a" * 65, "has space", "ünïcode"])
def test_every_action_needs_a_well_formed_client_id(session, engine, floor, op, client_id):
    with pytest.raises(Invalid) as refused:
        start(session, op, floor, client_id=client_id)
    assert "client_id" in refused.value.fields
    assert count(engine, ProductionEvent) == 0


def test_a_64_character_client_id_is_accepted(session, engine, floor, op):
    start(session, op, floor, client_id="a" * 64)
    assert events(engine)[0].client_id == "a" * 64
