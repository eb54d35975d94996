"""Reason codes for downtime, scrap, pauses and exceptions (changes: MANAGE_PLANTS or PLAN)."""
from __future__ import annotations

from fastapi import APIRouter, status

from models.base import utcnow
from models.resources import ReasonKind
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import (
    EXPORTABLE,
    NO_CONTENT,
    Format,
    Status,
    active_flag,
    listing,
    no_content,
)
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.master import reason_codes
from services.master.reason_codes import (
    REASON_CODE_COLUMNS,
    ReasonCodeCreate,
    ReasonCodeRead,
    ReasonCodeUpdate,
)

router = APIRouter(tags=["reason codes"], responses=AUTHENTICATED)


@router.get("/reason-codes", response_model=list[ReasonCodeRead], responses=EXPORTABLE,
            summary="List reason codes in pick-list order (filter by kind; search code or name; export)")
def list_reason_codes(actor: CurrentActor, kind: ReasonKind | None = None, search: str | None = None,
                      status: Status = "active", format: Format = "json"):
    with db_session() as s, transaction(s):
        rows = reason_codes.list_reason_codes(s, actor, kind=kind, search=search, active=active_flag(status))
    return listing(rows, REASON_CODE_COLUMNS, format, "reason-codes")


@router.post("/reason-codes", response_model=ReasonCodeRead, status_code=status.HTTP_201_CREATED,
             summary="Create a reason code", responses=errors(409))
def create_reason_code(body: ReasonCodeCreate, actor: CurrentActor) -> ReasonCodeRead:
    with db_session() as s, transaction(s):
        return reason_codes.create_reason_code(s, actor, body, now=utcnow())


@router.get("/reason-codes/{reason_code_id}", response_model=ReasonCodeRead, summary="Get a reason code")
def get_reason_code(reason_code_id: int, actor: CurrentActor) -> ReasonCodeRead:
    with db_session() as s, transaction(s):
        return reason_codes.get_reason_code(s, actor, reason_code_id)


@router.patch("/reason-codes/{reason_code_id}", response_model=ReasonCodeRead, summary="Change a reason code",
              responses=errors(409))
def update_reason_code(reason_code_id: int, body: ReasonCodeUpdate, actor: CurrentActor) -> ReasonCodeRead:
    with db_session() as s, transaction(s):
        return reason_codes.update_reason_code(s, actor, reason_code_id, body, now=utcnow())


@router.post("/reason-codes/{reason_code_id}/deactivate", response_model=ReasonCodeRead,
             summary="Deactivate a reason code")
def deactivate_reason_code(reason_code_id: int, actor: CurrentActor) -> ReasonCodeRead:
    with db_session() as s, transaction(s):
        return reason_codes.set_reason_code_active(s, actor, reason_code_id, False, now=utcnow())


@router.post("/reason-codes/{reason_code_id}/reactivate", response_model=ReasonCodeRead,
             summary="Reactivate a reason code")
def reactivate_reason_code(reason_code_id: int, actor: CurrentActor) -> ReasonCodeRead:
    with db_session() as s, transaction(s):
        return reason_codes.set_reason_code_active(s, actor, reason_code_id, True, now=utcnow())


@router.delete("/reason-codes/{reason_code_id}", summary="Delete a reason code nobody has used (else 409)",
               responses=errors(409), **NO_CONTENT)
def delete_reason_code(reason_code_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        reason_codes.delete_reason_code(s, actor, reason_code_id, now=utcnow())
    return no_content()
