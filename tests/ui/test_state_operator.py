"""The operator portal's page states without a browser: the machines of the operator's plants,
finding a machine by a typed or scanned code, one machine's current job, queue, reasons and state
after actions; and isolation: a plant-2 machine does not exist for an operator of plant 1, and
people without RUN_JOBS read nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.base import utcnow
from models.resources import Machine
from rxapp import routes
from rxapp.pages.shopfloor.operator_machine import operator_machine_page
from rxapp.state.shopfloor.operator import OperatorMachineState, OperatorState
from services.shopfloor import operator as shopfloor
from tests.factories.db import committed
from tests.factories.org import actor_of
from tests.factories.shopfloor import make_floor, new_client_id
from tests.ui.conftest import redirects, run, signed_in

PLANNED_START = (utcnow() - timedelta(days=3)).replace(hour=8, minute=0, second=0, microsecond=0)


@pytest.fixture
def floors(session, world):
    """Plant 1's job planned days ago (all of it expected by now, whatever the clock), and plant 2's."""
    planned_start = PLANNED_START
    return (make_floor(session, world.org_a, world.plant1, world.dept1, planned_start=planned_start),
            make_floor(session, world.org_a, world.plant2, world.dept2))


def act(session, world, fn, *args, **kwargs):
    return committed(session, fn, actor_of(session, world.operator1), *args, client_id=new_client_id(),
                     now=utcnow(), **kwargs)


def code(session, machine_id: int) -> str:
    return session.get(Machine, machine_id).code


async def test_the_operator_sees_the_machines_of_their_plant_with_their_state(engine, session, world, floors):
    mine, _ = floors
    act(session, world, shopfloor.start_job, mine.machine_id, mine.cut_id)
    state = await signed_in(engine, OperatorState, "op.one")
    await run(state.enter(), state)

    assert not state.loading and state.load_error == ""
    assert [m.id for m in state.machines] == [mine.machine_id, mine.other_machine_id]
    running = state.machines[0]
    assert (running.state, running.state_label, running.queue_length, running.plant) == ("running", "Running", 2, "P1")
    assert running.queue_text == "2 jobs queued"
    assert running.job.endswith(" Cut") and running.since != ""
    assert (state.machines[1].state, state.machines[1].state_label, state.machines[1].queue_text) == (
        "idle", "Idle", "0 jobs queued")


async def test_a_typed_or_scanned_code_opens_the_machine(engine, session, world, floors):
    mine, _ = floors
    state = await signed_in(engine, OperatorState, "op.one")
    for typed in (code(session, mine.machine_id), f"TAKT:MACHINE:{code(session, mine.machine_id)}"):
        events = await run(state.find_machine({"code": typed}), state)
        assert redirects(events) == [routes.operator_machine_url(mine.machine_id)]
        assert state.code_error == ""


async def test_a_code_of_another_plant_or_nobody_opens_nothing(engine, session, world, floors):
    _, theirs = floors
    state = await signed_in(engine, OperatorState, "op.one")
    events = await run(state.find_machine({"code": code(session, theirs.machine_id)}), state)
    assert redirects(events) == []
    assert state.code_error.startswith("No machine with code")
    await run(state.find_machine({"code": ""}), state)
    assert state.code_error == "Type or scan a machine code."


async def test_the_machine_screen_shows_reasons_current_job_progress_and_queue(engine, session, world, floors):
    mine, theirs = floors
    state = await signed_in(engine, OperatorMachineState, "op.one")
    await run(state.open(mine.machine_id), state)

    assert not state.loading and state.load_error == ""
    assert (state.machine.id, state.machine.state, state.has_current) == (mine.machine_id, "idle", False)
    assert [j.operation_id for j in state.queue] == [mine.cut_id, mine.drill_id]
    assert [j.can_start for j in state.queue] == [True, True] and not state.is_down
    lines = (mine.line, theirs.line)                     # reason codes belong to the organization
    assert sorted(c.id for c in state.pause_reasons) == sorted(str(x.pause_reason_id) for x in lines)
    assert sorted(c.id for c in state.scrap_reasons) == sorted(str(x.scrap_reason_id) for x in lines)
    assert sorted(c.id for c in state.downtime_reasons) == sorted(
        str(r) for x in lines for r in (x.downtime_reason_id, x.planned_stop_reason_id))
    assert all(c.label.endswith("· DIM reason") for c in state.scrap_reasons)

    act(session, world, shopfloor.start_job, mine.machine_id, mine.cut_id)
    act(session, world, shopfloor.report_counts, mine.machine_id, good=10, scrap=1,
        scrap_reason_code_id=mine.line.scrap_reason_id)
    await run(state.refresh(), state)

    assert state.has_current and state.current.operation_id == mine.cut_id
    assert (state.current.status, state.current.good, state.current.scrap, state.current.quantity) == (
        "running", 10, 1, 100)
    assert (state.current.progress, state.current.expected, state.current.plan, state.current.ahead_by) == (
        10, 100, 100, -90)
    assert state.plan_text == "Plan by now: 100 (90 behind)"
    assert state.current.planned == "08:00–09:00"                  # plant time zone: UTC
    assert [j.operation_id for j in state.queue] == [mine.drill_id]
    assert (state.machine.state, state.machine.state_label) == ("running", "Running")
    assert (state.current.can_pause, state.current.can_complete, state.current.can_resume) == (True, True, False)
    assert [j.can_start for j in state.queue] == [False]                # one running job per machine
    assert (state.short_by, state.complete_title, state.complete_label) == (
        90, "90 short: complete anyway?", "Complete short (10/100)")
    assert state.complete_question == (f"Only 10 of 100 good (1 scrap). Complete job {state.current.work_order} "
                                       "Cut with 90 still missing?")

    act(session, world, shopfloor.report_counts, mine.machine_id, good=95, scrap=0)
    await run(state.refresh(), state)
    assert (state.short_by, state.complete_title, state.complete_label) == (0, "Complete this job?", "Complete")
    assert state.complete_question == f"Complete job {state.current.work_order} Cut with 105 good / 1 scrap?"


def test_complete_sits_apart_from_pause_below_the_counts():
    """Pause and Complete are not neighbours: Report counts and a rule lie between them."""
    page = str(operator_machine_page())
    pause, report, rule, complete = (page.index(marker) for marker in (
        '"pause_job"', '"report_counts"', "RadixThemesSeparator", '"complete-job"'))
    assert pause < report < rule < complete


async def test_downtime_shows_on_the_machine_screen(engine, session, world, floors):
    mine, _ = floors
    state = await signed_in(engine, OperatorMachineState, "op.one")
    act(session, world, shopfloor.start_downtime, mine.machine_id, mine.line.downtime_reason_id)
    await run(state.open(mine.machine_id), state)
    assert (state.machine.state, state.machine.reason, state.is_down) == ("down", "BRK reason", True)
    assert not any(j.can_start for j in state.queue)


async def test_another_plants_machine_is_not_found(engine, world, floors):
    _, theirs = floors
    state = await signed_in(engine, OperatorMachineState, "op.one")
    events = await run(state.open(theirs.machine_id), state)
    assert redirects(events) == []
    assert state.load_error == "Machine not found."
    assert (state.machine.id, state.has_current, state.queue) == (0, False, [])


async def test_people_without_run_jobs_read_nothing(engine, world, floors):
    mine, _ = floors
    picker = await signed_in(engine, OperatorState, "planner.one")
    await run(picker.load(), picker)
    assert picker.machines == [] and "run_jobs" in picker.load_error
    screen = await signed_in(engine, OperatorMachineState, "planner.one")
    await run(screen.open(mine.machine_id), screen)
    assert screen.machine.id == 0 and screen.load_error != ""


async def test_a_signed_out_tab_is_sent_to_log_in(engine, world, floors):
    mine, _ = floors
    state = await signed_in(engine, OperatorMachineState, "op.one")
    (await state.get_state(OperatorMachineState)).token = "tks_not-a-session"
    events = await run(state.refresh(), state)
    assert any(path.startswith("/login") for path in redirects(events))
