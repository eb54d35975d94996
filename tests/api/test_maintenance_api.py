"""Maintenance over real HTTP: an operator raises a ticket with a photo (multipart), a technician finds it in
"my tickets" and closes it, parts and labour are booked, plans and KPIs answer (also as CSV); the error shape,
roles and tenancy are those of the rest of the API."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlmodel import select

from models.resources import ReasonCode
from models.shopfloor import ProductionEvent
from models.user import User
from services.core.db import transaction
from services.maintenance import ticket_work
from services.maintenance import tickets as mt
from services.shopfloor import operator
from tests.api.conftest import assert_error
from tests.factories.org import make_user
from tests.factories.production import make_line


def _shop(session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.api")
    make_user(session, world.org_b, roles=["maintenance"], plant_ids=[world.plant_b], username="tech.b")
    return line.machine_ids[0]


def test_operator_reports_with_a_photo_and_a_technician_closes(client, session, world, as_user):
    machine_id = _shop(session, world)
    op, tech = as_user("op.one"), as_user("tech.api")
    created = client.post("/maintenance/tickets", json={"machine_id": machine_id, "title": "Coolant leak",
                                                        "priority": "high", "source": "operator"}, headers=op)
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert (ticket["number"], ticket["status"], ticket["sla_state"]) == ("MT-000001", "open", "ok")
    photo = client.post(f"/maintenance/tickets/{ticket['id']}/photos", headers=op,
                        files={"file": ("leak.jpg", b"\xff\xd8\xff\xe0jpeg", "image/jpeg")})
    assert photo.status_code == 201, photo.text
    refused = client.post(f"/maintenance/tickets/{ticket['id']}/photos", headers=op,
                          files={"file": ("notes.txt", b"hello", "text/plain")})
    assert_error(refused, 422, "invalid", file="")
    got = client.get(f"/maintenance/photos/{photo.json()['id']}", headers=tech)
    assert (got.status_code, got.headers["content-type"], got.content) == (200, "image/jpeg", b"\xff\xd8\xff\xe0jpeg")
    assert_error(client.post(f"/maintenance/tickets/{ticket['id']}/transitions/accept", json={}, headers=op),
                 403, "forbidden")
    tech_id = client.get("/me", headers=tech).json()["user_id"]
    assigned = client.put(f"/maintenance/tickets/{ticket['id']}/assignee", json={"user_id": tech_id}, headers=tech)
    assert assigned.status_code == 200, assigned.text
    assert [t["number"] for t in client.get("/maintenance/my-tickets", headers=tech).json()] == ["MT-000001"]
    for key in ("accept", "start", "wait_parts", "resume", "done"):
        moved = client.post(f"/maintenance/tickets/{ticket['id']}/transitions/{key}", json={}, headers=tech)
        assert moved.status_code == 200, (key, moved.text)
    assert moved.json()["status"] == "done" and moved.json()["is_closed"]
    assert client.get("/maintenance/my-tickets", headers=tech).json() == []
    detail = client.get(f"/maintenance/tickets/{ticket['id']}", headers=tech).json()
    assert [a["filename"] for a in detail["attachments"]] == ["leak.jpg"]
    assert [h["to_state"] for h in detail["history"]] == ["open", "accepted", "in_progress", "waiting_parts",
                                                          "in_progress", "done"]


def test_parts_labour_plans_and_kpis(client, session, world, as_user):
    machine_id = _shop(session, world)
    tech = as_user("tech.api")
    part = client.post("/maintenance/parts", json={"code": "BLT-1", "name": "Belt", "unit_cost": "8.25"}, headers=tech)
    assert part.status_code == 201, part.text
    received = client.post("/maintenance/stock-moves/receipts", headers=tech, json={
        "part_id": part.json()["id"], "plant_id": world.plant1, "location": "Shelf 1", "quantity": 3})
    assert received.status_code == 201 and received.json()["quantity"] == 3
    ticket = client.post("/maintenance/tickets", json={"machine_id": machine_id, "title": "Belt torn"}, headers=tech).json()
    too_many = client.post(f"/maintenance/tickets/{ticket['id']}/parts", headers=tech,
                           json={"part_id": part.json()["id"], "location": "Shelf 1", "quantity": 4})
    assert_error(too_many, 409, "conflict")
    issued = client.post(f"/maintenance/tickets/{ticket['id']}/parts", headers=tech,
                         json={"part_id": part.json()["id"], "location": "Shelf 1", "quantity": 2})
    assert issued.status_code == 201 and issued.json()["quantity"] == 1
    labour = client.post(f"/maintenance/tickets/{ticket['id']}/labour", headers=tech, json={
        "started_at": "2026-03-02T08:00:00Z", "ended_at": "2026-03-02T09:30:00Z", "hourly_rate": "50"})
    assert labour.status_code == 201 and labour.json()["hours"] == "1.50"
    assert client.get(f"/maintenance/tickets/{ticket['id']}/costs", headers=tech).json() == {
        "parts": "16.50", "labour": "75.00", "hours": "1.50", "total": "91.50"}
    plan = client.post("/maintenance/plans", headers=tech, json={"name": "Weekly check", "machine_id": machine_id,
                                                                 "interval": 1, "unit": "weeks"})
    assert plan.status_code == 201, plan.text
    changed = client.put(f"/maintenance/plans/{plan.json()['id']}", headers=tech, json={
        "name": "Every 500 parts", "machine_id": machine_id, "trigger": "count", "interval": 500})
    assert changed.status_code == 200 and (changed.json()["unit"], changed.json()["interval"]) == ("parts", 500)
    assert_error(client.put(f"/maintenance/plans/{plan.json()['id']}", headers=tech, json={
        "name": "Weekly check", "machine_id": machine_id, "interval": 0}), 422, "invalid", interval="")
    assert_error(client.put(f"/maintenance/plans/{plan.json()['id']}", headers=as_user("tech.b"), json={
        "name": "Mine now", "machine_id": machine_id}), 404, "not_found")
    assert_error(client.post("/maintenance/plans", headers=tech, json={"name": "", "machine_id": machine_id,
                                                                       "trigger": "moon"}), 422, "invalid", name="",
                 trigger="")
    kpis = client.get("/maintenance/kpis", headers=tech, params={
        "plant_id": world.plant1, "start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"})
    assert kpis.status_code == 200, kpis.text
    body = kpis.json()
    assert body["breakdowns"] == 1 and "mtbf" in body["definitions"]
    csv = client.get("/maintenance/kpis", headers=tech, params={
        "plant_id": world.plant1, "start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z", "format": "csv"})
    assert csv.status_code == 200 and csv.text.lstrip("\ufeff").splitlines()[0].startswith("Machine,Name,Breakdowns")
    assert client.get("/maintenance/stock", headers=tech, params={"format": "xlsx"}).status_code == 200


def test_another_organization_sees_nothing(client, session, world, as_user):
    machine_id = _shop(session, world)
    ticket = client.post("/maintenance/tickets", json={"machine_id": machine_id, "title": "Noise"},
                         headers=as_user("op.one")).json()
    other = as_user("tech.b")
    assert_error(client.get(f"/maintenance/tickets/{ticket['id']}", headers=other), 404, "not_found")
    assert_error(client.post(f"/maintenance/tickets/{ticket['id']}/transitions/accept", json={}, headers=other),
                 404, "not_found")
    assert client.get("/maintenance/tickets", headers=other).json() == []
    assert_error(client.get("/maintenance/kpis", headers=other, params={
        "plant_id": world.plant1, "start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}), 404, "not_found")
    assert_error(client.get("/maintenance/my-tickets"), 401, "unauthorized")


def test_an_automatic_rule_is_edited_over_the_api(client, session, world, as_user):
    machine_id = _shop(session, world)
    tech, other = as_user("tech.api"), as_user("tech.b")
    rule = client.post("/maintenance/auto-rules", json={"plant_id": world.plant1, "threshold_minutes": 30},
                       headers=tech)
    assert rule.status_code == 201, rule.text
    edited = client.put(f"/maintenance/auto-rules/{rule.json()['id']}", headers=tech,
                        json={"machine_id": machine_id, "threshold_minutes": 45, "priority": "critical"})
    assert edited.status_code == 200, edited.text
    assert {k: edited.json()[k] for k in ("machine_id", "threshold_minutes", "priority", "is_active")} == {
        "machine_id": machine_id, "threshold_minutes": 45, "priority": "critical", "is_active": True}
    listed = client.get(f"/maintenance/plants/{world.plant1}/auto-rules", headers=tech).json()
    assert [(r["threshold_minutes"], r["priority"]) for r in listed] == [(45, "critical")]
    assert_error(client.put(f"/maintenance/auto-rules/{rule.json()['id']}", headers=tech,
                            json={"threshold_minutes": 0}), 422, "invalid", threshold_minutes="")
    assert_error(client.put(f"/maintenance/auto-rules/{rule.json()['id']}", headers=other,
                            json={"threshold_minutes": 50}), 404, "not_found")


def test_the_loss_pareto_shows_repairs_waiting_for_parts_over_the_api(client, session, world, as_user):
    """M down 08:00-10:30 (135 working minutes, the 09:00-09:15 break excluded); its ticket waits for parts
    08:30-10:00 (75 working minutes): the Pareto's JSON and CSV carry that bar, and the breakdown keeps 60."""
    machine_id = _shop(session, world)
    op, tech = world.actor(world.operator1), world.actor(_user_id(session, "tech.api"))
    brk = session.get(ProductionEvent, _down(session, op, machine_id, at(8))).reason_code_id
    with transaction(session):
        ticket = mt.raise_ticket(session, op, mt.TicketCreate(machine_id=machine_id, title="Bearing"), now=at(8))
    for key, when in (("start_now", at(8, 10)), ("wait_parts", at(8, 30)), ("resume", at(10)), ("done", at(10, 30))):
        with transaction(session):
            ticket_work.act(session, tech, ticket.id, key, now=when)
    with transaction(session):
        operator.end_downtime(session, op, machine_id, client_id="api-up", occurred_at=at(10, 30), now=at(10, 30))
    params = {"plant_id": world.plant1, "machine_id": machine_id, "start": "2026-03-02T06:00:00Z",
              "end": "2026-03-02T14:00:00Z"}
    rows = client.get("/kpi/pareto", params=params, headers=as_user("admin.a")).json()["rows"]
    assert [(r["kind"], r["reason_code_id"], r["minutes"]) for r in rows if r["kind"] in ("waiting_parts", "stop")] == [
        ("waiting_parts", None, 75.0), ("stop", brk, 60.0)]
    exported = client.get("/kpi/pareto", params={**params, "format": "csv"}, headers=as_user("admin.a"))
    found = [(r["Kind"], r["Name"], r["Minutes"]) for r in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))]
    assert ("waiting_parts", "Repairs waiting for parts", "75.0") in found


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def _user_id(session, username: str) -> int:
    return session.exec(select(User.id).where(User.username == username)).one()


def _down(session, op, machine_id: int, when: datetime) -> int:
    reason = session.exec(select(ReasonCode.id).where(ReasonCode.organization_id == op.organization_id,
                                                      ReasonCode.code.startswith("BRK"))).first()
    with transaction(session):
        return operator.start_downtime(session, op, machine_id, reason, client_id="api-down", occurred_at=when,
                                       now=when).event.id
