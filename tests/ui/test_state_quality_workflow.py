"""NCRs, SOP tickets and the workflow editor through their page states, without a browser: raise an
NCR with field errors, be refused closing without root cause (the refusal and field errors are
shown), add it and close; CAPA actions; the workflow editor saves a new version and shows field
errors; SOP ticket respond/accept/reassign; another organization sees nothing."""
from __future__ import annotations

from datetime import date, timedelta

from models.base import utcnow
from models.user import User
from rxapp import routes
from rxapp.state.config.workflows import (
    WorkflowsAdminState,
    edits_of,
    parse_conditions,
    spec_of_edits,
)
from rxapp.state.quality.ncr_detail import NcrDetailState
from rxapp.state.quality.ncrs import NcrsState
from rxapp.state.quality.sop_tickets import SopTicketsState, SopTicketState
from services.config import workflow_admin
from services.config.workflow_defaults import default_spec
from services.core.db import transaction
from services.quality import ncr as ncr_service
from services.quality.ncr import NcrCreate
from tests.factories.org import actor_of, make_department, make_user
from tests.ui.conftest import download_bytes, redirects, run, signed_in, toasts


def _quality(session, world):
    return make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username="q.ui")


async def test_raise_an_ncr_from_the_list_with_field_errors_then_open_it(engine, session, world):
    _quality(session, world)
    state = await signed_in(engine, NcrsState, "q.ui")
    await run(state.enter(), state)
    assert (state.loading, state.rows) == (False, [])
    await run(state.open_new(), state)
    assert state.form_open and [o.value for o in state.plant_options] == [str(world.plant1)]
    events = await run(state.save({"plant_id": str(world.plant1), "title": "", "severity": "minor"}), state)
    assert state.form_errors == {"title": "Required."} and state.form_open and toasts(events, "error")
    events = await run(state.save({"plant_id": str(world.plant1), "title": "Scratch on cover", "severity": "major",
                                   "lot_reference": "L-9", "quantity": "4", "containment": "sorted"}), state)
    created = ncr_service.list_ncrs(session, actor_of(session, world.admin_a))[0]
    assert redirects(events) == [routes.ncr_url(created.id)] and not state.form_open
    await run(state.load(), state)
    assert [(r.number, r.severity, r.status_name, r.lot) for r in state.rows] == [("NCR-000001", "major", "Open", "L-9")]
    await run(state.set_show("closed"), state)
    assert state.rows == []


async def test_detail_refuses_closing_without_root_cause_then_closes(engine, session, world):
    q = _quality(session, world)
    with transaction(session):
        ncr = ncr_service.create_ncr(session, actor_of(session, q), NcrCreate(plant_id=world.plant1, title="Crack"), now=utcnow())
    state = await signed_in(engine, NcrDetailState, "q.ui")
    state.ncr_id = ncr.id
    await run(state.load(), state)
    assert (state.ncr.number, state.ncr.status_name, state.loading) == ("NCR-000001", "Open", False)
    close = next(t for t in state.transitions if t.key == "close")
    assert not close.allowed and "Describe the root cause before closing." in close.reasons
    events = await run(state.move("close"), state)
    assert state.refusal == "Choose a root-cause category before closing. Describe the root cause before closing."
    assert set(state.errors) == {"root_cause_category", "root_cause"} and toasts(events, "error")
    assert state.ncr.status == "open"
    cause = next(o for o in state.cause_options if o.label == "Material")
    await run(state.save_investigation({"containment": "quarantined", "root_cause_category_id": cause.value,
                                        "root_cause": "Bad bar stock"}), state)
    assert (state.ncr.root_cause_category, state.ncr.root_cause) == ("Material", "Bad bar stock")
    state.set_comment("supplier informed")
    await run(state.move("close"), state)
    assert (state.ncr.status, state.ncr.is_closed, state.refusal) == ("closed", True, "")
    assert [h.what for h in state.history][:1] == ["Moved: open → closed"]
    assert state.history[0].comment == "supplier informed"


