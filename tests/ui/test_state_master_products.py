"""Products page state and its BOM editor, through the handlers as a browser tab would call them:
filters, field errors from the service, deactivate, exports that decode back, BOM loops refused,
the explosion tree, and isolation between organizations."""
from __future__ import annotations

import csv
import io

import openpyxl
from sqlmodel import Session, select

from models.catalog import BomLine, Product
from rxapp.i18n import use_language
from rxapp.i18n_client import serve_in_tab_language
from rxapp.state.language import LanguageState
from rxapp.state.master.boms import BomState
from rxapp.state.master.products import ProductsState
from services.core.db import transaction
from services.org.languages import set_my_language
from tests.ui.conftest import download_bytes, run, signed_in, toasts


def _products(engine) -> dict[str, Product]:
    with Session(engine) as s:
        return {p.code: p for p in s.exec(select(Product)).all()}


async def _create(state, code, name, type_="finished", unit="pcs", cost=""):
    await run(state.open_new(), state)
    return await run(state.save({"code": code, "name": name, "type": type_, "unit": unit, "standard_cost": cost,
                                 "description": ""}), state)


async def test_create_with_field_errors_then_success_and_filters(engine, world):
    state = await signed_in(engine, ProductsState, "planner.one")
    await run(state.enter(), state)
    assert state.rows == [] and not state.loading and state.load_error == ""
    events = await _create(state, "bad code", "", unit="two words", cost="-3")
    assert set(state.form_errors) == {"code", "name", "unit", "standard_cost"}
    assert toasts(events, "error") == ["Some fields are not valid."] and state.form_open
    events = await _create(state, "fg-1", "Chair", cost="12.5")
    assert toasts(events, "success") == ["Product saved: FG-1"] and not state.form_open
    await _create(state, "rm-steel", "Steel", type_="raw", unit="kg")
    await _create(state, "fg-1", "Again")
    assert state.form_errors == {"code": "Already used."}
    assert [(r.code, r.type_label, r.standard_cost) for r in state.rows] == [("FG-1", "Finished good", "12.50 EUR"),
                                                                             ("RM-STEEL", "Raw material", "")]
    await run(state.set_type_filter("raw"), state)
    assert [r.code for r in state.rows] == ["RM-STEEL"]
    await run(state.set_type_filter(""), state)
    await run(state.set_search("cha"), state)
    assert [r.code for r in state.rows] == ["FG-1"]


async def test_a_korean_planner_reads_the_services_refusal_in_korean(engine, world, now):
    with Session(engine) as s, transaction(s):
        set_my_language(s, world.actor(world.planner1), "ko", now=now)
    state = await signed_in(engine, ProductsState, "planner.one")
    assert (await state.get_state(LanguageState)).lang == "ko"
    await _create(state, "FG-1", "Chair")
    with use_language(None):
        await serve_in_tab_language(state)               # what the event middleware does before each event
        events = await _create(state, "fg-1", "Again")
        assert toasts(events, "error") == ["코드가 FG-1인 제품이 이미 있습니다."]
        assert state.form_errors == {"code": "이미 사용 중입니다."}
        await _create(state, "fg-2", "X", cost="0.000001")
        assert state.form_errors == {"standard_cost": "소수점 이하 4자리까지만 사용하세요."}


async def test_edit_deactivate_and_export(engine, world):
    state = await signed_in(engine, ProductsState, "planner.one")
    await _create(state, "FG-1", "Chair", cost="10")
    fg = _products(engine)["FG-1"]
    await run(state.open_edit(fg.id), state)
    assert (state.form_mode, state.f_code, state.f_cost) == ("edit", "FG-1", "10")
    await run(state.save({"code": "FG-1", "name": "Armchair", "type": "finished", "unit": "pcs", "standard_cost": "",
                          "description": "Oak"}), state)
    stored = _products(engine)["FG-1"]
    assert (stored.name, stored.description, stored.standard_cost) == ("Armchair", "Oak", None)
    events = await run(state.set_active(fg.id, False), state)
    assert toasts(events, "success") == ["Deactivated: FG-1"] and state.rows == []
    await run(state.set_status("all"), state)
    rows = list(csv.DictReader(io.StringIO(download_bytes(await run(state.export("csv"), state)).decode("utf-8-sig"))))
    assert [(r["Code"], r["Name"], r["Active"]) for r in rows] == [("FG-1", "Armchair", "no")]
    book = openpyxl.load_workbook(io.BytesIO(download_bytes(await run(state.export("xlsx"), state))))
    assert [c.value for c in book.active[2]][:3] == ["FG-1", "Armchair", "finished"]


