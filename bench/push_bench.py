"""Push latency of the live dashboard (issues 4 and 17): an operator report sent -> the update received by
each of N connected dashboard clients, against raw socket.io and raw websocket broadcasts on the same
machine, same run.

Live channel (default, issue 17): N websocket subscribers of WS /api/v1/live/stream (what
assets/takt_live.js opens in each tab), each subscribed to the same Berlin "today" dashboard tiles with the
demo manager's token; a subscriber's latency is the time from sending the report to receiving the first
delta of the tiles. `--reflex` also measures the Reflex path below (the "before" of issue 17).

Takt: a fresh SQLite database with the demo plant, the Reflex backend of this repo's app (its ASGI
app under granian as `reflex run --env prod` serves it, one worker; the browser frontend is not needed),
N python-socketio clients speaking Reflex's protocol
(connect to /_event with a client token, log in as the demo manager through the login event, open
/dashboard: each links its LiveDashboardState to the same Berlin "today" view). A producer then reports
1 good part on a running job through the REST API (POST /api/v1/machines/{id}/actions, the operator
portal's path) every `--gap` seconds; for each report, every client's latency is the time from
sending the request to receiving the first delta of LiveDashboardState. It includes the API call,
the commit, the live hub's refresh of the whole dashboard (computed once), and Reflex's fan-out of the
delta to every linked tab.

Baselines: a python-socketio server (uvicorn with wsproto, one process) that, on a "broadcast" message from the
producer, emits it to N connected clients, and a plain Starlette websocket server doing the same: the
transports' own fan-out cost.

Usage: .venv/bin/python -m bench.push_bench [--clients 50 200] [--reports 20] [--gap 1.0] [--reflex]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import aiohttp
import httpx
import socketio

from bench.report import percentiles, table, write_section

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Takt-demo-2026"
NAMESPACE = "/_event"                      # Reflex's socket.io namespace (and path)
GUARD = 60.0                              # seconds: a client that hears nothing by then is a failure


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 600) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"server did not start: {log.read_text()[-3000:]}")


class Arrivals:
    """How many clients heard the current round: the producer wakes when all have (or at the guard), instead of
    polling every client every millisecond in the clients' own event loop (which delayed their reads at 200)."""

    def __init__(self) -> None:
        self.count, self.expected = 0, 0
        self.all = asyncio.Event()

    def start(self, expected: int) -> None:
        self.count, self.expected = 0, expected
        self.all.clear()

    def first(self) -> None:
        self.count += 1
        if self.count >= self.expected:
            self.all.set()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.all.wait(), timeout)


# ----- the app under test --------------------------------------------------------------------

def environment(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{BIN}{os.pathsep}{env.get('PATH', '')}",
                "REFLEX_USE_SYSTEM_BUN": "1", "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
                "REFLEX_WEB_WORKDIR": str(workdir / ".web"), "REFLEX_STATES_WORKDIR": str(workdir / ".states"),
                "PYTHONUNBUFFERED": "1", "TAKT_EVENT_BACKEND": "local", "TAKT_DEMO": "1",
                # the benches read today's figures only: 2 days of demo history seed in a fraction of 21 days' time
                "TAKT_DEMO_HISTORY_DAYS": os.environ.get("TAKT_DEMO_HISTORY_DAYS", "2")})
    for key in ("TAKT_DEV", "REFLEX_REDIS_URL"):
        env.pop(key, None)
    return env


