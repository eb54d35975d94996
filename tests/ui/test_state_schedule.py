"""Schedule board state without a browser: the board loads, a planner picks an operation and moves
it earlier, later or to another machine (with a reason), assigns waiting work, and the chart is
rebuilt at once; refusals show as messages and change nothing."""
from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from models.base import utcnow
from models.orders import ExceptionKind, Operation, ScheduleException
from rxapp.state.org.auth import AuthState
from rxapp.state.production.schedule import ScheduleState
from services.core import formats
from services.core.db import transaction
from services.production import scheduling
from tests.factories.org import actor_of
from tests.factories.production import make_line, make_work_order
from tests.ui.conftest import redirects, run, signed_in, toasts


def _line_with_ops(session, world, *, queued: int = 2, waiting: int = 0):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    planner = actor_of(session, world.planner1)
    cuts = [make_work_order(session, world.org_a, world.plant1, line, quantity=100)[1][0] for _ in range(queued + waiting)]
    for op in cuts[:queued]:
        with transaction(session):
            scheduling.assign_operation(session, planner, op, line.machine_ids[0], now=utcnow())
    return line, cuts


def _queue(engine, op_ids):
    with Session(engine) as s:
        return {op.id: (op.machine_id, op.queue_position) for op in s.exec(select(Operation).where(
            Operation.id.in_(op_ids))).all()}


def _bars(figure) -> list[str]:
    return [text for trace in figure.data if trace.type == "bar" for text in trace.text]


async def _board(engine, username="planner.one"):
    state = await signed_in(engine, ScheduleState, username)
    await run(state.enter(), state)
    return state


async def test_the_board_loads_rows_chart_and_utilisation(engine, session, world):
    line, (one, two) = _line_with_ops(session, world)
    state = await _board(engine)
    assert not state.loading and state.load_error == ""
    assert state.plant_id == world.plant1 and state.timezone == "UTC"
    assert [m.id for m in state.machines] == line.machine_ids
    assert [(r.id, r.machine_id, r.position) for r in state.ops] == [(one, line.machine_ids[0], 1),
                                                                     (two, line.machine_ids[0], 2)]
    assert len(_bars(state.figure)) == 2 and all(text.endswith("10 Cut") for text in _bars(state.figure))
    assert [t.name for t in state.utilisation_figure.data] == ["Scheduled", "Target", "Available"]
    assert state.selected.id == 0 and state.window_label.startswith(formats.day(date.fromisoformat(state.day), fmt="short"))


async def test_pick_then_later_and_earlier_reorders_the_queue(engine, session, world):
    line, (one, two) = _line_with_ops(session, world)
    state = await _board(engine)
    await run(state.select(one), state)
    assert (state.selected.id, state.selected.position) == (one, 1)
    events = await run(state.later(), state)
    assert toasts(events, "success") == ["Moved"]
    assert _queue(engine, [one, two]) == {one: (line.machine_ids[0], 2), two: (line.machine_ids[0], 1)}
    assert state.selected.position == 2 and [r.id for r in state.ops] == [two, one]
    await run(state.earlier(), state)
    assert _queue(engine, [one, two])[one] == (line.machine_ids[0], 1)


async def test_moving_to_another_machine_needs_a_reason(engine, session, world):
    line, (one, two) = _line_with_ops(session, world)
    state = await _board(engine)
    await run(state.select(two), state)
    assert [o.id for o in state.move_options] == [str(line.machine_ids[1])]
    assert state.target_machine == str(line.machine_ids[1])
    events = await run(state.move_to_machine(), state)
    assert state.reason_error == "Required when the machine changes." and toasts(events, "error")
    assert _queue(engine, [two])[two] == (line.machine_ids[0], 2)
    await run(state.set_reason("Tool broken on M1"), state)
    events = await run(state.move_to_machine(), state)
    assert toasts(events, "success") == ["Moved"] and state.reason == ""
    assert _queue(engine, [one, two]) == {one: (line.machine_ids[0], 1), two: (line.machine_ids[1], 1)}
    assert (state.selected.machine_id, state.selected.position) == (line.machine_ids[1], 1)
    with Session(engine) as s:
        assert [(e.kind, e.reason) for e in s.exec(select(ScheduleException)).all()] == [
            (ExceptionKind.REALLOCATED, "Tool broken on M1")]
    assert [e.reason for e in state.exceptions] == ["Tool broken on M1"]


