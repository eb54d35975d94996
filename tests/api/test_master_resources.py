"""Work centers, machines and cycle-time overrides over real HTTP; plant isolation."""
from __future__ import annotations

import csv
import io

import openpyxl

from tests.api.conftest import assert_error


def _work_center(client, headers, plant_id, dept_id, code="CNC"):
    response = client.post("/work-centers", json={"plant_id": plant_id, "department_id": dept_id, "code": code,
                                                  "name": f"{code} cell"}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _machine(client, headers, wc_id, code):
    response = client.post("/machines", json={"work_center_id": wc_id, "code": code, "name": code}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_work_centers_and_machines(client, world, as_user):
    planner = as_user("planner.one")
    wc = _work_center(client, planner, world.plant1, world.dept1)
    m1, m2 = _machine(client, planner, wc["id"], "m-1"), _machine(client, planner, wc["id"], "M-2")
    assert (m1["code"], m1["plant_code"], m1["department_code"], m1["work_center_code"]) == ("M-1", "P1", "MACH", "CNC")
    assert client.get(f"/work-centers/{wc['id']}", headers=planner).json()["machine_count"] == 2
    assert [m["code"] for m in client.get("/machines", params={"search": "m-2"}, headers=planner).json()] == ["M-2"]
    error = assert_error(client.post(f"/work-centers/{wc['id']}/deactivate", headers=planner), 409, "conflict")
    assert "M-1" in error["message"]
    assert client.post(f"/machines/{m2['id']}/deactivate", headers=planner).json()["is_active"] is False
    renamed = client.patch(f"/machines/{m1['id']}", json={"name": "Lathe"}, headers=planner).json()
    assert renamed["name"] == "Lathe"
    bad = client.post("/work-centers", json={"plant_id": world.plant1, "department_id": world.dept2, "code": "X",
                                             "name": "X"}, headers=planner)
    assert assert_error(bad, 422, "invalid")["fields"] == {"department_id": "Pick a department of this plant."}


def test_cycle_time_overrides(client, world, as_user):
    planner = as_user("planner.one")
    wc = _work_center(client, planner, world.plant1, world.dept1)
    m = _machine(client, planner, wc["id"], "M1")
    product = client.post("/products", json={"code": "FG", "name": "FG"}, headers=planner).json()
    rate = client.post(f"/machines/{m['id']}/rates", json={"product_id": product["id"], "ideal_cycle_seconds": "12.5"},
                       headers=planner)
    assert rate.status_code == 200 and rate.json()["ideal_cycle_seconds"] == "12.500"
    zero = client.post(f"/machines/{m['id']}/rates", json={"product_id": product["id"], "ideal_cycle_seconds": "0"},
                       headers=planner)
    assert "ideal_cycle_seconds" in assert_error(zero, 422, "invalid")["fields"]
    assert [r["product_code"] for r in client.get(f"/machines/{m['id']}/rates", headers=planner).json()] == ["FG"]
    assert client.delete(f"/machine-rates/{rate.json()['id']}", headers=planner).status_code == 204
    assert client.get(f"/machines/{m['id']}/rates", headers=planner).json() == []


def test_exports(client, world, as_user):
    admin = as_user("admin.a")
    wc1 = _work_center(client, admin, world.plant1, world.dept1, "CNC")
    wc2 = _work_center(client, admin, world.plant2, world.dept2, "ASSY")
    _machine(client, admin, wc1["id"], "LATHE")
    _machine(client, admin, wc2["id"], "PRESS")
    rows = list(csv.DictReader(io.StringIO(
        client.get("/machines", params={"format": "csv"}, headers=admin).content.decode("utf-8-sig"))))
    assert [(r["Plant"], r["Code"], r["Work center"], r["Active"]) for r in rows] == [
        ("P1", "LATHE", "CNC", "yes"), ("P2", "PRESS", "ASSY", "yes")]
    ws = openpyxl.load_workbook(io.BytesIO(client.get("/work-centers", params={"format": "xlsx"}, headers=admin).content)).active
    assert [[c.value for c in row][:2] for row in ws.iter_rows(min_row=2)] == [["P1", "CNC"], ["P2", "ASSY"]]


def test_plant_two_and_other_organization_are_out_of_reach(client, world, as_user, engine):
    admin = as_user("admin.a")
    wc2 = _work_center(client, admin, world.plant2, world.dept2, "ASSY")
    m2 = _machine(client, admin, wc2["id"], "P2-M")
    planner = as_user("planner.one")
    assert client.get("/machines", headers=planner).json() == []
    assert client.get("/machines", params={"format": "csv"}, headers=planner).content.decode("utf-8-sig").count("\n") == 1
    for response in (client.get(f"/machines/{m2['id']}", headers=planner),
                     client.patch(f"/machines/{m2['id']}", json={"name": "Mine"}, headers=planner),
                     client.post(f"/work-centers/{wc2['id']}/deactivate", headers=planner),
                     client.post("/work-centers", json={"plant_id": world.plant2, "department_id": world.dept2,
                                                        "code": "NEW", "name": "New"}, headers=planner),
                     client.get(f"/machines/{m2['id']}", headers=as_user("admin.b"))):
        assert_error(response, 404, "not_found")
    sneak = client.post("/machines", json={"work_center_id": wc2["id"], "code": "X", "name": "X"}, headers=planner)
    assert assert_error(sneak, 422, "invalid")["fields"] == {"work_center_id": "Unknown work center."}
    operator = as_user("op.one")
    wc1 = _work_center(client, admin, world.plant1, world.dept1)
    assert_error(client.post("/machines", json={"work_center_id": wc1["id"], "code": "Y", "name": "Y"}, headers=operator),
                 403, "forbidden")
