"""Names in two languages over HTTP: read models carry `display_name` in the request's Accept-Language beside
`name`, search finds the second name, and an unsupported language of a second name is a field error."""
from __future__ import annotations

from tests.api.conftest import assert_error
from tests.factories.production import make_line


def test_accept_language_ja_returns_the_japanese_display_name(client, world, as_user):
    planner = as_user("planner.one")
    made = client.post("/products", json={"code": "gk-1", "name": "Gasket", "name2": "ガスケット"}, headers=planner)
    assert made.status_code == 201, made.text
    assert (made.json()["name2"], made.json()["name2_language"]) == ("ガスケット", "ja")
    product_id = made.json()["id"]
    ja = client.get(f"/products/{product_id}", headers={**planner, "Accept-Language": "ja-JP,ja;q=0.9"}).json()
    en = client.get(f"/products/{product_id}", headers={**planner, "Accept-Language": "en"}).json()
    assert (ja["name"], ja["display_name"]) == ("Gasket", "ガスケット")
    assert (en["name"], en["display_name"]) == ("Gasket", "Gasket")
    found = client.get("/products", params={"search": "ｶﾞｽｹｯﾄ"}, headers={**planner, "Accept-Language": "ja"}).json()
    assert [(p["code"], p["display_name"]) for p in found] == [("GK-1", "ガスケット")]


def test_an_unsupported_language_of_a_second_name_is_a_field_error(client, world, as_user):
    planner = as_user("planner.one")
    response = client.post("/products", json={"code": "gk-2", "name": "Gasket", "name2": "Joint",
                                              "name2_language": "fr"}, headers=planner)
    error = assert_error(response, 422, "invalid", name2_language="")
    assert error["fields"]["name2_language"] == "Pick English, Japanese or Korean."
    japanese = client.post("/products", json={"code": "gk-2", "name": "Gasket", "name2": "Joint"},
                           headers={**planner, "Accept-Language": "ja"})
    error = assert_error(japanese, 422, "invalid", name2_language="")
    assert error["fields"]["name2_language"] == "第 2 言語での名前がどの言語か選んでください。"


def test_the_organization_and_plants_answer_in_the_request_language(client, world, as_user):
    admin = as_user("admin.a")
    renamed = client.patch("/organization", json={"name2": "에이 조직"}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    assert client.get("/organization", headers={**admin, "Accept-Language": "ko"}).json()["display_name"] == "에이 조직"
    assert client.get("/organization", headers={**admin, "Accept-Language": "ja"}).json()["display_name"] == "Org A"
    plant_id = client.get("/plants", headers=admin).json()[0]["id"]
    changed = client.patch(f"/plants/{plant_id}", json={"name2": "第一工場"}, headers=admin)
    assert changed.status_code == 200, changed.text
    plants = client.get("/plants", headers={**admin, "Accept-Language": "ja"}).json()
    assert plants[0]["display_name"] == "第一工場"
    assert_error(client.patch("/organization", json={"name2": "x"}, headers=as_user("planner.one")), 403, "forbidden")


def test_an_order_and_its_work_order_name_the_product_and_customer_in_the_request_language(client, session, world,
                                                                                           as_user):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    planner = as_user("planner.one")
    product = client.patch(f"/products/{line.product_id}", json={"name2": "ブラケット"}, headers=planner)
    assert product.status_code == 200, product.text
    renamed = client.patch(f"/customers/{line.customer_id}", json={"name2": "株式会社アクメ"}, headers=planner)
    assert (renamed.json()["name2"], renamed.json()["name2_language"]) == ("株式会社アクメ", "ja")
    made = client.post("/orders", headers=planner, json={
        "plant_id": world.plant1, "customer_id": line.customer_id,
        "lines": [{"product_id": line.product_id, "quantity": 3, "promised_date": "2026-04-01"}]})
    assert made.status_code == 201, made.text
    released = client.post(f"/orders/{made.json()['id']}/release", headers=planner)
    assert released.status_code == 200, released.text
    ja, en = {**planner, "Accept-Language": "ja,en;q=0.5"}, {**planner, "Accept-Language": "en"}
    order_ja = client.get(f"/orders/{made.json()['id']}", headers=ja).json()
    assert [ln["product_name"] for ln in order_ja["lines"]] == ["ブラケット"]
    assert order_ja["customer_name"] == "株式会社アクメ"
    assert {w["product_name"] for w in order_ja["work_orders"]} == {"ブラケット"}
    wo_id = order_ja["work_orders"][0]["id"]
    assert client.get(f"/work-orders/{wo_id}", headers=ja).json()["product_name"] == "ブラケット"
    assert {w["product_name"] for w in client.get("/work-orders", headers=ja).json()["items"]} == {"ブラケット"}
    main = client.get(f"/products/{line.product_id}", headers=en).json()["name"]
    assert client.get(f"/work-orders/{wo_id}", headers=en).json()["product_name"] == main
    assert client.get(f"/orders/{made.json()['id']}", headers=en).json()["lines"][0]["product_name"] == main


def test_machines_and_departments_are_renamed_in_a_second_language_over_http(client, session, world, as_user):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    admin = as_user("admin.a")
    machine_id = line.machine_ids[0]
    changed = client.patch(f"/machines/{machine_id}", json={"name2": "1호 선반"}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert client.get(f"/machines/{machine_id}", headers={**admin, "Accept-Language": "ko"}).json()["display_name"] \
        == "1호 선반"
    refused = client.patch(f"/departments/{world.dept1}", json={"name2": "Usinage", "name2_language": "fr"},
                           headers=admin)
    assert_error(refused, 422, "invalid", name2_language="")
    dept = client.patch(f"/departments/{world.dept1}", json={"name2": "가공팀"}, headers=admin)
    assert dept.status_code == 200, dept.text
    listed = client.get(f"/plants/{world.plant1}/departments", headers={**admin, "Accept-Language": "ko"}).json()
    assert {d["id"]: d["display_name"] for d in listed}[world.dept1] == "가공팀"
    customers = client.post("/customers", json={"code": "SEOUL", "name": "Seoul Parts", "name2": "서울부품"},
                            headers=as_user("planner.one"))
    assert customers.status_code == 201, customers.text
    assert client.get("/customers", params={"search": "서울"}, headers={**admin, "Accept-Language": "ko"}).json()[0][
        "display_name"] == "서울부품"
