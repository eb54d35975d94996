"""The machine model (services/demo/machine_model.py) that makes both the demo's history and the live
simulator's events: jobs at 80-98 % of the ideal rate, stops with reasons, 1-4 % scrap, only in working time,
the same events for the same seed, and the stories (a bad machine, a bad shift) visible in what it reports."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.resources import MachineState
from services.core.calendar_math import BreakSpec, CalendarSpec, ShiftSpec, working_intervals, working_seconds
from services.demo.machine_model import NO_STORIES, PlantModel, Stories, Trouble, WorkClock
from services.demo.simulation import SimFloor, SimJob, SimMachine

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)          # a Monday
CALENDAR = CalendarSpec(timezone="UTC", shifts=(
    ShiftSpec("Early", 6 * 60, 14 * 60, frozenset(range(1, 6)), (BreakSpec(9 * 60, 9 * 60 + 15),)),
    ShiftSpec("Late", 14 * 60, 22 * 60, frozenset(range(1, 6)), (BreakSpec(18 * 60, 18 * 60 + 30),))))
REASONS = {"minor_stop": ["JAM", "NO-MAT"], "setup_adjustment": ["CHANGEOVER", "TOOL"], "breakdown": ["BREAKDOWN"],
           "scrap": ["DIM"], "startup_reject": ["STARTUP"]}


def _floor(machines: int = 3, *, state: MachineState = MachineState.IDLE, down_since: datetime | None = None) -> SimFloor:
    return SimFloor(plant_id=1, plant_code="T", calendar=CALENDAR, reasons=REASONS, last_event_at=None, machines=[
        SimMachine(id=i, code=f"M-{i}", work_center_id=1, state=state, current=None, queue=[],
                   down_reason="BREAKDOWN" if down_since else None, down_since=down_since)
        for i in range(1, machines + 1)])


class _Planner:
    """Every dry machine gets a job of 400 parts at 30 s."""

    def __init__(self):
        self.ids = iter(range(1, 10_000))
        self.queues: dict[int, list[SimJob]] = {}
        self.ideal: dict[int, float] = {}

    def refill(self, work_center_id: int, machine_id: int, at: datetime, busy: set[int]) -> int:
        op = next(self.ids)
        self.ideal[op] = 30.0
        self.queues.setdefault(machine_id, []).append(SimJob(
            operation_id=op, work_order_number=f"WO-{op}", sequence=10, ideal_cycle_seconds=30.0, setup_seconds=900,
            remaining=400, started=False))
        return 1

    def reload(self, machine_id: int) -> list[SimJob]:
        return self.queues.get(machine_id, [])


def _run(days: float = 4.4, *, seed: int = 3, stories: Stories = NO_STORIES, floor: SimFloor | None = None):
    planner = _Planner()
    model = PlantModel(floor or _floor(), start=START, seed=seed, count_every=300, refill=planner.refill,
                       reload_jobs=planner.reload, stories=stories)
    end = START + timedelta(days=days)
    events: list[dict] = []
    model.run_until(end, flush=lambda: events.extend(model.take_batch()))
    events.extend(model.take_batch())
    for e in events:
        e["at"] = datetime.fromisoformat(e["occurred_at"])
    return events, planner, end


def test_the_model_works_in_working_time_at_80_to_98_percent_of_the_ideal_rate_with_1_to_4_percent_scrap():
    events, planner, end = _run()
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    working = working_intervals(CALENDAR, START, end)
    starts = [e for e in events if e["type"] in ("count", "job_start") or e.get("state") == "down"]
    assert all(any(a <= e["at"] <= b for a, b in working) for e in starts)      # nothing in breaks or nights
    for machine in ("M-1", "M-2", "M-3"):
        mine = [e for e in events if e["machine"] == machine]
        good = sum(e.get("good", 0) for e in mine)
        scrap = sum(e.get("scrap", 0) for e in mine)
        assert 0.01 <= scrap / (good + scrap) <= 0.04
        stopped, opened = 0, None
        for e in mine:
            if e["type"] == "state" and e["state"] == "down" and opened is None:
                opened = e["at"]
            elif e["type"] == "state" and e["state"] == "running" and opened is not None:
                stopped, opened = stopped + working_seconds(CALENDAR, opened, e["at"]), None
        first, last = mine[0]["at"], mine[-1]["at"]
        if opened is not None:
            stopped += working_seconds(CALENDAR, opened, last)
        run = working_seconds(CALENDAR, first, last) - stopped
        assert 0.80 <= (good + scrap) * 30.0 / run <= 0.98          # the rate while it runs
        assert 0.55 <= good * 30.0 / working_seconds(CALENDAR, START, end) <= 0.85   # OEE of a busy machine
        kinds = {e.get("reason") for e in mine if e["type"] == "state" and e["state"] == "down"}
        assert {"CHANGEOVER", "JAM"} <= kinds


def test_the_same_seed_gives_the_same_events_and_another_seed_others():
    first, _, _ = _run(1, seed=5)
    again, _, _ = _run(1, seed=5)
    other, _, _ = _run(1, seed=6)
    assert first == again
    assert first != other


def test_a_troubled_machine_breaks_down_more_and_a_bad_shift_makes_more_scrap():
    stories = Stories(machines={"M-2": Trouble(breakdowns=4.0)}, shifts={"Late": Trouble(scrap=3.0)})
    events, _, _ = _run(15, stories=stories)
    breakdowns = {m: sum(1 for e in events if e["machine"] == m and e.get("reason") == "BREAKDOWN")
                  for m in ("M-1", "M-2", "M-3")}
    assert breakdowns["M-2"] > 2 * max(breakdowns["M-1"], breakdowns["M-3"])
    clock = WorkClock(CALENDAR)
    share = {}
    for shift in ("Early", "Late"):
        counts = [e for e in events if e["type"] == "count" and clock.shift_at(e["at"] - timedelta(seconds=1)) == shift]
        share[shift] = sum(e["scrap"] for e in counts) / sum(e["good"] + e["scrap"] for e in counts)
    assert share["Late"] > 1.8 * share["Early"]


def test_a_machine_left_down_comes_back_when_such_a_stop_would_end():
    floor = _floor(1, state=MachineState.DOWN, down_since=START - timedelta(days=2, hours=18))   # since Friday noon
    events, _, _ = _run(0.2, floor=floor)
    assert events[0]["type"] == "state" and events[0]["state"] == "running" and events[0]["at"] == START
    floor = _floor(1, state=MachineState.DOWN, down_since=START + timedelta(minutes=1))
    floor.calendar = None
    events, _, _ = _run(0.2, floor=floor)
    assert events[0]["type"] == "state" and events[0]["state"] == "running"
    assert timedelta(minutes=15) <= events[0]["at"] - (START + timedelta(minutes=1)) <= timedelta(minutes=90)


def test_the_clock_skips_breaks_and_nights_and_names_the_shift():
    clock = WorkClock(CALENDAR)
    assert clock.after(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), 60) == datetime(2026, 3, 2, 9, 16, tzinfo=UTC)
    assert clock.after(datetime(2026, 3, 2, 21, 59, tzinfo=UTC), 120) == datetime(2026, 3, 3, 6, 1, tzinfo=UTC)
    assert clock.after(datetime(2026, 3, 6, 21, 0, tzinfo=UTC), 7200) == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)
    assert clock.shift_at(datetime(2026, 3, 2, 15, 0, tzinfo=UTC)) == "Late"
    assert clock.shift_at(datetime(2026, 3, 2, 18, 10, tzinfo=UTC)) is None
    assert clock.after(datetime(2026, 3, 2, 13, 0, tzinfo=UTC), 3600) == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
