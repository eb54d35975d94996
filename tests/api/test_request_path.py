"""The request path of the hot writes (issue 17): how many SQL statements a request runs, token check
included, counted on the server's engine (`before_cursor_execute`), never timed. The figures are the ones
bench/api_bench.py reports; a change that adds statements to these requests fails here first."""
from __future__ import annotations

import pytest

from tests.factories.db import statements
from tests.factories.production import make_line
from tests.factories.shopfloor import make_floor, new_client_id

# token 1 (on PostgreSQL with its set_config); machine read with its lock 1 (SQLite: its BEGIN IMMEDIATE is not
# counted here); its state with the job and the replay check 1; counts on the job and its work order 2; machine
# state touched 1; event (INSERT .. ON CONFLICT DO NOTHING, no savepoint) 1; rollups 1 (PostgreSQL: the slice's and the
# day's upserts in one statement; SQLite 2); output lot: the last step
# with what it lotted and its pass 1, the open lot's top-up (UPDATE .. RETURNING) 1; the event's and the top-up's
# audit entries in one INSERT 1 (the writer's demo-password check is cached per worker after the first request)
REPORT_COUNTS_MAX = 11
# customers, products, routings, steps and BOMs come from per-worker caches (services/production/lookups.py)
CREATE_ORDER_MAX = 6          # token 1, number 1, order 1, lines 1, history 1, audit 1
RELEASE_ORDER_MAX = 8         # token 1, order with its lines 1, number 1, work orders 1 (a BOM level), operations 1,
                              # order status 1, history 1, audit 1
TRANSITION_MAX = 7            # token 1, work orders locked 1, open operations 1, status of both 2, history 1, audit 1
CANCEL_ORDER_MAX = 12         # token 1, order 1, its open work orders 1, the 7 of a transition but the token, order status 2


def rls_setting(engine) -> int:
    """PostgreSQL: the unit of work's organization for row-level security, one set_config (services/core/tenancy.py)."""
    return 1 if engine.dialect.name == "postgresql" else 0


def separate_audit_inserts(engine) -> int:
    """SQLite: the ORM writes the event's and the lot top-up's audit entries as two INSERTs (no ordered RETURNING
    for a batch there); PostgreSQL: one."""
    return 1 if engine.dialect.name == "sqlite" else 0


def separate_rollup_upserts(engine) -> int:
    """SQLite: a count's slice and day rollups as two upserts; PostgreSQL: one statement (the slice's as a CTE)."""
    return 1 if engine.dialect.name == "sqlite" else 0


def run(engine, request):
    request()                                   # warm: the first request of a kind fills per-worker caches
    with statements(engine) as seen:
        response = request()
    return response, [s for s in seen if s.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]


def test_report_counts_on_a_last_step_runs_at_most_the_measured_statements(client, engine, session, world, as_user):
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000)
    operator = as_user("op.one")
    start = client.post(f"/machines/{floor.machine_id}/actions", headers=operator,
                        json={"type": "start_job", "client_id": new_client_id(), "operation_id": floor.drill_id})
    assert start.status_code == 201, start.text

    response, seen = run(engine, lambda: client.post(
        f"/machines/{floor.machine_id}/actions", headers=operator,
        json={"type": "report_counts", "client_id": new_client_id(), "operation_id": floor.drill_id, "good": 2}))

    assert response.status_code == 201, response.text
    assert response.json()["quantity_good"] == 2
    assert len(seen) <= REPORT_COUNTS_MAX + separate_audit_inserts(engine) + separate_rollup_upserts(engine), "\n".join(seen)


@pytest.fixture
def planner(as_user):
    return as_user("planner.one")


def test_create_and_release_answer_lean_within_the_measured_statements(client, engine, session, world, planner):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    body = {"plant_id": world.plant1, "customer_id": line.customer_id,
            "lines": [{"product_id": line.product_id, "quantity": 3, "promised_date": "2026-04-01"}]}
    created, create_statements = run(engine, lambda: client.post("/orders", headers=planner, json=body))
    assert created.status_code == 201, created.text
    assert len(create_statements) <= CREATE_ORDER_MAX + rls_setting(engine), "\n".join(create_statements)

    first, second = created.json()["id"], client.post("/orders", headers=planner, json=body).json()["id"]
    assert client.post(f"/orders/{first}/release", headers=planner).status_code == 200   # numbering warm
    with statements(engine) as seen:
        released = client.post(f"/orders/{second}/release", headers=planner)
    assert released.status_code == 200, released.text
    writes = [s for s in seen if s.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]
    assert len(writes) <= RELEASE_ORDER_MAX + rls_setting(engine), "\n".join(writes)


def test_a_logged_out_token_is_refused_on_its_next_request(client, world, as_user):
    headers = as_user("planner.one")
    assert client.get("/me", headers=headers).status_code == 200
    assert client.post("/auth/logout", headers=headers).status_code == 204
    assert client.get("/me", headers=headers).status_code == 401


def test_work_order_transitions_and_cancel_answer_lean_within_the_measured_statements(client, engine, session, world,
                                                                                      planner):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    body = {"plant_id": world.plant1, "customer_id": line.customer_id,
            "lines": [{"product_id": line.product_id, "quantity": 3, "promised_date": "2026-04-01"}]}
    orders = [client.post("/orders", headers=planner, json=body).json()["id"] for _ in range(2)]
    work_orders = [client.post(f"/orders/{o}/release", headers=planner).json()["work_order_ids"][0] for o in orders]

    paused, seen = run(engine, lambda: client.post(f"/work-orders/{work_orders.pop()}/transitions", headers=planner,
                                                   json={"status": "planned"}))
    assert paused.status_code == 200, paused.text
    assert len(seen) <= TRANSITION_MAX + rls_setting(engine), "\n".join(seen)

    cancelled, seen = run(engine, lambda: client.post(f"/orders/{orders.pop()}/cancel", headers=planner))
    assert cancelled.status_code == 200, cancelled.text
    assert len(seen) <= CANCEL_ORDER_MAX + rls_setting(engine), "\n".join(seen)
