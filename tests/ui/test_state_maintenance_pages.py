"""The maintenance pages added for issue 10 without a browser: the breakdown report's camera input and the
ticket forms' custom fields, preventive plans, spare parts and stock, the plant's maintenance settings and the
maintenance home; each with a field error shown in its form and another organization refused."""
from __future__ import annotations

from sqlmodel import select

from models.maintenance import MaintenanceTicket
from models.user import User
from rxapp.pages.maintenance.floor import report_page
from rxapp.state.maintenance.floor import ReportState
from rxapp.state.maintenance.home import MaintenanceHomeState
from rxapp.state.maintenance.parts import MaintenancePartsState
from rxapp.state.maintenance.plans import MaintenancePlansState
from rxapp.state.maintenance.settings import MaintenanceSettingsState
from rxapp.state.maintenance.ticket_work import TicketWorkState
from rxapp.state.maintenance.tickets import MaintenanceTicketsState, MaintenanceTicketState
from services.config import custom_fields
from services.config.custom_fields import CustomFieldCreate
from services.core.db import transaction
from tests.factories.org import make_user
from tests.factories.production import make_line
from tests.ui.conftest import download_bytes, run, signed_in, toasts


def _shop(session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.ui")
    make_user(session, world.org_b, roles=["maintenance"], plant_ids=[world.plant_b], username="tech.b.ui")
    return line.machine_ids


def test_the_report_photo_input_opens_the_rear_camera():
    rendered = str(report_page())
    assert 'capture:"environment"' in rendered and 'accept:"image/*"' in rendered


async def test_ticket_forms_carry_the_custom_fields_of_maintenance_tickets(engine, session, world, now):
    machine_id = _shop(session, world)[0]
    with transaction(session):
        custom_fields.create_definition(session, world.actor(world.admin_a), CustomFieldCreate(
            entity_type="maintenance_ticket", key="hours_meter", label="Hours meter", field_type="number",
            min_value="0", required=True), now=now)
    report = await signed_in(engine, ReportState, "op.one")
    await run(report.enter(), report)
    assert [(i.name, i.required) for i in report.custom_inputs] == [("custom.hours_meter", True)]
    await run(report.set_machine(str(machine_id)), report)
    events = await run(report.submit({"title": "Leak", "priority": "high", "custom.hours_meter": ""}), report)
    assert report.errors == {"custom.hours_meter": "Required."} and toasts(events, "error")
    await run(report.submit({"title": "Leak", "priority": "high", "custom.hours_meter": "1200"}), report)
    assert report.done_number == "MT-000001"
    assert session.exec(select(MaintenanceTicket)).one().custom == {"hours_meter": "1200"}
    tech = await signed_in(engine, MaintenanceTicketsState, "tech.ui")
    await run(tech.enter(), tech)
    await run(tech.load(), tech)
    assert [i.key for i in tech.custom_inputs] == ["hours_meter"]
    events = await run(tech.save({"machine_id": str(machine_id), "title": "Noise", "custom.hours_meter": "-1"}), tech)
    assert tech.form_errors == {"custom.hours_meter": "Must be at least 0."} and toasts(events, "error")
    other = await signed_in(engine, MaintenanceTicketsState, "tech.b.ui")
    await run(other.load(), other)
    assert other.custom_inputs == [] and other.rows == []


async def test_preventive_plans_are_created_edited_and_switched_with_next_due(engine, session, world):
    machine_id = _shop(session, world)[0]
    page = await signed_in(engine, MaintenancePlansState, "tech.ui")
    await run(page.enter(), page)
    assert page.plant_id == str(world.plant1) and page.rows == [] and f"m:{machine_id}" in [o.value for o in page.targets]
    await run(page.open_new(), page)
    form = {"name": "Lubricate spindle", "target": f"m:{machine_id}", "trigger": "calendar", "interval": "x",
            "unit": "weeks", "lead_days": "3", "duration_minutes": "45", "priority": "medium",
            "checklist": "Grease nipple 1\n\nGrease nipple 2"}
    events = await run(page.save(form), page)
    assert page.form_open and page.form_errors == {"interval": "Use a whole number."} and toasts(events, "error")
    events = await run(page.save({**form, "interval": "0"}), page)
    assert page.form_errors == {"interval": "Use a whole number from 1."}
    await run(page.save({**form, "interval": "2"}), page)
    assert not page.form_open
    [row] = page.rows
    assert (row.name, row.every, row.checklist_size, row.is_active) == ("Lubricate spindle", "every 2 weeks", 2, True)
    assert row.next_due not in ("", "–") and "UTC" not in row.next_due and row.target != "" and not row.target.startswith("Class")
    await run(page.open_edit(row.id), page)
    assert (page.form.interval, page.form.checklist, page.form.target) == (
        "2", "Grease nipple 1\nGrease nipple 2", f"m:{machine_id}")
    await run(page.save({**form, "interval": "500", "trigger": "count", "checklist": "Check belt"}), page)
    [row] = page.rows
    assert (row.every, row.checklist_size, row.next_due) == ("every 500 parts", 1, "–")
    await run(page.set_active(row.id, False), page)
    assert page.rows[0].is_active is False
    other = await signed_in(engine, MaintenancePlansState, "tech.b.ui")
    await run(other.enter(), other)
    assert other.rows == [] and other.targets == []
    events = await run(other.open_edit(row.id), other)
    assert toasts(events, "error") == ["Plan not found."] and not other.form_open
    events = await run(other.set_active(row.id, True), other)
    assert toasts(events, "error") == ["Plan not found."]
    events = await run(other.save({**form, "interval": "1"}), other)
    assert other.form_errors == {} and toasts(events, "error") == ["Machine not found."]


async def test_spare_parts_receive_issue_minimum_and_reorder_list(engine, session, world):
    machine_id = _shop(session, world)[0]
    tickets = await signed_in(engine, MaintenanceTicketsState, "tech.ui")
    await run(tickets.save({"machine_id": str(machine_id), "title": "Bearing worn", "priority": "high"}), tickets)
    page = await signed_in(engine, MaintenancePartsState, "tech.ui")
    await run(page.enter(), page)
    assert page.plant_id == str(world.plant1) and page.parts == [] and len(page.ticket_options) == 1
    await run(page.open_form("part"), page)
    events = await run(page.save({"code": "BRG 6204", "name": "Bearing 6204", "unit_cost": "4.5"}), page)
    assert page.mode == "part" and page.form_errors == {"code": "Use up to 32 letters, digits, '.', '-' or '_'."}
    assert toasts(events, "error")
    await run(page.save({"code": "BRG-6204", "name": "Bearing 6204", "unit_cost": "4.50"}), page)
    assert page.mode == "" and [(p.code, p.unit_cost, p.on_hand) for p in page.parts] == [("BRG-6204", "4.5", 0)]
    part = str(page.parts[0].id)
    await run(page.open_form("receive"), page)
    await run(page.save({"part_id": part, "location": "Shelf A3", "quantity": "10"}), page)
    await run(page.open_form("minimum"), page)
    await run(page.save({"part_id": part, "location": "Shelf A3", "min_quantity": "8"}), page)
    await run(page.open_form("issue"), page)
    events = await run(page.save({"ticket_id": page.ticket_options[0].value, "part_id": part, "location": "Shelf A3",
                                  "quantity": "11"}), page)
    assert toasts(events, "error") == ["Only 10 pc of BRG-6204 at Shelf A3."] and page.mode == "issue"
    await run(page.save({"ticket_id": page.ticket_options[0].value, "part_id": part, "location": "Shelf A3",
                         "quantity": "3"}), page)
    assert [(r.location, r.quantity, r.min_quantity, r.below_minimum) for r in page.stock] == [("Shelf A3", 7, 8, True)]
    assert [r.code for r in page.reorder] == ["BRG-6204"] and page.parts[0].on_hand == 7
    csv = download_bytes(await run(page.export("csv", True), page)).decode()
    assert "BRG-6204" in csv and "Shelf A3" in csv
    other = await signed_in(engine, MaintenancePartsState, "tech.b.ui")
    await run(other.enter(), other)
    assert other.parts == [] and other.stock == [] and other.ticket_options == []
    await run(other.open_form("issue"), other)
    events = await run(other.save({"ticket_id": page.ticket_options[0].value, "part_id": part,
                                   "location": "Shelf A3", "quantity": "1"}), other)
    assert toasts(events, "error") == ["Maintenance ticket not found."]
    await run(other.open_form("receive"), other)
    events = await run(other.save({"part_id": part, "location": "Shelf A3", "quantity": "1"}), other)
    assert toasts(events, "error") == ["Spare part not found."]
    with transaction(session):
        session.exec(select(User).where(User.username == "tech.ui")).one().language = "ja"
    japanese = await signed_in(engine, MaintenancePartsState, "tech.ui")
    await run(japanese.enter(), japanese)
    rows = download_bytes(await run(japanese.export("csv", True), japanese)).decode("utf-8-sig").splitlines()
    assert rows[0] == "部品,名前,保管場所,数量,最小,最小在庫割れ" and "BRG-6204" in rows[1]


async def test_sla_targets_team_and_automatic_rules_per_plant(engine, session, world):
    machine_id = _shop(session, world)[0]
    page = await signed_in(engine, MaintenanceSettingsState, "tech.ui")
    await run(page.enter(), page)
    assert [t.priority for t in page.targets] == ["critical", "high", "medium", "low"]
    assert not any(t.configured for t in page.targets) and page.lead_options and page.manager_options
    await run(page.edit_target("high"), page)
    events = await run(page.save_target({"response_minutes": "60", "resolution_minutes": "30", "warn_minutes": "10"}),
                       page)
    assert page.target_errors == {"resolution_minutes": "Resolution cannot be due before the response."}
    assert toasts(events, "error") and page.editing == "high"
    await run(page.save_target({"response_minutes": "15", "resolution_minutes": "240", "warn_minutes": "30",
                                "pause_waiting_parts": "on"}), page)
    high = next(t for t in page.targets if t.priority == "high")
    assert (high.response_minutes, high.resolution_minutes, high.pause_waiting_parts, high.configured) == (
        15, 240, True, True) and page.editing == ""
    lead = page.lead_options[0].value
    manager = next(o.value for o in page.manager_options if o.value != lead)
    events = await run(page.save_team({"lead_user_id": lead, "manager_user_id": manager,
                                       "manager_after_minutes": "-5"}), page)
    assert page.team_errors == {"manager_after_minutes": "Use 0 to 43200 minutes."} and toasts(events, "error")
    await run(page.save_team({"lead_user_id": lead, "manager_user_id": manager, "manager_after_minutes": "45"}), page)
    assert (page.lead_user_id, page.manager_user_id, page.manager_after_minutes) == (lead, manager, "45")
    events = await run(page.add_rule({"machine_id": str(machine_id), "threshold_minutes": "0", "priority": "high"}),
                       page)
    assert page.rule_errors == {"threshold_minutes": "Use 1 minute to 7 days."} and toasts(events, "error")
    await run(page.add_rule({"machine_id": str(machine_id), "threshold_minutes": "20", "priority": "critical"}), page)
    [rule] = page.rules
    assert (rule.reason, rule.threshold_minutes, rule.priority, rule.is_active) == ("Any reason", 20, "critical", True)
    await run(page.set_rule_active(rule.id, False), page)
    assert page.rules[0].is_active is False
    await run(page.start_rule_edit(rule.id), page)              # the edit form opens with the rule's values
    assert page.editing_rule == rule.id and (page.edit_rule.machine_id, page.edit_rule.threshold_minutes) == (
        str(machine_id), 20)
    events = await run(page.save_rule({"machine_id": "", "threshold_minutes": "x", "priority": "low"}), page)
    assert set(page.rule_errors) == {"threshold_minutes"} and toasts(events, "error") and page.editing_rule == rule.id
    events = await run(page.save_rule({"machine_id": "", "threshold_minutes": "75", "priority": "low"}), page)
    assert toasts(events, "success") == ["Rule saved"] and page.editing_rule == 0
    assert (page.rules[0].machine, page.rules[0].threshold_minutes, page.rules[0].priority,
            page.rules[0].is_active) == ("Any machine", 75, "low", False)
    other = await signed_in(engine, MaintenanceSettingsState, "tech.b.ui")
    await run(other.enter(), other)
    assert other.rules == [] and str(machine_id) not in [o.value for o in other.machine_options]
    events = await run(other.set_rule_active(rule.id, True), other)
    assert toasts(events, "error") == ["Rule not found."]
    other.editing_rule = rule.id                                   # a forged event changes nothing
    events = await run(other.save_rule({"threshold_minutes": "5", "priority": "low"}), other)
    assert toasts(events, "error") == ["Rule not found."]
    other.plant_id = str(world.plant1)
    await run(other.load(), other)
    assert other.load_error == "Plant not found." and other.targets == []


async def test_the_maintenance_home_puts_the_most_urgent_first_and_mine_apart(engine, session, world):
    first, second = _shop(session, world)[:2]
    tech = await signed_in(engine, MaintenanceTicketsState, "tech.ui")
    await run(tech.save({"machine_id": str(first), "title": "Slow hydraulics", "priority": "low"}), tech)
    await run(tech.save({"machine_id": str(second), "title": "Fire in cabinet", "priority": "critical"}), tech)
    page = await signed_in(engine, MaintenanceHomeState, "tech.ui")
    await run(page.load(), page)
    assert [t.priority for t in page.urgent] == ["critical", "low"] and page.mine == []
    assert (page.open_count, page.breached_count, page.reorder_count) == (2, 0, 0)
    assert {"/maintenance/plans", "/maintenance/parts", "/maintenance/my"} <= {link.href for link in page.links}
    detail = await tech.get_state(MaintenanceTicketState)
    detail.ticket_id = page.urgent[1].id
    await run(detail.load(), detail)
    await run(detail.assign(detail.technicians[0].value), detail)
    await run(page.load(), page)
    assert [t.title for t in page.mine] == ["Slow hydraulics"]
    operator = await signed_in(engine, MaintenanceHomeState, "op.one")
    await run(operator.load(), operator)
    assert operator.mine == [] and "/maintenance/my" not in {link.href for link in operator.links}
    other = await signed_in(engine, MaintenanceHomeState, "tech.b.ui")
    await run(other.load(), other)
    assert other.urgent == [] and other.open_count == 0


async def test_the_ticket_page_books_labour_and_issues_parts(engine, session, world):
    """Labour on the ticket page: book, edit and delete one's own entry; another technician's entry shows without
    its buttons and a forged delete is refused. Parts issued there leave their location; below the minimum the
    part is on the reorder list."""
    machine_id = _shop(session, world)[0]
    make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.two.ui")
    tickets = await signed_in(engine, MaintenanceTicketsState, "tech.ui")
    await run(tickets.save({"machine_id": str(machine_id), "title": "Bearing worn", "priority": "high"}), tickets)
    ticket_id = tickets.rows[0].id
    stock = await signed_in(engine, MaintenancePartsState, "tech.ui")
    await run(stock.enter(), stock)
    await run(stock.open_form("part"), stock)
    await run(stock.save({"code": "BRG-6204", "name": "Bearing 6204", "unit_cost": "4.50"}), stock)
    part = str(stock.parts[0].id)
    await run(stock.open_form("receive"), stock)
    await run(stock.save({"part_id": part, "location": "Shelf A3", "quantity": "5"}), stock)
    await run(stock.open_form("minimum"), stock)
    await run(stock.save({"part_id": part, "location": "Shelf A3", "min_quantity": "4"}), stock)

    page = await signed_in(engine, MaintenanceTicketState, "tech.ui")
    page.ticket_id = ticket_id
    work = await page.get_state(TicketWorkState)
    await run(work.load(), work)
    assert (work.labour, work.issued) == ([], [])
    assert [o.label for o in work.stock_options] == ["BRG-6204 · Bearing 6204 @ Shelf A3 (5)"]
    events = await run(work.add_labour({"started_at": "2026-03-02T09:00", "ended_at": "2026-03-02T08:00"}), work)
    assert work.labour_errors == {"ended_at": "The end must be after the start."} and toasts(events, "error")
    await run(work.add_labour({"started_at": "2026-03-02T08:00", "ended_at": "2026-03-02T09:30", "note": "Pulled"}),
              work)
    assert [(r.who, r.started, r.ended, r.hours, r.own) for r in work.labour] == [
        ("tech.ui", "3/2/26, 8:00\u202fAM", "3/2/26, 9:30\u202fAM", "1.50", True)]   # the plant's zone (UTC), en
    await run(work.edit_labour(work.labour[0].id), work)
    assert (work.edit_started, work.edit_ended, work.edit_note) == ("2026-03-02T08:00", "2026-03-02T09:30", "Pulled")
    await run(work.save_labour({"started_at": "2026-03-02T08:00", "ended_at": "2026-03-02T10:00", "note": "Pulled"}),
              work)
    assert [(r.hours, r.ended) for r in work.labour] == [("2.00", "3/2/26, 10:00\u202fAM")] and work.editing_labour == 0

    other = await signed_in(engine, MaintenanceTicketState, "tech.two.ui")
    other.ticket_id = ticket_id
    other_work = await other.get_state(TicketWorkState)
    await run(other_work.load(), other_work)
    await run(other_work.add_labour({"started_at": "2026-03-02T10:00", "ended_at": "2026-03-02T11:00"}), other_work)
    assert [(r.who, r.own) for r in other_work.labour] == [("tech.ui", False), ("tech.two.ui", True)]
    events = await run(other_work.delete_labour(other_work.labour[0].id), other_work)
    assert toasts(events, "error") == ["Only your own labour entries can be changed."]
    await run(other_work.edit_labour(other_work.labour[0].id), other_work)
    assert other_work.editing_labour == 0                              # no edit form for someone else's entry
    await run(work.load(), work)
    await run(work.delete_labour(work.labour[0].id), work)
    assert [r.who for r in work.labour] == ["tech.two.ui"]

    events = await run(work.issue_part({"stock": work.stock_options[0].value, "quantity": "6"}), work)
    assert toasts(events, "error") == ["Only 5 pc of BRG-6204 at Shelf A3."] and work.issued == []
    await run(work.issue_part({"stock": work.stock_options[0].value, "quantity": "2"}), work)
    assert [(p.part, p.location, p.quantity, p.cost) for p in work.issued] == [
        ("BRG-6204 · Bearing 6204", "Shelf A3", 2, "9.00")]
    assert [o.label for o in work.stock_options] == ["BRG-6204 · Bearing 6204 @ Shelf A3 (3)"]
    assert page.costs == "Parts 9.00 + labour 0.00 = 9.00"
    await run(stock.load(), stock)
    assert [(r.quantity, r.below_minimum) for r in stock.stock] == [(3, True)] and [r.code for r in stock.reorder] == [
        "BRG-6204"]