async def test_waiting_operations_are_assigned_from_the_table(engine, session, world):
    line, (queued, waiting) = _line_with_ops(session, world, queued=1, waiting=1)
    state = await _board(engine)
    row = next(w for w in state.waiting if w.id == waiting)
    assert [m.id for m in row.machines] == [str(m) for m in line.machine_ids] and row.hours == "1.00"
    events = await run(state.assign(waiting, str(line.machine_ids[1])), state)
    assert toasts(events, "success") == ["Scheduled"]
    assert waiting in [r.id for r in state.ops] and waiting not in [w.id for w in state.waiting]
    assert _queue(engine, [waiting])[waiting] == (line.machine_ids[1], 1)


async def test_a_click_on_a_bar_picks_its_operation(engine, session, world):
    _line, (one, two) = _line_with_ops(session, world)
    state = await _board(engine)
    trace = next(i for i, t in enumerate(state.figure.data) if t.type == "bar")
    index = list(state.figure.data[trace].text).index(next(r.label for r in state.ops if r.id == two))
    await run(state.chart_click([{"curveNumber": trace, "pointNumber": index}]), state)
    assert state.selected.id == two
    await run(state.chart_click([{"curveNumber": 0, "pointNumber": 0}]), state)      # the invisible row marker
    assert state.selected.id == two


async def test_replan_and_late_check_from_the_toolbar(engine, session, world):
    _line_with_ops(session, world)
    state = await _board(engine)
    assert toasts(await run(state.replan(), state), "success") == ["Re-planned from now"]
    assert toasts(await run(state.detect_late(), state), "success") == ["Late operations checked"]


async def test_operators_are_sent_away_and_other_plants_do_not_exist(engine, session, world):
    line2 = make_line(session, world.org_a, world.plant2, world.dept2)
    _wo, (op2, _d) = make_work_order(session, world.org_a, world.plant2, line2)
    operator = await signed_in(engine, AuthState, "op.one")
    assert redirects(await run(operator.require("plan"), operator)) == ["/not-allowed"]
    op_state = await signed_in(engine, ScheduleState, "op.one")
    await run(op_state.enter(), op_state)
    assert op_state.load_error.startswith("You are not allowed")

    state = await _board(engine)
    events = await run(state.assign(op2, str(line2.machine_ids[0])), state)
    assert toasts(events, "error") == ["Operation not found."]
    assert _queue(engine, [op2])[op2] == (None, None)
    await run(state.set_plant(str(world.plant2)), state)
    assert state.load_error == "Plant not found." and state.ops == []


async def test_the_window_is_a_day_three_days_or_a_week_and_moves_by_its_length(engine, session, world):
    _line_with_ops(session, world)
    state = await _board(engine)
    first = date.fromisoformat(state.day)
    shown = lambda d: formats.day(d, fmt="short")  # noqa: E731
    assert state.days == 7 and state.window_label == f"{shown(first)} – {shown(first + timedelta(days=6))}"
    await run(state.set_days("1"), state)
    assert state.window_label == f"{shown(first)} – {shown(first)}"
    await run(state.shift_window(1), state)
    await run(state.set_days("3"), state)
    await run(state.shift_window(-1), state)
    assert date.fromisoformat(state.day) == first + timedelta(days=1) - timedelta(days=3)
    await run(state.set_days("12"), state)
    assert state.days == 7
    await run(state.go_today(), state)
    assert date.fromisoformat(state.day) == first
