"""Incremental KPI rollups (services/kpi/rollups.py): kept by the operator actions, equal to a rebuild from the raw
events whatever the order and batching the events arrive in.

The plant is UTC; the factory calendar's early shift is 06:00-14:00 with breaks 09:00-09:15 and 12:00-12:30.
Cut's ideal cycle time is 30 s (30,000 ms).
"""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.base import utcnow
from models.kpi_rollup import (
    KpiCountDay,
    KpiCountSlice,
    KpiRun,
    KpiStop,
    KpiStopDay,
    KpiStopSlice,
)
from models.shopfloor import EventKind, ProductionEvent
from services.core.db import transaction
from services.kpi import reads as kpi
from services.kpi import rollup_rebuild, rollups, rollups_bulk
from tests.factories.kpi import CHRONOLOGICAL, SHUFFLED, at, drive, insert_events, rollup_state

CYCLE_MS = 30_000
MIN_US = 60_000_000


def day_sums_of_slices(state, engine) -> dict[str, list[tuple]]:
    """The slice rows of `state` summed per local day of the plant (UTC here), as day rows would hold them."""
    from collections import defaultdict

    from services.kpi.rollup_slices import UTC, day_start
    counts: dict[tuple, list] = defaultdict(lambda: [0] * 5)
    for org, plant, machine, start, op_key, reason, product, step, *figures in state["counts"]:
        row = counts[(org, plant, machine, day_start(start, UTC), op_key, reason, product, step)]
        row[:] = [a + b for a, b in zip(row, figures, strict=True)]
    stops: dict[tuple, int] = defaultdict(int)
    for org, plant, machine, start, reason, us in state["stop_slices"]:
        stops[(org, plant, machine, day_start(start, UTC), reason)] += us
    return {"count_days": sorted(k + tuple(v) for k, v in counts.items()),
            "stop_days": sorted(k + (v,) for k, v in stops.items() if v)}


def rebuilt_state(session, engine, **scope) -> dict[str, list[tuple]]:
    with transaction(session):
        rollup_rebuild.rebuild(session, **scope)
    return rollup_state(engine)


_COLUMNS = {name: [c.key for c in model.__table__.c if c.key != "id"]
            for name, model in (("counts", KpiCountSlice), ("stops", KpiStop), ("stop_slices", KpiStopSlice))}


def pick(rows: list[tuple], *names: str) -> list[tuple]:
    """The named columns of rollup rows (from `rollup_state`), sorted."""
    table = next(t for t, cols in _COLUMNS.items() if len(cols) == len(rows[0])) if rows else "counts"
    index = [_COLUMNS[table].index(n) for n in names]
    return sorted(tuple(r[i] for i in index) for r in rows)


def figures(state) -> dict:
    """The rollups by what they say, not by event ids."""
    return {"stop_slices": pick(state["stop_slices"], "slice_start", "reason_key", "stop_us")}


def test_the_operator_actions_keep_the_rollups_of_a_shift(session, engine, world, floor, op):
    drive(session, op, floor, CHRONOLOGICAL)
    state = rollup_state(engine)
    reasons = floor.line
    assert pick(state["counts"], "slice_start", "operation_key", "reason_key", "step", "good", "scrap", "ideal_ms",
                "good_ideal_ms", "events") == [
        (at(7), floor.cut_id, reasons.scrap_reason_id, 10, 100, 4, 104 * CYCLE_MS, 100 * CYCLE_MS, 1),
        (at(11), floor.cut_id, reasons.scrap_reason_id, 10, 500, 6, 506 * CYCLE_MS, 500 * CYCLE_MS, 1),
        (at(13), floor.cut_id, 0, 10, 80, 0, 80 * CYCLE_MS, 80 * CYCLE_MS, 1),
    ]
    # breakdown 08:50-09:20 loses the 09:00-09:15 break; the planned stop 10:00-10:45 is all working time
    assert pick(state["stop_slices"], "slice_start", "reason_key", "stop_us") == [
        (at(8), reasons.downtime_reason_id, 10 * MIN_US),
        (at(9), reasons.downtime_reason_id, 5 * MIN_US),
        (at(10), reasons.planned_stop_reason_id, 45 * MIN_US),
    ]
    assert pick(state["stops"], "reason_key", "start_at", "end_at") == [
        (reasons.downtime_reason_id, at(8, 50), at(9, 20)), (reasons.planned_stop_reason_id, at(10), at(10, 45))]
    assert rebuilt_state(session, engine) == state


def test_late_and_back_dated_actions_give_the_same_rollups(session, engine, world, floor, op):
    drive(session, op, floor, SHUFFLED)
    state = rollup_state(engine)
    assert rebuilt_state(session, engine) == state
    assert figures(state)["stop_slices"] == [
        (at(8), floor.line.downtime_reason_id, 10 * MIN_US), (at(9), floor.line.downtime_reason_id, 5 * MIN_US),
        (at(10), floor.line.planned_stop_reason_id, 45 * MIN_US)]
    assert sum(g for (g,) in pick(state["counts"], "good")) == 680
    assert sum(x for (x,) in pick(state["counts"], "scrap")) == 10