def seed_running_job(database_url: str, code: str = "BENCH-1") -> tuple[int, int]:
    """A machine `code` of Berlin in a work center of its own with a released job: (machine id, operation id)."""
    from sqlmodel import Session, select

    from models.base import utcnow
    from models.catalog import Product, ProductType
    from models.orders import Operation, WorkOrder, WorkStatus
    from models.organization import Department, Plant
    from models.resources import Machine, WorkCenter
    from services.core.db import make_engine, transaction

    engine = make_engine(database_url)
    now = utcnow()
    with Session(engine, expire_on_commit=False) as s, transaction(s):
        plant = s.exec(select(Plant).where(Plant.code == "BER")).one()
        org = plant.organization_id
        dept = s.exec(select(Department).where(Department.plant_id == plant.id).order_by(Department.id)).first()
        wc = WorkCenter(organization_id=org, plant_id=plant.id, department_id=dept.id, code=f"WC-{code}", name="Bench")
        s.add(wc)
        s.flush()
        product = s.exec(select(Product).where(Product.organization_id == org, Product.type == ProductType.FINISHED)
                         .order_by(Product.id)).first()
        machine = Machine(organization_id=org, plant_id=plant.id, department_id=dept.id, work_center_id=wc.id,
                          code=code, name="Push bench")
        s.add(machine)
        s.flush()
        wo = WorkOrder(organization_id=org, plant_id=plant.id, number=f"WO-{code}", product_id=product.id,
                       quantity=100_000, status=WorkStatus.RELEASED, released_at=now)
        s.add(wo)
        s.flush()
        op = Operation(organization_id=org, plant_id=plant.id, work_order_id=wo.id, sequence=10, name="Bench",
                       work_center_id=wc.id, machine_id=machine.id, queue_position=1, status=WorkStatus.RELEASED,
                       quantity=100_000, setup_seconds=0, ideal_cycle_seconds=Decimal("1"), planned_start=now,
                       planned_end=now + timedelta(days=1))
        s.add(op)
        s.flush()
        ids = machine.id, op.id
    engine.dispose()
    return ids


