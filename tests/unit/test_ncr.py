"""NCRs on the workflow engine: raise, contain, root cause before close, CAPA actions, approvals to
cancel, notifications, custom fields, list filters and export rows, tenancy."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from models.base import utcnow
from models.config import Notification
from services.config import type_lists
from services.config.custom_fields import CustomFieldCreate, create_definition
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.quality import capa, ncr_links
from services.quality import ncr as ncrs
from services.quality.capa import CapaCreate
from services.quality.ncr import NcrCreate, NcrUpdate
from tests.conftest import T0
from tests.factories.org import make_user


@pytest.fixture
def people(session, world):
    quality = make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username="q.anna")
    owner = make_user(session, world.org_a, roles=["operator"], plant_ids=[world.plant1], username="op.owner")
    manager = make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1], username="mgr.max")
    return world.actor(quality), owner, world.actor(manager)


def _raise(session, actor, plant_id, **kw):
    with transaction(session):
        return ncrs.create_ncr(session, actor, NcrCreate(plant_id=plant_id, title=kw.pop("title", "Burr on flange"),
                                                         **kw), now=T0)


def _cause(session, actor):
    return next(v.id for v in type_lists.values(session, actor, type_lists.ROOT_CAUSE_CATEGORIES) if v.code == "MACHINE")


def _notes(session, user_id):
    return [n.title for n in session.exec(select(Notification).where(Notification.user_id == user_id)
                                          .order_by(Notification.id)).all()]


def test_raise_numbers_per_organization_and_starts_the_workflow(session, world, people, captured_events):
    q, _, _ = people
    colleague = make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1])
    elsewhere = make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant2])
    first = _raise(session, q, world.plant1, severity="major", lot_reference="L-77", quantity=12)
    second = _raise(session, q, world.plant1)
    other = _raise(session, world.actor(world.admin_b), world.plant_b)
    assert (first.number, second.number, other.number) == ("NCR-000001", "NCR-000002", "NCR-000001")
    assert (first.status, first.status_name, first.severity, first.lot_reference) == ("open", "Open", "major", "L-77")
    names = [e.name for e in captured_events]
    assert "ncr.created" in names and "workflow.started" in names
    assert "NCR-000001 raised: Burr on flange" in _notes(session, colleague)
    assert _notes(session, q.user_id) == [] and _notes(session, elsewhere) == []    # not the raiser, not plant 2


def test_raising_needs_quality_and_valid_fields(session, world, people):
    with pytest.raises(Forbidden):
        _raise(session, world.actor(world.planner1), world.plant1)
    q, _, _ = people
    with pytest.raises(Invalid) as refused:
        _raise(session, q, world.plant1, title=" ", severity="huge", quantity=0)
    assert set(refused.value.fields) == {"title", "severity", "quantity"}
    with pytest.raises(NotFound):
        _raise(session, q, world.plant_b)


def test_close_is_refused_without_root_cause_then_succeeds(session, world, people, captured_events):
    q, _, _ = people
    ncr = _raise(session, q, world.plant1)
    with transaction(session), pytest.raises(Invalid) as refused:
        ncrs.transition_ncr(session, q, ncr.id, "close", now=T0)
    assert refused.value.fields == {"root_cause_category": "Choose a root-cause category before closing.",
                                    "root_cause": "Describe the root cause before closing."}
    assert ncrs.get_ncr(session, q, ncr.id).status == "open"
    with transaction(session):
        ncrs.update_ncr(session, q, ncr.id, NcrUpdate(root_cause_category_id=_cause(session, q),
                                                      root_cause="Worn deburring tool"), now=T0)
    with transaction(session):
        closed = ncrs.transition_ncr(session, q, ncr.id, "close", comment="tool replaced", now=T0 + timedelta(hours=1))
    assert (closed.status, closed.is_closed, closed.root_cause_category) == ("closed", True, "Machine")
    assert closed.closed_at == T0 + timedelta(hours=1)
    with transaction(session), pytest.raises(Conflict, match="closed"):
        ncrs.update_ncr(session, q, ncr.id, NcrUpdate(title="x"), now=utcnow())
    assert any(e.name == "workflow.transitioned" and e.payload["to_state"] == "closed" for e in captured_events)


def test_investigation_needs_containment(session, world, people):
    q, _, _ = people
    ncr = _raise(session, q, world.plant1)
    with transaction(session), pytest.raises(Invalid, match="Describe the containment first"):
        ncrs.transition_ncr(session, q, ncr.id, "investigate", now=utcnow())
    with transaction(session):
        ncrs.update_ncr(session, q, ncr.id, NcrUpdate(containment="Stock quarantined"), now=utcnow())
    with transaction(session):
        assert ncrs.transition_ncr(session, q, ncr.id, "investigate", now=utcnow()).status == "investigating"


def test_open_capa_actions_block_closing_until_done(session, world, people):
    q, owner, _ = people
    ncr = _raise(session, q, world.plant1, root_cause="x")
    with transaction(session):
        ncrs.update_ncr(session, q, ncr.id, NcrUpdate(root_cause_category_id=_cause(session, q), root_cause="Worn tool"), now=utcnow())
    with transaction(session):
        action = capa.add_action(session, q, ncr.id, CapaCreate(description="Replace tool every 5000 parts",
                                                                 owner_user_id=owner, due_date=date(2026, 3, 9)), now=T0)
    assert (action.owner_name, action.is_done, action.kind) == ("op.owner", False, "corrective")
    assert "CAPA action for NCR-000001, due 2026-03-09" in _notes(session, owner)
    with transaction(session), pytest.raises(Invalid, match="Finish every CAPA action before closing"):
        ncrs.transition_ncr(session, q, ncr.id, "close", now=utcnow())
    with transaction(session), pytest.raises(Forbidden):
        capa.complete_action(session, world.actor(world.operator1), action.id, now=utcnow())
    with transaction(session):
        done = capa.complete_action(session, world.actor(owner), action.id, note="Done on line 2", now=T0)
    assert done.is_done and done.done_note == "Done on line 2"
    with transaction(session), pytest.raises(Conflict, match="already done"):
        capa.complete_action(session, q, action.id, now=utcnow())
    with transaction(session):
        assert ncrs.transition_ncr(session, q, ncr.id, "close", now=utcnow()).is_closed


def test_capa_action_fields_are_checked(session, world, people):
    q, _, _ = people
    ncr = _raise(session, q, world.plant1)
    with transaction(session), pytest.raises(Invalid) as refused:
        capa.add_action(session, q, ncr.id, CapaCreate(description="", owner_user_id=world.admin_b, kind="x"), now=utcnow())
    assert set(refused.value.fields) == {"description", "owner_user_id", "due_date", "kind"}


def test_cancel_needs_a_managers_approval(session, world, people):
    q, _, manager = people
    ncr = _raise(session, q, world.plant1)
    with transaction(session):
        pending = ncrs.transition_ncr(session, q, ncr.id, "cancel", comment="duplicate of NCR-000002", now=utcnow())
    assert pending.status == "open"
    detail = ncrs.ncr_detail(session, manager, ncr.id, today=utcnow().date())
    assert detail.workflow.pending_transition == "cancel" and detail.can_approve
    assert "Approval needed: Cancel on NCR-000001" in _notes(session, manager.user_id)
    with transaction(session):
        cancelled = ncrs.approve_ncr(session, manager, ncr.id, comment="agreed", now=utcnow())
    assert (cancelled.status, cancelled.is_closed) == ("cancelled", True)
    assert any("Cancel (Cancelled)" in t for t in _notes(session, q.user_id))


def test_root_cause_category_must_be_an_active_value(session, world, people):
    q, _, _ = people
    ncr = _raise(session, q, world.plant1)
    with transaction(session), pytest.raises(Invalid) as refused:
        ncrs.update_ncr(session, q, ncr.id, NcrUpdate(root_cause_category_id=999999), now=utcnow())
    assert refused.value.fields == {"root_cause_category_id": "Pick a value from the list."}


def test_custom_fields_are_validated_filtered_and_exported(session, world, people):
    q, _, _ = people
    admin = world.actor(world.admin_a)
    with transaction(session):
        create_definition(session, admin, CustomFieldCreate(entity_type="ncr", key="supplier", label="Supplier",
                                                            field_type="text"), now=utcnow())
        create_definition(session, admin, CustomFieldCreate(entity_type="ncr", key="cost", label="Cost",
                                                            field_type="number", unit="EUR", min_value="0"), now=utcnow())
    with pytest.raises(Invalid) as refused:
        _raise(session, q, world.plant1, custom={"cost": "-5"})
    assert "custom.cost" in refused.value.fields
    _raise(session, q, world.plant1, custom={"supplier": "Acme Steel", "cost": "120.50"})
    _raise(session, q, world.plant1, custom={"supplier": "Other"})
    found = ncrs.list_ncrs(session, q, custom={"supplier": "acme"})
    assert [n.custom["supplier"] for n in found] == ["Acme Steel"]
    rows, columns = ncrs.export_rows(session, q, found)
    assert ("custom.cost", "Cost (EUR)") in columns and rows[0]["custom.cost"] == Decimal("120.5")


def test_list_filters(session, world, people):
    q, _, _ = people
    _raise(session, q, world.plant1, title="Crack", severity="critical")
    _raise(session, q, world.plant1, title="Scratch")
    assert [n.title for n in ncrs.list_ncrs(session, q, severity="critical")] == ["Crack"]
    assert [n.title for n in ncrs.list_ncrs(session, q, search="scra")] == ["Scratch"]
    assert len(ncrs.list_ncrs(session, q, closed=False)) == 2


def test_the_list_reads_open_or_closed_ncrs_with_what_the_actor_may_do(session, world, people):
    q, _, manager = people
    _raise(session, q, world.plant1, title="Kept open")
    done = _raise(session, q, world.plant1, title="Closed")
    with transaction(session):
        ncrs.update_ncr(session, q, done.id, NcrUpdate(root_cause_category_id=_cause(session, q), root_cause="Tool"),
                        now=T0)
        ncrs.transition_ncr(session, q, done.id, "close", now=T0)
    assert [n.title for n in ncrs.list_ncrs(session, q, closed=True)] == ["Closed"]
    assert [n.title for n in ncrs.list_ncrs(session, q, closed=False)] == ["Kept open"]
    assert {n.title: n.can_edit for n in ncrs.list_ncrs(session, q)} == {"Kept open": True, "Closed": False}
    assert [n.can_edit for n in ncrs.list_ncrs(session, manager)] == [False, False]       # no QUALITY


def test_the_detail_says_whether_the_actor_may_close_now(session, world, people):
    q, _, manager = people
    ncr = _raise(session, q, world.plant1)
    assert ncrs.ncr_detail(session, q, ncr.id, today=T0.date()).can_close is False       # root cause missing
    with transaction(session):
        ncrs.update_ncr(session, q, ncr.id, NcrUpdate(root_cause_category_id=_cause(session, q), root_cause="Tool"),
                        now=T0)
    assert ncrs.ncr_detail(session, q, ncr.id, today=T0.date()).can_close is True
    assert ncrs.ncr_detail(session, manager, ncr.id, today=T0.date()).can_close is False  # not a quality role


def test_links_to_lots_rejects_and_returns(session, world, people):
    from models.catalog import Product
    from models.rejects import InternalReject
    q, _, _ = people
    ncr = _raise(session, q, world.plant1)
    with transaction(session):
        ncr_links.add_link(session, q, ncr.id, "lot", reference="LOT-2026-0042", now=utcnow())     # not tracked: a free reference
    with transaction(session), pytest.raises(Conflict):
        ncr_links.add_link(session, q, ncr.id, "lot", reference="LOT-2026-0042", now=utcnow())
    with transaction(session), pytest.raises(Invalid):
        ncr_links.add_link(session, q, ncr.id, "order", reference="x", now=utcnow())
    with transaction(session), pytest.raises(Invalid, match="Unknown internal reject"):
        ncr_links.add_link(session, q, ncr.id, "internal_reject", reference="IR-000009", now=utcnow())
    with transaction(session):
        product = Product(organization_id=world.org_a, code="P-1", name="Part", unit="pcs")
        session.add(product)
        session.flush()
        reject = InternalReject(organization_id=world.org_a, plant_id=world.plant1, number="IR-000001",
                                product_id=product.id, quantity=3, defect_code_id=1, reported_at=T0)
        other = InternalReject(organization_id=world.org_a, plant_id=world.plant2, number="IR-000002",
                               product_id=product.id, quantity=1, defect_code_id=1, reported_at=T0)
        session.add_all([reject, other])
    with transaction(session):
        link = ncr_links.add_link(session, q, ncr.id, "internal_reject", reference="IR-000001", now=utcnow())
    assert (link.target_id, link.reference) == (reject.id, "IR-000001")
    with transaction(session), pytest.raises(Invalid):           # a plant the quality engineer cannot see
        ncr_links.add_link(session, q, ncr.id, "internal_reject", target_id=other.id, now=utcnow())
    assert [(x.kind, x.reference) for x in ncrs.ncr_detail(session, q, ncr.id, today=utcnow().date()).links] == [
        ("lot", "LOT-2026-0042"), ("internal_reject", "IR-000001")]


def test_other_organizations_and_plants_cannot_see_or_change(session, world, people):
    q, _, _ = people
    ncr = _raise(session, q, world.plant1)
    outsider = world.actor(world.admin_b)
    plant2 = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant2]))
    for actor in (outsider, plant2):
        with pytest.raises(NotFound):
            ncrs.get_ncr(session, actor, ncr.id)
        with transaction(session), pytest.raises(NotFound):
            ncrs.update_ncr(session, actor, ncr.id, NcrUpdate(title="mine"), now=utcnow())
        with transaction(session), pytest.raises(NotFound):
            ncrs.transition_ncr(session, actor, ncr.id, "cancel", comment="x", now=utcnow())
        assert ncrs.list_ncrs(session, actor) == []
