"""KPIs over real HTTP: the hand-computed shift (tests/unit/test_kpi_aggregates.py) through /api/v1/kpi, exports,
roles, a display token reading only its plant's summary, and another organization finding nothing."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from models.base import utcnow
from models.shopfloor import EventKind
from services.core.db import transaction
from services.kpi import rollups
from services.org import api_tokens
from services.org.api_tokens import ApiTokenCreate
from tests.api.conftest import assert_error, bearer
from tests.factories.kpi import insert_events
from tests.factories.shopfloor import make_floor

DAY = datetime(2026, 3, 2, tzinfo=UTC)
WINDOW = {"start": "2026-03-02T06:00:00Z", "end": "2026-03-02T14:00:00Z"}


def at(hour: int, minute: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute)


@pytest.fixture
def floor(session, world):
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000)
    r = floor.line
    with transaction(session):
        rollups.apply(session, insert_events(session, floor, world, [
            (EventKind.JOB_STARTED, at(6), 0, 0, None), (EventKind.JOB_COMPLETED, at(14), 0, 0, None),
            (EventKind.COUNT, at(7, 30), 100, 4, r.scrap_reason_id),
            (EventKind.DOWNTIME_STARTED, at(8, 50), 0, 0, r.downtime_reason_id),
            (EventKind.DOWNTIME_ENDED, at(9, 20), 0, 0, None),
            (EventKind.DOWNTIME_STARTED, at(10), 0, 0, r.planned_stop_reason_id),
            (EventKind.DOWNTIME_ENDED, at(10, 45), 0, 0, None),
            (EventKind.COUNT, at(11), 500, 6, r.scrap_reason_id), (EventKind.COUNT, at(13, 30), 80, 0, None)]))
    return floor


def test_the_summary_of_the_shift_over_http(client, world, floor, as_user):
    response = client.get("/kpi/summary", params={"plant_id": world.plant1, "machine_id": floor.machine_id, **WINDOW},
                          headers=as_user("planner.one"))
    assert response.status_code == 200, response.text
    f = response.json()["figures"]
    assert (f["planned_production_minutes"], f["run_minutes"], f["availability"], f["performance"], f["quality"],
            f["oee"], f["oee_percent"]) == (390.0, 375.0, "25/26", "23/25", "68/69", "34/39", "87.2")


def test_the_pareto_counts_stops_beside_minutes(session, client, world, floor, as_user):
    # Three more breakdowns: 07:00-07:05 (5 min), 12:05-12:20 inside the 12:00-12:30 break (no working time, no
    # stop counted), 13:00-13:02 (2 min); with 08:50-09:20 (15 min in working time) BRK has 3 stops, 22 min.
    # Run time 390 - 22 = 368 min, ideal time 690 x 30 s = 345 min: the speed loss is 23 min.
    brk = floor.line.downtime_reason_id
    with transaction(session):
        rollups.apply(session, insert_events(session, floor, world, [
            (EventKind.DOWNTIME_STARTED, at(7), 0, 0, brk), (EventKind.DOWNTIME_ENDED, at(7, 5), 0, 0, None),
            (EventKind.DOWNTIME_STARTED, at(12, 5), 0, 0, brk), (EventKind.DOWNTIME_ENDED, at(12, 20), 0, 0, None),
            (EventKind.DOWNTIME_STARTED, at(13), 0, 0, brk), (EventKind.DOWNTIME_ENDED, at(13, 2), 0, 0, None)]))
    params = {"plant_id": world.plant1, "machine_id": floor.machine_id, **WINDOW}
    response = client.get("/kpi/pareto", params=params, headers=as_user("planner.one"))
    assert response.status_code == 200, response.text
    assert [(r["kind"], r["reason_code_id"], r["minutes"], r["stops"]) for r in response.json()["rows"]] == [
        ("speed", None, 23.0, None), ("stop", brk, 22.0, 3), ("scrap", floor.line.scrap_reason_id, 5.0, None)]
    exported = client.get("/kpi/pareto", params={**params, "format": "csv"}, headers=as_user("planner.one"))
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["Kind"], r["Minutes"], r["Stops"]) for r in rows] == [("speed", "23.0", ""), ("stop", "22.0", "3"),
                                                                     ("scrap", "5.0", "")]


def test_trend_pareto_fpy_and_events_export_as_csv(client, world, floor, as_user):
    headers = as_user("planner.one")
    base = {"plant_id": world.plant1, "machine_id": floor.machine_id, **WINDOW}
    trend = client.get("/kpi/trend", params={**base, "bucket": "hour", "format": "csv"}, headers=headers)
    assert trend.status_code == 200 and trend.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(trend.content.decode("utf-8-sig"))))
    assert len(rows) == 8 and sum(int(r["Good"]) for r in rows) == 680
    pareto = client.get("/kpi/pareto", params=base, headers=headers).json()
    assert [(r["kind"], r["minutes"]) for r in pareto["rows"]] == [("speed", 30.0), ("stop", 15.0), ("scrap", 5.0)]
    fpy = client.get("/kpi/fpy", params=base, headers=headers).json()
    assert [(s["step"], s["fpy"]) for s in fpy["products"][0]["steps"]] == [(10, "68/69")]
    xlsx = client.get("/kpi/fpy", params={**base, "format": "xlsx"}, headers=headers)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    events = client.get("/kpi/events", params={**base, "kind": "downtime"}, headers=headers).json()
    assert [e["kind"] for e in events["events"]] == ["downtime_started", "downtime_ended"] * 2
    machines = client.get("/kpi/machines", params={"plant_id": world.plant1, **WINDOW, "format": "csv"},
                          headers=headers)
    assert len(list(csv.DictReader(io.StringIO(machines.content.decode("utf-8-sig"))))) == 2
    korean = {**headers, "Accept-Language": "ko"}
    machines_ko = client.get("/kpi/machines", params={"plant_id": world.plant1, **WINDOW, "format": "csv"}, headers=korean)
    assert machines_ko.content.decode("utf-8-sig").startswith("설비,이름,시간가동률 %,성능가동률 %,")
    trend_ja = client.get("/kpi/trend", params={**base, "bucket": "hour", "format": "csv"},
                          headers={**headers, "Accept-Language": "ja"}).content.decode("utf-8-sig")
    assert trend_ja.startswith("期間,") and "待機 分" in trend_ja.splitlines()[0]
    otd = client.get("/kpi/otd", params={"plant_id": world.plant1, "start": "2026-03-02", "end": "2026-03-16"},
                     headers=headers)
    assert otd.status_code == 200 and [p["label"] for p in otd.json()["points"]] == ["2026-W10", "2026-W11"]
    wip = client.get("/kpi/wip", params={"plant_id": world.plant1}, headers=headers)
    assert wip.status_code == 200 and wip.json()["work_orders_released"] == 1


def test_bad_periods_and_buckets_are_400_or_422(client, world, floor, as_user):
    headers = as_user("planner.one")
    backwards = client.get("/kpi/summary", params={"plant_id": world.plant1, "start": WINDOW["end"],
                                                   "end": WINDOW["start"]}, headers=headers)
    assert_error(backwards, 422, "invalid", end="Before the start.")
    assert client.get("/kpi/trend", params={"plant_id": world.plant1, **WINDOW, "bucket": "year"},
                      headers=headers).status_code == 422


def test_roles_display_tokens_and_other_organizations(client, session, world, floor, as_user):
    params = {"plant_id": world.plant1, **WINDOW}
    assert client.get("/kpi/summary", params=params, headers=as_user("op.one")).status_code == 403
    assert client.get("/kpi/summary", params=params).status_code == 401
    foreign = client.get("/kpi/summary", params=params, headers=as_user("admin.b"))
    assert foreign.status_code == 404
    assert client.get("/kpi/events", params=params, headers=as_user("admin.b")).status_code == 404
    with transaction(session):
        display = api_tokens.create_api_token(session, world.actor(world.admin_a), ApiTokenCreate(
            plant_id=world.plant1, name="Wall screen", kind="display"), now=utcnow())
        other_plant = api_tokens.create_api_token(session, world.actor(world.admin_a), ApiTokenCreate(
            plant_id=world.plant2, name="Other wall", kind="display"), now=utcnow())
    shown = client.get("/kpi/summary", params=params, headers=bearer(display.token))
    assert shown.status_code == 200 and shown.json()["figures"]["good"] == 680
    assert client.get("/kpi/pareto", params=params, headers=bearer(display.token)).status_code == 403
    assert client.get("/kpi/events", params=params, headers=bearer(display.token)).status_code == 403
    assert client.get("/kpi/machines", params=params, headers=bearer(display.token)).status_code == 403
    assert client.get("/kpi/summary", params=params, headers=bearer(other_plant.token)).status_code == 404


def test_the_idle_convention_is_a_plant_setting_over_http(client, world, floor, as_user):
    """The other machine of the line has no job all shift: 435 idle minutes, an availability loss by default,
    not scheduled once the plant says so (planned production 825 - 435 = 390 min, A = 375/390 = 25/26)."""
    params = {"plant_id": world.plant1, **WINDOW}
    assert client.get("/kpi/settings", params={"plant_id": world.plant1}, headers=as_user("planner.one")).json() == {
        "plant_id": world.plant1, "idle_convention": "loss", "overproduction_tolerance_percent": 10,
        "configured": False}
    f = client.get("/kpi/summary", params=params, headers=as_user("planner.one")).json()["figures"]
    assert (f["idle_minutes"], f["idle_is_loss"], f["run_minutes"]) == (435.0, True, 375.0)
    refused = client.put("/kpi/settings", params={"plant_id": world.plant1}, json={"idle_convention": "not_scheduled"},
                         headers=as_user("planner.one"))
    assert refused.status_code == 403
    bad = client.put("/kpi/settings", params={"plant_id": world.plant1},
                     json={"idle_convention": "loss", "overproduction_tolerance_percent": -1}, headers=as_user("admin.a"))
    assert_error(bad, 422, "invalid", overproduction_tolerance_percent="A whole number of percent from 0 to 1000.")
    done = client.put("/kpi/settings", params={"plant_id": world.plant1},
                      json={"idle_convention": "not_scheduled", "overproduction_tolerance_percent": 5},
                      headers=as_user("admin.a"))
    assert done.status_code == 200 and done.json()["configured"] is True
    f = client.get("/kpi/summary", params=params, headers=as_user("planner.one")).json()["figures"]
    assert (f["planned_production_minutes"], f["run_minutes"], f["availability"], f["idle_is_loss"]) == (
        390.0, 375.0, "25/26", False)
    assert client.get("/kpi/settings", params={"plant_id": world.plant1},
                      headers=as_user("admin.b")).status_code == 404


def test_kpi_refusals_answer_in_the_requests_language(client, world, floor, as_user):
    ja = {**as_user("planner.one"), "Accept-Language": "ja"}
    backwards = client.get("/kpi/summary", params={"plant_id": world.plant1, "start": WINDOW["end"],
                                                   "end": WINDOW["start"]}, headers=ja)
    error = assert_error(backwards, 422, "invalid")
    assert (error["message"], error["fields"]) == ("期間の終了は開始より後にしてください。", {"end": "開始より前です。"})
    korean = {**as_user("admin.a"), "Accept-Language": "ko"}
    bad = client.put("/kpi/settings", params={"plant_id": world.plant1}, headers=korean,
                     json={"idle_convention": "loss", "overproduction_tolerance_percent": -1})
    assert assert_error(bad, 422, "invalid")["fields"] == {
        "overproduction_tolerance_percent": "0~1000 사이의 정수(%)로 입력하세요."}
