"""A list in the viewer's language: the products page shows a Japanese viewer the Japanese name (the main name
below it) and an English viewer the main name; the dialog saves the second name and its language, and an
unsupported language comes back as the field's error."""
from __future__ import annotations

from sqlmodel import Session, select

from models.catalog import Product
from models.organization import Organization
from rxapp.i18n_client import serve_in_tab_language
from rxapp.state.master.customers import CustomersState
from rxapp.state.master.products import ProductsState
from rxapp.state.master.work_centers import ResourcesState
from rxapp.state.org.organization_names import OrganizationNamesState
from rxapp.state.org.plants import PlantsState
from rxapp.state.production.work_orders import WorkOrderDetailState, WorkOrdersState
from services.core.db import transaction
from services.core.languages import use_language
from services.org.languages import set_my_language
from tests.factories.production import make_line, make_work_order
from tests.ui.conftest import run, signed_in

FORM = {"code": "GK-1", "name": "Gasket", "type": "finished", "unit": "pcs", "standard_cost": "", "description": ""}


async def test_the_products_list_shows_the_viewers_name_and_the_form_keeps_the_second_name(engine, world):
    state = await signed_in(engine, ProductsState, "planner.one")
    await run(state.open_new(), state)
    await run(state.save({**FORM, "name2": "Joint", "name2_language": "fr"}), state)
    assert state.form_errors == {"name2_language": "Pick English, Japanese or Korean."} and state.form_open
    await run(state.save({**FORM, "name2": "ガスケット", "name2_language": ""}), state)
    assert not state.form_open
    with Session(engine) as s:
        stored = s.exec(select(Product)).one()
    assert (stored.name2, stored.name2_language) == ("ガスケット", "ja")
    with use_language("ja"):
        await run(state.load(), state)
    assert [(r.name, r.other_name) for r in state.rows] == [("ガスケット", "Gasket")]
    with use_language("en"):
        await run(state.load(), state)
    assert [(r.name, r.other_name) for r in state.rows] == [("Gasket", "")]
    await run(state.open_edit(stored.id), state)
    assert (state.f_name2, state.f_name2_language) == ("ガスケット", "ja")
    with use_language("ja"):
        await run(state.set_search("ｶﾞｽｹｯﾄ"), state)
    assert [r.name for r in state.rows] == ["ガスケット"]


async def test_the_plants_page_saves_a_korean_name_and_shows_it_to_a_korean_admin(engine, world):
    state = await signed_in(engine, PlantsState, "admin.a")
    await run(state.open_new_plant(), state)
    await run(state.save_plant({"code": "ICN", "name": "Incheon works", "timezone": "Asia/Seoul", "name2": "Incheon",
                                "name2_language": ""}), state)
    assert state.plant_errors == {"name2_language": "Say which language the second name is in."}
    with use_language("ko"):
        await run(state.save_plant({"code": "ICN", "name": "Incheon works", "timezone": "Asia/Seoul",
                                    "name2": "인천 공장", "name2_language": ""}), state)
        await run(state.load(), state)
    assert "인천 공장" in [p.name for p in state.rows] and not state.plant_open
    with use_language("en"):
        await run(state.load(), state)
    assert "Incheon works" in [p.name for p in state.rows]
    icn = next(p for p in state.rows if p.code == "ICN")
    await run(state.open_edit_plant(icn.id), state)
    assert (state.plant_name2, state.plant_name2_language) == ("인천 공장", "ko")


