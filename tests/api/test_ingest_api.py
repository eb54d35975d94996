"""Machine data ingest over real HTTP and a real websocket: per-event results (200/207), duplicates,
limits refused with 413 / 429 + Retry-After (and over the websocket a refusal, then a 1008 close for
a client that ignores it), and tenancy: another plant's or organization's token cannot ingest here."""
from __future__ import annotations

import json

import pytest
import simple_websocket
import simple_websocket.errors
from sqlmodel import Session, func, select

from models.orders import WorkOrder
from models.resources import Machine
from models.shopfloor import ProductionEvent
from rxapp.api.shopfloor import ingest as ingest_api
from services.shopfloor import ingest
from tests.api.conftest import assert_error, bearer
from tests.factories.shopfloor import make_floor


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)


def make_token(client, admin_headers, plant_id, kind="machine") -> dict:
    response = client.post("/api-tokens", headers=admin_headers, json={"plant_id": plant_id, "name": "gw", "kind": kind})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def gateway(client, as_user, world):
    return make_token(client, as_user("admin.a"), world.plant1)


def code(engine, machine_id) -> str:
    with Session(engine) as s:
        return s.get(Machine, machine_id).code


def stored(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(ProductionEvent)).one()


def counts(machine, n, prefix="e") -> list[dict]:
    return [{"client_id": f"{prefix}-{i}", "machine": machine, "type": "count", "good": 1} for i in range(n)]


def ws_url(client, token: str | None = None) -> str:
    base = str(client.base_url).replace("http://", "ws://").rstrip("/")
    return f"{base}/ingest/stream" + (f"?token={token}" if token else "")


def test_a_clean_batch_is_200_a_mixed_one_207_and_a_resend_only_duplicates(client, engine, floor, gateway):
    m = code(engine, floor.machine_id)
    headers = bearer(gateway["token"])
    first = client.post("/ingest/events", headers=headers, json={"events": counts(m, 3)})
    assert first.status_code == 200, first.text
    assert (first.json()["accepted"], first.json()["rejected"]) == (3, 0)

    mixed = counts(m, 4) + [{"client_id": "bad", "machine": m, "type": "count", "good": "many"}]
    second = client.post("/ingest/events", headers=headers, json={"events": mixed})
    assert second.status_code == 207, second.text
    body = second.json()
    assert [r["status"] for r in body["results"]] == ["duplicate"] * 3 + ["accepted", "error"]
    assert body["results"][4] == {"index": 4, "client_id": "bad", "status": "error", "event_ids": [],
                                  "message": "This event is not valid.",
                                  "errors": [{"field": "good", "message": "A whole number."}]}
    assert stored(engine) == 4


def test_states_and_jobs_over_http(client, engine, floor, gateway):
    m = code(engine, floor.machine_id)
    with Session(engine) as s:
        number = s.get(WorkOrder, floor.work_order_id).number
    response = client.post("/ingest/events", headers=bearer(gateway["token"]), json=[
        {"client_id": "j1", "machine": m, "type": "job_start", "work_order": number, "operation": 10},
        {"client_id": "j2", "machine": m, "type": "state", "state": "down",
         "reason_code_id": floor.line.downtime_reason_id},
        {"client_id": "j3", "machine": m, "type": "state", "state": "running"}])
    assert response.status_code == 200, response.text
    assert [len(r["event_ids"]) for r in response.json()["results"]] == [1, 1, 1]
    tile = client.get("/ingest/limits", headers=bearer(gateway["token"]))
    assert tile.status_code == 200
    assert tile.json()["max_events_per_batch"] == ingest.LIMITS.max_events_per_batch


def test_not_json_is_400_and_not_a_batch_422_and_record_nothing(client, engine, floor, gateway):
    headers = {**bearer(gateway["token"]), "Content-Type": "application/json"}
    assert_error(client.post("/ingest/events", headers=headers, content=b"{not json"), 400, "malformed_json")
    assert_error(client.post("/ingest/events", headers=headers, json={"events": "x"}), 422, "invalid", events="")
    assert stored(engine) == 0


def test_beyond_the_limits_is_413_or_429_with_retry_after(client, engine, floor, gateway):
    m = code(engine, floor.machine_id)
    headers = bearer(gateway["token"])
    too_many = client.post("/ingest/events", headers=headers,
                           json={"events": counts(m, ingest.LIMITS.max_events_per_batch + 1)})
    assert_error(too_many, 413, "too_large")
    padding = "x" * (ingest.LIMITS.max_body_bytes + 1)
    too_big = client.post("/ingest/events", headers=headers, json={"events": [], "padding": padding})
    assert_error(too_big, 413, "too_large")
    token_id = gateway["id"]
    held = 0
    while ingest_api.FLIGHT.try_acquire(token_id):          # this token's batches in work elsewhere
        held += 1
    try:
        assert held == ingest.LIMITS.max_in_flight_per_token
        busy = client.post("/ingest/events", headers=headers, json={"events": counts(m, 1)})
        assert_error(busy, 429, "rate_limited")
        assert int(busy.headers["Retry-After"]) >= 1
    finally:
        for _ in range(held):
            ingest_api.FLIGHT.release(token_id)
    assert stored(engine) == 0
    assert client.post("/ingest/events", headers=headers, json={"events": counts(m, 1)}).status_code == 200


