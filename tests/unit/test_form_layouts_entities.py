"""Form layouts beyond products: NCRs, SOP tickets, lot receipts, new shipments and work orders' custom fields
refuse what their organization's layout requires, with its label and help, and pass once it is given; without a
saved layout nothing changes; every form a layout can arrange is listed with its built-in fields."""
from __future__ import annotations

import pytest

from services.config import custom_fields, form_layouts
from services.config.custom_fields import CustomFieldCreate
from services.config.form_layouts import FormLayoutSave
from services.core.db import transaction
from services.core.errors import Invalid
from services.maintenance import tickets as _maintenance_tickets  # noqa: F401  (registers its form)
from services.master import products as _products  # noqa: F401
from services.production import work_order_reads as _work_order_reads  # noqa: F401
from services.quality import ncr as ncrs
from services.quality import sop_tickets as sop
from services.quality.ncr import NcrCreate, NcrUpdate
from services.quality.sop_tickets import SopCreate
from services.trace import custom_values as trace_custom
from services.trace import lots, shipments
from services.trace.lots import ReceiptCreate
from services.trace.shipments import ShipmentCreate, ShipmentLineInput
from tests.conftest import T0
from tests.factories.org import make_department, make_user
from tests.factories.production import make_line, make_work_order
from tests.factories.trace import make_order, make_trace_world


def _save(session, actor, entity_type, fields, title="Form"):
    with transaction(session):
        return form_layouts.save_layout(session, actor, entity_type, FormLayoutSave(
            sections=[{"title": title, "fields": fields}]), now=T0)


def _field(session, actor, entity_type, key="batch", label="Batch", **extra):
    with transaction(session):
        custom_fields.create_definition(session, actor, CustomFieldCreate(
            entity_type=entity_type, key=key, label=label, field_type="text", **extra), now=T0)


def test_every_entity_with_a_form_is_laid_out_with_its_built_in_fields(session, world):
    admin = world.actor(world.admin_a)
    assert {f.key for f in form_layouts.form_entities()} >= {
        "product", "maintenance_ticket", "ncr", "sop_ticket", "lot", "shipment", "work_order"}
    keys = lambda entity: [f.key for s in form_layouts.get_layout(session, admin, entity).sections  # noqa: E731
                           for f in s.fields]
    assert keys("ncr") == ["plant_id", "title", "severity", "description", "lot_reference", "quantity", "containment"]
    assert keys("sop_ticket") == ["charging_department_id", "charged_department_id", "title", "sop_reference",
                                  "description"]
    assert keys("lot")[:4] == ["plant_id", "product_id", "quantity", "supplier"]
    assert keys("shipment") == ["plant_id", "lines", "note"]
    _field(session, admin, "work_order")
    layout = form_layouts.get_layout(session, admin, "work_order")
    assert [(s.title, [f.key for f in s.fields]) for s in layout.sections] == [("Details", ["custom.batch"])]


def test_an_ncr_is_refused_what_its_layout_requires(session, world):
    quality = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1]))
    admin = world.actor(world.admin_a)
    _field(session, admin, "ncr", "supplier", "Supplier")
    with transaction(session):        # no saved layout: raised as before
        ncrs.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Burr"), now=T0)
    _save(session, admin, "ncr", [{"key": "containment", "required": True, "help": "Quarantine first."},
                                  {"key": "custom.supplier", "required": True}, {"key": "quantity", "required": True}])
    with pytest.raises(Invalid) as refused, transaction(session):
        ncrs.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title=""), now=T0)
    assert refused.value.fields == {"title": refused.value.fields["title"],
                                    "containment": "Containment is required. Quarantine first.",
                                    "quantity": "Quantity is required.", "custom.supplier": "Supplier is required."}
    with transaction(session):
        made = ncrs.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Burr", containment="Sorted",
                                                           quantity=4, custom={"supplier": "Acme"}), now=T0)
    assert made.containment == "Sorted" and made.custom == {"supplier": "Acme"}


def test_an_ncr_change_is_refused_what_its_layout_requires(session, world):
    quality = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1]))
    admin = world.actor(world.admin_a)
    _field(session, admin, "ncr", "supplier", "Supplier")
    with transaction(session):        # raised before the layout asked for more
        made = ncrs.create_ncr(session, quality, NcrCreate(plant_id=world.plant1, title="Burr"), now=T0)
    with transaction(session):        # no saved layout: changed as before
        ncrs.update_ncr(session, quality, made.id, NcrUpdate(description="Left edge"), now=T0)
    _save(session, admin, "ncr", [{"key": "containment", "required": True, "help": "Quarantine first."},
                                  {"key": "custom.supplier", "required": True}, {"key": "lot_reference"}])
    with pytest.raises(Invalid) as refused, transaction(session):
        ncrs.update_ncr(session, quality, made.id, NcrUpdate(title="Burr on the edge"), now=T0)
    assert refused.value.fields == {"containment": "Containment is required. Quarantine first.",
                                    "custom.supplier": "Supplier is required."}
    with pytest.raises(Invalid) as refused, transaction(session):    # custom values given: one answer for both
        ncrs.update_ncr(session, quality, made.id, NcrUpdate(containment="  ", custom={"supplier": "Acme"}), now=T0)
    assert refused.value.fields == {"containment": "Containment is required. Quarantine first."}
    with transaction(session):
        changed = ncrs.update_ncr(session, quality, made.id, NcrUpdate(containment="Sorted", custom={"supplier": "Acme"}),
                                  now=T0)
    assert (changed.containment, changed.custom) == ("Sorted", {"supplier": "Acme"})
    with pytest.raises(Invalid) as refused, transaction(session):    # clearing what the layout requires
        ncrs.update_ncr(session, quality, made.id, NcrUpdate(custom={"supplier": ""}), now=T0)
    assert refused.value.fields == {"custom.supplier": "Supplier is required."}
    with transaction(session):
        assert ncrs.update_ncr(session, quality, made.id, NcrUpdate(title="Burr on the edge"), now=T0).title == \
            "Burr on the edge"


