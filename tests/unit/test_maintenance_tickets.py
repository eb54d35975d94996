"""Maintenance tickets: raised by an operator, a supervisor or automatically for a long stop; SLA clocks in the
plant calendar's working time (shift ends, weekends, holidays, waiting-for-parts pauses) with an injected
clock; warning, breach and escalation to the lead then the plant manager (in-app and email); tenancy.

The plant's calendar (tests/production_factories.make_calendar): Mon-Fri 06:00-14:00 (breaks 09:00-09:15,
12:00-12:30) and 14:00-22:00 (break 18:00-18:30), UTC. T0 is Monday 2026-03-02 08:00. Priority "high" has
the default target: response 60 min, resolution 480 min of working time, warning 30 min before.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from models.base import utcnow
from models.config import EmailOutbox, Notification
from models.maintenance import MaintenanceStopLink, MaintenanceTicket
from models.user import User
from rxapp.i18n import use_language
from services.config import notifications
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.messages import render, render_fields
from services.core.messages import t as message
from services.maintenance import jobs, parts, settings, ticket_work
from services.maintenance import tickets as mt
from services.shopfloor import operator
from tests.conftest import T0
from tests.factories.org import actor_of, make_user
from tests.factories.production import make_line
from tests.factories.scheduling import add_holiday


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def shop(session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    tech = make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.one")
    lead = make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="lead.one")
    manager = make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1], username="manager.one")
    sup = make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1], username="sup.one")
    with transaction(session):
        for uid in (lead, manager):
            user = session.get(User, uid)
            user.email = f"{user.username}@example.com"
            session.add(user)
    return {"line": line, "machine": line.machine_ids[0], "tech": tech, "lead": lead, "manager": manager, "sup": sup}


def _raise(session, actor, machine_id, now=T0, **kw):
    with transaction(session):
        return mt.raise_ticket(session, actor, mt.TicketCreate(machine_id=machine_id, title=kw.pop("title", "Spindle noise"),
                                                               priority=kw.pop("priority", "high"), **kw), now=now)


def _act(session, actor, ticket_id, key, now, comment=""):
    with transaction(session):
        return ticket_work.act(session, actor, ticket_id, key, comment=comment, now=now)


def _notes(session, user_id):
    return [(n.kind, n.title) for n in session.exec(select(Notification).where(Notification.user_id == user_id)
                                                    .order_by(Notification.id)).all()]


def _read(session, user_id):
    """The titles of a person's notifications as they read them (in the language being served), oldest first."""
    items, _total = notifications.list_notifications(session, actor_of(session, user_id), limit=500)
    return [n.title for n in reversed(items)]


def test_escalations_of_the_job_read_in_each_recipients_language(session, world, shop):
    for uid, lang in ((shop["lead"], "ja"), (shop["manager"], "ko")):
        session.get(User, uid).language = lang
    session.commit()
    with transaction(session):
        settings.set_team(session, world.actor(shop["lead"]), world.plant1, lead_user_id=shop["lead"],
                          manager_user_id=shop["manager"], manager_after_minutes=60, now=T0)
    _raise(session, world.actor(world.operator1), shop["machine"])
    for moment in (at(2, 9, 16), at(2, 10, 0)):                   # breached: the lead, then the manager
        with transaction(session):
            assert jobs.run_due(session, now=moment) == 1
    assert _notes(session, shop["lead"])[-1] == (
        "escalation", "MT-000001: response SLA breached (due 2026-03-02 09:00 UTC)")       # stored: its English
    with use_language("ja"):
        assert _read(session, shop["lead"])[-1] == "MT-000001：初動対応 SLA 違反（期限 2026-03-02 09:00 UTC）"
    with use_language("ko"):
        assert _read(session, shop["manager"]) == ["MT-000001: SLA 위반이 계속되고 있습니다"]
    mails = {m.to_address: m.subject for m in session.exec(select(EmailOutbox)).all()}
    assert mails["lead.one@example.com"] == "MT-000001：初動対応 SLA 違反（期限 2026-03-02 09:00 UTC）"
    assert mails["manager.one@example.com"] == "MT-000001: SLA 위반이 계속되고 있습니다"