async def test_capa_actions_from_the_detail_page(engine, session, world):
    q = _quality(session, world)
    with transaction(session):
        ncr = ncr_service.create_ncr(session, actor_of(session, q), NcrCreate(plant_id=world.plant1, title="Dent"), now=utcnow())
    state = await signed_in(engine, NcrDetailState, "q.ui")
    state.ncr_id = ncr.id
    await run(state.load(), state)
    await run(state.add_action({"description": "", "kind": "corrective", "owner_user_id": "", "due_date": ""}), state)
    assert set(state.action_errors) == {"description", "owner_user_id", "due_date"}
    due = (date.today() + timedelta(days=7)).isoformat()
    await run(state.add_action({"description": "Poka-yoke fixture", "kind": "preventive", "owner_user_id": str(q),
                                "due_date": due}), state)
    assert [(a.description, a.kind, a.owner, a.is_done) for a in state.actions] == [
        ("Poka-yoke fixture", "preventive", "q.ui", False)]
    await run(state.complete(state.actions[0].id), state)
    assert state.actions[0].is_done
    await run(state.add_link({"link_kind": "customer_return", "reference": "CR-404"}), state)
    assert state.link_errors == {"reference": "No customer return with this id or number."}
    await run(state.add_link({"link_kind": "lot", "reference": "LOT-77"}), state)
    assert state.links == ["Lot: LOT-77"] and state.link_errors == {}


async def test_other_organization_gets_not_found(engine, session, world):
    q = _quality(session, world)
    with transaction(session):
        ncr = ncr_service.create_ncr(session, actor_of(session, q), NcrCreate(plant_id=world.plant1, title="Ours"), now=utcnow())
    state = await signed_in(engine, NcrDetailState, "admin.b")
    state.ncr_id = ncr.id
    await run(state.load(), state)
    assert state.load_error == "NCR not found." and state.ncr.number == ""
    await run(state.move("cancel"), state)
    assert ncr_service.get_ncr(session, actor_of(session, q), ncr.id).status == "open"
    listing = await signed_in(engine, NcrsState, "admin.b")
    await run(listing.load(), listing)
    assert listing.rows == []


def test_editor_rows_round_trip_the_default_specs():
    for entity in ("ncr", "sop_ticket", "internal_reject", "customer_return", "other"):
        spec = default_spec(entity)
        assert spec_of_edits(spec.name, *edits_of(spec)) == spec
    assert parse_conditions("severity in major, critical | Serious only", "c")[0].value == ["major", "critical"]


async def test_workflow_editor_saves_a_new_version_and_shows_errors(engine, session, world):
    state = await signed_in(engine, WorkflowsAdminState, "admin.a")
    await run(state.enter(), state)
    assert state.entity_type == "ncr" and [s.key for s in state.states] == ["open", "investigating", "closed", "cancelled"]
    assert state.versions == [] and state.figure.data
    await run(state.set_state_field(0, "due_minutes", "90"), state)
    await run(state.save(), state)
    assert [(v.version, v.is_active) for v in state.versions] == [(1, True)]
    assert workflow_admin.get_spec(session, actor_of(session, world.admin_a), "ncr").states[0].due_minutes == 90
    await run(state.set_transition_field(0, "conditions", "containment bogus 3"), state)
    await run(state.set_state_field(1, "is_initial", True), state)
    events = await run(state.save(), state)
    assert state.errors["transitions.0.conditions"].startswith("Unknown condition 'bogus'")
    assert toasts(events, "error") and len(state.versions) == 1
    await run(state.set_transition_field(0, "conditions", "containment filled"), state)
    await run(state.save(), state)
    assert state.errors == {"states": "Mark exactly one state as the initial state."}
    await run(state.add_state(), state)
    assert state.states[-1].key == "state5"
    await run(state.set_entity_type("sop_ticket"), state)
    assert state.states[0].key == "open" and state.errors == {}


