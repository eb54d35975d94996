"""NCRs and their CAPA actions over REST (reading: VIEW at the NCR's plant; changes: QUALITY).

Moves go through the NCR's workflow: `POST /ncrs/{id}/transitions/{key}` answers 422 with the
unmet conditions in `fields` (e.g. the root cause before closing), 403 for a role guard and 409
while an approval is pending. List filters on custom fields: `?custom.<key>=value`; the list pages by keyset
(`after`, `count=true`; cursor and total in headers: rxapp/api/paging.py).
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import Format, listing
from rxapp.api.paging import PAGED_EXPORTABLE, After, Count, page_headers
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.quality import capa, ncr_links
from services.quality import ncr as ncrs
from services.quality.capa import CapaCreate
from services.quality.ncr import (
    CapaRead,
    LinkRead,
    NcrCreate,
    NcrDetail,
    NcrRead,
    NcrUpdate,
)

router = APIRouter(tags=["ncrs"], responses=AUTHENTICATED)


class TransitionBody(BaseModel):
    comment: str = Field(default="", description="Why; required by some transitions (e.g. cancel).")


class ApprovalBody(BaseModel):
    approve: bool = Field(default=True, description="false declines (a comment is then required).")
    comment: str = ""


class CompleteBody(BaseModel):
    note: str = ""


class LinkBody(BaseModel):
    kind: str = Field(description="lot, internal_reject or customer_return")
    target_id: int | None = None
    reference: str = ""


def _custom_filters(request: Request) -> dict[str, str]:
    return {k[len("custom."):]: v for k, v in request.query_params.items() if k.startswith("custom.")}


@router.get("/ncrs", response_model=list[NcrRead], responses=PAGED_EXPORTABLE,
            summary="List NCRs, newest first (filters: plant, status, open, severity, search, custom.<key>; page by "
                    "keyset; export)")
def list_ncrs(request: Request, response: Response, actor: CurrentActor, plant_id: int | None = None,
              status: str | None = None, open_only: bool = False, severity: str | None = None, search: str = "",
              format: Format = "json", limit: Annotated[int, Query(ge=1, le=5000)] = 500, after: After = None,
              count: Count = False):
    with db_session() as s, transaction(s):
        page = ncrs.ncrs_page(s, actor, plant_id=plant_id, status=status, closed=False if open_only else None,
                              severity=severity, search=search, custom=_custom_filters(request), limit=limit,
                              after=after, count=count)
        rows = page_headers(response, page)
        if format == "json":
            return rows
        data, columns = ncrs.export_rows(s, actor, rows)
    return listing(data, columns, format, "ncrs")


@router.post("/ncrs", response_model=NcrRead, status_code=status.HTTP_201_CREATED, summary="Raise an NCR")
def create_ncr(body: NcrCreate, actor: CurrentActor) -> NcrRead:
    with db_session() as s, transaction(s):
        return ncrs.create_ncr(s, actor, body, now=utcnow())


@router.get("/ncrs/{ncr_id}", response_model=NcrDetail,
            summary="An NCR with its actions, links, workflow state, possible transitions and history")
def get_ncr(ncr_id: int, actor: CurrentActor) -> NcrDetail:
    with db_session() as s, transaction(s):
        return ncrs.ncr_detail(s, actor, ncr_id, today=utcnow().date())


@router.patch("/ncrs/{ncr_id}", response_model=NcrRead, summary="Change an open NCR (root cause, containment ...)",
              responses=errors(409))
def update_ncr(ncr_id: int, body: NcrUpdate, actor: CurrentActor) -> NcrRead:
    with db_session() as s, transaction(s):
        return ncrs.update_ncr(s, actor, ncr_id, body, now=utcnow())


@router.post("/ncrs/{ncr_id}/transitions/{key}", response_model=NcrRead, responses=errors(409),
             summary="Move the NCR through its workflow (or ask for approval when the transition needs one)")
def transition(ncr_id: int, key: str, body: TransitionBody, actor: CurrentActor) -> NcrRead:
    with db_session() as s, transaction(s):
        return ncrs.transition_ncr(s, actor, ncr_id, key, comment=body.comment, now=utcnow())


@router.post("/ncrs/{ncr_id}/approval", response_model=NcrRead, responses=errors(409),
             summary="Approve or decline the pending transition")
def answer_approval(ncr_id: int, body: ApprovalBody, actor: CurrentActor) -> NcrRead:
    with db_session() as s, transaction(s):
        return ncrs.approve_ncr(s, actor, ncr_id, comment=body.comment, approve=body.approve, now=utcnow())


@router.post("/ncrs/{ncr_id}/actions", response_model=CapaRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Add a corrective or preventive action with owner and due date")
def add_action(ncr_id: int, body: CapaCreate, actor: CurrentActor) -> CapaRead:
    with db_session() as s, transaction(s):
        return capa.add_action(s, actor, ncr_id, body, now=utcnow())


@router.post("/capa-actions/{action_id}/complete", response_model=CapaRead, responses=errors(409),
             summary="Mark a CAPA action done (its owner or quality staff)")
def complete_action(action_id: int, body: CompleteBody, actor: CurrentActor) -> CapaRead:
    with db_session() as s, transaction(s):
        return capa.complete_action(s, actor, action_id, note=body.note, now=utcnow())


@router.post("/ncrs/{ncr_id}/links", response_model=LinkRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Link a lot, an internal reject or a customer return")
def add_link(ncr_id: int, body: LinkBody, actor: CurrentActor) -> LinkRead:
    with db_session() as s, transaction(s):
        return ncr_links.add_link(s, actor, ncr_id, body.kind, target_id=body.target_id, reference=body.reference,
                             now=utcnow())
