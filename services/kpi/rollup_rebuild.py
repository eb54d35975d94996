"""Rollups recomputed from the raw events (services/kpi/rollups.py keeps them as events are written).

    rebuild(session, *, organization_id=None, plant_id=None, progress=None) -> RebuildResult
        clear and recompute every rollup row of the chosen plants (all by default)
    rebuild_scope(session, *, organization_slug=None, plant_code=None) -> (organization id, plant id)
        the CLI's --org/--plant, NotFound for unknown ones

Invariants: a rebuild gives the same rows as applying the plant's events in any order (rollups.py's
invariants); it runs in the caller's transaction, plant by plant, counts in SQL hour groups and stops
re-paired from every downtime event of the plant; each plant's part is bound to its organization
(services/core/tenancy.py), so on PostgreSQL row-level security holds it as it holds a request.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.base import pk, table_of
from models.kpi_rollup import (
    KpiCountDay,
    KpiCountSlice,
    KpiRun,
    KpiStop,
    KpiStopDay,
    KpiStopSlice,
)
from models.organization import Organization, Plant
from models.shopfloor import EventKind, ProductionEvent
from services.core import tenancy
from services.core.errors import NotFound
from services.kpi import runs
from services.kpi.rollups import (
    DOWNTIME,
    RebuildResult,
    RollupContext,
    add_count,
    add_stop,
    chunks,
    count_days,
    count_deltas,
    merge_row,
    pair_downtime,
    stop_days,
    stop_row,
)
from services.org.organizations import get_organization_by_slug


def _organization_ids(session: Session, organization_id: int | None) -> list[int]:
    if organization_id is not None:
        return [organization_id]
    return [pk(o) for o in session.exec(select(Organization).order_by(col(Organization.id))).all()]


def rebuild_scope(session: Session, *, organization_slug: str | None = None,
                  plant_code: str | None = None) -> tuple[int | None, int | None]:
    """(organization id, plant id) for the CLI's --org/--plant; NotFound for unknown ones. A plant is looked
    for in each organization's unit of work (bound to it: row-level security)."""
    org_id = plant_id = None
    if organization_slug:
        org_id = get_organization_by_slug(session, organization_slug).id
    if plant_code:
        found: list[Plant] = []
        for organization_id in _organization_ids(session, org_id):
            with tenancy.working_for(session, organization_id):
                found += session.exec(select(Plant).where(Plant.organization_id == organization_id,
                                                          Plant.code == plant_code.upper())).all()
        if len(found) != 1:
            raise NotFound(f"No plant '{plant_code}'." if not found else
                           f"Several organizations have a plant '{plant_code}': give --org too.")
        org_id, plant_id = found[0].organization_id, found[0].id
    return org_id, plant_id


def rebuild(session: Session, *, organization_id: int | None = None, plant_id: int | None = None,
            progress: Callable[[str], None] | None = None) -> RebuildResult:
    """Recompute every rollup row of the chosen plants (all by default) from their raw events, organization
    by organization, each part bound to its organization (row-level security)."""
    say = progress or (lambda _message: None)
    total = RebuildResult(0, 0, 0, 0, 0)
    for org_id in _organization_ids(session, organization_id):
        with tenancy.working_for(session, org_id):       # row-level security: this organization's rows only
            query = select(Plant).where(Plant.organization_id == org_id).order_by(col(Plant.id))
            if plant_id is not None:
                query = query.where(Plant.id == plant_id)
            for plant in session.exec(query).all():
                total = _rebuild_plant(session, plant, total, say)
    return total


def _rebuild_plant(session: Session, plant: Plant, total: RebuildResult, say: Callable[[str], None]) -> RebuildResult:
    say(f"plant {plant.code}: clearing rollups")
    for table in (KpiCountDay, KpiStopDay, KpiCountSlice, KpiStopSlice, KpiStop, KpiRun):
        session.execute(sa.delete(table_of(table)).where(table_of(table).c.plant_id == plant.id))
    ctx = RollupContext(session)
    count_rows, events = _rebuild_counts(ctx, pk(plant))
    say(f"plant {plant.code}: {events} count events -> {count_rows} count rows")
    stops, stop_rows = _rebuild_stops(ctx, pk(plant))
    say(f"plant {plant.code}: {stops} stops -> {stop_rows} stop rows")
    say(f"plant {plant.code}: {runs.rebuild_plant(session, pk(plant))} run intervals")
    return RebuildResult(total.plants + 1, total.count_rows + count_rows, total.stops + stops,
                         total.stop_rows + stop_rows, total.events + events)