def test_operator_raises_a_ticket_with_working_time_deadlines(session, world, shop, captured_events):
    ticket = _raise(session, world.actor(world.operator1), shop["machine"], source="operator")
    assert (ticket.number, ticket.status, ticket.kind, ticket.source, ticket.raised_by) == (
        "MT-000001", "open", "corrective", "operator", world.operator1)
    assert ticket.response_due_at == at(2, 9, 0)             # 60 min of working time
    assert ticket.resolution_due_at == at(2, 16, 45)         # 480 min across the lunch break and shift change
    assert (ticket.sla_state, ticket.sla_remaining_seconds) == ("ok", 60 * 60)
    assert ("assignment", f"MT-000001: {ticket.machine_code} - Spindle noise") in _notes(session, shop["tech"])
    assert "maintenance_ticket.created" in [e.name for e in captured_events]


def test_deadlines_skip_the_weekend_and_holidays(session, world, shop):
    friday = _raise(session, world.actor(shop["sup"]), shop["machine"], now=at(6, 21, 0))
    assert (friday.response_due_at, friday.resolution_due_at) == (at(6, 22, 0), at(9, 13, 45))
    add_holiday(session, shop["line"].calendar_id, date(2026, 3, 9))
    holiday = _raise(session, world.actor(shop["sup"]), shop["machine"], now=at(6, 21, 0))
    assert holiday.resolution_due_at == at(10, 13, 45)


def test_no_calendar_means_round_the_clock(session, world):
    from models.resources import Machine, WorkCenter
    with transaction(session):
        wc = WorkCenter(organization_id=world.org_a, plant_id=world.plant2, department_id=world.dept2, code="W", name="W")
        session.add(wc)
        session.flush()
        m = Machine(organization_id=world.org_a, plant_id=world.plant2, department_id=world.dept2,
                    work_center_id=wc.id, code="X1", name="X1")
        session.add(m)
        session.flush()
        machine_id = m.id
    ticket = _raise(session, world.actor(world.admin_a), machine_id, now=at(7, 23, 0))     # a Saturday night
    assert (ticket.response_due_at, ticket.resolution_due_at) == (at(8, 0, 0), at(8, 7, 0))


def test_waiting_for_parts_pauses_the_resolution_clock(session, world, shop):
    tech = world.actor(shop["tech"])
    ticket = _raise(session, world.actor(world.operator1), shop["machine"])
    started = _act(session, tech, ticket.id, "start_now", at(2, 8, 30))
    assert (started.assignee_id, started.responded_at, started.response_state) == (shop["tech"], at(2, 8, 30), "met")
    _act(session, tech, ticket.id, "wait_parts", at(2, 10, 0))
    with transaction(session):
        paused = mt.get_ticket(session, tech, ticket.id, now=at(2, 13, 0))
    # frozen at the pause: 10:00 -> 16:45 is 375 working minutes (the lunch break skipped)
    assert (paused.sla_state, paused.sla_remaining_seconds) == ("paused", 375 * 60)
    resumed = _act(session, tech, ticket.id, "resume", at(2, 15, 0))
    assert resumed.paused_seconds == 270 * 60                 # 10:00-12:00 and 12:30-15:00
    assert resumed.resolution_due_at == at(2, 21, 45)         # 16:45 + 270 working minutes (dinner skipped)
    with transaction(session):
        assert mt.get_ticket(session, tech, ticket.id, now=at(2, 21, 20)).sla_state == "warning"
    done = _act(session, tech, ticket.id, "done", at(2, 21, 30))
    assert (done.status, done.is_closed, done.resolved_at, done.sla_state) == ("done", True, at(2, 21, 30), "met")


