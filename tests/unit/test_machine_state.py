"""The machine-state engine (services/shopfloor/machine_state.py): its rules alone, and an operator's tap and a
gateway's event running the same code to the same machine state, quantities and announcement."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.orders import Operation, WorkOrder
from models.resources import Machine, MachineState, MachineStatus
from services.org import api_tokens
from services.shopfloor import ingest, machine_state
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import actor_for, committed, fetch
from tests.factories.shopfloor import make_floor, new_client_id


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)


def status(state=MachineState.RUNNING, *, operation_id=7, reason=None, open_id=None):
    return MachineStatus(machine_id=1, organization_id=1, plant_id=1, state=state, operation_id=operation_id,
                         reason_code_id=reason, open_downtime_event_id=open_id, since=T0, updated_at=T0)


def test_downtime_outranks_the_job_and_since_never_moves_back():
    s, changes = status(MachineState.DOWN, reason=3, open_id=99), {}
    assert not machine_state.set_state(s, MachineState.RUNNING, operation_id=8, reason_code_id=None,
                                       at=T0 + timedelta(minutes=1), changes=changes)
    assert (s.state, s.operation_id, s.reason_code_id, s.since, changes) == (MachineState.DOWN, 8, 3, T0, {})
    s = status()
    assert machine_state.set_state(s, MachineState.PAUSED, operation_id=7, reason_code_id=4,
                                   at=T0 - timedelta(minutes=1), changes=changes)
    assert (s.state, s.since) == (MachineState.PAUSED, T0)
    assert changes == {"machine_state": {"before": "running", "after": "paused"}}


@pytest.mark.parametrize(("good", "scrap", "problems"), [
    (1, 0, {}), (0, 2, {}),
    (0, 0, {"good": "Enter how many good or scrap parts to report."}),
    (-1, 0, {"good": "Cannot be negative."}),
    (0, machine_state.MAX_COUNT + 1, {"scrap": "At most 1,000,000 in one report."}),
    ("3", 1.5, {"good": "A whole number.", "scrap": "A whole number."}),
])
def test_count_rules(good, scrap, problems):
    assert machine_state.count_problems(good, scrap) == problems


def _gateway(session, world):
    created = committed(session, api_tokens.create_api_token, world.actor(world.admin_a),
                        api_tokens.ApiTokenCreate(plant_id=world.plant1, name="gw", kind="machine"), now=T0)
    return actor_for(session, created.token, now=T0)


def _end_stop_on_a_paused_job(session, engine, world, floor, *, by_gateway: bool, gateway=None):
    """Start, count, pause, stop, and end the stop: through operator actions, or the stop and its end
    through a gateway. Returns the machine's status, the job and the work order afterwards."""
    op = world.actor(world.operator1)
    t = [T0 + timedelta(minutes=m) for m in range(6)]
    committed(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, client_id=new_client_id(), now=t[0])
    committed(session, shopfloor.report_counts, op, floor.machine_id, good=5, scrap=1,
              scrap_reason_code_id=floor.line.scrap_reason_id, client_id=new_client_id(), now=t[1])
    committed(session, shopfloor.pause_job, op, floor.machine_id, floor.line.pause_reason_id,
              client_id=new_client_id(), now=t[2])
    if by_gateway:
        code = session.get(Machine, floor.machine_id).code
        result = committed(session, ingest.ingest_batch, gateway, [
            {"client_id": "g-down", "machine": code, "type": "state", "state": "down",
             "reason_code_id": floor.line.downtime_reason_id, "occurred_at": t[3].isoformat()},
            {"client_id": "g-count", "machine": code, "type": "count", "good": 2, "occurred_at": t[4].isoformat()},
            {"client_id": "g-up", "machine": code, "type": "state", "state": "running",
             "occurred_at": t[4].isoformat()}], now=t[5])
        assert [r.status for r in result.results] == ["accepted"] * 3
    else:
        committed(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id,
                  client_id=new_client_id(), now=t[3])
        committed(session, shopfloor.report_counts, op, floor.machine_id, good=2, client_id=new_client_id(),
                  now=t[4])
        committed(session, shopfloor.end_downtime, op, floor.machine_id, client_id=new_client_id(), now=t[4])
    (s,) = fetch(engine, MachineStatus, MachineStatus.machine_id == floor.machine_id)
    (job,) = fetch(engine, Operation, Operation.id == floor.cut_id)
    (wo,) = fetch(engine, WorkOrder, WorkOrder.id == floor.work_order_id)
    return ((s.state, s.operation_id, s.reason_code_id, s.open_downtime_event_id, s.since),
            (job.quantity_good, job.quantity_scrap), (wo.quantity_good, wo.quantity_scrap))


def test_an_operator_and_a_gateway_ending_a_stop_leave_the_same_machine_state(session, engine, world, floor,
                                                                               captured_events):
    by_operator = _end_stop_on_a_paused_job(session, engine, world, floor, by_gateway=False)
    other = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)
    by_gateway = _end_stop_on_a_paused_job(session, engine, world, other, by_gateway=True,
                                           gateway=_gateway(session, world))
    assert by_operator[0] == (MachineState.PAUSED, floor.cut_id, floor.line.pause_reason_id, None,
                              T0 + timedelta(minutes=4))
    assert by_gateway[0] == (MachineState.PAUSED, other.cut_id, other.line.pause_reason_id, None,
                             T0 + timedelta(minutes=4))
    assert by_operator[1:] == by_gateway[1:] == ((7, 1), (0, 1))     # good counts from the last step (Drill)
    ended = [e for e in captured_events if e.name == "downtime.ended"]
    assert [e.payload["machine_state"] for e in ended] == ["paused", "paused"]
    assert {key for key in ended[0].payload} == {key for key in ended[1].payload}
