"""The bearer-token check runs inside the request's own unit of work (rxapp/api/deps.py, services/core/db.py's
`RequestUnit`): one pool checkout and one commit per request, the token lookup one statement (on PostgreSQL it also
sets the organization for row-level security), and the session's sliding expiry is kept whatever the answer.
Counted on the server's engine, never timed."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from models.auth import AuthSession
from models.base import utcnow
from services.org.tokens import hash_token
from tests.factories.production import make_line
from tests.factories.shopfloor import make_floor, new_client_id


@contextmanager
def database_use(engine) -> Iterator[dict[str, list]]:
    """Pool checkouts, commits and statements on `engine` inside the block (the API server's thread included)."""
    seen: dict[str, list] = {"checkouts": [], "commits": [], "statements": []}
    listeners = [
        (engine.pool, "checkout", lambda *_: seen["checkouts"].append(1)),
        (engine, "commit", lambda *_: seen["commits"].append(1)),
        (engine, "before_cursor_execute", lambda _c, _cu, statement, *_: seen["statements"].append(statement)),
    ]
    for target, name, fn in listeners:
        sa.event.listen(target, name, fn)
    try:
        yield seen
    finally:
        for target, name, fn in listeners:
            sa.event.remove(target, name, fn)


@pytest.fixture
def planner(as_user):
    return as_user("planner.one")


def _token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].split(" ", 1)[1]


def test_a_write_checks_its_token_in_its_own_unit_of_work(client, engine, session, world, planner):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    body = {"plant_id": world.plant1, "customer_id": line.customer_id,
            "lines": [{"product_id": line.product_id, "quantity": 3, "promised_date": "2026-04-01"}]}
    assert client.post("/orders", headers=planner, json=body).status_code == 201       # warm; the session slid
    with database_use(engine) as used:
        created = client.post("/orders", headers=planner, json=body)
    assert created.status_code == 201, created.text
    assert len(used["checkouts"]) == 1 and len(used["commits"]) == 1, used
    lookups = [s for s in used["statements"] if "auth_session" in s]
    assert len(lookups) == 1 and lookups[0].lstrip().upper().startswith("SELECT"), lookups
    settings = [s for s in used["statements"] if "set_config" in s]
    assert settings == (lookups if engine.dialect.name == "postgresql" else []), settings


@contextmanager
def worker_thread_calls(monkeypatch) -> Iterator[list[str]]:
    """The functions the request hands to worker threads inside the block (anyio's `to_thread.run_sync`, which
    Starlette's and FastAPI's `run_in_threadpool` call)."""
    import anyio.to_thread
    hops: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func, *args, **kwargs):
        inner = getattr(func, "func", func)                    # starlette wraps the call in functools.partial
        hops.append(getattr(inner, "__name__", repr(inner)))
        return await run_sync(func, *args, **kwargs)
    with monkeypatch.context() as patch:
        patch.setattr(anyio.to_thread, "run_sync", counted)
        yield hops


def test_a_write_crosses_to_worker_threads_only_for_its_token_check_route_and_answer(client, session, world, planner,
                                                                                      monkeypatch):
    """The token check, the sync route and FastAPI's validation of a sync route's answer run in worker threads;
    reading the header and closing the unit after its route committed (no I/O) stay on the event loop: each hop
    more waits for a free thread under load."""
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    body = {"plant_id": world.plant1, "customer_id": line.customer_id,
            "lines": [{"product_id": line.product_id, "quantity": 3, "promised_date": "2026-04-01"}]}
    assert client.post("/orders", headers=planner, json=body).status_code == 201       # warm; the session slid
    with worker_thread_calls(monkeypatch) as hops:
        assert client.post("/orders", headers=planner, json=body).status_code == 201
    # the token check, the route (FastAPI's wrapper of a sync endpoint), the answer's validation: before, also the
    # header (a sync dependency) and the unit's close
    assert hops == ["_open_request_unit", "_run_sync_endpoint", "validate"], hops


def test_an_operator_action_crosses_to_a_worker_thread_for_its_token_check_and_its_unit_of_work(
        client, session, world, as_user, monkeypatch):
    """POST /machines/{id}/actions is async with its unit of work in one worker-thread call: its answer is
    validated on the event loop (a sync route's would take a third call)."""
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)
    operator = as_user("op.one")
    url = f"/machines/{floor.machine_id}/actions"
    started = client.post(url, headers=operator, json={"type": "start_job", "client_id": new_client_id(),
                                                       "operation_id": floor.cut_id})
    assert started.status_code == 201, started.text
    with worker_thread_calls(monkeypatch) as hops:
        counted = client.post(url, headers=operator, json={"type": "report_counts", "client_id": new_client_id(),
                                                           "good": 2})
    assert counted.status_code == 201 and counted.json()["quantity_good"] == 2, counted.text
    assert hops == ["_open_request_unit", "_perform"], hops


def test_the_slide_is_written_at_most_once_a_minute_and_kept_when_nothing_else_is_written(client, engine, session,
                                                                                           world, planner):
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(_token_of(planner)))).one()
    with engine.begin() as conn:
        conn.execute(sa.update(AuthSession).where(AuthSession.id == row.id)
                     .values(last_seen_at=utcnow() - timedelta(minutes=5)))
    with database_use(engine) as first:
        assert client.get("/me", headers=planner).status_code == 200
    with database_use(engine) as second:
        assert client.get("/me", headers=planner).status_code == 200
    assert sum("UPDATE auth_session" in s for s in first["statements"]) == 1
    assert not any("UPDATE auth_session" in s for s in second["statements"])
    session.expire_all()
    assert session.get(AuthSession, row.id).last_seen_at > utcnow() - timedelta(minutes=1)


def test_a_failed_request_still_slides_the_session(client, engine, session, world, planner):
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(_token_of(planner)))).one()
    before = utcnow() - timedelta(minutes=5)
    with engine.begin() as conn:
        conn.execute(sa.update(AuthSession).where(AuthSession.id == row.id).values(last_seen_at=before))
    refused = client.post("/orders", headers=planner, json={"plant_id": world.plant1, "customer_id": 2 ** 31 - 1,
                                                            "lines": []})
    assert refused.status_code in (404, 422), refused.text
    session.expire_all()
    slid = session.get(AuthSession, row.id)
    assert slid.last_seen_at > before + timedelta(minutes=4)
    assert slid.expires_at > utcnow()


def test_a_revoked_session_is_refused_on_its_next_request_and_writes_nothing(client, engine, session, world, planner):
    assert client.get("/me", headers=planner).status_code == 200
    with engine.begin() as conn:
        conn.execute(sa.update(AuthSession).where(AuthSession.token_hash == hash_token(_token_of(planner)))
                     .values(revoked_at=utcnow()))
    with database_use(engine) as used:
        assert client.get("/me", headers=planner).status_code == 401
    assert len(used["checkouts"]) == 1 and not used["commits"], used
