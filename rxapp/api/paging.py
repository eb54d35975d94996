"""The paging options of the API's large lists (services/core/paging.py does the work).

Lists that answer a page object (`GET /orders`, `GET /work-orders`) carry `total` and `next_after` in it.
Lists that answer a plain array (`GET /lots`, ...) keep that body and say the same in headers:
`X-Next-After` (the cursor for the next page, absent on the last page) and `X-Total-Count` (only with
`count=true`).
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Response

from rxapp.api.master.common import EXPORTABLE

After = Annotated[int | None, Query(ge=1, description=(
    "Keyset cursor: the `next_after` of the page before (items with smaller ids, newest first); cheaper than "
    "offset on deep pages."))]
Count = Annotated[bool, Query(description="Count every matching item into `total` (an extra query); else null.")]
Fields = Annotated[Literal["full", "compact"], Query(description=(
    "full: the list's read model; compact: the item's own columns only (no joined names or totals)."))]
NEXT_AFTER = "X-Next-After"
TOTAL_COUNT = "X-Total-Count"
PAGE_HEADERS = {NEXT_AFTER: {"description": "The `after` of the next page; absent on the last page.",
                             "schema": {"type": "integer"}},
                TOTAL_COUNT: {"description": "Every matching item, counted (only with count=true).",
                              "schema": {"type": "integer"}}}
# a paged list that also exports (?format=csv|xlsx): its cursor headers beside the CSV and Excel answers
PAGED_EXPORTABLE = {200: {**EXPORTABLE[200], "headers": PAGE_HEADERS}}


def page_headers(response: Response, page) -> list:
    """The page's items, its cursor and total moved into `response`'s headers."""
    if page.next_after is not None:
        response.headers[NEXT_AFTER] = str(page.next_after)
    if page.total is not None:
        response.headers[TOTAL_COUNT] = str(page.total)
    return page.items
