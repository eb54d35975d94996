"""A new organization's main pages show what to set up first, each step a link, instead of an error
(issue 18: /schedule showed a red "no shift calendar ... Try again"); once a step is done it leaves the
list; and the schedule's first view fits the planned work instead of squeezing it into the week."""
from __future__ import annotations

from datetime import datetime, timedelta

from rxapp import routes
from rxapp.state.production.orders import OrdersState
from rxapp.state.production.schedule import ScheduleState
from rxapp.state.production.work_orders import WorkOrdersState
from rxapp.state.quality.inspection_plans import PlansState
from rxapp.state.quality.spc import SpcState
from rxapp.state.shopfloor.operator import OperatorState
from tests.factories.production import make_calendar, make_line
from tests.ui.conftest import run, signed_in
from tests.ui.test_state_schedule import _board, _line_with_ops


def _steps(state) -> list[tuple[str, str]]:
    return [(s.key, s.href) for s in state.setup]


async def test_a_new_organizations_pages_link_to_the_setup_steps(engine, world):
    schedule = await signed_in(engine, ScheduleState, "admin.b")
    await run(schedule.enter(), schedule)
    assert schedule.load_error == "" and not schedule.loading
    assert _steps(schedule) == [("machines", routes.MASTER_MACHINES), ("calendar", routes.MASTER_CALENDARS)]

    operator = await signed_in(engine, OperatorState, "admin.b")
    await run(operator.load(), operator)
    assert operator.load_error == "" and _steps(operator) == [("machines", routes.MASTER_MACHINES)]

    orders, work_orders, plans = [await signed_in(engine, cls, "admin.b")
                                  for cls in (OrdersState, WorkOrdersState, PlansState)]
    for state in (orders, work_orders, plans):
        await run(state.load(), state)
        assert state.load_error == ""
    assert [k for k, _h in _steps(orders)] == ["products", "routings", "customers"]
    assert [k for k, _h in _steps(work_orders)] == ["products", "routings"]
    assert [k for k, _h in _steps(plans)] == ["products", "routings"]

    spc = await signed_in(engine, SpcState, "admin.b")
    await run(spc.enter())
    assert _steps(spc) == [("plans", routes.QUALITY_PLANS)] and spc.load_error == ""


async def test_a_done_step_leaves_the_list(engine, session, world):
    make_calendar(session, world.org_b, world.plant_b)
    schedule = await signed_in(engine, ScheduleState, "admin.b")
    await run(schedule.enter(), schedule)
    assert [k for k, _h in _steps(schedule)] == ["machines"]
    make_line(session, world.org_b, world.plant_b, world.dept_b)    # machines, a product with a routing, a customer
    await run(schedule.load(), schedule)
    assert schedule.setup == [] and schedule.load_error == ""
    orders = await signed_in(engine, OrdersState, "admin.b")
    await run(orders.load(), orders)
    assert orders.setup == []


def _span(figure) -> timedelta:
    first, last = (datetime.fromisoformat(v) for v in figure.layout.xaxis.range)
    return last - first


async def test_the_schedule_opens_on_the_planned_work_not_the_whole_week(engine, session, world):
    _line_with_ops(session, world)
    state = await _board(engine)
    assert state.days == 7 and len(state.ops) == 2
    bars = [trace for trace in state.figure.data if trace.type == "bar"]
    starts = [datetime.fromisoformat(b) for trace in bars for b in trace.base]
    ends = [s + timedelta(milliseconds=x) for trace in bars for s, x in zip(
        (datetime.fromisoformat(b) for b in trace.base), trace.x, strict=True)]
    first, last = (datetime.fromisoformat(v) for v in state.figure.layout.xaxis.range)
    assert first <= min(starts) and max(ends) <= last                   # every bar in view
    assert _span(state.figure) < timedelta(days=7)                      # not the whole week
    assert _span(state.figure) <= (max(ends) - min(starts)) * 1.2 + timedelta(hours=1)



def test_check_late_keeps_its_words_on_one_line_in_the_toolbar():
    """The toolbar's buttons never wrap their words (Check late broke in two on a narrow toolbar)."""
    from rxapp.pages.production.schedule_board import _toolbar
    page = str(_toolbar())
    button = page[:page.index('"data-testid":"check-late"')]
    button = button[button.rindex("jsx(RadixThemesButton"):]
    assert '["whiteSpace"] : "nowrap"' in button and '["flexShrink"] : "0"' in button
