"""SOP tickets: charge, respond, accept or dispute; escalation to the head of the charged department
after the configured time (injected clock); reassignment needs a justification; tenancy."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.base import utcnow
from models.config import Notification
from models.organization import Department
from services.config import workflow, workflow_admin
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.quality import sop_tickets as sop
from services.quality.sop_tickets import SopCreate
from tests.conftest import T0
from tests.factories.org import make_department, make_user


@pytest.fixture
def plant(session, world):
    """Plant 1 with MACH (world.dept1), WELD and PAINT; WELD has a head; a supervisor."""
    weld = make_department(session, world.org_a, world.plant1, "WELD")
    paint = make_department(session, world.org_a, world.plant1, "PAINT")
    head = make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1], username="head.weld")
    with transaction(session):
        dept = session.get(Department, weld)
        dept.head_user_id = head
        session.add(dept)
    sup = world.actor(make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1], username="sup.one"))
    return {"mach": world.dept1, "weld": weld, "paint": paint, "head": head, "sup": sup}


def _charge(session, actor, charging, charged, now=T0, **kw):
    with transaction(session):
        return sop.raise_ticket(session, actor, SopCreate(charging_department_id=charging, charged_department_id=charged,
                                                          title=kw.pop("title", "Torque not logged"),
                                                          sop_reference="SOP-WLD-12", **kw), now=now)


def _notes(session, user_id):
    return [(n.kind, n.title) for n in session.exec(select(Notification).where(Notification.user_id == user_id)
                                                    .order_by(Notification.id)).all()]


def test_charging_notifies_the_head_of_the_charged_department(session, world, plant):
    ticket = _charge(session, plant["sup"], plant["mach"], plant["weld"])
    assert (ticket.number, ticket.status, ticket.charged_department, ticket.charging_department) == (
        "SOP-000001", "open", "Dept", "Dept")
    assert ticket.due_at == T0 + timedelta(days=2)
    assert _notes(session, plant["head"]) == [("assignment", "SOP-000001: Dept charges Dept")]


def test_charge_refusals(session, world, plant):
    with pytest.raises(Invalid) as refused:
        _charge(session, plant["sup"], plant["weld"], plant["weld"], title="")
    assert set(refused.value.fields) == {"charged_department_id", "title"}
    with pytest.raises(Forbidden):
        _charge(session, world.actor(world.operator1), plant["mach"], plant["weld"])


def test_accept_needs_a_response_and_dispute_a_comment(session, world, plant):
    head = world.actor(plant["head"])
    ticket = _charge(session, plant["sup"], plant["mach"], plant["weld"])
    with transaction(session), pytest.raises(Invalid, match="Write the charged department's response first"):
        sop.transition_ticket(session, head, ticket.id, "accept", now=utcnow())
    with transaction(session), pytest.raises(Invalid, match="'Dispute' needs a comment"):
        sop.transition_ticket(session, head, ticket.id, "dispute", now=utcnow())
    with transaction(session):
        sop.respond(session, head, ticket.id, "Operator not trained on the new torque tool", now=T0 + timedelta(hours=2))
    with transaction(session):
        accepted = sop.transition_ticket(session, head, ticket.id, "accept", now=T0 + timedelta(hours=3))
    assert (accepted.status, accepted.responded_at) == ("accepted", T0 + timedelta(hours=2))
    with transaction(session):
        assert sop.transition_ticket(session, head, ticket.id, "resolve", now=utcnow()).is_closed
    with transaction(session), pytest.raises(Conflict):
        sop.respond(session, head, ticket.id, "again", now=utcnow())
    assert sop.get_ticket(session, head, ticket.id).can_work is False                    # closed


def test_the_ticket_read_says_who_may_work_on_it_now(session, world, plant):
    ticket = _charge(session, plant["sup"], plant["mach"], plant["weld"])
    assert ticket.can_work is True                                                     # a supervisor
    assert sop.get_ticket(session, world.actor(plant["head"]), ticket.id).can_work is True   # the charged head
    operator = world.actor(world.operator1)
    assert sop.get_ticket(session, operator, ticket.id).can_work is False
    with transaction(session), pytest.raises(Forbidden):
        sop.respond(session, operator, ticket.id, "not mine to answer", now=T0)


def test_disputed_ticket_is_upheld_only_by_a_manager(session, world, plant):
    head = world.actor(plant["head"])
    ticket = _charge(session, plant["sup"], plant["mach"], plant["weld"])
    with transaction(session):
        assert sop.transition_ticket(session, head, ticket.id, "dispute", comment="Not our station", now=utcnow()).status == "disputed"
    with transaction(session), pytest.raises(Forbidden, match="Only manager or admin may 'Uphold the charge'"):
        sop.transition_ticket(session, plant["sup"], ticket.id, "uphold", comment="it is", now=utcnow())
    manager = world.actor(make_user(session, world.org_a, roles=["manager", "supervisor"], plant_ids=[world.plant1]))
    with transaction(session):
        assert sop.transition_ticket(session, manager, ticket.id, "uphold", comment="Station 4 is WELD", now=utcnow()).status == "accepted"


def test_unanswered_ticket_escalates_to_the_head_after_the_configured_time(session, world, plant):
    admin = world.actor(world.admin_a)
    spec = workflow_admin.get_spec(session, admin, "sop_ticket")
    spec.states[0].due_minutes = 240            # an admin sets four hours
    with transaction(session):
        workflow_admin.save_workflow(session, admin, "sop_ticket", spec, now=utcnow())
    ticket = _charge(session, plant["sup"], plant["mach"], plant["weld"], now=T0)
    with transaction(session):
        assert workflow.escalate_due(session, now=T0 + timedelta(hours=3, minutes=59)) == 0
    assert [k for k, _ in _notes(session, plant["head"])] == ["assignment"]
    with transaction(session):
        assert workflow.escalate_due(session, now=T0 + timedelta(hours=4)) == 1
    assert _notes(session, plant["head"])[-1] == ("escalation", "Overdue: SOP-000001 is 'Waiting for response' past its due time")
    assert sop.get_ticket(session, plant["sup"], ticket.id).escalated_at == T0 + timedelta(hours=4)


def test_disputed_ticket_escalates_too(session, world, plant):
    head = world.actor(plant["head"])
    ticket = _charge(session, plant["sup"], plant["mach"], plant["weld"], now=T0)
    with transaction(session):
        sop.transition_ticket(session, head, ticket.id, "dispute", comment="no", now=T0 + timedelta(hours=1))
    with transaction(session):
        assert workflow.escalate_due(session, now=T0 + timedelta(days=2)) == 0      # the disputed clock started at 1 h
    with transaction(session):
        assert workflow.escalate_due(session, now=T0 + timedelta(days=2, hours=1)) == 1


def test_reassignment_requires_a_justification_and_restarts_the_clock(session, world, plant):
    ticket = _charge(session, plant["sup"], plant["mach"], plant["weld"], now=T0)
    with transaction(session), pytest.raises(Invalid) as refused:
        sop.reassign(session, plant["sup"], ticket.id, plant["paint"], "wrong", now=utcnow())
    assert refused.value.fields == {"justification": "Say why, in at least 10 characters."}
    with transaction(session), pytest.raises(Invalid, match="another department"):
        sop.reassign(session, plant["sup"], ticket.id, plant["mach"], "the charging one is wrong", now=utcnow())
    with transaction(session), pytest.raises(Invalid, match="ticket's plant"):
        sop.reassign(session, plant["sup"], ticket.id, world.dept2, "plant 2 painted it, see log", now=utcnow())
    later = T0 + timedelta(days=1)
    with transaction(session):
        moved = sop.reassign(session, plant["sup"], ticket.id, plant["paint"], "Paint shop skipped the SOP step", now=later)
    assert moved.charged_department_id == plant["paint"] and moved.due_at == later + timedelta(days=2)
    detail = sop.ticket_detail(session, plant["sup"], ticket.id)
    assert [(r.justification, r.by_user_id) for r in detail.reassignments] == [
        ("Paint shop skipped the SOP step", plant["sup"].user_id)]


def test_other_organizations_and_plants_cannot_see_or_change(session, world, plant):
    ticket = _charge(session, plant["sup"], plant["mach"], plant["weld"])
    plant2 = world.actor(make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant2]))
    for actor in (world.actor(world.admin_b), plant2):
        with pytest.raises(NotFound):
            sop.get_ticket(session, actor, ticket.id)
        with transaction(session), pytest.raises(NotFound):
            sop.respond(session, actor, ticket.id, "mine now", now=utcnow())
        assert sop.list_tickets(session, actor) == []
    with pytest.raises(Invalid):
        _charge(session, world.actor(world.admin_b), world.dept_b, plant["weld"])
