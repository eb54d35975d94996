"""Products and their bills of materials (reading: anyone in the organization; changes: PLAN)."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel

from models.base import utcnow
from models.catalog import ProductType
from rxapp.api.config.settings import custom_filters
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
from services.config import custom_field_views
from services.core.db import db_session, transaction
from services.master import boms, products
from services.master.boms import (
    EXPLOSION_COLUMNS,
    BomLineCreate,
    BomLineRead,
    BomLineUpdate,
    ExplosionLine,
    Requirement,
)
from services.master.products import (
    PRODUCT_COLUMNS,
    ProductCreate,
    ProductRead,
    ProductUpdate,
)

router = APIRouter(tags=["products"], responses=AUTHENTICATED)


class Explosion(BaseModel):
    product_id: int
    quantity: Decimal
    lines: list[ExplosionLine]
    totals: list[Requirement]


@router.get("/products", response_model=list[ProductRead], responses=EXPORTABLE,
            summary="List products (search code or name; filter by type, status and custom.<key>=value; export "
                    "with custom field columns)")
def list_products(request: Request, actor: CurrentActor, search: str | None = None, type: ProductType | None = None,
                  status: Status = "active", format: Format = "json",
                  limit: Annotated[int, Query(ge=1, le=10_000)] = 1000, offset: Annotated[int, Query(ge=0)] = 0):
    with db_session() as s, transaction(s):
        rows = products.list_products(s, actor, search=search, type=type, active=active_flag(status),
                                      limit=limit, offset=offset, custom=custom_filters(request))
        if format == "json":
            return rows
        rows, columns = custom_field_views.with_custom_columns(s, actor, "product", rows, PRODUCT_COLUMNS)
    return listing(rows, columns, format, "products")


@router.post("/products", response_model=ProductRead, status_code=status.HTTP_201_CREATED, summary="Create a product",
             responses=errors(409))
def create_product(body: ProductCreate, actor: CurrentActor) -> ProductRead:
    with db_session() as s, transaction(s):
        return products.create_product(s, actor, body, now=utcnow())


@router.get("/products/{product_id}", response_model=ProductRead, summary="Get a product")
def get_product(product_id: int, actor: CurrentActor) -> ProductRead:
    with db_session() as s, transaction(s):
        return products.get_product(s, actor, product_id)


@router.patch("/products/{product_id}", response_model=ProductRead, summary="Change a product",
              responses=errors(409))
def update_product(product_id: int, body: ProductUpdate, actor: CurrentActor) -> ProductRead:
    with db_session() as s, transaction(s):
        return products.update_product(s, actor, product_id, body, now=utcnow())


@router.post("/products/{product_id}/deactivate", response_model=ProductRead, summary="Deactivate a product")
def deactivate_product(product_id: int, actor: CurrentActor) -> ProductRead:
    with db_session() as s, transaction(s):
        return products.set_product_active(s, actor, product_id, False, now=utcnow())


@router.post("/products/{product_id}/reactivate", response_model=ProductRead, summary="Reactivate a product")
def reactivate_product(product_id: int, actor: CurrentActor) -> ProductRead:
    with db_session() as s, transaction(s):
        return products.set_product_active(s, actor, product_id, True, now=utcnow())


@router.get("/products/{product_id}/bom", response_model=list[BomLineRead], summary="A product's direct components")
def list_components(product_id: int, actor: CurrentActor) -> list[BomLineRead]:
    with db_session() as s, transaction(s):
        return boms.list_components(s, actor, product_id)


@router.post("/products/{product_id}/bom", response_model=BomLineRead, status_code=status.HTTP_201_CREATED,
             summary="Add a component (loops are refused)", responses=errors(409))
def add_component(product_id: int, body: BomLineCreate, actor: CurrentActor) -> BomLineRead:
    with db_session() as s, transaction(s):
        return boms.add_component(s, actor, product_id, body, now=utcnow())


@router.patch("/bom-lines/{line_id}", response_model=BomLineRead, summary="Change a component's quantity, scrap or position")
def update_component(line_id: int, body: BomLineUpdate, actor: CurrentActor) -> BomLineRead:
    with db_session() as s, transaction(s):
        return boms.update_component(s, actor, line_id, body, now=utcnow())


@router.delete("/bom-lines/{line_id}", summary="Remove a component", **NO_CONTENT)
def remove_component(line_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        boms.remove_component(s, actor, line_id, now=utcnow())
    return no_content()


@router.get("/products/{product_id}/explosion", response_model=Explosion, responses=EXPORTABLE,
            summary="Explode the BOM over every level for a quantity (scrap included, counted units rounded up)")
def explode(product_id: int, actor: CurrentActor, quantity: Decimal = Decimal(1), format: Format = "json"):
    with db_session() as s, transaction(s):
        lines = boms.explode_bom(s, actor, product_id, quantity)
    if format != "json":
        return listing(lines, EXPLOSION_COLUMNS, format, "bom-explosion")
    return Explosion(product_id=product_id, quantity=quantity, lines=lines, totals=boms.total_requirements(lines))
