"""Incremental KPI rollups (models/kpi_rollup.py), kept in the transaction that writes production events.

    apply(session, events)                                  the events were just inserted (flushed, with ids):
                                                            update the rollups for them, in this transaction
    (rebuilding them from the raw events: services/kpi/rollup_rebuild.py)

Invariants:
- rollups are a pure function of the raw events (and the plant calendar and ideal cycle times at the time of
  writing): applying events in any order, in any batches, gives the same rows as `rollup_rebuild.rebuild`;
- a count's ideal cycle time is its machine's own rate for the operation's product where the machine has one
  (services/master/work_centers.py), else the operation's (the routing step's);
- `apply` writes one INSERT .. ON CONFLICT DO UPDATE per affected rollup row (figures are added, so
  concurrent writers never lose an update), whatever the number of events;
- every slice row is also added into its machine's plant-local day row (`kpi_count_day`, `kpi_stop_day`, keyed
  by the day's start): a day row is always the sum of its slices, in the same transaction;
- counts go to the slice (services/kpi/rollup_slices.py) holding their `occurred_at`, late ones included;
- downtime is paired as it happened (by occurred_at, then id): each downtime_ended closes the open
  downtime_started, a second start closes the first, an end without an open start is ignored, a start
  without an end is open (`kpi_stop.end_at` NULL; KPI reads run it up to their end or now). A late event
  (e.g. an end arriving before its start) re-pairs only the stretch between the start before it and the start
  after it: those stops are removed from the rollups and added back as re-paired (the stretches of all the
  machines of a call are read in two statements, their stops replaced in two more);
- stops count only inside the plant calendar's working time. After editing a calendar's past, or an
  operation's ideal cycle time or a machine's own rate after counts were reported, run `takt rebuild-rollups`
  for that plant.
- job events re-pair the machine's run intervals (`kpi_run`, services/kpi/runs.py) from the run holding the
  earliest new one;
- a plant's calendar (as its slicer) and a machine's own rates are read once per worker and kept until an
  event changes them (calendar.*, shift.*, shift_break.*, calendar_holiday.*, plant.*; machine_rate.*) or
  60 s pass (services/core/worker_cache.py);
Duplicates never reach here: the unique (organization_id, client_id) refuses them before insertion.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from models.base import table_of
from models.kpi_rollup import (
    KpiCountDay,
    KpiCountSlice,
    KpiStop,
    KpiStopDay,
    KpiStopSlice,
)
from models.orders import Operation, WorkOrder
from models.resources import Machine
from models.shopfloor import EventKind, ProductionEvent
from services.core.calendar_math import CalendarSpec
from services.core.errors import Invalid
from services.core.worker_cache import WorkerCache
from services.kpi import runs
from services.kpi.rollup_slices import Slicer
from services.master.calendars import calendar_spec
from services.master.work_centers import cycle_overrides

__all__ = ["RebuildResult", "RollupContext", "apply", "pair_downtime", "slicer_for"]

DOWNTIME = (EventKind.DOWNTIME_STARTED, EventKind.DOWNTIME_ENDED)
_CHUNK = 500
_COUNT_FIGURES = ("good", "scrap", "ideal_ms", "good_ideal_ms", "events")


# Per worker, dropped by the events that change them (services/core/worker_cache.py): a plant's slicer (its
# default calendar in its time zone; it memoizes only its own pure results) and a machine's own rates.
SLICERS: WorkerCache[Slicer] = WorkerCache("slicers", invalidated_by=(
    "calendar.*", "calendar_holiday.*", "shift.*", "shift_break.*", "plant.*"))
MACHINE_RATES: WorkerCache[dict[int, int]] = WorkerCache("machine rates", invalidated_by=("machine_rate.*",))


@dataclass
class RebuildResult:
    plants: int
    count_rows: int
    stops: int
    stop_rows: int
    events: int


def slicer_for(session: Session, plant_id: int) -> Slicer:
    """The plant's slicer: its default calendar, or plain hours when it has none yet."""
    try:
        cal: CalendarSpec | None = calendar_spec(session, plant_id)
    except Invalid:
        cal = None
    return Slicer(cal)


