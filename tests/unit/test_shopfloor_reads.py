"""What the operator portal reads: machines of one's plants with their state, a machine's queue
with progress against plan, scanning a machine code, reason lists (services/shopfloor/reads.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.orders import Operation, WorkStatus
from models.resources import Machine, MachineState, ReasonKind
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.shopfloor import operator as shopfloor
from services.shopfloor import reads
from services.trace import labels
from tests.conftest import T0
from tests.factories.db import committed
from tests.factories.shopfloor import make_floor, new_client_id


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100, planned_start=T0)


@pytest.fixture
def op(world):
    return world.actor(world.operator1)


def code_of(session, machine_id) -> str:
    return session.get(Machine, machine_id).code


def test_an_operator_sees_the_machines_of_their_plants_with_their_state(session, world, floor, op):
    make_floor(session, world.org_a, world.plant2, world.dept2)            # another plant's line
    committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id=new_client_id(), now=T0)

    tiles = committed(session, reads.machines_for_operator, op)

    assert [t.id for t in tiles] == [floor.machine_id, floor.other_machine_id]
    busy, idle = tiles
    assert (busy.state, busy.since, busy.operation_id, busy.queue_length, busy.plant_code, busy.timezone) == (
        MachineState.RUNNING, T0, floor.cut_id, 2, "P1", "UTC")
    assert busy.job_label.endswith(" Cut") and busy.job_label.startswith("WO-")
    assert (idle.state, idle.since, idle.queue_length, idle.job_label) == (MachineState.IDLE, None, 0, "")


def test_a_down_machine_shows_its_reason(session, floor, op):
    committed(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id,
              client_id=new_client_id(), now=T0)
    tile = committed(session, reads.machines_for_operator, op)[0]
    assert (tile.state, tile.reason_code_id, tile.reason_name) == (
        MachineState.DOWN, floor.line.downtime_reason_id, "BRK reason")


def test_only_people_who_run_jobs_read_the_portal(session, world, floor):
    with pytest.raises(Forbidden):
        committed(session, reads.machines_for_operator, world.actor(world.planner1))


def test_the_queue_is_in_queue_order_with_the_current_job_apart(session, world, floor, op):
    later = make_floor(session, world.org_a, world.plant1, world.dept1)
    with transaction(session):                       # a job of another work order, queued first on our machine
        first = session.get(Operation, later.cut_id)
        first.machine_id, first.queue_position = floor.machine_id, 0
        session.add(first)

    view = committed(session, reads.machine_queue, op, floor.machine_id, now=T0)
    assert view.current is None
    assert [j.operation_id for j in view.queue] == [later.cut_id, floor.cut_id, floor.drill_id]

    committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id=new_client_id(), now=T0)
    view = committed(session, reads.machine_queue, op, floor.machine_id, now=T0)
    assert view.current.operation_id == floor.cut_id and view.current.status == WorkStatus.RUNNING
    assert [j.operation_id for j in view.queue] == [later.cut_id, floor.drill_id]
    assert view.machine.state == MachineState.RUNNING


def test_done_and_planned_jobs_leave_the_queue(session, world, floor, op):
    committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id=new_client_id(), now=T0)
    committed(session, shopfloor.complete_job, op, floor.machine_id, client_id=new_client_id(), now=T0)
    make_floor(session, world.org_a, world.plant1, world.dept1, status=WorkStatus.PLANNED)
    view = committed(session, reads.machine_queue, op, floor.machine_id, now=T0)
    assert view.current is None
    assert [j.operation_id for j in view.queue] == [floor.drill_id]


def test_progress_against_plan(session, floor, op):
    committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id=new_client_id(), now=T0)
    committed(session, shopfloor.report_counts, op, floor.machine_id, good=15, scrap=2,
              scrap_reason_code_id=floor.line.scrap_reason_id, client_id=new_client_id(), now=T0)

    # Cut: planned 08:00, 600 s setup, 30 s a part. At 08:20 the plan expects (1200 - 600) / 30 = 20 good.
    job = committed(session, reads.machine_queue, op, floor.machine_id, now=T0 + timedelta(minutes=20)).current
    assert (job.quantity, job.quantity_good, job.quantity_scrap) == (100, 15, 2)
    assert (job.expected_good, job.progress_percent, job.plan_percent, job.ahead_by) == (20, 15, 20, -5)
    assert (job.planned_start, job.planned_end) == (T0, T0 + timedelta(hours=1))
    assert job.work_order_number.startswith("WO-") and job.product_code.startswith("FG-")

    during_setup = committed(session, reads.machine_queue, op, floor.machine_id, now=T0 + timedelta(minutes=5))
    assert during_setup.current.expected_good == 0
    after_plan = committed(session, reads.machine_queue, op, floor.machine_id, now=T0 + timedelta(hours=2))
    assert (after_plan.current.expected_good, after_plan.current.plan_percent) == (100, 100)


def test_progress_leaves_out_the_breaks_of_the_plants_calendar(session, floor, op):
    # Drill is planned from 09:00 (300 s setup, 45 s a part); the coffee break is 09:00-09:15.
    def expected(minutes_after_nine):
        view = committed(session, reads.machine_queue, op, floor.machine_id,
                         now=T0 + timedelta(hours=1, minutes=minutes_after_nine))
        return next(j for j in view.queue if j.operation_id == floor.drill_id).expected_good
    assert expected(15) == 0                   # all break
    assert expected(20) == 0                   # 5 working minutes: setup
    assert expected(30) == (900 - 300) // 45   # 13


def test_a_machine_is_found_by_its_code_or_its_qr_payload(session, world, floor, op):
    code = code_of(session, floor.machine_id)
    for scanned in (code, f"  {code.lower()} ", f"TAKT:MACHINE:{code}", f"takt:machine:{code.lower()}"):
        assert committed(session, reads.machine_by_code, op, scanned).id == floor.machine_id


def test_a_machine_is_found_by_its_printed_label(session, world, floor, op):
    target = labels.label_for(session, op, labels.LabelKind.MAC, floor.machine_id)
    assert committed(session, reads.machine_by_code, op, target.payload).id == floor.machine_id
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in target.payload)
    assert committed(session, reads.machine_by_code, op, full_width).id == floor.machine_id   # scanned through an IME
    code = code_of(session, floor.machine_id)
    assert committed(session, reads.machine_by_code, op, "".join(chr(ord(c) + 0xFEE0) for c in code)).id == floor.machine_id
    with pytest.raises(labels.LabelError, match="work order label|machine label"):
        committed(session, reads.machine_by_code, op, labels.encode("WO", target.org_slug, "WO-1"))


def test_scanning_a_machine_of_another_plant_or_nothing_is_refused(session, world, floor, op):
    other = make_floor(session, world.org_a, world.plant2, world.dept2)
    with pytest.raises(NotFound, match="No machine with code"):
        committed(session, reads.machine_by_code, op, code_of(session, other.machine_id))
    with pytest.raises(NotFound):
        committed(session, reads.machine_by_code, op, "TAKT:MACHINE:NOPE")
    with pytest.raises(Invalid, match="Type or scan a machine code"):
        committed(session, reads.machine_by_code, op, "TAKT:MACHINE: ")


def test_the_queue_of_another_plants_machine_is_not_found(session, world, op):
    other = make_floor(session, world.org_a, world.plant2, world.dept2)
    with pytest.raises(NotFound, match="Machine not found"):
        committed(session, reads.machine_queue, op, other.machine_id, now=T0)


def test_reason_lists_by_kind(session, floor, op):
    for kind, expected in [(ReasonKind.PAUSE, [floor.line.pause_reason_id]),
                           (ReasonKind.SCRAP, [floor.line.scrap_reason_id]),
                           (ReasonKind.DOWNTIME, [floor.line.downtime_reason_id, floor.line.planned_stop_reason_id])]:
        choices = committed(session, reads.reason_choices, op, kind)
        assert sorted(c.id for c in choices) == sorted(expected)
    planned = [c for c in committed(session, reads.reason_choices, op, "downtime") if c.planned]
    assert [c.id for c in planned] == [floor.line.planned_stop_reason_id]


def allowed(job) -> set[str]:
    return {name for name in ("start", "resume", "pause", "complete", "report") if getattr(job, f"can_{name}")}


def test_each_job_carries_the_actions_the_operator_may_take_now(session, floor, op):
    def view():
        return committed(session, reads.machine_queue, op, floor.machine_id, now=T0)

    def tap(action, *args):
        committed(session, action, op, floor.machine_id, *args, client_id=new_client_id(), now=T0)

    assert [allowed(j) for j in view().queue] == [{"start"}, {"start"}]
    tap(shopfloor.start_job, floor.cut_id)
    running = view()
    assert allowed(running.current) == {"pause", "complete", "report"}
    assert [allowed(j) for j in running.queue] == [set()]                  # one running job per machine
    tap(shopfloor.pause_job, floor.line.pause_reason_id)
    paused = view()
    assert allowed(paused.current) == {"resume", "complete", "report"}
    assert [allowed(j) for j in paused.queue] == [{"start"}]
    tap(shopfloor.start_downtime, floor.line.downtime_reason_id)
    down = view()
    assert allowed(down.current) == {"complete", "report"}                 # nothing starts or resumes while down
    assert [allowed(j) for j in down.queue] == [set()]


def test_the_actions_offered_are_the_ones_the_rules_accept(session, floor, op):
    """Every offered start is accepted; a start not offered is refused (the rules live in one place)."""
    committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id=new_client_id(), now=T0)
    drill = committed(session, reads.machine_queue, op, floor.machine_id, now=T0).queue[0]
    assert not drill.can_start
    with pytest.raises(Conflict):
        committed(session, shopfloor.start_job, op, floor.machine_id, drill.operation_id, client_id=new_client_id(),
                  now=T0)
    committed(session, shopfloor.complete_job, op, floor.machine_id, client_id=new_client_id(), now=T0)
    drill = committed(session, reads.machine_queue, op, floor.machine_id, now=T0).queue[0]
    assert drill.can_start
    committed(session, shopfloor.start_job, op, floor.machine_id, drill.operation_id, client_id=new_client_id(), now=T0)
