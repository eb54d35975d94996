"""Large lists that answer a plain array (lots, shipments, NCRs, maintenance tickets) page by keyset too
(rxapp/api/paging.py): the cursor in `X-Next-After`, the total in `X-Total-Count` only when asked (no COUNT
query otherwise), compact rows on request; pages walked by cursor join up without gaps or repeats while rows
arrive in between."""
from __future__ import annotations

import pytest

from tests.api.conftest import bearer, login
from tests.factories.db import statements
from tests.factories.org import make_user
from tests.factories.production import make_line
from tests.factories.trace import make_order, make_trace_world


@pytest.fixture
def tw(session):
    return make_trace_world(session)


@pytest.fixture
def operator(client, tw):
    return bearer(login(client, tw.operator.username))


def receive(client, tw, operator, n: int) -> list[int]:
    return [client.post("/lots/receipts", headers=operator, json={
        "plant_id": tw.world.plant1, "product_id": tw.steel, "quantity": 10 + i, "supplier": "Acme"}).json()["id"]
        for i in range(n)]


def test_lots_pages_join_up_while_lots_arrive_and_count_only_when_asked(client, engine, tw, operator):
    received = receive(client, tw, operator, 5)
    seen, after, pages = [], None, 0
    while True:
        params = {"limit": 2} | ({"after": after} if after else {})
        page = client.get("/lots", headers=operator, params=params)
        assert page.status_code == 200, page.text
        assert "x-total-count" not in page.headers
        seen += [lot["id"] for lot in page.json()]
        pages += 1
        if pages == 1:
            received += receive(client, tw, operator, 2)          # newer than every page still to come
        after = page.headers.get("x-next-after")
        if after is None:
            break
    assert seen == received[:5][::-1] and pages == 3

    with statements(engine) as plain:
        client.get("/lots", headers=operator, params={"limit": 2})
    with statements(engine) as counted:
        counted_page = client.get("/lots", headers=operator, params={"limit": 2, "count": True})
    assert counted_page.headers["x-total-count"] == "7"
    counts = [s for s in counted if "count(" in s.lower()]
    assert len(counts) == 1 and len(counted) == len(plain) + 1 and not any("count(" in s.lower() for s in plain)


def test_compact_lots_carry_their_own_columns_without_joined_reads(client, engine, tw, operator):
    receive(client, tw, operator, 3)
    with statements(engine) as full_statements:
        full = client.get("/lots", headers=operator).json()
    with statements(engine) as compact_statements:
        compact = client.get("/lots", headers=operator, params={"fields": "compact"}).json()
    assert set(compact[0]) == {"id", "number", "plant_id", "product_id", "quantity", "unit", "status", "origin",
                               "location_id", "work_order_id", "created_at"}
    assert [(c["id"], c["number"], c["quantity"]) for c in compact] == [(f["id"], f["number"], f["quantity"])
                                                                        for f in full]
    assert len(compact_statements) < len(full_statements)


def test_shipments_page_by_cursor_count_when_asked_and_go_compact(client, engine, session, tw, operator):
    def ship() -> int:
        (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
        created = client.post("/shipments", headers=operator, json={"plant_id": tw.world.plant1,
                                                                     "lines": [{"order_line_id": line_id}]})
        assert created.status_code == 201, created.text
        return created.json()["id"]
    made = [ship() for _ in range(3)]
    first = client.get("/shipments", headers=operator, params={"limit": 2})
    assert [s["id"] for s in first.json()] == [made[2], made[1]] and "x-total-count" not in first.headers
    made.append(ship())                                                  # newer than the next page
    with statements(engine) as seen:
        rest = client.get("/shipments", headers=operator, params={"limit": 2, "count": True,
                                                                  "after": first.headers["x-next-after"]})
    assert [s["id"] for s in rest.json()] == [made[0]] and "x-next-after" not in rest.headers
    assert rest.headers["x-total-count"] == "4" and sum("count(" in s.lower() for s in seen) == 1

    compact = client.get("/shipments", headers=operator, params={"fields": "compact"}).json()
    assert [s["id"] for s in compact] == made[::-1]
    assert set(compact[0]) == {"id", "number", "plant_id", "customer_id", "status", "carrier", "tracking_number",
                               "shipped_at", "created_at"}


def test_ncrs_page_by_cursor_and_count_only_when_asked(client, engine, session, world, as_user):
    make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username="q.paging")
    quality = as_user("q.paging")
    made = []
    for n in range(3):
        created = client.post("/ncrs", headers=quality, json={"plant_id": world.plant1, "title": f"Burr {n}"})
        assert created.status_code == 201, created.text
        made.append(created.json()["id"])
    with statements(engine) as plain:
        first = client.get("/ncrs", headers=quality, params={"limit": 2})
    assert [n["id"] for n in first.json()] == [made[2], made[1]] and "x-total-count" not in first.headers
    assert not any("count(" in s.lower() for s in plain)
    created = client.post("/ncrs", headers=quality, json={"plant_id": world.plant1, "title": "Newer"})
    rest = client.get("/ncrs", headers=quality, params={"limit": 2, "count": True,
                                                        "after": first.headers["x-next-after"]})
    assert [n["id"] for n in rest.json()] == [made[0]] and "x-next-after" not in rest.headers
    assert rest.headers["x-total-count"] == "4" and created.status_code == 201


def test_maintenance_tickets_page_by_cursor_and_count_only_when_asked(client, engine, session, world, as_user):
    machine_id = make_line(session, world.org_a, world.plant1, world.dept1).machine_ids[0]
    make_user(session, world.org_a, roles=["maintenance"], plant_ids=[world.plant1], username="tech.paging")
    tech = as_user("tech.paging")

    def raise_ticket(title: str) -> int:
        created = client.post("/maintenance/tickets", headers=tech, json={"machine_id": machine_id, "title": title})
        assert created.status_code == 201, created.text
        return created.json()["id"]
    made = [raise_ticket(f"Leak {n}") for n in range(3)]
    with statements(engine) as plain:
        first = client.get("/maintenance/tickets", headers=tech, params={"limit": 2})
    assert [t["id"] for t in first.json()] == [made[2], made[1]] and "x-total-count" not in first.headers
    assert not any("count(" in s.lower() for s in plain)
    raise_ticket("Newer")
    rest = client.get("/maintenance/tickets", headers=tech, params={"limit": 2, "count": True,
                                                                    "after": first.headers["x-next-after"]})
    assert [t["id"] for t in rest.json()] == [made[0]] and "x-next-after" not in rest.headers
    assert rest.headers["x-total-count"] == "4"


@pytest.mark.parametrize("path", ["/lots", "/shipments", "/ncrs", "/maintenance/tickets"])
def test_paged_lists_document_their_headers_and_their_exports_together(client, path):
    """The cursor's headers are documented beside the CSV and Excel answers of ?format=, not instead of them
    (schemathesis refuses an export whose content type the schema does not list)."""
    ok = client.get("/openapi.json").json()["paths"][f"/api/v1{path}"]["get"]["responses"]["200"]
    assert {"X-Next-After", "X-Total-Count"} <= set(ok["headers"])
    assert {"application/json", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} \
        <= set(ok["content"])
