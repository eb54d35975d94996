"""What the manager dashboard shows of a view (rxapp/state/kpi/live_dashboard.py `prepare`, the page's
filters), from the walk of issue 18: the trend's legend sits above the plot, clear of the date labels; the
loss Paretos name every bar in words, never a raw key; the yield table has no row of dashes (a step no unit
entered) and names a missing product or step; the capacity table shows utilisation and load only when there
is something to divide by, and says why otherwise; the drill-down names events in words; on a phone the
filters fold behind a "Filters" button. Plant UTC; the calendar of tests/factories/production.py."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from rxapp.pages.kpi.dashboard import dashboard_page
from rxapp.state.kpi import live_dashboard as shown
from rxapp.state.kpi.live_dashboard import LiveDashboardState
from services.kpi import dashboard
from services.kpi.dashboard import DashboardFilters
from services.kpi.read_models import LossRow, ProductYield, StepYield, StopRank
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import committed
from tests.factories.shopfloor import new_client_id
from tests.ui.conftest import linked, run
from tests.ui.test_state_live import dashboard_tab, worked  # noqa: F401 (fixture)

DAY = T0.replace(hour=0)             # Monday 2026-03-02
RAW_KEYS = {"idle", "speed", "waiting_parts", "stop", "scrap", "-", ""}


@pytest.fixture
def view(session, world, floor):
    """A worked Monday morning of plant 1: 40 good and 2 scrap on Cut, read at 14:00."""
    op = world.actor(world.operator1)
    for fn, when, kwargs in ((shopfloor.start_job, 6, {"operation_id": floor.cut_id}),
                             (shopfloor.report_counts, 7, {"good": 40, "scrap": 2,
                                                           "scrap_reason_code_id": floor.line.scrap_reason_id})):
        at = DAY + timedelta(hours=when)
        args = (floor.machine_id, kwargs.pop("operation_id")) if "operation_id" in kwargs else (floor.machine_id,)
        committed(session, fn, op, *args, client_id=new_client_id(), now=at, occurred_at=at, **kwargs)
    filters = DashboardFilters(plant_id=world.plant1, period="custom", start_day=date(2026, 3, 2),
                               end_day=date(2026, 3, 2))
    return dashboard.dashboard(session, world.actor(world.planner1), filters, now=DAY + timedelta(hours=14))


def test_the_trend_legend_sits_above_the_plot_clear_of_the_date_labels(view):
    layout = shown.trend_figure(view).layout
    assert layout.legend.orientation == "h" and layout.legend.yanchor == "bottom" and layout.legend.y >= 1
    assert layout.margin.t >= 30                              # a band of its own above the plot area
    assert layout.margin.b >= 30                              # the date labels keep theirs below


def test_every_pareto_bar_is_named_in_words(view):
    def row(kind, reason=None, name=None):
        return LossRow(kind=kind, reason_code_id=None, reason=reason, reason_name=name, loss_category=None,
                       minutes=1.0, minutes_exact="1", cumulative_percent=Decimal(100))
    rows = [row("idle", "idle"), row("speed"), row("waiting_parts", name="Repairs waiting for parts"), row("stop"),
            row("scrap"), row("stop", "BRK", "Breakdown")]
    by_stops = [StopRank(reason_code_id=None, reason=None, reason_name=None, stops=2, cumulative_percent=Decimal(100))]
    pareto = view.pareto.model_copy(update={"rows": rows, "by_stops": by_stops})
    labels = list(shown.pareto_figure(view.model_copy(update={"pareto": pareto})).data[0].x)
    assert labels == ["Idle – no job", "Reduced speed", "Repairs waiting for parts", "Stop, no reason",
                      "Scrap, no reason", "Breakdown"]
    stop_labels = list(shown.stop_pareto_figure(view.model_copy(update={"pareto": pareto})).data[0].x)
    assert stop_labels == ["Stop, no reason"] and not RAW_KEYS & {*labels, *stop_labels}


def test_the_yield_table_has_no_row_of_dashes(view):
    product = view.yields.products[0]
    assert [(s.step_name, s.units_in) for s in product.steps] == [("Cut", 42)]
    never_entered = product.steps[0].model_copy(update={"step": 2, "step_name": "Drill", "units_in": 0,
                                                        "right_first_time": 0, "fpy": None, "fpy_percent": None})
    no_job = ProductYield(product_id=None, product_code="-", product_name="", rty="0.8", rty_percent=Decimal(80),
                          steps=[StepYield(product_id=None, product_code="-", product_name="", step=None, step_name="",
                                           units_in=5, right_first_time=4, fpy="0.8", fpy_percent=Decimal(80))])
    yields = view.yields.model_copy(update={"products": [
        product.model_copy(update={"steps": [*product.steps, never_entered]}), no_job]})
    values = LiveDashboardState.prepare(view.model_copy(update={"yields": yields}))
    rows = [(r.product, r.step, r.units_in, r.fpy, r.rty) for r in values["yields"]]
    assert rows == [(product.product_code, "Cut", 42, "95.2 %", "95.2 %"),
                    ("No product (counts without a job)", "No routing step", 5, "80.0 %", "80.0 %")]
    figure = values["figures"]["fpy"][0]
    assert list(figure.data[0].y) == [f"{product.product_code} · Cut",
                                      "No product (counts without a job) · No routing step"]

    nothing_entered = view.yields.model_copy(update={"products": [product.model_copy(update={"steps": [never_entered]})]})
    assert not LiveDashboardState.prepare(view.model_copy(update={"yields": nothing_entered}))["has_yields"]


def test_utilisation_and_load_show_only_what_can_be_divided(view):
    rows = view.utilisation
    assert rows and all(r.utilisation is None for r in rows)         # no capacity target in the test plant
    values = LiveDashboardState.prepare(view)
    assert (values["has_utilisation"], values["has_load"]) == (False, True)   # no column of dashes
    assert "–" not in {c.utilisation for c in values["capacity"]} | {c.load for c in values["capacity"]}

    targeted = [rows[0].model_copy(update={"target_hours": Decimal(16), "utilisation": Decimal("0.5")}), *rows[1:]]
    values = LiveDashboardState.prepare(view.model_copy(update={"utilisation": targeted}))
    assert values["has_utilisation"] and values["capacity"][0].utilisation == "50.0 %"
    assert {c.utilisation for c in values["capacity"][1:]} <= {"no target"}

    closed = [r.model_copy(update={"available_hours": Decimal(0), "load": None}) for r in rows]
    assert not LiveDashboardState.prepare(view.model_copy(update={"utilisation": closed}))["has_load"]


def test_the_page_explains_a_hidden_utilisation_column():
    jsx = str(dashboard_page())
    assert '"data-testid":"no-capacity-targets"' in jsx and '"data-testid":"utilisation-cell"' in jsx


async def test_the_events_behind_a_figure_are_named_in_words(live_context, engine, session, world, worked):  # noqa: F811
    state = await dashboard_tab(engine)
    await linked(state, state.enter)
    await run(state.drill("quality"), state)
    assert [(r.kind, r.kind_label) for r in state.drill_rows] == [("count", "Parts reported")]


async def test_on_a_phone_the_filters_fold_behind_a_button(live_context, engine, session, world, worked):  # noqa: F811
    jsx = str(dashboard_page())
    at = jsx.index('"data-testid":"filters-toggle"')
    toggle = jsx[jsx.rindex("jsx(", 0, at):at]
    phone, wide = toggle.index('["@media screen and (min-width: 0)"]'), toggle.index('["@media screen and (min-width: 48em)"]')
    assert phone < wide                                         # the wider rule comes later, so it wins above 768 px
    assert '["display"] : "flex"' in toggle[phone:wide] and '["display"] : "none"' in toggle[wide:]
    assert toggle.count('["display"]') == 3                     # 0, 30em, 48em: no rule of its own after them
    at = jsx.index('"data-testid":"dashboard-filters"')
    card = jsx[jsx.rindex("jsx(", 0, at):at]
    assert 'filters_open_rx_state_' in card and '["@media screen and (min-width: 48em)"] : ({ ["marginTop"] : "0", ' \
                                                 '["display"] : "block" }) })' in card    # the last rule: shown above

    state = await dashboard_tab(engine)
    assert not state.filters_open                               # folded when the page opens
    await run(state.toggle_filters(), state)
    assert state.filters_open
    await run(state.toggle_filters(), state)
    assert not state.filters_open
