"""Demo NCRs and SOP tickets for Acme Berlin: an open NCR on the drifting lot (contained, linked to
the demo's internal reject, one CAPA action for the supervisor), a closed NCR with its root cause,
and an SOP ticket that Machining charged to Assembly three days ago and nobody answered, so the
escalation clock notifies Assembly's head (the supervisor) within a minute of starting the app."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from models.base import pk
from models.organization import Department, Plant
from models.rejects import InternalReject
from services.config import type_lists
from services.core.access import Actor
from services.quality import capa, ncr, ncr_links, sop_tickets
from services.quality.capa import CapaCreate
from services.quality.ncr import NcrCreate, NcrUpdate
from services.quality.sop_tickets import SopCreate


def seed_demo_ncrs(session: Session, organization_id: int, quality: Actor, supervisor: Actor, admin: Actor, *,
                   now: datetime) -> None:
    plant = session.exec(select(Plant).where(Plant.organization_id == organization_id, Plant.code == "BER")).one()
    depts = {d.code: d for d in session.exec(select(Department).where(Department.plant_id == plant.id)).all()}
    causes = {v.code: v.id for v in type_lists.values(session, quality, type_lists.ROOT_CAUSE_CATEGORIES)}

    closed = ncr.create_ncr(session, quality, NcrCreate(
        plant_id=plant.id, title="Burr on flange edge", severity="minor", lot_reference="LOT-DEMO-2", quantity=40,
        department_id=depts["MACH"].id, containment="40 parts sorted, 6 deburred by hand.",
        detected_at=now - timedelta(days=12)), now=now - timedelta(days=12))
    ncr.update_ncr(session, quality, closed.id, NcrUpdate(root_cause_category_id=causes["MACHINE"],
                                                          root_cause="Deburring tool worn past its change interval."),
                   now=now - timedelta(days=10))
    ncr.transition_ncr(session, quality, closed.id, "close", comment="Tool change interval cut to 5,000 parts.",
                       now=now - timedelta(days=9))

    current = ncr.create_ncr(session, quality, NcrCreate(
        plant_id=plant.id, title="Shaft diameter drifting towards the upper limit", severity="major",
        lot_reference="LOT-DEMO-7", department_id=depts["MACH"].id, owner_user_id=quality.user_id,
        description="The X-bar chart of the diameter shows a run of rising subgroups.",
        containment="Lot LOT-DEMO-7 on hold; 100 % measurement until the cause is found.",
        detected_at=now - timedelta(hours=2)), now=now - timedelta(hours=2))
    ncr.transition_ncr(session, quality, current.id, "investigate", now=now - timedelta(hours=1))
    capa.add_action(session, quality, current.id, CapaCreate(
        description="Check spindle bearing temperature and tool offsets on the lathe.", kind="corrective",
        owner_user_id=supervisor.user_id, due_date=(now + timedelta(days=5)).date()), now=now - timedelta(hours=1))
    reject = session.exec(select(InternalReject).where(InternalReject.plant_id == plant.id)).first()
    if reject is not None:
        ncr_links.add_link(session, quality, current.id, "internal_reject", target_id=reject.id, now=now)

    sop_tickets.set_department_head(session, admin, pk(depts["ASSY"]), supervisor.user_id, now=now)
    sop_tickets.raise_ticket(session, quality, SopCreate(
        charging_department_id=depts["MACH"].id, charged_department_id=depts["ASSY"].id,
        title="Torque not recorded on the pump housing", sop_reference="SOP-ASSY-014",
        description="Three housings reached machining without a torque record."), now=now - timedelta(days=3))
