"""Standard cost roll-up against a hand-computed 3-level BOM with routings, gaps named, and the material check."""
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from models.catalog import BomLine, Product, ProductType
from models.lots import Lot, LotOrigin, LotStatus
from models.orders import WorkOrder
from models.resources import WorkCenter
from models.routing import Routing, RoutingStep
from services.core.errors import Forbidden, NotFound
from services.core.languages import use_language
from services.finance import costing

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _add(session, row):
    session.add(row)
    session.flush()
    return row.id


def _product(session, org, code, cost=None, kind=ProductType.RAW):
    return _add(session, Product(organization_id=org, code=code, name=code.title(), type=kind,
                                 standard_cost=Decimal(cost) if cost is not None else None))


def _routing(session, org, product_id, steps):
    rid = _add(session, Routing(organization_id=org, product_id=product_id, version=1))
    for seq, (center, cycle, setup) in enumerate(steps, start=1):
        _add(session, RoutingStep(organization_id=org, routing_id=rid, sequence=seq * 10, name=f"Op {seq * 10}",
                                  work_center_id=center, ideal_cycle_seconds=Decimal(cycle), setup_seconds=setup))


@pytest.fixture
def bike(session, world):
    """Bike <- 2 x wheel (5 % scrap) + frame; wheel <- 32 x spoke (10 % scrap) + rim; frame <- 1.5 kg tube."""
    org = world.org_a
    lathe = _add(session, WorkCenter(organization_id=org, plant_id=world.plant1, department_id=world.dept1, code="LATHE",
                                     name="Lathe", machine_rate_per_hour=Decimal("60"), labour_rate_per_hour=Decimal("30")))
    bench = _add(session, WorkCenter(organization_id=org, plant_id=world.plant1, department_id=world.dept1, code="BENCH",
                                     name="Bench", labour_rate_per_hour=Decimal("36")))
    ids = {code: _product(session, org, code, cost) for code, cost in
           [("spoke", "0.20"), ("rim", "12.00"), ("tube", "8.00")]}
    ids |= {code: _product(session, org, code, kind=ProductType.SEMI) for code in ("wheel", "frame")}
    ids["bike"] = _product(session, org, "bike", "999", ProductType.FINISHED)
    for parent, comp, qty, scrap in [("bike", "wheel", "2", "0.05"), ("bike", "frame", "1", "0"),
                                     ("wheel", "spoke", "32", "0.10"), ("wheel", "rim", "1", "0"),
                                     ("frame", "tube", "1.5", "0")]:
        _add(session, BomLine(organization_id=org, parent_product_id=ids[parent], component_product_id=ids[comp],
                              quantity_per=Decimal(qty), scrap_factor=Decimal(scrap)))
    _routing(session, org, ids["wheel"], [(lathe, "120", 600)])        # 120 s x 90/h = 3.00
    _routing(session, org, ids["frame"], [(lathe, "300", 0), (bench, "200", 0)])   # 7.50 + 2.00
    _routing(session, org, ids["bike"], [(bench, "600", 0)])           # 6.00
    session.commit()
    return ids


def test_rollup_equals_the_hand_computed_three_level_bom(session, world, bike):
    result = costing.cost_rollup(session, world.actor(world.admin_a), bike["bike"])
    wheel = Decimal("32") * Decimal("1.10") * Decimal("0.20") + Decimal("12.00") + Decimal("3.00")   # 22.04
    frame = Decimal("1.5") * Decimal("8.00") + Decimal("9.50")                                      # 21.50
    material = Decimal("2") * Decimal("1.05") * wheel + frame                                          # 67.784
    assert (result.material, result.conversion, result.unit_cost) == (material, Decimal("6.0000"), material + 6)
    assert result.standard_cost == Decimal("999") and result.gaps == []
    spokes = next(x for x in result.lines if x.code == "spoke")
    assert (spokes.level, spokes.quantity, spokes.extended_cost) == (2, Decimal("73.9200"), Decimal("14.7840"))
    wheel_steps = costing.cost_rollup(session, world.actor(world.admin_a), bike["wheel"]).steps
    assert [(s.work_center_code, s.unit_cost, s.setup_cost) for s in wheel_steps] == [("LATHE", Decimal("3.0000"),
                                                                                     Decimal("15.0000"))]


def test_missing_costs_are_named_not_silently_free(session, world, bike):
    session.get(Product, bike["rim"]).standard_cost = None
    session.commit()
    result = costing.cost_rollup(session, world.actor(world.admin_a), bike["bike"])
    assert result.gaps == ["rim has no BOM and no standard cost: counted as 0."]
    with use_language("ja"):
        japanese = costing.cost_rollup(session, world.actor(world.admin_a), bike["bike"])
    with use_language("ko"):
        korean = costing.cost_rollup(session, world.actor(world.admin_a), bike["bike"])
    assert japanese.gaps == ["rim には部品表（BOM）も標準原価もありません: 0 として計算します。"]
    assert korean.gaps == ["rim에는 자재명세서(BOM)도 표준원가도 없습니다: 0으로 계산합니다."]


def test_material_check_lists_shortages_from_available_lots(session, world, bike):
    org, plant = world.org_a, world.plant1
    wo = _add(session, WorkOrder(organization_id=org, plant_id=plant, number="WO-1", product_id=bike["wheel"], quantity=10))
    for qty, status in [(200, LotStatus.AVAILABLE), (500, LotStatus.ON_HOLD), (50, LotStatus.AVAILABLE)]:
        _add(session, Lot(organization_id=org, plant_id=plant, number=f"L{qty}", product_id=bike["spoke"], quantity=qty,
                          quantity_initial=qty, status=status, origin=LotOrigin.RECEIPT))
    _add(session, Lot(organization_id=org, plant_id=world.plant2, number="LP2", product_id=bike["rim"], quantity=99,
                      quantity_initial=99, origin=LotOrigin.RECEIPT))
    session.commit()
    check = costing.material_check(session, world.actor(world.planner1), wo)
    assert not check.ready
    assert [(x.code, x.required, x.on_hand, x.short) for x in check.lines] == [
        ("spoke", Decimal("352.0000"), 250, Decimal("102.0000")), ("rim", Decimal("10.0000"), 0, Decimal("10.0000"))]


def test_money_needs_finance_and_the_organization(session, world, bike):
    with pytest.raises(Forbidden):
        costing.cost_rollup(session, world.actor(world.planner1), bike["bike"])
    with pytest.raises(NotFound):
        costing.cost_rollup(session, world.actor(world.admin_b), bike["bike"])