def test_an_sop_ticket_is_refused_what_its_layout_requires(session, world):
    weld = make_department(session, world.org_a, world.plant1, "WELD")
    sup = world.actor(make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1]))
    _save(session, world.actor(world.admin_a), "sop_ticket", [
        {"key": "sop_reference", "required": True, "help": "The procedure's number, e.g. SOP-12."}])
    data = {"charging_department_id": world.dept1, "charged_department_id": weld, "title": "Torque not logged"}
    with pytest.raises(Invalid) as refused, transaction(session):
        sop.raise_ticket(session, sup, SopCreate(**data), now=T0)
    assert refused.value.fields == {"sop_reference": "SOP is required. The procedure's number, e.g. SOP-12."}
    with transaction(session):
        assert sop.raise_ticket(session, sup, SopCreate(**data, sop_reference="SOP-12"), now=T0).sop_reference == "SOP-12"


def test_a_lot_receipt_and_its_custom_values_follow_the_layout(session):
    tw = make_trace_world(session)
    _field(session, tw.admin, "lot", "heat_no", "Heat number")
    _save(session, tw.admin, "lot", [{"key": "supplier_lot_ref", "required": True, "help": "On the delivery note."},
                                     {"key": "custom.heat_no", "required": True}])
    receipt = {"plant_id": tw.world.plant1, "product_id": tw.steel, "quantity": 5, "supplier": "Acme"}
    with pytest.raises(Invalid) as refused, transaction(session):
        lots.receive(session, tw.operator, ReceiptCreate(**receipt), now=T0)
    assert refused.value.fields == {"supplier_lot_ref": "Supplier lot reference is required. On the delivery note.",
                                    "custom.heat_no": "Heat number is required."}
    with transaction(session):
        lot = lots.receive(session, tw.operator, ReceiptCreate(**receipt, supplier_lot_ref="DN-1",
                                                               custom={"heat_no": "H1"}), now=T0)
    with pytest.raises(Invalid) as cleared, transaction(session):      # editing the values keeps the requirement
        trace_custom.update_lot_custom(session, tw.quality, lot.id, {"heat_no": ""}, now=T0)
    assert cleared.value.fields == {"custom.heat_no": "Heat number is required."}


def test_a_new_shipment_follows_the_layout(session):
    tw = make_trace_world(session)
    _save(session, tw.admin, "shipment", [{"key": "note", "required": True, "help": "Say who collects it."}])
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
    data = {"plant_id": tw.world.plant1, "lines": [ShipmentLineInput(order_line_id=line_id)]}
    with pytest.raises(Invalid) as refused, transaction(session):
        shipments.create_shipment(session, tw.operator, ShipmentCreate(**data), now=T0)
    assert refused.value.fields == {"note": "Note is required. Say who collects it."}
    with transaction(session):
        assert shipments.create_shipment(session, tw.operator, ShipmentCreate(**data, note="DHL at 3 pm"),
                                         now=T0).note == "DHL at 3 pm"


def test_work_order_custom_values_follow_the_layout(session, world):
    admin = world.actor(world.admin_a)
    wo_id, _ = make_work_order(session, world.org_a, world.plant1, make_line(session, world.org_a, world.plant1,
                                                                               world.dept1))
    _field(session, admin, "work_order", "batch", "Batch")
    _field(session, admin, "work_order", "colour", "Colour")
    with transaction(session):       # default layout: nothing required
        custom_fields.set_values(session, admin, "work_order", wo_id, {"colour": "red"}, now=T0)
    _save(session, admin, "work_order", [{"key": "custom.batch", "required": True, "help": "From the traveller."}])
    with pytest.raises(Invalid) as refused, transaction(session):
        custom_fields.set_values(session, admin, "work_order", wo_id, {"colour": "blue"}, now=T0)
    assert refused.value.fields == {"custom.batch": "Batch is required. From the traveller."}
    with transaction(session):
        assert custom_fields.set_values(session, admin, "work_order", wo_id, {"batch": "B-7"}, now=T0) == \
            {"colour": "red", "batch": "B-7"}
