"""Purchasing documents: the purchase order as PDF (finance, or the vendor's portal account once approved), a
settlement statement as PDF or Excel, and the batch payment file of unpaid settlements (CSV, finance)."""
from __future__ import annotations

from fastapi import APIRouter, Response

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.core.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from services.finance import payment_file, purchasing_documents
from services.finance.payment_file import PaymentRequest

router = APIRouter(prefix="/finance", tags=["finance"], responses=AUTHENTICATED)
PDF = {200: {"content": {"application/pdf": {}}}}


def _file(content: bytes, media_type: str, name: str, *, inline: bool = False) -> Response:
    return Response(content=content, media_type=media_type,
                    headers={"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"'})


@router.get("/purchase-orders/{po_id}/pdf", summary="The purchase order as PDF in the organization's branding",
            responses=PDF)
def po_pdf(po_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        return _file(purchasing_documents.po_pdf(s, actor, po_id), "application/pdf", f"po-{po_id}.pdf", inline=True)


@router.get("/settlements/{settlement_id}/statement.pdf", summary="The settlement statement as PDF", responses=PDF)
def statement_pdf(settlement_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        return _file(purchasing_documents.settlement_pdf(s, actor, settlement_id), "application/pdf",
                     f"settlement-{settlement_id}.pdf", inline=True)


@router.get("/settlements/{settlement_id}/statement.xlsx", summary="The settlement statement as Excel",
            responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}})
def statement_xlsx(settlement_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        return _file(purchasing_documents.settlement_xlsx(s, actor, settlement_id), XLSX_MEDIA_TYPE,
                     f"settlement-{settlement_id}.xlsx")


@router.post("/payment-file", summary="The batch payment file (CSV, layout in docs/finance.md) of unpaid settlements",
             responses={200: {"content": {CSV_MEDIA_TYPE: {}}}, **errors(422)})
def make_payment_file(body: PaymentRequest, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        content = payment_file.payment_file(s, actor, body, now=utcnow())
    return _file(content, CSV_MEDIA_TYPE, f"payments-{body.value_date.isoformat()}.csv")
