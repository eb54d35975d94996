"""Operating (run) time of machines: the plant calendar's working time (24/7 without a calendar) minus the
machine's stops (planned and unplanned, from the KPI stop intervals; an open stop runs to the end of the window).
A machine operates only from its start: the earlier of its creation and its first recorded production event
(machines are often entered after their history was imported), so a machine created inside the window has no
operating time before it existed. MTBF and run-hour plans both count on it.

    operating_by_machine(session, plant_id, machine_ids, start, end) -> {machine_id: seconds}
    operating_seconds(session, machine, start, end) -> int
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, datetime

from sqlmodel import Session, col, func, or_, select

from models.base import pk
from models.kpi_rollup import KpiStop
from models.resources import Machine
from models.shopfloor import ProductionEvent
from services.core.calendar_math import merge_intervals, working_intervals
from services.maintenance.sla import calendar_of


def _working(session: Session, plant_id: int, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    cal = calendar_of(session, plant_id)
    return [(start, end)] if cal is None else working_intervals(cal, start, end)


def _overlap(intervals: list[tuple[datetime, datetime]], ends: list[datetime], s: datetime, e: datetime) -> float:
    """Seconds of [s, e) inside the sorted, disjoint `intervals` (`ends` their end times, for bisect)."""
    total, i = 0.0, bisect_right(ends, s)
    while i < len(intervals) and intervals[i][0] < e:
        ws, we = intervals[i]
        total += max(0.0, (min(e, we) - max(s, ws)).total_seconds())
        i += 1
    return total


def operating_from(session: Session, machine_ids: list[int], start: datetime) -> dict[int, datetime]:
    """When each machine operates from in a window opening at `start`: the later of `start` and the machine's start
    (the earlier of its creation and its first recorded production event). Only a machine created after `start`
    needs its first event, read as one indexed seek (ix_production_event_machine_at), not a scan of its history."""
    created_at = dict(session.exec(select(Machine.id, Machine.created_at).where(col(Machine.id).in_(machine_ids))).all())
    first: dict[int, datetime] = {}
    for machine_id in machine_ids:
        born = created_at.get(machine_id, start)
        if born > start:
            event = session.exec(select(func.min(ProductionEvent.occurred_at)).where(
                ProductionEvent.machine_id == machine_id, col(ProductionEvent.occurred_at) < born)).one()
            if event is not None:
                born = min(born, event if event.tzinfo else event.replace(tzinfo=UTC))
        first[machine_id] = max(start, born)
    return first


def operating_by_machine(session: Session, plant_id: int, machine_ids: list[int], start: datetime,
                         end: datetime) -> dict[int, int]:
    if end <= start or not machine_ids:
        return {m: 0 for m in machine_ids}
    working = _working(session, plant_id, start, end)
    ends = [e for _s, e in working]
    first = operating_from(session, machine_ids, start)
    stops: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for machine_id, s, e in session.exec(select(KpiStop.machine_id, KpiStop.start_at, KpiStop.end_at).where(
            col(KpiStop.machine_id).in_(machine_ids), col(KpiStop.start_at) < end,
            or_(col(KpiStop.end_at).is_(None), col(KpiStop.end_at) > start))).all():
        if (e or end) > first[machine_id]:
            stops[machine_id].append((max(s, first[machine_id]), min(e or end, end)))
    return {m: int(_overlap(working, ends, first[m], end)
                   - sum(_overlap(working, ends, s, e) for s, e in merge_intervals(stops.get(m, []))))
            if first[m] < end else 0 for m in machine_ids}


def operating_seconds(session: Session, machine: Machine, start: datetime, end: datetime) -> int:
    return operating_by_machine(session, machine.plant_id, [pk(machine)], start, end)[pk(machine)]