def test_a_downtime_end_arriving_before_its_start_pairs_once_the_start_arrives(session, engine, world, floor):
    reason = floor.line.downtime_reason_id
    with transaction(session):
        rollups.apply(session, insert_events(session, floor, world, [(EventKind.DOWNTIME_ENDED, at(7, 40), 0, 0, None)]))
    assert rollup_state(engine)["stops"] == []
    with transaction(session):
        rollups.apply(session, insert_events(session, floor, world, [(EventKind.DOWNTIME_STARTED, at(7, 10), 0, 0,
                                                                      reason)]))
    state = rollup_state(engine)
    assert pick(state["stops"], "start_at", "end_at") == [(at(7, 10), at(7, 40))]
    assert figures(state)["stop_slices"] == [(at(7), reason, 30 * MIN_US)]
    # a start arriving late inside the stop cuts it in two: the first part ends where the second starts
    with transaction(session):
        rollups.apply(session, insert_events(session, floor, world, [(EventKind.DOWNTIME_STARTED, at(7, 30), 0, 0,
                                                                      floor.line.planned_stop_reason_id)]))
    state = rollup_state(engine)
    assert pick(state["stops"], "reason_key", "start_at", "end_at") == [
        (reason, at(7, 10), at(7, 30)), (floor.line.planned_stop_reason_id, at(7, 30), at(7, 40))]
    assert figures(state)["stop_slices"] == [(at(7), reason, 20 * MIN_US),
                                             (at(7), floor.line.planned_stop_reason_id, 10 * MIN_US)]
    assert rebuilt_state(session, engine) == state


def test_an_open_stop_has_no_end_and_no_slices_until_it_ends(session, engine, world, floor):
    reason = floor.line.downtime_reason_id
    with transaction(session):
        rollups.apply(session, insert_events(session, floor, world, [(EventKind.DOWNTIME_STARTED, at(8), 0, 0,
                                                                      reason)]))
    state = rollup_state(engine)
    assert pick(state["stops"], "start_at", "end_at") == [(at(8), None)] and state["stop_slices"] == []
    with transaction(session):
        rollups.apply(session, insert_events(session, floor, world, [(EventKind.DOWNTIME_ENDED, at(10, 30), 0, 0,
                                                                      None)]))
    # 08:00-10:30 less the 09:00-09:15 break: 60 + 45 + 30 minutes in three slices
    assert figures(rollup_state(engine))["stop_slices"] == [
        (at(8), reason, 60 * MIN_US), (at(9), reason, 45 * MIN_US), (at(10), reason, 30 * MIN_US)]


def test_rebuild_of_one_plant_leaves_the_other_plants_alone(session, engine, world, floor, op):
    drive(session, op, floor, CHRONOLOGICAL)
    before = rollup_state(engine)
    with transaction(session):
        result = rollup_rebuild.rebuild(session, plant_id=world.plant2)
    assert result.plants == 1 and result.events == 0
    assert rollup_state(engine) == before
    with transaction(session):
        result = rollup_rebuild.rebuild(session, organization_id=world.org_a)
    assert (result.count_rows, result.stops, result.stop_rows) == (3, 2, 3)
    assert rollup_state(engine) == before


_KINDS = st.sampled_from([EventKind.COUNT, EventKind.COUNT, EventKind.DOWNTIME_STARTED, EventKind.DOWNTIME_ENDED,
                          EventKind.JOB_STARTED, EventKind.JOB_PAUSED, EventKind.JOB_RESUMED, EventKind.JOB_COMPLETED])
_EVENT = st.tuples(_KINDS, st.integers(0, 36 * 60 - 1), st.integers(0, 50), st.integers(0, 5), st.booleans())