def test_a_plant_may_keep_the_clock_running_while_waiting_for_parts(session, world, shop):
    with transaction(session):
        settings.set_sla_target(session, world.actor(shop["lead"]), world.plant1, "high", response_minutes=60,
                                resolution_minutes=480, pause_waiting_parts=False, now=T0)
    tech = world.actor(shop["tech"])
    ticket = _raise(session, world.actor(world.operator1), shop["machine"])
    _act(session, tech, ticket.id, "start_now", at(2, 8, 30))
    _act(session, tech, ticket.id, "wait_parts", at(2, 10, 0))
    resumed = _act(session, tech, ticket.id, "resume", at(2, 15, 0))
    assert (resumed.paused_seconds, resumed.resolution_due_at) == (0, at(2, 16, 45))


def test_warning_breach_and_escalation_to_lead_then_manager(session, world, shop, captured_events):
    with transaction(session):
        settings.set_team(session, world.actor(shop["lead"]), world.plant1, lead_user_id=shop["lead"],
                          manager_user_id=shop["manager"], manager_after_minutes=60, now=T0)
    ticket = _raise(session, world.actor(world.operator1), shop["machine"])
    with transaction(session):
        ticket_work.assign(session, world.actor(shop["lead"]), ticket.id, shop["tech"], now=T0)
    with transaction(session):
        assert jobs.run_due(session, now=at(2, 8, 20)) == 0           # 40 minutes left
    with transaction(session):
        assert jobs.run_due(session, now=at(2, 8, 35)) == 1           # 25 minutes left: a warning to the assignee
    assert ("alert", "MT-000001: SLA due 2026-03-02 09:00 UTC") in _notes(session, shop["tech"])
    with transaction(session):
        assert jobs.run_due(session, now=at(2, 8, 50)) == 0           # warned once
    with transaction(session):
        assert jobs.run_due(session, now=at(2, 9, 16)) == 1           # breached: to the lead
    assert _notes(session, shop["lead"])[-1] == (
        "escalation", "MT-000001: response SLA breached (due 2026-03-02 09:00 UTC)")
    assert _notes(session, shop["manager"]) == []
    with transaction(session):
        assert jobs.run_due(session, now=at(2, 9, 50)) == 0           # the manager 60 minutes after the breach
    with transaction(session):
        assert jobs.run_due(session, now=at(2, 10, 0)) == 1
    assert _notes(session, shop["manager"]) == [("escalation", "MT-000001: SLA still breached")]
    mails = session.exec(select(EmailOutbox.to_address).order_by(EmailOutbox.id)).all()
    assert mails[-2:] == ["lead.one@example.com", "manager.one@example.com"]
    stored = session.get(MaintenanceTicket, ticket.id)
    assert (stored.response_breached, stored.escalation_level) == (True, 2)
    names = [e.name for e in captured_events]
    assert names.count("maintenance_ticket.sla_breached") == 1 and names.count("maintenance_ticket.sla_escalated") == 2
    with transaction(session):
        assert jobs.run_due(session, now=at(2, 17, 0)) == 0            # resolution breached too, already escalated
    assert session.get(MaintenanceTicket, ticket.id).resolution_breached


def test_long_stop_raises_one_automatic_ticket_linked_to_the_stop(session, world, shop):
    with transaction(session):
        settings.create_auto_rule(session, world.actor(shop["lead"]), settings.AutoRuleCreate(
            plant_id=world.plant1, threshold_minutes=30, priority="critical"), now=T0)
        operator.start_downtime(session, world.actor(world.operator1), shop["machine"], shop["line"].downtime_reason_id,
                                client_id="down-1", now=T0)
    with transaction(session):
        assert jobs.run_due(session, now=T0 + timedelta(minutes=20)) == 0
    with transaction(session):
        assert jobs.run_due(session, now=T0 + timedelta(minutes=31)) >= 1
    with transaction(session):
        assert jobs.run_due(session, now=T0 + timedelta(minutes=40)) == 0     # the stop has its ticket
    rows = session.exec(select(MaintenanceTicket)).all()
    assert [(t.source, t.priority, t.reason_code_id, t.title) for t in rows] == [
        ("auto", "critical", shop["line"].downtime_reason_id, f"{rows[0].title.split()[0]} down for 31 min: BRK reason")]
    assert len(session.exec(select(MaintenanceStopLink).where(MaintenanceStopLink.ticket_id == rows[0].id)).all()) == 1


