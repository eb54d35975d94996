"""The machine model both the demo's history (services/demo/history.py, in-process) and the live simulator
(`takt simulate`, rxapp/simulator.py, over HTTP) run: what a plant's machines do, as machine-gateway events
(the dicts POST /api/v1/ingest/events takes), in time order.

Each machine works its queue: job_start, a changeover stop for the job's setup time (x U(0.9, 1.3)), then a
part every ideal cycle / the job's rate (each job runs at U(0.84, 0.98) of the ideal rate, a part +-3 %,
never faster than ideal), counted every `count_every` seconds, with scrap (2 %, 8 % in the first five parts
after a changeover) with scrap reasons; micro-stops (about 2 an hour, 0.5-4 min; one in ten a material
shortage of 5-20 min), tool changes (0.15 an hour, 5-15 min) and breakdowns (0.08 an hour, 15-90 min) with
their reason codes; job_complete when the quantity is good. Work happens only in the shift calendar's
working time (breaks, nights and days off are skipped; a floor without calendar works around the clock).
A machine looks at its queue (`reload_jobs`) each time it is free. When the queue is empty the planner
callback (work center, machine, time, the operations this model completed or is running) finds it work,
at most once per 20 simulated minutes per machine.

`Stories` make a plant's numbers tell something: a machine with more breakdowns and a slower rate, a shift
with more minor stops and scrap. `demo_stories(floor)` gives the demo plant's (Berlin: MILL-02 and the night
shift); other plants have none.

A model resumes what the database says: a job running on a machine carries on; a machine down with a stop
opened at `down_since` comes back when a stop of that kind would end (at the earliest when the model starts).

Invariants: pure (no database, no HTTP, no wall clock): the callbacks do the planner's part; the same
floor, start and seed give the same events; events come out in time order across machines; no part and no
stop starts outside working time.
"""
from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from models.resources import MachineState
from services.core.calendar_math import CalendarSpec, Interval, ShiftSpec, shift_windows
from services.demo.simulation import SimFloor, SimJob, SimMachine
from services.production.scheduling.clock import WorkingClock

REFILL_EVERY = timedelta(minutes=20)
IDLE_RECHECK = timedelta(minutes=5)
JOB_RATE = (0.84, 0.98)              # share of the ideal rate a job runs at
PART_JITTER = 0.03
SCRAP_RATE, STARTUP_SCRAP_RATE, STARTUP_PARTS = 0.02, 0.08, 5
# category, stops per running hour, shortest and longest stop in seconds, the reason code to prefer
STOPS = (("minor_stop", 2.0, 30, 240, "JAM"), ("setup_adjustment", 0.15, 300, 900, "TOOL"),
         ("breakdown", 0.08, 900, 5400, "BREAKDOWN"))
SHORTAGE = (0.1, 300, 1200, "NO-MAT")   # share of minor stops that are a material shortage, and its length
RESUMED_STOP = {"minor_stop": (30, 600), "setup_adjustment": (300, 1500), "breakdown": (900, 5400),
                "planned_stop": (900, 3600)}


@dataclass(frozen=True)
class Trouble:
    """Multipliers on a machine's or a shift's stop rates, scrap rate and speed."""
    breakdowns: float = 1.0
    minor_stops: float = 1.0
    scrap: float = 1.0
    rate: float = 1.0


@dataclass(frozen=True)
class Stories:
    machines: dict[str, Trouble] = field(default_factory=dict)      # machine code -> trouble
    shifts: dict[str, Trouble] = field(default_factory=dict)        # shift name -> trouble


NO_STORIES = Stories()
DEMO_STORIES = Stories(
    machines={"MILL-02": Trouble(breakdowns=3.0, minor_stops=1.5, rate=0.92)},   # the old mill: spindle trouble
    shifts={"Night": Trouble(minor_stops=2.0, scrap=1.8, rate=0.93)})             # the thin night crew


