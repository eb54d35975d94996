"""The audit trail of the caller's organization (VIEW_AUDIT), as pages of JSON or as CSV."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime, BaseModel

from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.core import audit
from services.core.audit import AuditFilter, AuditRead, TrafficRead
from services.core.db import db_session, transaction

router = APIRouter(tags=["audit"], responses=AUTHENTICATED)


class AuditPage(BaseModel):
    items: list[AuditRead]
    total: int
    limit: int
    offset: int


def audit_filter(user_id: int | None = None, entity: str | None = None,
                 since: Annotated[AwareDatetime | None, Query(description="From this instant (inclusive), with a time zone")] = None,
                 until: Annotated[AwareDatetime | None, Query(description="Before this instant, with a time zone")] = None,
                 source: Annotated[Literal["people", "machines"] | None, Query(
                     description="people: changes made by users; machines: machine, station and system entries")] = None,
                 ) -> AuditFilter:
    return AuditFilter(user_id=user_id, entity=entity or None, since=since, until=until, source=source)


Filter = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("/audit", response_model=AuditPage, summary="Audit entries, newest first")
def list_audit(actor: CurrentActor, flt: Filter, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> AuditPage:
    with db_session() as s, transaction(s):
        items, total = audit.list_audit(s, actor, flt, limit=limit, offset=offset)
    return AuditPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/audit/traffic", response_model=list[TrafficRead],
            summary="Machine, station and system entries counted per entity and action")
def audit_traffic(actor: CurrentActor, flt: Filter) -> list[TrafficRead]:
    with db_session() as s, transaction(s):
        return audit.audit_traffic(s, actor, flt)


@router.get("/audit.csv", summary="Export the audit entries a filter shows, as CSV",
            response_class=Response, responses={200: {"content": {"text/csv": {}}, "description": "CSV file"}})
def export_audit(actor: CurrentActor, flt: Filter) -> Response:
    with db_session() as s, transaction(s):
        text = audit.audit_csv(s, actor, flt)
    return Response(content=text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
