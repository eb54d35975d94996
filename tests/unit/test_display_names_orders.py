"""Names in two languages on orders and the places they name: order lines, order and work-order summaries and
the order import's row report name products and customers in the viewer's language; customers, machines and
departments keep a second name (checked, audited, searchable in either width) shown on lists, the andon board,
the dashboard's filters and the packing list."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.catalog import Customer, Product
from models.organization import Department
from models.resources import Machine
from services.core.db import transaction
from services.core.errors import Invalid
from services.core.languages import use_language
from services.kpi import andon, dashboard
from services.master import customers, work_centers
from services.master.customers import CustomerCreate, CustomerUpdate
from services.master.work_centers import MachineCreate, MachineUpdate
from services.org import plants
from services.org.plants import DepartmentCreate, DepartmentUpdate
from services.production import order_import, orders, work_order_reads, work_orders
from tests.conftest import T0
from tests.factories.orders import make_shop, order


def _name_product(session, product_id: int, name2: str, language: str) -> Product:
    with transaction(session):
        product = session.get(Product, product_id)
        product.name2, product.name2_language = name2, language
        session.add(product)
    return product


def test_order_lines_and_work_orders_name_the_product_in_the_viewers_language(session):
    shop = make_shop(session)
    line = shop.line
    _name_product(session, line.product_id, "ブラケット", "ja")
    with transaction(session):
        customer = session.get(Customer, line.customer_id)
        customer.name2, customer.name2_language = "株式会社アクメ", "ja"
        session.add(customer)
    made = order(session, shop.planner, shop.world.plant1, line.customer_id, [(line.product_id, 4)], now=T0)
    with transaction(session):
        released = work_orders.release_order(session, shop.planner, made.id, now=T0)
    main = session.get(Product, line.product_id).name
    with use_language("ja"):
        detail = orders.get_order(session, shop.planner, made.id)
        page = work_order_reads.list_work_orders(session, shop.planner, plant_id=shop.world.plant1)
        wo = work_order_reads.get_work_order(session, shop.planner, released[0].id)
        listed = orders.list_orders(session, shop.planner, plant_id=shop.world.plant1)
    assert [ln.product_name for ln in detail.lines] == ["ブラケット"]
    assert detail.customer_name == "株式会社アクメ" and listed.items[0].customer_name == "株式会社アクメ"
    assert {w.product_name for w in page.items} == {"ブラケット"} and wo.product_name == "ブラケット"
    assert {w.product_name for w in detail.work_orders} == {"ブラケット"}
    with use_language("ko"):
        detail = orders.get_order(session, shop.planner, made.id)
        wo = work_order_reads.get_work_order(session, shop.planner, released[0].id)
    assert [ln.product_name for ln in detail.lines] == [main] and wo.product_name == main
    assert detail.customer_name == customer.name
    for typed in ("株式会社アクメ", "ｱｸﾒ"):            # orders are found by the customer's second name too
        assert [o.id for o in orders.list_orders(session, shop.planner, search=typed).items] == [made.id], typed


def test_the_order_import_report_names_known_products_and_customers_in_the_viewers_language(session):
    shop = make_shop(session)
    product = _name_product(session, shop.line.product_id, "브래킷", "ko")
    customer = session.get(Customer, shop.line.customer_id)
    data = (f"order_ref,customer_code,product_code,quantity,promised_date\n"
            f"R1,{customer.code},{product.code},5,2026-03-20\nR2,{customer.code},NOPE,1,2026-03-20\n").encode()
    with use_language("ko"):
        preview = order_import.preview_import(session, shop.planner, shop.world.plant1, "orders.csv", data)
    assert [(r.product_name, r.customer_name) for r in preview.rows] == [("브래킷", customer.name),
                                                                        ("", customer.name)]
    with use_language("en"):
        preview = order_import.preview_import(session, shop.planner, shop.world.plant1, "orders.csv", data)
    assert preview.rows[0].product_name == product.name


def test_a_customer_keeps_a_second_name_checked_audited_and_found_in_either_width(session, engine):
    shop = make_shop(session)
    with transaction(session):
        made = customers.create_customer(session, shop.planner, CustomerCreate(code="kt", name="Kanto Tools",
                                                                               name2="関東ツール"), now=T0)
    assert (made.name2, made.name2_language) == ("関東ツール", "ja")
    with use_language("ja"):
        assert customers.get_customer(session, shop.planner, made.id).display_name == "関東ツール"
        found = customers.list_customers(session, shop.planner, search="ﾂｰﾙ")
    assert [c.display_name for c in found] == ["関東ツール"]
    assert customers.get_customer(session, shop.planner, made.id).display_name == "Kanto Tools"
    with pytest.raises(Invalid) as refused, transaction(session):
        customers.update_customer(session, shop.planner, made.id, CustomerUpdate(name2="Kanto", name2_language="fr"),
                                  now=T0)
    assert refused.value.fields == {"name2_language": "Pick English, Japanese or Korean."}
    with transaction(session):
        changed = customers.update_customer(session, shop.planner, made.id, CustomerUpdate(name2="간토 공구"), now=T0)
    assert (changed.name2, changed.name2_language) == ("간토 공구", "ko")
    with transaction(session):
        cleared = customers.update_customer(session, shop.planner, made.id, CustomerUpdate(name2=""), now=T0)
    assert (cleared.name2, cleared.name2_language) == ("", None)
    entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "customer", AuditEntry.entity_id == made.id,
                                                    AuditEntry.action == "update").order_by(AuditEntry.id)).all()
    assert [e.changes["name2"]["after"] for e in entries] == ["간토 공구", ""]
    assert entries[-1].changes["name2_language"] == {"before": "ko", "after": None}


def test_machines_and_departments_show_their_second_name_on_lists_the_andon_board_and_the_dashboard_filters(session):
    shop = make_shop(session)
    world, admin = shop.world, shop.admin
    machine_id = shop.line.machine_ids[0]
    with transaction(session):
        machine = work_centers.update_machine(session, admin, machine_id,
                                              MachineUpdate(name2="第一旋盤", name2_language="ja"), now=T0)
        dept = plants.update_department(session, admin, world.dept1, DepartmentUpdate(name2="機械加工課"), now=T0)
    assert (machine.name2, dept.name2_language) == ("第一旋盤", "ja")
    with use_language("ja"):
        assert work_centers.get_machine(session, admin, machine_id).display_name == "第一旋盤"
        assert [m.id for m in work_centers.list_machines(session, admin, search="旋盤")] == [machine_id]
        tiles = {t.machine_id: t for t in andon.board(session, admin, world.plant1, now=T0).tiles}
        choices = dashboard.choices(session, admin)
        departments = {d.id: d.display_name for d in plants.list_departments(session, admin, world.plant1)}
    assert (tiles[machine_id].name, tiles[machine_id].department) == ("第一旋盤", "機械加工課")
    assert departments[world.dept1] == "機械加工課"
    assert {c.id: c.label for c in choices.departments}[world.dept1] == "機械加工課"
    assert {c.id: c.label for c in choices.machines}[machine_id].endswith("第一旋盤")
    with use_language("en"):
        tiles = {t.machine_id: t for t in andon.board(session, admin, world.plant1, now=T0).tiles}
    assert tiles[machine_id].name == session.get(Machine, machine_id).name
    assert tiles[machine_id].department == session.get(Department, world.dept1).name


def test_new_machines_and_departments_take_a_checked_second_name(session):
    shop = make_shop(session)
    world, admin = shop.world, shop.admin
    work_center_id = session.get(Machine, shop.line.machine_ids[0]).work_center_id
    with pytest.raises(Invalid) as refused, transaction(session):
        work_centers.create_machine(session, admin, MachineCreate(work_center_id=work_center_id, code="", name="Press",
                                                                  name2="Press"), now=T0)
    assert refused.value.fields.keys() == {"code", "name2_language"}       # reported together
    with transaction(session):
        made = work_centers.create_machine(session, admin, MachineCreate(work_center_id=work_center_id, code="PR-9",
                                                                         name="Press", name2="프레스 9호"), now=T0)
        dept = plants.create_department(session, admin, DepartmentCreate(plant_id=world.plant1, code="QA",
                                                                          name="Quality", name2="품질팀"), now=T0)
    with use_language("ko"):
        assert work_centers.get_machine(session, admin, made.id).display_name == "프레스 9호"
        assert {d.code: d.display_name for d in plants.list_departments(session, admin, world.plant1)}["QA"] == "품질팀"
    assert dept.display_name == "Quality"
    with pytest.raises(Invalid) as refused, transaction(session):
        plants.update_department(session, admin, dept.id, DepartmentUpdate(name2="Quality", name2_language="de"),
                                 now=T0)
    assert refused.value.fields == {"name2_language": "Pick English, Japanese or Korean."}
