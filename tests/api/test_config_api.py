"""Type lists, custom fields and notifications over real HTTP: CRUD, 409 for a value in use,
custom values on products and work orders with filters and exports, the caller's own
notifications (in the request's language), and isolation between organizations."""
from __future__ import annotations

import csv
import io

from models.base import utcnow
from models.user import User
from services.config import notifications
from services.core.db import transaction
from services.core.messages import t
from tests.api.conftest import assert_error
from tests.factories.production import make_line, make_work_order


def test_type_lists_over_http(client, world, as_user):
    admin = as_user("admin.a")
    keys = {t["key"] for t in client.get("/type-lists", headers=admin).json()}
    assert {"defect_codes", "root_cause_categories", "dispositions", "scrap_reasons", "downtime_reasons"} <= keys
    values = client.get("/type-lists/root_cause_categories/values", headers=admin).json()
    assert [v["code"] for v in values] == ["MAN", "MACHINE", "METHOD", "MATERIAL", "MEASUREMENT", "ENVIRONMENT"]

    added = client.post("/type-lists/defect_codes/values", headers=admin, json={"code": "pore", "label": "Porosity"})
    assert added.status_code == 201 and added.json()["code"] == "PORE"
    bad = client.post("/type-lists/defect_codes/values", headers=admin, json={"code": "x y", "label": ""})
    assert set(assert_error(bad, 422, "invalid")["fields"]) == {"code", "label"}
    retired = client.post(f"/type-lists/defect_codes/values/{added.json()['id']}/retire", headers=admin)
    assert retired.json()["is_active"] is False
    active = client.get("/type-lists/defect_codes/values", headers=admin).json()
    assert "PORE" not in [v["code"] for v in active]
    assert "PORE" in [v["code"] for v in client.get("/type-lists/defect_codes/values?include_retired=true",
                                                    headers=admin).json()]
    assert client.delete(f"/type-lists/defect_codes/values/{added.json()['id']}", headers=admin).status_code == 204
    assert_error(client.delete("/type-lists/defect_codes", headers=admin), 409, "conflict")
    assert client.post("/type-lists", headers=admin, json={"key": "suppliers", "name": "Suppliers"}).status_code == 201
    assert client.delete("/type-lists/suppliers", headers=admin).status_code == 204

    planner = as_user("planner.one")
    assert client.get("/type-lists/defect_codes/values", headers=planner).status_code == 200
    assert_error(client.post("/type-lists/defect_codes/values", headers=planner, json={"code": "A", "label": "A"}),
                 403, "forbidden")


def test_custom_fields_on_products_filter_and_export(client, world, as_user):
    admin = as_user("admin.a")
    made = client.post("/custom-fields", headers=admin, json={
        "entity_type": "product", "key": "weight", "label": "Weight", "field_type": "number", "unit": "kg",
        "min_value": "0", "max_value": "100", "required": True})
    assert made.status_code == 201, made.text
    client.post("/custom-fields", headers=admin, json={"entity_type": "product", "key": "defect", "label": "Defect",
                                                       "field_type": "choice", "type_list_key": "defect_codes"})
    crack = next(v for v in client.get("/type-lists/defect_codes/values", headers=admin).json() if v["code"] == "CRACK")
    refused = client.post("/products", headers=admin, json={"code": "A", "name": "A", "custom": {"weight": "500"}})
    assert assert_error(refused, 422, "invalid")["fields"] == {"custom.weight": "Must be at most 100 kg."}
    missing = client.post("/products", headers=admin, json={"code": "A", "name": "A"})
    assert assert_error(missing, 422, "invalid")["fields"] == {"custom.weight": "Required."}
    a = client.post("/products", headers=admin, json={"code": "A", "name": "A",
                                                      "custom": {"weight": "12.50", "defect": crack["id"]}})
    assert a.status_code == 201 and a.json()["custom"] == {"weight": "12.5", "defect": crack["id"]}
    client.post("/products", headers=admin, json={"code": "B", "name": "B", "custom": {"weight": 3}})

    assert [p["code"] for p in client.get("/products?custom.weight=3", headers=admin).json()] == ["B"]
    assert [p["code"] for p in client.get(f"/products?custom.defect={crack['id']}", headers=admin).json()] == ["A"]
    assert_error(client.get("/products?custom.colour=red", headers=admin), 422, "invalid")
    exported = client.get("/products?format=csv", headers=admin)
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["Code"], r["Weight (kg)"], r["Defect"]) for r in rows] == [("A", "12.5", "Crack"), ("B", "3", "")]

    changed = client.patch(f"/custom-fields/values/product/{a.json()['id']}", headers=admin, json={"defect": None})
    assert changed.status_code == 200 and changed.json() == {"weight": "12.5"}
    assert_error(client.delete(f"/custom-fields/{made.json()['id']}", headers=admin), 409, "conflict")
    assert client.post(f"/custom-fields/{made.json()['id']}/retire", headers=admin).json()["is_active"] is False
    listed = client.get("/custom-fields?entity_type=product&include_retired=true", headers=admin).json()
    assert [(d["key"], d["is_active"]) for d in listed] == [("weight", False), ("defect", True)]