async def test_workflow_editor_is_for_admins_only(engine, session, world):
    _quality(session, world)
    state = await signed_in(engine, WorkflowsAdminState, "q.ui")
    events = await run(state.save(), state)
    assert toasts(events, "error")
    assert workflow_admin.list_workflows(session, actor_of(session, world.admin_a)) == []


async def test_sop_ticket_pages_charge_respond_accept_and_reassign(engine, session, world):
    weld = make_department(session, world.org_a, world.plant1, "WELD")
    paint = make_department(session, world.org_a, world.plant1, "PAINT")
    make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1], username="sup.ui")
    listing = await signed_in(engine, SopTicketsState, "sup.ui")
    await run(listing.enter(), listing)
    await run(listing.open_new(), listing)
    assert {o.value for o in listing.departments} >= {str(world.dept1), str(weld), str(paint)}
    await run(listing.save({"charging_department_id": str(weld), "charged_department_id": str(weld), "title": "x"}),
              listing)
    assert listing.form_errors == {"charged_department_id": "A department cannot charge itself."}
    events = await run(listing.save({"charging_department_id": str(world.dept1), "charged_department_id": str(weld),
                                     "title": "No torque record", "sop_reference": "SOP-7"}), listing)
    ticket_id = int(redirects(events)[0].split("=")[1])
    page = await signed_in(engine, SopTicketState, "sup.ui")
    page.ticket_id = ticket_id
    await run(page.load(), page)
    assert (page.ticket.number, page.ticket.status_name) == ("SOP-000001", "Waiting for response")
    assert page.ticket.can_work                                     # a supervisor of the plant
    await run(page.reassign({"to_department_id": str(paint), "justification": "no"}), page)
    assert "justification" in page.errors
    await run(page.reassign({"to_department_id": str(paint), "justification": "Paint did the torque step"}), page)
    assert page.ticket.charged == "Dept" and len(page.reassignments) == 1
    await run(page.move("accept"), page)
    assert page.refusal == "Write the charged department's response first."
    await run(page.respond({"response": "Retrained the shift"}), page)
    await run(page.move("accept"), page)
    assert (page.ticket.status_name, page.refusal) == ("Accepted", "")
    await run(listing.load(), listing)
    assert [r.status_name for r in listing.rows] == ["Accepted"]


def test_the_apps_escalation_clock_escalates_overdue_items_once(engine, session, world):
    from rxapp.escalation import run_once
    q = _quality(session, world)
    with transaction(session):      # raised four days ago: 'Open' is due after three
        ncr_service.create_ncr(session, actor_of(session, q), NcrCreate(plant_id=world.plant1, title="Old"),
                               now=utcnow() - timedelta(days=4))
    assert run_once()[0] == 1       # (workflow items escalated, maintenance notices)
    assert run_once()[0] == 0


async def test_admin_names_department_heads_on_the_sop_page(engine, session, world):
    head = make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1], username="head.ui")
    state = await signed_in(engine, SopTicketsState, "admin.a")
    await run(state.enter(), state)
    row = next(h for h in state.heads if h.department_id == world.dept1)
    assert row.head == "" and str(head) in {o.value for o in state.people}
    await run(state.set_head(world.dept1, str(head)), state)
    assert next(h for h in state.heads if h.department_id == world.dept1).head == str(head)
    supervisor = await signed_in(engine, SopTicketsState, "head.ui")
    await run(supervisor.enter(), supervisor)
    assert supervisor.heads == []
    events = await run(supervisor.set_head(world.dept1, ""), supervisor)
    assert toasts(events, "error")


async def test_the_sop_ticket_export_has_headers_in_the_persons_language(engine, session, world):
    with transaction(session):
        session.get(User, world.admin_a).language = "ko"
    state = await signed_in(engine, SopTicketsState, "admin.a")
    await run(state.enter(), state)
    header = download_bytes(await run(state.export("csv"), state)).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("번호,상태,제목,SOP,제기 부서,")
