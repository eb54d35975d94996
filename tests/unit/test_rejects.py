"""Internal rejects and customer returns: raised by hand or from a scrap report, disposition with an
approval on the workflow engine, rework as a new operation without material, tenancy."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.base import utcnow
from models.orders import Operation
from models.shopfloor import EventKind, ProductionEvent
from services.config import type_lists
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.quality import rejects
from services.quality.rejects import REJECT, RETURN, CaseCreate
from tests.conftest import T0
from tests.factories.org import make_user
from tests.factories.production import add, make_line, make_work_order


@pytest.fixture
def ctx(session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    wo_id, op_ids = make_work_order(session, world.org_a, world.plant1, line, quantity=50)
    quality = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username="q.r"))
    manager = world.actor(make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1], username="m.r"))
    dim = next(v.id for v in type_lists.values(session, quality, type_lists.DEFECT_CODES) if v.code == "DIM")
    return line, wo_id, op_ids, quality, manager, dim


def _scrap_event(session, world, line, op_id, scrap=3):
    with transaction(session):
        return add(session, ProductionEvent(organization_id=world.org_a, plant_id=world.plant1,
                                            machine_id=line.machine_ids[0], operation_id=op_id, kind=EventKind.COUNT,
                                            quantity_scrap=scrap, reason_code_id=line.scrap_reason_id,
                                            note="Oversize", client_id=f"c-{op_id}-{scrap}", occurred_at=T0)).id


def test_a_scrap_report_becomes_a_reject_once(session, world, ctx):
    line, wo_id, op_ids, quality, _, dim = ctx
    event_id = _scrap_event(session, world, line, op_ids[1])
    assert [r.event_id for r in rejects.scrap_reports_to_review(session, quality, plant_id=world.plant1)] == [event_id]
    with transaction(session):
        case = rejects.reject_from_scrap(session, quality, event_id, defect_code_id=dim, now=T0)
    assert (case.number, case.quantity, case.source, case.work_order_id, case.status) == \
        ("REJ-000001", 3, "scrap_report", wo_id, "reported")
    assert case.description == "Oversize" and case.defect_code == "DIM"
    assert rejects.scrap_reports_to_review(session, quality, plant_id=world.plant1) == []
    with pytest.raises(Conflict), transaction(session):
        rejects.reject_from_scrap(session, quality, event_id, defect_code_id=dim, now=T0)


def test_rework_disposition_needs_approval_then_adds_a_rework_operation(session, world, ctx):
    line, wo_id, op_ids, quality, manager, dim = ctx
    event_id = _scrap_event(session, world, line, op_ids[0])
    with transaction(session):
        case = rejects.reject_from_scrap(session, quality, event_id, defect_code_id=dim, now=T0)
    with pytest.raises(Invalid) as exc, transaction(session):  # no disposition yet: the workflow refuses
        rejects.transition_case(session, quality, REJECT, case.id, "dispose", now=T0)
    assert "disposition" in exc.value.fields
    with transaction(session):
        rejects.set_disposition(session, quality, REJECT, case.id, "rework", note="Re-grind", now=T0)
        detail = rejects.transition_case(session, quality, REJECT, case.id, "dispose", now=T0)
    assert detail.instance.pending_transition == "dispose" and detail.case.rework_operation_id is None
    with pytest.raises(Forbidden), transaction(session):  # the requester does not approve their own request
        rejects.answer_approval(session, quality, REJECT, case.id, approve=True, now=utcnow())
    with transaction(session):
        detail = rejects.answer_approval(session, manager, REJECT, case.id, approve=True, now=T0)
    assert detail.case.is_closed and detail.case.status == "closed"
    rework = session.get(Operation, detail.case.rework_operation_id)
    assert (rework.work_order_id, rework.sequence, rework.quantity, rework.status.value) == (wo_id, 30, 3, "released")
    assert rework.name == "Rework REJ-000001: Cut" and rework.machine_id is None
    ops = session.exec(select(Operation).where(Operation.work_order_id == wo_id)).all()
    assert len(ops) == 3
    with pytest.raises(Conflict), transaction(session):
        rejects.set_disposition(session, quality, REJECT, case.id, "scrap", now=utcnow())
    assert rejects.get_case(session, quality, REJECT, case.id).can_disposition is False       # closed


def test_the_case_read_says_who_may_set_the_disposition_now(session, world, ctx):
    line, _, op_ids, quality, manager, dim = ctx
    with transaction(session):
        case = rejects.reject_from_scrap(session, quality, _scrap_event(session, world, line, op_ids[0]),
                                         defect_code_id=dim, now=T0)
    assert case.can_disposition is True
    assert rejects.get_case(session, manager, REJECT, case.id).can_disposition is False     # no QUALITY
    with pytest.raises(Forbidden), transaction(session):
        rejects.set_disposition(session, manager, REJECT, case.id, "scrap", now=T0)


def test_scrap_disposition_adds_no_operation(session, world, ctx):
    line, wo_id, _, quality, manager, dim = ctx
    with transaction(session):
        case = rejects.create_reject(session, quality, CaseCreate(plant_id=world.plant1, product_id=line.product_id,
                                                                  quantity=2, defect_code_id=dim, work_order_id=wo_id,
                                                                  lot_reference="L-77"), now=T0)
        rejects.set_disposition(session, quality, REJECT, case.id, "scrap", now=T0)
        rejects.transition_case(session, quality, REJECT, case.id, "dispose", now=T0)
        detail = rejects.answer_approval(session, manager, REJECT, case.id, approve=True, now=T0)
    assert detail.case.is_closed and detail.case.rework_operation_id is None
    assert len(session.exec(select(Operation).where(Operation.work_order_id == wo_id)).all()) == 2


def test_customer_return_rework_needs_a_work_order(session, world, ctx):
    line, wo_id, _, quality, _, dim = ctx
    with transaction(session):
        ret = rejects.create_return(session, quality, CaseCreate(
            plant_id=world.plant1, product_id=line.product_id, quantity=4, defect_code_id=dim,
            customer_id=line.customer_id, customer_reference="RMA-9"), now=T0)
    assert ret.number == "RET-000001" and ret.status == "received" and ret.customer_reference == "RMA-9"
    with pytest.raises(Invalid) as exc, transaction(session):
        rejects.set_disposition(session, quality, RETURN, ret.id, "rework", now=utcnow())
    assert "work_order_id" in exc.value.fields
    with transaction(session):
        ret = rejects.set_disposition(session, quality, RETURN, ret.id, "rework", work_order_id=wo_id, now=utcnow())
    assert ret.work_order_id == wo_id


def test_input_is_checked(session, world, ctx):
    line, _, _, quality, _, _ = ctx
    with pytest.raises(Invalid) as exc, transaction(session):
        rejects.create_reject(session, quality, CaseCreate(plant_id=world.plant1, product_id=line.product_id,
                                                           quantity=0, defect_code_id=999999), now=utcnow())
    assert set(exc.value.fields) == {"quantity", "defect_code_id"}
    with pytest.raises(Forbidden), transaction(session):
        rejects.create_reject(session, world.actor(world.operator1), CaseCreate(
            plant_id=world.plant1, product_id=line.product_id, quantity=1, defect_code_id=ctx[5]), now=utcnow())


def test_other_organizations_and_plants_see_nothing(session, world, ctx):
    line, wo_id, op_ids, quality, _, dim = ctx
    event_id = _scrap_event(session, world, line, op_ids[0])
    with transaction(session):
        case = rejects.reject_from_scrap(session, quality, event_id, defect_code_id=dim, now=T0)
    outsider = world.actor(world.admin_b)
    plant2 = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant2]))
    for actor in (outsider, plant2):
        with pytest.raises(NotFound):
            rejects.get_case(session, actor, REJECT, case.id)
        with pytest.raises(NotFound), transaction(session):
            rejects.set_disposition(session, actor, REJECT, case.id, "scrap", now=utcnow())
        assert rejects.list_cases(session, actor, REJECT) == []
    with pytest.raises(NotFound), transaction(session):
        rejects.reject_from_scrap(session, outsider, event_id, defect_code_id=dim, now=utcnow())
