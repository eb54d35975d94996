"""Products, BOMs and explosion over real HTTP, with CSV/xlsx exports and isolation."""
from __future__ import annotations

import csv
import io

import openpyxl

from tests.api.conftest import assert_error


def _create(client, headers, code, **kw):
    response = client.post("/products", json={"code": code, "name": f"Part {code}", **kw}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_product_lifecycle(client, world, as_user):
    planner = as_user("planner.one")
    p = _create(client, planner, "fg-1", standard_cost="12.50", type="finished")
    assert (p["code"], p["standard_cost"], p["is_active"]) == ("FG-1", "12.5000", True)
    assert client.get(f"/products/{p['id']}", headers=planner).json()["name"] == "Part fg-1"
    changed = client.patch(f"/products/{p['id']}", json={"name": "Bracket", "unit": "ea"}, headers=planner).json()
    assert (changed["name"], changed["unit"]) == ("Bracket", "ea")
    assert client.post(f"/products/{p['id']}/deactivate", headers=planner).json()["is_active"] is False
    assert client.get("/products", headers=planner).json() == []
    assert [x["code"] for x in client.get("/products", params={"status": "all"}, headers=planner).json()] == ["FG-1"]
    assert client.post(f"/products/{p['id']}/reactivate", headers=planner).json()["is_active"] is True


def test_product_errors_carry_fields(client, world, as_user):
    planner = as_user("planner.one")
    response = client.post("/products", json={"code": "bad code", "name": "", "type": "gizmo"}, headers=planner)
    assert set(assert_error(response, 422, "invalid")["fields"]) == {"code", "name", "type"}
    _create(client, planner, "X")
    error = assert_error(client.post("/products", json={"code": "x", "name": "Again"}, headers=planner), 409, "conflict")
    assert error["fields"] == {"code": "Already used."}
    assert_error(client.post("/products", json={"code": "Y", "name": "Y"}, headers=as_user("op.one")), 403, "forbidden")


def test_list_search_filter_and_exports(client, world, as_user):
    planner = as_user("planner.one")
    _create(client, planner, "RM-STEEL", type="raw", unit="kg", standard_cost="2.25")
    _create(client, planner, "SA-FRAME", type="semi")
    _create(client, planner, "FG-CHAIR")
    codes = lambda **params: [p["code"] for p in client.get("/products", params=params, headers=planner).json()]  # noqa: E731
    assert codes() == ["FG-CHAIR", "RM-STEEL", "SA-FRAME"]
    assert codes(type="raw") == ["RM-STEEL"] and codes(search="frame") == ["SA-FRAME"]
    response = client.get("/products", params={"format": "csv", "type": "raw"}, headers=planner)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="products-' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["Code"], r["Unit"], r["Standard cost"], r["Type"]) for r in rows] == [("RM-STEEL", "kg", "2.2500", "raw")]
    response = client.get("/products", params={"format": "xlsx", "search": "fg"}, headers=planner)
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]][:3] == ["Code", "Name", "Type"]
    assert [c.value for c in ws[2]][:3] == ["FG-CHAIR", "Part FG-CHAIR", "finished"] and ws.max_row == 2
    assert_error(client.get("/products", params={"format": "pdf"}, headers=planner), 422, "invalid", format="")


def test_bom_editing_cycles_and_explosion(client, world, as_user):
    planner = as_user("planner.one")
    fg, sa = _create(client, planner, "FG"), _create(client, planner, "SA", type="semi")
    steel = _create(client, planner, "STEEL", type="raw", unit="kg")
    line = client.post(f"/products/{fg['id']}/bom", json={"component_product_id": sa["id"], "quantity_per": "2",
                                                          "scrap_factor": "0.1"}, headers=planner)
    assert line.status_code == 201, line.text
    client.post(f"/products/{sa['id']}/bom", json={"component_product_id": steel["id"], "quantity_per": "1.5"},
                headers=planner).raise_for_status()
    loop = client.post(f"/products/{sa['id']}/bom", json={"component_product_id": fg["id"], "quantity_per": "1"},
                       headers=planner)
    error = assert_error(loop, 422, "invalid", component_product_id="")
    assert "SA → FG → SA" in error["message"]
    exploded = client.get(f"/products/{fg['id']}/explosion", params={"quantity": 3}, headers=planner).json()
    assert [(ln["level"], ln["code"], ln["required_quantity"]) for ln in exploded["lines"]] == [
        (1, "SA", "7"), (2, "STEEL", "10.5000")]          # 3 x 2 x 1.1 = 6.6 -> 7; 7 x 1.5 = 10.5 kg
    assert {t["code"]: t["required_quantity"] for t in exploded["totals"]} == {"SA": "7", "STEEL": "10.5000"}
    sheet = client.get(f"/products/{fg['id']}/explosion", params={"quantity": 3, "format": "csv"}, headers=planner)
    rows = list(csv.DictReader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert [(r["Level"], r["Code"], r["Required quantity"]) for r in rows] == [("1", "SA", "7"), ("2", "STEEL", "10.5000")]
    changed = client.patch(f"/bom-lines/{line.json()['id']}", json={"quantity_per": "1"}, headers=planner).json()
    assert changed["quantity_per"] == "1.0000"
    assert client.delete(f"/bom-lines/{line.json()['id']}", headers=planner).status_code == 204
    assert client.get(f"/products/{fg['id']}/bom", headers=planner).json() == []


def test_other_organization_gets_404(client, world, as_user):
    p = _create(client, as_user("planner.one"), "FG")
    other = as_user("admin.b")
    assert client.get("/products", headers=other).json() == []
    for response in (client.get(f"/products/{p['id']}", headers=other),
                     client.patch(f"/products/{p['id']}", json={"name": "Mine"}, headers=other),
                     client.get(f"/products/{p['id']}/explosion", headers=other),
                     client.post(f"/products/{p['id']}/deactivate", headers=other)):
        assert_error(response, 404, "not_found")
    assert_error(client.get("/products"), 401, "unauthorized")