class RollupContext:
    """Per-call caches: slicers per plant, operations' ideal time, product and step, machines' own rates."""

    def __init__(self, session: Session):
        self.session = session
        self._slicers: dict[int, Slicer] = {}
        self._ops: dict[int, tuple[int, int | None, int | None]] = {}
        self._rates: dict[int, dict[int, int]] = {}

    def slicer(self, plant_id: int) -> Slicer:
        if plant_id not in self._slicers:
            self._slicers[plant_id] = SLICERS.get(plant_id, lambda: slicer_for(self.session, plant_id),
                                                  plant_id=plant_id)
        return self._slicers[plant_id]

    def know_operation(self, op_id: int, ideal_seconds: Decimal, product_id: int | None, step: int | None) -> None:
        self._ops[op_id] = (ideal_ms(ideal_seconds), product_id, step)

    def operations(self, ids: Iterable[int]) -> dict[int, tuple[int, int | None, int | None]]:
        """operation id -> (ideal cycle ms, product id, routing step)."""
        missing = {i for i in ids if i and i not in self._ops}
        if missing:
            rows = self.session.exec(select(col(Operation.id), col(Operation.ideal_cycle_seconds),
                                            col(WorkOrder.product_id), col(Operation.sequence))
                                     .join(WorkOrder, col(WorkOrder.id) == col(Operation.work_order_id))
                                     .where(col(Operation.id).in_(missing))).all()
            for op_id, ideal, product_id, step in rows:
                assert op_id is not None                     # a stored row's primary key
                self._ops[op_id] = (ideal_ms(ideal), product_id, step)
        return self._ops

    def machine_rates(self, machine_ids: Iterable[int]) -> dict[int, dict[int, int]]:
        """machine id -> product id -> the machine's own ideal cycle ms (empty when it has none)."""
        missing = set()
        for machine_id in {m for m in machine_ids if m not in self._rates}:
            hit, rates = MACHINE_RATES.lookup(machine_id)
            if hit and rates is not None:
                self._rates[machine_id] = rates
            else:
                missing.add(machine_id)
        if missing:
            generation = MACHINE_RATES.generation()
            loaded: dict[int, dict[int, int]] = {machine_id: {} for machine_id in missing}
            for (machine_id, product_id), seconds in cycle_overrides(self.session, missing).items():
                loaded[machine_id][product_id] = ideal_ms(seconds)
            for machine_id, rates in loaded.items():
                MACHINE_RATES.store(machine_id, rates, plant_id=None, loaded_at_generation=generation)
            self._rates.update(loaded)
        return self._rates


def ideal_ms(seconds) -> int:
    """An ideal cycle time (3 decimals) in whole milliseconds, exactly."""
    return int((Decimal(str(seconds)) * 1000).to_integral_value())


# ----- apply ---------------------------------------------------------------------------------

class DowntimeEvent(Protocol):
    """What pairing downtime reads of an event: a ProductionEvent, ingest's EventRow or a raw row."""
    @property
    def id(self) -> int | None: ...
    @property
    def organization_id(self) -> int: ...
    @property
    def plant_id(self) -> int: ...
    @property
    def machine_id(self) -> int: ...
    @property
    def kind(self) -> EventKind: ...
    @property
    def reason_code_id(self) -> int | None: ...
    @property
    def occurred_at(self) -> datetime: ...


class RecordedEvent(DowntimeEvent, Protocol):
    """What `apply` reads of an event just inserted (a ProductionEvent, or ingest's lighter EventRow)."""
    @property
    def operation_id(self) -> int | None: ...
    @property
    def quantity_good(self) -> int: ...
    @property
    def quantity_scrap(self) -> int: ...


def apply(session: Session, events: Sequence[RecordedEvent], *,
          known_operations: dict[int, tuple[Decimal, int | None, int | None]] | None = None) -> None:
    """Update the rollups for these freshly inserted events, in the caller's transaction. `known_operations`
    (operation id -> ideal cycle seconds, product id, routing step) spares reading jobs the caller holds."""
    if not events:
        return
    ctx = RollupContext(session)
    for op_id, (ideal, product_id, step) in (known_operations or {}).items():
        ctx.know_operation(op_id, ideal, product_id, step)
    counts = [e for e in events if e.kind == EventKind.COUNT]
    if counts:
        rows = count_deltas(ctx, counts)
        days = count_days(ctx, rows)
        if len(rows) == len(days) == 1 and session.get_bind().dialect.name == "postgresql":
            (row,), (day,) = rows.values(), days.values()       # one event's counts, as an operator reports them
            session.execute(_count_and_day_upsert(), {**row, "day_start": day["day_start"]})
        else:
            _upsert_counts(session, rows)
            _upsert_counts(session, days, KpiCountDay)
    downtime = [e for e in events if e.kind in DOWNTIME]
    if downtime:
        _repair_stops(ctx, downtime)
    if any(e.kind in runs.JOB_KINDS for e in events):
        runs.repair(session, events)


