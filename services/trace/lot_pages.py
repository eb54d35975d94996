"""The lots list in pages for the API: newest first, a keyset cursor (`after`, answered with `next_after`), the
total counted only when asked, and compact rows (the lot's own columns, nothing joined) on request.

Invariants: the same lots as `lots.list_lots` with the same filters (the same query, `lots.lots_query`: VIEW,
the actor's organization and plants); pages walked by cursor join up without gaps or repeats whatever is
inserted meanwhile (new lots have larger ids, ahead of the first page); no COUNT query unless `count`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col

from models.base import pk
from models.lots import Lot, LotOrigin, LotStatus
from services.core.access import Actor
from services.core.paging import keyset_page
from services.trace.lots import MAX_PAGE, LotRead, lots_query, read_lots


class LotCompact(BaseModel):
    """A lot in a compact list (`fields=compact`): its own columns, no product, location or work-order names."""
    id: int
    number: str
    plant_id: int
    product_id: int
    quantity: int
    unit: str
    status: LotStatus
    origin: LotOrigin
    location_id: int | None
    work_order_id: int | None
    created_at: datetime


class LotPage(BaseModel):
    items: list[LotRead] | list[LotCompact]
    total: int | None                   # None unless counted
    next_after: int | None = None       # the cursor of the next page; None on the last one


def lots_page(session: Session, actor: Actor, *, plant_id: int | None = None, status: LotStatus | None = None,
              product_id: int | None = None, search: str = "", custom: dict[str, Any] | None = None,
              limit: int = 100, offset: int = 0, after: int | None = None, count: bool = False,
              compact: bool = False) -> LotPage:
    query = lots_query(session, actor, plant_id=plant_id, status=status, product_id=product_id, search=search,
                       custom=custom)
    rows, total, next_after = keyset_page(session, query, col(Lot.id), after=after, limit=limit, offset=offset,
                                          count=count, max_page=MAX_PAGE)
    if compact:
        return LotPage(items=[LotCompact(
            id=pk(lot), number=lot.number, plant_id=lot.plant_id, product_id=lot.product_id, quantity=lot.quantity,
            unit=lot.unit, status=lot.status, origin=lot.origin, location_id=lot.location_id,
            work_order_id=lot.work_order_id, created_at=lot.created_at) for lot in rows],
            total=total, next_after=next_after)
    return LotPage(items=read_lots(session, rows), total=total, next_after=next_after)
