"""A plant's production history made by the machine model (services/demo/machine_model.py), the one the live
simulator runs, recorded in-process through the ingest service as the plant's simulator machine token.

- `record_history(session, planner, plant_id, *, start, end, seed)`: the model from `start` to `end`, its
  events ingested in time order in batches of BATCH_SIZE (each at the time of its last event, as a gateway
  that buffered them would send them; the model does not wait for a batch before it looks at queues,
  since the jobs it completed are known to it), the planner's part (more work when a queue runs dry) done by `planner`;
  the queues it looks at are read for the whole plant at once and again only after an ingest or planner call;
- `catch_up(session, organization_id, *, now, seed)`: every plant of the organization whose machines have
  reported before brought up to `now` from its last event (at most MAX_GAP back), so the history has no
  hole when the simulator continues.

Invariants: everything goes through the services the HTTP doors call (ingest_batch, orders, release,
scheduling); the caller owns the transaction; a refused event is an error (HistoryRefused), not a silent gap;
counts are sent every HISTORY_COUNT_EVERY seconds (the live simulator counts every minute), which changes
how many count events there are, not what was made.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models.base import pk
from models.organization import Plant
from services.core.access import Actor
from services.demo import simulation
from services.demo.machine_model import PlantModel, Stats, demo_stories
from services.org.organizations import system_actor
from services.shopfloor import ingest
from services.shopfloor.operator import MAX_EVENT_AGE

HISTORY_COUNT_EVERY = 900
BATCH_SIZE = 1500                    # events per ingest call (the ingest takes up to 2,000)
MAX_GAP = MAX_EVENT_AGE - timedelta(days=1)   # the ingest refuses events older than MAX_EVENT_AGE


class HistoryRefused(RuntimeError):
    """The ingest refused an event the model made: a bug in the model or the floor, never a user's error."""


@dataclass
class HistoryResult:
    plant_code: str
    start: datetime
    end: datetime
    events: int
    stats: Stats


def record_history(session: Session, planner: Actor, plant_id: int, *, start: datetime, end: datetime,
                   seed: int) -> HistoryResult:
    """Run the plant's machines from `start` to `end` through the model and ingest what they report."""
    floor = simulation.plant_floor(session, planner, plant_id)
    gateway = simulation.gateway_actor(session, plant_id, now=start)
    seeds = itertools.count(seed * 100_000)
    sent = [0]

    queues = _Queues(session, [m.id for m in floor.machines])

    def flush() -> None:
        events = model.take_batch()
        if not events:
            return
        queues.stale()                                    # the ingest starts, counts and completes jobs
        result = ingest.ingest_batch(session, gateway, events, now=datetime.fromisoformat(events[-1]["occurred_at"]))
        problems = [(events[r.index], r.message, r.errors) for r in result.results if r.status == "error"]
        if problems:
            raise HistoryRefused(f"The ingest refused {len(problems)} history event(s), first: {problems[0]}")
        sent[0] += len(events)

    def refill(work_center_id: int, machine_id: int, at: datetime, done: set[int]) -> int:
        queues.stale()                                    # the planner releases, assigns and moves jobs
        return simulation.release_more_work(session, planner, plant_id, work_center_id=work_center_id,
                                            machine_id=machine_id, done=done, seed=next(seeds), now=at)

    model = PlantModel(floor, start=start, seed=seed, count_every=HISTORY_COUNT_EVERY, refill=refill,
                       reload_jobs=queues.of,
                       stories=demo_stories(floor), client_prefix=f"hist{seed:x}-{int(start.timestamp()):x}")
    model.run_until(end, flush=flush, batch_size=BATCH_SIZE)
    flush()
    return HistoryResult(plant_code=floor.plant_code, start=start, end=end, events=sent[0], stats=model.stats)


class _Queues:
    """The plant's machine queues as the database has them, read for all machines at once and again only after
    something that can change them: an ingest call or the planner's. Nothing else writes while the history runs
    (one transaction), so each answer is what `simulation.machine_jobs` would read at that moment."""

    def __init__(self, session: Session, machine_ids: list[int]):
        self.session, self.machine_ids = session, machine_ids
        self._jobs: dict[int, list[simulation.SimJob]] | None = None

    def stale(self) -> None:
        self._jobs = None

    def of(self, machine_id: int) -> list[simulation.SimJob]:
        if self._jobs is None:
            self._jobs = simulation.machines_jobs(self.session, self.machine_ids)
        return list(self._jobs.get(machine_id, []))


def catch_up(session: Session, organization_id: int, *, now: datetime, seed: int = 1) -> list[HistoryResult]:
    """Bring every plant that has a history up to `now` (the gap since its last event, at most MAX_GAP)."""
    actor = system_actor(session, organization_id)
    results = []
    for plant in session.exec(select(Plant).where(Plant.organization_id == organization_id)
                              .order_by(col(Plant.code))).all():
        last = simulation.last_event_at(session, pk(plant))
        if last is None or last >= now - timedelta(minutes=1):
            continue
        start = max(last + timedelta(seconds=1), now - MAX_GAP)
        results.append(record_history(session, actor, pk(plant), start=start, end=now,
                                      seed=seed + int(start.timestamp()) % 100_000))
    return results
