"""Master data in headless Chromium on the demo plant: a planner creates a product (a field error
first), gives it a BOM, explodes it and downloads the explosion; the machines and shift-calendar
pages show the demo plant, the calendar with its week view."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, log_in, shot

pytestmark = pytest.mark.e2e


def _open(page, label: str, heading: str) -> None:
    page.get_by_test_id("sidebar").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_text("Loading…")).to_have_count(0)


def test_planner_builds_a_bom_and_explodes_it(new_page):
    page = new_page(DESKTOP)
    log_in(page, "planner")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    _open(page, "Products", "Products")
    expect(page.get_by_test_id("product-row").filter(has_text="RM-BOLT-M8")).to_be_visible()
    page.get_by_role("button", name="New product").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Code").fill("E2E-KIT")
    dialog.get_by_label("Name", exact=True).fill("Bolt kit")     # not the second name laid out after it
    dialog.get_by_label("Standard cost").fill("-1")
    dialog.get_by_role("button", name="Save product").click()
    expect(dialog.get_by_text("Must be at least 0.")).to_be_visible()
    dialog.get_by_label("Standard cost").fill("2.50")
    dialog.get_by_role("button", name="Save product").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.get_by_test_id("search").fill("e2e-kit")
    row = page.get_by_test_id("product-row").filter(has_text="E2E-KIT")
    expect(row).to_contain_text("Bolt kit")
    expect(page.get_by_test_id("product-row")).to_have_count(1)
    row.get_by_role("button", name="BOM").click()
    bom = page.get_by_role("dialog")
    expect(bom).to_contain_text("E2E-KIT · Bolt kit")
    bom.get_by_label("Component", exact=True).select_option(label="RM-BOLT-M8 · Bolt M8x25 (pcs)")
    bom.get_by_label("Quantity per unit").fill("4")
    bom.get_by_label("Scrap factor").fill("0.1")
    bom.get_by_role("button", name="Add", exact=True).click()
    expect(bom.get_by_test_id("bom-line")).to_have_count(1)
    expect(bom.get_by_test_id("bom-line")).to_contain_text("RM-BOLT-M8")
    bom.get_by_role("tab", name="Explosion").click()
    bom.get_by_label("Quantity", exact=True).fill("3")
    bom.get_by_role("button", name="Explode").click()
    exploded = bom.get_by_test_id("explosion-row")
    expect(exploded).to_have_count(1)
    expect(exploded).to_contain_text("14")                          # 3 x 4 x 1.1 = 13.2 -> 14 pcs
    shot(page, "master-bom-explosion-desktop")
    with page.expect_download() as download:
        bom.get_by_role("button", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(r["Code"], r["Required quantity"]) for r in rows] == [("RM-BOLT-M8", "14")]


def test_planner_sees_machines_and_a_calendar_week(new_page):
    page = new_page(DESKTOP)
    log_in(page, "planner")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    _open(page, "Work centers & machines", "Work centers & machines")
    expect(page.get_by_test_id("machine-row").first).to_be_visible()
    expect(page.get_by_test_id("machine-row").filter(has_text="POR")).to_have_count(0)   # planner of Berlin only
    _open(page, "Shift calendars", "Shift calendars")
    page.get_by_test_id("calendar-row").first.get_by_role("button", name="Open").click()
    detail = page.get_by_test_id("calendar-detail")
    expect(detail.get_by_test_id("shift-row").first).to_be_visible()
    expect(detail.locator(".js-plotly-plot")).to_be_visible()
    shot(page, "master-calendar-week-desktop")