def test_work_order_custom_values_filter_and_export(client, session, world, as_user):
    admin, planner = as_user("admin.a"), as_user("planner.one")
    client.post("/custom-fields", headers=admin, json={"entity_type": "work_order", "key": "customer_po",
                                                       "label": "Customer PO", "field_type": "text"})
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    wo, _ = make_work_order(session, world.org_a, world.plant1, line)
    make_work_order(session, world.org_a, world.plant1, line)
    set_ = client.patch(f"/custom-fields/values/work_order/{wo}", headers=planner, json={"customer_po": "PO-9"})
    assert set_.json() == {"customer_po": "PO-9"}
    assert client.get(f"/custom-fields/values/work_order/{wo}", headers=planner).json() == {"customer_po": "PO-9"}
    page = client.get("/work-orders?custom.customer_po=po-9", headers=planner).json()
    assert [w["id"] for w in page["items"]] == [wo] and page["items"][0]["custom"] == {"customer_po": "PO-9"}
    xlsx = client.get("/work-orders?format=xlsx", headers=planner)
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = list(csv.DictReader(io.StringIO(client.get("/work-orders?format=csv", headers=planner)
                                           .content.decode("utf-8-sig"))))
    assert sorted(r["Customer PO"] for r in rows) == ["", "PO-9"]
    assert_error(client.patch(f"/custom-fields/values/work_order/{wo}", headers=as_user("op.one"),
                              json={"customer_po": "X"}), 403, "forbidden")


def test_my_notifications_over_http(client, session, world, as_user):
    session.get(User, world.operator1).email = "op@example.com"
    session.commit()
    with transaction(session):
        notifications.notify(session, organization_id=world.org_a, title="Check M1", kind="alert",
                             user_ids=[world.operator1], now=utcnow())
    operator = as_user("op.one")
    page = client.get("/notifications", headers=operator).json()
    assert (page["total"], page["unread"], page["items"][0]["title"]) == (1, 1, "Check M1")
    note_id = page["items"][0]["id"]
    assert_error(client.post(f"/notifications/{note_id}/read", headers=as_user("planner.one")), 404, "not_found")
    assert client.post(f"/notifications/{note_id}/read", headers=operator).json()["read_at"]
    assert client.post("/notifications/read-all", headers=operator).json() == {"marked": 0}
    pref = client.put("/notifications/preferences/alert", headers=operator, json={"in_app": True, "email": False})
    assert pref.json() == {"kind": "alert", "label": "Alerts (SPC, quality)", "in_app": True, "email": False}
    assert {p["kind"]: p["email"] for p in client.get("/notifications/preferences", headers=operator).json()}["alert"] \
        is False


