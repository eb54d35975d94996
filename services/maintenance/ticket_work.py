"""Working a maintenance ticket: assign, move it through its workflow (accept, start, wait for parts, resume,
done, cancel), checklist results, notes, photos, links to the stop events it explains, and its detail.

Invariants: only a technician of the ticket's plant (role maintenance with access there, or an admin) can be
assigned; moves need MAINTAIN at the plant (and the transition's roles); a preventive ticket's work is recorded
on the machine as a planned stop (reason PM, planned) from "in_progress" until it is done or cancelled, through
the operator's own code path, so OEE's availability excludes it as it excludes every planned stop (unless the
machine is already stopped, or the move is recorded after the machine's state last changed);
photos are images of at most MAX_PHOTO_BYTES; a linked stop is a downtime start of the ticket's machine.
Nothing here commits.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.maintenance import (
    MaintenanceAttachment,
    MaintenanceNote,
    MaintenanceStopLink,
    MaintenanceTicket,
)
from models.resources import LossCategory, MachineStatus, ReasonCode, ReasonKind
from models.shopfloor import EventKind, ProductionEvent
from models.user import Role, User
from services.config import notifications, workflow
from services.core.access import Actor, Permission, require
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.kpi import planned_downtime
from services.maintenance import pauses, sla
from services.maintenance.common import (
    ENTITY,
    RAISE_PERMISSIONS,
    is_technician,
    readable_ticket,
    require_any,
    require_maintain,
    scoped_ticket,
)
from services.maintenance.pauses import PauseRead
from services.maintenance.plans import ticket_done
from services.maintenance.tickets import TICKET_PATH, TicketRead, get_ticket, my_tickets, tickets_to_take
from services.master.common import announce, stamp, text_problem
from services.shopfloor import operator

MAX_PHOTO_BYTES = 8 * 1024 * 1024
PM_REASON_CODE = "PM"


class NoteRead(BaseModel):
    id: int
    user_id: int | None
    username: str = ""
    text: str
    at: datetime


class AttachmentRead(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    at: datetime


class StopRead(BaseModel):
    event_id: int
    started_at: datetime
    reason_code_id: int | None


class TicketDetail(BaseModel):
    ticket: TicketRead
    transitions: list[workflow.TransitionOption]
    history: list[workflow.StepRead]
    notes: list[NoteRead]
    attachments: list[AttachmentRead]
    stops: list[StopRead]
    pauses: list[PauseRead] = []


def _open(session: Session, actor: Actor, ticket_id: int) -> MaintenanceTicket:
    ticket = scoped_ticket(session, actor, ticket_id, for_update=True)
    require_maintain(actor, ticket.plant_id)
    if ticket.is_closed:
        raise Conflict(t("{number} is closed.", number=ticket.number))
    return ticket


def assign(session: Session, actor: Actor, ticket_id: int, user_id: int | None, *,
           now: datetime) -> TicketRead:
    ticket = scoped_ticket(session, actor, ticket_id, for_update=True)
    require_any(actor, (Permission.MAINTAIN, Permission.SUPERVISE), ticket.plant_id,
                t("Tickets are assigned by maintenance staff and supervisors."))
    if ticket.is_closed:
        raise Conflict(t("{number} is closed.", number=ticket.number))
    if user_id is not None and not is_technician(session, actor.organization_id, user_id, ticket.plant_id):
        raise Invalid(fields={"assignee_id": t("Choose a technician of this plant.")})
    before, ticket.assignee_id = ticket.assignee_id, user_id
    session.add(stamp(ticket, actor, now))
    announce(session, actor, ENTITY, ticket.id, "assign", {"assignee_id": {"before": before, "after": user_id}},
             now=now, plant_id=ticket.plant_id, event="maintenance_ticket.assigned",
             payload={"assignee_id": user_id, "machine_id": ticket.machine_id})
    if user_id and user_id != actor.user_id:
        notifications.notify_people(session, organization_id=actor.organization_id,
                               title=t("{number} assigned to you", number=ticket.number), body=ticket.title,
                               link=f"{TICKET_PATH}{ticket.id}", kind="assignment", user_ids=(user_id,),
                               plant_id=ticket.plant_id, entity_type=ENTITY, entity_id=ticket.id, now=now)
    return get_ticket(session, actor, pk(ticket), now=now)


TAKING = ("accept", "start", "start_now")      # moves that assign an unassigned ticket to the technician taking it


def act(session: Session, actor: Actor, ticket_id: int, transition_key: str, *, comment: str = "",
        now: datetime) -> TicketRead:
    """Take a workflow transition; accepting or starting an unassigned ticket assigns it to the technician."""
    ticket = scoped_ticket(session, actor, ticket_id, for_update=True)
    require_any(actor, (Permission.MAINTAIN, Permission.SUPERVISE), ticket.plant_id,
                t("Only maintenance staff move maintenance tickets."))
    if ticket.assignee_id is None and actor.user_id and transition_key in TAKING \
            and is_technician(session, actor.organization_id, actor.user_id, ticket.plant_id):
        ticket.assignee_id = actor.user_id
        session.add(ticket)
    workflow.transition(session, actor, ENTITY, ticket_id, transition_key, comment=comment, now=now)
    session.refresh(ticket)
    pauses.describe(session, ticket, reason=comment, user_id=actor.user_id)
    if ticket.kind == "preventive":
        _planned_stop(session, actor, ticket, now)
    if ticket.is_cancelled:
        planned_downtime.release(session, source=ENTITY, source_id=pk(ticket))    # no longer booked
    announce(session, actor, ENTITY, ticket.id, "move", {"transition": transition_key, "status": ticket.status},
             now=now, plant_id=ticket.plant_id, event="maintenance_ticket.moved",
             payload={"status": ticket.status, "machine_id": ticket.machine_id, "closed": ticket.is_closed})
    if ticket.is_closed and ticket.plan_id is not None:
        ticket_done(session, ticket)
    return get_ticket(session, actor, pk(ticket), now=now)


class FloorTicket(BaseModel):
    """A ticket on the technician's phone with the moves offered there: allowed now and without a comment, and on a
    ticket nobody took yet only the moves that take it (TAKING)."""
    ticket: TicketRead
    moves: list[workflow.TransitionOption]


def my_work(session: Session, actor: Actor, *, now: datetime) -> tuple[list[FloorTicket], list[FloorTicket]]:
    """The technician's own open tickets and the ones to take (`my_tickets`, `tickets_to_take`), with their moves
    read for both lists at once."""
    mine, to_take = my_tickets(session, actor, now=now), tickets_to_take(session, actor, now=now)
    options = workflow.available_transitions_of(session, actor, ENTITY, [t.id for t in mine + to_take])

    def floor(t: TicketRead, taking: bool) -> FloorTicket:
        return FloorTicket(ticket=t, moves=[o for o in options.get(t.id, []) if o.allowed and not o.require_comment
                                            and (not taking or o.key in TAKING)])
    return [floor(t, False) for t in mine], [floor(t, True) for t in to_take]


# ---- preventive work as a planned stop on the machine --------------------------------------------

def _planned_stop(session: Session, actor: Actor, ticket: MaintenanceTicket, now: datetime) -> None:
    """Start the planned stop when the work starts, end it when the ticket closes. Not when the machine is
    already stopped (that stop goes on), nor for work recorded after the machine's state last changed (late
    entries never rewrite the machine's state now)."""
    status = session.get(MachineStatus, ticket.machine_id)
    if status is not None and status.since > now:
        return
    if ticket.status == "in_progress" and ticket.downtime_event_id is None:
        if status is not None and status.open_downtime_event_id is not None:
            return
        result = operator.start_downtime(session, actor.acting_as(Role.OPERATOR), ticket.machine_id,
                                         _pm_reason(session, actor, now), client_id=f"mt-{uuid.uuid4().hex}",
                                         occurred_at=now, now=now)
        ticket.downtime_event_id = result.event.id
        session.add(ticket)
    elif ticket.is_closed and ticket.downtime_event_id is not None and status is not None \
            and status.open_downtime_event_id == ticket.downtime_event_id:
        operator.end_downtime(session, actor.acting_as(Role.OPERATOR), ticket.machine_id, client_id=f"mt-{uuid.uuid4().hex}",
                              occurred_at=now, now=now)


