"""Two app nodes behind nginx, as docs/deployment.md sets a site up: one PostgreSQL database, one Redis, node A
and node B started by deploy/takt-node (backend only: the REST API and Reflex's /_event are on the backend),
Debian's nginx running deploy/nginx/takt.conf (only the node addresses and the listen port changed;
bench/cluster.py). Proves: a log-in on A is valid on B; an operator action through A reaches a dashboard tab
connected to B, both on the live channel that carries the dashboard's tiles (WS /api/v1/live/stream) and in the
tab's Reflex state (the event crosses over Redis to B's live hub and live channel); killing
A loses no accepted event while B keeps serving; a machine batch accepted by A and sent again through nginx
(to B) after A died is answered `duplicate` and counted once.

Skipped, with the reason, only when PostgreSQL (TEST_DATABASE_URL, else the local server), Redis
(TEST_REDIS_URL) or nginx is missing; CI has all three. The time from the action to the dashboard's delta is
written to test-results/multinode*.txt, not asserted (no timed assertions in tests; GUARD only ends a hang).
"""
from __future__ import annotations

import asyncio
import contextvars
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from bench import cluster
from bench.push_bench import (
    Arrivals,
    ChannelClient,
    DashboardClient,
    berlin_id,
    manager_token,
    reflex_names,
    seed_running_job,
)
from models.base import utcnow
from models.organization import Organization, Plant
from models.resources import Machine
from models.shopfloor import EventKind, ProductionEvent
from services.core.db import make_engine, transaction
from services.org import api_tokens, organizations

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
GUARD = 60.0                 # seconds; only ends a broken test, never measures anything
PASSWORD = "Takt-demo-2026"
ADMIN_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Site:
    a: cluster.Node
    b: cluster.Node
    proxy: cluster.Nginx
    database_url: str
    machine_id: int
    machine_code: str
    machine_token: str


def _missing() -> str:
    if cluster.nginx_binary() is None:
        return "nginx is not installed (Debian: apt-get install nginx; .ci/ensure-chromium does it in CI)"
    try:
        import redis
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        return f"Redis is not reachable at {REDIS_URL} ({exc})"
    try:
        engine = sa.create_engine(sa.engine.make_url(ADMIN_URL).set(drivername="postgresql+psycopg"))
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL is not reachable at {ADMIN_URL} ({type(exc).__name__})"
    return ""


def _machine_token(database_url: str, machine_id: int) -> tuple[str, str]:
    engine = make_engine(database_url)
    with Session(engine) as s, transaction(s):
        machine = s.get(Machine, machine_id)
        org = s.exec(select(Organization).where(Organization.id == machine.organization_id)).one()
        plant = s.get(Plant, machine.plant_id)
        token = api_tokens.create_api_token(s, organizations.system_actor(s, org.id), api_tokens.ApiTokenCreate(
            plant_id=plant.id, name="multinode gateway", kind="machine"), now=utcnow()).token
        code = machine.code
    engine.dispose()
    return code, token


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    reason = _missing()
    if reason:
        pytest.skip(reason)
    admin = sa.engine.make_url(ADMIN_URL).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    workdir = tmp_path_factory.mktemp("multinode")
    database_url = cluster.create_database(admin, "takt_multinode")
    nodes: list[cluster.Node] = []
    proxy = None
    try:
        cluster.seed_demo(database_url)
        machine_id, operation_id = seed_running_job(database_url)
        code, token = _machine_token(database_url, machine_id)
        env = cluster.node_environment(database_url, REDIS_URL, workers=1, channel=f"takt.test.{uuid.uuid4().hex}")
        nodes = [cluster.Node(name, cluster.free_port(), env, workdir) for name in ("a", "b")]
        for node in nodes:
            node.wait_ready()
        proxy = cluster.Nginx(workdir, cluster.free_port(), [n.port for n in nodes])
        with httpx.Client(base_url=nodes[0].url, timeout=GUARD) as api:
            started = api.post(f"/api/v1/machines/{machine_id}/actions", headers=_log_in(api), json={
                "type": "start_job", "client_id": str(uuid.uuid4()), "operation_id": operation_id})
            assert started.status_code == 201, started.text
        yield Site(nodes[0], nodes[1], proxy, database_url, machine_id, code, token)
    finally:
        if proxy is not None:
            proxy.stop()
        for node in nodes:
            node.stop()
        cluster.drop_database(admin, database_url)