def demo_stories(floor: SimFloor) -> Stories:
    """The demo plant's stories for the demo's Berlin floor, none for any other plant."""
    codes = {m.code for m in floor.machines}
    return DEMO_STORIES if floor.plant_code == "BER" and set(DEMO_STORIES.machines) <= codes else NO_STORIES


@dataclass
class Stats:
    good: int = 0
    scrap: int = 0
    stops: int = 0
    jobs_started: int = 0
    jobs_completed: int = 0
    orders_released: int = 0


class WorkClock:
    """Working time of a shift calendar (None: around the clock): `after(at, seconds)` through scheduling's
    cached WorkingClock (from `origin`, default the first instant asked), and `shift_at(at)`, the shift
    working at `at` (None: a break, off shift or no calendar)."""

    def __init__(self, spec: CalendarSpec | None, origin: datetime | None = None):
        self.spec = spec
        self._clock = WorkingClock(spec, origin) if spec is not None and origin is not None else None
        self._windows: dict[date, list[tuple[ShiftSpec, datetime, datetime, list[Interval]]]] = {}

    def after(self, at: datetime, seconds: float) -> datetime:
        """The instant `seconds` of working time after `at` (0: the first working instant at or after it)."""
        if self.spec is None:
            return at + timedelta(seconds=seconds)
        if self._clock is None:
            self._clock = WorkingClock(self.spec, at)
        return self._clock.add(at, seconds)

    def shift_at(self, at: datetime) -> str | None:
        if self.spec is None:
            return None
        day = at.astimezone(self.spec.zone).date()
        for shift_day in (day - timedelta(days=1), day):      # a night shift starts the day before
            if shift_day not in self._windows:
                self._windows[shift_day] = shift_windows(self.spec, shift_day)
            for shift, start, end, breaks in self._windows[shift_day]:
                if start <= at < end and not any(b_start <= at < b_end for b_start, b_end in breaks):
                    return shift.name
        return None


@dataclass
class _Machine:
    sim: SimMachine
    rng: random.Random
    trouble: Trouble
    job: SimJob | None = None
    rate: float = 1.0
    remaining: int = 0
    parts_since_setup: int = 0
    pending_good: int = 0
    pending_scrap: dict[str, int] = field(default_factory=dict)
    last_count: datetime | None = None
    phase: str = "idle"                    # idle | setup | run | down
    last_refill: datetime | None = None
    resumed: bool = False


