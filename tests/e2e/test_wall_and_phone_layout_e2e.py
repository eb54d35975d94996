"""Sizes of the live pages in a real browser, on the demo plant (issue 18's walk): the andon board fits a
1920 x 1080 wall screen without scrolling and a 390 px phone without sideways scrolling, and names its shift
as the shift, apart from the machines' states; the dashboard's trend legend keeps clear of the date labels,
and on a phone the filters fold behind a "Filters" button so the figures come first. Sizes only, never
times."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, shot
from tests.e2e.test_live_e2e import WALL, display_token

pytestmark = pytest.mark.e2e

PAGE_SIZE = "({height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth})"
OVERLAPS = """([a, b]) => !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top)"""


def open_board(page, token: str) -> None:
    page.goto("/andon?token=" + token)
    page.wait_for_url(re.compile(r"/andon/?$"))
    expect(page.get_by_test_id("andon-tile").first).to_be_visible()
    expect(page.get_by_test_id("andon-shift")).to_be_visible()


@pytest.fixture
def demo_machines_only(app_database_url):
    """Berlin as the demo has it: the machines earlier browser tests added (codes E2E-...) are set aside for this
    test and put back after it (the board is built to fit 18 machines on a wall screen)."""
    from sqlmodel import Session, col, select

    from models.resources import Machine
    from services.core.db import make_engine, transaction

    def set_active(ids: list[int] | None, active: bool) -> list[int]:
        engine = make_engine(app_database_url)
        try:
            with Session(engine) as s, transaction(s):
                query = select(Machine).where(col(Machine.code).startswith("E2E-"), Machine.is_active == (not active))
                machines = [m for m in s.exec(query).all() if ids is None or m.id in ids]
                for machine in machines:
                    machine.is_active = active
                    s.add(machine)
                return [m.id for m in machines]
        finally:
            engine.dispose()
    set_aside = set_active(None, False)
    yield
    set_active(set_aside, True)


def test_the_andon_board_fits_a_wall_screen_and_a_phone(new_page, app_database_url, demo_machines_only):
    token = display_token(app_database_url)
    wall = new_page(WALL)
    open_board(wall, token)
    tiles = wall.get_by_test_id("andon-tile").count()
    assert tiles >= 10                                        # the demo's Berlin plant
    size = wall.evaluate(PAGE_SIZE)
    shot(wall, "andon-wall-1920")
    assert size["height"] <= WALL["height"] and size["width"] <= WALL["width"], (size, tiles)

    shift = wall.get_by_test_id("andon-shift")                # "Shift: Late", or that no shift runs
    assert re.fullmatch(r"Shift: .+|No shift running", shift.inner_text().strip())
    summary = wall.get_by_test_id("andon-summary")
    assert not summary.get_by_test_id("andon-shift").count()    # not one of the counts of machine states
    look = shift.evaluate("e => [getComputedStyle(e).textTransform, getComputedStyle(e).backgroundColor, "
                          "getComputedStyle(e).borderTopStyle]")
    state = wall.get_by_test_id("andon-state").first.evaluate("e => getComputedStyle(e).textTransform")
    assert look == ["none", "rgba(0, 0, 0, 0)", "solid"] and state == "uppercase"   # outlined, not a state label

    phone = new_page(PHONE)
    open_board(phone, token)
    size = phone.evaluate(PAGE_SIZE)
    shot(phone, "andon-phone")
    assert size["width"] <= PHONE["width"], size


def logged_in(page, username: str) -> None:
    log_in(page, username)
    page.wait_for_url(lambda url: "/login" not in url)       # the session is kept before the next page opens


def _box(locator) -> dict:
    return locator.evaluate("e => { const r = e.getBoundingClientRect(); "
                            "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }")


def test_the_dashboard_trend_legend_keeps_clear_of_the_dates(new_page):
    manager = new_page(DESKTOP)
    logged_in(manager, "manager")
    manager.goto("/dashboard")
    expect(manager.get_by_test_id("kpi-oee")).to_be_visible()
    manager.get_by_test_id("filter-period").click()
    manager.get_by_role("option", name="Last 7 days").click()
    trend = manager.locator(".js-plotly-plot").first
    expect(trend.locator(".legend")).to_be_visible()
    expect(trend.locator(".xtick").first).to_be_visible()
    legend = _box(trend.locator(".legend"))
    # the dates drawn: a tick text the chart is redrawing (the live channel puts the current bucket's point in
    # place when the new period's subscription answers) has an empty box at the page's corner for that moment
    dates = [b for b in (_box(t) for t in trend.locator(".xtick text").all()) if b["bottom"] > b["top"]]
    assert dates and not any(manager.evaluate(OVERLAPS, [legend, d]) for d in dates), (legend, dates)
    assert legend["bottom"] <= min(d["top"] for d in dates)
    shot(manager, "dashboard-trend-legend")

    capacity = manager.get_by_test_id("capacity")             # the demo sets no capacity targets
    expect(capacity.get_by_test_id("capacity-row").first).to_be_visible()
    expect(capacity.get_by_test_id("no-capacity-targets")).to_be_visible()
    expect(capacity.get_by_test_id("utilisation-cell")).to_have_count(0)


def test_on_a_phone_the_dashboard_shows_figures_before_filters(new_page):
    phone = new_page(PHONE)
    logged_in(phone, "manager")
    phone.goto("/dashboard")
    expect(phone.get_by_test_id("kpi-oee")).to_be_visible()
    toggle = phone.get_by_test_id("filters-toggle")
    expect(toggle).to_be_visible()
    expect(phone.get_by_test_id("filter-period")).to_be_hidden()
    oee = _box(phone.get_by_test_id("tile-oee"))
    assert oee["bottom"] <= PHONE["height"], oee             # the first figures are on the first screen
    assert phone.evaluate(PAGE_SIZE)["width"] <= PHONE["width"]
    shot(phone, "dashboard-phone-folded")

    toggle.click()
    expect(phone.get_by_test_id("filter-period")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(phone.get_by_test_id("filter-period")).to_be_hidden()

    wide = new_page(DESKTOP)
    logged_in(wide, "manager")
    wide.goto("/dashboard")
    expect(wide.get_by_test_id("filter-period")).to_be_visible()    # above 768 px the filters are always there
    expect(wide.get_by_test_id("filters-toggle")).to_be_hidden()
