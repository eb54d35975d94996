"""Names in two languages over HTTP: read models carry `display_name` in the request's Accept-Language beside
`name`, search finds the second name, and an unsupported language of a second name is a field error."""
from __future__ import annotations

from tests.api.conftest import assert_error


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
