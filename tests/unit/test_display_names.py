"""Names in two languages: a viewer of the second name's language sees it, anyone else the main name; search
finds either name in either width; a second name's language is checked (unsupported: a field error) and audited."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.catalog import Product
from models.orders import WorkOrder
from models.organization import Plant
from services.core.db import transaction
from services.core.display_names import guess_language, pick, second_name
from services.core.errors import Forbidden, Invalid
from services.core.languages import use_language
from services.kpi import andon
from services.master.products import ProductCreate, ProductUpdate, create_product, list_products, update_product
from services.master.routings import list_routings
from services.org import organizations, plants, users
from services.org.organizations import OrganizationUpdate
from services.org.plants import PlantCreate, PlantUpdate
from services.org.users import UserCreate, UserUpdate
from services.production.work_order_reads import list_work_orders
from services.shopfloor import reads
from services.studio import breakdown, episodes, members, projects
from services.studio.episodes import EpisodeUpdate
from tests.conftest import T0
from tests.factories.org import World
from tests.factories.shopfloor import make_floor
from tests.factories.studio import actor, make_studio


@pytest.mark.parametrize("language, shown", [("ja", "星の種"), ("ko", "Star Seeds"), ("en", "Star Seeds")])
def test_the_second_name_shows_only_to_a_viewer_of_its_language(language, shown):
    assert pick("Star Seeds", "星の種", "ja", language) == shown


def test_without_a_main_name_the_second_one_shows_and_without_either_nothing():
    assert pick("", "第1話", "ja", "en") == "第1話"
    assert pick("", "", None, "ja") == ""


def test_the_viewer_is_the_person_being_served_when_no_language_is_given():
    with use_language("ko"):
        assert pick("Aurora", "오로라", "ko") == "오로라"
    with use_language("en"):
        assert pick("Aurora", "오로라", "ko") == "Aurora"


@pytest.mark.parametrize("text, language", [("灯台守", "ja"), ("さくら", "ja"), ("ｻｸﾗ", "ja"), ("오로라", "ko"),
                                            ("Aurora", None), ("", None)])
def test_the_script_says_the_language(text, language):
    assert guess_language(text) == language


def test_second_name_checks():
    problems: dict[str, str] = {}
    assert second_name(" 灯台守 ", None, problems) == ("灯台守", "ja")
    assert second_name("Lighthouse", "EN", problems) == ("Lighthouse", "en")
    assert second_name("", "ja", problems) == ("", None)                      # no name: no language
    assert second_name(None, None, problems, current=("オーロラ", "ja")) == ("オーロラ", "ja")
    assert second_name("오로라", None, problems, current=("オーロラ", "ja")) == ("오로라", "ko")
    assert problems == {}
    second_name("Aurore", "fr", problems)
    assert problems == {"name2_language": "Pick English, Japanese or Korean."}
    problems.clear()
    second_name("Aurora", None, problems, fields=("full_name2", "full_name2_language"))
    assert problems == {"full_name2_language": "Say which language the second name is in."}
    problems.clear()
    second_name("x" * 201, "en", problems)
    assert problems == {"name2": "Use at most 200 characters."}


def test_a_product_shows_its_japanese_name_to_a_japanese_viewer_and_is_found_by_either_name(session):
    world = World(session)
    planner = world.actor(world.planner1)
    with transaction(session):
        made = create_product(session, planner, ProductCreate(code="GK-1", name="Gasket", name2="ガスケット"), now=T0)
        create_product(session, planner, ProductCreate(code="BL-1", name="Bolt"), now=T0)
    assert (made.name2, made.name2_language) == ("ガスケット", "ja")
    with use_language("ja"):
        assert [p.display_name for p in list_products(session, planner)] == ["Bolt", "ガスケット"]
    with use_language("ko"):
        assert [p.display_name for p in list_products(session, planner)] == ["Bolt", "Gasket"]
    for typed in ("ガスケット", "ｶﾞｽｹｯﾄ", "gasket", "ＧＡＳＫＥＴ"):
        assert [p.code for p in list_products(session, planner, search=typed)] == ["GK-1"], typed


def test_a_product_refuses_an_unsupported_language_and_audits_a_change_of_its_second_name(session):
    world = World(session)
    planner = world.actor(world.planner1)
    with transaction(session):
        made = create_product(session, planner, ProductCreate(code="GK-1", name="Gasket"), now=T0)
    with pytest.raises(Invalid) as refused:
        create_product(session, planner, ProductCreate(code="GK-2", name="Gasket", name2="Joint", name2_language="fr"),
                       now=T0)
    assert refused.value.fields == {"name2_language": "Pick English, Japanese or Korean."}
    with pytest.raises(Invalid) as refused:
        update_product(session, planner, made.id, ProductUpdate(name2="Joint"), now=T0)
    assert refused.value.fields == {"name2_language": "Say which language the second name is in."}
    with transaction(session):
        changed = update_product(session, planner, made.id, ProductUpdate(name2="개스킷"), now=T0)
        cleared = update_product(session, planner, made.id, ProductUpdate(name2=""), now=T0)
    assert (changed.name2_language, cleared.name2, cleared.name2_language) == ("ko", "", None)
    updates = session.exec(select(AuditEntry).where(AuditEntry.entity == "product", AuditEntry.action == "update")
                           .order_by(AuditEntry.id)).all()
    assert [e.changes for e in updates] == [
        {"name2": {"before": "", "after": "개스킷"}, "name2_language": {"before": None, "after": "ko"}},
        {"name2": {"before": "개스킷", "after": ""}, "name2_language": {"before": "ko", "after": None}}]


def test_plants_people_and_the_organization_take_a_second_name(session):
    world = World(session)
    admin = world.actor(world.admin_a)
    with transaction(session):
        plant = plants.create_plant(session, admin, PlantCreate(code="OSK", name="Osaka works", name2="大阪工場"), now=T0)
        person = users.create_user(session, admin, UserCreate(username="kim.minji", full_name="Kim Minji",
                                                               full_name2="김민지", password="Correct-horse-9"), now=T0)
        org = organizations.update_organization(session, admin, OrganizationUpdate(name2="オーガ A"), now=T0)
    admin = world.actor(world.admin_a)             # now with access to the new plant
    with use_language("ja"):
        assert plants.get_plant(session, admin, plant.id).display_name == "大阪工場"
        assert organizations.get_organization(session, admin).display_name == "オーガ A"
        assert users.get_user(session, admin, person.id).display_name == "Kim Minji"
    with use_language("ko"):
        assert users.get_user(session, admin, person.id).display_name == "김민지"
        assert plants.get_plant(session, admin, plant.id).display_name == "Osaka works"
    assert (org.name, org.name2_language) == ("Org A", "ja")
    assert [u.username for u in users.list_users(session, admin, search="김민지")] == ["kim.minji"]
    with pytest.raises(Invalid) as refused:
        plants.update_plant(session, admin, plant.id, PlantUpdate(name2_language="zh"), now=T0)
    assert refused.value.fields == {"name2_language": "Pick English, Japanese or Korean."}
    with pytest.raises(Invalid):
        users.update_user(session, admin, person.id, UserUpdate(full_name2="Minji", full_name2_language="de"), now=T0)
    with pytest.raises(Forbidden):
        organizations.update_organization(session, world.actor(world.planner1), OrganizationUpdate(name2="x"), now=T0)


def test_studio_projects_episodes_assets_and_member_slots_show_the_viewers_name(session, world):
    studio = make_studio(session, world)          # its project: "Star Seeds", second name 星の種
    pm = actor(session, studio.pm)
    with transaction(session):
        episode = episodes.update_episode(session, pm, studio.episode_id,
                                          EpisodeUpdate(name="The seed", name2="種"), now=T0)
        asset = breakdown.create_asset(session, pm, studio.project_id, breakdown.AssetCreate(
            code="CH01", name="Heroine", name2="주인공", name2_language="ko"), now=T0)
        slot = members.create_member(session, pm, studio.project_id, members.MemberCreate(
            role_title="Colour", person_name="Park Jisoo", person_name2="박지수"), now=T0)
    assert (episode.name2_language, asset.name2_language, slot.person_name2_language) == ("ja", "ko", "ko")
    with use_language("ja"):
        assert projects.get_project_read(session, pm, studio.project_id).display_name == "星の種"
        assert [e.display_name for e in episodes.list_episodes(session, pm, studio.project_id)] == ["種"]
        assert [a.display_name for a in breakdown.list_assets(session, pm, studio.project_id)] == ["Heroine"]
    with use_language("ko"):
        assert [a.display_name for a in breakdown.list_assets(session, pm, studio.project_id)] == ["주인공"]
        credited = {c.name: c.display_name for c in members.credits(session, pm, studio.project_id)}
        assert credited["Park Jisoo"] == "박지수"
    assert [p.number for p in projects.list_projects(session, pm, search="星の種")] == \
        [projects.get_project_read(session, pm, studio.project_id).number]
    with pytest.raises(Invalid) as refused:
        episodes.create_episode(session, pm, studio.project_id, 2, name2="Sprout", now=T0)
    assert refused.value.fields == {"name2_language": "Say which language the second name is in."}


def test_the_operators_queue_the_andon_board_and_the_schedule_name_products_and_plants_in_the_viewers_language(
        session, world):
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=10, planned_start=T0)
    with transaction(session):
        product = session.get(Product, session.get(WorkOrder, floor.work_order_id).product_id)
        product.name2, product.name2_language = "カット部品", "ja"
        plant = session.get(Plant, world.plant1)
        plant.name2, plant.name2_language = "第一工場", "ja"
        session.add_all([product, plant])
    operator, planner = world.actor(world.operator1), world.actor(world.planner1)
    with use_language("ja"):
        queue = reads.machine_queue(session, operator, floor.machine_id, now=T0)
        board = andon.board(session, planner, world.plant1, now=T0)
    assert {j.product_name for j in queue.queue} == {"カット部品"} and board.plant_name == "第一工場"
    with use_language("ko"):
        queue = reads.machine_queue(session, operator, floor.machine_id, now=T0)
        board = andon.board(session, planner, world.plant1, now=T0)
    assert {j.product_name for j in queue.queue} == {product.name} and board.plant_name == plant.name
    for typed in ("カット部品", "ｶｯﾄ部品"):          # work orders and routings are found by the second name too
        found = list_work_orders(session, planner, search=typed)
        assert [w.id for w in found.items] == [floor.work_order_id], typed
        assert {r.product_id for r in list_routings(session, planner, search=typed)} == {product.id}, typed