def test_an_automatic_rule_is_edited_not_only_switched_off(session, world, shop):
    lead = world.actor(shop["lead"])
    with transaction(session):
        rule = settings.create_auto_rule(session, lead, settings.AutoRuleCreate(
            plant_id=world.plant1, threshold_minutes=30, priority="critical"), now=T0)
    with transaction(session):                                   # 90 minutes, this machine and its reason only
        edited = settings.update_auto_rule(session, lead, rule.id, settings.AutoRuleUpdate(
            machine_id=shop["machine"], reason_code_id=shop["line"].downtime_reason_id, threshold_minutes=90,
            priority="medium"), now=T0)
    assert (edited.machine_id, edited.threshold_minutes, edited.priority, edited.is_active) == (
        shop["machine"], 90, "medium", True)
    assert settings.auto_rules(session, lead, world.plant1) == [edited]
    with transaction(session):
        operator.start_downtime(session, world.actor(world.operator1), shop["machine"], shop["line"].downtime_reason_id,
                                client_id="down-9", now=T0)
    with transaction(session):
        assert jobs.run_due(session, now=T0 + timedelta(minutes=31)) == 0      # the old 30 minutes no longer apply
    with transaction(session):
        assert jobs.run_due(session, now=T0 + timedelta(minutes=91)) >= 1
    assert [t.priority for t in session.exec(select(MaintenanceTicket)).all()] == ["medium"]
    with pytest.raises(Invalid) as refused, transaction(session):
        settings.update_auto_rule(session, lead, rule.id, settings.AutoRuleUpdate(
            machine_id=shop["line"].machine_ids[1], threshold_minutes=0), now=T0)
    assert set(refused.value.fields) == {"threshold_minutes"}
    with pytest.raises(Forbidden), transaction(session):             # a supervisor may not change it
        settings.update_auto_rule(session, world.actor(shop["sup"]), rule.id, settings.AutoRuleUpdate(), now=T0)
    with pytest.raises(NotFound), transaction(session):              # nor anyone of another organization
        settings.update_auto_rule(session, world.actor(world.admin_b), rule.id, settings.AutoRuleUpdate(), now=T0)
    assert settings.auto_rules(session, lead, world.plant1)[0].threshold_minutes == 90


def test_a_ticket_raised_while_the_machine_is_down_explains_that_stop(session, world, shop):
    with transaction(session):
        event = operator.start_downtime(session, world.actor(world.operator1), shop["machine"],
                                        shop["line"].downtime_reason_id, client_id="down-2", now=T0).event
    ticket = _raise(session, world.actor(world.operator1), shop["machine"], now=T0 + timedelta(minutes=2))
    with transaction(session):
        detail = ticket_work.detail(session, world.actor(shop["tech"]), ticket.id, now=utcnow())
    assert [s.event_id for s in detail.stops] == [event.id]
    assert detail.ticket.reason_code_id == shop["line"].downtime_reason_id
    assert {t.key for t in detail.transitions} == {"accept", "start_now", "cancel"}


def test_photos_notes_and_checklist(session, world, shop):
    op = world.actor(world.operator1)
    ticket = _raise(session, op, shop["machine"])
    with transaction(session):
        photo = ticket_work.add_photo(session, op, ticket.id, "leak.jpg", "image/jpeg", b"\xff\xd8jpeg", now=T0)
        ticket_work.add_note(session, op, ticket.id, "Oil on the floor", now=T0)
    with transaction(session), pytest.raises(Invalid):
        ticket_work.add_photo(session, op, ticket.id, "x.pdf", "application/pdf", b"%PDF", now=T0)
    with transaction(session):
        assert ticket_work.photo(session, world.actor(shop["tech"]), photo.id) == ("leak.jpg", "image/jpeg", b"\xff\xd8jpeg")
        assert [n.text for n in ticket_work.detail(session, op, ticket.id, now=utcnow()).notes] == ["Oil on the floor"]