@pytest.mark.parametrize("apply", [rollups.apply, rollups_bulk.apply], ids=["per_event", "set_based"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(_EVENT, min_size=1, max_size=30), seed=st.integers(0, 10_000),
       batches=st.integers(1, 5))
def test_incremental_rollups_equal_a_rebuild_from_scratch(session, engine, world, floor, viewer, apply, events, seed,
                                                          batches):
    """Any events, inserted in any order and batching (each batch applied at once), give the rebuild's rows (run
    intervals too), and the rollup read of the machine (idle time included) equals the raw recompute: through the
    per-event rollups and through the set-based ones ingest uses (rollups_bulk: SQL on PostgreSQL)."""
    reasons = [floor.line.downtime_reason_id, floor.line.planned_stop_reason_id]
    specs = []
    for kind, minute, good, scrap, flag in events:
        when = at(5) + timedelta(minutes=minute, seconds=minute % 7)
        reason = (reasons[flag] if kind == EventKind.DOWNTIME_STARTED
                  else floor.line.scrap_reason_id if kind == EventKind.COUNT and scrap and flag else None)
        specs.append((kind, when, good if kind == EventKind.COUNT else 0,
                      scrap if kind == EventKind.COUNT else 0, reason))
    random.Random(seed).shuffle(specs)
    size = max(1, len(specs) // batches)
    try:
        for i in range(0, len(specs), size):
            with transaction(session):
                apply(session, insert_events(session, floor, world, specs[i:i + size]))
        incremental = rollup_state(engine)
        assert rebuilt_state(session, engine) == incremental       # slices, stops, runs and day rows alike
        assert {k: incremental[k] for k in ("count_days", "stop_days")} == day_sums_of_slices(incremental, engine)
        start, end = at(5), at(5) + timedelta(hours=36)
        rolled = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=start, end=end,
                                 machine_id=floor.machine_id, now=utcnow()).figures
        raw = kpi.machine_oee(session, viewer, floor.machine_id, start=start, end=end)
        assert (rolled.shift_seconds, rolled.planned_stop_seconds, rolled.stop_seconds, rolled.idle_seconds,
                rolled.run_seconds, rolled.availability, rolled.performance, rolled.oee) == (
            raw.shift_seconds, raw.planned_stop_seconds, raw.stop_seconds, raw.idle_seconds, raw.run_seconds,
            raw.availability, raw.performance, raw.oee)
    finally:
        with transaction(session):
            for model in (KpiStopDay, KpiCountDay, KpiStopSlice, KpiStop, KpiCountSlice, KpiRun, ProductionEvent):
                session.execute(sa.delete(model.__table__).where(model.__table__.c.machine_id == floor.machine_id))


def test_the_rebuild_command_recomputes_a_plant_and_says_what_it_did(session, engine, world, floor, op):
    import os
    import subprocess
    import sys
    from pathlib import Path
    drive(session, op, floor, CHRONOLOGICAL)
    before = rollup_state(engine)
    with transaction(session):
        session.execute(sa.delete(KpiStopSlice.__table__))               # rollups gone astray
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    takt = str(Path(sys.executable).with_name("takt"))
    done = subprocess.run([takt, "rebuild-rollups", "--org", "org-a", "--plant", "p1"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "plant P1: 3 count events -> 3 count rows" in done.stdout
    assert "rebuilt 1 plant(s)" in done.stdout
    assert rollup_state(engine) == before
    unknown = subprocess.run([takt, "rebuild-rollups", "--plant", "NOPE"], env=env, capture_output=True, text=True,
                             timeout=300, check=False)
    assert unknown.returncode == 2 and "No plant 'NOPE'" in unknown.stderr


def test_shifts_off_the_hour_and_a_half_hour_zone_cut_hours_into_slices(session, engine, world):
    """Kolkata is UTC+05:30: the early shift 06:00-14:00 local is 00:30-08:30 UTC and local midnight is 18:30 UTC,
    so those hours are cut in two; a rebuild re-reads them event by event and must agree."""
    from services.kpi import reads as kpi
    from tests.factories.org import make_department, make_plant
    from tests.factories.shopfloor import make_floor
    plant = make_plant(session, world.org_a, "KOL", timezone="Asia/Kolkata")
    floor = make_floor(session, world.org_a, plant, make_department(session, world.org_a, plant, "K"), quantity=500)
    down = floor.line.downtime_reason_id
    utc = at(0)
    specs = [(EventKind.COUNT, utc + timedelta(minutes=10), 5, 0, None),        # 00:10 UTC: before the shift
             (EventKind.COUNT, utc + timedelta(minutes=40), 7, 1, None),        # 00:40 UTC: in it
             (EventKind.DOWNTIME_STARTED, utc + timedelta(minutes=20), 0, 0, down),
             (EventKind.DOWNTIME_ENDED, utc + timedelta(minutes=50), 0, 0, None),
             (EventKind.COUNT, utc + timedelta(hours=18, minutes=40), 3, 0, None)]   # 00:10 local, next day
    random.Random(5).shuffle(specs)
    for spec in specs:
        with transaction(session):
            rollups.apply(session, insert_events(session, floor, world, [spec], plant_id=plant))
    state = rollup_state(engine)
    assert pick(state["counts"], "slice_start", "good") == [
        (utc, 5), (utc + timedelta(minutes=30), 7), (utc + timedelta(hours=18, minutes=30), 3)]
    # only 00:30-00:50 of the stop is working time
    assert pick(state["stop_slices"], "slice_start", "stop_us") == [(utc + timedelta(minutes=30), 20 * MIN_US)]
    assert rebuilt_state(session, engine, plant_id=plant) == state
    admin = world.actor(world.admin_a)
    shift = kpi.kpi_summary(session, admin, plant_id=plant, start=utc + timedelta(minutes=30),
                            end=utc + timedelta(hours=8, minutes=30), machine_id=floor.machine_id, now=utcnow())
    assert (shift.figures.shift_minutes, shift.figures.stop_minutes, shift.figures.good) == (435.0, 20.0, 7)
    days = kpi.oee_trend(session, admin, plant_id=plant, start=utc - timedelta(hours=5, minutes=30),
                         end=utc + timedelta(days=1, hours=-5, minutes=-30) + timedelta(days=1), bucket="day",
                         machine_id=floor.machine_id, now=utcnow())
    assert [(p.label, p.figures.good) for p in days.points] == [("2026-03-02", 12), ("2026-03-03", 3)]
