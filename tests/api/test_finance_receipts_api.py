"""Receipts against purchase orders over real HTTP: receive, read the progress, settle what was received; an
over-receipt and a settlement beyond the receipts answer 422 in the one error shape; a manager and another
organization get nothing."""
from __future__ import annotations

from decimal import Decimal

from tests.api.conftest import assert_error
from tests.factories.finance import approved_po, make_buying


def test_receive_then_settle_the_received_over_http(client, world, as_user, session):
    buying = make_buying(session, world)
    po = approved_po(session, buying, task_ids=[None], quantity=10, unit_price=Decimal(1000))
    line = po.lines[0].id
    fin = as_user("fin.one")
    url = f"/finance/purchase-orders/{po.id}"
    refused = assert_error(client.post(f"{url}/settlements", json={"settled_on": "2026-12-10", "untasked": [
        {"po_line_id": line, "quantity": 1}]}, headers=fin), 422, "invalid")
    assert "received" in refused["fields"]["lines.0"]
    made = client.post(f"{url}/receipts", json={"po_line_id": line, "quantity": 4, "note": "first truck"}, headers=fin)
    assert made.status_code == 201, made.text
    assert (made.json()["quantity"], made.json()["lot_id"]) == (4, None)
    assert_error(client.post(f"{url}/receipts", json={"po_line_id": line, "quantity": 7}, headers=fin), 422, "invalid",
                 quantity="Only 6 of 10 is still to be received on this line.")
    settled = client.post(f"{url}/settlements", json={"settled_on": "2026-12-10", "received": True}, headers=fin)
    assert settled.status_code == 201, settled.text
    assert Decimal(settled.json()["adjusted"]) == Decimal(7200)          # 4 x 1000 x 1.20 x 1.50
    assert client.get(f"{url}/progress", headers=fin).json() == [
        {"po_line_id": line, "description": "Line 1", "ordered": 10, "received": 4, "settled": 4}]
    assert [r["note"] for r in client.get(f"{url}/receipts", headers=fin).json()] == ["first truck"]

    assert_error(client.get(f"{url}/receipts", headers=as_user("prod.manager")), 403, "forbidden")
    assert_error(client.post(f"{url}/receipts", json={"po_line_id": line, "quantity": 1}, headers=as_user("admin.b")),
                 404, "not_found")
