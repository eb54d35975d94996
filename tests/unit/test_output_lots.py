"""Output lots from the shop floor: good parts of a work order's last step become one lot per production
pass (topped up by later counts), linked to the material consumed into that pass; an operator and a
machine gateway (ingest) leave the same lots behind; earlier steps and scrap make none."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.lots import GenealogyLink, Lot, LotStatus, Serial
from models.orders import Operation, WorkOrder
from models.resources import Machine
from services.core.db import transaction
from services.core.errors import Invalid, NotFound
from services.org import api_tokens
from services.shopfloor import ingest, machine_state
from services.shopfloor import operator as shopfloor
from services.trace import genealogy, lots, output_lots
from services.trace import tracing as trace
from services.trace.lots import ReceiptCreate
from tests.conftest import T0
from tests.factories.db import actor_for, committed
from tests.factories.trace import make_job, make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


@pytest.fixture
def job(session, tw):
    """A released bracket work order (Cut 10, Drill 20) queued on the line's first machine."""
    wo_id, cut = make_job(session, tw)
    drill = session.exec(select(Operation.id).where(Operation.work_order_id == wo_id, Operation.sequence == 20)).one()
    return dict(wo=wo_id, cut=cut, drill=drill, machine=tw.line.machine_ids[0])


def cid():
    return str(uuid.uuid4())


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def receive(session, tw, quantity=100, ref="H-1"):
    return committed(session, lots.receive, tw.operator, ReceiptCreate(
        plant_id=tw.world.plant1, product_id=tw.steel, quantity=quantity, supplier="Acme Steel",
        supplier_lot_ref=ref), now=T0)


def consume(session, tw, op, lot_id, quantity, pass_no=None, minutes=2):
    return committed(session, genealogy.consume, tw.operator, operation_id=op, lot_id=lot_id, quantity=quantity,
                     pass_no=pass_no, now=at(minutes))


def start(session, tw, job, op, minutes=1):
    return committed(session, shopfloor.start_job, tw.operator, job["machine"], op, client_id=cid(), now=at(minutes))


def count(session, tw, job, good, scrap=0, minutes=10):
    return committed(session, shopfloor.report_counts, tw.operator, job["machine"], good=good, scrap=scrap,
                     scrap_reason_code_id=tw.line.scrap_reason_id if scrap else None, client_id=cid(), now=at(minutes))


def complete(session, tw, job, minutes=60):
    return committed(session, shopfloor.complete_job, tw.operator, job["machine"], client_id=cid(), now=at(minutes))


def outputs(session, op):
    session.expire_all()
    return session.exec(select(Lot).where(Lot.operation_id == op).order_by(Lot.id)).all()


def shape(session, op):
    """What a job's output lots are, independent of ids and numbers."""
    return [(lot.pass_no, lot.quantity, lot.quantity_initial, lot.status.value, lot.is_byproduct,
             sorted((link.quantity, link.pass_no) for link in session.exec(
                 select(GenealogyLink).where(GenealogyLink.output_lot_id == lot.id)).all()))
            for lot in outputs(session, op)]


def test_good_counts_at_the_last_step_make_one_lot_per_pass_linked_to_its_material(session, tw, job):
    steel = receive(session, tw)
    start(session, tw, job, job["drill"])
    consume(session, tw, job["drill"], steel.id, 30)
    count(session, tw, job, 8, minutes=10)
    [lot] = outputs(session, job["drill"])
    assert (lot.pass_no, lot.quantity, lot.quantity_initial, lot.status) == (1, 8, 8, LotStatus.AVAILABLE)
    assert (lot.work_order_id, lot.machine_id, lot.produced_at) == (job["wo"], job["machine"], at(10))
    count(session, tw, job, 5, scrap=2, minutes=20)            # topped up: still one lot
    [topped] = outputs(session, job["drill"])
    assert (topped.id, topped.quantity, topped.quantity_initial, topped.produced_at) == (lot.id, 13, 13, at(20))
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.entity == "lot", AuditEntry.action == "top_up")).all()
    assert (entry.entity_id, entry.changes["added"], entry.changes["quantity"]) == (str(lot.id), 5, 13)
    count(session, tw, job, 0, scrap=3, minutes=25)            # scrap only: no change
    complete(session, tw, job, minutes=30)
    assert shape(session, job["drill"]) == [(1, 13, 13, "available", False, [(30, 1)])]
    backward = trace.backward(session, tw.viewer, lot_id=lot.id)
    assert {t.id for t in backward.lots} == {lot.id, steel.id}
    session.expire_all()
    assert session.get(WorkOrder, job["wo"]).quantity_good == 13


