"""Idle time and booked planned downtime of the machines of a scope, from interval rollups (`kpi_run`, `kpi_stop`,
`kpi_planned_downtime`), for services/kpi/reads.py:

    machine_times(session, scope, bucket_of=None, *, split=None) -> {(machine id, bucket): MachineTime}

Per machine, over the scope's working time (plant calendar, inside its shift):
- booked: booked planned downtime (a preventive maintenance window) in working time, the whole window (future
  bookings included): removed from the machine's shift time as breaks are;
- stop_in_booked: stop time (per reason) inside booked planned downtime, taken off the stop sums (the slice rows
  clip stops to the calendar's working time only);
- idle: working time up to the window's end or now, outside booked downtime, with no run and no stop of any kind
  (open runs and stops run up to the window's end or now).
Intervals are cut at slice boundaries (services/kpi/rollup_slices.py) and each piece goes to `bucket_of(its start)`
(None: one bucket, None); or, with `split`, only cut there: bucket None before it, bucket `split` from it on (a live
reading's window and its trend's last bucket in one pass). Reads the interval rows overlapping the window, never
the raw events.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.kpi_rollup import KpiPlannedDowntime, KpiRun, KpiStop
from services.core.calendar_math import Interval, merge_intervals
from services.kpi import formulas as kpi_math
from services.kpi.scope import US, Scope


@dataclass
class MachineTime:
    idle_us: int = 0
    booked_us: int = 0
    stop_in_booked: dict[int, int] = field(default_factory=lambda: defaultdict(int))   # reason key -> us


def machine_times(session: Session, scope: Scope, bucket_of: Callable[[datetime], Hashable] | None = None, *,
                  split: datetime | None = None) -> dict[tuple[int, Hashable], MachineTime]:
    ids = list(scope.machines)
    out: dict[tuple[int, Hashable], MachineTime] = defaultdict(MachineTime)
    if not ids:
        return out
    limit = scope.limit
    # the intervals' columns only, not ORM rows: a live reading runs this once or twice per report
    runs: dict[int, list[Interval]] = defaultdict(list)
    for machine_id, start_at, end_at in session.exec(
            select(KpiRun.machine_id, KpiRun.start_at, KpiRun.end_at).where(
                col(KpiRun.machine_id).in_(ids), KpiRun.start_at < limit,
                sa.or_(col(KpiRun.end_at).is_(None), col(KpiRun.end_at) > scope.start))):
        runs[machine_id].append((start_at, end_at or limit))
    stops: dict[int, list[tuple[Interval, int]]] = defaultdict(list)
    for machine_id, start_at, end_at, reason_key in session.exec(
            select(KpiStop.machine_id, KpiStop.start_at, KpiStop.end_at, KpiStop.reason_key).where(
                col(KpiStop.machine_id).in_(ids), KpiStop.start_at < scope.end,
                sa.or_(col(KpiStop.end_at).is_(None), col(KpiStop.end_at) > scope.start))):
        end = end_at if end_at is not None else limit
        if end > start_at:
            stops[machine_id].append(((start_at, end), reason_key))
    booked: dict[int, list[Interval]] = defaultdict(list)
    for machine_id, start_at, end_at in session.exec(
            select(KpiPlannedDowntime.machine_id, KpiPlannedDowntime.start_at, KpiPlannedDowntime.end_at).where(
                col(KpiPlannedDowntime.machine_id).in_(ids), KpiPlannedDowntime.start_at < scope.end,
                KpiPlannedDowntime.end_at > scope.start)):
        booked[machine_id].append((start_at, end_at))

    working = scope.working()
    so_far = kpi_math.clip(working, scope.start, limit)
    for mid in ids:
        held = kpi_math.intersect(merge_intervals(booked[mid]), working) if booked[mid] else []
        for key, us in _pieces(scope, held, bucket_of, split):
            out[(mid, key)].booked_us += us
        for (s, e), reason_key in stops[mid]:
            for key, us in _pieces(scope, kpi_math.intersect([(s, e)], held), bucket_of, split):
                out[(mid, key)].stop_in_booked[reason_key] += us
        idle = kpi_math.idle_intervals(kpi_math.subtract(so_far, held), runs[mid] + [iv for iv, _r in stops[mid]])
        for key, us in _pieces(scope, idle, bucket_of, split):
            out[(mid, key)].idle_us += us
    return out


def _pieces(scope: Scope, intervals: list[Interval], bucket_of, split: datetime | None = None
            ) -> list[tuple[Hashable, int]]:
    if split is not None:
        before = sum((min(e, split) - s) // US for s, e in intervals if s < split)
        after = sum((e - max(s, split)) // US for s, e in intervals if e > split)
        return [(key, us) for key, us in ((None, before), (split, after)) if us]
    if bucket_of is None:
        return [(None, sum((e - s) // US for s, e in intervals))] if intervals else []
    out = []
    for s, e in intervals:
        for piece_s, piece_e in scope.slicer.slices(s, e):
            out.append((bucket_of(piece_s), (piece_e - piece_s) // US))
    return out
