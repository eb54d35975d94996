"""A quality engineer in a real browser raises an NCR, is refused closing it without a root cause,
records the root cause and closes it; an admin opens the workflow editor and sees the state machine.
Screenshots go to test-results/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, shot

pytestmark = pytest.mark.e2e


def test_raise_an_ncr_be_refused_closing_without_root_cause_then_close_it(new_page):
    page = new_page(DESKTOP)
    log_in(page, "quality")
    expect(page.get_by_test_id("sidebar").get_by_role("link", name="NCRs")).to_be_visible()
    page.goto("/quality/ncrs")
    expect(page.get_by_role("heading", name="NCRs")).to_be_visible()
    page.get_by_test_id("raise-ncr").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("select[name=plant_id]").select_option(index=1)
    dialog.get_by_label("Title").fill("E2E burr on flange")
    dialog.locator("select[name=severity]").select_option("major")
    dialog.get_by_label("Lot").fill("LOT-E2E-1")
    dialog.get_by_role("button", name="Raise NCR").click()
    expect(page).to_have_url(re.compile(r"/quality/ncr\?id=\d+"))
    expect(page.get_by_test_id("ncr-status")).to_contain_text("Open")

    page.get_by_test_id("transition-close").click()
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_contain_text("Describe the root cause before closing.")
    expect(refusal).to_contain_text("Choose a root-cause category before closing.")
    expect(page.get_by_test_id("ncr-status")).to_contain_text("Open")
    shot(page, "ncr-close-refused-desktop")

    page.locator("select[name=root_cause_category_id]").select_option(label="Machine")
    page.locator("textarea[name=root_cause]").fill("Worn deburring tool on station 3")
    page.get_by_role("button", name="Save investigation").click()
    expect(page.get_by_text("Saved", exact=True).first).to_be_visible()
    page.get_by_test_id("comment").fill("Tool replaced, parts sorted")
    page.get_by_test_id("transition-close").click()
    expect(page.get_by_test_id("ncr-status")).to_contain_text("Closed")
    expect(page.get_by_test_id("history-row").first).to_contain_text("open → closed")
    shot(page, "ncr-closed-desktop")

    page.goto("/quality/ncrs")
    page.locator("select[name=show_filter]").select_option("closed")
    expect(page.get_by_test_id("ncr-row").filter(has_text="E2E burr on flange")).to_have_count(1)


def test_admin_sees_the_workflow_editor_on_a_phone(new_page):
    page = new_page(PHONE)
    log_in(page, "admin")
    expect(page.get_by_test_id("greeting")).to_be_visible()     # signed in (the token is kept) before moving on
    page.goto("/admin/workflows")
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()
    expect(page.get_by_test_id("state-row")).to_have_count(4)
    expect(page.get_by_test_id("workflow-graph").locator(".main-svg").first).to_be_visible()
    shot(page, "workflow-editor-phone")
