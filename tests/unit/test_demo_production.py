"""The demo plant is real data made by the real services: every page has something true to show."""
from collections import defaultdict
from datetime import UTC, timedelta
from itertools import pairwise

from sqlmodel import func, select

from models.calendar import Shift, ShiftBreak, ShiftCalendar
from models.catalog import Product
from models.orders import CustomerOrder, Operation, WorkOrder, WorkStatus
from models.organization import Organization, Plant
from models.resources import Machine
from models.shopfloor import EventKind, ProductionEvent
from services.core.calendar_math import next_working_instant, working_seconds
from services.core.db import transaction
from services.demo import seed as demo
from services.demo.production import HISTORY_DAYS
from services.kpi import reads as kpi
from services.master import boms
from services.master.calendars import calendar_spec
from services.org.organizations import system_actor
from tests.conftest import T0


def test_demo_plant_has_master_data_history_and_open_work(session, monkeypatch):
    monkeypatch.setenv("TAKT_DEMO_HISTORY_DAYS", str(HISTORY_DAYS))      # the whole story (conftest seeds 3 days)
    with transaction(session):
        assert demo.seed_demo(session, now=T0) is True
    acme = session.exec(select(Organization).where(Organization.slug == "acme")).one()
    berlin = session.exec(select(Plant).where(Plant.organization_id == acme.id, Plant.code == "BER")).one()

    machines = session.exec(select(Machine).where(Machine.plant_id == berlin.id)).all()
    assert 8 <= len(machines) <= 12
    assert len({m.department_id for m in machines}) == 3

    berlin_spec = calendar_spec(session, berlin.id)
    assert [s.name for s in berlin_spec.shifts] == ["Early", "Late", "Night"]   # round the clock, every day
    assert all(s.breaks for s in berlin_spec.shifts)
    assert session.exec(select(func.count()).select_from(ShiftBreak)).one() >= 3

    actor = system_actor(session, acme.id)
    depth = {}
    for code in ("FG-GEARBOX", "FG-PUMPKIT"):
        product = session.exec(select(Product).where(Product.organization_id == acme.id, Product.code == code)).one()
        depth[code] = max(line.level for line in boms.explode_bom(session, actor, product.id, 1))
    assert depth == {"FG-GEARBOX": 3, "FG-PUMPKIT": 2}

    statuses = dict(session.exec(select(WorkOrder.status, func.count()).where(WorkOrder.plant_id == berlin.id)
                                 .group_by(WorkOrder.status)).all())
    assert statuses[WorkStatus.DONE] >= 20 and statuses[WorkStatus.RELEASED] >= 5
    assert session.exec(select(func.count()).select_from(CustomerOrder)).one() >= 20
    kinds = dict(session.exec(select(ProductionEvent.kind, func.count()).group_by(ProductionEvent.kind)).all())
    assert kinds[EventKind.JOB_COMPLETED] >= 20 and kinds[EventKind.COUNT] > kinds[EventKind.JOB_COMPLETED]
    assert kinds[EventKind.DOWNTIME_STARTED] >= 5
    scrap = session.exec(select(func.sum(ProductionEvent.quantity_scrap))).one()
    assert scrap > 0

    queued = session.exec(select(Operation).where(Operation.plant_id == berlin.id, Operation.machine_id.is_not(None),
                                                  Operation.status == WorkStatus.RELEASED)).all()
    assert len(queued) >= 5
    by_machine = defaultdict(list)
    for op in queued:
        assert op.planned_start is not None and op.planned_start >= T0
        by_machine[op.machine_id].append((op.planned_start, op.planned_end))
    for intervals in by_machine.values():
        intervals.sort()
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(intervals))
    for op in queued:   # every planned start lies in working time (not in a break, a night or a weekend)
        assert next_working_instant(berlin_spec, op.planned_start) == op.planned_start
        assert working_seconds(berlin_spec, op.planned_start, op.planned_end) > 0

    # the history is believable: OEE 55-85 % for the plant and every day, the night shift and MILL-02 worst,
    # products at standard cost (the quality dashboard's cost of poor quality)
    start = T0 - timedelta(days=HISTORY_DAYS)
    whole = kpi.kpi_summary(session, actor, plant_id=berlin.id, start=start, end=T0, now=T0)
    assert 55 <= whole.figures.oee_percent <= 85, whole.figures
    assert 1 <= 100 * whole.figures.scrap / whole.figures.total <= 4
    day = start
    while day < T0 - timedelta(days=1):
        figures = kpi.kpi_summary(session, actor, plant_id=berlin.id, start=day, end=day + timedelta(days=1),
                                  now=T0).figures
        assert 50 <= figures.oee_percent <= 85, (day, figures)
        day += timedelta(days=1)
    by_machine = {m.machine_code: m.figures.oee_percent for m in whole.machines}
    assert min(by_machine, key=lambda code: by_machine[code]) in ("MILL-02", "PAINT-01")
    assert by_machine["MILL-02"] < by_machine["MILL-01"] - 5
    shifts = {s.name: s.id for s in berlin_spec_shifts(session, berlin.id)}
    oee = {name: kpi.kpi_summary(session, actor, plant_id=berlin.id, start=start, end=T0, shift_id=shift_id,
                                 now=T0).figures.oee_percent for name, shift_id in shifts.items()}
    assert oee["Night"] < min(oee["Early"], oee["Late"]) - 3
    assert session.exec(select(func.count()).select_from(Product).where(
        Product.organization_id == acme.id, Product.standard_cost.is_(None))).one() == 0
    last = session.exec(select(func.max(ProductionEvent.occurred_at)).where(ProductionEvent.plant_id == berlin.id)).one()
    assert T0 - timedelta(minutes=30) <= last.replace(tzinfo=UTC) <= T0      # up to now: no hole for today

    # Porto has no work yet and counts idle shifts as not scheduled: no planned time, not 0 % availability
    porto = session.exec(select(Plant).where(Plant.organization_id == acme.id, Plant.code == "POR")).one()
    porto_figures = kpi.kpi_summary(session, actor, plant_id=porto.id, start=start, end=T0, now=T0).figures
    assert porto_figures.idle_is_loss is False and porto_figures.availability_percent is None, porto_figures


def berlin_spec_shifts(session, plant_id):
    return session.exec(select(Shift).join(ShiftCalendar, ShiftCalendar.id == Shift.calendar_id)
                        .where(ShiftCalendar.plant_id == plant_id)).all()
