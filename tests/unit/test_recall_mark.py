"""A recall hold can also mark the affected lots that were already shipped as recalled (with their
shipped serials), in the same audited action; without the option nothing shipped changes; people who
may not hold stock cannot do it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.lots import LotStatus, Serial
from services.core.db import transaction
from services.core.errors import Forbidden, NotFound
from services.trace import lots, recall
from services.trace.recall import RecallQuery
from tests.conftest import T0
from tests.factories.shipments import make_recall_case
from tests.factories.trace import make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


@pytest.fixture
def recall_case(session, tw):
    return make_recall_case(session, tw)


def hold(session, actor, **kw):
    with transaction(session):
        return recall.hold_affected(session, actor, RecallQuery(supplier_lot_ref="H-1"), reason="Cracks",
                                    now=T0 + timedelta(days=1), **kw)


def test_mark_recalled_marks_the_shipped_lots_and_serials_it_reached(session, tw, recall_case):
    frames, clean = recall_case["frames"], recall_case["clean"]
    held = hold(session, tw.quality, mark_recalled=True)
    assert held.recalled_lot_ids == [frames.id] and held.recalled_lot_numbers == [frames.number]
    assert lots.get_lot(session, tw.viewer, frames.id).status == LotStatus.RECALLED
    assert {s.status for s in session.exec(select(Serial).where(Serial.lot_id == frames.id))} == {LotStatus.RECALLED}
    assert lots.get_lot(session, tw.viewer, clean.id).status == LotStatus.SHIPPED         # H-2: not affected
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.entity == "recall")).all()
    assert entry.changes["recalled_lot_numbers"] == [frames.number]
    again = hold(session, tw.quality, mark_recalled=True)
    assert again.recalled_lot_ids == [] and again.held_lot_ids == []


def test_without_the_option_shipped_lots_stay_shipped(session, tw, recall_case):
    held = hold(session, tw.quality)
    assert held.recalled_lot_ids == []
    assert lots.get_lot(session, tw.viewer, recall_case["frames"].id).status == LotStatus.SHIPPED


def test_only_people_who_may_hold_stock_mark_lots_recalled(session, tw, recall_case):
    with pytest.raises(Forbidden):
        hold(session, tw.viewer, mark_recalled=True)
    with pytest.raises(NotFound):
        hold(session, tw.outsider, mark_recalled=True)
    assert lots.get_lot(session, tw.viewer, recall_case["frames"].id).status == LotStatus.SHIPPED
