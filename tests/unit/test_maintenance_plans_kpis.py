"""Preventive plans (calendar, parts counted by the operator portal and machine ingest, run hours), the planned
window excluded from availability, spare parts and labour, MTBF/MTTR and the other KPIs against hand-computed
figures, and isolation of parts between plants and organizations.

Calendar as in test_maintenance_tickets: Mon-Fri 06:00-14:00 and 14:00-22:00 with 45 + 30 minutes of breaks,
so a Monday has 885 working minutes. T0 is Monday 2026-03-02 08:00 UTC.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from models.base import utcnow
from models.maintenance import MaintenanceTicket
from models.shopfloor import EventKind, ProductionEvent
from rxapp.i18n import use_language
from rxapp.state.production.schedule_figures import machine_label, timeline
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.messages import render
from services.kpi import reads as kpi_reads
from services.maintenance import history, jobs, kpis, parts, plans, ticket_work
from services.maintenance import tickets as mt
from services.org import api_tokens
from services.production import scheduling
from services.shopfloor import ingest, operator
from tests.conftest import T0
from tests.factories.db import actor_for, committed
from tests.factories.org import make_user
from tests.factories.production import make_line
from tests.factories.shopfloor import make_floor


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def shop(session, world):
    floor = make_floor(session, world.org_a, world.plant1, world.dept1)
    tech = make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.one")
    return {"floor": floor, "line": floor.line, "machine": floor.machine_id, "tech": tech}


def _plan(session, actor, **kw):
    with transaction(session):
        return plans.create_plan(session, actor, plans.PlanCreate(**kw), now=T0)


def _act(session, actor, ticket_id, key, now):
    with transaction(session):
        return ticket_work.act(session, actor, ticket_id, key, now=now)


def test_calendar_plan_generates_ahead_and_counts_again_from_the_done_ticket(session, world, shop):
    tech = world.actor(shop["tech"])
    plan = _plan(session, tech, name="Lubricate guides", machine_id=shop["machine"], interval=1, unit="weeks",
                 lead_days=2, checklist=["Grease rails", "Check oil level"], anchor_at=T0)
    with transaction(session):
        assert plans.generate_due(session, now=T0 + timedelta(days=4)) == 0
    with transaction(session):
        assert plans.generate_due(session, now=T0 + timedelta(days=5)) == 1
    with transaction(session):
        assert plans.generate_due(session, now=T0 + timedelta(days=6)) == 0       # one open ticket per plan and machine
    ticket = session.exec(select(MaintenanceTicket)).one()
    assert (ticket.kind, ticket.source, ticket.plan_id, ticket.due_at, ticket.planned_start, ticket.planned_end) == (
        "preventive", "plan", plan.id, T0 + timedelta(days=7), T0 + timedelta(days=7), T0 + timedelta(days=7, hours=1))
    assert [i["item"] for i in ticket.checklist] == ["Grease rails", "Check oil level"]
    done_at = at(9, 10)
    _act(session, tech, ticket.id, "start_now", at(9, 9))
    with transaction(session):
        ticket_work.set_checklist_item(session, tech, ticket.id, 0, done=True, note="ok", now=at(9, 9, 30))
    _act(session, tech, ticket.id, "done", done_at)
    with transaction(session):
        assert plans.generate_due(session, now=done_at + timedelta(days=4)) == 0
    with transaction(session):
        assert plans.generate_due(session, now=done_at + timedelta(days=5)) == 1
    assert session.exec(select(MaintenanceTicket).where(MaintenanceTicket.id != ticket.id)).one().due_at == (
        done_at + timedelta(days=7))


def test_parts_plan_counts_operator_and_ingested_parts(session, world, shop):
    tech, op = world.actor(shop["tech"]), world.actor(world.operator1)
    _plan(session, tech, name="Change cutter", machine_id=shop["machine"], trigger="count", interval=100, lead_days=0,
          anchor_at=T0)
    with transaction(session):
        operator.start_job(session, op, shop["machine"], shop["floor"].cut_id, client_id="s-1", now=T0)
        operator.report_counts(session, op, shop["machine"], good=38, scrap=2,
                               scrap_reason_code_id=shop["line"].scrap_reason_id, client_id="c-1",
                               now=T0 + timedelta(minutes=30))
    with transaction(session):
        assert plans.generate_due(session, now=T0 + timedelta(hours=1)) == 0
    token = committed(session, api_tokens.create_api_token, world.actor(world.admin_a),
                      api_tokens.ApiTokenCreate(plant_id=world.plant1, name="gw", kind="machine"), now=T0)
    gateway = actor_for(session, token.token, now=T0)
    from models.resources import Machine
    machine_code = session.get(Machine, shop["machine"]).code
    result = committed(session, ingest.ingest_batch, gateway, [
        {"client_id": "gw-1", "machine": machine_code, "type": "count", "good": 60,
         "occurred_at": (T0 + timedelta(minutes=50)).isoformat()}], now=T0 + timedelta(hours=1))
    assert result.results[0].status == "accepted"
    assert plans.parts_since(session, shop["machine"], T0, T0 + timedelta(hours=1)) == 100
    with transaction(session):
        assert plans.generate_due(session, now=T0 + timedelta(hours=1)) == 1
    ticket = session.exec(select(MaintenanceTicket)).one()
    assert (ticket.title, ticket.due_at) == ("Change cutter", T0 + timedelta(hours=1))


def test_usage_plan_is_generated_ahead_from_the_usage_rate(session, world, shop):
    tech = world.actor(shop["tech"])
    _plan(session, tech, name="Inspect spindle", machine_id=shop["machine"], trigger="run_hours", interval=10,
          lead_days=0, anchor_at=at(2, 6))
    with transaction(session):                 # Monday 06:00-14:00: 7.25 run hours (breaks excluded), no stops
        assert plans.generate_due(session, now=at(2, 14)) == 0
    with transaction(session):                 # 14:00-16:45 adds 2.75 h: 10 run hours
        assert plans.generate_due(session, now=at(2, 16, 44)) == 0
    with transaction(session):
        assert plans.generate_due(session, now=at(2, 16, 45)) == 1


def test_a_preventive_window_is_planned_downtime_not_an_availability_loss(session, world, shop):
    tech = world.actor(shop["tech"])
    _plan(session, tech, name="Service", machine_id=shop["machine"], interval=1, unit="days", lead_days=1, anchor_at=T0)
    with transaction(session):
        plans.generate_due(session, now=T0)
    ticket = session.exec(select(MaintenanceTicket)).one()
    _act(session, tech, ticket.id, "start_now", at(2, 10))
    _act(session, tech, ticket.id, "done", at(2, 11))
    stored = session.get(MaintenanceTicket, ticket.id)
    stops = session.exec(select(ProductionEvent).where(ProductionEvent.kind.in_(
        [EventKind.DOWNTIME_STARTED, EventKind.DOWNTIME_ENDED])).order_by(ProductionEvent.occurred_at)).all()
    assert [(e.kind, e.occurred_at) for e in stops] == [(EventKind.DOWNTIME_STARTED, at(2, 10)),
                                                        (EventKind.DOWNTIME_ENDED, at(2, 11))]
    assert stored.downtime_event_id == stops[0].id
    summary = kpi_reads.kpi_summary(session, world.actor(world.admin_a), plant_id=world.plant1, start=at(2, 6),
                                    end=at(2, 14), machine_id=shop["machine"], now=at(3, 0))
    f = summary.figures
    assert (f.shift_minutes, f.planned_stop_minutes, f.planned_production_minutes, f.stop_minutes) == (435, 60, 375, 0)
    assert (f.run_minutes, f.idle_minutes) == (0, 375)          # no job ran on the machine that day: idle, not run


def test_a_booked_window_is_planned_downtime_even_when_its_work_never_starts(session, world, shop):
    """Mon 9 March, early shift 06:00-14:00 (435 working minutes), window booked 08:00-09:00 (no break inside).
    Work never starts: working time 435 - 60 = 375 min. A job runs 06:00-14:00, so nothing is idle:
    run 375 min, A = 1. Work started late inside the window (08:30) and overrunning to 09:30 adds only its
    minutes outside the window (09:15-09:30, after the 09:00-09:15 break) as a planned stop: 15 min.
    Cancelling the ticket gives the hour back."""
    tech, admin = world.actor(shop["tech"]), world.actor(world.admin_a)
    floor = shop["floor"]
    _plan(session, tech, name="Lubricate guides", machine_id=shop["machine"], interval=1, unit="weeks",
          lead_days=2, anchor_at=T0)
    with transaction(session):
        assert plans.generate_due(session, now=T0 + timedelta(days=5)) == 1       # booked Mon 9 March 08:00-09:00
    ticket = session.exec(select(MaintenanceTicket)).one()
    committed(session, operator.start_job, world.actor(world.operator1), shop["machine"], floor.cut_id,
              client_id="job-start-1", occurred_at=at(9, 6), now=at(9, 6))

    def figures(now):
        summary = kpi_reads.kpi_summary(session, admin, plant_id=world.plant1, start=at(9, 6), end=at(9, 14),
                                        machine_id=shop["machine"], now=now)
        raw = kpi_reads.machine_oee(session, admin, shop["machine"], start=at(9, 6), end=at(9, 14))
        f = summary.figures
        assert (f.shift_seconds, f.planned_stop_seconds, f.idle_seconds, f.run_seconds) == (
            raw.shift_seconds, raw.planned_stop_seconds, raw.idle_seconds, raw.run_seconds)
        return (f.shift_minutes, f.planned_stop_minutes, f.planned_production_minutes, f.idle_minutes, f.run_minutes,
                f.availability)

    assert figures(at(10, 0)) == (375, 0, 375, 0, 375, "1/1")
    _act(session, tech, ticket.id, "start_now", at(9, 8, 30))
    _act(session, tech, ticket.id, "done", at(9, 9, 30))
    assert figures(at(10, 0)) == (375, 15, 360, 0, 360, "1/1")


def test_mtbf_mttr_and_the_rest_against_hand_computed_figures(session, world, shop):
    tech, op, sup = world.actor(shop["tech"]), world.actor(world.operator1), world.actor(world.admin_a)
    brk = shop["line"].downtime_reason_id

    def down(start, end, n):
        with transaction(session):
            operator.start_downtime(session, op, shop["machine"], brk, client_id=f"d{n}", occurred_at=start, now=start)
        with transaction(session):
            operator.end_downtime(session, op, shop["machine"], client_id=f"u{n}", occurred_at=end, now=end)

    def raise_(now, priority="critical"):
        with transaction(session):
            return mt.raise_ticket(session, op, mt.TicketCreate(machine_id=shop["machine"], title="Down",
                                                                priority=priority, source="operator"), now=now)

    with transaction(session):
        operator.start_downtime(session, op, shop["machine"], brk, client_id="d1", occurred_at=at(2, 7), now=at(2, 7))
    a = raise_(at(2, 7))                                         # response due 07:30, resolution 11:15
    _act(session, tech, a.id, "start_now", at(2, 7, 30))
    _act(session, tech, a.id, "done", at(2, 8, 30))              # repair 1 h
    with transaction(session):
        operator.end_downtime(session, op, shop["machine"], client_id="u1", occurred_at=at(2, 8, 30), now=at(2, 8, 30))
    b = raise_(at(2, 15))
    _act(session, tech, b.id, "start_now", at(2, 15))
    _act(session, tech, b.id, "done", at(2, 17))                 # repair 2 h
    down(at(2, 15), at(2, 17), 2)
    raise_(at(2, 19))                                            # never answered: response breached at 19:30
    with transaction(session):
        jobs.run_due(session, now=at(2, 19, 31))
    with transaction(session):
        parts.create_part(session, tech, parts.PartCreate(code="BRG-6204", name="Bearing", unit_cost=Decimal("12.50")),
                          now=utcnow())
    part_id = parts.list_parts(session, tech)[0].id
    with transaction(session):
        parts.receive(session, tech, part_id, world.plant1, "A-01", 10, now=at(2, 7))
        parts.issue_to_ticket(session, tech, a.id, part_id, "A-01", 2, now=at(2, 8))
        parts.add_labour(session, tech, a.id, user_id=shop["tech"], started_at=at(2, 7, 30), ended_at=at(2, 8, 30),
                         hourly_rate=Decimal("40"), now=at(2, 9))
    k = kpis.maintenance_kpis(session, sup, plant_id=world.plant1, start=at(2, 0), end=at(3, 0),
                              machine_id=shop["machine"], now=at(3, 0))
    # operating time: 885 working minutes - 90 - 120 minutes of stops = 675 min = 11.25 h
    assert (k.breakdowns, k.breakdown_stops, k.operating_hours) == (3, 2, 11.25)
    assert (k.mtbf_hours, k.mtbf_hours_stops) == (3.75, 5.625)
    assert (k.mttr_hours, k.mttr_hours_stops) == (1.5, 1.75)
    assert (k.response_compliance, k.resolution_compliance) == (pytest.approx(2 / 3), 1.0)
    assert (k.preventive_done, k.corrective_done, k.planned_ratio) == (0, 2, 0.0)
    assert (k.parts_cost, k.labour_cost, k.labour_hours) == (Decimal("25.00"), Decimal("40.00"), Decimal("1.00"))
    assert k.backlog["< 1 day"] == 1 and sum(k.backlog.values()) == 1
    assert k.definitions["planned_ratio"] == "Preventive tickets done / all tickets done in the period."
    with use_language("ja"):                  # a Japanese viewer: definitions in Japanese, the backlog's keys stay
        ja = kpis.maintenance_kpis(session, sup, plant_id=world.plant1, start=at(2, 0), end=at(3, 0),
                                   machine_id=shop["machine"], now=at(3, 0))
    assert ja.definitions["planned_ratio"] == "期間中に完了した予防保全チケット ÷ 完了したすべてのチケット。"
    assert list(ja.backlog) == list(k.backlog) and render(kpis.AGE_BUCKETS[0][1], "ko") == "1일 미만"
    assert k.machines[0].cost == Decimal("65.00")
    with transaction(session):
        hist = history.machine_history(session, tech, shop["machine"], now=at(3, 0))
    assert len(hist.tickets) == 3
    assert [(s.minutes, s.ticket_number) for s in hist.stops] == [(120, ""), (90, a.number)]
    assert parts.ticket_costs(session, tech, a.id).total == Decimal("65.00")


def test_mtbf_of_machines_created_inside_the_window_counts_from_their_start(session, world, shop):
    """Two machines entered on Monday 10:00. M1 has no earlier history: it operates from 10:00, i.e. 10:00-22:00
    minus lunch 12:00-12:30 and dinner 18:00-18:30 = 660 min, minus its breakdown 15:00-16:00 = 600 min = 10 h.
    M2's history was imported back to 08:00 (a stop 08:00-08:30): 08:00-22:00 minus coffee 09:00-09:15, lunch and
    dinner = 765 min, minus the 30-min stop = 735 min = 12.25 h. Counted from the window's start (Monday 00:00)
    both would have the whole day's 885 min."""
    line = make_line(session, world.org_a, world.plant1, world.dept1, machines_since=at(2, 10))
    m1, m2 = line.machine_ids
    op, sup = world.actor(world.operator1), world.actor(world.admin_a)
    for machine, start, end in ((m1, at(2, 15), at(2, 16)), (m2, at(2, 8), at(2, 8, 30))):
        with transaction(session):
            operator.start_downtime(session, op, machine, line.downtime_reason_id, client_id=f"d{machine}",
                                    occurred_at=start, now=start)
        with transaction(session):
            operator.end_downtime(session, op, machine, client_id=f"u{machine}", occurred_at=end, now=end)
    k1, k2 = (kpis.maintenance_kpis(session, sup, plant_id=world.plant1, start=at(2, 0), end=at(3, 0), machine_id=m,
                                    now=at(3, 0)) for m in (m1, m2))
    assert (k1.operating_hours, k1.breakdown_stops, k1.mtbf_hours_stops) == (10.0, 1, 10.0)
    assert (k2.operating_hours, k2.breakdown_stops, k2.mtbf_hours_stops) == (12.25, 1, 12.25)
    # a window wholly before the machine existed has no operating time
    k0 = kpis.maintenance_kpis(session, sup, plant_id=world.plant1, start=at(1, 0), end=at(2, 0), machine_id=m1,
                               now=at(3, 0))
    assert k0.operating_hours == 0


