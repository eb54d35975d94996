"""Orders, work orders and order import over real HTTP: the same rules and refusals as the services
(404 outside one's plants, 403 without PLAN, 409 for refused transitions, 422 with field messages),
and a multipart import that answers 422 with the per-row report and writes nothing."""
from __future__ import annotations

import io

import openpyxl
import pytest

from models.catalog import ProductType
from models.orders import CustomerOrder, OrderLine, WorkOrder
from tests.api.conftest import assert_error
from tests.factories.db import count, snapshot
from tests.factories.orders import customer, plain_product
from tests.factories.production import make_line, make_work_order

CSV_HEADER = "order_ref,customer_code,product_code,quantity,promised_date,unit_price,note\n"


@pytest.fixture
def line(session, world):
    return make_line(session, world.org_a, world.plant1, world.dept1)


@pytest.fixture
def planner(as_user):
    return as_user("planner.one")


def new_order(client, headers, world, line, quantities=(5,), view="full"):
    response = client.post("/orders", headers=headers, params={"view": view}, json={
        "plant_id": world.plant1, "customer_id": line.customer_id, "customer_reference": "PO-API",
        "lines": [{"product_id": line.product_id, "quantity": q, "promised_date": "2026-04-01",
                   "unit_price": "9.95"} for q in quantities]})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_get_list_edit_release_and_cancel_an_order(client, world, line, planner):
    created = new_order(client, planner, world, line, (5, 7))
    assert (created["number"], created["status"], created["total_quantity"]) == ("SO-000001", "open", 12)
    assert created["lines"][0]["unit_price"] == "9.9500"
    assert client.get(f"/orders/{created['id']}", headers=planner).json()["number"] == "SO-000001"
    listed = client.get("/orders", headers=planner, params={"search": "po-api", "status": "open", "count": True}).json()
    assert (listed["total"], [o["number"] for o in listed["items"]]) == (1, ["SO-000001"])

    first = created["lines"][0]
    edited = client.patch(f"/orders/{created['id']}", headers=planner, params={"view": "full"}, json={"lines": [
        {"id": first["id"], "product_id": line.product_id, "quantity": 6, "promised_date": "2026-04-02"}]})
    assert edited.status_code == 200, edited.text
    assert [(ln["line_no"], ln["quantity"]) for ln in edited.json()["lines"]] == [(1, 6)]

    released = client.post(f"/orders/{created['id']}/release", headers=planner, params={"view": "full"})
    assert released.status_code == 200, released.text
    body = released.json()
    assert body["status"] == "released"
    assert [(w["number"], w["quantity"], w["status"]) for w in body["work_orders"]] == [("WO-000001", 6, "released")]
    assert [h["to_status"] for h in body["history"]] == ["open", "released"]

    again = client.post(f"/orders/{created['id']}/release", headers=planner)
    error = assert_error(again, 409, "invalid_transition")
    assert "status" in error["fields"]
    assert "is released and cannot become released" in again.json()["error"]["message"]

    cancelled = client.post(f"/orders/{created['id']}/cancel", headers=planner, params={"view": "full"},
                            json={"reason": "no longer needed"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["work_orders"][0]["status"] == "cancelled"


def test_edit_and_cancel_answer_lean_by_default(client, world, line, planner):
    created = new_order(client, planner, world, line, (5, 7), view="lean")
    kept = created["line_ids"][1]
    edited = client.patch(f"/orders/{created['id']}", headers=planner, json={"note": "call first", "lines": [
        {"id": kept, "product_id": line.product_id, "quantity": 4, "promised_date": "2026-04-02"},
        {"product_id": line.product_id, "quantity": 1, "promised_date": "2026-04-03"}]})
    assert edited.status_code == 200, edited.text
    assert set(edited.json()) == {"id", "number", "status", "line_ids"}
    full = client.get(f"/orders/{created['id']}", headers=planner).json()
    assert [ln["id"] for ln in full["lines"]] == edited.json()["line_ids"]
    assert (edited.json()["line_ids"][0], [ln["quantity"] for ln in full["lines"]]) == (kept, [4, 1])

    client.post(f"/orders/{created['id']}/release", headers=planner)
    cancelled = client.post(f"/orders/{created['id']}/cancel", headers=planner)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json() == {"id": created["id"], "number": created["number"], "status": "cancelled"}
    after = client.get(f"/orders/{created['id']}", headers=planner).json()
    assert after["status"] == "cancelled" and {w["status"] for w in after["work_orders"]} == {"cancelled"}


def test_create_and_release_answer_lean_by_default(client, world, line, planner):
    created = new_order(client, planner, world, line, (5, 7), view="lean")
    assert set(created) == {"id", "number", "status", "line_ids"}
    assert (created["number"], created["status"], len(created["line_ids"])) == ("SO-000001", "open", 2)
    full = client.get(f"/orders/{created['id']}", headers=planner).json()
    assert [ln["id"] for ln in full["lines"]] == created["line_ids"]

    released = client.post(f"/orders/{created['id']}/release", headers=planner)
    assert released.status_code == 200, released.text
    assert set(released.json()) == {"id", "number", "status", "work_order_ids"}
    assert (released.json()["id"], released.json()["status"]) == (created["id"], "released")
    after = client.get(f"/orders/{created['id']}", headers=planner).json()
    assert [w["id"] for w in after["work_orders"]] == released.json()["work_order_ids"]
    assert after["status"] == "released"


def test_view_is_lean_or_full_and_nothing_else(client, world, line, planner):
    response = client.post("/orders", headers=planner, params={"view": "everything"}, json={
        "plant_id": world.plant1, "customer_id": line.customer_id,
        "lines": [{"product_id": line.product_id, "quantity": 1, "promised_date": "2026-04-01"}]})
    assert_error(response, 422, "invalid", view="")


def test_bad_order_input_is_422_with_field_messages(client, world, line, planner, engine):
    before = snapshot(engine)
    response = client.post("/orders", headers=planner, json={
        "plant_id": world.plant1, "customer_id": line.customer_id,
        "lines": [{"product_id": line.product_id, "quantity": 0, "promised_date": "2026-04-01"}]})
    error = assert_error(response, 422, "invalid", **{"lines.0.quantity": ""})
    assert error["fields"]["lines.0.quantity"] == "Enter a whole number from 1 to 1,000,000,000."
    assert_error(client.post("/orders", headers=planner, json={"plant_id": world.plant1}), 422, "invalid")
    assert snapshot(engine) == before


def test_release_without_routing_is_422_naming_the_product(client, session, world, line, planner):
    bare = plain_product(session, world.org_a, code="FG-NOROUTE", type=ProductType.FINISHED)
    order = client.post("/orders", headers=planner, json={
        "plant_id": world.plant1, "customer_id": line.customer_id,
        "lines": [{"product_id": bare, "quantity": 1, "promised_date": "2026-04-01"}]}).json()
    error = assert_error(client.post(f"/orders/{order['id']}/release", headers=planner), 422, "invalid")
    assert "FG-NOROUTE" in error["message"]


def test_other_plants_orders_are_404_and_operators_403(client, session, world, line, planner, as_user):
    line2 = make_line(session, world.org_a, world.plant2, world.dept2)
    admin = as_user("admin.a")
    other = client.post("/orders", headers=admin, json={
        "plant_id": world.plant2, "customer_id": line2.customer_id,
        "lines": [{"product_id": line2.product_id, "quantity": 1, "promised_date": "2026-04-01"}]}).json()
    assert_error(client.get(f"/orders/{other['id']}", headers=planner), 404, "not_found")
    assert_error(client.post(f"/orders/{other['id']}/release", headers=planner), 404, "not_found")
    assert client.get("/orders", headers=planner, params={"count": True}).json()["total"] == 0
    operator = as_user("op.one")
    assert_error(client.get("/orders", headers=operator), 403, "forbidden")
    assert_error(client.get("/orders"), 401, "unauthorized")


def test_lists_walk_by_keyset_cursor_count_only_when_asked_and_go_compact(client, session, world, line, planner):
    ids = [make_work_order(session, world.org_a, world.plant1, line, quantity=5)[0] for _ in range(5)]
    first = client.get("/work-orders", headers=planner, params={"limit": 2}).json()
    assert (first["total"], [w["id"] for w in first["items"]], first["next_after"]) == (None, [ids[4], ids[3]], ids[3])
    second = client.get("/work-orders", headers=planner, params={"limit": 2, "after": first["next_after"]}).json()
    assert [w["id"] for w in second["items"]] == [ids[2], ids[1]]
    last = client.get("/work-orders", headers=planner, params={"limit": 2, "after": second["next_after"],
                                                               "count": True}).json()
    assert ([w["id"] for w in last["items"]], last["next_after"], last["total"]) == ([ids[0]], None, 5)

    compact = client.get("/work-orders", headers=planner, params={"fields": "compact", "limit": 500}).json()
    assert set(compact["items"][0]) == {"id", "number", "plant_id", "product_id", "quantity", "quantity_good",
                                        "quantity_scrap", "status", "due_date"}
    assert [w["id"] for w in compact["items"]] == ids[::-1]

    for quantities in ((1,), (2,), (3,)):
        new_order(client, planner, world, line, quantities, view="lean")
    orders = client.get("/orders", headers=planner, params={"fields": "compact", "limit": 2}).json()
    assert [o["number"] for o in orders["items"]] == ["SO-000003", "SO-000002"] and orders["total"] is None
    rest = client.get("/orders", headers=planner, params={"after": orders["next_after"], "count": True}).json()
    assert ([o["number"] for o in rest["items"]], rest["next_after"], rest["total"]) == (["SO-000001"], None, 3)
    assert rest["items"][0]["total_quantity"] == 1


def test_work_orders_list_detail_transition_and_bulk_complete(client, session, world, line, planner, engine):
    ids = [make_work_order(session, world.org_a, world.plant1, line, quantity=10 * (i + 1), status="running")[0]
           for i in range(3)]
    page = client.get("/work-orders", headers=planner, params={"status": "running", "count": True}).json()
    assert page["total"] == 3
    assert {w["progress_percent"] for w in page["items"]} == {0}
    detail = client.get(f"/work-orders/{ids[0]}", headers=planner).json()
    assert [(o["sequence"], o["name"], o["quantity"]) for o in detail["operations"]] == [(10, "Cut", 10), (20, "Drill", 10)]

    paused = client.post(f"/work-orders/{ids[0]}/transitions", headers=planner, json={"status": "paused", "reason": "tool"})
    assert paused.status_code == 200, paused.text
    assert paused.json() == {"id": ids[0], "number": detail["number"], "status": "paused"}
    resumed = client.post(f"/work-orders/{ids[0]}/transitions", headers=planner, params={"view": "full"},
                          json={"status": "running"})
    assert (resumed.json()["status"], resumed.json()["progress_percent"]) == ("running", 0)
    paused = client.post(f"/work-orders/{ids[0]}/transitions", headers=planner, json={"status": "paused"})
    assert paused.json()["status"] == "paused"
    refused = client.post(f"/work-orders/{ids[0]}/transitions", headers=planner, json={"status": "planned"})
    error = assert_error(refused, 409, "invalid_transition")
    assert error["message"].endswith("is paused and cannot become planned. From paused it can become: "
                                     "cancelled, done, running.")
    bad = assert_error(client.post(f"/work-orders/{ids[0]}/transitions", headers=planner, json={"status": "flying"}),
                       422, "invalid")
    assert "status" in bad["fields"]

    done = client.post("/work-orders/complete", headers=planner, json={"ids": ids[:2]})
    assert done.status_code == 200, done.text
    assert [(set(w), w["status"]) for w in done.json()] == [({"id", "number", "status"}, "done")] * 2
    last = client.post("/work-orders/complete", headers=planner, params={"view": "full"}, json={"ids": ids[2:]})
    assert [(w["id"], w["status"], w["progress_percent"]) for w in last.json()] == [(ids[2], "done", 0)]
    assert count(engine, WorkOrder, WorkOrder.status == "done") == 3
    again = client.post("/work-orders/complete", headers=planner, json={"ids": ids})
    error = assert_error(again, 409, "invalid_transition")
    assert error["message"].startswith("3 of 3 work orders cannot become done; nothing was changed.")
    assert len(error["fields"]) == 3


def test_operator_cannot_change_work_orders(client, session, world, line, as_user):
    wo_id, _ = make_work_order(session, world.org_a, world.plant1, line)
    operator = as_user("op.one")
    assert client.get(f"/work-orders/{wo_id}", headers=operator).status_code == 200
    assert_error(client.post("/work-orders/complete", headers=operator, json={"ids": [wo_id]}), 403, "forbidden")


@pytest.fixture
def import_master(session, world):
    customer(session, world.org_a, "ACME")
    plain_product(session, world.org_a, code="FG-100", type=ProductType.FINISHED)
    plain_product(session, world.org_a, code="FG-200", type=ProductType.FINISHED)


def upload(client, headers, path, name, data, plant_id):
    return client.post(path, headers=headers, data={"plant_id": str(plant_id)},
                       files={"file": (name, data, "application/octet-stream")})


BAD_CSV = (CSV_HEADER + "PO-1,ACME,FG-100,10,2026-04-01,,\n"
           "PO-1,ACME,FG-999,3,2026-04-01,,\n"
           "PO-2,ACME,FG-200,-1,01/04/2026,,\n").encode()


def test_import_with_errors_is_422_with_the_row_report_and_writes_nothing(client, world, planner, import_master, engine):
    before = snapshot(engine)
    response = upload(client, planner, "/orders/import", "orders.csv", BAD_CSV, world.plant1)
    error = assert_error(response, 422, "invalid")
    assert error["message"] == "Nothing was imported: 2 of 3 rows have errors. Correct them and upload the file again."
    assert error["fields"] == {
        "row 3": "Unknown product 'FG-999'.",
        "row 4": "Quantity '-1' is not a whole number above 0. Promised date '01/04/2026' is not a date; write it as "
                 "YYYY-MM-DD, e.g. 2026-04-15."}
    report = response.json()["report"]
    assert [(r["row"], r["errors"]) for r in report["rows"]] == [
        (2, []), (3, ["Unknown product 'FG-999'."]),
        (4, ["Quantity '-1' is not a whole number above 0.",
             "Promised date '01/04/2026' is not a date; write it as YYYY-MM-DD, e.g. 2026-04-15."])]
    assert (report["ok"], report["error_rows"], report["lines"]) == (False, 2, 3)
    assert snapshot(engine) == before


def test_preview_then_import_a_good_file(client, world, planner, import_master, engine):
    data = (CSV_HEADER + "PO-1,ACME,FG-100,10,2026-04-01,1.25,\nPO-1,ACME,FG-200,4,2026-04-02,,\n"
            "PO-2,ACME,FG-100,1,2026-05-01,,\n").encode()
    shown = upload(client, planner, "/orders/import/preview", "orders.csv", data, world.plant1)
    assert shown.status_code == 200, shown.text
    assert (shown.json()["ok"], shown.json()["orders"], shown.json()["lines"]) == (True, 2, 3)
    assert count(engine, CustomerOrder) == 0
    imported = upload(client, planner, "/orders/import", "orders.csv", data, world.plant1)
    assert imported.status_code == 201, imported.text
    assert imported.json() == {"orders": 2, "lines": 3, "first_number": "SO-000001", "last_number": "SO-000002"}
    assert count(engine, OrderLine) == 3


def test_preview_reports_whole_file_problems(client, world, planner, import_master):
    shown = upload(client, planner, "/orders/import/preview", "orders.txt", b"hello", world.plant1)
    assert shown.status_code == 200
    assert shown.json()["ok"] is False
    assert shown.json()["file_errors"] == ["'orders.txt' is not an Excel workbook (.xlsx) or a CSV file (.csv); "
                                           "save it as one of those and upload it again."]
    missing = client.post("/orders/import", headers=planner, data={"plant_id": str(world.plant1)})
    assert_error(missing, 422, "invalid", file="")
    assert missing.json()["report"]["ok"] is False                  # the documented 422 body, always
    assert missing.json()["report"]["file_errors"] == ["Some fields are not valid."]


def test_import_into_another_plant_is_403(client, world, planner, import_master, engine):
    data = (CSV_HEADER + "PO-1,ACME,FG-100,10,2026-04-01,,\n").encode()
    assert_error(upload(client, planner, "/orders/import", "o.csv", data, world.plant2), 403, "forbidden")
    assert count(engine, CustomerOrder) == 0


@pytest.mark.parametrize("fmt, media", [("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                                        ("csv", "text/csv; charset=utf-8")])
def test_template_download(client, world, planner, fmt, media):
    response = client.get("/orders/import/template", headers=planner, params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"] == media
    assert f'filename="takt-order-import-template.{fmt}"' in response.headers["content-disposition"]
    if fmt == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    else:
        rows = [line.split(",") for line in response.content.decode("utf-8-sig").splitlines()]
    assert list(rows[0]) == ["order_ref", "customer_code", "product_code", "quantity", "promised_date", "unit_price",
                             "note"]
    assert len(rows) == 3
    assert_error(client.get("/orders/import/template", headers=planner, params={"format": "pdf"}), 422, "invalid")
