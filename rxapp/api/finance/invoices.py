"""Customer invoices, credit notes, payments and AR aging (FINANCE)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from models.base import utcnow
from models.finance import InvoiceStatus
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.finance import invoices, payments
from services.finance.invoice_pdf import invoice_pdf
from services.finance.invoices import InvoiceOptions, InvoiceRead, OrderLinePick
from services.finance.payments import AgingRow, PaymentCreate, PaymentRead

router = APIRouter(prefix="/finance", tags=["finance"], responses=AUTHENTICATED)


class FromOrderLines(InvoiceOptions):
    customer_id: int
    lines: list[OrderLinePick] = Field(min_length=1, max_length=1000)


class CreditNoteCreate(BaseModel):
    issue_date: date
    reason: str = Field(max_length=300)
    lines: list[OrderLinePick] = Field(min_length=1, max_length=1000)


@router.get("/invoices", response_model=list[InvoiceRead], summary="Invoices and credit notes, newest first")
def list_invoices(actor: CurrentActor, customer_id: int | None = None, status: InvoiceStatus | None = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                  offset: Annotated[int, Query(ge=0)] = 0) -> list[InvoiceRead]:
    with db_session() as s, transaction(s):
        return invoices.list_invoices(s, actor, customer_id=customer_id, status=status, limit=limit, offset=offset)


@router.post("/shipments/{shipment_id}/invoice", response_model=InvoiceRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="A draft invoice of a shipped shipment")
def invoice_shipment(shipment_id: int, body: InvoiceOptions, actor: CurrentActor) -> InvoiceRead:
    with db_session() as s, transaction(s):
        return invoices.invoice_shipment(s, actor, shipment_id, body, now=utcnow())


@router.post("/invoices", response_model=InvoiceRead, status_code=status.HTTP_201_CREATED,
             summary="A draft invoice of order-line quantities")
def invoice_order_lines(body: FromOrderLines, actor: CurrentActor) -> InvoiceRead:
    options = InvoiceOptions(**body.model_dump(include=set(InvoiceOptions.model_fields)))
    with db_session() as s, transaction(s):
        return invoices.invoice_order_lines(s, actor, body.customer_id, body.lines, options, now=utcnow())


@router.get("/invoices/{invoice_id}", response_model=InvoiceRead, summary="Get an invoice or credit note")
def get_invoice(invoice_id: int, actor: CurrentActor) -> InvoiceRead:
    with db_session() as s, transaction(s):
        return invoices.get_invoice(s, actor, invoice_id)


@router.get("/invoices/{invoice_id}/pdf", summary="The invoice as PDF in the organization's branding",
            responses={200: {"content": {"application/pdf": {}}}})
def get_invoice_pdf(invoice_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        content = invoice_pdf(s, actor, invoice_id)
    return Response(content=content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="invoice-{invoice_id}.pdf"'})


@router.post("/invoices/{invoice_id}/issue", response_model=InvoiceRead, responses=errors(409),
             summary="Issue a draft (posts it to the ledger)")
def issue_invoice(invoice_id: int, actor: CurrentActor) -> InvoiceRead:
    with db_session() as s, transaction(s):
        return invoices.issue(s, actor, invoice_id, now=utcnow())


@router.post("/invoices/{invoice_id}/void", response_model=InvoiceRead, responses=errors(409),
             summary="Throw a draft away")
def void_invoice(invoice_id: int, actor: CurrentActor) -> InvoiceRead:
    with db_session() as s, transaction(s):
        return invoices.void_draft(s, actor, invoice_id, now=utcnow())


@router.post("/invoices/{invoice_id}/credit-notes", response_model=InvoiceRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="A draft credit note taking back quantities of an issued invoice")
def credit_note(invoice_id: int, body: CreditNoteCreate, actor: CurrentActor) -> InvoiceRead:
    with db_session() as s, transaction(s):
        return invoices.credit_note(s, actor, invoice_id, body.lines, issue_date=body.issue_date, reason=body.reason,
                                    now=utcnow())


@router.post("/payments", response_model=PaymentRead, status_code=status.HTTP_201_CREATED,
             summary="Record a payment received (allocated as given, or to the oldest open invoices)")
def record_payment(body: PaymentCreate, actor: CurrentActor) -> PaymentRead:
    with db_session() as s, transaction(s):
        return payments.record_payment(s, actor, body, now=utcnow())


@router.get("/ar-aging", response_model=list[AgingRow], summary="What customers owe, by days past due")
def ar_aging(actor: CurrentActor, as_of: date, currency: Annotated[str, Query(min_length=3, max_length=3)]) -> list[AgingRow]:
    with db_session() as s, transaction(s):
        return payments.ar_aging(s, actor, as_of=as_of, currency=currency)
