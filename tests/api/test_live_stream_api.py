"""WS /api/v1/live/stream over a real websocket (rxapp/api/kpi/live_stream.py): the token is checked at
the handshake, a view of another organization or plant is refused by the services, and an operator's
report through the REST API reaches the subscriber as a small delta of the andon tiles. Receives wait
with a guard against a hang, never a timed assertion."""
from __future__ import annotations

import json

import pytest
import simple_websocket
import simple_websocket.errors

from models.base import utcnow
from services.core.db import transaction
from services.org.languages import set_my_language
from services.org.settings import SettingsUpdate, update_settings
from tests.api.conftest import bearer
from tests.factories.shopfloor import make_floor, new_client_id

GUARD = 30


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)


def ws_url(client, token: str | None = None) -> str:
    base = str(client.base_url).replace("http://", "ws://").rstrip("/")
    return f"{base}/live/stream" + (f"?token={token}" if token else "")


def token_of(headers: dict) -> str:
    return headers["Authorization"].split(" ", 1)[1]


def ask(ws, **message) -> dict:
    ws.send(json.dumps(message))
    return receive(ws)


def receive(ws) -> dict:
    text = ws.receive(timeout=GUARD)
    assert text is not None, "nothing arrived"
    return json.loads(text)


def action(client, headers, machine_id, **body):
    body.setdefault("client_id", new_client_id())
    response = client.post(f"/machines/{machine_id}/actions", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text


def test_no_or_a_bad_token_is_refused_at_the_handshake(client):
    for url in (ws_url(client), ws_url(client, "tkt_not-a-token")):
        with pytest.raises(simple_websocket.errors.ConnectionError) as refused:
            simple_websocket.Client.connect(url)
        assert refused.value.status_code in (403, 1008)


def test_an_operator_report_reaches_the_subscriber_as_a_delta(client, world, floor, as_user):
    viewer, operator = as_user("planner.one"), as_user("op.one")
    ws = simple_websocket.Client.connect(ws_url(client), headers=viewer)
    try:
        snapshot = ask(ws, type="subscribe", id="board", kind="andon", params={"plant_id": world.plant1})
        key = f"m{floor.machine_id}."
        assert snapshot["type"] == "snapshot" and snapshot["id"] == "board"
        assert snapshot["tiles"][key + "state"] == "idle" and snapshot["tiles"][key + "good"] == 0

        action(client, operator, floor.machine_id, type="start_job", operation_id=floor.cut_id)
        started = receive(ws)
        assert started["type"] == "delta" and started["scope"] == snapshot["scope"]
        assert started["tiles"][key + "state"] == "running"
        assert f"m{floor.other_machine_id}.state" not in started["tiles"]       # only what changed

        action(client, operator, floor.machine_id, type="report_counts", good=3)
        reported = receive(ws)
        while reported["tiles"].get(key + "good") is None:                    # a late reading of the start
            reported = receive(ws)
        assert reported["tiles"][key + "good"] == 3 and reported["seq"] > started["seq"]
    finally:
        ws.close()


def test_another_organizations_or_plants_view_is_refused_and_sends_nothing(client, world, floor, as_user):
    ws = simple_websocket.Client.connect(ws_url(client, token_of(as_user("planner.one"))))
    try:
        for plant in (world.plant_b, world.plant2):
            refused = ask(ws, type="subscribe", id="x", kind="andon", params={"plant_id": plant})
            assert (refused["type"], refused["id"], refused["status"]) == ("refused", "x", 404)
            assert refused["error"]["code"] == "not_found"
        bad = ask(ws, type="subscribe", id="y", kind="dashboard", params={})
        assert (bad["type"], bad["status"]) == ("refused", 422)
        action(client, as_user("op.one"), floor.machine_id, type="start_job", operation_id=floor.cut_id)
        mine = ask(ws, type="subscribe", id="z", kind="andon", params={"plant_id": world.plant1})
        assert mine["type"] == "snapshot"                     # the first message after the refusals: nothing leaked
    finally:
        ws.close()


def test_another_organization_gets_nothing_of_plant_one(client, world, floor, as_user):
    ws = simple_websocket.Client.connect(ws_url(client), headers=as_user("admin.b"))
    try:
        refused = ask(ws, type="subscribe", id="a", kind="dashboard", params={"plant_id": world.plant1})
        assert (refused["type"], refused["status"]) == ("refused", 404)
        nonsense = ask(ws, type="hello")
        assert nonsense["type"] == "error"
    finally:
        ws.close()


def test_a_display_token_watches_its_own_plant(client, world, floor, as_user):
    response = client.post("/api-tokens", headers=as_user("admin.a"),
                           json={"plant_id": world.plant1, "name": "Wall", "kind": "display"})
    assert response.status_code == 201, response.text
    ws = simple_websocket.Client.connect(ws_url(client), headers=bearer(response.json()["token"]))
    try:
        board = ask(ws, type="subscribe", id="b", kind="andon", params={})
        assert board["type"] == "snapshot" and f"m{floor.machine_id}.state" in board["tiles"]
        other = ask(ws, type="subscribe", id="c", kind="andon", params={"plant_id": world.plant2})
        assert (other["type"], other["status"]) == ("refused", 404)
    finally:
        ws.close()


def test_a_report_reaches_a_dashboard_as_its_tiles_and_the_trends_last_point(client, world, floor, as_user):
    """A report's counters and quality reach the dashboard at once, worked out from its event; the reading after it
    carries the rest: OEE, availability, performance and the OEE trend's last point (for the chart to append or
    update in place), never a figure, and never the counters again."""
    viewer, operator = as_user("planner.one"), as_user("op.one")
    action(client, operator, floor.machine_id, type="start_job", operation_id=floor.cut_id)
    ws = simple_websocket.Client.connect(ws_url(client), headers=viewer)
    try:
        snapshot = ask(ws, type="subscribe", id="dash", kind="dashboard",
                       params={"plant_id": world.plant1, "machine_id": floor.machine_id, "period": "today"})
        assert snapshot["type"] == "snapshot" and snapshot["tiles"]["good"] == 0
        label = snapshot["tiles"]["trend.label"]
        assert label and snapshot["tiles"]["trend.quality"] is None        # nothing made yet in this hour

        action(client, operator, floor.machine_id, type="report_counts", good=3)
        at_once = receive(ws)
        while at_once["tiles"].get("good") != 3:                            # a late reading of the start
            at_once = receive(ws)
        assert at_once["tiles"] == {"good": 3, "total": 3, "quality": "100.0 %"}
        reading = receive(ws)
        while "trend.quality" not in reading["tiles"]:
            reading = receive(ws)
        tiles = reading["tiles"]
        assert reading["seq"] > at_once["seq"] and not {"good", "scrap", "total", "quality"} & set(tiles)
        assert tiles["trend.quality"] == 100.0 and tiles.get("trend.label", label) >= label
        assert {k.split(".")[0] for k in tiles} <= {"oee", "availability", "performance", "trend"}
        assert set(k for k in tiles if k.startswith("trend.")) <= {
            "trend.label", "trend.oee", "trend.availability", "trend.performance", "trend.quality", "trend.idle"}
    finally:
        ws.close()


def test_tiles_are_written_in_the_subscribers_language_and_the_organizations_number_format(client, session, world,
                                                                                          floor, as_user):
    with transaction(session):
        update_settings(session, world.actor(world.admin_a), SettingsUpdate(number_format="1.234,56"), now=utcnow())
        set_my_language(session, world.actor(world.planner1), "ko", now=utcnow())
    operator = as_user("op.one")
    action(client, operator, floor.machine_id, type="start_job", operation_id=floor.cut_id)
    action(client, operator, floor.machine_id, type="report_counts", good=30, scrap=2,
           reason_code_id=floor.line.scrap_reason_id)
    korean = simple_websocket.Client.connect(ws_url(client), headers=as_user("planner.one"))
    english = simple_websocket.Client.connect(ws_url(client), headers={**as_user("admin.a"), "Accept-Language": "en"})
    try:
        params = {"plant_id": world.plant1, "period": "7d"}
        seen_ko = ask(korean, type="subscribe", id="k", kind="dashboard", params=params)
        seen_en = ask(english, type="subscribe", id="e", kind="dashboard", params=params)
        assert seen_ko["tiles"]["quality"] == seen_en["tiles"]["quality"] == "93,8 %"     # 30 of 32, decimal comma
        assert (seen_ko["tiles"]["good"], seen_ko["tiles"]["scrap"]) == (30, 2)
        assert seen_ko["scope"] != seen_en["scope"]                # a Korean and an English reading of one view

        action(client, operator, floor.machine_id, type="report_counts", good=1)
        for ws in (korean, english):                               # at once, from the event: the same format
            at_once = receive(ws)
            while at_once["tiles"].get("good") != 31:
                at_once = receive(ws)
            assert at_once["tiles"] == {"good": 31, "total": 33, "quality": "93,9 %"}
    finally:
        korean.close()
        english.close()
