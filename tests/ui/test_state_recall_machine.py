"""Recall from a machine and a time range on the /trace page through its state, without a browser: the
machines of the person's plants are offered, the lots made on the machine in that window (and what they
went into) are affected, a bad window is refused, and a person of another plant is offered no machine."""
from __future__ import annotations

from datetime import timedelta

import pytest

from rxapp.state.trace.trace import TraceState, utc_minute
from services.core.db import transaction
from services.trace import genealogy, lots
from services.trace.lots import ReceiptCreate
from tests.conftest import T0
from tests.factories.shipments import make_recall_case
from tests.factories.trace import make_job, make_trace_world
from tests.ui.conftest import run, signed_in, toasts


@pytest.fixture
def recall_case(session, tw):
    return make_recall_case(session, tw)


@pytest.fixture
def tw(session):
    return make_trace_world(session)


@pytest.fixture
def made(session, tw):
    with transaction(session):
        steel = lots.receive(session, tw.operator, ReceiptCreate(plant_id=tw.world.plant1, product_id=tw.steel,
                                                                 quantity=50, supplier="Acme", supplier_lot_ref="M-1"),
                             now=T0)
    _, op = make_job(session, tw)
    with transaction(session):
        genealogy.consume(session, tw.operator, operation_id=op, lot_id=steel.id, quantity=20, now=T0)
        early = genealogy.produce(session, tw.operator, operation_id=op, quantity=8, now=T0 + timedelta(hours=1))
        late = genealogy.produce(session, tw.operator, operation_id=op, quantity=3, now=T0 + timedelta(hours=5))
    return early, late


def window(start_h, end_h):
    return {"start": f"{T0 + timedelta(hours=start_h):%Y-%m-%dT%H:%M}", "end": f"{T0 + timedelta(hours=end_h):%Y-%m-%dT%H:%M}"}


async def test_recall_from_a_machine_and_a_time_range(engine, tw, made):
    early, late = made
    machine = tw.line.machine_ids[0]
    state = await signed_in(engine, TraceState, tw.quality.username)
    await run(state.enter(), state)
    assert str(machine) in {o.value for o in state.machine_options}
    await run(state.recall_machine({"machine_id": str(machine), **window(0, 2)}), state)
    assert {r.number for r in state.recall_lots} == {early.number}
    assert "8:00\u202fAM" in state.recall_title and "10:00\u202fAM" in state.recall_title and "UTC" in state.recall_title
    assert state.recall_on_hand == 1
    await run(state.recall_machine({"machine_id": str(machine), **window(0, 6)}), state)
    assert {r.number for r in state.recall_lots} == {early.number, late.number}
    events = await run(state.recall_machine({"machine_id": str(machine), **window(6, 0)}), state)
    assert toasts(events, "error") and state.recall_title == ""
    events = await run(state.recall_machine({"machine_id": "", **window(0, 2)}), state)
    assert toasts(events, "error") == ["Choose a machine and the start and end of the suspect period."]

    other = await signed_in(engine, TraceState, tw.other_plant.username)
    await run(other.enter(), other)
    assert str(machine) not in {o.value for o in other.machine_options}
    events = await run(other.recall_machine({"machine_id": str(machine), **window(0, 6)}), other)
    assert toasts(events, "error") and other.recall_lots == []


def test_datetime_local_values_are_read_as_utc():
    assert utc_minute("2026-03-02T08:00") == T0
    assert utc_minute("2026-03-02T09:00+01:00") == T0
    assert utc_minute("") is None and utc_minute("yesterday") is None


async def test_the_hold_can_mark_shipped_lots_recalled(engine, tw, recall_case):
    from tests.ui.conftest import toasts as said
    state = await signed_in(engine, TraceState, tw.quality.username)
    await run(state.enter(), state)
    await run(state.recall_supplier({"supplier_lot_ref": "H-1"}), state)
    await run(state.set_hold_reason("Cracks"), state)
    await run(state.set_mark_recalled(True), state)
    events = await run(state.hold_affected(), state)
    assert said(events, "success") == ["2 lot(s) put on hold.", "1 shipped lot(s) marked recalled."]
    assert any(r.number == recall_case["frames"].number and r.status == "recalled" for r in state.recall_lots)