def count_deltas(ctx: RollupContext, events: Iterable[RecordedEvent]) -> dict[tuple, dict]:
    events = list(events)
    ops = ctx.operations(e.operation_id for e in events if e.operation_id)
    rates = ctx.machine_rates(e.machine_id for e in events)
    rows: dict[tuple, dict] = {}
    for e in events:
        slice_start = ctx.slicer(e.plant_id).slice_of(e.occurred_at)
        add_count(rows, e.organization_id, e.plant_id, e.machine_id, slice_start, e.operation_id, e.reason_code_id,
                   ops, rates, good=e.quantity_good, scrap=e.quantity_scrap, events=1)
    return rows


def add_count(rows: dict, org_id: int, plant_id: int, machine_id: int, slice_start: datetime,
               operation_id: int | None, reason_id: int | None, ops: dict, rates: dict[int, dict[int, int]], *,
               good: int, scrap: int, events: int) -> None:
    cycle_ms, product_id, step = ops.get(operation_id or 0, (0, None, None))
    if product_id is not None:
        cycle_ms = rates.get(machine_id, {}).get(product_id, cycle_ms)
    key = (machine_id, slice_start, operation_id or 0, reason_id or 0)
    row = rows.get(key)
    if row is None:
        row = rows[key] = {"organization_id": org_id, "plant_id": plant_id, "machine_id": machine_id,
                           "slice_start": slice_start, "operation_key": operation_id or 0,
                           "reason_key": reason_id or 0, "product_id": product_id, "step": step,
                           **dict.fromkeys(_COUNT_FIGURES, 0)}
    row["good"] += good
    row["scrap"] += scrap
    row["ideal_ms"] += cycle_ms * (good + scrap)
    row["good_ideal_ms"] += cycle_ms * good
    row["events"] += events


def count_days(ctx: RollupContext, rows: dict[tuple, dict]) -> dict[tuple, dict]:
    """Count slice rows summed per machine, local day, operation and reason (`kpi_count_day` rows)."""
    days: dict[tuple, dict] = {}
    for row in rows.values():
        day = ctx.slicer(row["plant_id"]).day_of(row["slice_start"])
        key = (row["machine_id"], day, row["operation_key"], row["reason_key"])
        merge_row(days, key, {**{k: v for k, v in row.items() if k != "slice_start"}, "day_start": day})
    return days


def stop_days(ctx: RollupContext, rows: dict[tuple, dict]) -> dict[tuple, dict]:
    """Stop slice rows summed per machine, local day and reason (`kpi_stop_day` rows)."""
    days: dict[tuple, dict] = {}
    for row in rows.values():
        day = ctx.slicer(row["plant_id"]).day_of(row["slice_start"])
        key = (row["machine_id"], day, row["reason_key"])
        if key in days:
            days[key]["stop_us"] += row["stop_us"]
        else:
            days[key] = {**{k: v for k, v in row.items() if k != "slice_start"}, "day_start": day}
    return days


def _upsert_counts(session: Session, rows: dict[tuple, dict], model=KpiCountSlice) -> None:
    stmt = _count_upsert(session.get_bind().dialect.name, model)
    for chunk in chunks(list(rows.values())):
        session.execute(stmt, chunk)       # executemany of one cached statement: a multi-row .values() recompiles


def _upsert_stop_slices(session: Session, rows: dict[tuple, dict], model=KpiStopSlice) -> None:
    live = [r for r in rows.values() if r["stop_us"] != 0]
    stmt = _stop_upsert(session.get_bind().dialect.name, model)
    for chunk in chunks(live):
        session.execute(stmt, chunk)