def test_stock_never_goes_negative_and_the_reorder_list(session, world, shop):
    tech = world.actor(shop["tech"])
    with transaction(session):
        part = parts.create_part(session, tech, parts.PartCreate(code="FLT-1", name="Filter", unit_cost=Decimal("3")),
                                 now=utcnow())
        parts.receive(session, tech, part.id, world.plant1, "B-02", 4, now=T0)
    with transaction(session):
        ticket = mt.raise_ticket(session, tech, mt.TicketCreate(machine_id=shop["machine"], title="Clogged"), now=T0)
    with transaction(session), pytest.raises(Conflict, match="Only 4"):
        parts.issue_to_ticket(session, tech, ticket.id, part.id, "B-02", 5, now=T0)
    with transaction(session):
        parts.issue_to_ticket(session, tech, ticket.id, part.id, "B-02", 3, now=T0)
        parts.set_minimum(session, tech, part.id, world.plant1, "B-02", 2, now=T0)
    assert [(s.code, s.location, s.quantity, s.min_quantity) for s in parts.reorder_list(session, tech)] == [
        ("FLT-1", "B-02", 1, 2)]


def test_another_plants_parts_and_another_organizations_technician(session, world, shop):
    tech = world.actor(shop["tech"])
    admin = world.actor(world.admin_a)
    with transaction(session):
        part = parts.create_part(session, admin, parts.PartCreate(code="V-1", name="Valve"), now=utcnow())
        parts.receive(session, admin, part.id, world.plant2, "P2-A", 5, now=T0)
    assert parts.stock(session, tech) == []                             # plant 2's stock is not theirs
    with transaction(session), pytest.raises(NotFound):
        parts.receive(session, tech, part.id, world.plant2, "P2-A", 1, now=T0)
    with transaction(session):
        ticket = mt.raise_ticket(session, tech, mt.TicketCreate(machine_id=shop["machine"], title="Leak"), now=T0)
    with transaction(session), pytest.raises(Conflict):                 # no valve at plant 1
        parts.issue_to_ticket(session, tech, ticket.id, part.id, "P2-A", 1, now=T0)
    tech_b = world.actor(make_user(session, world.org_b, roles=["maintenance"], plant_ids=[world.plant_b]))
    with transaction(session), pytest.raises(NotFound):
        parts.issue_to_ticket(session, tech_b, ticket.id, part.id, "P2-A", 1, now=T0)
    with transaction(session), pytest.raises(NotFound):
        parts.receive(session, tech_b, part.id, world.plant_b, "X", 1, now=T0)
    with pytest.raises(NotFound):
        kpis.maintenance_kpis(session, tech_b, plant_id=world.plant1, start=at(2, 0), end=at(3, 0), now=utcnow())


