"""A live control chart in a real browser: the quality engineer watches the demo's shaft diameter
chart on a desktop while an operator records an out-of-control subgroup on a phone; the point and
its alert appear on the chart page without a reload."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, shot

pytestmark = pytest.mark.e2e


def test_the_chart_flags_a_point_recorded_on_a_phone(new_page):
    desk = new_page(DESKTOP)
    log_in(desk, "quality")
    expect(desk.get_by_test_id("sidebar").get_by_role("link", name="Control charts")).to_be_visible()
    desk.goto("/quality/spc")
    count = desk.get_by_test_id("spc-count")
    expect(count).to_contain_text("31")
    expect(desk.get_by_test_id("spc-alert")).to_have_count(3)        # the demo's drift tripped rule 3

    phone = new_page(PHONE)
    log_in(phone, "operator")
    expect(phone.get_by_test_id("home-operator")).to_be_visible()
    phone.goto("/quality/inspect")
    phone.get_by_test_id("inspect-values").fill("25.2 25.2 25.21 25.2 25.19")
    phone.get_by_test_id("inspect-send").click()
    expect(phone.get_by_test_id("inspect-result")).to_contain_text("OUT OF CONTROL")
    shot(phone, "spc-inspect-phone")

    expect(count).to_contain_text("32")                                # no reload: the bus brought it
    expect(desk.get_by_test_id("spc-alert").first).to_contain_text("beyond")
    shot(desk, "spc-chart-live")
