"""Maintenance tickets over REST under /api/v1/maintenance/tickets: raise, list (export; keyset `after`,
`count=true`, cursor and total in headers: rxapp/api/paging.py), read with the SLA clock,
assign, move through the workflow, checklist, notes, photos (multipart upload), stop links, labour and parts.

Raising needs RUN_JOBS, SUPERVISE or MAINTAIN at the machine's plant; working a ticket needs MAINTAIN there
(assigning also SUPERVISE); reading needs VIEW. Tickets of other organizations or plants answer 404.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from pydantic import BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import Format, listing
from rxapp.api.paging import PAGED_EXPORTABLE, After, Count, page_headers
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.maintenance import parts, ticket_work
from services.maintenance import tickets as mt
from services.maintenance.parts import LabourRead, StockRead, TicketCosts
from services.maintenance.ticket_work import AttachmentRead, NoteRead, TicketDetail
from services.maintenance.tickets import TicketCreate, TicketRead

router = APIRouter(prefix="/maintenance", tags=["maintenance"], responses=AUTHENTICATED)


class MoveBody(BaseModel):
    comment: str = ""


class AssignBody(BaseModel):
    user_id: int | None


class ChecklistBody(BaseModel):
    done: bool
    note: str = ""


class NoteBody(BaseModel):
    text: str


class StopBody(BaseModel):
    event_id: int


class LabourBody(BaseModel):
    user_id: int | None = None
    started_at: datetime
    ended_at: datetime
    hourly_rate: Decimal = Decimal("0")
    note: str = ""


class IssueBody(BaseModel):
    part_id: int
    location: str
    quantity: int


@router.get("/tickets", response_model=list[TicketRead], responses=PAGED_EXPORTABLE,
            summary="List maintenance tickets, newest first (filters: plant, machine, kind, status, open, assignee, "
                    "search; page by keyset; export)")
def list_tickets(response: Response, actor: CurrentActor, plant_id: int | None = None, machine_id: int | None = None,
                 kind: str | None = None, status: str | None = None, open_only: bool = False,
                 assignee_id: int | None = None, search: str = "", format: Format = "json",
                 limit: Annotated[int, Query(ge=1, le=5000)] = 500, after: After = None, count: Count = False):
    with db_session() as s, transaction(s):
        page = mt.tickets_page(s, actor, plant_id=plant_id, machine_id=machine_id, kind=kind, status=status,
                               open_only=open_only, assignee_id=assignee_id, search=search, limit=limit, after=after,
                               count=count, now=utcnow())
    rows = page_headers(response, page)
    return listing(rows, mt.TICKET_COLUMNS, format, "maintenance-tickets")


@router.get("/my-tickets", response_model=list[TicketRead], summary="My open tickets, the most urgent first")
def my_tickets(actor: CurrentActor) -> list[TicketRead]:
    with db_session() as s, transaction(s):
        return mt.my_tickets(s, actor, now=utcnow())


@router.post("/tickets", response_model=TicketRead, status_code=status.HTTP_201_CREATED,
             summary="Raise a corrective ticket (source: operator, andon or supervisor)")
def raise_ticket(body: TicketCreate, actor: CurrentActor) -> TicketRead:
    with db_session() as s, transaction(s):
        return mt.raise_ticket(s, actor, body, now=utcnow())


@router.get("/tickets/{ticket_id}", response_model=TicketDetail,
            summary="A ticket with its SLA clock, possible transitions, history, notes, photos and stops")
def get_ticket(ticket_id: int, actor: CurrentActor) -> TicketDetail:
    with db_session() as s, transaction(s):
        return ticket_work.detail(s, actor, ticket_id, now=utcnow())


@router.put("/tickets/{ticket_id}/assignee", response_model=TicketRead, responses=errors(409),
            summary="Assign to a technician of the plant (null: unassign)")
def assign(ticket_id: int, body: AssignBody, actor: CurrentActor) -> TicketRead:
    with db_session() as s, transaction(s):
        return ticket_work.assign(s, actor, ticket_id, body.user_id, now=utcnow())


@router.post("/tickets/{ticket_id}/transitions/{key}", response_model=TicketRead, responses=errors(409),
             summary="Accept, start, wait for parts, resume, done or cancel (per the ticket's workflow)")
def move(ticket_id: int, key: str, body: MoveBody, actor: CurrentActor) -> TicketRead:
    with db_session() as s, transaction(s):
        return ticket_work.act(s, actor, ticket_id, key, comment=body.comment, now=utcnow())


@router.put("/tickets/{ticket_id}/checklist/{index}", response_model=TicketRead, responses=errors(409),
            summary="Record the result of one checklist item")
def checklist(ticket_id: int, index: int, body: ChecklistBody, actor: CurrentActor) -> TicketRead:
    with db_session() as s, transaction(s):
        return ticket_work.set_checklist_item(s, actor, ticket_id, index, done=body.done, note=body.note, now=utcnow())


@router.post("/tickets/{ticket_id}/notes", response_model=NoteRead, status_code=status.HTTP_201_CREATED,
             summary="Add a note")
def add_note(ticket_id: int, body: NoteBody, actor: CurrentActor) -> NoteRead:
    with db_session() as s, transaction(s):
        return ticket_work.add_note(s, actor, ticket_id, body.text, now=utcnow())


@router.post("/tickets/{ticket_id}/photos", response_model=AttachmentRead, status_code=status.HTTP_201_CREATED,
             summary="Attach a photo (multipart field 'file', an image of at most 8 MB)")
def add_photo(ticket_id: int, actor: CurrentActor, file: Annotated[UploadFile, File()]) -> AttachmentRead:
    data = file.file.read(ticket_work.MAX_PHOTO_BYTES + 1)
    with db_session() as s, transaction(s):
        return ticket_work.add_photo(s, actor, ticket_id, file.filename or "photo", file.content_type or "", data,
                                     now=utcnow())


@router.get("/photos/{attachment_id}", response_class=Response, summary="A ticket's photo")
def get_photo(attachment_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        filename, content_type, data = ticket_work.photo(s, actor, attachment_id)
    return Response(content=data, media_type=content_type,
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.post("/tickets/{ticket_id}/stops", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
             summary="Link a stop (downtime start event of the ticket's machine) the ticket explains")
def link_stop(ticket_id: int, body: StopBody, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        ticket_work.link_stop(s, actor, ticket_id, body.event_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/tickets/{ticket_id}/labour", response_model=LabourRead, status_code=status.HTTP_201_CREATED,
             summary="Record labour: who, from-to, at what hourly rate")
def add_labour(ticket_id: int, body: LabourBody, actor: CurrentActor) -> LabourRead:
    with db_session() as s, transaction(s):
        return parts.add_labour(s, actor, ticket_id, user_id=body.user_id, started_at=body.started_at,
                                ended_at=body.ended_at, hourly_rate=body.hourly_rate, note=body.note, now=utcnow())


@router.get("/tickets/{ticket_id}/labour", response_model=list[LabourRead], summary="A ticket's labour entries")
def labour(ticket_id: int, actor: CurrentActor) -> list[LabourRead]:
    with db_session() as s, transaction(s):
        return parts.labour(s, actor, ticket_id)


@router.post("/tickets/{ticket_id}/parts", response_model=StockRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Issue spare parts from a storage location to the ticket")
def issue_parts(ticket_id: int, body: IssueBody, actor: CurrentActor) -> StockRead:
    with db_session() as s, transaction(s):
        return parts.issue_to_ticket(s, actor, ticket_id, body.part_id, body.location, body.quantity, now=utcnow())


@router.get("/tickets/{ticket_id}/costs", response_model=TicketCosts, summary="Parts and labour cost of a ticket")
def costs(ticket_id: int, actor: CurrentActor) -> TicketCosts:
    with db_session() as s, transaction(s):
        return parts.ticket_costs(s, actor, ticket_id)
