"""The shop-floor simulator behind `takt simulate`: a machine gateway for a whole plant that sends what
its machines do through the ingest API (POST /api/v1/ingest/events), like a real gateway would.

Each machine works its queue: job_start, a changeover stop for the job's setup time, then a part every
ideal cycle time x U(1.00, 1.12) (reduced speed), counted once a minute or so, with scrap (2 %, 8 % in
the first parts after a changeover) with scrap reasons; micro-stops (about 2 an hour, 0.5-4 min),
tool changes, material shortages and breakdowns (about one every 8 hours, 15-90 min) with their reason
codes; job_complete when the quantity is good. Work happens only in the shift calendar's working time
(breaks and nights are skipped; `all_hours` ignores the calendar, for a demo at the weekend). When a
machine's queue runs dry the simulator plays the planner and releases another order
(services/demo/simulation.py), at most once per 20 simulated minutes per machine.

Time: the simulated clock never runs ahead of the wall clock (the server refuses future events).
`speed` is simulated seconds per real second (0: as fast as the server takes them); with a
`duration` the run covers [start, start + duration] and by default ends now: start = now - duration
+ duration / speed. Without a duration it starts now and runs live until stopped.

The simulator sets itself up through the services (the machine token, kept in
data/simulator-<plant>.token and reused while it is valid; the plant's machines and queues), then
talks only HTTP; sent again, a batch is recorded once (client ids), so it retries freely: 429 after
Retry-After, connection errors with a back-off.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from models.base import utcnow
from models.resources import MachineState
from services.core.calendar_math import CalendarSpec, add_working_time
from services.core.db import PROJECT_ROOT, db_session, transaction
from services.demo import simulation
from services.org.organizations import system_actor

log = logging.getLogger("takt.simulator")

BATCH_SIZE = 500
COUNT_EVERY_SECONDS = 60
REFILL_EVERY = timedelta(minutes=20)
IDLE_RECHECK = timedelta(minutes=5)


@dataclass
class Stats:
    batches: int = 0
    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    recorded: int = 0                      # production events the accepted ones appended
    good: int = 0
    scrap: int = 0
    stops: int = 0
    jobs_started: int = 0
    jobs_completed: int = 0
    orders_released: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class _Machine:
    sim: simulation.SimMachine
    rng: random.Random
    job: simulation.SimJob | None = None
    remaining: int = 0
    parts_since_setup: int = 0
    pending_good: int = 0
    pending_scrap: dict[str, int] = field(default_factory=dict)
    last_count: datetime | None = None
    phase: str = "idle"                    # idle | setup | run | down
    last_refill: datetime | None = None


class Simulator:
    """Drives one plant's machines; `run()` returns the Stats when the duration is over."""

    def __init__(self, *, url: str, token: str, floor: simulation.SimFloor, start: datetime,
                 duration: timedelta | None, speed: float, seed: int = 1,
                 refill: Callable[[int, datetime], int] | None = None,
                 reload_jobs: Callable[[int], list[simulation.SimJob]] | None = None,
                 client: httpx.Client | None = None, stop: Callable[[], bool] | None = None):
        self.url = url.rstrip("/")
        self.floor, self.start, self.speed = floor, start, speed
        self.end = start + duration if duration is not None else None
        self.refill, self.reload_jobs, self.stop = refill, reload_jobs, stop or (lambda: False)
        self.client = client or httpx.Client(timeout=60, headers={"Authorization": f"Bearer {token}"})
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.stats = Stats()
        self.batch: list[dict] = []
        self._ids = itertools.count(1)
        self._run_id = f"sim{random.Random(seed).getrandbits(40):010x}{int(start.timestamp()):x}"
        self._heap: list[tuple[datetime, int, _Machine]] = []
        self._tie = itertools.count()
        self._done: set[int] = set()                          # jobs completed by this run
        for i, m in enumerate(floor.machines):
            machine = _Machine(sim=m, rng=random.Random(seed * 1000 + i))
            self._push(start, machine)

    # ----- the loop ---------------------------------------------------------------------------

    def run(self) -> Stats:
        real_start = time.monotonic()
        try:
            while self._heap and not self.stop():
                at, _, machine = self._heap[0]
                if self.end is not None and at > self.end:
                    break
                wait = self._wait_for(at, real_start)
                if wait > 0:
                    self.flush()
                    time.sleep(min(wait, 1.0))
                    continue
                heapq.heappop(self._heap)
                self._step(machine, at)
                if len(self.batch) >= BATCH_SIZE:
                    self.flush()
            for _, _, machine in self._heap:
                self._send_counts(machine, min(self.end or utcnow(), utcnow()))
            self.flush()
        finally:
            self.client.close()
        return self.stats

    def _wait_for(self, at: datetime, real_start: float) -> float:
        """Real seconds to wait before `at` may be sent: paced by speed, never ahead of the wall clock."""
        ahead = (at - utcnow()).total_seconds()
        paced = (at - self.start).total_seconds() / self.speed - (time.monotonic() - real_start) if self.speed else 0
        return max(ahead + 0.001 if ahead > 0 else 0, paced)

    def _push(self, at: datetime, machine: _Machine) -> None:
        heapq.heappush(self._heap, (at, next(self._tie), machine))

    # ----- one machine's next step ------------------------------------------------------------

    def _step(self, m: _Machine, at: datetime) -> None:
        handler = {"idle": self._idle, "setup": self._setup_done, "run": self._part, "down": self._back_up}[m.phase]
        handler(m, at)

    def _idle(self, m: _Machine, at: datetime) -> None:
        if m.sim.state in (MachineState.DOWN, MachineState.PLANNED_STOP) and m.sim.down_reason:
            self._event(m, at, "state", state="running")          # a stop left open before the simulator started
            m.sim.state = MachineState.RUNNING
        if m.job is None and m.sim.current is not None:
            m.job, m.sim.current = m.sim.current, None          # a job already running: carry on with it
            m.remaining, m.phase = max(m.job.remaining, 1), "run"
            m.last_count = at
            self._push(self._after(at, self._cycle(m)), m)
            return
        if not m.sim.queue and self.reload_jobs is not None:
            self.flush()                                      # the server knows what is done before we look
            m.sim.queue = self._fresh_jobs(m)
        if not m.sim.queue and self.refill is not None and (m.last_refill is None or at - m.last_refill >= REFILL_EVERY):
            m.last_refill = at
            self.stats.orders_released += bool(self.refill(m.sim.work_center_id, at))
            m.sim.queue = self._fresh_jobs(m)
        if not m.sim.queue:                                   # idle (job_complete left it so): look again later
            self._push(at + IDLE_RECHECK, m)
            return
        m.job = m.sim.queue.pop(0)
        m.remaining = max(m.job.remaining, 1)
        self._event(m, at, "job_start", work_order=m.job.work_order_number, operation=m.job.sequence)
        self.stats.jobs_started += 1
        m.parts_since_setup = 0
        if m.job.setup_seconds > 0:
            self._stop(m, at, self._reason(m, "setup_adjustment", prefer="CHANGEOVER"),
                       m.job.setup_seconds * m.rng.uniform(0.9, 1.3), phase="setup")
        else:
            m.phase, m.last_count = "run", at
            self._push(self._after(at, self._cycle(m)), m)

    def _fresh_jobs(self, m: _Machine) -> list[simulation.SimJob]:
        if self.reload_jobs is None:
            return []
        return [j for j in self.reload_jobs(m.sim.id) if not j.started and j.operation_id not in self._done]

    def _setup_done(self, m: _Machine, at: datetime) -> None:
        self._event(m, at, "state", state="running")
        m.phase, m.last_count = "run", at
        self._push(self._after(at, self._cycle(m)), m)

    def _back_up(self, m: _Machine, at: datetime) -> None:
        self._event(m, at, "state", state="running")
        m.phase = "run" if m.job is not None else "idle"
        self._push(self._after(at, self._cycle(m)) if m.job is not None else at, m)

    def _part(self, m: _Machine, at: datetime) -> None:
        """A part is finished at `at`: count it, maybe stop, then the next part or the job's end."""
        scrap_rate = 0.08 if m.parts_since_setup < 5 else 0.02
        m.parts_since_setup += 1
        if m.rng.random() < scrap_rate:
            reason = self._reason(m, "startup_reject" if m.parts_since_setup <= 5 else "scrap")
            m.pending_scrap[reason] = m.pending_scrap.get(reason, 0) + 1
        else:
            m.pending_good += 1
            m.remaining -= 1
        if m.remaining <= 0:
            self._send_counts(m, at)
            self._event(m, at, "job_complete", work_order=m.job.work_order_number, operation=m.job.sequence)
            self.stats.jobs_completed += 1
            self._done.add(m.job.operation_id)
            m.job, m.phase = None, "idle"
            self._push(at + timedelta(seconds=30), m)
            return
        if (at - m.last_count).total_seconds() >= COUNT_EVERY_SECONDS:
            self._send_counts(m, at)
        cycle = m.job.ideal_cycle_seconds
        for category, per_hour, low, high in (("minor_stop", 2.0, 30, 240), ("setup_adjustment", 0.15, 300, 900),
                                              ("breakdown", 0.12, 900, 5400)):
            if m.rng.random() < per_hour * cycle / 3600:
                self._send_counts(m, at)
                prefer = {"minor_stop": "JAM", "setup_adjustment": "TOOL", "breakdown": "BREAKDOWN"}[category]
                if category == "minor_stop" and m.rng.random() < 0.2:
                    prefer, low, high = "NO-MAT", 300, 1800
                self._stop(m, at, self._reason(m, category, prefer=prefer), m.rng.uniform(low, high), phase="down")
                return
        self._push(self._after(at, self._cycle(m)), m)

    def _stop(self, m: _Machine, at: datetime, reason: str | None, seconds: float, *, phase: str) -> None:
        if reason is None:                                    # the plant has no such reason: no stop
            m.phase = "run"
            self._push(self._after(at, seconds), m)
            return
        self._event(m, at, "state", state="down", reason=reason)
        self.stats.stops += 1
        m.phase = phase
        self._push(self._after(at, seconds), m)

    def _send_counts(self, m: _Machine, at: datetime) -> None:
        if m.pending_good or m.pending_scrap:
            scrap = list(m.pending_scrap.items())
            first_reason, first_scrap = scrap[0] if scrap else (None, 0)
            self._event(m, at, "count", good=m.pending_good, scrap=first_scrap,
                        **({"reason": first_reason} if first_reason else {}))
            for reason, quantity in scrap[1:]:
                self._event(m, at, "count", good=0, scrap=quantity, reason=reason)
            self.stats.good += m.pending_good
            self.stats.scrap += sum(q for _, q in scrap)
        m.pending_good, m.pending_scrap, m.last_count = 0, {}, at

    # ----- helpers ------------------------------------------------------------------------------

    def _cycle(self, m: _Machine) -> float:
        return m.job.ideal_cycle_seconds * m.rng.uniform(1.0, 1.12)

    def _after(self, at: datetime, seconds: float) -> datetime:
        spec: CalendarSpec | None = self.floor.calendar
        return add_working_time(spec, at, seconds) if spec is not None else at + timedelta(seconds=seconds)

    def _reason(self, m: _Machine, category: str, *, prefer: str | None = None) -> str | None:
        codes = self.floor.reasons.get(category) or ([] if category in ("scrap", "startup_reject") else
                                                      self.floor.reasons.get("breakdown", []))
        if category == "startup_reject" and not codes:
            codes = self.floor.reasons.get("scrap", [])
        if prefer in codes:
            return prefer
        return m.rng.choice(codes) if codes else None

    def _event(self, m: _Machine, at: datetime, kind: str, **fields) -> None:
        self.batch.append({"client_id": f"{self._run_id}-{next(self._ids)}", "machine": m.sim.code, "type": kind,
                           "occurred_at": at.astimezone(UTC).isoformat(), **fields})

    # ----- sending --------------------------------------------------------------------------------

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        delay = 0.5
        while True:
            try:
                response = self.client.post(f"{self.url}/api/v1/ingest/events", json={"events": batch})
            except httpx.TransportError as error:
                if self.stop():
                    return
                log.warning("ingest unreachable (%s); retrying in %.0f s", error, delay)
                time.sleep(delay)
                delay = min(delay * 2, 30)
                continue
            if (response.status_code == 429 or response.status_code >= 500) and not self.stop():
                time.sleep(float(response.headers.get("Retry-After", delay)))
                delay = min(delay * 2, 30)
                continue
            break
        if response.status_code not in (200, 207):
            raise RuntimeError(f"ingest refused the batch: {response.status_code} {response.text[:300]}")
        body = response.json()
        self.stats.batches += 1
        self.stats.sent += len(batch)
        self.stats.accepted += body["accepted"]
        self.stats.duplicates += body["duplicates"]
        self.stats.rejected += body["rejected"]
        for result in body["results"]:
            self.stats.recorded += len(result["event_ids"])
            if result["status"] == "error" and len(self.stats.problems) < 20:
                self.stats.problems.append(f"{batch[result['index']]['type']} {batch[result['index']]['machine']}: "
                                           f"{result['message']} {result['errors']}")