def test_who_may_do_what(session, world, shop):
    ticket = _raise(session, world.actor(world.operator1), shop["machine"])
    with transaction(session), pytest.raises(Forbidden):
        ticket_work.act(session, world.actor(world.operator1), ticket.id, "accept", now=T0)
    with transaction(session), pytest.raises(Forbidden):
        _raise(session, world.actor(world.planner1), shop["machine"])
    with transaction(session), pytest.raises(Invalid):                       # an operator is no technician
        ticket_work.assign(session, world.actor(shop["lead"]), ticket.id, world.operator1, now=T0)
    with transaction(session), pytest.raises(Invalid, match="needs a comment"):
        ticket_work.act(session, world.actor(shop["sup"]), ticket.id, "cancel", now=T0)
    cancelled = _act(session, world.actor(shop["sup"]), ticket.id, "cancel", T0, comment="Raised twice")
    assert (cancelled.is_closed, cancelled.is_cancelled, cancelled.sla_state) == (True, True, "none")
    with transaction(session), pytest.raises(Conflict):
        ticket_work.assign(session, world.actor(shop["lead"]), ticket.id, shop["tech"], now=T0)


def test_another_organizations_technician_sees_nothing(session, world, shop):
    ticket = _raise(session, world.actor(world.operator1), shop["machine"])
    tech_b = world.actor(make_user(session, world.org_b, roles=["maintenance"], plant_ids=[world.plant_b]))
    tech_b2 = make_user(session, world.org_b, roles=["maintenance"], plant_ids=[world.plant_b])
    other_plant_tech = make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant2])
    with transaction(session), pytest.raises(NotFound):
        mt.get_ticket(session, tech_b, ticket.id, now=utcnow())
    with transaction(session), pytest.raises(NotFound):
        ticket_work.act(session, tech_b, ticket.id, "accept", now=T0)
    with transaction(session), pytest.raises(NotFound):
        _raise(session, tech_b, shop["machine"])
    assert mt.list_tickets(session, tech_b, now=utcnow()) == []
    for foreign in (tech_b2, other_plant_tech):
        with transaction(session), pytest.raises(Invalid):
            ticket_work.assign(session, world.actor(shop["lead"]), ticket.id, foreign, now=T0)


def test_my_tickets_lists_the_technicians_open_work_most_urgent_first(session, world, shop):
    lead = world.actor(shop["lead"])
    low = _raise(session, world.actor(world.operator1), shop["machine"], priority="low")
    crit = _raise(session, world.actor(world.operator1), shop["machine"], priority="critical")
    for t in (low, crit):
        with transaction(session):
            ticket_work.assign(session, lead, t.id, shop["tech"], now=T0)
    assert [t.number for t in mt.my_tickets(session, world.actor(shop["tech"]), now=T0)] == [crit.number, low.number]
    assert ("assignment", f"{low.number} assigned to you") in _notes(session, shop["tech"])


def test_tickets_to_take_are_the_open_unassigned_ones_of_the_technicians_plants(session, world, shop):
    operator_actor, tech = world.actor(world.operator1), world.actor(shop["tech"])
    low = _raise(session, operator_actor, shop["machine"], priority="low")
    crit = _raise(session, operator_actor, shop["machine"], priority="critical")
    taken = _raise(session, operator_actor, shop["machine"], priority="critical")
    closed = _raise(session, operator_actor, shop["machine"], priority="high")
    _act(session, world.actor(shop["lead"]), taken.id, "accept", T0)           # accepting assigns it to the lead
    _act(session, world.actor(shop["sup"]), closed.id, "cancel", T0, comment="Raised twice")
    assert [t.number for t in mt.tickets_to_take(session, tech, now=T0)] == [crit.number, low.number]
    other_plant_tech = make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant2])
    tech_b = make_user(session, world.org_b, roles=["maintenance"], plant_ids=[world.plant_b])
    for outsider in (operator_actor, world.actor(other_plant_tech), world.actor(tech_b)):
        assert mt.tickets_to_take(session, outsider, now=T0) == []

    mine = _act(session, tech, low.id, "accept", T0)
    assert mine.assignee_id == shop["tech"]
    assert [t.number for t in mt.tickets_to_take(session, tech, now=T0)] == [crit.number]
    assert [t.number for t in mt.my_tickets(session, tech, now=T0)] == [low.number]


