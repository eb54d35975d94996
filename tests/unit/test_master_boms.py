
"""BOMs: quantities and scrap factors, cycles refused (self, two and three levels), explosion."""
from decimal import Decimal

import pytest

from models.base import utcnow
from models.catalog import BomLine
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.master import boms, products
from services.master.boms import BomLineCreate, BomLineUpdate
from services.master.products import ProductCreate
from tests.factories.db import committed, count


def _product(session, actor, code, *, type="semi", unit="pcs"):
    return committed(session, products.create_product, actor, ProductCreate(code=code, name=code, type=type, unit=unit), now=utcnow()).id


def _line(session, actor, parent, component, qty, scrap="0"):
    return committed(session, boms.add_component, actor, parent,
                     BomLineCreate(component_product_id=component, quantity_per=qty, scrap_factor=scrap), now=utcnow())


@pytest.fixture
def planner(world):
    return world.actor(world.planner1)


def test_add_component_validates_quantity_and_scrap(world, session, engine, planner):
    fg, rm = _product(session, planner, "FG", type="finished"), _product(session, planner, "RM", type="raw")
    for qty, scrap, bad in [("0", "0", "quantity_per"), ("-2", "0", "quantity_per"), ("abc", "0", "quantity_per"),
                            ("1", "1", "scrap_factor"), ("1", "-0.1", "scrap_factor"), ("1.00001", "0", "quantity_per"),
                            ("123456789012345678901234567.12345", "0", "quantity_per"), ("NaN", "0", "quantity_per")]:
        with pytest.raises(Invalid) as exc:
            boms.add_component(session, planner, fg, BomLineCreate(component_product_id=rm, quantity_per=qty,
                                                                   scrap_factor=scrap), now=utcnow())
        assert list(exc.value.fields) == [bad]
    with pytest.raises(Invalid) as exc:
        boms.add_component(session, planner, fg, BomLineCreate(component_product_id=rm, quantity_per="1",
                                                               position=2**40), now=utcnow())
    assert list(exc.value.fields) == ["position"]
    session.rollback()
    assert count(engine, BomLine) == 0
    line = _line(session, planner, fg, rm, "2.5", "0.05")
    assert (line.quantity_per, line.scrap_factor, line.position, line.component_code) == \
        (Decimal("2.5"), Decimal("0.05"), 10, "RM")


def test_component_rules_raw_parent_inactive_duplicate(world, session, planner):
    fg = _product(session, planner, "FG", type="finished")
    rm = _product(session, planner, "RM", type="raw")
    old = _product(session, planner, "OLD", type="raw")
    committed(session, products.set_product_active, planner, old, False, now=utcnow())
    with pytest.raises(Invalid) as exc:
        boms.add_component(session, planner, rm, BomLineCreate(component_product_id=fg, quantity_per="1"), now=utcnow())
    assert "raw material" in exc.value.message
    with pytest.raises(Invalid) as exc:
        boms.add_component(session, planner, fg, BomLineCreate(component_product_id=old, quantity_per="1"), now=utcnow())
    assert exc.value.fields == {"component_product_id": "This product is inactive."}
    _line(session, planner, fg, rm, "1")
    with pytest.raises(Conflict):
        _line(session, planner, fg, rm, "3")


def test_a_product_cannot_contain_itself(world, session, planner):
    a = _product(session, planner, "A")
    with pytest.raises(Invalid) as exc:
        _line(session, planner, a, a, "1")
    assert "A → A" in exc.value.message


def test_two_level_cycle_is_refused(world, session, planner):
    a, b = _product(session, planner, "A"), _product(session, planner, "B")
    _line(session, planner, a, b, "1")
    with pytest.raises(Invalid) as exc:
        _line(session, planner, b, a, "1")
    assert "B → A → B" in exc.value.message


def test_three_level_cycle_is_refused_naming_the_loop(world, session, engine, planner):
    a, b, c = (_product(session, planner, code) for code in "ABC")
    _line(session, planner, a, b, "1")
    _line(session, planner, b, c, "1")
    with pytest.raises(Invalid) as exc:
        _line(session, planner, c, a, "1")
    assert "C → A → B → C" in exc.value.message
    assert "C → A → B → C" in exc.value.fields["component_product_id"]
    assert count(engine, BomLine) == 2
    # a diamond is not a loop: A -> D and B -> D and C -> D are all fine
    d = _product(session, planner, "D")
    for parent in (a, b, c):
        _line(session, planner, parent, d, "1")


