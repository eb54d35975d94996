"""The forms of NCRs, SOP tickets, maintenance tickets (desk and phone), lot receipts, new shipments and work orders'
custom fields render in their organization's layout (sections, order, required marks, help texts) and show the
service's refusal of a field the layout requires next to it, with the layout's label and help."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models.shipments import Shipment
from rxapp.i18n import catalog
from rxapp.state.maintenance.floor import ReportState
from rxapp.state.maintenance.tickets import MaintenanceTicketsState
from rxapp.state.production.work_orders import WorkOrderDetailState
from rxapp.state.quality.ncr_detail import NcrDetailState
from rxapp.state.quality.ncrs import NcrsState
from rxapp.state.quality.sop_tickets import SopTicketsState
from rxapp.state.trace.lots import LotsState
from rxapp.state.trace.shipments import ShipmentsState
from services.config import custom_fields, form_layouts
from services.config.custom_fields import CustomFieldCreate
from services.config.form_layouts import FormLayoutSave
from services.core.db import transaction
from services.core.errors import Invalid
from services.quality import ncr as ncrs
from services.quality.ncr import NcrCreate
from tests.conftest import T0
from tests.factories.org import make_department
from tests.factories.production import make_line, make_work_order
from tests.factories.trace import make_order, make_trace_world
from tests.ui.conftest import run, signed_in, toasts


def _layout(session, actor, entity_type, *sections):
    with transaction(session):
        form_layouts.save_layout(session, actor, entity_type, FormLayoutSave(
            sections=[{"title": title, "fields": fields} for title, fields in sections]), now=T0)


def _field(session, actor, entity_type, key, label):
    with transaction(session):
        custom_fields.create_definition(session, actor, CustomFieldCreate(
            entity_type=entity_type, key=key, label=label, field_type="text"), now=T0)


def _shown(sections):
    return [(s.title, [(f.key, f.required, f.help) for f in s.slots]) for s in sections]


async def test_the_ncr_form_follows_its_layout_and_shows_the_services_refusal(engine, session, world):
    admin = world.actor(world.admin_a)
    _field(session, admin, "ncr", "supplier", "Supplier")
    _layout(session, admin, "ncr",
            ("What", [{"key": "title", "required": True}, {"key": "custom.supplier", "required": True}]),
            ("Where", [{"key": "plant_id", "required": True},
                       {"key": "containment", "required": True, "help": "Quarantine first."}]))
    state = await signed_in(engine, NcrsState, "admin.a")
    await run(state.open_new(), state)
    shown = _shown(state.form_sections)
    assert shown[0] == ("What", [("title", True, ""), ("custom.supplier", True, "")])
    assert shown[1][0] == "Where" and shown[1][1][:2] == [("plant_id", True, ""),
                                                          ("containment", True, "Quarantine first.")]
    assert [k for k, _, _ in shown[1][1][2:]] == ["severity", "description", "lot_reference", "quantity"]
    form = {"plant_id": str(world.plant1), "title": "Burr", "severity": "minor", "custom.supplier": "Acme"}
    events = await run(state.save(form), state)
    assert state.form_errors == {"containment": "Containment is required. Quarantine first."} and state.form_open
    assert toasts(events, "error")
    with pytest.raises(Invalid) as same, transaction(session):          # the REST door's answer
        ncrs.create_ncr(session, admin, NcrCreate(plant_id=world.plant1, title="Burr", custom={"supplier": "Acme"}),
                        now=T0)
    assert same.value.fields == state.form_errors
    await run(state.save({**form, "containment": "Sorted"}), state)
    assert not state.form_open and state.form_errors == {}


async def test_the_ncr_details_form_follows_the_layout_and_a_change_meets_it(engine, session, world):
    admin = world.actor(world.admin_a)
    _field(session, admin, "ncr", "supplier", "Supplier")
    with transaction(session):
        made = ncrs.create_ncr(session, admin, NcrCreate(plant_id=world.plant1, title="Burr", quantity=3), now=T0)
    _layout(session, admin, "ncr",
            ("What", [{"key": "title", "required": True}, {"key": "custom.supplier", "required": True}]),
            ("Where", [{"key": "containment", "required": True, "help": "Quarantine first."}]))
    state = await signed_in(engine, NcrDetailState, "admin.a")
    state.ncr_id = made.id
    await run(state.load(), state)
    shown = _shown(state.form_sections)
    assert shown[0] == ("What", [("title", True, ""), ("custom.supplier", True, "")])
    assert shown[1][1][0] == ("containment", True, "Quarantine first.")
    assert [k for k, _, _ in shown[1][1][1:]] == ["plant_id", "severity", "description", "lot_reference", "quantity"]
    assert (state.ncr.plant, state.ncr.quantity) == ("P1 · Plant", "3")
    form = {"title": "Burr, left edge", "severity": "major", "description": "", "lot_reference": "", "quantity": "3",
            "containment": "", "custom.supplier": "Acme"}
    events = await run(state.save_details(form), state)
    assert state.errors == {"containment": "Containment is required. Quarantine first."} and toasts(events, "error")
    events = await run(state.save_details({**form, "containment": "Sorted"}), state)
    assert toasts(events, "success") == ["Saved"] and state.errors == {}
    with Session(engine) as s, transaction(s):
        stored = ncrs.get_ncr(s, admin, made.id)
    assert (stored.title, stored.severity, stored.containment, stored.custom) == (
        "Burr, left edge", "major", "Sorted", {"supplier": "Acme"})


async def test_the_sop_ticket_form_has_its_custom_fields_in_the_layout(engine, session, world):
    admin = world.actor(world.admin_a)
    weld = make_department(session, world.org_a, world.plant1, "WELD")
    _field(session, admin, "sop_ticket", "shift", "Shift")
    _layout(session, admin, "sop_ticket", ("Ticket", [{"key": "custom.shift", "required": True, "help": "A, B or C."},
                                                      {"key": "sop_reference", "required": True}]))
    state = await signed_in(engine, SopTicketsState, "admin.a")
    await run(state.open_new(), state)
    assert _shown(state.form_sections)[0][1][:2] == [("custom.shift", True, "A, B or C."), ("sop_reference", True, "")]
    form = {"charging_department_id": str(world.dept1), "charged_department_id": str(weld), "title": "Torque"}
    await run(state.save(form), state)
    assert state.form_errors == {"custom.shift": "Shift is required. A, B or C.",
                                 "sop_reference": "SOP is required."} and state.form_open
    events = await run(state.save({**form, "custom.shift": "B", "sop_reference": "SOP-3"}), state)
    assert not state.form_open and toasts(events, "success")


async def test_maintenance_raise_forms_on_desk_and_phone_follow_the_layout(engine, session, world):
    admin = world.actor(world.admin_a)
    machine = make_line(session, world.org_a, world.plant1, world.dept1).machine_ids[0]
    _layout(session, admin, "maintenance_ticket", ("Breakdown", [
        {"key": "description", "required": True, "help": "What you saw and heard."},
        {"key": "machine_id", "required": True}, {"key": "title", "required": True}]))
    phone = await signed_in(engine, ReportState, "op.one")
    await run(phone.enter(), phone)
    assert [k for k, _, _ in _shown(phone.form_sections)[0][1]][:3] == ["description", "machine_id", "title"]
    await run(phone.set_machine(str(machine)), phone)
    await run(phone.submit({"title": "Leak", "priority": "high"}), phone)
    assert phone.errors == {"description": "Description is required. What you saw and heard."}
    desk = await signed_in(engine, MaintenanceTicketsState, "admin.a")
    await run(desk.enter(), desk)
    await run(desk.load(), desk)
    assert _shown(desk.form_sections)[0][1][0] == ("description", True, "What you saw and heard.")
    await run(desk.save({"machine_id": str(machine), "title": "Leak", "priority": "high"}), desk)
    assert desk.form_errors == phone.errors


async def test_lot_receipt_and_lot_custom_values_follow_the_layout(engine, session):
    tw = make_trace_world(session)
    _field(session, tw.admin, "lot", "heat_no", "Heat number")
    _field(session, tw.admin, "lot", "mill", "Mill")
    _layout(session, tw.admin, "lot", ("Delivery", [{"key": "custom.mill"}, {"key": "supplier", "required": True},
                                                    {"key": "supplier_lot_ref", "required": True,
                                                     "help": "On the delivery note."},
                                                    {"key": "custom.heat_no", "required": True}]))
    state = await signed_in(engine, LotsState, tw.operator.username)
    await run(state.enter(), state)
    await run(state.open_receive(), state)
    assert [k for k, _, _ in _shown(state.form_sections)[0][1]][:4] == ["custom.mill", "supplier", "supplier_lot_ref",
                                                                         "custom.heat_no"]
    form = {"plant_id": str(tw.world.plant1), "product_id": str(tw.steel), "quantity": "4", "supplier": "Acme",
            "supplier_lot_ref": "", "location_id": "none", "serial_numbers": "", "custom.heat_no": "",
            "custom.mill": ""}
    await run(state.receive(form), state)
    assert state.receive_errors == {"supplier_lot_ref": "Supplier lot reference is required. On the delivery note.",
                                    "custom.heat_no": "Heat number is required."}
    await run(state.receive({**form, "supplier_lot_ref": "DN-1", "custom.heat_no": "H-1"}), state)
    assert not state.receive_open
    await run(state.show(state.rows[0].id), state)
    # the lot's own custom values form: only its custom fields, in the layout's order
    assert _shown(state.detail_sections) == [("Delivery", [("custom.mill", False, ""), ("custom.heat_no", True, "")])]
    await run(state.save_custom({"custom.heat_no": "", "custom.mill": "North"}), state)
    assert state.custom_errors == {"custom.heat_no": "Heat number is required."}


async def test_new_shipment_and_work_order_fields_follow_the_layout(engine, session):
    tw = make_trace_world(session)
    _layout(session, tw.admin, "shipment", ("Shipment", [{"key": "note", "required": True, "help": "Who collects."},
                                                         {"key": "lines", "required": True}]))
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
    state = await signed_in(engine, ShipmentsState, tw.operator.username)
    await run(state.enter(), state)
    await run(state.open_create(), state)
    assert [k for k, _, _ in _shown(state.form_sections)[0][1]] == ["note", "lines", "plant_id"]
    state.toggle_line(line_id, True)
    await run(state.create({"note": " "}), state)
    assert state.custom_errors == {"note": "Note is required. Who collects."} and state.create_open
    await run(state.create({"note": "DHL at 3 pm"}), state)
    assert not state.create_open
    with Session(engine) as s:
        assert s.exec(select(Shipment.note)).one() == "DHL at 3 pm"

    _field(session, tw.admin, "work_order", "batch", "Batch")
    _layout(session, tw.admin, "work_order", ("Traveller", [{"key": "custom.batch", "required": True,
                                                             "help": "From the traveller."}]))
    wo_id, _ = make_work_order(session, tw.world.org_a, tw.world.plant1, tw.line)
    detail = await signed_in(engine, WorkOrderDetailState, "planner.one")
    await run(detail.show(wo_id), detail)
    assert _shown(detail.custom_sections) == [("Traveller", [("custom.batch", True, "From the traveller.")])]
    await run(detail.save_custom({"custom.batch": ""}), detail)
    assert detail.custom_errors == {"custom.batch": "Batch is required. From the traveller."}


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_every_form_field_and_section_label_is_translated(lang):
    messages = catalog(lang).messages
    labels = {"Details", "Additional fields"} | {label for f in form_layouts.form_entities()
                                                 for label in (f.label, *(b.label for b in f.fields))}
    assert sorted(label for label in labels if label not in messages) == []