def _log_in(api: httpx.Client, username: str = "operator") -> dict[str, str]:
    answer = api.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"authorization": f"Bearer {answer.json()['access_token']}"}


def _report(api: httpx.Client, site: Site, headers: dict[str, str], client_id: str) -> httpx.Response:
    return api.post(f"/api/v1/machines/{site.machine_id}/actions", headers=headers,
                    json={"type": "report_counts", "good": 1, "client_id": client_id})


def test_a_log_in_on_node_a_is_valid_on_node_b(site):
    with httpx.Client(base_url=site.a.url, timeout=GUARD) as on_a, httpx.Client(base_url=site.b.url,
                                                                                 timeout=GUARD) as on_b:
        headers = _log_in(on_a)
        assert on_b.get("/api/v1/shopfloor/machines", headers=headers).status_code == 200
        assert on_b.get("/api/v1/shopfloor/machines",
                        headers={"authorization": "Bearer tkt_not-a-token"}).status_code == 401


def test_an_operator_action_through_node_a_reaches_the_live_tiles_of_a_dashboard_on_node_b(site):
    """The dashboard's tiles move over the live channel: a subscriber on B hears a report made through A."""
    async def subscribe_and_report() -> float:
        import aiohttp
        async with httpx.AsyncClient(base_url=site.b.url, timeout=GUARD) as on_b, \
                aiohttp.ClientSession() as http:
            token = await manager_token(on_b)
            params = {"plant_id": await berlin_id(on_b, token), "period": "today"}
            arrivals = Arrivals()
            tab = ChannelClient(http, site.b.url.replace("http://", "ws://") + f"/api/v1/live/stream?token={token}",
                                arrivals)
            await tab.open(params)
            try:
                await asyncio.sleep(1.0)                  # a reading of the subscription itself passes first
                tab.deltas.clear()
                arrivals.start(1)
                async with httpx.AsyncClient(base_url=site.a.url, timeout=GUARD) as on_a:
                    headers = _log_in_async_headers(await on_a.post("/api/v1/auth/token", json={
                        "username": "operator", "password": PASSWORD}))
                    sent = time.perf_counter()
                    answer = await on_a.post(f"/api/v1/machines/{site.machine_id}/actions", headers=headers,
                                             json={"type": "report_counts", "good": 1, "client_id": str(uuid.uuid4())})
                    assert answer.status_code == 201, answer.text
                await arrivals.wait(GUARD)
                assert tab.deltas, "the live channel on node B sent no delta for the report made through node A"
                return (tab.deltas[0] - sent) * 1000
            finally:
                await tab.close()

    context = contextvars.copy_context()             # in its own thread, as below: Playwright's loop runs in this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        latency_ms = pool.submit(context.run, asyncio.run, subscribe_and_report()).result()
    results = ROOT / "test-results"
    results.mkdir(exist_ok=True)
    line = f"report through node A -> live channel delta on node B: {latency_ms:.0f} ms"
    (results / "multinode-live-channel.txt").write_text(line + "\n")
    print(line)