def test_my_notifications_read_in_the_requests_language(client, session, world, as_user):
    with transaction(session):
        notifications.notify(session, organization_id=world.org_a, kind="alert", user_ids=[world.operator1],
                             title=t("{number}: SLA still breached", number="MT-000009"),
                             body=t("A product with code {code} exists.", code="FG-9"), now=utcnow())
    operator = as_user("op.one")
    for language, title, body in (("ja", "MT-000009：SLA 違反が続いています", "コード FG-9 の製品はすでに存在します。"),
                                  ("ko-KR,ko;q=0.9", "MT-000009: SLA 위반이 계속되고 있습니다",
                                   "코드가 FG-9인 제품이 이미 있습니다."),
                                  ("en", "MT-000009: SLA still breached", "A product with code FG-9 exists.")):
        item = client.get("/notifications", headers={**operator, "Accept-Language": language}).json()["items"][0]
        assert (item["title"], item["body"]) == (title, body)
    marked = client.post(f"/notifications/{item['id']}/read", headers={**operator, "Accept-Language": "ja"}).json()
    assert marked["title"] == "MT-000009：SLA 違反が続いています"


def test_another_organization_sees_and_changes_nothing(client, session, world, as_user):
    admin_a, admin_b = as_user("admin.a"), as_user("admin.b")
    field = client.post("/custom-fields", headers=admin_a, json={"entity_type": "product", "key": "secret",
                                                                "label": "Secret", "field_type": "text"}).json()
    product = client.post("/products", headers=admin_a, json={"code": "S", "name": "S",
                                                              "custom": {"secret": "x"}}).json()
    value = client.get("/type-lists/defect_codes/values", headers=admin_a).json()[0]
    assert client.get("/custom-fields?entity_type=product", headers=admin_b).json() == []
    assert_error(client.patch(f"/custom-fields/{field['id']}", headers=admin_b, json={"label": "Mine"}), 404, "not_found")
    assert_error(client.delete(f"/custom-fields/{field['id']}", headers=admin_b), 404, "not_found")
    assert_error(client.get(f"/custom-fields/values/product/{product['id']}", headers=admin_b), 404, "not_found")
    assert_error(client.patch(f"/custom-fields/values/product/{product['id']}", headers=admin_b,
                              json={"secret": "y"}), 404, "not_found")
    assert_error(client.patch(f"/type-lists/defect_codes/values/{value['id']}", headers=admin_b,
                              json={"label": "Mine"}), 404, "not_found")
    assert_error(client.delete(f"/type-lists/defect_codes/values/{value['id']}", headers=admin_b), 404, "not_found")
    assert client.get(f"/custom-fields/values/product/{product['id']}", headers=admin_a).json() == {"secret": "x"}


def test_custom_field_and_type_list_refusals_answer_in_the_requests_language(client, world, as_user):
    admin = as_user("admin.a")
    ja = {**admin, "Accept-Language": "ja"}
    made = client.post("/custom-fields", headers=admin, json={
        "entity_type": "product", "key": "weight", "label": "Weight", "field_type": "number", "unit": "kg",
        "max_value": "1500"})
    assert made.status_code == 201, made.text
    refused = client.post("/products", headers=ja, json={"code": "A", "name": "A", "custom": {"weight": "2000"}})
    assert assert_error(refused, 422, "invalid")["fields"] == {"custom.weight": "1,500 kg 以下にしてください。"}
    taken = client.post("/custom-fields", headers=ja, json={"entity_type": "product", "key": "weight",
                                                             "label": "Again", "field_type": "text"})
    error = assert_error(taken, 409, "conflict")
    assert error["message"] == "この対象の種類には、キー weight の項目がすでにあります。"
    assert error["fields"] == {"key": "すでに使われています。"}
    shipped = assert_error(client.delete("/type-lists/defect_codes", headers={**admin, "Accept-Language": "ko"}),
                           409, "conflict")
    assert shipped["message"].endswith("은(는) Takt 기본 목록이라 삭제할 수 없습니다. 대신 값을 사용 중지하세요.")
