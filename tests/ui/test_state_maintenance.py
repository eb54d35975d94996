"""Maintenance page states without a browser: an operator reports a breakdown with a photo, the ticket list
raises one with field errors, a technician works it from "my tickets" and the ticket page (assign, moves,
note), the dashboard links the plant's live board and analyses per machine; another organization sees
nothing."""
from __future__ import annotations

import asyncio

from sqlmodel import select

from models.maintenance import MaintenanceAttachment, MaintenanceTicket
from rxapp.state import follow as tab_follow
from rxapp.state.maintenance import dashboard, floor, follow
from rxapp.state.maintenance.dashboard import MaintenanceDashboardState
from rxapp.state.maintenance.floor import MyTicketsState, ReportState
from rxapp.state.maintenance.live_board import LiveMaintenanceState
from rxapp.state.maintenance.tickets import MaintenanceTicketsState, MaintenanceTicketState
from rxapp.state.org.auth import AuthState
from services.core.events import DomainEvent, bus
from tests.factories.org import make_user
from tests.factories.production import make_line
from tests.ui.conftest import linked, run, signed_in, toasts


class _Upload:
    def __init__(self, name: str, content_type: str, data: bytes):
        self.name, self.content_type, self._data = name, content_type, data

    async def read(self) -> bytes:
        return self._data


def _shop(session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.ui")
    make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1], username="manager.ui")
    make_user(session, world.org_b, roles=["maintenance"], plant_ids=[world.plant_b], username="tech.b.ui")
    return line.machine_ids[0]


async def test_operator_reports_a_breakdown_with_a_photo(engine, session, world):
    machine_id = _shop(session, world)
    report = await signed_in(engine, ReportState, "op.one")
    await run(report.enter(), report)
    assert str(machine_id) in [o.value for o in report.machines]
    await run(report.set_machine(str(machine_id)), report)
    await run(report.add_photos([_Upload("leak.jpg", "image/jpeg", b"\xff\xd8jpeg")]), report)
    assert report.photo_names == ["leak.jpg"]
    events = await run(report.submit({"title": "", "priority": "high"}), report)
    assert report.errors == {"title": "Required."} and toasts(events, "error")
    events = await run(report.submit({"title": "Spindle stuck", "description": "Grinding noise", "priority": "high"}),
                       report)
    assert report.done_number == "MT-000001" and toasts(events, "success")
    ticket = session.exec(select(MaintenanceTicket)).one()
    assert (ticket.source, ticket.raised_by, ticket.machine_id) == ("operator", world.operator1, machine_id)
    assert [a.filename for a in session.exec(select(MaintenanceAttachment)).all()] == ["leak.jpg"]


async def test_technician_works_a_ticket_from_the_list_and_my_tickets(engine, session, world):
    machine_id = _shop(session, world)
    tech = await signed_in(engine, MaintenanceTicketsState, "tech.ui")
    await run(tech.enter(), tech)
    events = await run(tech.save({"machine_id": str(machine_id), "title": "", "priority": "medium"}), tech)
    assert tech.form_errors == {"title": "Required."} and toasts(events, "error")
    await run(tech.save({"machine_id": str(machine_id), "title": "Belt slipping", "priority": "low"}), tech)
    assert [(r.number, r.priority, r.status, r.sla_state) for r in tech.rows] == [("MT-000001", "low", "Open", "ok")]
    page = await tech.get_state(MaintenanceTicketState)
    page.ticket_id = tech.rows[0].id
    await run(page.load(), page)
    assert {m.key for m in page.moves} == {"accept", "start_now", "cancel"} and page.sla_state == "ok"
    tech_id = int(page.technicians[0].value)
    await run(page.assign(str(tech_id)), page)
    assert page.assignee_id == str(tech_id)
    mine = await tech.get_state(MyTicketsState)
    await run(mine.load(), mine)
    assert [(t.number, [m.key for m in t.moves]) for t in mine.tickets] == [("MT-000001", ["accept", "start_now"])]
    await run(mine.move(mine.tickets[0].id, "start_now"), mine)
    assert [t.status for t in mine.tickets] == ["In progress"]
    await run(page.add_note({"text": "Tensioner replaced"}), page)
    await run(page.move("done"), page)
    assert (page.status, page.sla_state, [n[2] for n in page.notes]) == ("Done", "met", ["Tensioner replaced"])
    await run(mine.load(), mine)
    assert mine.tickets == []