# ----- set-up through the services, then a Simulator ----------------------------------------

def token_file(plant_code: str) -> Path:
    return PROJECT_ROOT / "data" / f"simulator-{plant_code.lower()}.token"


def window(*, duration: timedelta | None, speed: float, now: datetime) -> datetime:
    """Where the simulated clock starts so that it ends now (see the module docstring)."""
    if duration is None:
        return now
    return now - duration + (duration / speed if speed else timedelta(0))


def prepare(*, organization_id: int, plant_code: str, now: datetime,
            token_path: Path | None = None) -> tuple[str, simulation.SimFloor]:
    """The plant's machine token (reused from its file while valid) and its floor."""
    path = token_path or token_file(plant_code)
    known = path.read_text().strip() if path.exists() else None
    with db_session() as s, transaction(s):
        actor = system_actor(s, organization_id)
        plant = simulation.plant_by_code(s, actor, plant_code)
        token = simulation.simulator_token(s, plant.id, known=known, now=now)
        floor = simulation.plant_floor(s, actor, plant.id)
    if token != known:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(token + "\n")
        os.chmod(path, 0o600)
    return token, floor


def planner_callbacks(organization_id: int, plant_id: int, seed: int):
    """refill(work_center_id, at) and reload_jobs(machine_id), each one unit of work through the services."""
    counter = itertools.count(seed)

    def refill(work_center_id: int, at: datetime) -> int:
        with db_session() as s, transaction(s):
            return simulation.release_more_work(s, system_actor(s, organization_id), plant_id,
                                                work_center_id=work_center_id, seed=next(counter), now=at)

    def reload_jobs(machine_id: int) -> list[simulation.SimJob]:
        with db_session() as s, transaction(s):
            return simulation.machine_jobs(s, machine_id)

    return refill, reload_jobs