def test_tokens_of_other_plants_or_organizations_and_users_cannot_ingest_here(client, engine, world, floor,
                                                                             as_user):
    m = code(engine, floor.machine_id)
    other_plant = make_token(client, as_user("admin.a"), world.plant2)
    other_org = make_token(client, as_user("admin.b"), world.plant_b)
    for token in (other_plant, other_org):
        response = client.post("/ingest/events", headers=bearer(token["token"]), json={"events": [
            {"client_id": "x1", "machine": m, "type": "count", "good": 1},
            {"client_id": "x2", "machine_id": floor.machine_id, "type": "count", "good": 1}]})
        assert response.status_code == 207
        assert [r["status"] for r in response.json()["results"]] == ["error", "error"]
    display = make_token(client, as_user("admin.a"), world.plant1, kind="display")
    assert_error(client.post("/ingest/events", headers=bearer(display["token"]), json={"events": []}),
                 403, "forbidden")
    assert_error(client.post("/ingest/events", headers=as_user("op.one"), json={"events": []}), 403, "forbidden")
    assert_error(client.post("/ingest/events", json={"events": []}), 401, "unauthorized")
    assert stored(engine) == 0


# ----- the websocket stream -----------------------------------------------------------------------

def test_a_stream_answers_each_batch_with_its_results(client, engine, floor, gateway):
    m = code(engine, floor.machine_id)
    ws = simple_websocket.Client.connect(ws_url(client), headers=bearer(gateway["token"]))
    try:
        for seq in range(3):
            ws.send(json.dumps({"seq": seq, "events": counts(m, 10, prefix=f"s{seq}") + counts(m, 1, prefix="once")}))
            answer = json.loads(ws.receive(timeout=30))
            assert (answer["type"], answer["seq"]) == ("result", seq)
            assert answer["accepted"] == (11 if seq == 0 else 10)
            assert answer["duplicates"] == (0 if seq == 0 else 1)
        ws.send("{broken")
        answer = json.loads(ws.receive(timeout=30))
        assert answer["type"] == "error" and answer["error"]["code"] == "malformed_json"
    finally:
        ws.close()
    assert stored(engine) == 31


def test_a_stream_with_a_token_in_the_query_and_tenancy(client, engine, world, floor, as_user):
    m = code(engine, floor.machine_id)
    other = make_token(client, as_user("admin.b"), world.plant_b)
    ws = simple_websocket.Client.connect(ws_url(client, other["token"]))
    try:
        ws.send(json.dumps({"seq": 1, "events": counts(m, 2)}))
        answer = json.loads(ws.receive(timeout=30))
        assert answer["rejected"] == 2
    finally:
        ws.close()
    assert stored(engine) == 0


def test_a_bad_token_is_refused_at_the_handshake(client, floor):
    with pytest.raises(simple_websocket.errors.ConnectionError) as refused:
        simple_websocket.Client.connect(ws_url(client, "tkt_not-a-token"))
    assert "403" in str(refused.value)


def test_a_refused_stream_batch_says_retry_after_and_a_client_that_ignores_it_is_closed(client, engine, floor,
                                                                                       gateway):
    m = code(engine, floor.machine_id)
    ws = simple_websocket.Client.connect(ws_url(client), headers=bearer(gateway["token"]))
    held = 0
    try:
        while ingest_api.FLIGHT.try_acquire(gateway["id"]):
            held += 1
        ws.send(json.dumps({"seq": 7, "events": counts(m, 1)}))
        answer = json.loads(ws.receive(timeout=30))
        assert (answer["type"], answer["seq"], answer["status"]) == ("refused", 7, 429)
        assert answer["retry_after"] >= 1
        ws.send(json.dumps({"seq": 8, "events": counts(m, 1)}))      # at once: ignores retry_after
        with pytest.raises(simple_websocket.ConnectionClosed) as closed:
            ws.receive(timeout=30)
        assert closed.value.reason == 1008
        assert not ws.connected
    finally:
        for _ in range(held):
            ingest_api.FLIGHT.release(gateway["id"])
    assert stored(engine) == 0


def test_an_oversized_stream_message_is_refused_with_413(client, engine, floor, gateway):
    m = code(engine, floor.machine_id)
    ws = simple_websocket.Client.connect(ws_url(client), headers=bearer(gateway["token"]))
    try:
        ws.send(json.dumps({"seq": 1, "events": counts(m, ingest.LIMITS.max_events_per_batch + 1)}))
        answer = json.loads(ws.receive(timeout=30))
        assert (answer["type"], answer["status"]) == ("refused", 413)
    finally:
        ws.close()
    assert stored(engine) == 0


def test_the_openapi_schema_of_an_event_is_the_model_the_service_parses_with(client):
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/api/v1/ingest/events"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    model = ingest.IngestEvent.model_json_schema()
    for prop in model["properties"].values():       # the spec leaves out null values
        if prop.get("default", 0) is None:
            del prop["default"]
    assert body["properties"]["events"]["items"] == model
    assert set(body["properties"]["events"]["items"]["properties"]) == set(ingest.IngestEvent.model_fields)


def test_a_batchs_results_answer_in_the_requests_language(client, engine, floor, gateway):
    m = code(engine, floor.machine_id)
    headers = {**bearer(gateway["token"]), "Accept-Language": "ko-KR,ko;q=0.9"}
    events = counts(m, 1) + [{"client_id": "bad", "machine": m, "type": "count", "good": "many"},
                             {"client_id": "gone", "machine": "NO-SUCH", "type": "count", "good": 1}]
    body = client.post("/ingest/events", headers=headers, json={"events": events}).json()
    assert body["results"][1]["message"] == "이 이벤트는 올바르지 않습니다."
    assert body["results"][1]["errors"] == [{"field": "good", "message": "정수입니다."}]
    again = client.post("/ingest/events", headers={**headers, "Accept-Language": "ja"}, json={"events": counts(m, 1)})
    assert again.json()["results"][0]["message"] == "記録済みです。"
