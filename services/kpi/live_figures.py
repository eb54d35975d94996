"""What a live screen's tiles need after a report, in one pass over the rollups of its scope:

    live_figures(session, actor, *, plant_id, start, end, bucket, department_id=None, machine_id=None,
                 shift_id=None, now) -> LiveFigures     the view's figures, its machines, its trend's last point

`figures` equals `kpi_summary(...).figures` (services/kpi/reads.py) and `point` the last point of `oee_trend(...)`
over the same window and bucket: the same resolved scope, machines, working time and bucket boundaries. What
changes is how often the rollups are read: each table once for the window (count and closed-stop sums by machine
and slice start, the day rows for whole days as the summary reads them; open stops; runs, stops and booked downtime
cut at the last bucket's start: services/kpi/machine_time.py), the last bucket's share taken from the same rows,
and no figures per machine (the summary's machine list and its suspicious-rate check are a page's). Only when the
last bucket is an hour inside a whole day that the day rows sum (the "yesterday" view) are its counts and stops read
again from the slices.

The plant's calendar and idle convention come from per-worker caches (services/kpi/scope.py, dropped by the events
that change them): a live reading runs once per report.

Invariants: the actor's access is checked as `kpi_summary` checks it (a display token may read its plant); the
figures are computed by the same functions as the summary's and the trend's (`figures_of`); reads rollups only.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session

from services.core.access import Actor
from services.kpi.machine_time import machine_times
from services.kpi.read_models import OeeRead, TrendPoint
from services.kpi.reads import figures_of, last_bucket
from services.kpi.scope import (
    Totals,
    count_sums,
    is_planned,
    open_stop_pieces,
    open_stops,
    reasons,
    resolve_scope,
    stop_sums,
    total_us,
    whole_days,
)
from services.org.settings import settings_for

__all__ = ["LiveFigures", "live_figures"]


class LiveFigures(BaseModel):
    figures: OeeRead                     # the whole view's, as kpi_summary(...).figures
    machine_ids: list[int]               # the machines it covers (kpi_summary's machines)
    point: TrendPoint | None             # the OEE trend's last point (hour, day and week buckets)


def live_figures(session: Session, actor: Actor, *, plant_id: int, start: datetime, end: datetime, bucket: str,
                 department_id: int | None = None, machine_id: int | None = None, shift_id: int | None = None,
                 now: datetime) -> LiveFigures:
    scope = resolve_scope(session, actor, plant_id=plant_id, start=start, end=end, department_id=department_id,
                          machine_id=machine_id, shift_id=shift_id, now=now, display_ok=True, cached=True)
    last = None
    if bucket in ("hour", "day", "week"):
        week_start = settings_for(session, actor.organization_id).week_start if bucket == "week" else 0
        last = last_bucket(scope.start, scope.end, bucket, scope.cal.zone, week_start=week_start)
    split = last[0] if last is not None else None
    days = whole_days(scope)
    apart = split is not None and days is not None and days[0] < split < days[1]   # an hour inside a summed day
    machines: dict[int, Totals] = defaultdict(Totals)
    tail = Totals()
    counts = count_sums(session, scope, "machine_id", "slice_start", by_day=True)
    for mid, at, good, scrap, ideal, good_ideal, events in counts:
        machines[mid].add_counts(good, scrap, ideal, good_ideal, events)
        if split is not None and not apart and _aware(at) >= split:
            tail.add_counts(good, scrap, ideal, good_ideal, events)
    closed = stop_sums(session, scope, "machine_id", "slice_start", by_day=True)
    opened = open_stops(session, scope)
    tail_scope = dataclasses.replace(scope, start=split) if split is not None else None
    tail_rows: Sequence[sa.Row] = []
    if tail_scope is not None and apart:
        for _at, good, scrap, ideal, good_ideal, events in count_sums(session, tail_scope, "slice_start", by_day=False):
            tail.add_counts(good, scrap, ideal, good_ideal, events)
        tail_rows = stop_sums(session, tail_scope, "slice_start", by_day=False)
    times = machine_times(session, scope, split=split)
    info = reasons(session, actor, {r[2] for r in closed} | {r[1] for r in tail_rows} | {s.reason_key for s in opened}
                   | {r for mt in times.values() for r in mt.stop_in_booked})
    for mid, at, reason_key, us in closed:
        machines[mid].add_stop(is_planned(info, reason_key), int(us))
        if split is not None and not apart and _aware(at) >= split:
            tail.add_stop(is_planned(info, reason_key), int(us))
    for _at, reason_key, us in tail_rows:
        tail.add_stop(is_planned(info, reason_key), int(us))
    for stop in opened:
        planned = is_planned(info, stop.reason_key)
        machines[stop.machine_id].add_stop(planned, sum(us for _b, us in open_stop_pieces(scope, stop)))
        if tail_scope is not None:
            tail.add_stop(planned, sum(us for _b, us in open_stop_pieces(tail_scope, stop)))
    for (mid, key), mt in times.items():
        for target in (machines[mid], tail) if key is not None else (machines[mid],):
            target.idle_us += mt.idle_us
            target.booked_us += mt.booked_us
            for reason_key, us in mt.stop_in_booked.items():
                target.add_stop(is_planned(info, reason_key), -us)
    whole = Totals()
    for mid in scope.machines:
        for name, value in vars(machines[mid]).items():
            setattr(whole, name, getattr(whole, name) + value)
    n = len(scope.machines)
    figures = OeeRead.of(figures_of(whole, total_us(scope.working()) * n, scope.idle_is_loss))
    point = None
    if last is not None and tail_scope is not None:
        point = TrendPoint(start=last[0], end=last[1], label=last[2], figures=OeeRead.of(
            figures_of(tail, total_us(tail_scope.working()) * n, scope.idle_is_loss)))
    return LiveFigures(figures=figures, machine_ids=list(scope.machines), point=point)


def _aware(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
