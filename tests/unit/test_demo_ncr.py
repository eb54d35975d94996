"""The demo's NCRs and SOP ticket: one closed NCR with its root cause, one under investigation with a
CAPA action, and an unanswered SOP ticket that the escalation clock sends to Assembly's head."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from models.config import Notification
from models.ncr import CapaAction, Ncr
from models.sop_ticket import SopTicket
from services.config import workflow
from services.core.db import transaction
from services.demo.ncr import seed_demo_ncrs
from tests.conftest import T0
from tests.factories.org import make_department, make_plant, make_user


def test_demo_ncrs_and_an_overdue_sop_ticket(session, world):
    ber = make_plant(session, world.org_a, "BER")
    for code in ("MACH", "ASSY"):
        make_department(session, world.org_a, ber, code)
    quality = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[ber]))
    supervisor = world.actor(make_user(session, world.org_a, roles=["supervisor"], plant_ids=[ber]))
    admin = world.actor(world.admin_a)
    with transaction(session):
        seed_demo_ncrs(session, world.org_a, quality, supervisor, admin, now=T0)
    rows = session.exec(select(Ncr).order_by(Ncr.id)).all()
    assert [(n.number, n.status, n.is_closed) for n in rows] == [("NCR-000001", "closed", True),
                                                                 ("NCR-000002", "investigating", False)]
    assert session.exec(select(CapaAction.owner_user_id)).one() == supervisor.user_id
    assert session.exec(select(SopTicket.status)).one() == "open"
    with transaction(session):
        assert workflow.escalate_due(session, now=T0) == 1          # charged 3 days ago, due after 2
    notes = session.exec(select(Notification.kind).where(Notification.user_id == supervisor.user_id)).all()
    assert "escalation" in notes
    with transaction(session):
        assert workflow.escalate_due(session, now=T0 + timedelta(minutes=1)) == 0