def _log_in_async_headers(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    return {"authorization": f"Bearer {answer.json()['access_token']}"}


def test_an_operator_action_through_node_a_reaches_a_dashboard_on_node_b(site):
    async def watch_and_report() -> float:
        tab = DashboardClient(site.b.url, reflex_names())
        await tab.open_dashboard()
        try:
            quiet_since = time.monotonic()                # let the link's own refreshes pass first
            deadline = quiet_since + GUARD
            while time.monotonic() - quiet_since < 2.0 and time.monotonic() < deadline:
                count = len(tab.live_updates)
                await asyncio.sleep(0.2)
                if len(tab.live_updates) != count:
                    quiet_since = time.monotonic()
            tab.live_updates.clear()
            async with httpx.AsyncClient(base_url=site.a.url, timeout=GUARD) as api:
                login = await api.post("/api/v1/auth/token", json={"username": "operator", "password": PASSWORD})
                headers = {"authorization": f"Bearer {login.json()['access_token']}"}
                sent = time.perf_counter()
                answer = await api.post(f"/api/v1/machines/{site.machine_id}/actions", headers=headers,
                                        json={"type": "report_counts", "good": 1, "client_id": str(uuid.uuid4())})
                assert answer.status_code == 201, answer.text
            deadline = time.monotonic() + GUARD
            while not tab.live_updates and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            assert tab.live_updates, "the dashboard tab on node B heard nothing of the report made through node A"
            return (tab.live_updates[0] - sent) * 1000
        finally:
            await tab.close()

    # in its own thread: Playwright's sync API (the other browser tests' session fixture) keeps an event loop
    # running in this one, where asyncio.run refuses to start another; with this thread's context variables
    # (Reflex's state registration among them), which a new thread does not inherit
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        latency_ms = pool.submit(context.run, asyncio.run, watch_and_report()).result()
    results = ROOT / "test-results"
    results.mkdir(exist_ok=True)
    (results / "multinode.txt").write_text(f"report through node A -> dashboard delta on node B: {latency_ms:.0f} ms\n")
    print(f"report through node A -> dashboard delta on node B: {latency_ms:.0f} ms")


def _counts(site: Site, client_ids: list[str]) -> tuple[int, int]:
    """(rows with these client ids, distinct client ids among them)."""
    engine = make_engine(site.database_url)
    with Session(engine) as s:
        rows = s.exec(select(ProductionEvent.client_id).where(ProductionEvent.client_id.in_(client_ids))).all()
    engine.dispose()
    return len(rows), len(set(rows))


def _machine_good(site: Site) -> int:
    engine = make_engine(site.database_url)
    with Session(engine) as s:
        total = s.exec(select(func.coalesce(func.sum(ProductionEvent.quantity_good), 0)).where(
            ProductionEvent.machine_id == site.machine_id, ProductionEvent.kind == EventKind.COUNT)).one()
    engine.dispose()
    return int(total)


def test_killing_node_a_loses_no_accepted_event_and_node_b_counts_a_resent_batch_once(site):
    gateway = {"authorization": f"Bearer {site.machine_token}"}
    batch = {"events": [{"client_id": f"mn-{uuid.uuid4().hex}", "machine": site.machine_code, "type": "count",
                         "good": 3} for _ in range(5)]}
    with httpx.Client(base_url=site.proxy.url, timeout=GUARD) as through_nginx, \
            httpx.Client(base_url=site.a.url, timeout=GUARD) as on_a:
        first = on_a.post("/api/v1/ingest/events", headers=gateway, json=batch)
        assert first.status_code == 200 and first.json()["accepted"] == 5, first.text
        good_before = _machine_good(site)

        headers = _log_in(through_nginx)
        accepted: list[str] = []
        for n in range(40):
            if n == 20:
                site.a.kill()
            client_id = str(uuid.uuid4())
            for _attempt in range(5):        # a request A took as it died is sent again with the same client_id
                try:
                    answer = _report(through_nginx, site, headers, client_id)
                except httpx.TransportError:
                    continue
                if answer.status_code in (502, 503, 504):
                    continue
                assert answer.status_code in (200, 201), answer.text
                accepted.append(client_id)
                break
        assert site.a.proc.poll() is not None, "node A should be dead"
        assert len(accepted) == 40, f"only {len(accepted)} of 40 reports were accepted while node A died"
        assert _counts(site, accepted) == (40, 40)          # every accepted report is stored, once

        assert through_nginx.get("/api/v1/shopfloor/machines", headers=headers).status_code == 200
        assert httpx.get(f"{site.b.url}/api/v1/health/ready", timeout=GUARD).status_code == 200

        again = through_nginx.post("/api/v1/ingest/events", headers=gateway, json=batch)
        assert again.status_code == 200, again.text
        assert again.json()["duplicates"] == 5 and again.json()["accepted"] == 0, again.text
        assert _machine_good(site) == good_before + 40       # the 40 reports; the resent batch added nothing
