"""Form layouts through the API: read the default, save (CONFIGURE), the layout's required fields refused on
POST /products, /maintenance/tickets, /ncrs, /sop-tickets, /lots/receipts, /shipments and on PATCH of an NCR and of
a work order's custom values, with its label and help; validation, tenancy."""
from __future__ import annotations

from tests.api.conftest import assert_error
from tests.factories.org import make_department
from tests.factories.production import make_line, make_work_order
from tests.factories.trace import make_order, make_trace_world


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
                                   ("Identity", ["code", "name", "name2", "description", "unit", "type"])]
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


def _require(client, headers, entity, key, help_text):
    saved = client.put(f"/form-layouts/{entity}", headers=headers, json={"sections": [
        {"title": "Form", "fields": [{"key": key, "required": True, "help": help_text}]}]})
    assert saved.status_code == 200, saved.text


def test_ncr_and_sop_ticket_layouts_through_the_api(session, client, world, as_user):
    admin = as_user("admin.a")
    weld = make_department(session, world.org_a, world.plant1, "WELD")
    _require(client, admin, "ncr", "containment", "Quarantine first.")
    refused = assert_error(client.post("/ncrs", headers=admin, json={"plant_id": world.plant1, "title": "Burr"}),
                           422, "invalid", containment="")
    assert refused["fields"] == {"containment": "Containment is required. Quarantine first."}
    made = client.post("/ncrs", headers=admin, json={"plant_id": world.plant1, "title": "Burr", "containment": "Sorted"})
    assert made.status_code == 201, made.text
    url = f"/ncrs/{made.json()['id']}"
    refused = assert_error(client.patch(url, headers=admin, json={"containment": ""}), 422, "invalid", containment="")
    assert refused["fields"] == {"containment": "Containment is required. Quarantine first."}
    _require(client, admin, "ncr", "lot_reference", "The lot on the tag.")      # raised before this: asked at a change
    refused = assert_error(client.patch(url, headers={**admin, "Accept-Language": "en"}, json={"title": "Burr, left"}),
                           422, "invalid", lot_reference="")
    assert refused["fields"] == {"lot_reference": "Lot is required. The lot on the tag."}
    changed = client.patch(url, headers=admin, json={"title": "Burr, left", "lot_reference": "L-7"})
    assert changed.status_code == 200 and changed.json()["lot_reference"] == "L-7"
    _require(client, admin, "sop_ticket", "sop_reference", "The procedure's number.")
    ticket = {"charging_department_id": world.dept1, "charged_department_id": weld, "title": "Torque not logged"}
    refused = assert_error(client.post("/sop-tickets", headers=admin, json=ticket), 422, "invalid", sop_reference="")
    assert refused["fields"]["sop_reference"] == "SOP is required. The procedure's number."
    assert client.post("/sop-tickets", headers=admin, json={**ticket, "sop_reference": "SOP-1"}).status_code == 201


def test_lot_shipment_and_work_order_layouts_through_the_api(session, client, as_user):
    tw = make_trace_world(session)
    world, admin = tw.world, as_user("admin.a")
    _require(client, admin, "lot", "supplier_lot_ref", "On the delivery note.")
    receipt = {"plant_id": world.plant1, "product_id": tw.steel, "quantity": 5, "supplier": "Acme"}
    refused = assert_error(client.post("/lots/receipts", headers=admin, json=receipt), 422, "invalid")
    assert refused["fields"] == {"supplier_lot_ref": "Supplier lot reference is required. On the delivery note."}
    assert client.post("/lots/receipts", headers=admin, json={**receipt, "supplier_lot_ref": "DN-1"}).status_code == 201

    _require(client, admin, "shipment", "note", "Who collects it.")
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
    shipment = {"plant_id": world.plant1, "lines": [{"order_line_id": line_id}]}
    refused = assert_error(client.post("/shipments", headers=admin, json=shipment), 422, "invalid", note="")
    assert refused["fields"] == {"note": "Note is required. Who collects it."}
    assert client.post("/shipments", headers=admin, json={**shipment, "note": "DHL"}).status_code == 201

    wo_id, _ = make_work_order(session, world.org_a, world.plant1, tw.line)
    assert client.post("/custom-fields", headers=admin, json={"entity_type": "work_order", "key": "batch",
                                                             "label": "Batch", "field_type": "text"}).status_code == 201
    _require(client, admin, "work_order", "custom.batch", "From the traveller.")
    refused = assert_error(client.patch(f"/custom-fields/values/work_order/{wo_id}", headers=admin, json={}),
                           422, "invalid")
    assert refused["fields"] == {"custom.batch": "Batch is required. From the traveller."}
    assert client.patch(f"/custom-fields/values/work_order/{wo_id}", headers=admin,
                        json={"batch": "B-7"}).json() == {"batch": "B-7"}
