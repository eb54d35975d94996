"""Repairs waiting for parts: a ticket keeps each pause (from, to, reason, who), and the loss Pareto shows the minutes
of the stops a breakdown ticket explains that fall inside its pauses as their own bar, taken out of the stop reason's
bar (the total and the six big losses stay as they were).

Calendar of tests/factories/production.py: Monday 06:00-22:00 with breaks 09:00-09:15, 12:00-12:30, 18:00-18:30.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.core.db import transaction
from services.kpi import reads as kpi_reads
from services.maintenance import pauses, ticket_work
from services.maintenance import tickets as mt
from services.shopfloor import operator
from tests.factories.org import make_user
from tests.factories.production import make_line


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def shop(session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    tech = make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.wp")
    return {"line": line, "machine": line.machine_ids[0], "other": line.machine_ids[1], "tech": tech}


def _act(session, actor, ticket_id, key, now, comment=""):
    with transaction(session):
        return ticket_work.act(session, actor, ticket_id, key, comment=comment, now=now)


def _down(session, op, machine, reason, start, end, n):
    with transaction(session):
        operator.start_downtime(session, op, machine, reason, client_id=f"d{n}", occurred_at=start, now=start)
    if end is not None:
        with transaction(session):
            operator.end_downtime(session, op, machine, client_id=f"u{n}", occurred_at=end, now=end)


def _pareto(session, world, **kw):
    return kpi_reads.loss_pareto(session, world.actor(world.admin_a), plant_id=world.plant1, start=kw.pop("start", at(2, 0)),
                                 end=kw.pop("end", at(3, 0)), now=kw.pop("now", at(3, 0)), **kw)


def _minutes(pareto, kind, reason_code_id=None):
    return [r.minutes for r in pareto.rows if r.kind == kind and (reason_code_id is None or r.reason_code_id == reason_code_id)]


def test_waiting_for_parts_is_its_own_bar_of_the_loss_pareto(session, world, shop):
    """M1 down 08:00-10:30 (135 working minutes: the coffee break 09:00-09:15 is not working time). Its ticket waits
    for parts 08:30-10:00: 90 minutes less the coffee break = 75 minutes waiting, 60 left on the breakdown reason.
    M2 waits for parts 14:00-15:00 on a ticket raised while it ran: no stop explains it, nothing moves."""
    op, tech = world.actor(world.operator1), world.actor(shop["tech"])
    brk = shop["line"].downtime_reason_id
    with transaction(session):
        operator.start_downtime(session, op, shop["machine"], brk, client_id="d1", occurred_at=at(2, 8), now=at(2, 8))
    with transaction(session):
        ticket = mt.raise_ticket(session, op, mt.TicketCreate(machine_id=shop["machine"], title="Bearing seized",
                                                              source="operator"), now=at(2, 8))
    _act(session, tech, ticket.id, "start_now", at(2, 8, 10))
    _act(session, tech, ticket.id, "wait_parts", at(2, 8, 30), comment="Bearing 6204 on order")
    _act(session, tech, ticket.id, "resume", at(2, 10))
    _act(session, tech, ticket.id, "done", at(2, 10, 30))
    with transaction(session):
        operator.end_downtime(session, op, shop["machine"], client_id="u1", occurred_at=at(2, 10, 30), now=at(2, 10, 30))
    with transaction(session):
        other = mt.raise_ticket(session, op, mt.TicketCreate(machine_id=shop["other"], title="Guard loose",
                                                             source="operator"), now=at(2, 13))
    _act(session, tech, other.id, "start_now", at(2, 13, 30))
    _act(session, tech, other.id, "wait_parts", at(2, 14))
    _act(session, tech, other.id, "resume", at(2, 15))

    [pause] = pauses.ticket_pauses(session, tech, ticket.id)
    assert (pause.started_at, pause.ended_at, pause.reason, pause.user_id) == (
        at(2, 8, 30), at(2, 10), "Bearing 6204 on order", shop["tech"])
    assert [p.reason for p in pauses.ticket_pauses(session, tech, other.id)] == ["Waiting for parts"]
    with transaction(session):
        assert [p.started_at for p in ticket_work.detail(session, tech, ticket.id, now=at(3, 0)).pauses] == [at(2, 8, 30)]

    pareto = _pareto(session, world)
    assert _minutes(pareto, "waiting_parts") == [75.0] and _minutes(pareto, "stop", brk) == [60.0]
    waiting = next(r for r in pareto.rows if r.kind == "waiting_parts")
    assert (waiting.reason_name, waiting.loss_category, waiting.stops) == ("Repairs waiting for parts", "breakdown", None)
    assert [r.stops for r in pareto.rows if r.kind == "stop"] == [1]                 # the stop still counts once
    breakdown = next(c for c in pareto.six_big_losses if c.loss_category == "breakdown")
    assert breakdown.minutes == 135.0                                                # moved, not added
    # one machine, a window that cuts the pause (09:00-12:00: 45 min waiting after the coffee break, 30 min repair
    # after the parts came)
    cut = _pareto(session, world, machine_id=shop["machine"], start=at(2, 9), end=at(2, 12))
    assert _minutes(cut, "waiting_parts") == [45.0] and _minutes(cut, "stop", brk) == [30.0]
    assert _minutes(_pareto(session, world, machine_id=shop["other"]), "waiting_parts") == []


def test_an_open_pause_on_an_open_stop_runs_to_now_and_another_plant_sees_none(session, world, shop):
    op, tech = world.actor(world.operator1), world.actor(shop["tech"])
    brk = shop["line"].downtime_reason_id
    _down(session, op, shop["machine"], brk, at(2, 14), None, 7)
    with transaction(session):
        ticket = mt.raise_ticket(session, op, mt.TicketCreate(machine_id=shop["machine"], title="Hydraulic leak",
                                                              source="operator"), now=at(2, 14))
    _act(session, tech, ticket.id, "start_now", at(2, 14))
    _act(session, tech, ticket.id, "wait_parts", at(2, 15))
    # now 17:00: the stop has 180 minutes, 120 of them waiting
    pareto = _pareto(session, world, now=at(2, 17))
    assert _minutes(pareto, "waiting_parts") == [120.0] and _minutes(pareto, "stop", brk) == [60.0]
    assert [p.ended_at for p in pauses.ticket_pauses(session, tech, ticket.id)] == [None]
    line2 = make_line(session, world.org_a, world.plant2, world.dept2)
    assert _minutes(kpi_reads.loss_pareto(session, world.actor(world.admin_a), plant_id=world.plant2, start=at(2, 0),
                                          end=at(3, 0), now=at(2, 17)), "waiting_parts") == []
    assert line2.machine_ids