async def test_technician_takes_a_ticket_nobody_was_assigned_from_my_tickets(engine, session, world):
    machine_id = _shop(session, world)
    report = await signed_in(engine, ReportState, "op.one")
    await run(report.enter(), report)
    await run(report.set_machine(str(machine_id)), report)
    await run(report.submit({"title": "Coolant leak", "priority": "high"}), report)
    mine = await signed_in(engine, MyTicketsState, "tech.ui")
    await run(mine.load(), mine)
    assert mine.tickets == []
    assert [(t.number, [m.key for m in t.moves]) for t in mine.to_take] == [("MT-000001", ["accept", "start_now"])]
    await run(mine.move(mine.to_take[0].id, "accept"), mine)
    assert (mine.to_take, [(t.number, t.status) for t in mine.tickets]) == ([], [("MT-000001", "Accepted")])
    other = await signed_in(engine, MyTicketsState, "tech.b.ui")
    await run(other.load(), other)
    assert (other.tickets, other.to_take, other.error) == ([], [], "")


async def test_dashboard_links_the_live_board_and_analyses_per_machine(live_context, engine, session, world):
    machine_id = _shop(session, world)
    tech = await signed_in(engine, MaintenanceTicketsState, "tech.ui")
    await run(tech.save({"machine_id": str(machine_id), "title": "Hydraulic leak", "priority": "high"}), tech)
    press = make_line(session, world.org_a, world.plant1, world.dept1)          # a second machine class
    manager = await signed_in(engine, MaintenanceDashboardState, "manager.ui")
    _, board = await linked(manager, manager.enter, LiveMaintenanceState)
    assert manager.error == "" and board.loaded and board._linked_to.startswith("maintenance")
    assert [(r.number, r.sla_state) for r in board.rows] == [("MT-000001", "ok")]
    assert [t[0] for t in board.tiles][:2] == ["MTBF", "MTTR"]
    assert next(m for m in manager.machine_rows if m.machine_id == machine_id).breakdowns == 1
    assert manager.machine_rows[0].href.startswith("/maintenance/tickets?machine=")
    assert str(press.work_center_id) in [o.value for o in manager.class_options]
    assert {m.machine_id for m in manager.machine_rows} >= {machine_id, *press.machine_ids}
    await run(manager.set_class(str(press.work_center_id)), manager)           # narrowed to that class
    assert sorted(m.machine_id for m in manager.machine_rows) == sorted(press.machine_ids)
    assert all(m.breakdowns == 0 for m in manager.machine_rows)
    await run(manager.set_class(""), manager)
    assert machine_id in {m.machine_id for m in manager.machine_rows}


async def test_another_organization_sees_nothing(engine, session, world):
    machine_id = _shop(session, world)
    tech = await signed_in(engine, MaintenanceTicketsState, "tech.ui")
    await run(tech.save({"machine_id": str(machine_id), "title": "Noise", "priority": "low"}), tech)
    other = await signed_in(engine, MaintenanceTicketsState, "tech.b.ui")
    await run(other.load(), other)
    assert other.rows == [] and str(machine_id) not in [o.value for o in other.machines]
    page = await other.get_state(MaintenanceTicketState)
    page.ticket_id = tech.rows[0].id
    await run(page.load(), page)
    assert page.error == "Maintenance ticket not found." and page.number == ""
    events = await run(page.move("accept"), page)
    assert toasts(events, "error") == ["Maintenance ticket not found."]


