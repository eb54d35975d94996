"""Form layouts page state: the default layout, moving fields within and across sections, required toggles (a
built-in required field stays on), help texts, sections added, renamed and removed, saving (what the product
service then refuses), refusals shown as field errors, and a person without CONFIGURE."""
from __future__ import annotations

import pytest

from rxapp.state.config.form_layouts import FormLayoutsState
from rxapp.state.master.products import ProductsState
from services.config import custom_fields, form_layouts
from services.config.custom_fields import CustomFieldCreate
from services.config.form_layouts import FormLayoutSave
from services.core.db import transaction
from services.core.errors import Invalid
from services.master import products
from services.master.products import ProductCreate
from tests.ui.conftest import run, signed_in, toasts


def _keys(state):
    return [(s.title, [f.key for f in s.fields]) for s in state.sections]


async def test_arrange_preview_and_save_a_product_layout(engine, session, world, now):
    state = await signed_in(engine, FormLayoutsState, "admin.a")
    await run(state.enter(), state)
    assert [o.value for o in state.entity_options] == ["lot", "maintenance_ticket", "ncr", "product", "sop_ticket",
                                                      "shipment", "work_order"]
    assert not state.saved and _keys(state) == [("Details", ["code", "name", "name2", "description", "unit", "type",
                                                             "standard_cost"])]
    await run(state.move(0, 3, -1), state)                 # description above the second name
    await run(state.move(0, 2, -1), state)                 # and above name
    await run(state.add_section(), state)
    await run(state.rename_section(1, "Costing"), state)
    await run(state.move(0, 6, 1), state)                  # standard cost into the new section
    await run(state.toggle_required(1, 0), state)
    await run(state.set_help(1, 0, "From the price list."), state)
    await run(state.toggle_required(0, 0), state)          # code is always required: stays on
    assert state.changed and _keys(state) == [("Details", ["code", "description", "name", "name2", "unit", "type"]),
                                              ("Costing", ["standard_cost"])]
    assert state.sections[0].fields[0].required and state.sections[1].fields[0].required
    assert toasts(await run(state.save(), state), "success") == ["Form layout saved"]
    assert state.saved and not state.changed
    with pytest.raises(Invalid) as refused, transaction(session):
        products.create_product(session, world.actor(world.admin_a), ProductCreate(code="X-1", name="Pin"), now=now)
    assert refused.value.fields == {"standard_cost": "Standard cost is required. From the price list."}

    await run(state.remove_section(1), state)              # its field joins the section before
    assert _keys(state) == [("Details", ["code", "description", "name", "name2", "unit", "type", "standard_cost"])]
    assert toasts(await run(state.remove_section(0), state), "error") == ["Keep at least one section."]
    await run(state.use_default(), state)
    assert not state.saved and form_layouts.get_layout(session, world.actor(world.admin_a), "product").saved is False


async def test_refusals_show_at_the_section_and_without_configure_nothing_is_saved(engine, session, world):
    state = await signed_in(engine, FormLayoutsState, "admin.a")
    await run(state.enter(), state)
    await run(state.rename_section(0, "  "), state)
    assert toasts(await run(state.save(), state), "error")
    assert state.errors == {"sections.0.title": "Give the section a title."} and not state.saved

    planner = await signed_in(engine, FormLayoutsState, "planner.one")
    await run(planner.enter(), planner)
    assert _keys(planner)[0][0] == "Details"               # everyone reads
    await run(planner.rename_section(0, "Mine"), planner)
    assert toasts(await run(planner.save(), planner), "error")
    assert not form_layouts.get_layout(session, world.actor(world.admin_a), "product").saved


async def test_the_product_form_follows_the_saved_layout(engine, session, world, now):
    admin = world.actor(world.admin_a)
    with transaction(session):
        custom_fields.create_definition(session, admin, CustomFieldCreate(
            entity_type="product", key="finish", label="Finish", field_type="text", help_text="As drawn."), now=now)
    page = await signed_in(engine, ProductsState, "planner.one")
    await run(page.open_new(), page)
    assert [(s.title, [f.key for f in s.slots]) for s in page.form_sections] == [
        ("Details", ["code", "name", "name2", "description", "unit", "type", "standard_cost"]),
        ("Additional fields", ["custom.finish"])]
    with transaction(session):
        form_layouts.save_layout(session, admin, "product", FormLayoutSave(sections=[
            {"title": "Finish first", "fields": [{"key": "custom.finish", "required": True, "help": "Zinc or paint."},
                                                 {"key": "name", "required": True, "help": "As sold."}]}]), now=now)
    await run(page.open_new(), page)
    section = page.form_sections[0]
    # the second name, which the saved layout does not name, follows the name
    assert section.title == "Finish first" and [f.key for f in section.slots][:4] == ["custom.finish", "name", "name2",
                                                                                      "code"]
    finish, name = section.slots[0], section.slots[1]
    assert finish.is_custom and finish.input.required and finish.input.hint == "Zinc or paint."
    assert name.required and name.help == "As sold." and not name.is_custom
    events = await run(page.save({"code": "F-1", "name": "Plate", "type": "finished", "unit": "pcs",
                                  "standard_cost": "", "description": "", "custom.finish": ""}), page)
    assert toasts(events, "error") and page.form_errors["custom.finish"] == "Finish is required. Zinc or paint."


async def test_a_dragged_field_lands_where_it_was_dropped(engine, world):
    state = await signed_in(engine, FormLayoutsState, "admin.a")
    await run(state.enter(), state)
    await run(state.drop_field("0:0>0:4"), state)          # code dropped on unit: before it
    assert _keys(state)[0][1] == ["name", "name2", "description", "code", "unit", "type", "standard_cost"]
    await run(state.add_section(), state)
    await run(state.drop_field("0:6>1:0"), state)          # standard cost into the empty new section
    await run(state.drop_field("0:0>9:0"), state)          # no such section: nothing moves
    await run(state.drop_field("nonsense"), state)
    assert _keys(state) == [("Details", ["name", "name2", "description", "code", "unit", "type"]),
                            ("New section", ["standard_cost"])]