def test_explosion_multiplies_levels_with_scrap_and_rounds_counted_units_up(world, session, planner):
    fg = _product(session, planner, "FG", type="finished")
    sa = _product(session, planner, "SA")
    steel = _product(session, planner, "RM-STEEL", type="raw", unit="kg")
    bolt = _product(session, planner, "RM-BOLT", type="raw")
    _line(session, planner, fg, sa, "2", "0.1")
    _line(session, planner, fg, bolt, "4", "0.05")
    _line(session, planner, sa, steel, "1.2345", "0.03")
    _line(session, planner, sa, bolt, "3")
    lines = boms.explode_bom(session, planner, fg, 7)
    assert [(ln.level, ln.code, ln.required_quantity) for ln in lines] == [
        (1, "SA", Decimal("16")),               # 7 x 2 x 1.1 = 15.4 -> 16 pcs
        (2, "RM-STEEL", Decimal("20.3446")),    # 16 x 1.2345 x 1.03 = 20.34456 -> 20.3446 kg
        (2, "RM-BOLT", Decimal("48")),          # 16 x 3
        (1, "RM-BOLT", Decimal("30")),          # 7 x 4 x 1.05 = 29.4 -> 30
    ]
    assert lines[1].path == ["FG", "SA", "RM-STEEL"] and lines[1].parent_product_id == sa
    totals = {r.code: r.required_quantity for r in boms.total_requirements(lines)}
    assert totals == {"RM-BOLT": Decimal("78"), "RM-STEEL": Decimal("20.3446"), "SA": Decimal("16")}
    with pytest.raises(Invalid) as exc:
        boms.explode_bom(session, planner, fg, "2.5")
    assert "whole number" in exc.value.fields["quantity"]
    with pytest.raises(Invalid):
        boms.explode_bom(session, planner, fg, 0)
    assert boms.explode_bom(session, planner, steel, "1.5") == []


def test_explosion_refuses_a_loop_written_behind_the_services_back(world, session, planner):
    a, b = _product(session, planner, "A"), _product(session, planner, "B")
    _line(session, planner, a, b, "1")
    with transaction(session):
        session.add(BomLine(organization_id=world.org_a, parent_product_id=b, component_product_id=a,
                            quantity_per=Decimal(1)))
    with pytest.raises(Conflict) as exc:
        boms.explode_bom(session, planner, a, 1)
    assert "A → B → A" in exc.value.message


def test_update_and_remove_lines(world, session, planner, captured_events):
    fg, rm = _product(session, planner, "FG"), _product(session, planner, "RM", type="raw", unit="kg")
    line = _line(session, planner, fg, rm, "1")
    updated = committed(session, boms.update_component, planner, line.id, BomLineUpdate(scrap_factor="0.1", position=5), now=utcnow())
    assert (updated.quantity_per, updated.scrap_factor, updated.position) == (Decimal("1"), Decimal("0.1"), 5)
    with pytest.raises(Invalid):
        boms.update_component(session, planner, line.id, BomLineUpdate(quantity_per="0"), now=utcnow())
    session.rollback()
    assert boms.explode_bom(session, planner, fg, 10)[0].required_quantity == Decimal("11.0000")
    committed(session, boms.remove_component, planner, line.id, now=utcnow())
    assert boms.list_components(session, planner, fg) == []
    assert [e.name for e in captured_events if e.name.startswith("bom_line.")] == \
        ["bom_line.created", "bom_line.updated", "bom_line.deleted"]


def test_bom_permissions_and_isolation(world, session, planner):
    fg, rm = _product(session, planner, "FG"), _product(session, planner, "RM", type="raw")
    line = _line(session, planner, fg, rm, "1")
    operator = world.actor(world.operator1)
    assert [c.component_code for c in boms.list_components(session, operator, fg)] == ["RM"]
    with pytest.raises(Forbidden):
        boms.add_component(session, operator, fg, BomLineCreate(component_product_id=rm, quantity_per="1"), now=utcnow())
    admin_b = world.actor(world.admin_b)
    foreign = _product(session, admin_b, "FG-B")
    for call in (lambda: boms.list_components(session, admin_b, fg), lambda: boms.explode_bom(session, admin_b, fg, 1),
                 lambda: boms.remove_component(session, admin_b, line.id, now=utcnow()),
                 lambda: boms.add_component(session, admin_b, fg, BomLineCreate(component_product_id=foreign,
                                                                                quantity_per="1"), now=utcnow())):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(Invalid) as exc:
        boms.add_component(session, admin_b, foreign, BomLineCreate(component_product_id=rm, quantity_per="1"), now=utcnow())
    assert exc.value.fields == {"component_product_id": "Unknown product."}
