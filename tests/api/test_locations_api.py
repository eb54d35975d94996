"""Storage locations over real HTTP: create, list with and without those out of use, take out of use;
refusals in the one error shape; other organizations and plants neither see nor change them."""
from __future__ import annotations

import pytest

from tests.api.conftest import assert_error, bearer, login
from tests.factories.trace import make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


@pytest.fixture
def h(client, tw):
    return {name: bearer(login(client, getattr(tw, name).username))
            for name in ("operator", "viewer", "outsider", "other_plant", "admin")}


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def test_locations_are_created_listed_and_taken_out_of_use(client, tw, h):
    plant = tw.world.plant1
    a = ok(client.post("/locations", headers=h["admin"], json={"plant_id": plant, "code": "a-1", "name": "Rack"}), 201)
    ok(client.post("/locations", headers=h["admin"], json={"plant_id": plant, "code": "B-1"}), 201)
    assert (a["code"], a["is_active"]) == ("A-1", True)
    assert_error(client.post(f"/locations/{a['id']}/deactivate", headers=h["operator"]), 403, "forbidden")
    for stranger in ("outsider", "other_plant"):
        assert_error(client.post(f"/locations/{a['id']}/deactivate", headers=h[stranger]), 404, "not_found")
        assert ok(client.get("/locations?include_inactive=true", headers=h[stranger])) == []
    gone = ok(client.post(f"/locations/{a['id']}/deactivate", headers=h["admin"]))
    assert gone["is_active"] is False
    assert_error(client.post(f"/locations/{a['id']}/deactivate", headers=h["admin"]), 409, "conflict")
    assert [p["code"] for p in ok(client.get("/locations", headers=h["viewer"]))] == ["B-1"]
    assert [(p["code"], p["is_active"]) for p in ok(client.get("/locations?include_inactive=true",
                                                               headers=h["viewer"]))] == [("A-1", False), ("B-1", True)]
    refused = client.post("/lots/receipts", headers=h["operator"], json={
        "plant_id": plant, "product_id": tw.steel, "quantity": 5, "supplier": "Acme", "location_id": a["id"]})
    assert_error(refused, 422, "invalid", location_id="")
