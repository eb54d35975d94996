
"""Products: validation, uniqueness per organization, filters, deactivation, permissions, isolation."""
from decimal import Decimal

import pytest

from models.base import utcnow
from models.catalog import Product
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.master import boms, products
from services.master.boms import BomLineCreate
from services.master.products import ProductCreate, ProductUpdate
from tests.factories.db import committed, count, fetch


def _make(session, actor, code, *, type="finished", unit="pcs", now=None, **kw):
    return committed(session, products.create_product, actor, ProductCreate(code=code, name=f"Part {code}", type=type,
                                                                              unit=unit, **kw), now=now)


def test_create_product_stores_clean_values_and_announces(world, session, engine, now, captured_events):
    planner = world.actor(world.planner1)
    p = _make(session, planner, " fg-100 ", standard_cost="12.5", now=now)
    assert (p.code, p.unit, p.type.value, p.standard_cost, p.is_active, p.is_counted) == \
        ("FG-100", "pcs", "finished", Decimal("12.5000"), True, True)
    stored = fetch(engine, Product, Product.id == p.id)[0]
    assert stored.organization_id == world.org_a and stored.created_by == world.planner1
    assert [e.name for e in captured_events if e.name.startswith("product.")] == ["product.created"]
    assert captured_events[-1].payload["product_id"] == p.id


def test_invalid_product_names_every_bad_field(world, session, engine):
    planner = world.actor(world.planner1)
    with pytest.raises(Invalid) as exc:
        products.create_product(session, planner, ProductCreate(code="bad code!", name=" ", unit="big box", type="gizmo",
                                                                standard_cost="-1"), now=utcnow())
    assert set(exc.value.fields) == {"code", "name", "unit", "type", "standard_cost"}
    with pytest.raises(Invalid) as exc:
        products.create_product(session, planner, ProductCreate(code="A1", name="A", standard_cost="1.23456"), now=utcnow())
    assert exc.value.fields == {"standard_cost": "Use at most 4 decimal places."}
    session.rollback()
    assert count(engine, Product) == 0


def test_code_is_unique_per_organization_only(world, session):
    _make(session, world.actor(world.planner1), "X-1")
    with pytest.raises(Conflict) as exc:
        _make(session, world.actor(world.admin_a), "x-1")
    assert exc.value.fields == {"code": "Already used."}
    session.rollback()
    assert _make(session, world.actor(world.admin_b), "X-1").organization_id == world.org_b


def test_list_filters_by_search_type_and_active(world, session, now):
    planner = world.actor(world.planner1)
    steel = _make(session, planner, "RM-STEEL", type="raw", unit="kg")
    _make(session, planner, "SA-FRAME", type="semi")
    bolt = _make(session, planner, "RM-BOLT", type="raw")
    committed(session, products.set_product_active, planner, bolt.id, False, now=now)
    codes = lambda **kw: [p.code for p in products.list_products(session, planner, **kw)]  # noqa: E731
    assert codes() == ["RM-STEEL", "SA-FRAME"]
    assert codes(active=None) == ["RM-BOLT", "RM-STEEL", "SA-FRAME"]
    assert codes(active=False) == ["RM-BOLT"]
    assert codes(type="raw", active=None) == ["RM-BOLT", "RM-STEEL"]
    assert codes(search="frame") == ["SA-FRAME"]
    assert codes(search="Rm-St") == ["RM-STEEL"]
    assert codes(search="part sa") == ["SA-FRAME"]
    assert codes(search="%") == []
    assert products.get_product(session, planner, steel.id).is_counted is False
    with pytest.raises(Invalid):
        products.list_products(session, planner, type="gadget")


def test_update_changes_only_given_fields_and_audits_the_diff(world, session, now, captured_events):
    planner = world.actor(world.planner1)
    p = _make(session, planner, "FG-1", standard_cost="3")
    updated = committed(session, products.update_product, planner, p.id, ProductUpdate(name="Bracket", unit="ea"), now=now)
    assert (updated.code, updated.name, updated.unit, updated.standard_cost) == ("FG-1", "Bracket", "ea", Decimal("3.0000"))
    assert captured_events[-1].name == "product.updated"
    assert captured_events[-1].payload["fields"] == ["name", "unit"]
    cleared = committed(session, products.update_product, planner, p.id, ProductUpdate(clear_standard_cost=True), now=now)
    assert cleared.standard_cost is None


def test_product_with_a_bom_cannot_become_raw(world, session, now):
    planner = world.actor(world.planner1)
    fg = _make(session, planner, "FG-1")
    rm = _make(session, planner, "RM-1", type="raw")
    committed(session, boms.add_component, planner, fg.id, BomLineCreate(component_product_id=rm.id, quantity_per="2"), now=now)
    with pytest.raises(Invalid) as exc:
        products.update_product(session, planner, fg.id, ProductUpdate(type="raw"), now=now)
    assert "type" in exc.value.fields


def test_deactivate_and_reactivate_announce_once(world, session, now, captured_events):
    planner = world.actor(world.planner1)
    p = _make(session, planner, "FG-1")
    assert committed(session, products.set_product_active, planner, p.id, False, now=now).is_active is False
    committed(session, products.set_product_active, planner, p.id, False, now=now)
    assert committed(session, products.set_product_active, planner, p.id, True, now=now).is_active is True
    assert [e.name for e in captured_events if e.name.startswith("product.")] == \
        ["product.created", "product.deactivated", "product.reactivated"]


def test_only_planners_write_products(world, session):
    operator = world.actor(world.operator1)
    with pytest.raises(Forbidden):
        products.create_product(session, operator, ProductCreate(code="A", name="A"), now=utcnow())
    p = _make(session, world.actor(world.planner1), "FG-1")
    assert products.get_product(session, operator, p.id).code == "FG-1"
    with pytest.raises(Forbidden):
        products.set_product_active(session, operator, p.id, False, now=utcnow())


def test_other_organization_sees_nothing(world, session):
    p = _make(session, world.actor(world.planner1), "FG-1")
    admin_b = world.actor(world.admin_b)
    assert products.list_products(session, admin_b) == []
    for call in (lambda: products.get_product(session, admin_b, p.id),
                 lambda: products.update_product(session, admin_b, p.id, ProductUpdate(name="Mine"), now=utcnow()),
                 lambda: products.set_product_active(session, admin_b, p.id, False, now=utcnow())):
        with pytest.raises(NotFound):
            call()


def test_every_change_is_audited_with_who_and_what(world, session, engine, now):
    from models.audit import AuditEntry
    planner = world.actor(world.planner1)
    p = _make(session, planner, "FG-1", now=now, standard_cost="1")
    committed(session, products.update_product, planner, p.id, ProductUpdate(name="Renamed"), now=now)
    committed(session, products.set_product_active, planner, p.id, False, now=now)
    entries = fetch(engine, AuditEntry, AuditEntry.entity == "product", order_by=AuditEntry.id)
    assert [(e.action, e.entity_id, e.user_id, e.organization_id) for e in entries] == [
        ("create", str(p.id), world.planner1, world.org_a), ("update", str(p.id), world.planner1, world.org_a),
        ("deactivate", str(p.id), world.planner1, world.org_a)]
    assert entries[0].changes["code"] == "FG-1" and entries[0].changes["standard_cost"] == "1.0000"
    assert entries[1].changes == {"name": {"before": "Part FG-1", "after": "Renamed"}}
    assert entries[2].changes == {"is_active": {"before": True, "after": False}}
    assert all(e.at == now for e in entries)
