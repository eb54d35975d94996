"""SOP tickets over REST: one department charges another; respond, accept, dispute, reassign.

Reading needs VIEW at the ticket's plant; the rest needs SUPERVISE or QUALITY there (or being
the head of one of the ticket's departments). Reassigning needs a justification (422 otherwise).
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import EXPORTABLE, Format, listing
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.core.messages import t
from services.quality import sop_tickets as sop
from services.quality.sop_tickets import SopCreate, SopDetail, SopRead

router = APIRouter(tags=["sop tickets"], responses=AUTHENTICATED)
COLUMNS = [("number", t("Number")), ("status_name", t("Status")), ("title", t("Title")), ("sop_reference", t("SOP")),
           ("charging_department", t("Charged by")), ("charged_department", t("Charged")), ("due_at", t("Due")),
           ("escalated_at", t("Escalated")), ("created_at", t("Raised"))]


class ResponseBody(BaseModel):
    response: str


class TransitionBody(BaseModel):
    comment: str = ""


class ReassignBody(BaseModel):
    to_department_id: int
    justification: str = Field(description="Why the ticket belongs to that department (at least 10 characters).")


@router.get("/sop-tickets", response_model=list[SopRead], responses=EXPORTABLE,
            summary="List SOP tickets (filters: plant, department, status, open, search; export)")
def list_tickets(actor: CurrentActor, plant_id: int | None = None, department_id: int | None = None,
                 status: str | None = None, open_only: bool = False, search: str = "", format: Format = "json",
                 limit: Annotated[int, Query(ge=1, le=5000)] = 500):
    with db_session() as s, transaction(s):
        rows = sop.list_tickets(s, actor, plant_id=plant_id, department_id=department_id, status=status,
                                open_only=open_only, search=search, limit=limit)
    return listing(rows, COLUMNS, format, "sop-tickets")


@router.post("/sop-tickets", response_model=SopRead, status_code=status.HTTP_201_CREATED,
             summary="Charge a department for an SOP failure")
def raise_ticket(body: SopCreate, actor: CurrentActor) -> SopRead:
    with db_session() as s, transaction(s):
        return sop.raise_ticket(s, actor, body, now=utcnow())


@router.get("/sop-tickets/{ticket_id}", response_model=SopDetail,
            summary="A ticket with its reassignments, workflow state, possible transitions and history")
def get_ticket(ticket_id: int, actor: CurrentActor) -> SopDetail:
    with db_session() as s, transaction(s):
        return sop.ticket_detail(s, actor, ticket_id)


@router.post("/sop-tickets/{ticket_id}/response", response_model=SopRead, responses=errors(409),
             summary="The charged department's response")
def respond(ticket_id: int, body: ResponseBody, actor: CurrentActor) -> SopRead:
    with db_session() as s, transaction(s):
        return sop.respond(s, actor, ticket_id, body.response, now=utcnow())


@router.post("/sop-tickets/{ticket_id}/transitions/{key}", response_model=SopRead, responses=errors(409),
             summary="Accept, dispute, uphold, resolve or withdraw (per the ticket's workflow)")
def transition(ticket_id: int, key: str, body: TransitionBody, actor: CurrentActor) -> SopRead:
    with db_session() as s, transaction(s):
        return sop.transition_ticket(s, actor, ticket_id, key, comment=body.comment, now=utcnow())


@router.post("/sop-tickets/{ticket_id}/reassign", response_model=SopRead, responses=errors(409),
             summary="Charge another department instead (with a justification)")
def reassign(ticket_id: int, body: ReassignBody, actor: CurrentActor) -> SopRead:
    with db_session() as s, transaction(s):
        return sop.reassign(s, actor, ticket_id, body.to_department_id, body.justification, now=utcnow())


class HeadBody(BaseModel):
    user_id: int | None = Field(description="The head of the department (escalations go to them); null clears it.")


@router.put("/departments/{department_id}/head", response_model=HeadBody, summary="Name a department's head (admins)")
def set_head(department_id: int, body: HeadBody, actor: CurrentActor) -> HeadBody:
    with db_session() as s, transaction(s):
        return HeadBody(user_id=sop.set_department_head(s, actor, department_id, body.user_id, now=utcnow()))
