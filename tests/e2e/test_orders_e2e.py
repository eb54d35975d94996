"""A planner in a real browser: an order file with a bad row is refused row by row, the corrected
file imports, the new order is released into work orders, and the work orders page shows them.
Screenshots go to test-results/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, log_in, shot

pytestmark = pytest.mark.e2e

HEADER = "order_ref,customer_code,product_code,quantity,promised_date,unit_price,note\n"
GOOD = HEADER + "E2E-4711,NORDWIND,FG-PUMPKIT,25,2030-05-04,19.90,from the browser\n"
BAD = GOOD + "E2E-4711,NORDWIND,FG-NOPE,5,04.05.2030,,\n"


def _upload(page, name: str, text: str) -> None:
    page.get_by_test_id("import-upload").locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])


def test_planner_imports_a_file_and_releases_the_order(new_page):
    page = new_page(DESKTOP)
    log_in(page, "planner")
    expect(page.get_by_test_id("sidebar").get_by_role("link", name="Import orders")).to_be_visible()
    page.goto("/orders/import")
    expect(page.get_by_role("heading", name="Import orders")).to_be_visible()

    _upload(page, "bad.csv", BAD)
    bad_row = page.get_by_test_id("import-row-bad")
    expect(bad_row).to_have_count(1)
    expect(bad_row).to_contain_text("Unknown product 'FG-NOPE'.")
    expect(bad_row).to_contain_text("Promised date '04.05.2030' is not a date")
    expect(page.get_by_test_id("import-button")).to_be_disabled()
    shot(page, "order-import-errors-desktop")

    page.get_by_role("button", name="Start over").click()
    _upload(page, "good.csv", GOOD)
    expect(page.get_by_test_id("import-row-ok")).to_have_count(1)
    button = page.get_by_test_id("import-button")
    expect(button).to_be_enabled()
    expect(button).to_contain_text("Import 1 lines")
    button.click()
    page.wait_for_url(re.compile(r"/orders/?$"))
    expect(page.get_by_text(re.compile(r"Imported 1 orders with 1 lines"))).to_be_visible()

    page.get_by_label("Search orders").fill("E2E-4711")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_test_id("order-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Nordwind")
    row.get_by_role("button", name="Open").click()
    detail = page.get_by_test_id("order-detail")
    expect(detail).to_contain_text("FG-PUMPKIT")
    detail.get_by_test_id("release-order").click()
    expect(detail.get_by_test_id("status-released").first).to_be_visible()
    expect(detail.get_by_test_id("order-work-order").first).to_contain_text("FG-PUMPKIT")
    shot(page, "order-released-desktop")

    page.goto("/work-orders")
    expect(page.get_by_role("heading", name="Work orders")).to_be_visible()
    page.get_by_label("Search work orders").fill("FG-PUMPKIT")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("work-order-row").first).to_be_visible()
    shot(page, "work-orders-desktop")