def seeded_environment(workdir: Path, timeout: float = 600) -> dict[str, str]:
    """The bench environment of `workdir`, its database migrated and seeded with the demo (every push bench's start)."""
    env = environment(workdir)
    for command in ("migrate", "seed-demo"):
        subprocess.run([str(BIN / "takt"), command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=timeout)
    return env


def start_app(workdir: Path, port: int) -> subprocess.Popen:
    env = seeded_environment(workdir)
    log = workdir / "app.log"
    env["REFLEX_ENV_MODE"] = "prod"
    # the backend alone, as `reflex run` starts it (its --backend-only refuses our rxconfig's frontend port):
    # the App is an ASGI factory; one worker
    proc = subprocess.Popen([str(BIN / "granian"), "--interface", "asgi", "--factory", "--workers", "1",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "rxapp.rxapp:app"],
                            cwd=ROOT, env=env, stdout=open(log, "w"),  # noqa: SIM115 (the child owns it)
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/ping", proc, log, timeout=1800)   # compiling took 9.5 min at load 14
    except BaseException:
        stop(proc)                                    # else it outlives the bench (its own session)
        raise
    return proc


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 9)


# ----- Reflex protocol clients ---------------------------------------------------------------

class DashboardClient:
    """One browser tab, as far as the server can tell: a socket.io connection to /_event with a client
    token, sending the events the compiled frontend would send."""

    def __init__(self, url: str, names: dict[str, str], arrivals: Arrivals | None = None):
        self.url, self.names, self.arrivals = url, names, arrivals
        self.token = str(uuid.uuid4())
        self.sio = socketio.AsyncClient(reconnection=False)
        self.updates: asyncio.Queue = asyncio.Queue()
        self.live_updates: list[float] = []
        self.linked = asyncio.Event()
        self.sio.on("event", self._on_update, namespace=NAMESPACE)

    async def _on_update(self, update) -> None:
        delta = (update or {}).get("delta") or {}
        now = time.perf_counter()
        if any(self.names["live"] in key for key in delta):
            if not self.live_updates and self.arrivals is not None:
                self.arrivals.first()
            self.live_updates.append(now)
            if any(v.get("loaded_rx_state_") for k, v in delta.items() if self.names["live"] in k):
                self.linked.set()
        await self.updates.put(delta)

    async def send(self, handler: str, payload: dict, path: str) -> None:
        await self.sio.emit("event", {"name": handler, "payload": payload,
                                      "router_data": {"pathname": path, "query": {}, "asPath": path}},
                            namespace=NAMESPACE)

    async def open_dashboard(self) -> None:
        await self.sio.connect(f"{self.url}?token={self.token}", socketio_path="/_event", transports=["websocket"],
                               namespaces=[NAMESPACE])
        await self.send(self.names["login"], {"form": {"username": "manager", "password": PASSWORD}}, "/login")
        while True:                                   # logged in once the token reaches the client
            delta = await asyncio.wait_for(self.updates.get(), GUARD)
            if any("token_rx_state_" in v and v["token_rx_state_"] for v in delta.values() if isinstance(v, dict)):
                break
        await self.send(self.names["enter"], {}, "/dashboard")
        await asyncio.wait_for(self.linked.wait(), GUARD)

    async def close(self) -> None:
        await self.sio.disconnect()


async def operator_headers(api: httpx.AsyncClient) -> dict[str, str]:
    login = await api.post("/api/v1/auth/token", json={"username": "operator", "password": PASSWORD})
    return {"authorization": f"Bearer {login.json()['access_token']}"}


async def start_job(url: str, machine_id: int, operation_id: int) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        started = await api.post(f"/api/v1/machines/{machine_id}/actions", headers=await operator_headers(api),
                                 json={"type": "start_job", "client_id": str(uuid.uuid4()), "operation_id": operation_id})
        assert started.status_code in (200, 201), started.text


def reflex_names() -> dict[str, str]:
    from rxapp.state.kpi.dashboard import DashboardState
    from rxapp.state.kpi.live_dashboard import LiveDashboardState
    from rxapp.state.org.auth import AuthState
    return {"login": f"{AuthState.get_full_name()}.login", "enter": f"{DashboardState.get_full_name()}.enter",
            "live": LiveDashboardState.get_name()}


async def run_takt(url: str, clients: int, reports: int, gap: float, machine_id: int) -> dict:
    names = reflex_names()
    arrivals = Arrivals()
    tabs = [DashboardClient(url, names, arrivals) for _ in range(clients)]
    for i in range(0, clients, 25):                   # log in 25 at a time (password hashing is slow on purpose)
        await asyncio.gather(*(t.open_dashboard() for t in tabs[i:i + 25]))
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        headers = await operator_headers(api)
        action = f"/api/v1/machines/{machine_id}/actions"
        await asyncio.sleep(max(gap, 1.0))
        samples, accept_ms, missed = [], [], 0
        for _ in range(reports):
            arrivals.start(len(tabs))
            for t in tabs:
                t.live_updates.clear()
            sent = time.perf_counter()
            answer = await api.post(action, headers=headers, json={"type": "report_counts", "good": 1,
                                                                    "client_id": str(uuid.uuid4())})
            accept_ms.append((time.perf_counter() - sent) * 1000)
            assert answer.status_code in (200, 201), answer.text
            await arrivals.wait(GUARD)
            for t in tabs:
                if t.live_updates:
                    samples.append((t.live_updates[0] - sent) * 1000)
                else:
                    missed += 1
            await asyncio.sleep(gap)
    await asyncio.gather(*(t.close() for t in tabs))
    return {**percentiles(samples), "accept_p50": percentiles(accept_ms)["p50"], "samples": len(samples),
            "missed": missed}


# ----- live channel subscribers (WS /api/v1/live/stream) --------------------------------------------

async def manager_token(api: httpx.AsyncClient) -> str:
    login = await api.post("/api/v1/auth/token", json={"username": "manager", "password": PASSWORD})
    assert login.status_code == 200, login.text
    return login.json()["access_token"]


async def berlin_id(api: httpx.AsyncClient, token: str) -> int:
    plants = (await api.get("/api/v1/plants", headers={"authorization": f"Bearer {token}"})).json()
    items = plants["items"] if isinstance(plants, dict) else plants
    return next(p["id"] for p in items if p["code"] == "BER")


READ_GUARD = 3.0                           # seconds: the reading's delta after the first (counted as missed after it)


class ChannelClient:
    """One tab's live channel: a websocket subscribed to the dashboard's tiles. It notes when each delta arrives and
    when the first delta of the tiles' database reading does (the one with OEE or the trend's point: a count's
    counters and quality come before it, from the event)."""

    def __init__(self, http: aiohttp.ClientSession, url: str, arrivals: Arrivals, read: Arrivals | None = None):
        self.http, self.url, self.arrivals, self.read = http, url, arrivals, read
        self.deltas: list[float] = []
        self.reading: list[float] = []
        self.bytes: list[int] = []
        self.ready = asyncio.Event()
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.task: asyncio.Task | None = None

    async def open(self, params: dict) -> None:
        self.ws = await self.http.ws_connect(self.url)
        await self.ws.send_json({"type": "subscribe", "id": "d", "kind": "dashboard", "params": params})
        self.task = asyncio.create_task(self._read())
        await asyncio.wait_for(self.ready.wait(), 3 * GUARD)

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            now = time.perf_counter()
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            if '"type":"delta"' in message.data:
                if not self.deltas:
                    self.arrivals.first()
                self.deltas.append(now)
                self.bytes.append(len(message.data))
                if ('"oee"' in message.data or '"trend.' in message.data) and not self.reading:
                    self.reading.append(now)
                    if self.read is not None:
                        self.read.first()
            elif '"type":"snapshot"' in message.data:
                self.ready.set()
            elif '"type":"refused"' in message.data:
                raise SystemExit(f"the live channel refused the view: {message.data}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            self.task.cancel()


async def run_channel(url: str, clients: int, reports: int, gap: float, machine_id: int) -> dict:
    # no connection limit: aiohttp's default pool of 100 left subscriber 101 waiting for a free connection for ever
    # (the 200-subscriber run "stalled while connecting")
    async with httpx.AsyncClient(base_url=url, timeout=30) as api, \
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        token = await manager_token(api)
        params = {"plant_id": await berlin_id(api, token), "period": "today"}
        ws_url = url.replace("http://", "ws://") + f"/api/v1/live/stream?token={token}"
        arrivals, read = Arrivals(), Arrivals()
        subs = [ChannelClient(http, ws_url, arrivals, read) for _ in range(clients)]
        for i in range(0, clients, 10):               # 50 at once timed out at 200 clients on a loaded machine
            await asyncio.gather(*(c.open(params) for c in subs[i:i + 10]))
        headers = await operator_headers(api)
        action = f"/api/v1/machines/{machine_id}/actions"
        await asyncio.sleep(max(gap, 1.0))
        samples, accept_ms, sizes, missed, readings, unread = [], [], [], 0, [], 0
        for _ in range(reports):
            arrivals.start(len(subs))
            read.start(len(subs))
            for c in subs:
                c.deltas.clear()
                c.reading.clear()
                c.bytes.clear()
            sent = time.perf_counter()
            answer = await api.post(action, headers=headers, json={"type": "report_counts", "good": 1,
                                                                    "client_id": str(uuid.uuid4())})
            accept_ms.append((time.perf_counter() - sent) * 1000)
            assert answer.status_code in (200, 201), answer.text
            await arrivals.wait(GUARD)
            await read.wait(READ_GUARD)
            for c in subs:
                if c.deltas:
                    samples.append((c.deltas[0] - sent) * 1000)
                    sizes.append(c.bytes[0])
                else:
                    missed += 1
                if c.reading:
                    readings.append((c.reading[0] - sent) * 1000)
                else:
                    unread += 1
            await asyncio.sleep(gap)
        await asyncio.gather(*(c.close() for c in subs))
    return {**percentiles(samples), "accept_p50": percentiles(accept_ms)["p50"], "samples": len(samples),
            "missed": missed, "bytes": percentiles([float(b) for b in sizes])["p50"],
            "reading": {**percentiles(readings), "samples": len(readings), "missed": unread}}


# ----- raw websocket broadcast baseline ------------------------------------------------------

WS_SERVER = r"""
import sys, asyncio, uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
clients = set()

async def endpoint(ws):
    await ws.accept()
    clients.add(ws)
    try:
        while True:
            text = await ws.receive_text()
            await asyncio.gather(*(c.send_text(text) for c in list(clients) if c is not ws))
    except Exception:
        pass
    finally:
        clients.discard(ws)

uvicorn.run(Starlette(routes=[WebSocketRoute("/ws", endpoint)]), host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning", ws="wsproto")
"""


async def run_ws_echo(port: int, clients: int, reports: int, gap: float) -> dict:
    url = f"ws://127.0.0.1:{port}/ws"
    received: list[list[float]] = [[] for _ in range(clients)]
    arrivals = Arrivals()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:       # > 100 sockets
        sockets = await asyncio.gather(*(http.ws_connect(url) for _ in range(clients)))

        async def read(i: int, ws) -> None:
            async for _message in ws:
                if not received[i]:
                    arrivals.first()
                received[i].append(time.perf_counter())
        readers = [asyncio.create_task(read(i, ws)) for i, ws in enumerate(sockets)]
        producer = await http.ws_connect(url)
        await asyncio.sleep(0.5)
        samples, missed = [], 0
        for n in range(reports):
            arrivals.start(clients)
            for r in received:
                r.clear()
            sent = time.perf_counter()
            await producer.send_str(f'{{"n": {n}}}')
            await arrivals.wait(GUARD)
            for r in received:
                if r:
                    samples.append((r[0] - sent) * 1000)
                else:
                    missed += 1
            await asyncio.sleep(gap)
        for ws in [*sockets, producer]:
            await ws.close()
        for task in readers:
            task.cancel()
    return {**percentiles(samples), "samples": len(samples), "missed": missed}


# ----- raw socket.io echo baseline -----------------------------------------------------------

ECHO_SERVER = r"""
import socketio, uvicorn, sys
sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*")

@sio.on("broadcast")
async def broadcast(sid, data):
    await sio.emit("echo", data, skip_sid=sid)

uvicorn.run(socketio.ASGIApp(sio), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", ws="wsproto")
"""


async def run_echo(port: int, clients: int, reports: int, gap: float) -> dict:
    url = f"http://127.0.0.1:{port}"
    received: list[list[float]] = [[] for _ in range(clients)]
    arrivals = Arrivals()
    sockets = []
    for i in range(clients):
        sio = socketio.AsyncClient(reconnection=False)

        def handler(data, i=i):
            if not received[i]:
                arrivals.first()
            received[i].append(time.perf_counter())
        sio.on("echo", handler)
        sockets.append(sio)
    await asyncio.gather(*(s.connect(url, transports=["websocket"]) for s in sockets))
    producer = socketio.AsyncClient(reconnection=False)
    await producer.connect(url, transports=["websocket"])
    samples, missed = [], 0
    for n in range(reports):
        arrivals.start(clients)
        for r in received:
            r.clear()
        sent = time.perf_counter()
        await producer.emit("broadcast", {"n": n})
        await arrivals.wait(GUARD)
        for r in received:
            if r:
                samples.append((r[0] - sent) * 1000)
            else:
                missed += 1
        await asyncio.sleep(gap)
    await asyncio.gather(*(s.disconnect() for s in sockets + [producer]))
    return {**percentiles(samples), "samples": len(samples), "missed": missed}


BEFORE = """Before (issue 17, second pass: every delta waited for a database reading of the tiles, leading-edge
coalescing, the KPI summary and the trend's last bucket in one resolved scope; 2026-12-07 14:30-15:04 UTC, load
12-18): 50 subscribers p50/p95/p99 186.3/231.0/316.9 ms (socket.io echo 6.5/20.6/22.4 ms; a second run beside other
tests 256.4/396.6/420.4 ms, echo 22.5/62.4/83.8 ms), API accept p50 106-161 ms; 200 subscribers 190.6/309.5/321.3 ms
(echo 53.1/94.1/125.9 ms), API accept p50 108.8 ms. First live channel (a 250 ms coalescing window per scope, the
tiles read by the KPI summary, the charts re-sent by Reflex every 5 s; 11:10-11:28 UTC, load 11-16): 50 subscribers
182.9/262.3/485.4 ms (echo 13.2/24.0/29.2 ms). Issue 4's design (every tab a Reflex client of LiveDashboardState;
2026-11-22 04:40 UTC, load 4-5): 50 clients 253.4/907.1/3449.0 ms (echo 6.5/13.1/13.5 ms), 200 clients
789.9/3037.9/4232.5 ms (echo 33.8/61.2/67.6 ms); API accept p50 71 and 310 ms."""

NOTES = """Now (issue 17, third pass): what a report's event changes for certain goes out as soon as the event arrives,
before any database reading (services/kpi/live_tiles.counted_at_once: the view's good, scrap, total and quality,
when the count is of one of its machines and in its period); the reading that follows (leading-edge coalescing, at
most one more per 100 ms in a burst; services/kpi/live_figures.py: the KPI summary and the trend's last bucket
from one pass over the rollups) sends OEE, availability, performance and the trend's last point, and corrects
anything derived. Both deltas are encoded once (orjson) and written to every subscriber's socket. The first row
of each size is the first delta (the counters), the second the reading's. The page's whole figures follow through
Reflex 30 s after a report. The clients run in one asyncio process, on the same 2 cores as the server and the
producer, and wake the producer when all have heard a round (no polling); the demo manager's one token serves all
subscribers. The API accept row is the report's own answer time: the first delta leaves after its commit, often
before that answer is written. A round whose reading changes nothing beyond the counters (the whole plant's OEE,
A, P and the trend's point at one decimal) sends no second delta: such rounds are the reading row's "missed"."""


# ----- main ----------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between reports")
    parser.add_argument("--reflex", action="store_true", help="also measure Reflex's shared-state path (the before)")
    args = parser.parse_args()

    rows = []
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="takt-push-") as tmp:
        workdir = Path(tmp)
        app_port, echo_port, ws_port = free_port(), free_port(), free_port()
        app = start_app(workdir, app_port)
        echo_log, ws_log = workdir / "echo.log", workdir / "ws.log"
        echo = subprocess.Popen([sys.executable, "-c", ECHO_SERVER, str(echo_port)],
                                stdout=open(echo_log, "w"),  # noqa: SIM115 (the child owns it)
                                stderr=subprocess.STDOUT, start_new_session=True)
        raw_ws = subprocess.Popen([sys.executable, "-c", WS_SERVER, str(ws_port)],
                                  stdout=open(ws_log, "w"),  # noqa: SIM115 (the child owns it)
                                  stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{app_port}"
        try:
            wait_http(f"http://127.0.0.1:{echo_port}/socket.io/?EIO=4&transport=polling", echo, echo_log, 60)
            machine_id, operation_id = seed_running_job(environment(workdir)["DATABASE_URL"])
            asyncio.run(start_job(url, machine_id, operation_id))
            for n in args.clients:
                chan = asyncio.run(run_channel(url, n, args.reports, args.gap, machine_id))
                loads.append(os.getloadavg()[0])
                raw = asyncio.run(run_echo(echo_port, n, args.reports, args.gap))
                ws = asyncio.run(run_ws_echo(ws_port, n, args.reports, args.gap))
                print(n, "channel", chan, "socket.io", raw, "websocket", ws, flush=True)
                rows.append(_row(n, f"Takt live channel: API report -> first delta (counters and quality from the "
                                    f"event, p50 {chan['bytes']:.0f} bytes)", chan, raw))
                rows.append(_row(n, "Takt live channel: API report -> the reading's delta (OEE, A, P, trend point)",
                                 chan["reading"], raw))
                if args.reflex:
                    takt = asyncio.run(run_takt(url, n, args.reports, args.gap, machine_id))
                    loads.append(os.getloadavg()[0])
                    print(n, "reflex", takt, flush=True)
                    rows.append(_row(n, "Takt via Reflex (API report -> LiveDashboardState delta)", takt, raw))
                rows.append(_row(n, "raw socket.io echo (broadcast to all)", raw, raw))
                rows.append(_row(n, "raw websocket (Starlette, broadcast to all)", ws, raw))
                rows.append([n, "(API accept of the report, p50)", f"{chan['accept_p50']:.1f}", "", "", "", "", ""])
        finally:
            stop(app)
            stop(echo)
            stop(raw_ws)
    body = (f"{args.reports} reports of 1 good part each, {args.gap:g} s apart, through the REST API; every client's "
            "latency from sending the report to receiving the tiles' delta (Takt) or the broadcast message (raw). "
            "One backend worker (granian), SQLite, no Redis; clients and producer in one asyncio process on the "
            "same 2-core machine, which other work may share: the load average says how busy it was. Load average "
            f"(1 min) during the run: {min(loads):.1f}-{max(loads):.1f}. "
            "Ratios are to the raw socket.io echo of the same run.\n\n"
            + table(["clients", "path", "p50 ms", "p95 ms", "p99 ms", "p50 / socket.io", "p95 / socket.io",
                     "samples / missed"], rows)
            + "\n" + NOTES + "\n\n" + BEFORE)
    write_section("push", "Live push latency: operator report -> dashboard clients", body)


def _row(n: int, name: str, found: dict, raw: dict) -> list:
    return [n, name, f"{found['p50']:.1f}", f"{found['p95']:.1f}", f"{found['p99']:.1f}",
            f"{found['p50'] / max(raw['p50'], 0.001):.1f}x", f"{found['p95'] / max(raw['p95'], 0.001):.1f}x",
            f"{found['samples']} / {found['missed']}"]


if __name__ == "__main__":
    main()