@functools.cache
def _count_upsert(dialect: str, model: type) -> Any:
    """INSERT .. ON CONFLICT adding the figures, built once per process and dialect (building it, `excluded`
    aliasing the whole table, cost more than running it)."""
    return _adding_on_conflict((postgresql.insert if dialect == "postgresql" else sqlite.insert)(table_of(model)),
                               model)


def _adding_on_conflict(stmt: Any, model: type) -> Any:
    """A count rollup's INSERT that adds its figures to the row already there (slice or day)."""
    table = table_of(model)
    time_key = "slice_start" if model is KpiCountSlice else "day_start"
    return stmt.on_conflict_do_update(index_elements=["machine_id", time_key, "operation_key", "reason_key"],
                                      set_={name: table.c[name] + stmt.excluded[name] for name in _COUNT_FIGURES})


@functools.cache
def _count_and_day_upsert() -> Any:
    """PostgreSQL, one slice row and its day row with the same figures: both upserts in one statement (the slice's
    as a data-modifying CTE, which PostgreSQL runs whether or not the day's reads it), one round trip for two."""
    def upsert(model: type, time_key: str) -> Any:
        table = table_of(model)
        names = ("organization_id", "plant_id", "machine_id", time_key, "operation_key", "reason_key", "product_id",
                 "step", *_COUNT_FIGURES)
        return _adding_on_conflict(
            postgresql.insert(table).values({n: sa.bindparam(n, type_=table.c[n].type) for n in names}), model)
    counted_slice = upsert(KpiCountSlice, "slice_start").returning(sa.literal_column("1")).cte("counted_slice")
    return upsert(KpiCountDay, "day_start").add_cte(counted_slice)


@functools.cache
def _stop_upsert(dialect: str, model: type) -> Any:
    table = table_of(model)
    time_key = "slice_start" if model is KpiStopSlice else "day_start"
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return stmt.on_conflict_do_update(index_elements=["machine_id", time_key, "reason_key"],
                                      set_={"stop_us": table.c.stop_us + stmt.excluded.stop_us})


def chunks(rows: list, size: int = _CHUNK):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


# ----- downtime pairing ----------------------------------------------------------------------

def _order(e: DowntimeEvent) -> tuple[datetime, int]:
    return (e.occurred_at, e.id or 0)


def pair_downtime(events: Iterable[DowntimeEvent]) -> list[tuple[DowntimeEvent, DowntimeEvent | None]]:
    """(started, ended or None) in the order they happened; see the module docstring for the rules."""
    out: list[tuple[DowntimeEvent, DowntimeEvent | None]] = []
    open_start: DowntimeEvent | None = None
    for e in sorted(events, key=_order):
        if e.kind == EventKind.DOWNTIME_STARTED:
            if open_start is not None:
                out.append((open_start, e))
            open_start = e
        elif open_start is not None:
            out.append((open_start, e))
            open_start = None
    if open_start is not None:
        out.append((open_start, None))
    return out


def _repair_stops(ctx: RollupContext, events: list[RecordedEvent]) -> None:
    session = ctx.session
    by_machine: dict[int, list[DowntimeEvent]] = defaultdict(list)
    for e in events:
        by_machine[e.machine_id].append(e)
    _lock_machines(session, sorted(by_machine))
    deltas: dict[tuple, dict] = {}
    stretches = _stretches(session, by_machine)
    starts = [e.id for stretch, _ in stretches.values() for e in stretch if e.kind == EventKind.DOWNTIME_STARTED]
    old = session.exec(select(KpiStop).where(col(KpiStop.started_event_id).in_(starts))).all() if starts else []
    for stop in old:
        if stop.end_at is not None:
            add_stop(ctx, deltas, stop.organization_id, stop.plant_id, stop.machine_id, stop.reason_key,
                      stop.start_at, stop.end_at, sign=-1)
    if old:
        session.execute(sa.delete(table_of(KpiStop)).where(table_of(KpiStop).c.id.in_([s.id for s in old])))
    new_rows = []
    for machine_id, (stretch, closer) in stretches.items():
        for started, ended in pair_downtime(stretch + ([closer] if closer is not None else [])):
            if started is closer:
                continue
            new_rows.append(stop_row(started, ended))
            if ended is not None:
                add_stop(ctx, deltas, started.organization_id, started.plant_id, machine_id,
                          started.reason_code_id or 0, started.occurred_at, ended.occurred_at, sign=1)
    if new_rows:
        session.execute(sa.insert(table_of(KpiStop)), new_rows)
    _upsert_stop_slices(session, deltas)
    _upsert_stop_slices(session, stop_days(ctx, deltas), KpiStopDay)


