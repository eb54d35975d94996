"""Genealogy properties over random production histories made through the services: quantities are
conserved, the trace is exactly the transitive closure of "consumed in the same pass as produced",
and forward and backward traces mirror each other."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from models.lots import LotConsumption
from services.core.db import transaction
from services.trace import genealogy, lots
from services.trace import tracing as trace
from services.trace.lots import ReceiptCreate
from tests.conftest import T0
from tests.factories.trace import make_job, make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)        # one world per test; each example adds its own lots


def _closure(start: int, edges: dict[int, set[int]]) -> set[int]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in edges[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 1_000_000), jobs=st.integers(1, 5))
def test_random_histories_trace_exactly_what_each_pass_linked(session, tw, seed, jobs):
    rng = random.Random(seed)
    with transaction(session):
        stock = [lots.receive(session, tw.operator, ReceiptCreate(
            plant_id=tw.world.plant1, product_id=tw.steel, quantity=rng.randint(5, 40), supplier="S",
            supplier_lot_ref=f"R{i}"), now=T0).id for i in range(rng.randint(1, 4))]
    initial = {lot_id: lots.get_lot(session, tw.viewer, lot_id).quantity for lot_id in stock}
    forward_edges: dict[int, set[int]] = defaultdict(set)
    for j in range(jobs):
        _, op = make_job(session, tw)
        for pass_no in (1, 2)[:rng.randint(1, 2)]:
            at = T0 + timedelta(hours=j, minutes=pass_no)
            with transaction(session):
                used = []
                for lot_id in rng.sample(stock, rng.randint(1, len(stock))):
                    left = lots.get_lot(session, tw.viewer, lot_id).quantity
                    if left:
                        genealogy.consume(session, tw.operator, operation_id=op, lot_id=lot_id,
                                          quantity=rng.randint(1, left), pass_no=pass_no, now=at)
                        used.append(lot_id)
                outs = [genealogy.produce(session, tw.operator, operation_id=op, quantity=rng.randint(1, 20),
                                          pass_no=pass_no, now=at).id]
                if rng.random() < 0.4:
                    outs.append(genealogy.produce(session, tw.operator, operation_id=op, quantity=2, pass_no=pass_no,
                                                  product_id=tw.chips, byproduct=True, now=at).id)
            for lot_id in used:
                forward_edges[lot_id].update(outs)
            for out in outs:
                initial[out] = lots.get_lot(session, tw.viewer, out).quantity
            stock += outs

    consumed = defaultdict(int)
    for c in session.exec(select(LotConsumption).where(LotConsumption.lot_id.in_(stock))).all():
        consumed[c.lot_id] += c.quantity
    backward_edges: dict[int, set[int]] = defaultdict(set)
    for a, outs in forward_edges.items():
        for b in outs:
            backward_edges[b].add(a)
    for lot_id in stock:
        assert lots.get_lot(session, tw.viewer, lot_id).quantity == initial[lot_id] - consumed[lot_id]
        fwd = {lot.id for lot in trace.forward(session, tw.viewer, lot_id).lots}
        back = {lot.id for lot in trace.backward(session, tw.viewer, lot_id).lots}
        assert fwd == _closure(lot_id, forward_edges)
        assert back == _closure(lot_id, backward_edges)
        for other in fwd:
            assert lot_id in {lot.id for lot in trace.backward(session, tw.viewer, other).lots}
