"""Inspection plans, recorded measurements, baselines and SPC alerts with notifications, tenancy."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlmodel import select

from models.base import utcnow
from models.config import Notification
from models.inspection import SpcAlert
from models.user import Role
from services.core.access import Permission, roles_granting
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound
from services.quality import inspection_plans, inspections, spc_charts
from services.quality.inspection_plans import CharacteristicData, PlanCreate
from services.quality.inspections import InspectionData
from tests.conftest import T0
from tests.factories.org import make_user
from tests.factories.production import make_line
from tests.factories.quality import baseline, make_plan, measure


@pytest.fixture
def q(session, world):
    """A quality engineer at plant 1, the line's product, and an I-MR characteristic with a baseline
    of 10, 12, 11, 13, 14 (CL 12, UCL 15.99, LCL 8.01; MR-bar 1.5, MR UCL 4.9005)."""
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    quality = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username="q.q"))
    plan_id, cid = make_plan(session, quality, world.plant1, line.product_id)
    for minute, value in enumerate([10, 12, 11, 13, 14]):
        measure(session, quality, cid, minute, [value])
    baseline(session, quality, cid, 0, 4)
    return quality, plan_id, cid, line


def test_baseline_freezes_limits_from_the_chosen_period(session, q):
    quality, _, cid, _ = q
    view = spc_charts.chart(session, quality, cid)
    assert (view.center, round(view.ucl, 6), round(view.lcl, 6)) == (D(12), D("15.988021"), D("8.011979"))
    assert (view.secondary_center, round(view.secondary_ucl, 6)) == (D("1.5"), D("4.899798"))
    assert view.baseline_points == 5 and all(p.in_baseline for p in view.points)
    assert [p.spread for p in view.points] == [None, 2, 1, 2, 1]


def test_a_point_beyond_the_limits_raises_an_alert_and_notifies_quality(session, world, q, captured_events):
    quality, _, cid, _ = q
    other_plant_quality = make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant2])
    result = measure(session, quality, cid, 10, [16])
    assert [(a.chart, a.rule) for a in result.alerts] == [("primary", 1)]
    stored = session.exec(select(SpcAlert).where(SpcAlert.characteristic_id == cid)).all()
    assert [(a.rule, a.value) for a in stored] == [(1, D(16))]
    assert "spc.alert_raised" in [e.name for e in captured_events]
    assert "inspection.recorded" in [e.name for e in captured_events]
    notes = session.exec(select(Notification).where(Notification.kind == "alert")).all()
    recipients = {n.user_id for n in notes}
    assert quality.user_id in recipients and other_plant_quality not in recipients
    assert notes[0].link == f"/quality/spc?characteristic={cid}"


def test_the_moving_range_beyond_its_limit_is_an_alert_on_the_secondary_chart(session, q):
    quality, _, cid, _ = q
    result = measure(session, quality, cid, 10, [9])        # 9 is inside 8.01..15.99; MR 14 -> 9 = 5 > 4.9005
    assert [(a.chart, a.rule) for a in result.alerts] == [("secondary", 1)]


def test_points_within_limits_raise_nothing_and_a_run_raises_rule_2_once(session, q):
    quality, _, cid, _ = q
    assert measure(session, quality, cid, 10, [12.5]).alerts == []
    # sigma = 3.99 / 3 = 1.33; beyond 2 sigma is above 14.66
    assert measure(session, quality, cid, 11, [15]).alerts == []
    assert [a.rule for a in measure(session, quality, cid, 12, [15.2]).alerts] == [2]
    view = spc_charts.chart(session, quality, cid)
    assert view.points[-1].rules == [2] and view.points[-2].rules == []


def test_no_limits_no_rules(session, world, q):
    quality, _, _, line = q
    _, fresh = make_plan(session, quality, world.plant1, line.product_id, name="Fresh")
    assert measure(session, quality, fresh, 0, [100]).alerts == []


def test_client_id_records_once(session, q):
    quality, _, cid, _ = q
    first = measure(session, quality, cid, 10, [16], client_id="tab-1")
    again = measure(session, quality, cid, 10, [16], client_id="tab-1")
    assert again.duplicate and again.inspection.id == first.inspection.id
    assert len(session.exec(select(SpcAlert)).all()) == 1


def test_subgroups_need_their_size_and_numbers(session, world, q):
    quality, _, _, line = q
    _, xbar = make_plan(session, quality, world.plant1, line.product_id, chart_type="xbar_r", subgroup_size=3)
    with pytest.raises(Invalid) as exc:
        measure(session, quality, xbar, 0, [1, 2])
    assert "values" in exc.value.fields
    with pytest.raises(Invalid) as exc, transaction(session):
        inspections.record_inspection(session, quality, xbar, InspectionData(values=["1", "x", "3"]), now=T0)
    assert "values.1" in exc.value.fields
    result = measure(session, quality, xbar, 1, [10.0, 10.2, 10.1])
    assert (result.inspection.statistic, result.inspection.spread) == (D("10.1"), D("0.2"))


def test_p_chart_judges_each_sample_at_its_size(session, world, q):
    quality, _, _, line = q
    _, pid = make_plan(session, quality, world.plant1, line.product_id, chart_type="p", lsl=None, usl=None, nominal=None)
    for minute, defects in enumerate([8, 12, 10, 10]):
        measure(session, quality, pid, minute, inspected=100, defects=defects)
    view = baseline(session, quality, pid, 0, 3)
    assert (view.center, view.ucl, view.lcl) == (D("0.1"), D("0.19"), D("0.01"))
    assert measure(session, quality, pid, 10, inspected=100, defects=18).alerts == []   # 0.18 < 0.19
    measure(session, quality, pid, 11, inspected=100, defects=10)
    measure(session, quality, pid, 12, inspected=100, defects=10)
    assert [a.rule for a in measure(session, quality, pid, 13, inspected=400, defects=60).alerts] == [1]  # 0.15 > 0.145
    with pytest.raises(Invalid):
        measure(session, quality, pid, 12, inspected=10, defects=11)


def test_capability_of_the_shown_points(session, q):
    quality, _, cid, _ = q
    cap = spc_charts.chart(session, quality, cid).capability
    # values 10..14: mean 12, s = sqrt(10 / 4); MR-bar 1.5 -> sigma within 1.5 / d2(2) = 0.75 sqrt(pi) = 1.329340;
    # spec 5..19, nominal 12
    assert cap.mean == 12 and cap.points == 5
    assert round(cap.cp, 6) == D("1.755256")     # 14 / (6 x 1.329340)
    assert round(cap.pp, 6) == D("1.475730")     # 14 / (6 x 1.581139...)
    assert cap.cpm == cap.cp                     # on target: Cpm uses sigma within, so it equals Cp


def test_baseline_needs_two_points_and_quality(session, world, q):
    quality, _, cid, _ = q
    with pytest.raises(Invalid):
        baseline(session, quality, cid, 100, 200)
    operator = world.actor(world.operator1)
    with pytest.raises(Forbidden):
        baseline(session, operator, cid, 0, 4)


def test_operators_record_planners_do_not(session, world, q):
    _, _, cid, _ = q
    assert measure(session, world.actor(world.operator1), cid, 20, [12]).inspection.user_id == world.operator1
    with pytest.raises(Forbidden):
        measure(session, world.actor(world.planner1), cid, 21, [12])


def test_specification_is_checked(session, world, q):
    quality, plan_id, _, _ = q
    with pytest.raises(Invalid) as exc, transaction(session):
        inspection_plans.add_characteristic(session, quality, plan_id, CharacteristicData(
            name="Bore", lsl="10", usl="9", nominal="12", chart_type="xbar_r", subgroup_size=30), now=utcnow())
    assert set(exc.value.fields) >= {"usl", "nominal", "subgroup_size"}


def test_changing_the_chart_type_drops_the_baseline(session, q):
    quality, _, cid, _ = q
    with transaction(session):
        read = inspection_plans.update_characteristic(session, quality, cid, CharacteristicData(
            name="Diameter", lsl="5", usl="19", nominal="12", chart_type="xbar_r", subgroup_size=2), now=utcnow())
    assert not read.has_limits


def test_acknowledge_alert(session, world, q):
    quality, _, cid, _ = q
    alert = measure(session, quality, cid, 10, [16]).alerts[0]
    assert [a.id for a in inspections.list_alerts(session, quality, open_only=True)] == [alert.id]
    with pytest.raises(Forbidden), transaction(session):
        inspections.acknowledge_alert(session, world.actor(world.operator1), alert.id, now=utcnow())
    with transaction(session):
        inspections.acknowledge_alert(session, quality, alert.id, note="Tool changed", now=utcnow())
    assert inspections.list_alerts(session, quality, open_only=True) == []


def test_other_organizations_and_plants_see_nothing(session, world, q):
    quality, plan_id, cid, _ = q
    outsider = world.actor(world.admin_b)
    plant2 = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant2]))
    for actor in (outsider, plant2):
        with pytest.raises(NotFound):
            spc_charts.chart(session, actor, cid)
        with pytest.raises(NotFound):
            measure(session, actor, cid, 30, [12])
        with pytest.raises(NotFound):
            inspection_plans.get_plan(session, actor, plan_id)
        assert inspection_plans.list_plans(session, actor) == []
        assert inspections.list_alerts(session, actor) == []
    with pytest.raises(NotFound), transaction(session):
        inspection_plans.create_plan(session, outsider, PlanCreate(plant_id=world.plant1, product_id=q[3].product_id,
                                                                   name="X"), now=utcnow())


def test_inspecting_is_its_own_permission_for_quality_supervisors_and_operators(session, world, q):
    """Issue 18: quality's phone inspection page needed the run-jobs permission; INSPECT is its own."""
    assert roles_granting(Permission.INSPECT) == [Role.ADMIN, Role.SUPERVISOR, Role.OPERATOR, Role.QUALITY]
    _, _, cid, _ = q
    for minute, role in enumerate(("supervisor", "operator"), start=30):
        inspector = world.actor(make_user(session, world.org_a, roles=[role], plant_ids=[world.plant1]))
        assert measure(session, inspector, cid, minute, [12]).inspection.user_id == inspector.user_id
    for minute, role in enumerate(("planner", "viewer", "maintenance", "finance", "manager"), start=40):
        outsider = world.actor(make_user(session, world.org_a, roles=[role], plant_ids=[world.plant1]))
        with pytest.raises(Forbidden, match="'inspect'"):
            measure(session, outsider, cid, minute, [12])
