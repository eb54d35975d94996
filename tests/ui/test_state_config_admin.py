"""Type lists and custom fields admin pages, through their handlers as a tab calls them: choose a
list, add/move/retire/delete values (a value in use is refused), add a custom list; define, change,
retire and delete custom fields; planners are refused."""
from __future__ import annotations

from sqlmodel import Session

from models.user import User
from rxapp.state.config.custom_fields import CustomFieldsState
from rxapp.state.config.type_lists import TypeListsState
from services.core.db import transaction
from services.master import products
from services.master.products import ProductCreate
from services.org.auth import actor_for_user
from tests.ui.conftest import run, signed_in, toasts


async def test_type_lists_page_edits_values_and_refuses_deleting_one_in_use(engine, world, now):
    state = await signed_in(engine, TypeListsState, "admin.a")
    await run(state.enter(), state)
    assert {r.key for r in state.lists} >= {"defect_codes", "root_cause_categories", "dispositions", "scrap_reasons"}
    await run(state.choose("root_cause_categories"), state)
    assert [v.code for v in state.values] == ["MAN", "MACHINE", "METHOD", "MATERIAL", "MEASUREMENT", "ENVIRONMENT"]

    await run(state.open_new_value(), state)
    events = await run(state.save_value({"code": "bad code", "label": ""}), state)
    assert set(state.value_errors) == {"code", "label"} and state.value_form_open and toasts(events, "error")
    events = await run(state.save_value({"code": "mgmt", "label": "Management"}), state)
    assert toasts(events, "success") == ["Value saved: MGMT"] and state.values[-1].code == "MGMT"
    await run(state.move(state.values[-1].id, -1), state)
    assert [v.code for v in state.values][-2:] == ["MGMT", "ENVIRONMENT"]

    await run(state.choose("defect_codes"), state)
    burr = next(v for v in state.values if v.code == "BURR")
    await run(state.set_show_retired(False), state)
    await run(state.set_active(burr.id, False), state)
    assert "BURR" not in [v.code for v in state.values]
    await run(state.set_show_retired(True), state)
    assert not next(v for v in state.values if v.code == "BURR").is_active

    from services.config import custom_fields
    from services.config.custom_fields import CustomFieldCreate
    with Session(engine, expire_on_commit=False) as s, transaction(s):
        admin = actor_for_user(s, s.get(User, world.admin_a))
        custom_fields.create_definition(s, admin, CustomFieldCreate(entity_type="product", key="defect", label="Defect",
                                                                    field_type="choice", type_list_key="defect_codes"), now=now)
        crack = next(v for v in state.values if v.code == "CRACK")
        products.create_product(s, admin, ProductCreate(code="P1", name="P", custom={"defect": crack.id}), now=now)
    events = await run(state.delete_value(crack.id), state)
    assert toasts(events, "error") == ["Crack is in use (1 time), so it stays in the history: retire it instead."]
    assert "CRACK" in [v.code for v in state.values]

    await run(state.open_new_list(), state)
    await run(state.save_list({"key": "suppliers", "name": "Suppliers", "description": "Who delivers"}), state)
    assert state.selected.key == "suppliers" and state.values == []
    events = await run(state.delete_list(), state)
    assert toasts(events, "success") == ["List deleted"] and "suppliers" not in [r.key for r in state.lists]


async def test_custom_fields_page_defines_changes_and_retires(engine, world):
    state = await signed_in(engine, CustomFieldsState, "admin.a")
    await run(state.enter(), state)
    assert {o.value for o in state.entity_options} >= {"product", "work_order", "ncr", "sop_ticket", "lot", "shipment"}
    await run(state.set_entity_type("work_order"), state)
    assert state.rows == []
    await run(state.open_new(), state)
    await run(state.set_form_type("number"), state)
    events = await run(state.save({"key": "Bad Key", "label": "", "min_value": "9", "max_value": "1"}), state)
    assert set(state.form_errors) == {"key", "label", "max_value"} and toasts(events, "error")
    await run(state.save({"key": "torque", "label": "Torque", "unit": "Nm", "min_value": "1", "max_value": "90",
                          "required": "on", "position": "10", "type_list_key": None}), state)   # a hidden input: None
    assert state.form_errors == {}
    await run(state.open_new(), state)
    await run(state.set_form_type("choice"), state)
    await run(state.save({"key": "root_cause", "label": "Root cause", "type_list_key": "root_cause_categories"}), state)
    assert [(r.key, r.type_label, r.rule, r.required) for r in state.rows] == [
        ("torque", "Number", "1 – 90 Nm", True), ("root_cause", "Choice from a type list", "Root-cause categories", False)]

    await run(state.open_edit(state.rows[0].id), state)
    await run(state.save({"label": "Tightening torque", "unit": "Nm", "min_value": "", "max_value": "100",
                          "position": "10"}), state)
    assert (state.rows[0].label, state.rows[0].rule) == ("Tightening torque", "… – 100 Nm")
    await run(state.set_active(state.rows[0].id, False), state)
    assert not state.rows[0].is_active
    events = await run(state.delete(state.rows[1].id), state)
    assert toasts(events, "success") == ["Custom field deleted"] and len(state.rows) == 1


async def test_planners_cannot_configure(engine, world):
    state = await signed_in(engine, CustomFieldsState, "planner.one")
    await run(state.enter(), state)
    await run(state.open_new(), state)
    events = await run(state.save({"key": "x", "label": "X"}), state)
    assert toasts(events, "error") == ["You are not allowed to do this: it needs the 'configure' permission."]
    lists = await signed_in(engine, TypeListsState, "planner.one")
    await run(lists.enter(), lists)
    await run(lists.open_new_value(), lists)
    events = await run(lists.save_value({"code": "X", "label": "X"}), lists)
    assert toasts(events, "error") == ["You are not allowed to do this: it needs the 'configure' permission."]
