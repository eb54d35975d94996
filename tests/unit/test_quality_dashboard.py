"""The quality dashboard: defects Pareto, FPY per day from the count rollups, open NCRs by age,
open SPC alerts and the cost of poor quality, by hand; access."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from models.catalog import Product
from models.kpi_rollup import KpiCountSlice
from services.config import type_lists
from services.core.db import transaction
from services.core.errors import Forbidden, NotFound
from services.quality import dashboard as quality_dashboard
from services.quality import ncr as ncrs
from services.quality import rejects
from services.quality.ncr import NcrCreate
from services.quality.rejects import REJECT, CaseCreate
from tests.conftest import T0
from tests.factories.org import make_user
from tests.factories.production import add, make_line, make_work_order


@pytest.fixture
def plant(session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    with transaction(session):
        product = session.get(Product, line.product_id)
        product.standard_cost = D("2.50")
        session.add(product)
        for hour, good, scrap in [(0, 90, 10), (1, 45, 5), (24, 80, 0)]:
            add(session, KpiCountSlice(organization_id=world.org_a, plant_id=world.plant1, machine_id=line.machine_ids[0],
                                       slice_start=T0 + timedelta(hours=hour), operation_key=hour, product_id=product.id,
                                       step=10, good=good, scrap=scrap))
    quality = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1]))
    manager = world.actor(make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1]))
    codes = {v.code: v.id for v in type_lists.values(session, quality, type_lists.DEFECT_CODES)}
    wo_id, _ = make_work_order(session, world.org_a, world.plant1, line)
    with transaction(session):
        for code, qty in [("DIM", 4), ("BURR", 7), ("DIM", 5), ("CRACK", 1)]:
            rejects.create_reject(session, quality, CaseCreate(plant_id=world.plant1, product_id=line.product_id,
                                                               quantity=qty, defect_code_id=codes[code],
                                                               work_order_id=wo_id), now=T0)
        rejects.create_return(session, quality, CaseCreate(plant_id=world.plant1, product_id=line.product_id, quantity=3,
                                                           defect_code_id=codes["BURR"]), now=T0)
        rework = rejects.create_reject(session, quality, CaseCreate(
            plant_id=world.plant1, product_id=line.product_id, quantity=2, defect_code_id=codes["SURF"],
            work_order_id=wo_id), now=T0 - timedelta(days=10))     # reported before the period, reworked in it
        rejects.set_disposition(session, quality, REJECT, rework.id, "rework", now=T0)
        rejects.transition_case(session, quality, REJECT, rework.id, "dispose", now=T0)
        rejects.answer_approval(session, manager, REJECT, rework.id, approve=True, now=T0 + timedelta(hours=2))
        for days_ago in (2, 10, 45, 100):
            ncrs.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Burr",
                                                        detected_at=T0 - timedelta(days=days_ago)), now=T0)
    return quality


def _view(session, actor, world):
    return quality_dashboard.overview(session, actor, plant_id=world.plant1, start=T0, end=T0 + timedelta(days=2),
                                      now=T0)


def test_figures_by_hand(session, world, plant):
    view = _view(session, plant, world)
    # BURR 7 + 3 = 10, DIM 9, CRACK 1 (SURF was reported before the period): 10/20, 19/20, 20/20
    assert [(b.code, b.quantity, b.cumulative_percent) for b in view.pareto] == [
        ("BURR", 10, D("50.0")), ("DIM", 9, D("95.0")), ("CRACK", 1, D("100.0"))]
    # day 1: 135 good of 150; day 2: 80 of 80; the period ends on day 3 at 08:00, with nothing reported
    assert [(d.day, d.units_in, d.right_first_time, d.fpy_percent) for d in view.fpy] == [
        ("2026-03-02", 150, 135, D("90.0")), ("2026-03-03", 80, 80, D("100.0")), ("2026-03-04", 0, 0, None)]
    assert [(a.label, a.count) for a in view.ncr_ages] == [("0-7", 1), ("8-30", 1), ("31-90", 1), ("90+", 1)]
    assert view.open_ncrs == 4
    # scrap 15 x 2.50, rework 2 x 2.50, returns 3 x 2.50
    assert [(c.category, c.quantity, c.cost) for c in view.copq] == [
        ("scrap", 15, D("37.50")), ("rework", 2, D("5.00")), ("returns", 3, D("7.50"))]
    assert view.copq_total == D("50.00") and view.uncosted_products == []


def test_access(session, world, plant):
    with pytest.raises(Forbidden):
        _view(session, world.actor(world.operator1), world)
    with pytest.raises(NotFound):
        _view(session, world.actor(world.admin_b), world)