def _hour_expr(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.date_trunc("hour", sa.func.timezone("UTC", table_of(ProductionEvent).c.occurred_at))
    return sa.func.strftime("%Y-%m-%d %H:00:00", table_of(ProductionEvent).c.occurred_at)


def _aware(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _rebuild_counts(ctx: RollupContext, plant_id: int) -> tuple[int, int]:
    """Counts grouped per machine, hour, operation and reason in SQL; hours cut into several slices by the
    calendar are re-read event by event."""
    session, t = ctx.session, table_of(ProductionEvent)
    hour = _hour_expr(session).label("hour")
    grouped = session.execute(
        sa.select(t.c.organization_id, t.c.machine_id, t.c.operation_id, t.c.reason_code_id, hour,
                  sa.func.sum(t.c.quantity_good), sa.func.sum(t.c.quantity_scrap), sa.func.count())
        .where(t.c.plant_id == plant_id, t.c.kind == EventKind.COUNT.value)
        .group_by(t.c.organization_id, t.c.machine_id, t.c.operation_id, t.c.reason_code_id, hour)).all()
    slicer = ctx.slicer(plant_id)
    ops = ctx.operations({r[2] for r in grouped if r[2]})
    rates = ctx.machine_rates({r[1] for r in grouped})
    rows: dict[tuple, dict] = {}
    split_hours: set[datetime] = set()
    events = 0
    for org_id, machine_id, op_id, reason_id, hour_value, good, scrap, n in grouped:
        start = _aware(hour_value)
        events += n
        if len(slicer.bounds(start)) > 1:
            split_hours.add(start)
            continue
        add_count(rows, org_id, plant_id, machine_id, start, op_id, reason_id, ops, rates, good=int(good),
                   scrap=int(scrap), events=int(n))
    for start in sorted(split_hours):
        raw = session.exec(select(ProductionEvent).where(
            ProductionEvent.plant_id == plant_id, ProductionEvent.kind == EventKind.COUNT,
            ProductionEvent.occurred_at >= start, ProductionEvent.occurred_at < start + timedelta(hours=1))).all()
        for key, row in count_deltas(ctx, raw).items():
            merge_row(rows, key, row)
    _bulk_insert(session, KpiCountSlice, list(rows.values()))
    _bulk_insert(session, KpiCountDay, list(count_days(ctx, rows).values()))
    return len(rows), events



def _rebuild_stops(ctx: RollupContext, plant_id: int) -> tuple[int, int]:
    session = ctx.session
    t = table_of(ProductionEvent)
    rows = session.execute(
        sa.select(t.c.id, t.c.organization_id, t.c.plant_id, t.c.machine_id, t.c.kind, t.c.reason_code_id,
                  t.c.occurred_at)
        .where(t.c.plant_id == plant_id, t.c.kind.in_([k.value for k in DOWNTIME]))
        .order_by(t.c.machine_id, t.c.occurred_at, t.c.id)).all()
    by_machine: dict[int, list] = defaultdict(list)
    for r in rows:
        by_machine[r.machine_id].append(_RawEvent(r.id, r.organization_id, r.plant_id, r.machine_id,
                                                  EventKind(r.kind), r.reason_code_id, _aware(r.occurred_at)))
    stops: list[dict] = []
    slices: dict[tuple, dict] = {}
    for machine_id, events in by_machine.items():
        for started, ended in pair_downtime(events):
            stops.append(stop_row(started, ended))
            if ended is not None:
                add_stop(ctx, slices, started.organization_id, plant_id, machine_id, started.reason_code_id or 0,
                          started.occurred_at, ended.occurred_at, sign=1)
    _bulk_insert(session, KpiStop, stops)
    live = [r for r in slices.values() if r["stop_us"]]
    _bulk_insert(session, KpiStopSlice, live)
    _bulk_insert(session, KpiStopDay, [r for r in stop_days(ctx, slices).values() if r["stop_us"]])
    return len(stops), len(live)


@dataclass(frozen=True)
class _RawEvent:
    id: int
    organization_id: int
    plant_id: int
    machine_id: int
    kind: EventKind
    reason_code_id: int | None
    occurred_at: datetime


def _bulk_insert(session: Session, model, rows: list[dict]) -> None:
    for chunk in chunks(rows, 5000):
        session.execute(sa.insert(table_of(model)), chunk)