def test_a_booked_window_shows_on_the_schedule_board_until_its_ticket_is_cancelled(session, world, shop):
    tech, planner = world.actor(shop["tech"]), world.actor(world.planner1)
    _plan(session, tech, name="Lubricate guides", machine_id=shop["machine"], interval=1, unit="weeks",
          lead_days=2, anchor_at=T0)
    with transaction(session):
        assert plans.generate_due(session, now=T0 + timedelta(days=5)) == 1       # booked Mon 9 March 08:00-09:00
    ticket = session.exec(select(MaintenanceTicket)).one()

    def windows(start, end):
        board = committed(session, scheduling.schedule_board, planner, world.plant1, start=start, end=end)
        return board, {row.machine_id: [(w.ticket_id, w.number, w.kind, w.start, w.end) for w in row.maintenance]
                       for row in board.machines}

    board, shown = windows(at(9, 0), at(10, 0))
    assert shown == {shop["machine"]: [(ticket.id, ticket.number, "preventive", at(9, 8), at(9, 9))],
                     shop["floor"].other_machine_id: []}
    figure, point_ops = timeline(board)
    trace = next(t for t in figure.data if t.name == "Maintenance window")
    row = next(r for r in board.machines if r.machine_id == shop["machine"])
    assert list(trace.y) == [machine_label(row.code, row.name)] and trace.marker.pattern.shape == "/"
    assert point_ops[list(figure.data).index(trace)] == [0]                # a click on it selects no operation
    assert windows(at(9, 9), at(10, 0))[1][shop["machine"]] == []        # the window ends where this one starts

    def shift_minutes():
        return kpi_reads.kpi_summary(session, world.actor(world.admin_a), plant_id=world.plant1, start=at(9, 6),
                                     end=at(9, 14), machine_id=shop["machine"], now=at(6, 9)).figures.shift_minutes

    assert shift_minutes() == 435 - 60                                    # booked: planned downtime
    with transaction(session):
        ticket_work.act(session, world.actor(world.admin_a), ticket.id, "cancel", now=at(6, 9), comment="Moved")
    assert windows(at(9, 0), at(10, 0))[1][shop["machine"]] == []
    assert shift_minutes() == 435                                         # cancelled: working time again


