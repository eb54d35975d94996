"""Internal rejects and customer returns over REST (`kind` in the path: internal-rejects or
customer-returns). Reading needs VIEW at the case's plant; raising and dispositioning need QUALITY;
the disposition takes effect through the workflow (`POST .../transitions/dispose`, then an approver's
`POST .../approval`); a rework then adds a rework operation to the work order.
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
from services.quality import rejects
from services.quality.rejects import CaseCreate, CaseDetail, CaseRead, ScrapReport

router = APIRouter(tags=["rejects and returns"], responses=AUTHENTICATED)
COLUMNS = [("number", t("Number")), ("product", t("Product")), ("quantity", t("Quantity")), ("defect", t("Defect")),
           ("lot", t("Lot")), ("work_order", t("Work order")), ("disposition", t("Disposition")), ("status", t("Status")),
           ("reported_at", t("Reported at")), ("customer", t("Customer")), ("source", t("Source"))]


class FromScrapBody(BaseModel):
    production_event_id: int
    defect_code_id: int
    description: str = ""


class DispositionBody(BaseModel):
    disposition: str = Field(description="scrap, rework, use_as_is or return_to_vendor")
    note: str = ""
    work_order_id: int | None = Field(default=None, description="The work order to rework on (returns).")


class TransitionBody(BaseModel):
    comment: str = ""


class ApprovalBody(BaseModel):
    approve: bool = True
    comment: str = ""


@router.get("/scrap-reports", response_model=list[ScrapReport],
            summary="Operators' scrap reports at a plant that no internal reject covers yet")
def scrap_reports(plant_id: int, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=1000)] = 100):
    with db_session() as s, transaction(s):
        return rejects.scrap_reports_to_review(s, actor, plant_id=plant_id, limit=limit)


@router.post("/internal-rejects/from-scrap", response_model=CaseRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Raise an internal reject from an operator's scrap report")
def from_scrap(body: FromScrapBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return rejects.reject_from_scrap(s, actor, body.production_event_id, defect_code_id=body.defect_code_id,
                                         description=body.description, now=utcnow())


def _routes(path: str, kind: str, label: str) -> None:
    """The same six routes for internal rejects and customer returns, at fixed paths."""

    @router.get(f"/{path}", response_model=list[CaseRead], responses=EXPORTABLE, summary=f"List {label}s",
                operation_id=f"list_{kind}s")
    def list_cases(actor: CurrentActor, plant_id: int | None = None, open_only: bool = False, search: str = "",
                   format: Format = "json", limit: Annotated[int, Query(ge=1, le=5000)] = 500):
        with db_session() as s, transaction(s):
            rows = rejects.list_cases(s, actor, kind, plant_id=plant_id, open_only=open_only, search=search, limit=limit)
        return rows if format == "json" else listing(rejects.export_rows(rows), COLUMNS, format, path)

    @router.post(f"/{path}", response_model=CaseRead, status_code=status.HTTP_201_CREATED, summary=f"Raise a {label}",
                 operation_id=f"create_{kind}")
    def create_case(body: CaseCreate, actor: CurrentActor):
        with db_session() as s, transaction(s):
            if kind == rejects.REJECT:
                return rejects.create_reject(s, actor, body, now=utcnow())
            return rejects.create_return(s, actor, body, now=utcnow())

    @router.get(f"/{path}/{{case_id}}", response_model=CaseDetail, operation_id=f"get_{kind}",
                summary=f"A {label} with its workflow state, possible transitions and history")
    def get_case(case_id: int, actor: CurrentActor):
        with db_session() as s, transaction(s):
            return rejects.case_detail(s, actor, kind, case_id)

    @router.put(f"/{path}/{{case_id}}/disposition", response_model=CaseRead, responses=errors(409),
                operation_id=f"set_{kind}_disposition",
                summary="Choose the disposition (takes effect when the workflow completes)")
    def set_disposition(case_id: int, body: DispositionBody, actor: CurrentActor):
        with db_session() as s, transaction(s):
            return rejects.set_disposition(s, actor, kind, case_id, body.disposition, note=body.note,
                                           work_order_id=body.work_order_id, now=utcnow())

    @router.post(f"/{path}/{{case_id}}/transitions/{{key}}", response_model=CaseDetail, responses=errors(409),
                 operation_id=f"transition_{kind}", summary="Move it through its workflow (or request approval)")
    def transition(case_id: int, key: str, body: TransitionBody, actor: CurrentActor):
        with db_session() as s, transaction(s):
            return rejects.transition_case(s, actor, kind, case_id, key, comment=body.comment, now=utcnow())

    @router.post(f"/{path}/{{case_id}}/approval", response_model=CaseDetail, responses=errors(409),
                 operation_id=f"answer_{kind}_approval", summary="Approve or decline the pending transition")
    def answer(case_id: int, body: ApprovalBody, actor: CurrentActor):
        with db_session() as s, transaction(s):
            return rejects.answer_approval(s, actor, kind, case_id, approve=body.approve, comment=body.comment,
                                           now=utcnow())


_routes("internal-rejects", rejects.REJECT, "internal reject")
_routes("customer-returns", rejects.RETURN, "customer return")
