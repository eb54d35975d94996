"""On a phone the lists of work orders, orders, lots and NCRs are cards with their key fields, not desktop
tables squeezed into 390 px (issue 18): under 48em (768 px) the table is hidden and the cards shown, above it
the other way round, and each card carries the row's number and status and opens the row."""
from __future__ import annotations

import pytest

from rxapp.pages.production.orders import orders_page
from rxapp.pages.production.work_orders import work_orders_page
from rxapp.pages.quality.ncrs import ncrs_page
from rxapp.pages.trace.lots import lots_page

PHONE_ONLY = ('["@media screen and (min-width: 0px)"] : ({ ["display"] : "flex" }), '
              '["@media screen and (min-width: 48em)"] : ({ ["display"] : "none" })')
WIDE_ONLY = ('["@media screen and (min-width: 0px)"] : ({ ["display"] : "none" }), '
             '["@media screen and (min-width: 48em)"] : ({ ["display"] : "block" })')


def _element(page: str, test_id: str) -> str:
    """The JSX of the element with this data-testid, from its opening to the next element's."""
    at = page.index(f'"data-testid":"{test_id}"')
    return page[page.rindex("jsx(", 0, at):at]


@pytest.mark.parametrize("page, card, table, fields", [
    (work_orders_page, "work-order-card", "work-orders-table", ("number", "status", "product", "due")),
    (orders_page, "order-card", "orders-table", ("number", "status", "customer", "promised")),
    (lots_page, "lot-card", "lots-table", ("number", "status", "product", "location")),
    (ncrs_page, "ncr-card", "ncr-row", ("number", "status_name", "title", "severity")),
])
def test_a_list_is_cards_on_a_phone_and_a_table_above(page, card, table, fields):
    jsx = str(page())
    assert PHONE_ONLY in _element(jsx, "phone-cards") and WIDE_ONLY in _element(jsx, "wide-list")
    cards, wide = jsx.index('"data-testid":"phone-cards"'), jsx.index('"data-testid":"wide-list"')
    assert wide < jsx.index(table) < cards < jsx.index(f'"data-testid":"{card}"')    # table in the wide box
    at = jsx.index(f'"data-testid":"{card}"')
    body = jsx[at:at + 12000]          # the card's own fields follow its attributes (translated labels are long lookups)
    missing = [name for name in fields if f'["{name}"]' not in body]
    assert missing == []
