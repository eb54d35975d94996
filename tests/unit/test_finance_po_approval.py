"""PO approval on the workflow engine: finance approves up to the limit of the order's currency, a manager (or an
admin) above it, admins change the limit, and the writer never approves their own order by any door."""
from decimal import Decimal

import pytest

from models.purchasing import PoStatus
from services.config import workflow
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.finance import po_approval, purchasing
from services.finance.po_approval import LimitChange
from tests.factories.finance import NOW, make_buying, make_po


@pytest.fixture
def buying(session, world):
    return make_buying(session, world)


def _submit(session, actor, po_id):
    with transaction(session):
        return po_approval.submit_po(session, actor, po_id, now=NOW)


def test_finance_approves_up_to_the_limit_never_the_writer(session, buying, captured_events):
    po = make_po(session, buying)                                  # adjusted 270,000 KRW: under 5,000,000
    with pytest.raises(Conflict):
        po_approval.approve_po(session, buying.fin2, po.id, now=NOW)   # not submitted yet
    state = _submit(session, buying.fin, po.id)
    assert state.pending_route == "Approval by finance (up to 5000000 KRW)" and not state.may_approve
    with pytest.raises(Forbidden):
        po_approval.approve_po(session, buying.fin, po.id, now=NOW)    # the writer
    with pytest.raises(NotFound):                                  # not the finance route's approver: not shown
        po_approval.approve_po(session, buying.manager, po.id, now=NOW)
    assert po_approval.approval_of(session, buying.fin2, po.id).may_approve
    assert [p.id for p in po_approval.pending_for(session, buying.fin2)] == [po.id]
    assert po_approval.pending_for(session, buying.fin) == []
    with transaction(session):
        approved = po_approval.approve_po(session, buying.fin2, po.id, now=NOW)
    assert approved.status == PoStatus.APPROVED
    assert purchasing.read_po(session, buying.fin, po.id).status == PoStatus.APPROVED
    assert "purchase_order.approved" in [e.NAME for e in captured_events]
    assert [s.kind for s in po_approval.history(session, buying.fin, po.id)] == [
        "started", "requested", "approved", "transition"]


def test_above_the_limit_a_manager_approves(session, buying):
    po = make_po(session, buying, unit_price=Decimal("3000000"))   # adjusted 5,400,000 KRW
    state = _submit(session, buying.fin, po.id)
    assert state.pending_route == "Approval by a manager"
    with pytest.raises(Forbidden):
        po_approval.approve_po(session, buying.fin2, po.id, now=NOW)
    assert po_approval.pending_for(session, buying.fin2) == []
    assert [p.number for p in po_approval.pending_for(session, buying.manager)] == [po.number]
    with pytest.raises(NotFound):                                  # a manager reads only what waits for them
        po_approval.approval_of(session, buying.manager, make_po(session, buying, task_ids=[None]).id)
    with transaction(session):
        assert po_approval.approve_po(session, buying.manager, po.id, now=NOW).status == PoStatus.APPROVED


def test_the_writer_cannot_approve_what_someone_else_submitted_by_any_door(session, buying):
    po = make_po(session, buying)
    _submit(session, buying.fin2, po.id)                           # another finance person asks
    with pytest.raises(Forbidden):
        po_approval.approve_po(session, buying.fin, po.id, now=NOW)
    with pytest.raises(Forbidden):                                 # the engine's own door: the state hook refuses
        workflow.approve(session, buying.fin, "purchase_order", po.id, now=NOW)
    session.rollback()
    assert purchasing.read_po(session, buying.fin2, po.id).status == PoStatus.DRAFT


def test_admins_change_the_limit_and_the_route_follows(session, buying):
    with pytest.raises(Forbidden):
        po_approval.set_approval_limit(session, buying.fin, LimitChange(currency="KRW", limit=Decimal(100000)), now=NOW)
    with transaction(session):
        limits = po_approval.set_approval_limit(session, buying.admin, LimitChange(currency="krw", limit=Decimal(100000)),
                                                now=NOW)
    krw = next(x for x in limits if x.currency == "KRW")
    assert (krw.limit, krw.approver_roles) == (Decimal(100000), ["finance", "admin"])
    assert limits[-1].currency is None and limits[-1].approver_roles == ["manager", "admin"]
    po = make_po(session, buying)                                  # 270,000 KRW is now above the limit
    assert _submit(session, buying.fin, po.id).pending_route == "Approval by a manager"
    with transaction(session):
        limits = po_approval.set_approval_limit(session, buying.admin, LimitChange(currency="CHF", limit=Decimal(900)),
                                                now=NOW)
    assert [x.currency for x in limits].index("CHF") < len(limits) - 1      # tried before the manager's route


def test_decline_keeps_a_draft_and_cancel_ends_it(session, buying):
    po = make_po(session, buying)
    _submit(session, buying.fin, po.id)
    with pytest.raises(Invalid):
        po_approval.decline_po(session, buying.fin2, po.id, comment=" ", now=NOW)
    with transaction(session):
        state = po_approval.decline_po(session, buying.fin2, po.id, comment="Wrong rate", now=NOW)
    assert (state.state, state.pending_route, state.may_submit) == ("draft", None, True)
    with transaction(session):
        cancelled = po_approval.cancel_po(session, buying.fin, po.id, comment="Re-ordered", now=NOW)
    assert cancelled.status == PoStatus.CANCELLED
    with pytest.raises(Conflict):
        _submit(session, buying.fin, po.id)
