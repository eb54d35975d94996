"""Scheduling over real HTTP: the board, assign and move, re-planning, capacity targets,
utilisation and exceptions, with the same refusals as the services (404 outside one's plants,
403 for operators, 422 with field messages)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from models.orders import ScheduleException
from services.core.calendar_math import working_seconds
from services.master.calendars import calendar_spec
from tests.api.conftest import assert_error
from tests.factories.production import make_line, make_work_order


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
def line(session, world):
    return make_line(session, world.org_a, world.plant1, world.dept1)


@pytest.fixture
def ops(session, world, line):
    """Two work orders of 100 units: [(cut, drill), (cut, drill)], on no machine yet."""
    return [make_work_order(session, world.org_a, world.plant1, line, quantity=100)[1] for _ in range(2)]


def board(client, headers, plant_id):
    start = datetime.now(UTC) - timedelta(days=1)
    response = client.get(f"/plants/{plant_id}/schedule", headers=headers,
                          params={"start": start.isoformat(), "end": (start + timedelta(days=30)).isoformat()})
    assert response.status_code == 200, response.text
    return response.json()


def test_assign_and_move_show_on_the_board(client, session, world, as_user, line, ops):
    planner = as_user("planner.one")
    (cut1, _d1), (cut2, _d2) = ops
    asked = datetime.now(UTC).replace(microsecond=0)
    first = client.post(f"/operations/{cut1}/assign", headers=planner, json={"machine_id": line.machine_ids[0]})
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["machine_id"], body["queue_position"]) == (line.machine_ids[0], 1)
    cal = calendar_spec(session, world.plant1)
    start, end = parse(body["planned_start"]), parse(body["planned_end"])
    assert start >= asked and working_seconds(cal, start, end) == 3600

    second = client.post(f"/operations/{cut2}/assign", headers=planner,
                         json={"machine_id": line.machine_ids[0], "position": 1})
    assert second.json()["queue_position"] == 1
    moved = client.post(f"/operations/{cut1}/move", headers=planner,
                        json={"machine_id": line.machine_ids[1], "reason": "Balance the load"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["machine_id"], moved.json()["queue_position"]) == (line.machine_ids[1], 1)

    shown = board(client, planner, world.plant1)
    rows = {row["machine_id"]: [op["operation_id"] for op in row["operations"]] for row in shown["machines"]}
    assert rows == {line.machine_ids[0]: [cut2], line.machine_ids[1]: [cut1]}
    assert shown["timezone"] == "UTC" and shown["conflict_count"] == 0
    assert session.exec(select(func.count()).select_from(ScheduleException)).one() == 1

    unscheduled = client.get(f"/plants/{world.plant1}/schedule/unscheduled", headers=planner).json()
    assert sorted(o["operation_id"] for o in unscheduled) == sorted([ops[0][1], ops[1][1]])


def test_refusals_carry_field_messages(client, world, as_user, line, ops):
    planner = as_user("planner.one")
    (cut, _drill), _ = ops
    client.post(f"/operations/{cut}/assign", headers=planner, json={"machine_id": line.machine_ids[0]})
    assert_error(client.post(f"/operations/{cut}/move", headers=planner, json={"machine_id": line.machine_ids[1]}),
                 422, "invalid", reason="")
    assert_error(client.post(f"/operations/{cut}/assign", headers=planner, json={}), 422, "invalid", machine_id="")
    assert_error(client.post(f"/operations/{cut}/move", headers=planner, json={"position": 0}), 422, "invalid",
                 position="")
    assert_error(client.get(f"/plants/{world.plant1}/schedule", headers=planner,
                            params={"start": "2026-03-02T00:00:00", "end": "2026-03-03T00:00:00Z"}),
                 422, "invalid", start="")


def test_plants_outside_ones_access_do_not_exist_and_operators_may_not_plan(client, session, world, as_user):
    line2 = make_line(session, world.org_a, world.plant2, world.dept2)
    _wo, (cut2, _drill2) = make_work_order(session, world.org_a, world.plant2, line2)
    planner, operator, admin_b = as_user("planner.one"), as_user("op.one"), as_user("admin.b")
    for headers in (planner, admin_b):
        assert_error(client.post(f"/operations/{cut2}/assign", headers=headers,
                                 json={"machine_id": line2.machine_ids[0]}), 404, "not_found")
        assert_error(client.get(f"/plants/{world.plant2}/schedule", headers=headers), 404, "not_found")
        assert_error(client.post(f"/plants/{world.plant2}/schedule/replan", headers=headers), 404, "not_found")
    assert_error(client.post(f"/plants/{world.plant1}/schedule/replan", headers=operator), 403, "forbidden")
    assert_error(client.get(f"/plants/{world.plant1}/schedule", headers=operator), 403, "forbidden")
    assert_error(client.post(f"/machines/{line2.machine_ids[0]}/plan", headers=planner), 404, "not_found")
    assert client.get(f"/plants/{world.plant1}/schedule").status_code == 401


def test_replan_and_plan_a_machine(client, world, as_user, line, ops):
    planner = as_user("planner.one")
    for (cut, _drill) in ops:
        client.post(f"/operations/{cut}/assign", headers=planner, json={"machine_id": line.machine_ids[0]})
    replanned = client.post(f"/plants/{world.plant1}/schedule/replan", headers=planner)
    assert replanned.status_code == 200, replanned.text
    assert replanned.json()["planned_count"] == 2 and replanned.json()["plant_id"] == world.plant1
    queue = client.post(f"/machines/{line.machine_ids[0]}/plan", headers=planner).json()
    assert [op["queue_position"] for op in queue] == [1, 2]
    assert parse(queue[0]["planned_end"]) <= parse(queue[1]["planned_start"])
    taken = client.post(f"/operations/{ops[0][0]}/unassign", headers=planner, json={"reason": "No material"})
    assert taken.json()["machine_id"] is None


def test_capacity_targets_and_utilisation(client, world, as_user, line):
    planner = as_user("planner.one")
    made = client.post("/capacity-targets", headers=planner, json={
        "plant_id": world.plant1, "machine_id": line.machine_ids[0], "period": "day", "target_hours": "7"})
    assert made.status_code == 201, made.text
    assert (made.json()["scope"], made.json()["target_hours"]) == ("machine", "7.00")
    assert_error(client.post("/capacity-targets", headers=planner, json={
        "plant_id": world.plant1, "machine_id": line.machine_ids[0], "period": "day", "target_hours": "8"}),
        409, "conflict")
    assert_error(client.post("/capacity-targets", headers=planner, json={
        "plant_id": world.plant1, "machine_id": line.machine_ids[1], "period": "day", "target_hours": "25"}),
        422, "invalid", target_hours="")
    changed = client.patch(f"/capacity-targets/{made.json()['id']}", headers=planner, json={"target_hours": "7.5"})
    assert changed.json()["target_hours"] == "7.50"
    used = client.get(f"/plants/{world.plant1}/utilisation", headers=planner,
                      params={"period": "day", "start": "2030-01-07"})          # a Monday with nothing planned
    assert used.status_code == 200, used.text
    u = used.json()
    assert (u["start"], u["calendar_hours"]) == ("2030-01-07", "14.75")
    first = next(m for m in u["machines"] if m["id"] == line.machine_ids[0])
    assert (first["scheduled_hours"], first["target_hours"], first["utilisation"]) == ("0.00", "7.50", "0.0000")
    dept = next(d for d in u["departments"] if d["id"] == first["department_id"])
    assert (dept["target_hours"], dept["utilisation"]) == (None, None)   # one of its machines has no target
    other = client.post("/capacity-targets", headers=planner, json={
        "plant_id": world.plant1, "machine_id": line.machine_ids[1], "period": "day", "target_hours": "7"}).json()
    u = client.get(f"/plants/{world.plant1}/utilisation", headers=planner,
                   params={"period": "day", "start": "2030-01-07"}).json()
    dept = next(d for d in u["departments"] if d["id"] == first["department_id"])
    assert (dept["target_hours"], dept["utilisation"]) == ("14.50", "0.0000")   # its machines' targets added up
    assert client.delete(f"/capacity-targets/{other['id']}", headers=planner).status_code == 204
    assert [t["id"] for t in client.get(f"/plants/{world.plant1}/capacity-targets", headers=planner).json()] == [
        made.json()["id"]]
    assert client.delete(f"/capacity-targets/{made.json()['id']}", headers=planner).status_code == 204
    assert client.get(f"/plants/{world.plant1}/capacity-targets", headers=planner).json() == []
    assert_error(client.get(f"/plants/{world.plant1}/utilisation", headers=planner, params={"period": "year"}),
                 422, "invalid", period="")


def test_exceptions_are_recorded_listed_and_late_ones_detected(client, world, as_user, line, ops):
    planner = as_user("planner.one")
    (cut, _drill), _ = ops
    made = client.post(f"/operations/{cut}/exceptions", headers=planner,
                       json={"kind": "short", "reason": "Only 98 good"})
    assert made.status_code == 201, made.text
    assert (made.json()["kind"], made.json()["username"]) == ("short", "planner.one")
    assert_error(client.post(f"/operations/{cut}/exceptions", headers=planner, json={"kind": "late", "reason": ""}),
                 422, "invalid", reason="")
    listed = client.get(f"/plants/{world.plant1}/schedule-exceptions", headers=planner, params={"kind": "short"})
    assert [e["reason"] for e in listed.json()] == ["Only 98 good"]
    assert client.post(f"/plants/{world.plant1}/schedule/detect-late", headers=planner).json() == []
