"""Form layouts through the API: read the default, save (CONFIGURE), the layout's required fields refused on
POST /products and POST /maintenance/tickets with its label and help, validation, tenancy."""
from __future__ import annotations

from tests.api.conftest import assert_error
from tests.factories.production import make_line


def _keys(body):
    return [(s["title"], [f["key"] for f in s["fields"]]) for s in body["sections"]]


def test_a_saved_layout_is_read_back_and_refuses_empty_required_fields(client, world, as_user):
    admin, operator = as_user("admin.a"), as_user("op.one")
    assert "product" in client.get("/form-layouts", headers=operator).json()
    default = client.get("/form-layouts/product", headers=operator)
    assert default.status_code == 200 and not default.json()["saved"]
    assert _keys(default.json())[0][1][:2] == ["code", "name"]
    saved = client.put("/form-layouts/product", headers=admin, json={"sections": [
        {"title": "Buying", "fields": [{"key": "standard_cost", "required": True, "help": "From the price list."}]},
        {"title": "Identity", "fields": [{"key": "code", "required": True}, {"key": "name", "required": True}]}]})
    assert saved.status_code == 200, saved.text
    assert _keys(saved.json()) == [("Buying", ["standard_cost"]),
                                   ("Identity", ["code", "name", "description", "unit", "type"])]
    assert _keys(client.get("/form-layouts/product", headers=operator).json()) == _keys(saved.json())
    refused = assert_error(client.post("/products", headers=admin, json={"code": "P-9", "name": "Bolt"}),
                           422, "invalid", standard_cost="")
    assert refused["fields"]["standard_cost"] == "Standard cost is required. From the price list."
    made = client.post("/products", headers=admin, json={"code": "P-9", "name": "Bolt", "standard_cost": "1.25"})
    assert made.status_code == 201, made.text
    assert not client.get("/form-layouts/product", headers=as_user("admin.b")).json()["saved"]
    reset = client.delete("/form-layouts/product", headers=admin)
    assert reset.status_code == 200 and not reset.json()["saved"]


def test_maintenance_ticket_layout_through_the_api(session, client, world, as_user):
    admin = as_user("admin.a")
    machine = make_line(session, world.org_a, world.plant1, world.dept1).machine_ids[0]
    assert client.put("/form-layouts/maintenance_ticket", headers=admin, json={"sections": [
        {"title": "Ticket", "fields": [{"key": "description", "required": True, "help": "What you saw."}]}]}
    ).status_code == 200
    refused = assert_error(client.post("/maintenance/tickets", headers=admin,
                                       json={"machine_id": machine, "title": "Leak"}), 422, "invalid", description="")
    assert refused["fields"]["description"] == "Description is required. What you saw."


def test_bad_layouts_unknown_entities_and_missing_permission(client, world, as_user):
    admin = as_user("admin.a")
    assert_error(client.put("/form-layouts/product", headers=admin, json={"sections": [
        {"title": "", "fields": [{"key": "code", "required": False}, {"key": "colour"}]}]}),
        422, "invalid", **{"sections.0.title": "", "sections.0.code": "", "sections.0.colour": ""})
    assert_error(client.get("/form-layouts/spaceship", headers=admin), 404, "not_found")
    assert_error(client.put("/form-layouts/product", headers=as_user("planner.one"),
                            json={"sections": [{"title": "Mine", "fields": []}]}), 403, "forbidden")
    assert not client.get("/form-layouts/product", headers=admin).json()["saved"]
