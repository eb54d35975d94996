"""Run intervals of machines (`kpi_run`): when a machine had a job running, kept from the job events in the
transaction that writes them (services/kpi/rollups.py calls `repair`) and rebuilt from the raw events.

    pair_runs(events) -> [(start, end or None)]   the job events of one machine, in the order they happened
    repair(session, events)                        re-pair the stretch of each machine the new job events change
    rebuild_plant(session, plant_id) -> rows       every run of the plant from its job events

A job runs from job_started or job_resumed until job_paused or job_completed of the same operation; a machine
runs while at least one of its jobs runs (a paused job is not running). A run interval goes from the moment the
first job starts running until none runs any more; `end_at` is NULL while one still runs. Events are taken in
the order they happened (occurred_at, then id); a pause or completion of a job that was not running changes
nothing. Working time with no run and no stop is idle (services/kpi/machine_time.py).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.base import table_of
from models.kpi_rollup import KpiRun
from models.shopfloor import EventKind, ProductionEvent

OPENS = (EventKind.JOB_STARTED, EventKind.JOB_RESUMED)
CLOSES = (EventKind.JOB_PAUSED, EventKind.JOB_COMPLETED)
JOB_KINDS = OPENS + CLOSES


def pair_runs(events: Iterable) -> list[tuple[datetime, datetime | None]]:
    """(start, end or None) of each run of one machine, from its job events (any order)."""
    out: list[tuple[datetime, datetime | None]] = []
    running: set[int] = set()
    start: datetime | None = None
    for e in sorted(events, key=lambda e: (e.occurred_at, e.id or 0)):
        was = bool(running)
        if e.kind in OPENS:
            running.add(e.operation_id or 0)
        elif e.kind in CLOSES:
            running.discard(e.operation_id or 0)
        if running and not was:
            start = e.occurred_at
        elif was and not running:
            assert start is not None
            out.append((start, e.occurred_at))
    if running:
        assert start is not None
        out.append((start, None))
    return out


def repair(session: Session, events: Sequence) -> None:
    """The runs of each machine from the earliest new job event on (from the start of the run holding it)."""
    by_machine: dict[int, list] = defaultdict(list)
    for e in events:
        if e.kind in JOB_KINDS:
            by_machine[e.machine_id].append(e)
    t = table_of(KpiRun)
    for machine_id, new in sorted(by_machine.items()):
        first = min(e.occurred_at for e in new)
        affected = session.exec(select(KpiRun).where(
            KpiRun.machine_id == machine_id, sa.or_(col(KpiRun.end_at).is_(None), col(KpiRun.end_at) >= first))).all()
        base = min([first] + [r.start_at for r in affected])
        if affected:
            session.execute(sa.delete(t).where(t.c.id.in_([r.id for r in affected])))
        p = table_of(ProductionEvent)
        stretch = _job_events(session, p.c.machine_id == machine_id, p.c.occurred_at >= base)
        sample = new[0]
        rows = [_row(sample.organization_id, sample.plant_id, machine_id, s, e) for s, e in pair_runs(stretch)]
        if rows:
            session.execute(sa.insert(t), rows)


def rebuild_plant(session: Session, plant_id: int) -> int:
    """Every run of the plant's machines from their job events (the plant's runs already cleared)."""
    by_machine: dict[int, list] = defaultdict(list)
    for e in _job_events(session, table_of(ProductionEvent).c.plant_id == plant_id):
        by_machine[e.machine_id].append(e)
    out = []
    for machine_id, events in sorted(by_machine.items()):
        out += [_row(events[0].organization_id, plant_id, machine_id, s, e) for s, e in pair_runs(events)]
    for i in range(0, len(out), 500):
        session.execute(sa.insert(table_of(KpiRun)), out[i:i + 500])
    return len(out)


def _job_events(session: Session, *where) -> list[_Event]:
    """The job events matching `where`: only the columns pairing needs, not whole ORM rows."""
    p = table_of(ProductionEvent)
    rows = session.execute(sa.select(p.c.id, p.c.organization_id, p.c.machine_id, p.c.operation_id, p.c.kind,
                                     p.c.occurred_at).where(p.c.kind.in_([k.value for k in JOB_KINDS]), *where)).all()
    return [_Event(r.id, r.organization_id, r.machine_id, r.operation_id, EventKind(r.kind), _aware(r.occurred_at))
            for r in rows]


class _Event:
    __slots__ = ("id", "organization_id", "machine_id", "operation_id", "kind", "occurred_at")

    def __init__(self, id, organization_id, machine_id, operation_id, kind, occurred_at):  # noqa: A002
        self.id, self.organization_id, self.machine_id = id, organization_id, machine_id
        self.operation_id, self.kind, self.occurred_at = operation_id, kind, occurred_at


def _aware(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _row(org_id: int, plant_id: int, machine_id: int, start: datetime, end: datetime | None) -> dict:
    return {"organization_id": org_id, "plant_id": plant_id, "machine_id": machine_id, "start_at": start,
            "end_at": end}
