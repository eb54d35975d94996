"""Custom fields: definitions, validation of every type, storage on products and work orders,
filters, exports, type-list usage, permissions and tenancy."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.config import custom_field_views, custom_fields, type_lists
from services.config.custom_fields import CustomFieldCreate, CustomFieldUpdate
from services.core import exports
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.master import products
from services.master.products import ProductCreate, ProductUpdate
from services.production import work_order_reads
from tests.factories.org import make_user
from tests.factories.production import make_line, make_work_order


def define(session, actor, now, **fields):
    with transaction(session):
        return custom_fields.create_definition(session, actor, CustomFieldCreate(**fields), now=now)


@pytest.fixture
def product_fields(session, world, now):
    """One field of every type on products."""
    admin = world.actor(world.admin_a)
    define(session, admin, now, entity_type="product", key="weight", label="Weight", field_type="number", unit="kg",
           min_value="0.5", max_value="250", required=True)
    define(session, admin, now, entity_type="product", key="drawing", label="Drawing", field_type="text")
    define(session, admin, now, entity_type="product", key="approved_on", label="Approved on", field_type="date")
    define(session, admin, now, entity_type="product", key="hazardous", label="Hazardous", field_type="boolean")
    define(session, admin, now, entity_type="product", key="typical_defect", label="Typical defect",
           field_type="choice", type_list_key="defect_codes")
    define(session, admin, now, entity_type="product", key="owner", label="Owner", field_type="user")
    return admin


def test_every_type_is_cleaned_to_its_canonical_value(session, world, product_fields):
    admin = product_fields
    crack = next(v for v in type_lists.values(session, admin, "defect_codes") if v.code == "CRACK")
    clean = custom_fields.validate(session, admin, "product", {
        "weight": "12,50", "drawing": "  DRW-7 ", "approved_on": "2026-03-02", "hazardous": "yes",
        "typical_defect": str(crack.id), "owner": world.planner1})
    assert clean == {"weight": "12.5", "drawing": "DRW-7", "approved_on": "2026-03-02", "hazardous": True,
                     "typical_defect": crack.id, "owner": world.planner1}


def test_each_type_refuses_what_it_cannot_hold(session, world, product_fields, now):
    admin = product_fields
    dim = type_lists.values(session, admin, "defect_codes")[0]
    with transaction(session):
        type_lists.set_value_active(session, admin, "defect_codes", dim.id, False, now=now)
    other_org_user = make_user(session, world.org_b)
    with pytest.raises(Invalid) as bad:
        custom_fields.validate(session, admin, "product", {
            "weight": "300", "drawing": "x" * 1001, "approved_on": "02.03.2026", "hazardous": "perhaps",
            "typical_defect": dim.id, "owner": other_org_user, "colour": "red"})
    assert bad.value.fields == {
        "custom.weight": "Must be at most 250 kg.",
        "custom.drawing": "Use at most 1000 characters.",
        "custom.approved_on": "Enter a date as YYYY-MM-DD.",
        "custom.hazardous": "Answer yes or no.",
        "custom.typical_defect": "Dimension out of tolerance is retired: pick another value.",
        "custom.owner": "Pick a user.",
        "custom.colour": "Unknown field.",
    }
    with pytest.raises(Invalid) as low:
        custom_fields.validate(session, admin, "product", {"weight": "0.4"})
    assert low.value.fields == {"custom.weight": "Must be at least 0.5 kg."}
    with pytest.raises(Invalid) as nan:
        custom_fields.validate(session, admin, "product", {"weight": "twelve"})
    assert nan.value.fields == {"custom.weight": "Enter a number."}


def test_required_fields_must_stay_filled(session, product_fields):
    admin = product_fields
    with pytest.raises(Invalid) as missing:
        custom_fields.validate(session, admin, "product", {"drawing": "D-1"})
    assert missing.value.fields == {"custom.weight": "Required."}
    assert custom_fields.validate(session, admin, "product", {"drawing": ""}, current={"weight": "3", "drawing": "D"}) \
        == {"weight": "3"}
    with pytest.raises(Invalid):
        custom_fields.validate(session, admin, "product", {"weight": None}, current={"weight": "3"})


def test_retired_fields_keep_their_values_and_are_no_longer_required(session, world, product_fields, now):
    admin = product_fields
    weight = next(d for d in custom_fields.definitions(session, admin, "product") if d.key == "weight")
    with transaction(session):
        custom_fields.set_definition_active(session, admin, weight.id, False, now=now)
    assert custom_fields.validate(session, admin, "product", {"drawing": "D"}, current={"weight": "3"}) \
        == {"weight": "3", "drawing": "D"}
    with pytest.raises(Invalid) as refused:
        custom_fields.validate(session, admin, "product", {"weight": "4"})
    assert refused.value.fields == {"custom.weight": "Weight is retired and cannot be changed."}


def test_products_store_filter_and_export_custom_values(session, world, product_fields, now):
    admin = product_fields
    crack = next(v for v in type_lists.values(session, admin, "defect_codes") if v.code == "CRACK")
    with transaction(session):
        heavy = products.create_product(session, admin, ProductCreate(code="HEAVY", name="Heavy", custom={
            "weight": "120", "hazardous": True, "typical_defect": crack.id, "drawing": "Plate DRW-9"}), now=now)
        products.create_product(session, admin, ProductCreate(code="LIGHT", name="Light", custom={
            "weight": "1.25", "hazardous": False, "approved_on": date(2026, 1, 5)}), now=now)
    assert heavy.custom["weight"] == "120"
    find = lambda **c: [p.code for p in products.list_products(session, admin, custom=c)]  # noqa: E731
    assert find(hazardous="yes") == ["HEAVY"]
    assert find(hazardous="no") == ["LIGHT"]
    assert find(weight="1.250") == ["LIGHT"]
    assert find(typical_defect=crack.id) == ["HEAVY"]
    assert find(drawing="drw-9") == ["HEAVY"]
    assert find(approved_on="2026-01-05") == ["LIGHT"]
    with pytest.raises(Invalid):
        find(nonsense="1")

    rows, columns = custom_field_views.with_custom_columns(session, admin, "product",
                                                      products.list_products(session, admin), products.PRODUCT_COLUMNS)
    assert ("custom.weight", "Weight (kg)") in columns and ("custom.typical_defect", "Typical defect") in columns
    heavy_row = next(r for r in rows if r["code"] == "HEAVY")
    assert heavy_row["custom.weight"] == Decimal("120") and heavy_row["custom.typical_defect"] == "Crack"
    csv = exports.to_csv(rows, columns).decode("utf-8-sig").splitlines()
    assert csv[0].endswith("Weight (kg),Drawing,Approved on,Hazardous,Typical defect,Owner")
    assert any(line.startswith("HEAVY,") and ",120,Plate DRW-9,,yes,Crack," in line for line in csv)


def test_product_errors_come_in_one_answer_with_custom_errors(session, product_fields, now):
    with pytest.raises(Invalid) as bad:
        products.create_product(session, product_fields, ProductCreate(code="", name="X", custom={"weight": "-1"}), now=now)
    assert bad.value.fields["code"] and bad.value.fields["custom.weight"] == "Must be at least 0.5 kg."
    with transaction(session):
        made = products.create_product(session, product_fields, ProductCreate(code="OK", name="Ok",
                                                                                 custom={"weight": 2}), now=now)
    with transaction(session):
        changed = products.update_product(session, product_fields, made.id,
                                          ProductUpdate(custom={"drawing": "D-2"}), now=now)
    assert changed.custom == {"weight": "2", "drawing": "D-2"}


def test_work_orders_hold_custom_values_set_by_planners(session, world, now):
    admin, planner = world.actor(world.admin_a), world.actor(world.planner1)
    define(session, admin, now, entity_type="work_order", key="customer_po", label="Customer PO", field_type="text")
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    wo_id, _ = make_work_order(session, world.org_a, world.plant1, line)
    with transaction(session):
        assert custom_fields.set_values(session, planner, "work_order", wo_id, {"customer_po": "PO-77"}, now=now) \
            == {"customer_po": "PO-77"}
    page = work_order_reads.list_work_orders(session, planner, custom={"customer_po": "po-7"})
    assert [w.id for w in page.items] == [wo_id] and page.items[0].custom == {"customer_po": "PO-77"}
    assert work_order_reads.list_work_orders(session, planner, custom={"customer_po": "other"}).total == 0
    with pytest.raises(Forbidden):
        custom_fields.set_values(session, world.actor(world.operator1), "work_order", wo_id, {"customer_po": "X"}, now=now)
    with pytest.raises(NotFound):
        custom_fields.set_values(session, world.actor(world.admin_b), "work_order", wo_id, {"customer_po": "X"}, now=now)


def test_a_list_value_held_in_a_choice_field_cannot_be_deleted(session, world, now):
    admin = world.actor(world.admin_a)
    define(session, admin, now, entity_type="product", key="defect", label="Defect", field_type="choice",
           type_list_key="defect_codes")
    burr = next(v for v in type_lists.values(session, admin, "defect_codes") if v.code == "BURR")
    with transaction(session):
        products.create_product(session, admin, ProductCreate(code="B", name="B", custom={"defect": burr.id}), now=now)
    with pytest.raises(Conflict, match="in use"), transaction(session):
        type_lists.delete_value(session, admin, "defect_codes", burr.id, now=now)
    with pytest.raises(Conflict, match="Custom fields use"), transaction(session):
        type_lists.create_list(session, admin, type_lists.TypeListCreate(key="colours", name="Colours"), now=now)
        define(session, admin, now, entity_type="product", key="colour", label="Colour", field_type="choice",
               type_list_key="colours")
        type_lists.delete_list(session, admin, "colours", now=now)


def test_a_field_with_values_is_retired_not_deleted(session, world, product_fields, now):
    admin = product_fields
    drawing = next(d for d in custom_fields.definitions(session, admin, "product") if d.key == "drawing")
    with transaction(session):
        products.create_product(session, admin, ProductCreate(code="D", name="D", custom={"weight": 1, "drawing": "x"}),
                                now=now)
    with pytest.raises(Conflict, match="retire the field"), transaction(session):
        custom_fields.delete_definition(session, admin, drawing.id, now=now)
    approved = next(d for d in custom_fields.definitions(session, admin, "product") if d.key == "approved_on")
    with transaction(session):
        custom_fields.delete_definition(session, admin, approved.id, now=now)


def test_definitions_are_checked(session, world, now):
    admin = world.actor(world.admin_a)
    with pytest.raises(Invalid) as bad:
        define(session, admin, now, entity_type="spaceship", key="Bad Key", label="", field_type="colour")
    assert set(bad.value.fields) == {"entity_type", "key", "label", "field_type"}
    with pytest.raises(Invalid) as bad:
        define(session, admin, now, entity_type="lot", key="a", label="A", field_type="choice", type_list_key="nope")
    assert bad.value.fields == {"type_list_key": "Pick a type list."}
    with pytest.raises(Invalid) as bad:
        define(session, admin, now, entity_type="lot", key="b", label="B", field_type="number", min_value="5",
               max_value="1")
    assert bad.value.fields == {"max_value": "Must be at least the minimum."}
    with pytest.raises(Invalid) as bad:
        define(session, admin, now, entity_type="lot", key="c", label="C", field_type="text", unit="kg")
    assert bad.value.fields == {"unit": "Only number fields take a unit and a range."}
    made = define(session, admin, now, entity_type="ncr", key="cost", label="Cost", field_type="number", unit="EUR")
    with pytest.raises(Conflict):
        define(session, admin, now, entity_type="ncr", key="cost", label="Again", field_type="text")
    with transaction(session):
        changed = custom_fields.update_definition(session, admin, made.id, CustomFieldUpdate(label="Cost of NC",
                                                                                              min_value="0"), now=now)
    assert (changed.label, changed.min_value, changed.key) == ("Cost of NC", Decimal("0"), "cost")


def test_defining_needs_configure_and_definitions_are_per_organization(session, world, now):
    admin_a = world.actor(world.admin_a)
    with pytest.raises(Forbidden):
        define(session, world.actor(world.planner1), now, entity_type="product", key="x", label="X", field_type="text")
    made = define(session, admin_a, now, entity_type="product", key="x", label="X", field_type="text", required=True)
    admin_b = world.actor(world.admin_b)
    assert custom_fields.definitions(session, admin_b, "product") == []
    assert custom_fields.validate(session, admin_b, "product", {}) == {}       # A's required field is not B's
    with pytest.raises(NotFound):
        custom_fields.update_definition(session, admin_b, made.id, CustomFieldUpdate(label="Mine"), now=now)
