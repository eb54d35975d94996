"""KPI rollups of a large batch of production events, set-based (machine data ingest writes ~1,000 a batch).

    apply(session, events)      the events were just inserted (with ids): update the rollups for them, in
                                this transaction, as services/kpi/rollups.apply does
    prepare(session, events)    the count statement's parameters (PostgreSQL; None elsewhere or without counts),
                                read and built before the caller takes its locks: apply(..., prepared=) then
                                only runs the statement

On PostgreSQL the counts' slice and day rows are one statement: the batch's count events go in as arrays (one per
column: no re-read of production_event, whose plan would hang on its statistics), are put into their slice by a
range join against the slices their plant's calendar has in the batch's time span,
summed per slice row and per day row (GROUP BY) and added with INSERT .. SELECT .. ON CONFLICT DO UPDATE. Python
does per batch only what is per plant or per job: the slice boundaries (services/kpi/rollup_slices.py, the
same Slicer) and each job's ideal cycle time, product and step (rollups.RollupContext, the same caches). Stops
and runs (a few events a batch) go through services/kpi/rollups.apply. SQLite keeps rollups.apply for all
(it has no arrays to join against).

Invariants: the rows are those rollups.apply writes for the same events (tests/unit/test_kpi_rollups.py runs its
rebuild property over both); a count's ideal cycle time is its machine's own rate for the product where it
has one, else the operation's; figures are added, so concurrent batches never lose an update; one statement
per batch for all count slices and days, whatever the number of events.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session

from models.shopfloor import EventKind
from services.kpi import rollups
from services.kpi.rollup_slices import HOUR, floor_hour

__all__ = ["Prepared", "apply", "prepare"]

Prepared = dict[str, str]                      # the count statement's parameters, as array literals

_COUNT_SQL = """
WITH ev AS (
    SELECT * FROM unnest(%(plant)s::integer[], %(machine)s::integer[], %(operation)s::integer[],
                         %(reason)s::integer[], %(good)s::integer[], %(scrap)s::integer[], %(at)s::timestamptz[])
        AS e(plant_id, machine_id, operation_key, reason_key, good, scrap, occurred_at)),
sl AS (
    SELECT * FROM unnest(%(slice_org)s::integer[], %(slice_plant)s::integer[], %(slice_start)s::timestamptz[],
                         %(slice_end)s::timestamptz[], %(slice_day)s::timestamptz[])
        AS s(organization_id, plant_id, slice_start, slice_end, day_start)),
cy AS (
    SELECT * FROM unnest(%(job_machine)s::integer[], %(job_operation)s::integer[], %(job_cycle)s::bigint[],
                         %(job_product)s::integer[], %(job_step)s::integer[])
        AS c(machine_id, operation_key, cycle_ms, product_id, step)),
d AS (
    SELECT sl.organization_id, ev.plant_id, ev.machine_id, sl.slice_start, sl.day_start, ev.operation_key,
           ev.reason_key, cy.product_id, cy.step, sum(ev.good) AS good, sum(ev.scrap) AS scrap,
           sum(cy.cycle_ms * (ev.good + ev.scrap)) AS ideal_ms, sum(cy.cycle_ms * ev.good) AS good_ideal_ms,
           count(*) AS events
    FROM ev JOIN sl ON sl.plant_id = ev.plant_id AND ev.occurred_at >= sl.slice_start AND ev.occurred_at < sl.slice_end
    JOIN cy ON cy.machine_id = ev.machine_id AND cy.operation_key = ev.operation_key
    GROUP BY sl.organization_id, ev.plant_id, ev.machine_id, sl.slice_start, sl.day_start, ev.operation_key,
             ev.reason_key, cy.product_id, cy.step),
slices AS (
    INSERT INTO kpi_count_slice (organization_id, plant_id, machine_id, slice_start, operation_key, reason_key,
                                 product_id, step, good, scrap, ideal_ms, good_ideal_ms, events)
    SELECT organization_id, plant_id, machine_id, slice_start, operation_key, reason_key, product_id, step, good,
           scrap, ideal_ms, good_ideal_ms, events FROM d
    ON CONFLICT (machine_id, slice_start, operation_key, reason_key) DO UPDATE SET
        good = kpi_count_slice.good + EXCLUDED.good, scrap = kpi_count_slice.scrap + EXCLUDED.scrap,
        ideal_ms = kpi_count_slice.ideal_ms + EXCLUDED.ideal_ms,
        good_ideal_ms = kpi_count_slice.good_ideal_ms + EXCLUDED.good_ideal_ms,
        events = kpi_count_slice.events + EXCLUDED.events)
INSERT INTO kpi_count_day (organization_id, plant_id, machine_id, day_start, operation_key, reason_key, product_id,
                           step, good, scrap, ideal_ms, good_ideal_ms, events)
SELECT organization_id, plant_id, machine_id, day_start, operation_key, reason_key, product_id, step, sum(good),
       sum(scrap), sum(ideal_ms), sum(good_ideal_ms), sum(events)
