"""The shop-floor simulator behind `takt simulate`: a machine gateway for a whole plant that sends what
its machines do through the ingest API (POST /api/v1/ingest/events), like a real gateway would.

What the machines do is the machine model of services/demo/machine_model.py, the same one that made the
demo's seeded history (jobs at 84-98 % of the ideal rate, changeovers, minor stops, tool changes,
material shortages and breakdowns with their reason codes, 2 % scrap and more after a changeover, only in
the shift calendar's working time; `all_hours` ignores the calendar, for a demo at the weekend), counted
once a minute. When a machine's queue runs dry the simulator plays the planner (services/demo/simulation.py):
it schedules a released job of that work center that is on no machine, or moves one waiting on another of its
machines, or releases another order, at most once per 20 simulated minutes per machine.

Time: the simulated clock never runs ahead of the wall clock (the server refuses future events).
`speed` is simulated seconds per real second (0: as fast as the server takes them); with a
`duration` the run covers [start, start + duration] and by default ends now: start = now - duration
+ duration / speed. Without a duration it runs live until stopped, from the plant's last event (at
most MAX_GAP back) when there is one, else from now: the gap since the machines last reported is
filled as fast as the server takes it, then the clock follows the wall clock, so there is no hole.

The simulator sets itself up through the services (the machine token, kept in
data/simulator-<plant>.token and reused while it is valid; the plant's machines and queues), each unit of
work bound to the plant's organization (services/core/system_jobs.unit_of_work_for: on PostgreSQL row-level
security holds the planner to that organization's rows, as it holds a request), then talks only HTTP; sent
again, a batch is recorded once (client ids), so it retries freely: 429 after Retry-After, connection errors
with a back-off.
"""
from __future__ import annotations

import itertools
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from models.base import utcnow
from services.core.db import PROJECT_ROOT
from services.core.system_jobs import unit_of_work_for
from services.demo import history, machine_model, simulation
from services.org.organizations import system_actor

log = logging.getLogger("takt.simulator")

BATCH_SIZE = 500
COUNT_EVERY_SECONDS = 60
MAX_GAP = history.MAX_GAP                 # a live run fills at most this much since the last event


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


class Simulator:
    """Drives one plant's machines (services/demo/machine_model.py) through the ingest API; `run()` returns
    the Stats when the duration is over (live: when stopped)."""

    def __init__(self, *, url: str, token: str, floor: simulation.SimFloor, start: datetime,
                 duration: timedelta | None, speed: float, seed: int = 1,
                 refill: Callable[[int, int, datetime, set[int]], int] | None = None,
                 reload_jobs: Callable[[int], list[simulation.SimJob]] | None = None,
                 client: httpx.Client | None = None, stop: Callable[[], bool] | None = None):
        self.url = url.rstrip("/")
        self.floor, self.start, self.speed = floor, start, speed
        self.end = start + duration if duration is not None else None
        self.stop = stop or (lambda: False)
        self.client = client or httpx.Client(timeout=60, headers={"Authorization": f"Bearer {token}"})
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.stats = Stats()
        run_id = f"sim{random.Random(seed).getrandbits(40):010x}{int(start.timestamp()):x}"
        self.model = machine_model.PlantModel(floor, start=start, seed=seed, count_every=COUNT_EVERY_SECONDS,
                                              refill=refill, reload_jobs=reload_jobs, before_reload=self.flush,
                                              stories=machine_model.demo_stories(floor), client_prefix=run_id)

    # ----- the loop ---------------------------------------------------------------------------

    def run(self) -> Stats:
        real_start = time.monotonic()
        try:
            while (at := self.model.next_at()) is not None and not self.stop():
                if self.end is not None and at > self.end:
                    break
                wait = self._wait_for(at, real_start)
                if wait > 0:
                    self.flush()
                    time.sleep(min(wait, 1.0))
                    continue
                self.model.step()
                if len(self.model.batch) >= BATCH_SIZE:
                    self.flush()
            self.model.count_all(min(self.end or utcnow(), utcnow()))
            self.flush()
        finally:
            self.client.close()
        for name in ("good", "scrap", "stops", "jobs_started", "jobs_completed", "orders_released"):
            setattr(self.stats, name, getattr(self.model.stats, name))
        return self.stats

    def _wait_for(self, at: datetime, real_start: float) -> float:
        """Real seconds to wait before `at` may be sent: never ahead of the wall clock; with a duration also
        paced by speed (live, a gap since the last event is filled as fast as the server takes it)."""
        ahead = (at - utcnow()).total_seconds()
        paced = (at - self.start).total_seconds() / self.speed - (time.monotonic() - real_start) \
            if self.speed and self.end is not None else 0
        return max(ahead + 0.001 if ahead > 0 else 0, paced)

    # ----- sending --------------------------------------------------------------------------------

    def flush(self) -> None:
        batch = self.model.take_batch()
        if not batch:
            return
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
    with unit_of_work_for(organization_id) as s:
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

    def refill(work_center_id: int, machine_id: int, at: datetime, done: set[int]) -> int:
        with unit_of_work_for(organization_id) as s:
            return simulation.release_more_work(s, system_actor(s, organization_id), plant_id,
                                                work_center_id=work_center_id, machine_id=machine_id, done=done,
                                                seed=next(counter), now=at)

    def reload_jobs(machine_id: int) -> list[simulation.SimJob]:
        with unit_of_work_for(organization_id) as s:
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
    last = floor.last_event_at
    if start is None and last is not None and (last >= begin or (duration is None and last >= now - MAX_GAP)):
        begin = last + timedelta(seconds=1)    # never before what the machines reported, live: right after it
    simulator = Simulator(url=url, token=token, floor=floor, start=begin, duration=duration, speed=speed, seed=seed,
                          refill=refill, reload_jobs=reload_jobs, stop=stop)
    return simulator.run()