STRETCHES_PER_QUERY = 100               # machines a query reads (SQLite: an OR of ranges stays under its depth limit)


def _stretches(session: Session, by_machine: dict[int, list[DowntimeEvent]]) -> dict[int, tuple[list, Any]]:
    """Per machine, its downtime events whose pairing the new ones can change, and the start that closes them: the
    stop starts just before and after the new events (one statement for all machines), then the events between
    them (one more), whatever the number of machines up to STRETCHES_PER_QUERY."""
    out: dict[int, tuple[list, Any]] = {}
    machines = list(by_machine)
    for at in range(0, len(machines), STRETCHES_PER_QUERY):
        spans = {m: (min(by_machine[m], key=_order).occurred_at, max(by_machine[m], key=_order).occurred_at)
                 for m in machines[at:at + STRETCHES_PER_QUERY]}
        started = (col(ProductionEvent.kind) == EventKind.DOWNTIME_STARTED,)
        bounds = session.exec(select(*(
            select(agg(ProductionEvent.occurred_at)).where(col(ProductionEvent.machine_id) == m, *started, cond)
            .scalar_subquery() for m, (first, last) in spans.items()
            for agg, cond in ((sa.func.max, col(ProductionEvent.occurred_at) < first),
                              (sa.func.min, col(ProductionEvent.occurred_at) > last))))).one()
        edges = {m: (bounds[2 * i], bounds[2 * i + 1]) for i, m in enumerate(spans)}
        ranges = [sa.and_(col(ProductionEvent.machine_id) == m, col(ProductionEvent.occurred_at) >= (before or spans[m][0]),
                          *((col(ProductionEvent.occurred_at) <= after,) if after is not None else ()))
                  for m, (before, after) in edges.items()]
        found: dict[int, list] = defaultdict(list)
        for e in session.exec(select(ProductionEvent).where(col(ProductionEvent.kind).in_(DOWNTIME), sa.or_(*ranges))):
            found[e.machine_id].append(e)
        for m, (_, after) in edges.items():
            rows = sorted(found[m], key=_order)
            closer = None
            if after is not None:
                closer = next(e for e in rows if e.occurred_at == after and e.kind == EventKind.DOWNTIME_STARTED)
                rows = [e for e in rows if _order(e) < _order(closer)]
            out[m] = (rows, closer)
    return out


def stop_row(started: DowntimeEvent, ended: DowntimeEvent | None) -> dict:
    return {"organization_id": started.organization_id, "plant_id": started.plant_id,
            "machine_id": started.machine_id, "started_event_id": started.id,
            "ended_event_id": ended.id if ended is not None else None, "reason_key": started.reason_code_id or 0,
            "start_at": started.occurred_at, "end_at": ended.occurred_at if ended is not None else None}


def add_stop(ctx: RollupContext, rows: dict, org_id: int, plant_id: int, machine_id: int, reason_key: int,
              start: datetime, end: datetime, *, sign: int) -> None:
    if end <= start:
        return
    for slice_start, length in ctx.slicer(plant_id).pieces(start, end, working_only=True):
        key = (machine_id, slice_start, reason_key)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {"organization_id": org_id, "plant_id": plant_id, "machine_id": machine_id,
                               "slice_start": slice_start, "reason_key": reason_key, "stop_us": 0}
        row["stop_us"] += sign * (length // timedelta(microseconds=1))


def _lock_machines(session: Session, machine_ids: list[int]) -> None:
    """Serialise re-pairing per machine (PostgreSQL row locks, in id order; SQLite has one writer)."""
    if session.get_bind().dialect.name == "postgresql" and machine_ids:
        session.exec(select(col(Machine.id)).where(col(Machine.id).in_(machine_ids)).order_by(col(Machine.id))
                     .with_for_update(key_share=True)).all()

def merge_row(rows: dict, key: tuple, row: dict) -> None:
    if key not in rows:
        rows[key] = row
        return
    for name in _COUNT_FIGURES:
        rows[key][name] += row[name]