class PlantModel:
    """One plant's machines; `step()` runs the earliest machine's next step, its events go to `batch`."""

    def __init__(self, floor: SimFloor, *, start: datetime, seed: int = 1, count_every: float = 60,
                 refill: Callable[[int, int, datetime, set[int]], int] | None = None,
                 reload_jobs: Callable[[int], list[SimJob]] | None = None,
                 before_reload: Callable[[], None] = lambda: None, stories: Stories = NO_STORIES,
                 client_prefix: str = "sim"):
        self.floor, self.count_every = floor, count_every
        self.clock = WorkClock(floor.calendar, start)
        self.refill, self.reload_jobs, self.before_reload = refill, reload_jobs, before_reload
        self.stories = stories
        self.stats = Stats()
        self.batch: list[dict] = []
        self._ids = itertools.count(1)
        self._prefix = client_prefix
        self._heap: list[tuple[datetime, int, _Machine]] = []
        self._tie = itertools.count()
        self._done: set[int] = set()                          # jobs completed by this model
        self._category = {code: category for category, codes in floor.reasons.items() for code in codes}
        for i, m in enumerate(floor.machines):
            self._push(start, _Machine(sim=m, rng=random.Random(seed * 1000 + i),
                                       trouble=stories.machines.get(m.code, Trouble())))

    # ----- the loop -----------------------------------------------------------------------------

    def next_at(self) -> datetime | None:
        return self._heap[0][0] if self._heap else None

    def step(self) -> None:
        at, _, m = heapq.heappop(self._heap)
        {"idle": self._idle, "setup": self._setup_done, "run": self._part, "down": self._back_up}[m.phase](m, at)

    def run_until(self, end: datetime, *, flush: Callable[[], None], batch_size: int = 500) -> None:
        """Every step up to `end`, flushing full batches; then the counts made so far."""
        while self._heap and self._heap[0][0] <= end:
            self.step()
            if len(self.batch) >= batch_size:
                flush()
        self.count_all(end)

    def count_all(self, at: datetime) -> None:
        """Send what every machine has made but not yet counted (the end of a run)."""
        for _, _, machine in sorted(self._heap, key=lambda item: item[0]):
            self._send_counts(machine, at)

    def take_batch(self) -> list[dict]:
        batch, self.batch = self.batch, []
        return batch

    def _push(self, at: datetime, machine: _Machine) -> None:
        heapq.heappush(self._heap, (at, next(self._tie), machine))

    # ----- one machine's next step ------------------------------------------------------------

    def _idle(self, m: _Machine, at: datetime) -> None:
        working = self.clock.after(at, 0)
        if working > at:                                      # a break, a night, a day off: wait for work time
            self._push(working, m)
            return
        if not m.resumed:
            m.resumed = True
            if self._resume(m, at):
                return
        if m.job is None and m.sim.current is not None:
            self._carry_on(m, at)
            return
        if self.reload_jobs is not None:                      # the queue now (a planner may have moved jobs)
            self.before_reload()                              # what is done is recorded before we look
            m.sim.queue = self._fresh_jobs(m)
        if not m.sim.queue and self.refill is not None and (m.last_refill is None or at - m.last_refill >= REFILL_EVERY):
            m.last_refill = at
            self.before_reload()
            busy = self._done | {o.job.operation_id for _, _, o in self._heap if o.job is not None}
            self.stats.orders_released += bool(self.refill(m.sim.work_center_id, m.sim.id, at, busy))
            m.sim.queue = self._fresh_jobs(m)
        if not m.sim.queue:                                   # idle: look again later
            self._push(at + IDLE_RECHECK, m)
            return
        m.job = m.sim.queue.pop(0)
        m.remaining, m.rate = max(m.job.remaining, 1), m.rng.uniform(*JOB_RATE)
        self._event(m, at, "job_start", work_order=m.job.work_order_number, operation=m.job.sequence)
        self.stats.jobs_started += 1
        m.parts_since_setup = 0
        if m.job.setup_seconds > 0:
            self._stop(m, at, self._reason(m, "setup_adjustment", prefer="CHANGEOVER"),
                       m.job.setup_seconds * m.rng.uniform(0.9, 1.3), phase="setup")
        else:
            m.phase, m.last_count = "run", at
            self._push(self.clock.after(at, self._cycle(m, at)), m)

    def _resume(self, m: _Machine, at: datetime) -> bool:
        """A machine left down: it comes back when a stop of its kind would end (True: scheduled)."""
        if m.sim.state not in (MachineState.DOWN, MachineState.PLANNED_STOP) or not m.sim.down_reason:
            return False
        low, high = RESUMED_STOP.get(self._category.get(m.sim.down_reason, "breakdown"), RESUMED_STOP["breakdown"])
        since = m.sim.down_since or at
        back = max(at, self.clock.after(since, m.rng.uniform(low, high)))
        if m.sim.current is not None:
            m.job, m.sim.current = m.sim.current, None
            m.remaining, m.rate = max(m.job.remaining, 1), m.rng.uniform(*JOB_RATE)
        m.phase = "down"
        self._push(back, m)
        return True

    def _carry_on(self, m: _Machine, at: datetime) -> None:
        assert m.sim.current is not None
        m.job, m.sim.current = m.sim.current, None            # a job already running: carry on with it
        m.remaining, m.phase = max(m.job.remaining, 1), "run"
        m.rate, m.last_count, m.parts_since_setup = m.rng.uniform(*JOB_RATE), at, STARTUP_PARTS
        self._push(self.clock.after(at, self._cycle(m, at)), m)

    def _fresh_jobs(self, m: _Machine) -> list[SimJob]:
        if self.reload_jobs is None:
            return []
        return [j for j in self.reload_jobs(m.sim.id) if not j.started and j.operation_id not in self._done]

    def _setup_done(self, m: _Machine, at: datetime) -> None:
        self._event(m, at, "state", state="running")
        m.phase, m.last_count = "run", at
        self._push(self.clock.after(at, self._cycle(m, at)), m)

    def _back_up(self, m: _Machine, at: datetime) -> None:
        self._event(m, at, "state", state="running")
        m.phase, m.last_count = ("run" if m.job is not None else "idle"), at
        self._push(self.clock.after(at, self._cycle(m, at)) if m.job is not None else at, m)

    def _part(self, m: _Machine, at: datetime) -> None:
        """A part is finished at `at`: count it, maybe stop, then the next part or the job's end."""
        assert m.job is not None
        shift = self.stories.shifts.get(self.clock.shift_at(at) or "", Trouble())
        base = STARTUP_SCRAP_RATE if m.parts_since_setup < STARTUP_PARTS else SCRAP_RATE
        m.parts_since_setup += 1
        if m.rng.random() < base * m.trouble.scrap * shift.scrap:
            reason = self._reason(m, "startup_reject" if m.parts_since_setup <= STARTUP_PARTS else "scrap")
            if reason is not None:
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
        if m.last_count is None or (at - m.last_count).total_seconds() >= self.count_every:
            self._send_counts(m, at)
        if self._maybe_stop(m, at, shift):
            return
        self._push(self.clock.after(at, self._cycle(m, at)), m)

    def _maybe_stop(self, m: _Machine, at: datetime, shift: Trouble) -> bool:
        assert m.job is not None
        hours = m.job.ideal_cycle_seconds / m.rate / 3600
        for category, per_hour, low, high, prefer in STOPS:
            factor = (m.trouble.breakdowns * shift.breakdowns if category == "breakdown" else
                      m.trouble.minor_stops * shift.minor_stops if category == "minor_stop" else 1.0)
            if m.rng.random() < per_hour * factor * hours:
                self._send_counts(m, at)
                if category == "minor_stop" and m.rng.random() < SHORTAGE[0]:
                    _, low, high, prefer = SHORTAGE
                self._stop(m, at, self._reason(m, category, prefer=prefer), m.rng.uniform(low, high), phase="down")
                return True
        return False

    def _stop(self, m: _Machine, at: datetime, reason: str | None, seconds: float, *, phase: str) -> None:
        if reason is None:                                    # the plant has no such reason: no stop
            m.phase = "run"
            m.last_count = m.last_count or at
            self._push(self.clock.after(at, seconds), m)
            return
        self._event(m, at, "state", state="down", reason=reason)
        self.stats.stops += 1
        m.phase = phase
        self._push(self.clock.after(at, seconds), m)

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

    def _cycle(self, m: _Machine, at: datetime) -> float:
        assert m.job is not None
        shift = self.stories.shifts.get(self.clock.shift_at(at) or "", Trouble())
        rate = m.rate * m.trouble.rate * shift.rate * m.rng.uniform(1 - PART_JITTER, 1 + PART_JITTER)
        return m.job.ideal_cycle_seconds / min(rate, 1.0)

    def _reason(self, m: _Machine, category: str, *, prefer: str | None = None) -> str | None:
        reasons = self.floor.reasons
        codes = reasons.get(category) or ([] if category in ("scrap", "startup_reject") else reasons.get("breakdown", []))
        if category == "startup_reject" and not codes:
            codes = reasons.get("scrap", [])
        if prefer in codes:
            return prefer
        return m.rng.choice(codes) if codes else None

    def _event(self, m: _Machine, at: datetime, kind: str, **fields) -> None:
        self.batch.append({"client_id": f"{self._prefix}-{next(self._ids)}", "machine": m.sim.code, "type": kind,
                           "occurred_at": at.astimezone(UTC).isoformat(), **fields})