def wait_for_server(url: str, *, timeout: float, stop: Callable[[], bool] = lambda: False) -> bool:
    """Poll GET /api/v1/health until the backend answers (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop():
        try:
            if httpx.get(f"{url.rstrip('/')}/api/v1/health", timeout=5).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(2)
    return False


def parse_duration(text: str) -> timedelta | None:
    """'90s', '45m', '8h', '2d' (or '' for no end)."""
    text = (text or "").strip().lower()
    if not text:
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = (text[:-1], text[-1]) if text[-1] in units else (text, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 45m, 8h, 2d)") from None
    if seconds <= 0:
        raise ValueError("the duration must be positive")
    return timedelta(seconds=seconds)


def simulate(*, url: str, organization_id: int, plant_code: str, speed: float, duration: timedelta | None,
             seed: int, stop: Callable[[], bool] = lambda: False, now: datetime | None = None,
             start: datetime | None = None, all_hours: bool = False, token_path: Path | None = None) -> Stats:
    """Set up through the services, then drive the plant through the ingest API until the duration is over."""
    now = now or utcnow()
    token, floor = prepare(organization_id=organization_id, plant_code=plant_code, now=now, token_path=token_path)
    refill, reload_jobs = planner_callbacks(organization_id, floor.plant_id, seed)
    if all_hours:
        floor.calendar = None                                 # machines work around the clock
    begin = start or window(duration=duration, speed=speed, now=now)
    if start is None and floor.last_event_at is not None and floor.last_event_at >= begin:
        begin = floor.last_event_at + timedelta(seconds=1)   # never before what the machines already reported
    simulator = Simulator(url=url, token=token, floor=floor, start=begin, duration=duration, speed=speed, seed=seed,
                          refill=refill, reload_jobs=reload_jobs, stop=stop)
    return simulator.run()