async def test_the_settings_page_renames_the_organization_in_a_second_language(engine, world):
    state = await signed_in(engine, OrganizationNamesState, "admin.a")
    await run(state.load_names(), state)
    assert (state.org_name, state.org_name2, state.org_name2_language) == ("Org A", "", "")
    await run(state.save_names({"org_name": "Org A", "name2": "Org Ä", "name2_language": "de"}), state)
    assert state.org_errors == {"name2_language": "Pick English, Japanese or Korean."}
    await run(state.save_names({"org_name": "", "name2": "", "name2_language": ""}), state)
    assert set(state.org_errors) == {"org_name"}
    await run(state.save_names({"org_name": "Org A", "name2": "조직 A", "name2_language": ""}), state)
    assert (state.org_name2, state.org_name2_language, state.org_errors) == ("조직 A", "ko", {})
    with Session(engine) as s:
        assert s.get(Organization, world.org_a).name2 == "조직 A"


async def test_the_work_orders_page_of_a_japanese_planner_names_the_product_in_japanese(engine, session, world, now):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    wo_id, _ops = make_work_order(session, world.org_a, world.plant1, line, quantity=8)
    with transaction(session):
        product = session.get(Product, line.product_id)
        product.name2, product.name2_language = "ブラケット", "ja"
        session.add(product)
        set_my_language(session, world.actor(world.planner1), "ja", now=now)
    state = await signed_in(engine, WorkOrdersState, "planner.one")
    with use_language(None):
        await serve_in_tab_language(state)             # what the event middleware does before each event
        await run(state.load(), state)
    assert [r.product for r in state.rows] == [f"{product.code} · ブラケット"]
    detail = await state.get_state(WorkOrderDetailState)
    with use_language(None):
        await serve_in_tab_language(state)
        await run(detail.show(wo_id), detail)
    assert detail.row.product == f"{product.code} · ブラケット"
    with use_language("en"):
        await run(state.load(), state)
    assert [r.product for r in state.rows] == [f"{product.code} · {product.name}"]


async def test_the_customer_machine_and_department_forms_keep_a_second_name_shown_to_its_language(engine, session,
                                                                                                world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    page = await signed_in(engine, CustomersState, "planner.one")
    await run(page.open_new(), page)
    customer = {"code": "KT", "name": "Kanto Tools", "email": "", "phone": "", "address": ""}
    await run(page.save({**customer, "name2": "Kanto", "name2_language": ""}), page)
    assert page.form_errors == {"name2_language": "Say which language the second name is in."} and page.form_open
    await run(page.save({**customer, "name2": "関東ツール", "name2_language": ""}), page)
    with use_language("ja"):
        await run(page.load(), page)
    kanto = next(r for r in page.rows if r.code == "KT")
    assert (kanto.shown, kanto.other_name, kanto.name) == ("関東ツール", "Kanto Tools", "Kanto Tools")
    await run(page.open_edit(kanto.id), page)
    assert (page.editing.name, page.editing.name2, page.editing.name2_language) == ("Kanto Tools", "関東ツール", "ja")

    machines = await signed_in(engine, ResourcesState, "admin.a")
    await run(machines.open_edit(line.machine_ids[0]), machines)
    await run(machines.save({"code": machines.editing.code, "name": machines.editing.name, "name2": "1호기",
                             "name2_language": "", "work_center_id": str(line.work_center_id), "department_id": ""}),
              machines)
    with use_language("ko"):
        await run(machines.load(), machines)
    assert next(r.shown for r in machines.rows if r.id == line.machine_ids[0]) == "1호기"

    plants_page = await signed_in(engine, PlantsState, "admin.a")
    await run(plants_page.load(), plants_page)
    await run(plants_page.open_rename_department(world.dept1, "MACH", "Dept"), plants_page)
    await run(plants_page.save_department({"name": "Dept", "name2": "가공팀", "name2_language": "ko"}), plants_page)
    with use_language("ko"):
        await run(plants_page.load(), plants_page)
    shown = {d.id: d.shown for p in plants_page.rows for d in p.departments}
    assert shown[world.dept1] == "가공팀"
    await run(plants_page.open_rename_department(world.dept1, "MACH", "Dept"), plants_page)
    assert (plants_page.dept_name2, plants_page.dept_name2_language) == ("가공팀", "ko")
