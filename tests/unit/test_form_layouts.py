"""Form layouts: the default layout, saving with validation and audit, required fields refused through the
product and maintenance ticket services with the layout's label and help, built-in requirements that cannot be
loosened, permissions and tenancy."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from services.config import custom_fields, form_layouts
from services.config.custom_fields import CustomFieldCreate
from services.config.form_layouts import FormLayoutSave
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound
from services.maintenance import tickets as mt
from services.master import products
from services.master.products import ProductCreate, ProductUpdate
from tests.conftest import T0
from tests.factories.production import make_line


def _field(session, actor, entity_type="product", **fields):
    with transaction(session):
        return custom_fields.create_definition(session, actor, CustomFieldCreate(
            entity_type=entity_type, **{"key": "finish", "label": "Finish", "field_type": "text", **fields}), now=T0)


def _save(session, actor, sections, entity_type="product"):
    with transaction(session):
        return form_layouts.save_layout(session, actor, entity_type, FormLayoutSave(sections=sections), now=T0)


def _keys(layout):
    return [(s.title, [f.key for f in s.fields]) for s in layout.sections]


PRODUCT_KEYS = ["code", "name", "name2", "description", "unit", "type", "standard_cost"]


def test_the_default_layout_is_the_built_in_fields_then_the_custom_fields(session, world):
    admin = world.actor(world.admin_a)
    _field(session, admin, help_text="As on the drawing.")
    layout = form_layouts.get_layout(session, world.actor(world.operator1), "product")
    assert not layout.saved
    assert _keys(layout) == [("Details", PRODUCT_KEYS), ("Additional fields", ["custom.finish"])]
    code, description = layout.sections[0].fields[0], layout.sections[0].fields[3]
    assert code.required and code.minimum_required and not description.required
    assert layout.sections[1].fields[0].help == "As on the drawing."


def test_a_saved_layout_orders_sections_and_fields_and_is_audited(session, world):
    admin = world.actor(world.admin_a)
    _field(session, admin)
    layout = _save(session, admin, [
        {"title": "Identity", "fields": [{"key": "name", "required": True}, {"key": "code", "required": True}]},
        {"title": "Costing", "fields": [{"key": "standard_cost", "required": True, "help": "From the price list."},
                                        {"key": "custom.finish"}]}])
    assert layout.saved
    # fields the layout does not name come at the end of its last section, in default order
    # the second name (a built-in field added later) follows the name, wherever the layout put it
    assert _keys(layout) == [("Identity", ["name", "name2", "code"]),
                             ("Costing", ["standard_cost", "custom.finish", "description", "unit", "type"])]
    cost = layout.sections[1].fields[0]
    assert cost.required and not cost.minimum_required and cost.help == "From the price list."
    assert _keys(form_layouts.get_layout(session, admin, "product")) == _keys(layout)
    audit = session.exec(select(AuditEntry).where(AuditEntry.entity == "form_layout").order_by(AuditEntry.id)).all()
    assert [a.action for a in audit] == ["create"]
    _save(session, admin, [{"title": "All", "fields": []}])
    assert [a.action for a in session.exec(select(AuditEntry).where(AuditEntry.entity == "form_layout").order_by(AuditEntry.id)).all()] == \
        ["create", "update"]
    with transaction(session):
        reset = form_layouts.reset_layout(session, admin, "product", now=T0)
    assert not reset.saved and _keys(reset)[0] == ("Details", PRODUCT_KEYS)


def test_layout_required_fields_are_refused_on_create_and_update_with_label_and_help(session, world):
    admin = world.actor(world.admin_a)
    _field(session, admin)
    _save(session, admin, [{"title": "Product", "fields": [
        {"key": "description", "required": True, "help": "What a buyer reads."},
        {"key": "custom.finish", "required": True}]}])
    with pytest.raises(Invalid) as refused, transaction(session):
        products.create_product(session, admin, ProductCreate(code="P-1", name="Bolt"), now=T0)
    assert refused.value.fields == {"description": "Description is required. What a buyer reads.",
                                    "custom.finish": "Finish is required."}
    with transaction(session):
        made = products.create_product(session, admin, ProductCreate(code="P-1", name="Bolt", description="M8 bolt",
                                                                     custom={"finish": "zinc"}), now=T0)
    with pytest.raises(Invalid) as refused, transaction(session):
        products.update_product(session, admin, made.id, ProductUpdate(description="  "), now=T0)
    assert refused.value.fields == {"description": "Description is required. What a buyer reads."}
    with transaction(session):
        assert products.update_product(session, admin, made.id, ProductUpdate(name="Bolt M8"), now=T0).name == "Bolt M8"


def test_a_built_in_required_field_keeps_its_message_from_the_layout(session, world):
    admin = world.actor(world.admin_a)
    _save(session, admin, [{"title": "Product", "fields": [{"key": "name", "required": True, "help": "As sold."}]}])
    with pytest.raises(Invalid) as refused, transaction(session):
        products.create_product(session, admin, ProductCreate(code="P-2", name=""), now=T0)
    assert refused.value.fields == {"name": "Name is required. As sold."}


def test_maintenance_tickets_raised_by_people_follow_the_layout(session, world):
    admin = world.actor(world.admin_a)
    machine = make_line(session, world.org_a, world.plant1, world.dept1).machine_ids[0]
    _save(session, admin, [{"title": "Ticket", "fields": [
        {"key": "description", "required": True, "help": "What you saw and heard."}]}],
        entity_type="maintenance_ticket")
    with pytest.raises(Invalid) as refused, transaction(session):
        mt.raise_ticket(session, admin, mt.TicketCreate(machine_id=machine, title="Noise", priority="high"), now=T0)
    assert refused.value.fields == {"description": "Description is required. What you saw and heard."}
    with transaction(session):
        ticket = mt.raise_ticket(session, admin, mt.TicketCreate(machine_id=machine, title="Noise", priority="high",
                                                                 description="Grinding at 2000 rpm"), now=T0)
    assert ticket.description == "Grinding at 2000 rpm"


def test_required_built_in_and_custom_fields_cannot_be_loosened(session, world):
    admin = world.actor(world.admin_a)
    _field(session, admin, required=True)
    with pytest.raises(Invalid) as refused:
        _save(session, admin, [{"title": "Product", "fields": [{"key": "code", "required": False},
                                                                {"key": "custom.finish", "required": False}]}])
    assert refused.value.fields == {
        "sections.0.code": "Code is always required.",
        "sections.0.custom.finish": "Finish is always required: change the custom field's definition to make it optional."}


@pytest.mark.parametrize(("sections", "problem"), [
    ([], {"sections": "Keep at least one section."}),
    ([{"title": " ", "fields": []}], {"sections.0.title": "Give the section a title."}),
    ([{"title": "A", "fields": [{"key": "colour"}]}], {"sections.0.colour": "Unknown field colour."}),
    ([{"title": "A", "fields": [{"key": "unit", "required": True}]}, {"title": "B", "fields": [{"key": "unit"}]}],
     {"sections.1.unit": "Unit is placed twice."}),
    ([{"title": "A", "fields": [{"key": "description", "help": "x" * 501}]}],
     {"sections.0.description": "Keep the help text of Description under 500 characters."}),
])
def test_bad_layouts_are_refused_with_field_messages(session, world, sections, problem):
    with pytest.raises(Invalid) as refused:
        _save(session, world.actor(world.admin_a), sections)
    assert refused.value.fields == problem


def test_configure_changes_layouts_anyone_reads_them_and_organizations_keep_their_own(session, world):
    admin_a, admin_b = world.actor(world.admin_a), world.actor(world.admin_b)
    with pytest.raises(Forbidden):
        _save(session, world.actor(world.planner1), [{"title": "Mine", "fields": []}])
    _save(session, admin_a, [{"title": "Org A", "fields": [{"key": "description", "required": True}]}])
    assert _keys(form_layouts.get_layout(session, world.actor(world.operator1), "product"))[0][0] == "Org A"
    theirs = form_layouts.get_layout(session, admin_b, "product")
    assert not theirs.saved and theirs.sections[0].title == "Details"
    with transaction(session):
        made = products.create_product(session, admin_b, ProductCreate(code="B-1", name="Nut"), now=T0)
    assert made.description == ""
    with pytest.raises(NotFound):
        form_layouts.get_layout(session, admin_a, "spaceship")


def test_a_retired_custom_field_leaves_the_layout(session, world):
    admin = world.actor(world.admin_a)
    field = _field(session, admin)
    _save(session, admin, [{"title": "P", "fields": [{"key": "custom.finish", "required": True}]}])
    with transaction(session):
        custom_fields.set_definition_active(session, admin, field.id, False, now=T0)
    layout = form_layouts.get_layout(session, admin, "product")
    assert "custom.finish" not in [f.key for s in layout.sections for f in s.fields]
    with transaction(session):
        products.create_product(session, admin, ProductCreate(code="P-3", name="Pin"), now=T0)
