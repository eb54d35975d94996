"""Quality in a real browser on the demo plant: find the carton receipt KK-2291 in the lots list (every
finished product is packed in one; its lot number depends on how many lots the demo's shop-floor
history produced before it), trace it forward to the shipment that reached
a customer, run a recall from the supplier lot, and open the shipped shipment. Screenshots go to test-results/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, log_in, shot

pytestmark = pytest.mark.e2e


def test_quality_traces_a_receipt_to_its_customer_and_simulates_a_recall(new_page):
    page = new_page(DESKTOP)
    log_in(page, "quality")
    expect(page.get_by_test_id("sidebar").get_by_role("link", name="Trace")).to_be_visible()
    page.goto("/lots")
    page.get_by_label("Search lots").fill("KK-2291")
    page.get_by_role("button", name="Search", exact=True).click()
    receipt = page.get_by_test_id("lot-row").filter(has_text="KK-2291")
    expect(receipt).to_have_count(1)
    receipt.get_by_role("link", name="Trace").click()
    expect(page).to_have_url(re.compile(r"/trace\?lot=\d+"))
    table = page.get_by_test_id("trace-table")
    expect(table).to_contain_text("KK-2291")
    expect(table).to_contain_text("SHP-000001")
    expect(page.get_by_test_id("trace-summary")).to_contain_text("Supplier receipts")
    expect(page.get_by_test_id("trace-graph").locator(".js-plotly-plot")).to_be_visible()
    shot(page, "trace-desktop")

    page.get_by_label("Supplier lot reference").fill("KK-2291")
    page.get_by_role("button", name="From a supplier lot").click()
    expect(page.get_by_test_id("recall-shipments")).to_contain_text("SHP-000001")
    expect(page.get_by_test_id("recall-customers").locator("span").first).to_be_visible()
    shot(page, "recall-desktop")

    page.goto("/shipments")
    row = page.get_by_test_id("shipment-row").filter(has_text="SHP-000001")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("status-shipped")).to_be_visible()
    row.get_by_role("button", name="Open").click()
    expect(page.get_by_role("dialog")).to_contain_text(re.compile(r"open → packing"))
