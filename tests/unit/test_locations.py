"""Storage locations: create, list (with or without the ones out of use), take out of use; an inactive
location takes no receipt and no move while its lots stay there; other organizations and plants see nothing."""
from __future__ import annotations

import pytest

from models.audit import AuditEntry
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.trace import lots
from services.trace.lots import LocationCreate, ReceiptCreate
from tests.conftest import T0
from tests.factories.db import committed, count
from tests.factories.trace import make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


def place(session, tw, code, plant=None):
    return committed(session, lots.create_location, tw.admin,
                     LocationCreate(plant_id=plant or tw.world.plant1, code=code, name=f"Rack {code}"), now=T0)


def receipt(tw, location_id, **kw):
    return ReceiptCreate(plant_id=tw.world.plant1, product_id=tw.steel, quantity=10, supplier="Acme",
                         location_id=location_id, **kw)


def test_a_location_out_of_use_takes_nothing_new_and_keeps_its_lots(session, engine, tw):
    a, b = place(session, tw, "a-1"), place(session, tw, "B-2")
    lot = committed(session, lots.receive, tw.operator, receipt(tw, a.id), now=T0)
    gone = committed(session, lots.deactivate_location, tw.admin, a.id, now=T0)
    assert (gone.code, gone.is_active) == ("A-1", False)
    assert [p.code for p in lots.list_locations(session, tw.viewer)] == ["B-2"]
    assert [(p.code, p.is_active) for p in lots.list_locations(session, tw.viewer, include_inactive=True)] == [
        ("A-1", False), ("B-2", True)]
    assert lots.get_lot(session, tw.viewer, lot.id).location_code == "A-1"
    with pytest.raises(Invalid) as refused:
        committed(session, lots.receive, tw.operator, receipt(tw, a.id), now=T0)
    assert refused.value.fields == {"location_id": "This location is no longer in use."}
    moved = committed(session, lots.move, tw.operator, lot.id, b.id, now=T0)
    assert moved.location_code == "B-2"
    with pytest.raises(Invalid):
        committed(session, lots.move, tw.operator, lot.id, a.id, now=T0)
    with pytest.raises(Conflict):
        committed(session, lots.deactivate_location, tw.admin, a.id, now=T0)
    assert count(engine, AuditEntry, AuditEntry.entity == "location", AuditEntry.action == "deactivate") == 1


def test_receipt_with_location_and_serial_numbers(session, tw):
    rack = place(session, tw, "R-1")
    frame = committed(session, lots.receive, tw.operator, ReceiptCreate(
        plant_id=tw.world.plant1, product_id=tw.frame, quantity=2, supplier="Framer", location_id=rack.id,
        serial_numbers=["F-10", "F-11"]), now=T0)
    assert frame.location_code == "R-1"
    assert [s.number for s in lots.lot_serials(session, tw.viewer, frame.id)] == ["F-10", "F-11"]


def test_only_supervisors_take_locations_out_of_use_and_strangers_see_none(session, tw):
    a = place(session, tw, "A-1")
    with pytest.raises(Forbidden):
        committed(session, lots.deactivate_location, tw.operator, a.id, now=T0)
    for stranger in (tw.outsider, tw.other_plant):
        with pytest.raises(NotFound):
            committed(session, lots.deactivate_location, stranger, a.id, now=T0)
        assert lots.list_locations(session, stranger, include_inactive=True) == []
    assert lots.list_locations(session, tw.viewer)[0].is_active
