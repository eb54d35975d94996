"""KPI test data: the hand-computed shift of tests/unit/test_kpi_service.py driven through the operator
actions (`drive`), raw events inserted as an ingest batch would (`insert_events`), and every rollup row
(`rollup_state`), shared by the KPI, rollup and API tests.

The plant is UTC; tests/factories/production.py's calendar: early shift 06:00-14:00, breaks 09:00-09:15 and
12:00-12:30. Cut's ideal cycle time is 30 s.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from models.kpi_rollup import KpiCountDay, KpiCountSlice, KpiRun, KpiStop, KpiStopDay, KpiStopSlice
from models.shopfloor import EventKind, ProductionEvent
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import committed
from tests.factories.shopfloor import new_client_id

DAY = T0.replace(hour=0)             # Monday 2026-03-02 00:00 UTC


def at(hour: int, minute: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute)


START, END = at(6), at(14)


def act(session, fn, actor, *args, now, occurred_at=None, **kwargs):
    return committed(session, fn, actor, *args, now=now, occurred_at=occurred_at, client_id=new_client_id(), **kwargs)


# The shift, as (when it happened, action). The job runs the whole shift (06:00 to 14:00): no idle time.
# The hand-computed figures for [06:00, 14:00):
#   shift time            = 435 min
#   planned stop          = PM 10:00-10:45                                  = 45 min
#   planned production    = 435 - 45                                        = 390 min
#   stop (unplanned)      = BRK 08:50-09:20 minus the break 09:00-09:15     = 10 + 5 = 15 min
#   run time              = 390 - 15                                        = 375 min = 22500 s
#   good = 100 + 500 + 80 = 680, scrap = 4 + 6 + 0 = 10, total = 690
#   ideal time            = 30 s x 690 = 20700 s; fully productive = 30 s x 680 = 20400 s
#   availability = 375/390 = 25/26 (96.2 %), performance = 20700/22500 = 23/25 (92.0 %),
#   quality = 680/690 = 68/69 (98.6 %), OEE = 25/26 x 23/25 x 68/69 = 34/39 = 20400/23400 (87.2 %)
def shift_actions(floor):
    reasons = floor.line
    return {
        "start": (at(6), lambda s, a, now, oc: act(s, shopfloor.start_job, a, floor.machine_id, floor.cut_id,
                                                   now=now, occurred_at=oc)),
        "count1": (at(7, 30), lambda s, a, now, oc: act(s, shopfloor.report_counts, a, floor.machine_id, good=100,
                                                        scrap=4, scrap_reason_code_id=reasons.scrap_reason_id,
                                                        now=now, occurred_at=oc)),
        "brk_start": (at(8, 50), lambda s, a, now, oc: act(s, shopfloor.start_downtime, a, floor.machine_id,
                                                           reasons.downtime_reason_id, now=now, occurred_at=oc)),
        "brk_end": (at(9, 20), lambda s, a, now, oc: act(s, shopfloor.end_downtime, a, floor.machine_id,
                                                         now=now, occurred_at=oc)),
        "pm_start": (at(10), lambda s, a, now, oc: act(s, shopfloor.start_downtime, a, floor.machine_id,
                                                       reasons.planned_stop_reason_id, now=now, occurred_at=oc)),
        "pm_end": (at(10, 45), lambda s, a, now, oc: act(s, shopfloor.end_downtime, a, floor.machine_id,
                                                         now=now, occurred_at=oc)),
        "count2": (at(11), lambda s, a, now, oc: act(s, shopfloor.report_counts, a, floor.machine_id, good=500,
                                                     scrap=6, scrap_reason_code_id=reasons.scrap_reason_id,
                                                     now=now, occurred_at=oc)),
        "count3": (at(13, 30), lambda s, a, now, oc: act(s, shopfloor.report_counts, a, floor.machine_id, good=80,
                                                         now=now, occurred_at=oc)),
        "complete": (at(14), lambda s, a, now, oc: act(s, shopfloor.complete_job, a, floor.machine_id,
                                                           now=now, occurred_at=oc)),
    }


CHRONOLOGICAL = ["start", "count1", "brk_start", "brk_end", "pm_start", "pm_end", "count2", "count3", "complete"]
# Recorded late, back-dated: the planned stop before the breakdown, the counts in reverse, at the end.
SHUFFLED = ["start", "pm_start", "pm_end", "brk_start", "brk_end", "count3", "count2", "count1", "complete"]


def drive(session, op, floor, order):
    actions = shift_actions(floor)
    clock = at(6)
    for name in order:
        when, fn = actions[name]
        clock = max(clock, when) + timedelta(seconds=1)      # recorded a second later (or late, back-dated)
        fn(session, op, clock, when)


def rollup_state(engine) -> dict[str, list[tuple]]:
    """Every rollup row without its id, rows holding only zeros left out, in key order."""
    with engine.connect() as conn:
        counts = conn.execute(sa.select(
            KpiCountSlice.__table__.c[tuple(c.key for c in KpiCountSlice.__table__.c if c.key != "id")])).all()
        stops = conn.execute(sa.select(
            KpiStop.__table__.c[tuple(c.key for c in KpiStop.__table__.c if c.key != "id")])).all()
        slices = conn.execute(sa.select(
            KpiStopSlice.__table__.c[tuple(c.key for c in KpiStopSlice.__table__.c if c.key != "id")])).all()
        count_days = conn.execute(sa.select(
            KpiCountDay.__table__.c[tuple(c.key for c in KpiCountDay.__table__.c if c.key != "id")])).all()
        stop_days = conn.execute(sa.select(
            KpiStopDay.__table__.c[tuple(c.key for c in KpiStopDay.__table__.c if c.key != "id")])).all()
        runs = conn.execute(sa.select(
            KpiRun.__table__.c[tuple(c.key for c in KpiRun.__table__.c if c.key != "id")])).all()
    return {"counts": sorted(tuple(r) for r in counts if r.events),
            "stops": sorted(tuple(r) for r in stops),
            "stop_slices": sorted(tuple(r) for r in slices if r.stop_us),
            "count_days": sorted(tuple(r) for r in count_days if r.events),
            "stop_days": sorted(tuple(r) for r in stop_days if r.stop_us),
            "runs": sorted(tuple(r) for r in runs)}


def insert_events(session: Session, floor, world, specs: list[tuple], *, plant_id: int | None = None
                  ) -> list[ProductionEvent]:
    """Raw events as an ingest batch would insert them: (kind, at, good, scrap, reason) each."""
    rows = []
    for kind, when, good, scrap, reason in specs:
        rows.append(ProductionEvent(
            organization_id=world.org_a, plant_id=plant_id or world.plant1, machine_id=floor.machine_id,
            operation_id=floor.cut_id if kind not in (EventKind.DOWNTIME_STARTED, EventKind.DOWNTIME_ENDED) else None,
            kind=kind, quantity_good=good,
            quantity_scrap=scrap, reason_code_id=reason, client_id=str(uuid.uuid4()), occurred_at=when,
            recorded_at=when))
    session.add_all(rows)
    session.flush()
    return rows