async def test_the_breakdown_forms_carry_a_reason_code_of_the_plant(engine, session, world):
    """The phone report and the supervisor's form offer the organization's unplanned downtime reasons (not the planned
    PM reason, not scrap reasons) and store the chosen one; a scrap reason or another organization's is refused."""
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1], username="sup.ui")
    other = make_line(session, world.org_b, world.plant_b, world.dept_b)
    machine_id, brk = line.machine_ids[0], line.downtime_reason_id
    report = await signed_in(engine, ReportState, "op.one")
    await run(report.enter(), report)
    offered = {int(o.value) for o in report.symptoms}
    assert brk in offered and not offered & {line.planned_stop_reason_id, line.scrap_reason_id,
                                             other.downtime_reason_id}
    await run(report.set_machine(str(machine_id)), report)
    events = await run(report.submit({"title": "Spindle stuck", "priority": "high",
                                      "reason_code_id": str(line.scrap_reason_id)}), report)
    assert report.errors == {"reason_code_id": "Choose a downtime reason of your organization."}
    assert toasts(events, "error")
    await run(report.submit({"title": "Spindle stuck", "priority": "high", "reason_code_id": str(brk)}), report)
    sup = await signed_in(engine, MaintenanceTicketsState, "sup.ui")
    await run(sup.enter(), sup)
    assert [o.value for o in sup.symptoms] == [o.value for o in report.symptoms]
    events = await run(sup.save({"machine_id": str(machine_id), "title": "Oil on the floor", "priority": "medium",
                                 "reason_code_id": str(other.downtime_reason_id)}), sup)
    assert set(sup.form_errors) == {"reason_code_id"} and toasts(events, "error")
    await run(sup.save({"machine_id": str(machine_id), "title": "Oil on the floor", "priority": "medium",
                        "reason_code_id": str(brk)}), sup)
    tickets = session.exec(select(MaintenanceTicket).order_by(MaintenanceTicket.id)).all()
    assert [(t.source, t.reason_code_id) for t in tickets] == [("operator", brk), ("supervisor", brk)]


async def _until(condition) -> None:
    """Let the follower's task run until `condition()` holds (the test fails on a missing refresh by its assert).
    A guard against a hang, not a timing: 30 s, as a loaded CI worker took more than the 4 s this waited before."""
    for _ in range(1500):
        if condition():
            return
        await asyncio.sleep(0.02)


async def test_my_tickets_and_the_machine_table_follow_events_without_a_reload(engine, session, world, monkeypatch):
    """The per-tab follower (rxapp/state/maintenance/follow.py) re-reads a technician's lists and the dashboard's
    per-machine table when a ticket event of their plants arrives, ignores other plants' events and stops with
    the tab."""
    machine_id = _shop(session, world)
    page = await signed_in(engine, MyTicketsState, "tech.ui")
    await run(page.load(), page)
    token = (await page.get_state(AuthState)).token
    assert (page.tickets, page.to_take) == ([], [])
    connected = [True]

    async def tab_connected(_client):
        return connected[0]
    monkeypatch.setattr(tab_follow, "tab_connected", tab_connected)
    seen: list[tuple[list[str], int]] = []

    async def refresh() -> bool:
        mine, to_take = await asyncio.to_thread(floor._my_work_for, token)
        rows, _summary = dashboard._rows(await asyncio.to_thread(dashboard._kpis_for, token, world.plant1, 30))
        seen.append(([t.number for t in mine + to_take], sum(r.breakdowns for r in rows)))
        return True
    listening = bus.subscriber_count()          # another test's listener (the live channel's) may still be there
    task = asyncio.create_task(follow.follow_tab("test-page", token, "tab-1", refresh))
    await _until(lambda: bus.subscriber_count() > listening)
    op = await signed_in(engine, ReportState, "op.one")
    await run(op.enter(), op)
    await run(op.set_machine(str(machine_id)), op)
    await run(op.submit({"title": "Spindle stuck", "priority": "high"}), op)
    await _until(lambda: len(seen) == 1)
    assert seen == [(["MT-000001"], 1)]
    bus.publish([DomainEvent(name="maintenance_ticket.created", organization_id=world.org_a, plant_id=world.plant2)])
    await run(op.submit({"title": "Guard loose", "priority": "low"}), op)
    await _until(lambda: len(seen) == 2)
    assert (sorted(seen[1][0]), seen[1][1]) == (["MT-000001", "MT-000002"], 2)   # a read for the second ticket only
    connected[0] = False
    bus.publish([DomainEvent(name="maintenance_ticket.moved", organization_id=world.org_a, plant_id=world.plant1)])
    await asyncio.wait_for(task, 10)
    assert len(seen) == 2
