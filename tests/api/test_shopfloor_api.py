"""The shop floor over real HTTP: machines, queue, reasons, and operator actions with their
idempotency (201 recorded, 200 with the same body for a retry), errors in the one shape."""
from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from models.orders import Operation, WorkStatus
from models.resources import Machine
from models.shopfloor import ProductionEvent
from tests.api.conftest import assert_error
from tests.factories.shopfloor import make_floor, new_client_id


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)


@pytest.fixture
def operator(as_user):
    return as_user("op.one")


def post_action(client, headers, machine_id, **body):
    body.setdefault("client_id", new_client_id())
    return client.post(f"/machines/{machine_id}/actions", json=body, headers=headers)


def events(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(ProductionEvent)).one()


def test_an_action_is_201_and_its_retry_is_200_with_the_same_body_and_one_row(client, engine, floor, operator):
    body = {"type": "start_job", "client_id": "9b2f0c8e-6f0e-4f7d-9d55-7f1c1f4c2a10", "operation_id": floor.cut_id}
    first = client.post(f"/machines/{floor.machine_id}/actions", json=body, headers=operator)
    assert first.status_code == 201, first.text
    event = first.json()
    assert (event["kind"], event["client_id"], event["machine_id"], event["operation_id"]) == (
        "job_started", body["client_id"], floor.machine_id, floor.cut_id)

    again = client.post(f"/machines/{floor.machine_id}/actions", json=body, headers=operator)
    assert again.status_code == 200, again.text
    assert again.json() == event
    assert events(engine) == 1


def test_the_operator_flow_over_http(client, engine, floor, operator):
    m = floor.machine_id
    assert post_action(client, operator, m, type="start_job", operation_id=floor.cut_id).status_code == 201
    counted = post_action(client, operator, m, type="report_counts", good=10, scrap=1,
                          reason_code_id=floor.line.scrap_reason_id)
    assert counted.status_code == 201 and (counted.json()["quantity_good"], counted.json()["quantity_scrap"]) == (10, 1)
    assert post_action(client, operator, m, type="pause_job", reason_code_id=floor.line.pause_reason_id).status_code \
        == 201
    assert post_action(client, operator, m, type="start_downtime",
                       reason_code_id=floor.line.downtime_reason_id).status_code == 201
    assert post_action(client, operator, m, type="end_downtime").status_code == 201
    assert post_action(client, operator, m, type="resume_job").status_code == 201
    assert post_action(client, operator, m, type="complete_job").status_code == 201

    with Session(engine) as s:
        cut = s.get(Operation, floor.cut_id)
        assert (cut.status, cut.quantity_good, cut.quantity_scrap) == (WorkStatus.DONE, 10, 1)
        kinds = s.exec(select(ProductionEvent.kind).order_by(ProductionEvent.id)).all()
    assert [k.value for k in kinds] == ["job_started", "count", "job_paused", "downtime_started", "downtime_ended",
                                        "job_resumed", "job_completed"]


def test_the_queue_and_the_machines_with_their_state(client, floor, operator):
    post_action(client, operator, floor.machine_id, type="start_job", operation_id=floor.cut_id)
    queue = client.get(f"/machines/{floor.machine_id}/queue", headers=operator)
    assert queue.status_code == 200, queue.text
    data = queue.json()
    assert data["machine"]["state"] == "running"
    assert data["current"]["operation_id"] == floor.cut_id
    assert [j["operation_id"] for j in data["queue"]] == [floor.drill_id]

    machines = client.get("/shopfloor/machines", headers=operator).json()
    assert [(m["id"], m["state"]) for m in machines] == [(floor.machine_id, "running"),
                                                        (floor.other_machine_id, "idle")]


def test_lookup_by_scanned_code_and_reason_lists(client, session, floor, operator):
    code = session.get(Machine, floor.machine_id).code
    found = client.get("/shopfloor/machines/lookup", params={"code": f"TAKT:MACHINE:{code}"}, headers=operator)
    assert found.status_code == 200 and found.json()["id"] == floor.machine_id
    missing = assert_error(client.get("/shopfloor/machines/lookup", params={"code": "NOPE"}, headers=operator),
                           404, "not_found")
    assert missing["fields"] == {"code": "Unknown machine."}
    reasons = client.get("/shopfloor/reasons", params={"kind": "scrap"}, headers=operator).json()
    assert [r["id"] for r in reasons] == [floor.line.scrap_reason_id]


def test_refusals_come_in_the_error_shape(client, engine, floor, operator):
    m = floor.machine_id
    post_action(client, operator, m, type="start_job", operation_id=floor.cut_id)
    second = post_action(client, operator, m, type="start_job", operation_id=floor.drill_id)
    error = assert_error(second, 409, "conflict")
    assert "already running" in error["message"]
    assert_error(post_action(client, operator, m, type="report_counts", good=1, scrap=1), 422, "invalid",
                 reason_code_id="")
    assert_error(post_action(client, operator, m, type="report_counts", good=-1), 422, "invalid", good="")
    assert_error(post_action(client, operator, m, type="report_counts", good=1, client_id=""), 422, "invalid",
                 client_id="")
    assert_error(post_action(client, operator, m, type="fly"), 422, "invalid", type="")
    assert_error(post_action(client, operator, m, type="start_job", operation_id=floor.drill_id,
                             occurred_at="2026-03-02T08:00:00"), 422, "invalid")
    assert events(engine) == 1


def test_an_operator_of_plant_1_gets_404_for_a_machine_of_plant_2(client, engine, session, world, operator):
    other = make_floor(session, world.org_a, world.plant2, world.dept2)
    assert_error(post_action(client, operator, other.machine_id, type="start_job", operation_id=other.cut_id),
                 404, "not_found")
    assert_error(client.get(f"/machines/{other.machine_id}/queue", headers=operator), 404, "not_found")
    machines = client.get("/shopfloor/machines", headers=operator).json()
    assert other.machine_id not in [m["id"] for m in machines]
    assert events(engine) == 0


def test_without_run_jobs_or_a_token_actions_are_refused(client, floor, as_user):
    assert_error(post_action(client, as_user("planner.one"), floor.machine_id, type="start_job",
                             operation_id=floor.cut_id), 403, "forbidden")
    assert_error(post_action(client, {}, floor.machine_id, type="start_job", operation_id=floor.cut_id),
                 401, "unauthorized")