def test_a_new_pass_gets_its_own_lot_linked_only_to_that_pass(session, tw, job):
    steel = receive(session, tw)
    start(session, tw, job, job["drill"])
    consume(session, tw, job["drill"], steel.id, 30, pass_no=1)
    count(session, tw, job, 10, minutes=10)
    consume(session, tw, job["drill"], steel.id, 20, pass_no=2, minutes=15)
    count(session, tw, job, 4, minutes=20)
    count(session, tw, job, 6, minutes=25)
    assert shape(session, job["drill"]) == [(1, 10, 10, "available", False, [(30, 1)]),
                                            (2, 10, 10, "available", False, [(20, 2)])]


def test_earlier_steps_make_no_lot_and_hand_made_lots_count_as_lotted(session, tw, job):
    start(session, tw, job, job["cut"])
    count(session, tw, job, 12, minutes=5)
    complete(session, tw, job, minutes=6)
    assert outputs(session, job["cut"]) == []
    start(session, tw, job, job["drill"], minutes=7)
    committed(session, genealogy.produce, tw.operator, operation_id=job["drill"], quantity=5, now=at(8))
    count(session, tw, job, 5, minutes=9)                      # those five are in the hand-made lot already
    assert [(lot.quantity, lot.quantity_initial) for lot in outputs(session, job["drill"])] == [(5, 5)]
    count(session, tw, job, 3, minutes=10)                     # the hand-made lot of this pass is topped up
    assert [(lot.quantity, lot.quantity_initial) for lot in outputs(session, job["drill"])] == [(8, 8)]


def test_a_held_lot_is_not_topped_up(session, tw, job):
    start(session, tw, job, job["drill"])
    count(session, tw, job, 4, minutes=10)
    [first] = outputs(session, job["drill"])
    committed(session, lots.hold, tw.quality, first.id, reason="Burr", now=at(11))
    count(session, tw, job, 6, minutes=12)
    assert [(lot.quantity, lot.status.value) for lot in outputs(session, job["drill"])] == [(4, "on_hold"),
                                                                                            (6, "available")]


def test_a_serialized_product_gets_a_serial_per_unit_also_when_topped_up(session, tw):
    wo_id, _ = make_job(session, tw, product_id=tw.frame)
    drill = session.exec(select(Operation.id).where(Operation.work_order_id == wo_id, Operation.sequence == 20)).one()
    job = dict(wo=wo_id, drill=drill, machine=tw.line.machine_ids[0])
    start(session, tw, job, drill)
    count(session, tw, job, 2, minutes=10)
    count(session, tw, job, 3, minutes=11)
    [lot] = outputs(session, drill)
    numbers = session.exec(select(Serial.number).where(Serial.lot_id == lot.id)).all()
    assert lot.quantity == 5 and len(set(numbers)) == 5


