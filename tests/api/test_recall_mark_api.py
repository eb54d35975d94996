"""POST /recall/hold with mark_recalled over real HTTP: shipped lots the recall reaches become recalled;
without the flag they stay shipped; another organization's person changes nothing."""
from __future__ import annotations

import pytest
from sqlmodel import Session

from models.lots import Lot, LotStatus
from tests.api.conftest import assert_error, bearer, login
from tests.factories.shipments import make_recall_case
from tests.factories.trace import make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


@pytest.fixture
def recall_case(session, tw):
    return make_recall_case(session, tw)


def status(engine, lot_id):
    with Session(engine) as s:
        return s.get(Lot, lot_id).status


@pytest.fixture
def h(client, tw):
    return {name: bearer(login(client, getattr(tw, name).username)) for name in ("quality", "outsider")}


def test_recall_hold_marks_shipped_lots_recalled_on_request(client, engine, tw, recall_case, h):
    frames = recall_case["frames"]
    body = {"supplier_lot_ref": "H-1", "reason": "Cracks", "notify": False}
    assert_error(client.post("/recall/hold", headers=h["outsider"], json={**body, "mark_recalled": True}), 404,
                 "not_found")
    plain = client.post("/recall/hold", headers=h["quality"], json=body)
    assert plain.status_code == 200, plain.text
    assert plain.json()["recalled_lot_ids"] == [] and status(engine, frames.id) == LotStatus.SHIPPED
    marked = client.post("/recall/hold", headers=h["quality"], json={**body, "mark_recalled": True})
    assert marked.status_code == 200, marked.text
    assert marked.json()["recalled_lot_numbers"] == [frames.number]
    assert status(engine, frames.id) == LotStatus.RECALLED