FROM d GROUP BY organization_id, plant_id, machine_id, day_start, operation_key, reason_key, product_id, step
ON CONFLICT (machine_id, day_start, operation_key, reason_key) DO UPDATE SET
    good = kpi_count_day.good + EXCLUDED.good, scrap = kpi_count_day.scrap + EXCLUDED.scrap,
    ideal_ms = kpi_count_day.ideal_ms + EXCLUDED.ideal_ms,
    good_ideal_ms = kpi_count_day.good_ideal_ms + EXCLUDED.good_ideal_ms,
    events = kpi_count_day.events + EXCLUDED.events
"""


def apply(session: Session, events: Sequence[rollups.RecordedEvent], *, prepared: Prepared | None = None) -> None:
    """Update the rollups for these freshly inserted events, in the caller's transaction (rows as rollups.apply);
    `prepared`: prepare's answer for the same events."""
    if not events:
        return
    if session.get_bind().dialect.name != "postgresql":
        rollups.apply(session, events)
        return
    params = prepared if prepared is not None else prepare(session, events)
    if params is not None:
        session.connection().exec_driver_sql(_COUNT_SQL, params)
    rollups.apply(session, [e for e in events if e.kind != EventKind.COUNT])


def prepare(session: Session, events: Sequence[rollups.RecordedEvent]) -> Prepared | None:
    """The count statement's parameters for these events (None: SQLite, or no counts): the slices of their plants'
    calendars and their jobs' ideal cycle times, read now, and every column as an array literal."""
    counts = [e for e in events if e.kind == EventKind.COUNT]
    if not counts or session.get_bind().dialect.name != "postgresql":
        return None
    return _count_params(session, counts)


def _count_params(session: Session, counts: list[rollups.RecordedEvent]) -> Prepared:
    ctx = rollups.RollupContext(session)
    spans: dict[int, tuple[int, datetime, datetime]] = {}       # plant -> organization, first, last
    for e in counts:
        span = spans.get(e.plant_id)
        if span is None:
            spans[e.plant_id] = (e.organization_id, e.occurred_at, e.occurred_at)
        elif not span[1] <= e.occurred_at <= span[2]:
            spans[e.plant_id] = (span[0], min(span[1], e.occurred_at), max(span[2], e.occurred_at))
    machine = [e.machine_id for e in counts]
    operation = [e.operation_id or 0 for e in counts]
    params: dict[str, list] = {
        "plant": [e.plant_id for e in counts], "machine": machine, "operation": operation,
        "reason": [e.reason_code_id or 0 for e in counts], "good": [e.quantity_good for e in counts],
        "scrap": [e.quantity_scrap for e in counts], "at": [e.occurred_at for e in counts],
        **_slices(ctx, spans), **_jobs(ctx, set(zip(machine, operation, strict=True)))}
    return {name: _array(values) for name, values in params.items()}


def _array(values: list) -> str:
    """A PostgreSQL array literal of whole numbers or aware datetimes (None as NULL; their ISO text carries the
    offset): joined in C, ~4x less CPU than the driver's dumping of a list element by element (~1 ms a column
    of 1,000)."""
    if values and isinstance(values[0], datetime):
        items = [v.isoformat() for v in values]
    elif None in values:
        items = ["NULL" if v is None else str(v) for v in values]
    else:
        items = list(map(str, values))
    return "{" + ",".join(items) + "}"


def _slices(ctx: rollups.RollupContext, spans: dict[int, tuple[int, datetime, datetime]]) -> dict[str, list]:
    """Every slice [start, end) of each plant from the hour of its first count to the end of its last one's hour,
    with the start of its local day: the same Slicer as rollups.apply's slice_of and day_of."""
    org, plant, start, end, day = [], [], [], [], []
    for plant_id, (org_id, first, last) in spans.items():
        slicer = ctx.slicer(plant_id)
        hour, stop = floor_hour(first), floor_hour(last)
        while hour <= stop:
            bounds = slicer.bounds(hour)
            for s, e in zip(bounds, [*bounds[1:], hour + HOUR], strict=True):
                org.append(org_id)
                plant.append(plant_id)
                start.append(s)
                end.append(e)
                day.append(slicer.day_of(s))
            hour += timedelta(hours=1)
    return {"slice_org": org, "slice_plant": plant, "slice_start": start, "slice_end": end, "slice_day": day}


def _jobs(ctx: rollups.RollupContext, jobs: set[tuple[int, int]]) -> dict[str, list]:
    """Per (machine, operation) of the batch: the ideal cycle ms (the machine's own rate for the product where it
    has one), product and step, as rollups.add_count reads them (no operation: 0 ms, no product, no step)."""
    ops = ctx.operations(op_id for _, op_id in jobs if op_id)
    rates = ctx.machine_rates(machine_id for machine_id, _ in jobs)
    machine, operation, cycle, product, step = [], [], [], [], []
    for machine_id, op_id in sorted(jobs):
        cycle_ms, product_id, op_step = ops.get(op_id, (0, None, None))
        if product_id is not None:
            cycle_ms = rates.get(machine_id, {}).get(product_id, cycle_ms)
        machine.append(machine_id)
        operation.append(op_id)
        cycle.append(cycle_ms)
        product.append(product_id)
        step.append(op_step)
    return {"job_machine": machine, "job_operation": operation, "job_cycle": cycle, "job_product": product,
            "job_step": step}