def test_stock_issuable_to_a_ticket_is_on_hand_at_its_plant_and_none_once_cancelled(session, world, shop):
    tech, sup = world.actor(shop["tech"]), world.actor(shop["sup"])
    ticket = _raise(session, world.actor(world.operator1), shop["machine"])
    with transaction(session):
        part = parts.create_part(session, tech, parts.PartCreate(code="FLT-9", name="Filter"), now=T0)
        parts.receive(session, tech, part.id, world.plant1, "B-02", 4, now=T0)
        parts.set_minimum(session, tech, part.id, world.plant1, "B-03", 1, now=T0)      # a location with nothing
    with transaction(session):
        assert [(s.code, s.location, s.quantity) for s in parts.issuable_stock(session, tech, ticket.id)] == [
            ("FLT-9", "B-02", 4)]
    _act(session, sup, ticket.id, "cancel", T0, comment="Raised twice")
    with transaction(session):
        assert parts.issuable_stock(session, tech, ticket.id) == []


def test_maintenance_messages_carry_their_parameters_into_japanese_and_korean(session, world, shop):
    tech = world.actor(shop["tech"])
    ticket = _raise(session, world.actor(world.operator1), shop["machine"])
    with transaction(session):
        part = parts.create_part(session, tech, parts.PartCreate(code="FLT-9", name="Filter"), now=T0)
        parts.receive(session, tech, part.id, world.plant1, "B-02", 4, now=T0)
    with pytest.raises(Conflict) as short, transaction(session):
        parts.issue_to_ticket(session, tech, ticket.id, part.id, "B-02", 5, now=T0)
    assert short.value.message == "Only 4 pc of FLT-9 at B-02."                     # English as it was
    assert render(short.value.message, "ja") == "B-02 の FLT-9 は 4 pc しかありません。"
    assert render(short.value.message, "ko") == "B-02의 FLT-9은(는) 4 pc밖에 없습니다."
    with pytest.raises(Invalid) as photo, transaction(session):
        ticket_work.add_photo(session, tech, ticket.id, "x.png", "image/png", b"x" * (ticket_work.MAX_PHOTO_BYTES + 1),
                              now=T0)
    assert render_fields(photo.value.fields, "ja") == {"file": f"{ticket_work.MAX_PHOTO_BYTES // 2**20} MB 以下にしてください。"}
    _act(session, world.actor(shop["sup"]), ticket.id, "cancel", T0, comment="twice")
    with use_language("ja"), pytest.raises(Conflict) as closed, transaction(session):     # a Japanese technician's request
        ticket_work.set_checklist_item(session, tech, ticket.id, 0, done=True, now=T0)
    assert closed.value.message == "MT-000001 はクローズ済みです。"
    assert render(closed.value.message, "en") == "MT-000001 is closed."


def test_sla_notices_are_messages_with_the_ticket_and_due_time(session, world, shop):
    with transaction(session):
        settings.set_team(session, world.actor(shop["lead"]), world.plant1, lead_user_id=shop["lead"],
                          manager_user_id=shop["manager"], manager_after_minutes=60, now=T0)
    ticket = _raise(session, world.actor(world.operator1), shop["machine"])
    with use_language("ko"), transaction(session):           # a Korean-speaking lead assigns it
        ticket_work.assign(session, world.actor(shop["lead"]), ticket.id, shop["tech"], now=T0)
    assert ("assignment", "MT-000001 assigned to you") in _notes(session, shop["tech"])   # stored: its English
    with use_language("ja"):                                   # read by a Japanese-speaking technician
        assert _read(session, shop["tech"])[-1] == "MT-000001 があなたに割り当てられました"
    breach = message("{number}: response SLA breached (due {due:%Y-%m-%d %H:%M} UTC)", number="MT-000001", due=at(2, 9))
    assert render(breach, "ja") == "MT-000001：初動対応 SLA 違反（期限 2026-03-02 09:00 UTC）"