async def test_bom_editor_refuses_a_loop_and_explodes_with_scrap(engine, world):
    products = await signed_in(engine, ProductsState, "planner.one")
    for code, type_, unit in [("FG", "finished", "pcs"), ("SA", "semi", "pcs"), ("STEEL", "raw", "kg")]:
        await _create(products, code, code, type_=type_, unit=unit)
    ids = {code: p.id for code, p in _products(engine).items()}
    bom = await products.get_state(BomState)
    await run(bom.open_for(ids["FG"]), bom)
    assert bom.open and bom.product_label == "FG · FG" and bom.lines == []
    assert [o.label.split(" · ")[0] for o in bom.options] == ["SA", "STEEL"]
    events = await run(bom.save_line({"component_product_id": str(ids["SA"]), "quantity_per": "2",
                                      "scrap_factor": "0.1"}), bom)
    assert toasts(events, "success") == ["Component saved: SA"]
    await run(bom.save_line({"component_product_id": "", "quantity_per": "0", "scrap_factor": "1"}), bom)
    assert bom.errors == {"component_product_id": "Pick a component."}
    await run(bom.open_for(ids["SA"]), bom)
    await run(bom.save_line({"component_product_id": str(ids["STEEL"]), "quantity_per": "1.5", "scrap_factor": ""}), bom)
    events = await run(bom.save_line({"component_product_id": str(ids["FG"]), "quantity_per": "1",
                                      "scrap_factor": "0"}), bom)
    assert "SA → FG → SA" in bom.errors["component_product_id"] and toasts(events, "error")
    await run(bom.open_for(ids["FG"]), bom)
    await run(bom.explode({"quantity": "3"}), bom)
    assert [(t.level, t.indent, t.code, t.required) for t in bom.tree] == [(1, "0px", "SA", "7"),
                                                                          (2, "24px", "STEEL", "10.5")]
    await run(bom.explode({"quantity": "2.5"}), bom)
    assert bom.tree == [] and "whole number" in bom.tree_error
    await run(bom.edit_line(bom.lines[0].id), bom)
    assert (bom.editing_line, bom.f_quantity, bom.f_scrap) == (bom.lines[0].id, "2", "0.1")
    await run(bom.save_line({"quantity_per": "3", "scrap_factor": "0"}), bom)
    assert bom.lines[0].quantity_per == "3" and bom.editing_line == 0
    await run(bom.remove_line(bom.lines[0].id), bom)
    with Session(engine) as s:
        assert [(ln.parent_product_id, ln.component_product_id) for ln in s.exec(select(BomLine)).all()] == \
            [(ids["SA"], ids["STEEL"])]


async def test_another_organization_cannot_see_or_change_these_products(engine, world):
    mine = await signed_in(engine, ProductsState, "planner.one")
    await _create(mine, "FG-1", "Chair")
    fg = _products(engine)["FG-1"]
    other = await signed_in(engine, ProductsState, "admin.b")
    await run(other.enter(), other)
    assert other.rows == []
    assert toasts(await run(other.open_edit(fg.id), other), "error") == ["Product not found."]
    assert not other.form_open and other.f_name == ""
    assert toasts(await run(other.set_active(fg.id, False), other), "error") == ["Product not found."]
    bom = await other.get_state(BomState)
    assert toasts(await run(bom.open_for(fg.id), bom), "error") == ["Product not found."]
    assert not bom.open and bom.lines == [] and bom.product_label == ""
    assert _products(engine)["FG-1"].is_active
    operator = await signed_in(engine, ProductsState, "op.one")
    events = await run(operator.set_active(fg.id, False), operator)
    assert toasts(events, "error") == ["You are not allowed to do this: it needs the 'plan' permission."]
