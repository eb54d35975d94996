"""Scanning stations over REST: POST /scans with a station token (kind "station", SCAN permission).

Every scan is answered with `ok` true or false and a sentence for the person at the station; a
refused scan (unknown label, wrong product, lot on hold, already packed ...) is still 201 with
`ok: false`, because it was recorded. HTTP errors mean the request itself was wrong (401, 403, 422).
Sending the same `client_scan_id` again answers 200 with the first answer (`duplicate: true`).
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.trace import scanning
from services.trace.scanning import ScanAnswer, ScanRequest

router = APIRouter(tags=["scanning"], responses=AUTHENTICATED)


@router.post("/scans", response_model=ScanAnswer, status_code=status.HTTP_201_CREATED,
             summary="Record one scan at a station and act on it",
             responses={200: {"model": ScanAnswer, "description": "This client_scan_id was seen before"}})
def post_scan(body: ScanRequest, actor: CurrentActor, response: Response) -> ScanAnswer:
    with db_session() as s, transaction(s):
        answer = scanning.scan(s, actor, body, now=utcnow())
    if answer.duplicate:
        response.status_code = status.HTTP_200_OK
    return answer


@router.get("/scans/recent", response_model=list[ScanAnswer], summary="This station's (or your) latest scans")
def recent(actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[ScanAnswer]:
    with db_session() as s, transaction(s):
        return scanning.recent_scans(s, actor, limit=limit)
