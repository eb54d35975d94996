"""Operating (run) time of machines: the plant calendar's working time (24/7 without a calendar) minus the
machine's stops (planned and unplanned, from the KPI stop intervals; an open stop runs to the end of the window).
MTBF and run-hour plans both count on it.

    operating_by_machine(session, plant_id, machine_ids, start, end) -> {machine_id: seconds}
    operating_seconds(session, machine, start, end) -> int
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, or_, select

from models.base import pk
from models.kpi_rollup import KpiStop
from models.resources import Machine
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


def operating_by_machine(session: Session, plant_id: int, machine_ids: list[int], start: datetime,
                         end: datetime) -> dict[int, int]:
    if end <= start or not machine_ids:
        return {m: 0 for m in machine_ids}
    working = _working(session, plant_id, start, end)
    total = sum((e - s).total_seconds() for s, e in working)
    stops: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for machine_id, s, e in session.exec(select(KpiStop.machine_id, KpiStop.start_at, KpiStop.end_at).where(
            col(KpiStop.machine_id).in_(machine_ids), col(KpiStop.start_at) < end,
            or_(col(KpiStop.end_at).is_(None), col(KpiStop.end_at) > start))).all():
        stops[machine_id].append((max(s, start), min(e or end, end)))
    ends = [e for _s, e in working]
    return {m: int(total - sum(_overlap(working, ends, s, e) for s, e in merge_intervals(stops.get(m, []))))
            for m in machine_ids}


def operating_seconds(session: Session, machine: Machine, start: datetime, end: datetime) -> int:
    return operating_by_machine(session, machine.plant_id, [pk(machine)], start, end)[pk(machine)]
