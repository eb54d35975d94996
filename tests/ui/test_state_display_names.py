"""A list in the viewer's language: the products page shows a Japanese viewer the Japanese name (the main name
below it) and an English viewer the main name; the dialog saves the second name and its language, and an
unsupported language comes back as the field's error."""
from __future__ import annotations

from sqlmodel import Session, select

from models.catalog import Product
from models.organization import Organization
from rxapp.state.master.products import ProductsState
from rxapp.state.org.organization_names import OrganizationNamesState
from rxapp.state.org.plants import PlantsState
from services.core.languages import use_language
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
