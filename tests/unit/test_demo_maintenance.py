"""The demo plant's maintenance tells a story: a team, parts (one below its minimum), plans, months of tickets
with met and breached SLAs, and open work today; the KPIs have something true to show."""
from datetime import timedelta

from sqlmodel import func, select

from models.maintenance import MaintenancePlan, MaintenanceTicket
from models.organization import Organization, Plant
from services.core.db import transaction
from services.demo import seed as demo
from services.maintenance import kpis, parts
from services.org.organizations import system_actor
from tests.conftest import T0


def test_demo_maintenance_history_and_open_work(session):
    with transaction(session):
        assert demo.seed_demo(session, now=T0) is True
    acme = session.exec(select(Organization).where(Organization.slug == "acme")).one()
    berlin = session.exec(select(Plant).where(Plant.organization_id == acme.id, Plant.code == "BER")).one()
    tickets = session.exec(select(MaintenanceTicket).where(MaintenanceTicket.plant_id == berlin.id)).all()
    closed = [t for t in tickets if t.is_closed]
    assert len(closed) >= 30 and {t.kind for t in closed} == {"corrective", "preventive"}
    assert any(t.response_breached for t in closed) and any(not t.response_breached for t in closed)
    assert {t.status for t in tickets if not t.is_closed} >= {"open", "in_progress", "waiting_parts"}
    assert session.exec(select(func.count()).select_from(MaintenancePlan)).one() == 3
    actor = system_actor(session, acme.id)
    assert parts.reorder_list(session, actor, plant_id=berlin.id) != []
    k = kpis.maintenance_kpis(session, actor, plant_id=berlin.id, start=T0 - timedelta(days=60), end=T0, now=T0)
    assert k.breakdowns > 15 and k.mtbf_hours and k.mttr_hours and 0 < k.response_compliance < 1
    assert k.parts_cost > 0 and k.labour_cost > 0 and 0 < k.planned_ratio < 1
