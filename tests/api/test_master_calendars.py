"""Shift calendars over real HTTP: shifts, breaks, holidays, validation, working time, isolation."""
from __future__ import annotations

from tests.api.conftest import assert_error


def _calendar(client, headers, plant_id, name="Two shifts"):
    response = client.post("/calendars", json={"plant_id": plant_id, "name": name}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_calendar_building_and_working_time(client, world, as_user):
    planner = as_user("planner.one")
    cal = _calendar(client, planner, world.plant1)["calendar"]
    detail = client.post(f"/calendars/{cal['id']}/shifts", json={"name": "Early", "start_minute": 360, "end_minute": 840,
                                                                 "weekdays": "12345"}, headers=planner).json()
    shift = detail["shifts"][0]
    detail = client.post(f"/calendar-shifts/{shift['id']}/breaks", json={"name": "Lunch", "start_minute": 720,
                                                                         "end_minute": 750}, headers=planner)
    assert detail.status_code == 201 and detail.json()["shifts"][0]["breaks"][0]["name"] == "Lunch"
    outside = client.post(f"/calendar-shifts/{shift['id']}/breaks", json={"start_minute": 900, "end_minute": 930},
                          headers=planner)
    assert {"start_minute", "end_minute"} <= set(assert_error(outside, 422, "invalid")["fields"])
    overlap = client.post(f"/calendars/{cal['id']}/shifts", json={"name": "Mid", "start_minute": 600, "end_minute": 900},
                          headers=planner)
    assert "Early" in assert_error(overlap, 422, "invalid")["message"]
    client.post(f"/calendars/{cal['id']}/holidays", json={"day": "2026-03-03", "name": "Plant day"},
                headers=planner).raise_for_status()
    again = client.post(f"/calendars/{cal['id']}/holidays", json={"day": "2026-03-03"}, headers=planner)
    assert_error(again, 409, "conflict")
    worked = client.get(f"/calendars/{cal['id']}/working-time", params={"start": "2026-03-02T00:00:00Z",
                                                                        "end": "2026-03-05T00:00:00Z"}, headers=planner)
    body = worked.json()
    # Monday and Wednesday 06:00-14:00 UTC minus 30 min lunch; Tuesday is a holiday
    assert body["seconds"] == 2 * 7.5 * 3600 and len(body["intervals"]) == 4
    assert body["intervals"][0] == {"start": "2026-03-02T06:00:00Z", "end": "2026-03-02T12:00:00Z"}
    naive = client.get(f"/calendars/{cal['id']}/working-time", params={"start": "2026-03-02T00:00:00",
                                                                       "end": "2026-03-05T00:00:00Z"}, headers=planner)
    assert_error(naive, 422, "invalid")
    assert [c["name"] for c in client.get("/calendars", headers=planner).json()] == ["Two shifts"]
    exported = client.get("/calendars", params={"format": "csv"}, headers={**planner, "Accept-Language": "ja"})
    assert exported.text.lstrip("\ufeff").splitlines()[0] == "工場 ID,名前,既定,シフト,有効"
    removed = client.delete(f"/calendar-shifts/{shift['id']}", headers=planner).json()
    assert removed["shifts"] == []


def test_calendar_isolation(client, world, as_user):
    cal2 = _calendar(client, as_user("admin.a"), world.plant2)["calendar"]
    planner = as_user("planner.one")
    assert client.get("/calendars", headers=planner).json() == []
    for response in (client.get(f"/calendars/{cal2['id']}", headers=planner),
                     client.post(f"/calendars/{cal2['id']}/shifts", json={"name": "X", "start_minute": 0,
                                                                          "end_minute": 60}, headers=planner),
                     client.post("/calendars", json={"plant_id": world.plant2, "name": "Mine"}, headers=planner),
                     client.get(f"/calendars/{cal2['id']}/working-time", params={
                         "start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"}, headers=planner),
                     client.get(f"/calendars/{cal2['id']}", headers=as_user("admin.b"))):
        assert_error(response, 404, "not_found")
    cal1 = _calendar(client, as_user("admin.a"), world.plant1)["calendar"]
    assert_error(client.patch(f"/calendars/{cal1['id']}", json={"name": "Mine"}, headers=as_user("op.one")),
                 403, "forbidden")
