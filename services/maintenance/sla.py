"""SLA clocks of maintenance tickets, in working time of the plant's shift calendar (24/7 without one).

    calendar_of(session, plant_id) -> CalendarSpec | None       the plant's default calendar, None = 24/7
    target_for(session, plant_id, priority) -> Target           configured (plant_targets), else DEFAULT_TARGETS
    working_between(cal, start, end) -> int                     working seconds
    add_working(cal, start, seconds) -> datetime
    start_clock(session, ticket, now)                           due times when a ticket is raised
    on_state(session, ticket, state, closed, now)               response, start, pause, resume, resolution
    clock(session, ticket, now, plants) -> SlaClock             what the countdown shows (`PlantSla`: calendars
                                                                and targets read once for many tickets)
    check_due(session, *, now) -> int                           warn, mark breaches, escalate (a system job)

Rules: the response clock runs from the ticket's creation until it first leaves the "open" state; the
resolution clock runs from creation until it is done, minus the working time spent in "waiting_parts"
when the plant's target pauses for parts (the flag is copied onto the ticket when it is raised). A due
time is the instant at which the target's minutes of working time (plus the paused working seconds)
have passed. A warning goes once to the assignee (else the plant's maintenance people) `warn_minutes`
before the nearer open deadline; a breach marks the ticket and escalates to the maintenance lead (level
1), and `manager_after_minutes` later, still open, to the plant manager (level 2); each once, in-app and
by email through the outbox, as an audit entry and a `maintenance_ticket.sla_*` event. Cancelled
tickets have no SLA.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.maintenance import MaintenanceSlaTarget, MaintenanceTeam, MaintenanceTicket
from models.organization import Plant
from services.config import notifications
from services.core.audit import audit
from services.core.calendar_math import CalendarSpec, add_working_time, working_seconds
from services.core.errors import Invalid
from services.core.events import record
from services.core.messages import t
from services.kpi.plant_calendar import kpi_calendar
from services.maintenance.events import SlaBreached, SlaEscalated, SlaEvent, SlaWarning

OPEN_STATE, WAITING_STATE = "open", "waiting_parts"
TICKET_PATH = "/maintenance/ticket?id="


@dataclass(frozen=True)
class Target:
    response_minutes: int
    resolution_minutes: int
    warn_minutes: int = 30
    pause_waiting_parts: bool = True


DEFAULT_TARGETS = {
    "critical": Target(30, 4 * 60), "high": Target(60, 8 * 60),
    "medium": Target(4 * 60, 24 * 60, 60), "low": Target(8 * 60, 72 * 60, 120),
}


class SlaClock(BaseModel):
    state: str                        # ok | warning | breached | paused | met | missed | none
    response_state: str               # pending | met | missed | breached
    due_at: datetime | None           # the deadline the countdown runs to (response first, then resolution)
    remaining_seconds: int | None     # working seconds left (negative: overdue); None when stopped
    response_due_at: datetime | None
    resolution_due_at: datetime | None


# ---- working time --------------------------------------------------------------------------------

def calendar_of(session: Session, plant_id: int) -> CalendarSpec | None:
    plant = session.get(Plant, plant_id)
    if plant is None:
        return None
    try:
        return kpi_calendar(session, plant)
    except Invalid:
        return None


def working_between(cal: CalendarSpec | None, start: datetime, end: datetime) -> int:
    if end <= start:
        return 0
    return int((end - start).total_seconds()) if cal is None else working_seconds(cal, start, end)


def add_working(cal: CalendarSpec | None, start: datetime, seconds: int) -> datetime:
    return start + timedelta(seconds=seconds) if cal is None else add_working_time(cal, start, seconds)


def plant_targets(session: Session, plant_id: int) -> dict[str, Target]:
    """The targets configured at the plant, by priority (`pick_target` fills in the defaults)."""
    rows = session.exec(select(MaintenanceSlaTarget).where(MaintenanceSlaTarget.plant_id == plant_id)).all()
    return {r.priority: Target(r.response_minutes, r.resolution_minutes, r.warn_minutes, r.pause_waiting_parts)
            for r in rows}


def pick_target(configured: dict[str, Target], priority: str) -> Target:
    return configured.get(priority) or DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS["medium"])


def target_for(session: Session, plant_id: int, priority: str) -> Target:
    return pick_target(plant_targets(session, plant_id), priority)


class PlantSla:
    """The calendars and SLA targets of plants, each read once: for a list of tickets or a run of the job."""

    def __init__(self, session: Session):
        self.session = session
        self._calendars: dict[int, CalendarSpec | None] = {}
        self._targets: dict[int, dict[str, Target]] = {}

    def calendar(self, plant_id: int) -> CalendarSpec | None:
        if plant_id not in self._calendars:
            self._calendars[plant_id] = calendar_of(self.session, plant_id)
        return self._calendars[plant_id]

    def target(self, plant_id: int, priority: str) -> Target:
        if plant_id not in self._targets:
            self._targets[plant_id] = plant_targets(self.session, plant_id)
        return pick_target(self._targets[plant_id], priority)


# ---- the clock on a ticket -----------------------------------------------------------------------

def start_clock(session: Session, ticket: MaintenanceTicket, now: datetime) -> None:
    target = target_for(session, ticket.plant_id, ticket.priority)
    cal = calendar_of(session, ticket.plant_id)
    ticket.sla_pauses = target.pause_waiting_parts
    ticket.response_due_at = add_working(cal, now, target.response_minutes * 60)
    ticket.resolution_due_at = add_working(cal, now, target.resolution_minutes * 60)


def _resolution_due(session: Session, ticket: MaintenanceTicket, cal: CalendarSpec | None) -> datetime:
    target = target_for(session, ticket.plant_id, ticket.priority)
    return add_working(cal, ticket.created_at, target.resolution_minutes * 60 + ticket.paused_seconds)


def on_state(session: Session, ticket: MaintenanceTicket, state: str, closed: bool, now: datetime) -> None:
    """Keep the clock's facts as the ticket moves (called by the workflow hook with the move's time)."""
    cal = calendar_of(session, ticket.plant_id)
    if state != OPEN_STATE and ticket.responded_at is None:
        ticket.responded_at = now
    if ticket.paused_since is not None and state != WAITING_STATE:
        ticket.paused_seconds += working_between(cal, ticket.paused_since, now)
        ticket.paused_since = None
        ticket.resolution_due_at = _resolution_due(session, ticket, cal)
    if state == WAITING_STATE and ticket.sla_pauses and ticket.paused_since is None:
        ticket.paused_since = now
    if closed and ticket.resolved_at is None:
        ticket.resolved_at = now


def clock(session: Session, ticket: MaintenanceTicket, now: datetime, plants: PlantSla | None = None) -> SlaClock:
    """`plants` shares the calendars and targets read across many tickets."""
    plants = plants or PlantSla(session)
    cal = plants.calendar(ticket.plant_id)
    response = _response_state(ticket, now)
    common = {"response_state": response, "response_due_at": ticket.response_due_at,
              "resolution_due_at": ticket.resolution_due_at}
    if ticket.is_cancelled or ticket.resolution_due_at is None:
        return SlaClock(state="none", due_at=None, remaining_seconds=None, **common)
    if ticket.is_closed:
        met = ticket.resolved_at is not None and ticket.resolved_at <= ticket.resolution_due_at
        return SlaClock(state="met" if met and response != "missed" else "missed", due_at=None,
                        remaining_seconds=None, **common)
    due = (ticket.response_due_at if ticket.responded_at is None else None) or ticket.resolution_due_at
    if ticket.paused_since is not None:
        left = working_between(cal, ticket.paused_since, due) - working_between(cal, due, ticket.paused_since)
        return SlaClock(state="paused", due_at=due, remaining_seconds=left, **common)
    left = working_between(cal, now, due) - working_between(cal, due, now)
    warn = plants.target(ticket.plant_id, ticket.priority).warn_minutes * 60
    state = "breached" if left <= 0 else ("warning" if left <= warn else "ok")
    return SlaClock(state=state, due_at=due, remaining_seconds=left, **common)


def _response_state(ticket: MaintenanceTicket, now: datetime) -> str:
    if ticket.response_due_at is None:
        return "pending"
    if ticket.responded_at is not None:
        return "met" if ticket.responded_at <= ticket.response_due_at else "missed"
    return "breached" if now >= ticket.response_due_at else "pending"


# ---- the system job: warn, breach, escalate ------------------------------------------------------

def check_due(session: Session, *, now: datetime, organization_id: int | None = None) -> int:
    """Warn, mark breaches and escalate for every open ticket of one organization (or of every one); returns
    how many notices were given. Safe to run from several workers: tickets are locked while they are handled."""
    query = select(MaintenanceTicket).where(
        MaintenanceTicket.is_closed == False, col(MaintenanceTicket.paused_since).is_(None))  # noqa: E712
    if organization_id is not None:
        query = query.where(MaintenanceTicket.organization_id == organization_id)
    rows = session.exec(query.order_by(col(MaintenanceTicket.id)).with_for_update()).all()
    plants = PlantSla(session)
    return sum(_check(session, ticket, plants, now) for ticket in rows)


def _check(session: Session, ticket: MaintenanceTicket, plants: PlantSla, now: datetime) -> int:
    c = clock(session, ticket, now, plants)
    notices = 0
    if ticket.responded_at is None and ticket.response_due_at is not None and now >= ticket.response_due_at \
            and not ticket.response_breached:
        ticket.response_breached = True
        notices += _breach(session, ticket, "response", ticket.response_due_at, now)
    if ticket.resolution_due_at is not None and now >= ticket.resolution_due_at and not ticket.resolution_breached:
        ticket.resolution_breached = True
        notices += _breach(session, ticket, "resolution", ticket.resolution_due_at, now)
    breached_at = _first_breach(ticket)
    if ticket.escalation_level == 1 and breached_at is not None:
        team = _team(session, ticket.plant_id)
        after = team.manager_after_minutes if team else 60
        if now >= breached_at + timedelta(minutes=after):
            notices += _escalate(session, ticket, 2, now)
    if c.state == "warning" and ticket.warned_at is None:
        ticket.warned_at = now
        _notice(session, ticket, SlaWarning(**_about(ticket, now)), user_ids=(ticket.assignee_id,) if ticket.assignee_id else (),
                roles=() if ticket.assignee_id else ("maintenance",), kind="alert",
                title=t("{number}: SLA due {due:%Y-%m-%d %H:%M} UTC", number=ticket.number, due=c.due_at),
                body=ticket.title)
        notices += 1
    session.add(ticket)
    return notices


def _first_breach(ticket: MaintenanceTicket) -> datetime | None:
    times = [t for t, b in ((ticket.response_due_at, ticket.response_breached),
                            (ticket.resolution_due_at, ticket.resolution_breached)) if b and t]
    return min(times) if times else None


def _breach(session: Session, ticket: MaintenanceTicket, which: str, due: datetime, now: datetime) -> int:
    _notice(session, ticket, SlaBreached(**_about(ticket, now), which=which), user_ids=(), roles=(),
            kind="escalation", title="", body="", notify=False)
    if ticket.escalation_level >= 1:
        return 0
    return _escalate(session, ticket, 1, now, which=which, due=due)


def _team(session: Session, plant_id: int) -> MaintenanceTeam | None:
    return session.exec(select(MaintenanceTeam).where(MaintenanceTeam.plant_id == plant_id)).first()


def _escalate(session: Session, ticket: MaintenanceTicket, level: int, now: datetime, *, which: str = "",
              due: datetime | None = None) -> int:
    team = _team(session, ticket.plant_id)
    person = (team.lead_user_id if level == 1 else team.manager_user_id) if team else None
    role = "maintenance" if level == 1 else "manager"
    ticket.escalation_level = level
    if due is None:
        title = t("{number}: SLA still breached", number=ticket.number)
    elif which == "response":
        title = t("{number}: response SLA breached (due {due:%Y-%m-%d %H:%M} UTC)", number=ticket.number, due=due)
    else:
        title = t("{number}: resolution SLA breached (due {due:%Y-%m-%d %H:%M} UTC)", number=ticket.number, due=due)
    escalated = SlaEscalated(**_about(ticket, now), level=level, to=f"user #{person}" if person else f"role {role}")
    _notice(session, ticket, escalated, user_ids=(person,) if person else (), roles=() if person else (role,),
            kind="escalation", title=title, body=ticket.title)
    return 1


def _about(ticket: MaintenanceTicket, now: datetime) -> dict[str, Any]:
    """The envelope and ticket fields every SLA event of `ticket` carries."""
    return {"organization_id": ticket.organization_id, "plant_id": ticket.plant_id, "at": now,
            "maintenance_ticket_id": pk(ticket), "number": ticket.number, "machine_id": ticket.machine_id}


def _notice(session: Session, ticket: MaintenanceTicket, event: SlaEvent, *, user_ids, roles, kind: str,
            title: str, body: str, notify: bool = True) -> None:
    """Audit and record one SLA event of `ticket` (the audit action is the event name's last part), and tell
    the people concerned unless `notify` is off."""
    now = event.at
    audit(session, None, "maintenance_ticket", ticket.id, event.name.rpartition(".")[2], event.payload,
          organization_id=ticket.organization_id, plant_id=ticket.plant_id, at=now)
    record(session, event)
    if notify:
        notifications.notify_people(session, organization_id=ticket.organization_id, title=title, body=body,
                               link=f"{TICKET_PATH}{ticket.id}", kind=kind, user_ids=user_ids, roles=roles,
                               plant_id=ticket.plant_id, entity_type="maintenance_ticket", entity_id=ticket.id,
                               now=now)