def test_a_gateway_leaves_the_same_lots_as_an_operator(session, tw, job):
    steel = receive(session, tw)
    start(session, tw, job, job["drill"])
    consume(session, tw, job["drill"], steel.id, 30)
    count(session, tw, job, 8, minutes=10)
    count(session, tw, job, 5, scrap=1, minutes=20)
    complete(session, tw, job, minutes=30)
    by_operator = shape(session, job["drill"])

    wo2, _ = make_job(session, tw)
    drill2 = session.exec(select(Operation.id).where(Operation.work_order_id == wo2, Operation.sequence == 20)).one()
    number = session.get(WorkOrder, wo2).number
    machine = session.get(Machine, job["machine"]).code
    admin = tw.admin
    token = committed(session, api_tokens.create_api_token, admin, api_tokens.ApiTokenCreate(
        plant_id=tw.world.plant1, name="gateway", kind="machine"), now=T0)
    gateway = actor_for(session, token.token, now=T0)
    committed(session, ingest.ingest_batch, gateway, [
        {"client_id": "g-1", "machine": machine, "type": "job_start", "work_order": number, "operation": 20,
         "occurred_at": at(31).isoformat()}], now=at(31))
    consume(session, tw, drill2, steel.id, 30, minutes=32)
    result = committed(session, ingest.ingest_batch, gateway, [
        {"client_id": "g-2", "machine": machine, "type": "count", "good": 8, "occurred_at": at(40).isoformat()},
        {"client_id": "g-3", "machine": machine, "type": "count", "good": 5, "scrap": 1,
         "reason_code_id": tw.line.scrap_reason_id, "occurred_at": at(50).isoformat()},
    ], now=at(50))
    assert result.accepted == 2
    assert len(outputs(session, drill2)) == 1                  # one lot for the batch's two counts
    committed(session, ingest.ingest_batch, gateway, [
        {"client_id": "g-4", "machine": machine, "type": "job_complete", "occurred_at": at(60).isoformat()}],
        now=at(60))
    assert shape(session, drill2) == by_operator == [(1, 13, 13, "available", False, [(30, 1)])]
    assert outputs(session, drill2)[0].produced_at == at(50)


def test_one_sync_tops_up_the_open_lots_of_several_last_steps_each_by_its_own_parts(session, tw, job):
    other_wo, _ = make_job(session, tw)
    other = session.exec(select(Operation.id).where(Operation.work_order_id == other_wo,
                                                    Operation.sequence == 20)).one()

    def counted(goods, minutes):
        with transaction(session):
            machine_state.add_counts(session, tw.operator, {op: (good, 0) for op, good in goods.items()},
                                     now=at(minutes))
            return output_lots.sync(session, tw.operator, {op: at(minutes + i) for i, op in enumerate(goods)})
    made = counted({job["drill"]: 4, other: 6}, 10)
    assert [(c.operation_id, c.added, c.created) for c in made] == [(job["drill"], 4, True), (other, 6, True)]
    topped = counted({job["drill"]: 3, other: 1}, 20)
    assert [(c.operation_id, c.added, c.created, c.lot_id) for c in topped] == [
        (job["drill"], 3, False, made[0].lot_id), (other, 1, False, made[1].lot_id)]
    [mine], [theirs] = outputs(session, job["drill"]), outputs(session, other)
    assert (mine.quantity, mine.quantity_initial, mine.produced_at) == (7, 7, at(20))
    assert (theirs.quantity, theirs.quantity_initial, theirs.produced_at) == (7, 7, at(21))


def test_output_lots_stay_in_their_organization_and_plant(session, tw, job):
    start(session, tw, job, job["drill"])
    count(session, tw, job, 4, minutes=10)
    [lot] = outputs(session, job["drill"])
    assert lots.get_lot(session, tw.viewer, lot.id).quantity == 4
    for stranger in (tw.outsider, tw.other_plant):
        with pytest.raises(NotFound):
            lots.get_lot(session, stranger, lot.id)


def test_a_refused_count_makes_no_lot(session, tw, job):
    start(session, tw, job, job["drill"])
    with pytest.raises(Invalid):
        count(session, tw, job, -1, minutes=10)
    with transaction(session):
        assert outputs(session, job["drill"]) == []
