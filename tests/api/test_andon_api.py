"""The andon board over real HTTP: a display token reads its own plant's board; a person needs
view_dashboards at the plant; another organization's plant is 404; revoked and machine tokens are
refused, in the one error shape."""
from __future__ import annotations

import pytest

from models.base import utcnow
from services.org import api_tokens
from services.org.api_tokens import ApiTokenCreate
from tests.api.conftest import assert_error, bearer
from tests.factories.db import committed
from tests.factories.shopfloor import make_floor


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1)


def token(session, world, plant_id, *, kind="display", admin=None):
    return committed(session, api_tokens.create_api_token, world.actor(admin or world.admin_a),
                     ApiTokenCreate(plant_id=plant_id, name="Wall", kind=kind), now=utcnow())


def test_a_display_token_reads_its_plants_board(client, session, world, floor):
    wall = bearer(token(session, world, world.plant1).token)
    answer = client.get("/andon", headers=wall)
    assert answer.status_code == 200, answer.text
    board = answer.json()
    assert board["plant_id"] == world.plant1
    assert [t["machine_id"] for t in board["tiles"]] == floor.line.machine_ids
    assert {t["state"] for t in board["tiles"]} == {"idle"}
    assert_error(client.get("/andon", params={"plant_id": world.plant2}, headers=wall), 404, "not_found")


def test_people_need_dashboards_and_their_own_plants(client, session, world, floor, as_user):
    planner = as_user("planner.one")
    assert client.get("/andon", params={"plant_id": world.plant1}, headers=planner).status_code == 200
    assert_error(client.get("/andon", params={"plant_id": world.plant2}, headers=planner), 404, "not_found")
    assert_error(client.get("/andon", params={"plant_id": world.plant1}, headers=as_user("op.one")), 403, "forbidden")
    assert_error(client.get("/andon", params={"plant_id": world.plant1}, headers=as_user("admin.b")), 404, "not_found")


def test_foreign_revoked_and_machine_tokens_are_refused(client, session, world, floor):
    foreign = bearer(token(session, world, world.plant_b, admin=world.admin_b).token)
    assert_error(client.get("/andon", params={"plant_id": world.plant1}, headers=foreign), 404, "not_found")
    revoked = token(session, world, world.plant1)
    committed(session, api_tokens.revoke_api_token, world.actor(world.admin_a), revoked.id, now=utcnow())
    assert_error(client.get("/andon", headers=bearer(revoked.token)), 401, "unauthorized")
    machine = bearer(token(session, world, world.plant1, kind="machine").token)
    assert_error(client.get("/andon", headers=machine), 403, "forbidden")