def test_labour_is_booked_on_29_february_and_longer_than_a_year_is_refused(session, world, shop):
    op, tech = world.actor(world.operator1), world.actor(shop["tech"])
    leap_day = datetime(2028, 2, 29, 12, tzinfo=UTC)
    with transaction(session):
        ticket = mt.raise_ticket(session, op, mt.TicketCreate(machine_id=shop["machine"], title="Down",
                                                              priority="high", source="operator"), now=leap_day)
    with transaction(session):
        parts.add_labour(session, tech, ticket.id, user_id=shop["tech"], started_at=leap_day - timedelta(hours=2),
                         ended_at=leap_day - timedelta(hours=1), hourly_rate=Decimal("40"), now=leap_day)
    assert [entry.hours for entry in parts.labour(session, tech, ticket.id)] == [Decimal("1.00")]
    with pytest.raises(Invalid) as refused, transaction(session):
        parts.add_labour(session, tech, ticket.id, user_id=shop["tech"], started_at=leap_day - timedelta(days=400),
                         ended_at=leap_day, hourly_rate=Decimal("40"), now=leap_day)
    assert refused.value.fields == {"ended_at": "At most a year."}


def test_own_labour_entries_are_corrected_and_deleted_and_nobody_elses(session, world, shop):
    tech, op = world.actor(shop["tech"]), world.actor(world.operator1)
    other_tech = make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.two")
    with transaction(session):
        ticket = mt.raise_ticket(session, op, mt.TicketCreate(machine_id=shop["machine"], title="Noise"), now=at(2, 7))
        entry = parts.add_labour(session, tech, ticket.id, user_id=None, started_at=at(2, 8), ended_at=at(2, 9),
                                 hourly_rate=Decimal("40"), now=at(2, 9))
    with transaction(session):
        fixed = parts.update_labour(session, tech, entry.id, started_at=at(2, 8), ended_at=at(2, 10, 30),
                                    note="took longer", now=at(2, 11))
    assert (fixed.hours, fixed.cost, fixed.hourly_rate, fixed.note) == (Decimal("2.50"), Decimal("100.00"),
                                                                       Decimal("40.00"), "took longer")
    with pytest.raises(Invalid), transaction(session):
        parts.update_labour(session, tech, entry.id, started_at=at(2, 10), ended_at=at(2, 9), now=at(2, 11))
    with pytest.raises(Forbidden), transaction(session):
        parts.delete_labour(session, world.actor(other_tech), entry.id, now=at(2, 11))
    with pytest.raises(NotFound), transaction(session):
        parts.update_labour(session, world.actor(world.admin_b), entry.id, started_at=at(2, 8), ended_at=at(2, 9),
                            now=at(2, 11))
    assert parts.ticket_costs(session, tech, ticket.id).labour == Decimal("100.00")
    with transaction(session):
        parts.delete_labour(session, tech, entry.id, now=at(2, 12))
    assert parts.labour(session, tech, ticket.id) == [] and parts.ticket_costs(session, tech, ticket.id).hours == 0
