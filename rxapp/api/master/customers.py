"""Customers (reading: anyone in the organization; changes: PLAN)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import EXPORTABLE, Format, Status, active_flag, listing
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.master import customers
from services.master.customers import (
    CUSTOMER_COLUMNS,
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
)

router = APIRouter(tags=["customers"], responses=AUTHENTICATED)


@router.get("/customers", response_model=list[CustomerRead], responses=EXPORTABLE,
            summary="List customers (search code, name or email; export)")
def list_customers(actor: CurrentActor, search: str | None = None, status: Status = "active", format: Format = "json",
                   limit: Annotated[int, Query(ge=1, le=10_000)] = 1000, offset: Annotated[int, Query(ge=0)] = 0):
    with db_session() as s, transaction(s):
        rows = customers.list_customers(s, actor, search=search, active=active_flag(status), limit=limit, offset=offset)
    return listing(rows, CUSTOMER_COLUMNS, format, "customers")


@router.post("/customers", response_model=CustomerRead, status_code=status.HTTP_201_CREATED,
             summary="Create a customer", responses=errors(409))
def create_customer(body: CustomerCreate, actor: CurrentActor) -> CustomerRead:
    with db_session() as s, transaction(s):
        return customers.create_customer(s, actor, body, now=utcnow())


@router.get("/customers/{customer_id}", response_model=CustomerRead, summary="Get a customer")
def get_customer(customer_id: int, actor: CurrentActor) -> CustomerRead:
    with db_session() as s, transaction(s):
        return customers.get_customer(s, actor, customer_id)


@router.patch("/customers/{customer_id}", response_model=CustomerRead, summary="Change a customer",
              responses=errors(409))
def update_customer(customer_id: int, body: CustomerUpdate, actor: CurrentActor) -> CustomerRead:
    with db_session() as s, transaction(s):
        return customers.update_customer(s, actor, customer_id, body, now=utcnow())


@router.post("/customers/{customer_id}/deactivate", response_model=CustomerRead, summary="Deactivate a customer")
def deactivate_customer(customer_id: int, actor: CurrentActor) -> CustomerRead:
    with db_session() as s, transaction(s):
        return customers.set_customer_active(s, actor, customer_id, False, now=utcnow())


@router.post("/customers/{customer_id}/reactivate", response_model=CustomerRead, summary="Reactivate a customer")
def reactivate_customer(customer_id: int, actor: CurrentActor) -> CustomerRead:
    with db_session() as s, transaction(s):
        return customers.set_customer_active(s, actor, customer_id, True, now=utcnow())