def _pm_reason(session: Session, actor: Actor, now: datetime) -> int:
    """The organization's planned-maintenance downtime reason (code PM), made on first need."""
    reason = session.exec(select(ReasonCode).where(ReasonCode.organization_id == actor.organization_id,
                                                   ReasonCode.kind == ReasonKind.DOWNTIME,
                                                   ReasonCode.code == PM_REASON_CODE)).first()
    if reason is None:
        reason = ReasonCode(organization_id=actor.organization_id, kind=ReasonKind.DOWNTIME, code=PM_REASON_CODE,
                            name="Planned maintenance", planned=True, loss_category=LossCategory.PLANNED_STOP,
                            created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
        session.add(reason)
        session.flush()
        announce(session, actor, "reason_code", reason.id, "create", {"code": PM_REASON_CODE, "planned": True},
                 now=now)
    return pk(reason)


# ---- checklist, notes, photos, stops -------------------------------------------------------------

def set_checklist_item(session: Session, actor: Actor, ticket_id: int, index: int, *, done: bool, note: str = "",
                       now: datetime) -> TicketRead:
    ticket = _open(session, actor, ticket_id)
    items = [dict(i) for i in ticket.checklist or []]
    if not 0 <= index < len(items):
        raise Invalid(fields={"index": t("No such checklist item.")})
    if p := text_problem(note, max_length=500, required=False):
        raise Invalid(fields={"note": p})
    items[index].update({"done": bool(done), "note": (note or "").strip(), "by": actor.user_id, "at": now.isoformat()})
    ticket.checklist = items
    session.add(stamp(ticket, actor, now))
    announce(session, actor, ENTITY, ticket.id, "checklist", {"index": index, "done": done}, now=now,
             plant_id=ticket.plant_id, event="maintenance_ticket.checklist")
    return get_ticket(session, actor, pk(ticket), now=now)


def add_note(session: Session, actor: Actor, ticket_id: int, text: str, *, now: datetime) -> NoteRead:
    ticket = scoped_ticket(session, actor, ticket_id)
    require_any(actor, RAISE_PERMISSIONS, ticket.plant_id, t("You may not add notes to this ticket."))
    text = (text or "").strip()
    if p := text_problem(text, max_length=4000):
        raise Invalid(p, fields={"text": p})
    note = MaintenanceNote(organization_id=actor.organization_id, ticket_id=pk(ticket), user_id=actor.user_id,
                           text=text, at=now)
    session.add(note)
    session.flush()
    announce(session, actor, ENTITY, ticket.id, "note", {"note_id": note.id}, now=now, plant_id=ticket.plant_id,
             event="maintenance_ticket.noted")
    return NoteRead(id=note.id, user_id=note.user_id, username=actor.username, text=note.text, at=note.at)


def add_photo(session: Session, actor: Actor, ticket_id: int, filename: str, content_type: str, data: bytes, *,
              now: datetime) -> AttachmentRead:
    """A photo (from the phone's camera) or another image for a ticket; the raiser and maintenance add them."""
    ticket = scoped_ticket(session, actor, ticket_id)
    require_any(actor, RAISE_PERMISSIONS, ticket.plant_id, t("You may not add photos to this ticket."))
    if not (content_type or "").startswith("image/"):
        raise Invalid(t("Only images can be attached."), fields={"file": t("Choose a photo or an image.")})
    if not data:
        raise Invalid(t("The file is empty."), fields={"file": t("The file is empty.")})
    if len(data) > MAX_PHOTO_BYTES:
        raise Invalid(t("The photo is too large."),
                      fields={"file": t("At most {megabytes} MB.", megabytes=MAX_PHOTO_BYTES // (1024 * 1024))})
    name = (filename or "photo").strip().replace("/", "_")[-200:] or "photo"
    row = MaintenanceAttachment(organization_id=actor.organization_id, ticket_id=pk(ticket), filename=name,
                                content_type=content_type[:100], size=len(data), data=data, user_id=actor.user_id,
                                at=now)
    session.add(row)
    session.flush()
    announce(session, actor, ENTITY, ticket.id, "photo", {"attachment_id": row.id, "filename": name, "size": len(data)},
             now=now, plant_id=ticket.plant_id, event="maintenance_ticket.photo_added")
    return AttachmentRead(id=row.id, filename=row.filename, content_type=row.content_type, size=row.size, at=row.at)


def photo(session: Session, actor: Actor, attachment_id: int) -> tuple[str, str, bytes]:
    require(actor, Permission.VIEW)
    row = session.get(MaintenanceAttachment, attachment_id)
    if row is None or row.organization_id != actor.organization_id:
        raise NotFound(t("Attachment not found."))
    scoped_ticket(session, actor, row.ticket_id, what=t("Attachment"))
    return row.filename, row.content_type, row.data


def link_stop(session: Session, actor: Actor, ticket_id: int, event_id: int, *, now: datetime) -> None:
    ticket = scoped_ticket(session, actor, ticket_id)
    require_maintain(actor, ticket.plant_id)
    event = session.get(ProductionEvent, event_id)
    if (event is None or event.organization_id != actor.organization_id or event.machine_id != ticket.machine_id
            or event.kind != EventKind.DOWNTIME_STARTED):
        raise Invalid(fields={"event_id": t("Choose a stop of this ticket's machine.")})
    exists = session.exec(select(MaintenanceStopLink).where(MaintenanceStopLink.ticket_id == ticket.id,
                                                            MaintenanceStopLink.event_id == event_id)).first()
    if exists is None:
        session.add(MaintenanceStopLink(organization_id=actor.organization_id, ticket_id=pk(ticket), event_id=event_id))
        announce(session, actor, ENTITY, ticket.id, "link_stop", {"event_id": event_id}, now=now,
                 plant_id=ticket.plant_id, event="maintenance_ticket.stop_linked")


def detail(session: Session, actor: Actor, ticket_id: int, *, now: datetime) -> TicketDetail:
    ticket = get_ticket(session, actor, ticket_id, now=now)
    notes = session.exec(select(MaintenanceNote, User.username).join(User, isouter=True).where(
        col(MaintenanceNote.ticket_id) == ticket_id).order_by(col(MaintenanceNote.at), col(MaintenanceNote.id))).all()
    photos = session.exec(select(col(MaintenanceAttachment.id), col(MaintenanceAttachment.filename),  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
                                 col(MaintenanceAttachment.content_type), col(MaintenanceAttachment.size),
                                 col(MaintenanceAttachment.at)).where(col(MaintenanceAttachment.ticket_id) == ticket_id)
                          .order_by(col(MaintenanceAttachment.id))).all()
    stops = session.exec(select(ProductionEvent).join(MaintenanceStopLink, col(MaintenanceStopLink.event_id)
                                                      == ProductionEvent.id).where(
        col(MaintenanceStopLink.ticket_id) == ticket_id).order_by(col(ProductionEvent.occurred_at))).all()
    return TicketDetail(
        ticket=ticket,
        transitions=workflow.available_transitions(session, actor, ENTITY, ticket_id),
        history=workflow.history(session, actor, ENTITY, ticket_id),
        notes=[NoteRead(id=n.id, user_id=n.user_id, username=u or "", text=n.text, at=n.at) for n, u in notes],
        attachments=[AttachmentRead(id=i, filename=f, content_type=c, size=s, at=a) for i, f, c, s, a in photos],
        stops=[StopRead(event_id=e.id, started_at=e.occurred_at, reason_code_id=e.reason_code_id) for e in stops],
        pauses=pauses.ticket_pauses(session, actor, ticket_id))


def sla_clock(session: Session, actor: Actor, ticket_id: int, *, now: datetime) -> sla.SlaClock:
    return sla.clock(session, readable_ticket(session, actor, ticket_id), now)

