"""Machine data ingest on PostgreSQL as the app's non-superuser role, where row-level security holds: the REST
batch and the websocket stream record events, and each batch's unit of work runs for the gateway's
organization, so a query in it that forgets its organization filter finds nothing of another organization.
SQLite has no row-level security."""
from __future__ import annotations

import json

import pytest
import simple_websocket
from sqlmodel import Session, select

from models.organization import Plant
from services.shopfloor import ingest
from tests.api.conftest import bearer
from tests.api.test_ingest_api import code, counts, make_token, stored, ws_url
from tests.factories.shopfloor import make_floor


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)


@pytest.fixture
def seen_by_batches(monkeypatch) -> list[set[int]]:
    """The organizations an unfiltered plant query sees inside each ingest batch's unit of work."""
    seen: list[set[int]] = []
    recorded = ingest.ingest_batch

    def probing(session, actor, events, **kwargs):
        seen.append(set(session.exec(select(Plant.organization_id)).all()))     # forgets `organization_id`
        return recorded(session, actor, events, **kwargs)
    monkeypatch.setattr(ingest, "ingest_batch", probing)
    return seen


def test_a_rest_batch_runs_for_the_gateways_organization(client, engine, world, floor, app_db, as_user,
                                                         seen_by_batches):
    gateway = make_token(client, as_user("admin.a"), world.plant1)
    response = client.post("/ingest/events", headers=bearer(gateway["token"]),
                           json={"events": counts(code(engine, floor.machine_id), 3)})
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 3
    assert seen_by_batches == [{world.org_a}]
    assert stored(engine) == 3


def test_a_streamed_batch_runs_for_the_gateways_organization(client, engine, world, floor, app_db, as_user,
                                                             seen_by_batches):
    machine = code(engine, floor.machine_id)
    gateway = make_token(client, as_user("admin.a"), world.plant1)
    other = make_token(client, as_user("admin.b"), world.plant_b)
    ws = simple_websocket.Client.connect(ws_url(client), headers=bearer(gateway["token"]))
    try:
        for seq in range(2):
            ws.send(json.dumps({"seq": seq, "events": counts(machine, 5, prefix=f"s{seq}")}))
            answer = json.loads(ws.receive(timeout=30))
            assert (answer["type"], answer["accepted"]) == ("result", 5), answer
    finally:
        ws.close()
    ws = simple_websocket.Client.connect(ws_url(client, other["token"]))      # organization B's gateway
    try:
        ws.send(json.dumps({"seq": 9, "events": counts(machine, 1, prefix="b")}))
        assert json.loads(ws.receive(timeout=30))["rejected"] == 1              # A's machine is not B's
    finally:
        ws.close()
    assert seen_by_batches == [{world.org_a}, {world.org_a}, {world.org_b}]
    assert stored(engine) == 10
    with Session(engine) as s:                                                  # the superuser sees both
        assert {p.organization_id for p in s.exec(select(Plant)).all()} == {world.org_a, world.org_b}
