"""Per-day KPI rollups (kpi_count_day, kpi_stop_day): reads that take the whole local days of a window from the
day rows and only its partial edges from the slices give exactly the sums of the slices alone, for every
grouping the KPI services use, and the service figures over several days match the raw-event reference. The
KPI reads' own calendar loader (services/kpi/plant_calendar.py) equals the calendar service's in two queries.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from models.base import utcnow
from models.calendar import CalendarHoliday, ShiftCalendar
from models.organization import Plant
from models.shopfloor import EventKind
from services.core.db import transaction
from services.core.errors import Invalid
from services.kpi import reads as kpi
from services.kpi import rollups
from services.kpi.plant_calendar import kpi_calendar
from services.kpi.scope import count_sums, resolve_scope, stop_sums, whole_days
from services.master.calendars import calendar_spec
from tests.factories.kpi import at, insert_events

GROUPS = [("machine_id",), ("machine_id", "product_id"), ("product_id", "step"), ("reason_key",), ()]
STOP_GROUPS = [("machine_id",), ()]


@pytest.fixture
def three_days(session, world, floor):
    """Counts and stops spread over four local days (UTC plant), applied in a few batches."""
    rng = random.Random(7)
    reasons = [floor.line.downtime_reason_id, floor.line.planned_stop_reason_id]
    specs = []
    for minute in sorted(rng.sample(range(0, 4 * 24 * 60), 160)):
        when = at(0) + timedelta(minutes=minute, seconds=minute % 11)
        kind = rng.choice([EventKind.COUNT, EventKind.COUNT, EventKind.DOWNTIME_STARTED, EventKind.DOWNTIME_ENDED])
        scrap = rng.randint(0, 2) if kind == EventKind.COUNT else 0
        specs.append((kind, when, rng.randint(1, 9) if kind == EventKind.COUNT else 0, scrap,
                      rng.choice(reasons) if kind == EventKind.DOWNTIME_STARTED
                      else floor.line.scrap_reason_id if scrap else None))
    rng.shuffle(specs)
    for i in range(0, len(specs), 40):
        with transaction(session):
            rollups.apply(session, insert_events(session, floor, world, specs[i:i + 40]))
    return specs


# whole days, partial first and last days, one whole day between two partial ones, no whole day (rows belong to a
# window when their slice starts in it, so windows start and end on slice boundaries)
WINDOWS = [(at(0), at(96)), (at(5), at(80)), (at(23), at(49)), (at(30), at(40))]


@pytest.mark.parametrize("window", WINDOWS)
def test_day_rows_plus_edge_slices_sum_exactly_like_the_slices(session, world, floor, viewer, three_days, window):
    scope = resolve_scope(session, viewer, plant_id=world.plant1, start=window[0], end=window[1], now=utcnow())
    for group in GROUPS:
        assert sorted(count_sums(session, scope, *group, by_day=True)) == \
            sorted(count_sums(session, scope, *group, by_day=False))
    for group in STOP_GROUPS:
        assert sorted(stop_sums(session, scope, *group, by_day=True)) == \
            sorted(stop_sums(session, scope, *group, by_day=False))
    days = whole_days(scope)
    assert days is None if window == (at(30), at(40)) else days[0] >= scope.start and days[1] <= scope.end


@pytest.mark.parametrize("window", WINDOWS)
def test_service_figures_over_days_match_the_raw_events(session, world, floor, viewer, three_days, window):
    start, end = window
    summary = kpi.kpi_summary(session, viewer, plant_id=world.plant1, start=start, end=end,
                              machine_id=floor.machine_id, now=at(200))
    raw = kpi.machine_oee(session, viewer, floor.machine_id, start=start, end=end)
    assert (summary.figures.availability, summary.figures.performance, summary.figures.quality,
            summary.figures.oee) == (raw.availability, raw.performance, raw.quality, raw.oee)
    days = kpi.oee_trend(session, viewer, plant_id=world.plant1, start=start, end=end, bucket="day",
                         machine_id=floor.machine_id, now=at(200))
    hours = kpi.oee_trend(session, viewer, plant_id=world.plant1, start=start, end=end, bucket="hour",
                          machine_id=floor.machine_id, now=at(200))
    for name in ("good", "scrap"):
        assert sum(getattr(p.figures, name) for p in days.points) == \
            sum(getattr(p.figures, name) for p in hours.points) == getattr(summary.figures, name)
    assert sum(p.figures.stop_minutes for p in days.points) == pytest.approx(
        sum(p.figures.stop_minutes for p in hours.points))
    assert sum(p.figures.stop_minutes for p in days.points) == pytest.approx(summary.figures.stop_minutes)



def test_the_kpi_calendar_equals_the_calendar_service_s_in_two_queries(session, engine, world, floor):
    plant = session.get(Plant, world.plant1)
    with transaction(session):
        session.add(CalendarHoliday(calendar_id=floor.line.calendar_id, day=date(2026, 12, 25), name="Christmas"))
    statements = []

    def seen(_conn, _cursor, statement, *_rest):
        statements.append(statement)
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        spec = kpi_calendar(session, plant)
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 2
    assert spec == calendar_spec(session, plant.id)
    assert spec.holidays == {date(2026, 12, 25)} and all(s.breaks for s in spec.shifts)


def test_the_kpi_calendar_refuses_a_plant_without_calendar_or_shifts(session, world):
    plant = session.get(Plant, world.plant2)
    with pytest.raises(Invalid) as raised:
        kpi_calendar(session, plant)
    assert raised.value.fields == {"calendar": "No shift calendar for this plant."}
    with transaction(session):
        session.add(ShiftCalendar(organization_id=world.org_a, plant_id=plant.id, name="Empty"))
    with pytest.raises(Invalid) as raised:
        kpi_calendar(session, plant)
    assert raised.value.fields == {"calendar": "The calendar has no shifts."}
